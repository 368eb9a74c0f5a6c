"""AppTest of every dashboard page on an empty and on the demo database."""

import datetime as dt

import pytest

from tests.apptest import chart_titles, clear_caches, figures, metrics, open_page, open_page_file
from tests.conftest import BACKENDS, POSTGRES_URL, prepare_app_database
from tracker.db import database
from tracker.results import analytics, views
from tracker.results.filters import Filters
from tracker.vocabulary import FORUM_CATEGORIES

PAGES = [
    "pages/overview_dashboard.py",
    "pages/forum_calendar.py",
    "pages/theme_dashboard.py",
    "pages/participation_dashboard.py",
    "pages/activity_log.py",
]


@pytest.fixture(scope="module", params=BACKENDS)
def demo_url(request, tmp_path_factory, database_templates):
    """One demo database per backend for the whole module (these tests only read)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    else:
        if not POSTGRES_URL:
            pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
        url = POSTGRES_URL
    database_templates.copy("demo", url)
    return url


@pytest.fixture
def demo(demo_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    clear_caches()
    engine = database.make_engine(demo_url)
    with database.session_factory(engine)() as session:
        yield session
    engine.dispose()


@pytest.fixture
def empty(use_database, database_templates):
    prepare_app_database(use_database, database_templates).dispose()
    return use_database


@pytest.mark.parametrize("page", PAGES)
def test_every_page_shows_an_empty_state_on_an_empty_database(empty, page):
    at = open_page(page, role="member")
    assert any("No activities" in i.value for i in at.info)
    assert figures(at) == []


def test_overview_headline_and_figures_match_the_analytics(demo):
    at = open_page("pages/overview_dashboard.py", role="member")
    totals = analytics.totals(demo)
    share = analytics.kp_share(demo)
    shown = metrics(at)
    assert shown["Activities"] == f"{totals.activities:,}"
    assert shown["Staff-days"] == f"{totals.effort_days:,.1f}"
    assert shown["KP share by activities"] == f"{share.by_count:.0%}"
    assert shown["KP share by staff-days"] == f"{share.by_effort:.0%}"
    # The demo data ends in 2026: its part year against the same days of 2025.
    today = dt.date.today()
    expected = views.overview(demo, Filters(), "year", "activities", "member", today=today)
    assert expected.latest_period != "2026" or today >= dt.date(2026, 12, 31)
    assert any(s.value == f"{expected.latest_period} against {expected.previous_period}" for s in at.header)

    share_figure, engagement_figure = figures(at)
    shares = views.overview(demo, Filters(), "year", "activities", "member").shares
    count_trace = share_figure["data"][0]
    assert count_trace["y"] == pytest.approx(list(shares.by_count))
    assert "Shift decision" in share_figure["layout"]["annotations"][0]["text"]
    assert [t["name"] for t in engagement_figure["data"]] == list(FORUM_CATEGORIES)
    assert sum(sum(t["y"]) for t in engagement_figure["data"]) == totals.activities
    colours = {t["name"]: t["marker"]["color"] for t in engagement_figure["data"]}
    assert len(set(colours.values())) == 5


def test_overview_by_effort_and_by_quarter(demo):
    at = open_page("pages/overview_dashboard.py", role="member")
    at.segmented_control(key="overview_measure").set_value("effort_days").run()
    at.segmented_control(key="overview_period").set_value("quarter").run()
    engagement_figure = figures(at)[1]
    total = sum(sum(t["y"]) for t in engagement_figure["data"])
    assert total == pytest.approx(analytics.totals(demo).effort_days)
    assert "per quarter" in chart_titles(at)[1]
    assert "title" not in engagement_figure["layout"]  # above the chart, where it wraps


def test_filters_come_from_the_url_and_go_back_into_it(demo):
    at = open_page(
        "pages/overview_dashboard.py", role="member", query={"theme": "Land rights", "from": "2021-01-01"}
    )
    expected = analytics.totals(demo, Filters(themes=("Land rights",), date_from=dt.date(2021, 1, 1)))
    assert metrics(at)["Activities"] == f"{expected.activities:,}"
    assert at.query_params["theme"] == "Land rights"
    assert at.query_params["from"] == "2021-01-01"
    assert at.multiselect(key="filters_themes").value == ["Land rights"]
    at.multiselect(key="filters_categories").set_value(["UN", "Regional"]).run()
    assert at.query_params["category"] == "UN,Regional"
    both = Filters(themes=("Land rights",), date_from=dt.date(2021, 1, 1), categories=("UN", "Regional"))
    assert metrics(at)["Activities"] == f"{analytics.totals(demo, both).activities:,}"


def test_a_malformed_link_is_ignored_with_a_notice(demo):
    at = open_page(
        "pages/overview_dashboard.py", role="member", query={"from": "yesterday", "category": "Galactic"}
    )
    assert any("not understood" in w.value for w in at.warning)
    assert metrics(at)["Activities"] == f"{analytics.totals(demo).activities:,}"


def test_filters_that_select_nothing_give_a_hint(demo):
    at = open_page(
        "pages/overview_dashboard.py", role="member", query={"from": "2015-01-01", "to": "2015-01-02"}
    )
    assert any("No activities match" in i.value for i in at.info)
    assert figures(at) == []


def test_themes_page_counts_each_theme_and_says_totals_overlap(demo):
    at = open_page("pages/theme_dashboard.py", role="member")
    view = views.themes(demo, Filters(), "year", "activities", "member")
    expected = {r.theme: f"{r.activities:,}" for r in view.totals.itertuples()}
    assert {k: v for k, v in metrics(at).items() if k in expected} == expected
    assert any("counts once under each of its themes" in c.value for c in at.caption)
    trend, matrix = figures(at)
    assert {t["name"] for t in trend["data"]} == set(expected)
    assert [t["name"] for t in matrix["data"]] == list(FORUM_CATEGORIES)


def test_forums_page_shows_the_real_calendar_of_a_forum(demo):
    at = open_page("pages/forum_calendar.py", role="member")
    top = figures(at)[0]
    busiest = views.forums(demo, Filters(), "activities", None, "member").top.iloc[0]
    assert top["layout"]["yaxis"]["categoryarray"][0] == busiest.forum
    assert busiest.forum in next(t["y"] for t in top["data"] if t["name"] == busiest.category)
    at.selectbox(key="forums_forum").select("KP Plenary").run()
    calendar = at.dataframe[0].value  # the top forums' numbers are an HTML table
    assert "KP Plenary 2019" in set(calendar.event)
    assert calendar.activities.sum() > 0


def test_participation_page_ranks_organisations_and_countries(demo):
    at = open_page("pages/participation_dashboard.py", role="member")
    *_map, organisations = figures(at)  # the map of countries comes first
    expected = views.participation(demo, Filters(), "activities", "organisations", "member").table
    assert organisations["data"][0]["y"] == list(expected.organisation)
    assert organisations["data"][0]["x"] == list(expected.activities)
    at.segmented_control(key="participation_by").set_value("countries").run()
    *_map, countries = figures(at)
    by_country = views.participation(demo, Filters(), "activities", "countries", "member").table
    assert countries["data"][0]["y"] == list(by_country.country)


def test_activity_log_for_a_member_leaves_out_restricted_records(demo):
    at = open_page("pages/activity_log.py", role="member")
    visible = analytics.totals(demo).activities - _restricted(demo)
    assert any(f"{visible:,} activities match" in c.value for c in at.caption)
    assert "restricted" not in set(at.dataframe[0].value.confidentiality)


def test_activity_log_for_staff_includes_restricted_records_and_searches(demo):
    at = open_page("pages/activity_log.py", role="staff")
    assert any(f"{analytics.totals(demo).activities:,} activities match" in c.value for c in at.caption)
    at.text_input(key="log_text").input("side event")
    at.button[0].click().run()
    expected = analytics.totals(demo, Filters(text="side event")).activities
    assert any(f"{expected:,} activities match" in c.value for c in at.caption)
    assert all("side event" in t.lower() for t in at.dataframe[0].value.title)


@pytest.mark.parametrize("page", PAGES)
def test_pages_refuse_a_role_they_do_not_serve(demo, page):
    at = open_page_file(page, role="funder")
    assert any("not available" in e.value for e in at.error)
    assert figures(at) == [] and len(at.dataframe) == 0


def _restricted(session):
    from sqlalchemy import func, select

    from tracker.db.models import Activity

    return session.scalar(
        select(func.count())
        .select_from(Activity)
        .where(Activity.confidentiality == "restricted", Activity.deleted_at.is_(None))
    )


def test_an_unknown_link_parameter_is_ignored_with_a_notice_not_applied(demo):
    """Issue 9.6: `?type=meeting` used to filter silently with no control to see or clear it."""
    at = open_page("pages/overview_dashboard.py", role="member", query={"type": "meeting"})
    assert any("“type”" in w.value for w in at.warning)
    assert metrics(at)["Activities"] == f"{analytics.totals(demo).activities:,}"
    assert "type" not in at.query_params


def test_every_link_filter_shows_in_the_sidebar_and_can_be_cleared(demo):
    at = open_page(
        "pages/overview_dashboard.py",
        role="member",
        query={"theme": "Land rights", "category": "UN", "from": "2021-01-01", "to": "2022-06-30"},
    )
    assert at.multiselect(key="filters_themes").value == ["Land rights"]
    assert at.multiselect(key="filters_categories").value == ["UN"]
    assert at.date_input(key="filters_dates").value == (dt.date(2021, 1, 1), dt.date(2022, 6, 30))
    at.button(key="filters_clear").click().run()
    assert at.multiselect(key="filters_themes").value == []
    assert at.multiselect(key="filters_categories").value == []
    assert dict(at.query_params) == {}
    assert metrics(at)["Activities"] == f"{analytics.totals(demo).activities:,}"


def test_forums_page_names_the_categories_in_french(demo, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/forum_calendar.py", role="member")
    labels = [e.label for e in at.expander]
    assert any(label.startswith("Autres instances internationales (") for label in labels), labels
    assert not any(label.startswith(("Other international", "Regional")) for label in labels)
