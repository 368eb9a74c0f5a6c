import datetime as dt

from sqlalchemy import func, select

from tracker.db.demo_marker import DEMO_LABEL, has_demo_data
from tracker.db.models import Activity, AuditEntry
from tracker.demo.seed import demo_activities, seed_demo
from tracker.results import analytics, outcome_search
from tracker.results.filters import Filters


def test_demo_data_is_deterministic(session):
    first = [r.model_dump() for r in demo_activities(session)]
    second = [r.model_dump() for r in demo_activities(session)]
    assert first == second
    assert 300 <= len(first) <= 500


def test_seed_demo_tells_the_shift_and_is_labelled(session):
    added = seed_demo(session)
    session.commit()
    assert has_demo_data(session)
    activities = list(session.scalars(select(Activity)))
    assert len(activities) == added
    assert all(a.description.startswith(DEMO_LABEL) for a in activities)
    assert {a.activity_date.year for a in activities} == set(range(2015, 2027))
    assert max(a.activity_date for a in activities) <= dt.date(2026, 11, 29)
    before = analytics.kp_share(session, Filters(date_to=dt.date(2019, 12, 31)))
    after = analytics.kp_share(session, Filters(date_from=dt.date(2021, 1, 1)))
    assert before.by_count > 0.6 and after.by_count < 0.3
    assert before.by_effort > after.by_effort
    activity_entries = select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "activity")
    assert session.scalar(activity_entries) == added


def test_seed_demo_twice_adds_nothing_the_second_time(session):
    seed_demo(session)
    session.commit()
    assert seed_demo(session) == 0


def test_screens_never_import_the_demo_seeder():
    """The demo marker lives in ``demo_marker``: the dashboards, the funder summary and
    the Streamlit side read it without loading the seeder (and its account creation)."""
    import subprocess
    import sys

    code = (
        "import sys, tracker.results.views, tracker.results.home, tracker.results.summary, "
        "tracker.publish.reports, "
        "tracker.web.auth, tracker.web.reads, tracker.web.render, tracker.web.sidebar; "
        "print('tracker.demo.seed' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_seed_demo_adds_grants_outcomes_and_targets(session):
    from tracker.demo.seed import seed_demo
    from tracker.records import grants
    from tracker.results import target_status
    from tracker.results.summary import summary

    seed_demo(session)
    session.commit()
    demo_outcomes = outcome_search.live_outcomes(session)
    assert 35 <= len(demo_outcomes) <= 45
    assert all(o.outcome_id.startswith("demo-") and o.activities for o in demo_outcomes)
    statuses = target_status.target_statuses(session)
    assert {s.year for s in statuses} == set(range(2020, 2028)) and len(statuses) == 24
    assert all(s.met is None for s in statuses if s.year == 2027)
    assert [g.grant_id for g in grants.all_grants(session)] == ["DEMO-GRANT-1", "DEMO-GRANT-2"]
    by_grant = summary(session, grant_id="DEMO-GRANT-1")
    assert 0 < by_grant["activities"] < summary(session)["activities"]
    assert by_grant["outcomes"]["count"] > 0
