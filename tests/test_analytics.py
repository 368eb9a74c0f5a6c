"""Hand-computed expectations on a small fixture.

a1 2019-03-10 KP Plenary (KP)      KP reform + Land rights  4.0 days  US$ 1000  ZELA, IPIS
a2 2019-11-20 UN General Assembly  Land rights              2.0 days  restricted, ZELA
a3 2021-06-01 KP Intersessional    KP reform                1.0 day
a4 2021-07-01 Mano River Union     Benefit redistribution   3.0 days  Sierra Leone
a5 2021-08-01 EITI                 Land rights              9.0 days  soft-deleted
a6 2022-02-01 KP Plenary           KP reform                2.0 days  (2022: KP only)
2020 has no activity at all.
"""

import datetime as dt

import pytest

from tests.factories import add_activity
from tracker.records.activities import delete_activity
from tracker.results import analytics, views
from tracker.results.activity_log import log_page
from tracker.results.filters import Filters
from tracker.results.summary import summary

D = dt.date


@pytest.fixture
def fixture(session):
    add_activity(
        session,
        activity_date=D(2019, 3, 10),
        forum="KP Plenary",
        themes=["KP reform", "Land rights"],
        effort_days=4,
        cost_usd=1000,
        organisations=["ZELA", "IPIS"],
        title="Statement on the conflict-diamond definition",
    )
    add_activity(
        session,
        activity_date=D(2019, 11, 20),
        forum="UN General Assembly",
        themes=["Land rights"],
        effort_days=2,
        cost_usd=0,
        confidentiality="restricted",
        organisations=["ZELA"],
        title="Briefing naming community monitors",
    )
    add_activity(
        session,
        activity_date=D(2021, 6, 1),
        forum="KP Intersessional",
        themes=["KP reform"],
        effort_days=1,
        cost_usd=0,
        title="Intersessional intervention",
    )
    add_activity(
        session,
        activity_date=D(2021, 7, 1),
        forum="Mano River Union",
        themes=["Benefit redistribution"],
        effort_days=3,
        cost_usd=0,
        country="SL",
        title="Regional workshop",
        confidentiality="public",
    )
    deleted = add_activity(
        session,
        activity_date=D(2021, 8, 1),
        forum="EITI",
        themes=["Land rights"],
        effort_days=9,
        cost_usd=500,
        title="Deleted record",
    )
    add_activity(
        session,
        activity_date=D(2022, 2, 1),
        forum="KP Plenary",
        themes=["KP reform"],
        effort_days=2,
        cost_usd=0,
        title="Plenary follow-up",
    )
    session.flush()
    delete_activity(session, deleted.id, 1, "tester")
    session.commit()
    return session


def _rows(frame, *columns):
    return [tuple(row) for row in frame[list(columns)].itertuples(index=False)]


def test_totals_ignore_soft_deleted_and_count_restricted(fixture):
    totals = analytics.totals(fixture)
    assert (totals.activities, totals.effort_days, totals.cost_usd) == (5, 12.0, 1000.0)
    assert (totals.first_date, totals.last_date) == (D(2019, 3, 10), D(2022, 2, 1))


def test_engagement_by_year_has_every_year_and_category_with_zeros(fixture):
    frame = views.overview(fixture, Filters(), "year", "activities", "member").engagement
    assert len(frame) == 4 * 5
    assert list(frame.period.unique()) == ["2019", "2020", "2021", "2022"]
    assert list(frame.category[:5]) == ["KP", "UN", "Other international", "Regional", "National"]
    nonzero = [r for r in _rows(frame, "period", "category", "activities", "effort_days") if r[2]]
    assert nonzero == [
        ("2019", "KP", 1, 4.0),
        ("2019", "UN", 1, 2.0),
        ("2021", "KP", 1, 1.0),
        ("2021", "Regional", 1, 3.0),
        ("2022", "KP", 1, 2.0),
    ]
    assert frame[frame.period == "2020"].activities.sum() == 0


def test_kp_share_is_a_gap_for_an_empty_year_and_one_for_a_kp_only_year(fixture):
    shares = views.overview(fixture, Filters(), "year", "activities", "member").shares
    got = {
        r.period: (r.by_count, None if r.by_effort is None else round(r.by_effort, 4))
        for r in shares.itertuples()
    }
    assert got == {"2019": (0.5, 0.6667), "2020": (None, None), "2021": (0.5, 0.25), "2022": (1.0, 1.0)}


def test_quarters_and_months_fill_the_gaps(fixture):
    quarters = views.overview(fixture, Filters(), "quarter", "activities", "member").engagement
    assert quarters.period.nunique() == 13  # 2019-Q1 .. 2022-Q1
    assert quarters[quarters.period == "2019-Q2"].activities.sum() == 0
    months = views.overview(
        fixture, Filters(date_to=D(2019, 12, 31)), "month", "activities", "member"
    ).engagement
    assert list(months.period.unique()) == [f"2019-{m:02d}" for m in range(3, 12)]


def test_theme_views_count_a_multi_theme_activity_under_each_theme(fixture):
    totals = {
        r.theme: (r.activities, r.effort_days)
        for r in views.themes(fixture, Filters(), "year", "activities", "member").totals.itertuples()
    }
    assert totals == {
        "Benefit redistribution": (1, 3.0),
        "KP reform": (3, 7.0),
        "Land rights": (2, 6.0),
        "Reduction of violence": (0, 0.0),
    }
    assert sum(a for a, _ in totals.values()) == 6 > analytics.totals(fixture).activities
    matrix = views.themes(fixture, Filters(), "year", "activities", "member").matrix
    nonzero = [r for r in _rows(matrix, "theme", "category", "activities") if r[2]]
    assert nonzero == [
        ("Benefit redistribution", "Regional", 1),
        ("KP reform", "KP", 3),
        ("Land rights", "KP", 1),
        ("Land rights", "UN", 1),
    ]


def test_theme_trend_per_year(fixture):
    trend = views.themes(fixture, Filters(themes=("KP reform",)), "year", "activities", "member").trend
    assert _rows(trend, "period", "theme", "activities") == [
        ("2019", "KP reform", 1),
        ("2020", "KP reform", 0),
        ("2021", "KP reform", 1),
        ("2022", "KP reform", 1),
    ]


def test_filters_select_by_theme_category_and_date(fixture):
    assert analytics.totals(fixture, Filters(themes=("Land rights",))).activities == 2
    assert analytics.totals(fixture, Filters(categories=("KP",))).effort_days == 7.0
    assert (
        analytics.totals(fixture, Filters(date_from=D(2021, 1, 1), date_to=D(2021, 12, 31))).activities == 2
    )
    assert analytics.totals(fixture, Filters(text="DEFINITION")).activities == 1


def test_forums_organisations_and_countries(fixture):
    forums = views.forums(fixture, Filters(), "activities", None, "staff")
    assert _rows(forums.top, "forum", "category", "activities", "effort_days")[0] == (
        "KP Plenary",
        "KP",
        2,
        6.0,
    )
    kp = forums.by_category["KP"]
    assert _rows(kp, "forum", "activities")[:2] == [("KP Plenary", 2), ("KP Intersessional", 1)]
    organisations = views.participation(fixture, Filters(), "activities", "organisations", "staff").table
    assert _rows(organisations, "organisation", "activities") == [("ZELA", 2), ("IPIS", 1)]
    countries = views.participation(fixture, Filters(), "activities", "countries", "staff").table
    assert _rows(countries, "country_code", "country", "activities") == [("SL", "Sierra Leone", 1)]


def test_members_see_restricted_records_grouped_under_one_label(fixture):
    """a2 (restricted, UN General Assembly, ZELA) counts, but under "Restricted records"."""
    forums = views.forums(fixture, Filters(), "activities", None, "member")
    assert ("Restricted records · UN", "UN", 1) in _rows(forums.top, "forum", "category", "activities")
    assert "UN General Assembly" not in set(forums.top.forum)
    assert forums.top.activities.sum() == 5
    un = forums.by_category["UN"]
    # Only a restricted record carries UN General Assembly: members never see its name;
    # forums no record carries (reference data) stay listed with 0.
    assert "UN General Assembly" not in set(un.forum) and "UN Human Rights Council" in set(un.forum)
    assert un.activities.sum() == 1
    organisations = views.participation(fixture, Filters(), "activities", "organisations", "member").table
    assert _rows(organisations, "organisation", "activities") == [
        ("IPIS", 1),
        ("ZELA", 1),
        ("Restricted records", 1),
    ]


def test_forum_calendar_lists_real_events_with_activities_at_each(fixture):
    calendar = views.forums(fixture, Filters(), "activities", "KP Plenary", "member").calendar
    assert len(calendar) >= 23
    assert calendar.activities.sum() == 0  # the fixture's activities are not tied to events
    assert calendar.iloc[-1].date == "Apr 28, 2003"  # written as the page writes dates


def test_summary_json_has_the_brief_shape_and_values(fixture):
    result = summary(fixture)
    assert (result["activities"], result["effort_days"], result["cost_usd"]) == (5, 12.0, 1000.0)
    assert len(result["by_year"]) == 20
    assert result["by_year"][0] == {"year": 2019, "category": "KP", "activities": 1, "effort_days": 4.0}
    assert result["kp_share"] == [
        {"year": 2019, "by_count": 0.5, "by_effort": 0.6667},
        {"year": 2020, "by_count": None, "by_effort": None},
        {"year": 2021, "by_count": 0.5, "by_effort": 0.25},
        {"year": 2022, "by_count": 1.0, "by_effort": 1.0},
    ]
    assert [t["theme"] for t in result["by_theme"]] == sorted(t["theme"] for t in result["by_theme"])
    ranged = summary(fixture, D(2021, 1, 1), D(2021, 12, 31))
    assert [r["year"] for r in ranged["kp_share"]] == [2021]
    assert ranged["activities"] == 2


def test_summary_of_an_empty_range_is_empty_not_an_error(fixture):
    result = summary(fixture, D(2030, 1, 1), D(2030, 12, 31))
    assert (result["activities"], result["by_year"], result["kp_share"]) == (0, [], [])


def test_activity_log_hides_restricted_records_from_members_only(fixture):
    member = log_page(fixture, Filters(), "member")
    staff = log_page(fixture, Filters(), "staff")
    funder = log_page(fixture, Filters(), "funder")
    assert (member.total, staff.total, funder.total) == (4, 5, 1)
    assert "Briefing naming community monitors" not in set(member.rows.title)
    assert "Briefing naming community monitors" in set(staff.rows.title)
    assert list(staff.rows.date) == sorted(staff.rows.date, reverse=True)


def test_activity_log_pages(fixture):
    first = log_page(fixture, Filters(), "staff", page=1, page_size=2)
    last = log_page(fixture, Filters(), "staff", page=99, page_size=2)
    assert (first.pages, len(first.rows), last.page, len(last.rows)) == (3, 2, 3, 1)


def test_theme_filter_in_a_theme_view_keeps_whole_activities(fixture):
    """Filtering on Land rights keeps a1 whole: its KP reform side still counts under KP reform."""
    view = views.themes(fixture, Filters(themes=("Land rights", "KP reform")), "year", "activities", "member")
    nonzero = [r for r in _rows(view.matrix, "theme", "category", "activities") if r[2]]
    assert nonzero == [("KP reform", "KP", 3), ("Land rights", "KP", 1), ("Land rights", "UN", 1)]
    by_ipis = views.participation(
        fixture, Filters(organisations=("IPIS",)), "activities", "organisations", "staff"
    )
    assert _rows(by_ipis.table, "organisation", "activities") == [("IPIS", 1), ("ZELA", 1)]


def test_summary_json_is_read_from_the_funder_summary_view(fixture):
    """One computation: the JSON of ``tracker summary`` is the funder view, by year."""
    from tracker.results.summary import summary_from

    view = views.funder_summary(fixture, D(2019, 1, 1), D(2022, 12, 31), period="year")
    full = summary(fixture, D(2019, 1, 1), D(2022, 12, 31))
    assert summary_from(view) == {k: v for k, v in full.items() if k not in ("outcomes", "targets")}
    assert summary_from(view)["activities"] == view.totals.activities == 5


def test_the_latest_period_is_compared_like_with_like(fixture):
    """a3 2021-06-01 KP 1 day and a4 2021-07-01 Regional 3 days against a6 2022-02-01 KP 2 days."""

    def compare(period, today):
        view = views.overview(fixture, Filters(), period, "activities", "member", today=today)
        figures = {k: (c.value, c.previous) for k, c in view.changes.items()}
        return view.latest_period, view.previous_period, figures

    latest, previous, figures = compare("year", D(2022, 7, 15))
    assert (latest, previous) == ("Jan 1 – Jul 15, 2022", "Jan 1 – Jul 15, 2021")
    assert figures == {
        "activities": (1, 2),
        "effort_days": (2.0, 4.0),
        "by_count": (1.0, 0.5),
        "by_effort": (1.0, 0.25),
    }
    latest, previous, figures = compare("year", D(2022, 2, 15))
    assert (latest, previous) == ("Jan 1 – Feb 15, 2022", "Jan 1 – Feb 15, 2021")
    assert figures["activities"] == (1, 0) and figures["by_count"] == (1.0, None)
    latest, previous, figures = compare("year", D(2023, 3, 1))  # 2022 is over: whole years
    assert (latest, previous, figures["activities"]) == ("2022", "2021", (1, 2))
    latest, previous, figures = compare("month", D(2022, 2, 15))
    assert (latest, previous, figures["activities"]) == ("Feb 1 – 15, 2022", "Jan 1 – 15, 2022", (1, 0))
