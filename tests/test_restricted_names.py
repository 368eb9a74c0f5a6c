"""The brief's rule for names (issue 13.1): for members and funders, the organisations,
forum, event, country and activity type of a restricted record never appear in a
breakdown, table, chart label, hover text, filter option or download, and a name only
restricted records carry is never shown at all; restricted records still count in
every aggregate (totals, per period, per forum category, per theme).

One restricted record here carries an organisation, a forum, an event and a country
that no other record carries; every page a member or a funder can open is walked, with
every control that changes what is shown, and the one-day date range around it.
"""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest

from tests.apptest import metrics, numbers_tables, open_page
from tests.factories import (
    SECRET_DAY,
    SECRET_EVENT,
    SECRET_FORUM,
    SECRET_ORGANISATION,
    add_restricted_records,
)
from tracker.access.permissions import RESTRICTED_LABEL, pages_for
from tracker.db import database
from tracker.db.models import utcnow
from tracker.io.exports import to_csv
from tracker.publish import digest, reports
from tracker.results import results_views, views
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters
from tracker.web.render import format_date

SECRET_COUNTRY = "Tuvalu"  # TV: no other record, organisation or reference row names it
SECRETS = (SECRET_FORUM, SECRET_EVENT, SECRET_ORGANISATION, SECRET_COUNTRY)
ROLES = ("member", "funder")
GRANT = "G-RESTRICTED-TEST"  # tags the restricted record; the demo funder is linked to it


@pytest.fixture
def restricted_world(app_database):
    engine = app_database
    with database.session_factory(engine).begin() as session:
        add_restricted_records(session, GRANT, "demo-funder")
    return engine


def _text(at) -> str:
    """Everything a page sends to the browser: elements (labels, options, hover text,
    chart specs) and the full content of every table."""
    parts = [str(node.proto) for node in at._tree if getattr(node, "proto", None) is not None]
    parts += [df.value.to_csv() for df in at.dataframe]
    for chart in at.get("plotly_chart"):
        parts.append(json.dumps(json.loads(chart.proto.spec)))
    return "\n".join(parts)


def _assert_hidden(text: str, where) -> None:
    for secret in SECRETS:
        assert secret not in text, (secret, where)
    assert '"TV"' not in text and ",TV," not in text, where


def _every_state(at, page: str):
    """The page as opened, then with each control that changes what it shows."""
    yield at
    if page == "participation_dashboard":
        at.segmented_control(key="participation_by").set_value("countries").run()
        yield at
    if page == "forum_calendar":
        selectbox = at.selectbox(key="forums_forum")
        assert SECRET_FORUM not in selectbox.options
        selectbox.set_value("KP Plenary").run()
        yield at
    if page == "funder_summary":
        grant_box = [s for s in at.selectbox if s.key == "summary_grant"]
        if grant_box:  # every role here may choose the grant: the funder opens on it
            grant_box[0].set_value("").run()  # the coalition-wide period view
        for first, last in ((dt.date(2024, 1, 1), dt.date(2024, 12, 31)), (SECRET_DAY, SECRET_DAY)):
            at.date_input(key="summary_from").set_value(first)
            at.date_input(key="summary_to").set_value(last)
            next(b for b in at.button if b.label == "Show this period").click().run()
            assert any(f"Showing {format_date(first)} to {format_date(last)}" in c.value for c in at.caption)
            yield at
        assert grant_box, "the grant list is part of the walk"
        at.selectbox(key="summary_grant").set_value(GRANT).run()
        assert any(f"Grant {GRANT}" in c.value.replace("\\", "") for c in at.caption)  # names escaped
        yield at


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("one_day", [False, True], ids=["all-dates", "one-day"])
def test_no_page_shows_a_name_only_a_restricted_record_carries(restricted_world, role, one_day):
    query = {"from": SECRET_DAY.isoformat(), "to": SECRET_DAY.isoformat()} if one_day else None
    for rule in pages_for(role):
        at = open_page(f"pages/{rule.name}.py", role=role, query=query)
        for state in _every_state(at, rule.name):
            assert not state.exception, (rule.name, state.exception)
            _assert_hidden(_text(state), (role, rule.name))


def test_filter_options_of_the_activity_log_leave_out_restricted_only_names(restricted_world):
    at = open_page("pages/activity_log.py", role="member")
    options = " ".join(
        str(o)
        for key in ("log_forums", "log_organisations", "log_countries")
        for o in at.multiselect(key=key).options
    )
    assert "KP Plenary" in options and "IPIS" in options and "Belgium" in options
    _assert_hidden(options, "log filter options")
    staff = open_page("pages/activity_log.py", role="staff")
    assert SECRET_FORUM in staff.multiselect(key="log_forums").options


def test_restricted_records_still_count_in_the_member_aggregates(restricted_world):
    at = open_page("pages/overview_dashboard.py", role="member")
    assert metrics(at)["Activities"] == "3"
    at = open_page("pages/participation_dashboard.py", role="member")
    table = numbers_tables(at)[-1]  # the map's countries come first
    assert dict(zip(table.organisation, table.activities, strict=True)) == {"IPIS": 2, RESTRICTED_LABEL: 1}
    at.segmented_control(key="participation_by").set_value("countries").run()
    table = numbers_tables(at)[-1]
    assert dict(zip(table.country, table.activities, strict=True)) == {"Belgium": 2, RESTRICTED_LABEL: 1}
    staff = open_page("pages/participation_dashboard.py", role="staff")
    assert SECRET_ORGANISATION in set(numbers_tables(staff)[-1].organisation)


def test_forum_breakdowns_group_restricted_records_per_category(restricted_world):
    with database.session_factory(restricted_world)() as session:
        member = views.forums(session, Filters(), "activities", None, "member")
        staff = views.forums(session, Filters(), "activities", None, "staff")
    assert SECRET_FORUM not in set(member.top.forum)
    restricted = member.top[member.top.forum.str.startswith(RESTRICTED_LABEL)]
    assert list(restricted.category) == ["Other international"] and list(restricted.activities) == [1]
    assert member.top.activities.sum() == staff.top.activities.sum() == 3
    assert SECRET_FORUM in set(staff.top.forum)


def test_detail_filters_never_select_restricted_records_for_members(restricted_world):
    """Filtering an aggregate by a detail (type, forum, organisation, country) would name the
    detail of a restricted record by its count: for members such filters leave restricted
    records out, while date, theme and category filters keep counting them."""
    with database.session_factory(restricted_world)() as session:
        by_type = Filters(activity_types=("field_visit",))
        assert views.overview(session, by_type, "year", "activities", "member").totals.activities == 0
        assert views.overview(session, by_type, "year", "activities", "staff").totals.activities == 1
        one_day = Filters(date_from=SECRET_DAY, date_to=SECRET_DAY)
        assert views.overview(session, one_day, "year", "activities", "member").totals.activities == 1


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_digest_names_nothing_only_a_restricted_record_carries(restricted_world, role, language):
    """The coming weeks' events of the digest follow the Forums page's rule (issue 22.1):
    the secret event falls within them, and neither part of the e-mail names it."""
    today = SECRET_DAY - dt.timedelta(days=5)
    with database.session_factory(restricted_world)() as session:
        content = digest.content(session, role, today)
        staff_content = digest.content(session, "staff", today)
    assert any(event.name == SECRET_EVENT for event in staff_content.events)  # the walk reaches it
    recipient = digest.Recipient("reader", "Reader", "reader@example.org", role, language)
    message = digest.build_message(recipient, content, "tracker@example.org")
    for part in ("plain", "html"):
        body = message.get_body((part,))
        assert body is not None
        _assert_hidden(body.get_content(), f"digest {part} part")
    _assert_hidden(str(message["Subject"]), "digest subject")


@pytest.mark.parametrize("grant_id", [None, GRANT])
def test_the_funder_report_names_nothing_only_a_restricted_record_carries(restricted_world, grant_id):
    with database.session_factory(restricted_world)() as session:
        report = reports.build(session, SECRET_DAY, SECRET_DAY, grant_id)
    _assert_hidden(reports.html_report(report, utcnow()), "html report of the secret day")
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(report)))
    _assert_hidden(" ".join(str(c.value) for s in book for r in s.iter_rows() for c in r), "xlsx report")


@pytest.mark.parametrize("role", ROLES)
def test_downloads_leave_out_restricted_only_names(restricted_world, role):
    with database.session_factory(restricted_world)() as session:
        rows = to_csv(iter_visible_activities(session, Filters(), role)).decode()
        report = reports.build(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    _assert_hidden(rows, "activity download")
    page = reports.html_report(report, utcnow())
    assert "plotly" not in page.lower()  # static charts only: nothing else to leave out of the check
    _assert_hidden(page, "html report")
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(report)))
    _assert_hidden(" ".join(str(c.value) for s in book for r in s.iter_rows() for c in r), "xlsx report")


def test_filter_options_per_role(restricted_world):
    with database.session_factory(restricted_world)() as session:
        member = views.filter_options(session, "member")
        staff = views.filter_options(session, "staff")
    assert SECRET_FORUM not in member.forums and SECRET_ORGANISATION not in member.organisations
    assert "TV" not in member.countries
    assert "Mano River Union" in member.forums  # a reference forum no record carries stays listed
    assert SECRET_FORUM in staff.forums and "TV" in staff.countries


def test_outcomes_dashboard_counts_the_restricted_outcome_but_names_nothing_of_it(restricted_world):
    with database.session_factory(restricted_world)() as session:
        member = results_views.outcomes_view(session, Filters(), "member")
        staff = results_views.outcomes_view(session, Filters(), "staff")
    assert member.counts["count"] == staff.counts["count"] == 2
    assert member.hidden == 1 and [i.outcome_id for i in member.items] == ["OUT-PUBLIC"]
    html = results_views.outcomes_list_html(member)
    _assert_hidden(html, "outcomes list")
    assert "restricted title" not in html and f"{RESTRICTED_LABEL}: 1" in html
    assert SECRET_FORUM in results_views.outcomes_list_html(staff)
    at = open_page("pages/outcomes_dashboard.py", role="member")
    assert metrics(at)["Outcomes"] == "2"


def test_the_report_page_offers_members_no_name_only_a_restricted_record_carries(restricted_world):
    """Report an activity (issue 18) lists forums, events, organisations and countries to choose from."""
    assert "report_activity" in [rule.name for rule in pages_for("member")]  # so the walk above opens it
    at = open_page("pages/report_activity.py", role="member")
    assert "KP Plenary" in at.selectbox(key="report_0_0_forum").options
    assert SECRET_FORUM not in at.selectbox(key="report_0_0_forum").options
    assert SECRET_ORGANISATION not in at.multiselect(key="report_0_0_organisations").options
    _assert_hidden(_text(at), "report page")


class _SecretWeek(dt.date):
    """``today`` a few days before the secret event, so the feed's window holds it."""

    @classmethod
    def today(cls) -> _SecretWeek:
        day = SECRET_DAY - dt.timedelta(days=3)
        return cls(day.year, day.month, day.day)


@pytest.mark.parametrize("role", ROLES)
def test_the_calendar_feed_read_with_a_token_names_nothing_only_a_restricted_record_carries(
    restricted_world, monkeypatch, role
):
    """Issue 22.1/22.3: ``/calendar.ics`` as a calendar application reads it, with a member's
    or funder's calendar token (``tracker.access.tokens``), every category; staff's feed, the
    control, names the secret event on the same day."""
    import types

    from starlette.testclient import TestClient

    from tracker.access import tokens
    from tracker.publish import calendar_feed
    from tracker.web import routes

    monkeypatch.setattr(calendar_feed, "dt", types.SimpleNamespace(**{**vars(dt), "date": _SecretWeek}))
    routes._engine.cache_clear()
    with database.session_factory(restricted_world).begin() as session:
        raw = {
            who: tokens.create_token(session, f"demo-{who}", "feed", "tester", scope="calendar").raw
            for who in (role, "staff")
        }
    from starlette.applications import Starlette

    with TestClient(Starlette(routes=routes.ROUTES)) as client:
        seen = client.get(routes.CALENDAR_PATH, params={"token": raw["staff"]})
        assert seen.status_code == 200 and SECRET_EVENT in seen.text  # the walk reaches it
        for category in (None, "KP", "UN", "Other international", "Regional", "National"):
            params = {"token": raw[role], **({"category": category} if category else {})}
            response = client.get(routes.CALENDAR_PATH, params=params)
            assert response.status_code == 200, (role, category)
            _assert_hidden(response.text, f"calendar feed of {role}, {category}")
    routes._engine.cache_clear()
