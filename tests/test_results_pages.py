"""AppTest of the Outcomes, Strategy and Outcome list pages per role, on the demo data plus
one restricted outcome and one public outcome that a restricted activity contributed to."""

import datetime as dt
import re

import pytest

from tests.apptest import clear_caches, metrics, open_page
from tests.conftest import BACKENDS, POSTGRES_URL
from tracker.db import database
from tracker.records import outcomes
from tracker.records.activities import create_activity
from tracker.records.validation import ActivityInput
from tracker.results import outcome_search, target_status

SECRET_STATEMENT = "A community leader in Kono agreed to testify"
SECRET_ACTIVITY = "Confidential meeting with witnesses in Kono"


@pytest.fixture(scope="module", params=BACKENDS)
def results_url(request, tmp_path_factory, database_templates):
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('results') / 'demo.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
        url = POSTGRES_URL
    database_templates.copy("demo", url)
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        create_activity(
            session,
            ActivityInput(
                activity_date=dt.date(2025, 3, 1),
                forum="Community land dialogues",
                themes=["Reduction of violence"],
                activity_type="meeting",
                title=SECRET_ACTIVITY,
                confidentiality="restricted",
                external_id="secret-1",
            ),
            "t",
        )
        base = {
            "outcome_date": dt.date(2025, 5, 1),
            "social_actor": "A district authority",
            "change_type": "practice",
            "themes": ["Reduction of violence"],
            "activities": ["secret-1"],
        }
        outcomes.create_outcome(
            session,
            outcomes.OutcomeInput(
                outcome_id="T-SECRET", statement=SECRET_STATEMENT, confidentiality="restricted", **base
            ),
            "t",
        )
        outcomes.create_outcome(
            session,
            outcomes.OutcomeInput(
                outcome_id="T-PUBLIC",
                statement="The district authority opened a hotline",
                confidentiality="public",
                **base,
            ),
            "t",
        )
    engine.dispose()
    return url


@pytest.fixture
def results_db(results_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", results_url)
    clear_caches()
    engine = database.make_engine(results_url)
    with database.session_factory(engine)() as session:
        yield session
    engine.dispose()


def _table(at, column: str):
    [table] = [frame for frame in at.dataframe if column in frame.value.columns]
    return table


def _listed(at) -> set[str]:
    """The outcome ids of the dashboard's list (an HTML list, readable on a phone)."""
    return {m for h in at.get("html") for m in re.findall(r'data-outcome="([^"]+)"', h.proto.body)}


def _text(at) -> str:
    parts = [str(e.value) for e in (*at.markdown, *at.caption, *at.title, *at.header, *at.subheader)]
    parts += [h.proto.body for h in at.get("html")]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    parts += [box.value for box in at.html]  # the numbers behind the charts (render.numbers_table)
    return "\n".join(parts)


@pytest.mark.parametrize("role", ["member", "staff", "admin"])
def test_outcomes_dashboard_counts_everything_and_lists_by_role(results_db, role):
    at = open_page("pages/outcomes_dashboard.py", role=role)
    total = target_status.outcome_counts(results_db)["count"]
    assert metrics(at)["Outcomes"] == f"{total:,}"
    # The list comes ten a page (phone width, issue 20): read every page.
    [pages] = [int(m) for c in at.caption for m in re.findall(r"listed; page 1 of (\d+)\.", c.value)]
    text, listed, bodies = "", set(), []
    for number in range(1, pages + 1):
        if number > 1:
            at.number_input(key="outcomes_page").set_value(number).run()
        text += _text(at)
        listed |= _listed(at)
        bodies += [h.proto.body for h in at.get("html") if 'data-outcome="T-PUBLIC"' in h.proto.body]
    assert "T-PUBLIC" in listed
    if role == "member":
        assert SECRET_STATEMENT not in text and SECRET_ACTIVITY not in text and "T-SECRET" not in listed
        assert "counted above but not listed" in text
        [body] = bodies
        public = body.split('data-outcome="T-PUBLIC"')[1].split("</ul>")[0]
        assert "<li>Restricted records: 1</li>" in public
    else:
        assert SECRET_STATEMENT in text and SECRET_ACTIVITY in text and "T-SECRET" in listed
    assert len(at.get("plotly_chart")) == 2


@pytest.mark.parametrize("role", ["member", "staff"])
def test_strategy_dashboard_shows_each_target_with_its_status(results_db, role):
    at = open_page("pages/strategy_dashboard.py", role=role)
    table = _table(at, "status")
    statuses = target_status.target_statuses(results_db)
    assert len(table.value) == len(statuses) == 24
    assert set(table.value.status) <= {"met", "not met", "not yet"}
    assert list(table.value[table.value.year == 2027].status.unique()) == ["not yet"]


def test_outcome_list_for_staff_has_restricted_outcomes_and_downloads(results_db):
    at = open_page("pages/outcome_list.py", role="staff")
    table = _table(at, "outcome_id")
    assert {"T-SECRET", "T-PUBLIC"} <= set(table.value.outcome_id)
    assert len(at.get("download_button")) == 2


@pytest.mark.parametrize("role", ["funder", "member"])
def test_funders_and_members_cannot_open_the_outcome_list(results_db, role):
    at = open_page(role=role)
    with pytest.raises(ValueError):
        at.switch_page("pages/outcome_list.py")
    if role == "funder":
        with pytest.raises(ValueError):
            at.switch_page("pages/outcomes_dashboard.py")


def test_staff_record_an_outcome_pre_linked_to_an_activity_and_a_member_sees_it(results_db):
    from sqlalchemy import select

    from tracker.db.models import Activity

    activity = results_db.scalar(select(Activity).where(Activity.external_id == "demo-0300"))
    at = open_page("pages/outcome_list.py", role="staff", query={"activity": str(activity.id)})
    assert at.multiselect(key="outcome_form_activities").value == [activity.id]
    at.text_input(key="outcome_form_id").set_value("T-FORM")
    at.text_area(key="outcome_form_statement").set_value("A UN working group took up the coalition's wording")
    at.text_input(key="outcome_form_actor").set_value("A UN working group")
    at.multiselect(key="outcome_form_themes").set_value(["Land rights"])
    at.radio(key="outcome_form_confidentiality").set_value("public")
    at.get("form_submit_button")[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert [s.value for s in at.success] == ["Saved outcome T-FORM."], (
        at.get("form_submit_button"),
        at.button,
    )
    results_db.rollback()  # a new transaction sees the page's write
    [saved] = [o for o in outcome_search.live_outcomes(results_db) if o.outcome_id == "T-FORM"]
    assert [a.id for a in saved.activities] == [activity.id]
    assert outcomes.history(results_db, saved.id)[0].actor == "demo-staff"
    clear_caches()
    member = open_page("pages/outcomes_dashboard.py", role="member")
    assert "T-FORM" in _listed(member)


def test_the_outcome_form_reports_every_problem_and_saves_nothing(results_db):
    at = open_page("pages/outcome_list.py", role="staff")
    at.get("form_submit_button")[0].click().run()
    text = " ".join(e.value for e in at.error)
    assert "Outcome statement" in text and "Themes" in text


def test_the_edit_page_links_to_the_outcome_form_with_the_activity(results_db):
    from sqlalchemy import select

    from tracker.db.models import Activity

    activity = results_db.scalar(select(Activity).where(Activity.external_id == "demo-0300"))
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity.id)})
    links = [link for link in at.get("page_link") if "outcome" in str(link.proto)]
    assert links, [str(x.proto) for x in at.get("page_link")] + [str(e.value) for e in at.error + at.warning]
    assert len(links) == 1 and f"activity={activity.id}" in links[0].proto.query_string
