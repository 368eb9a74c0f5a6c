"""Sessions across reloads and tabs, shared links and the funder period, in Chromium (issue 9.6, 9.7)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.browser.test_browser import PASSWORDS, choose, go, idle, log_in, metric, shot
from tracker.access.sessions import COOKIE_NAME
from tracker.db import database
from tracker.results import views
from tracker.web.render import format_date

pytestmark = pytest.mark.browser
SESSION_ROUTE = "/tracker-session"


def log_in_and_get_cookie(page, app, role: str) -> None:
    """Log in, waiting for the page to swap its one-time ticket for the session cookie."""
    with page.expect_response(lambda r: r.url.endswith(SESSION_ROUTE) and r.request.method == "POST") as swap:
        log_in(page, app, role)
    assert swap.value.status == 204


def signed_in(page) -> bool:
    return page.get_by_text("Signed in as").count() > 0


def test_a_reload_keeps_you_signed_in_with_no_token_in_the_url(page, app):
    log_in_and_get_cookie(page, app, "member")
    go(page, "Overview", "Overview")
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE_NAME)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert cookie["value"] not in page.url
    page.reload()
    idle(page)
    page.get_by_text("Signed in as").wait_for()
    page.get_by_role("heading", name="Overview").first.wait_for()
    assert page.evaluate("document.cookie").find(COOKIE_NAME) == -1  # HttpOnly: no script reads it
    shot(page, "session-after-reload")


def test_a_second_tab_is_signed_in_and_logging_out_ends_every_tab(page, app):
    log_in_and_get_cookie(page, app, "staff")
    second = page.context.new_page()
    second.goto(f"{app['url']}/overview")
    idle(second)
    second.get_by_text("Signed in as").wait_for()
    second.get_by_role("heading", name="Overview").first.wait_for()
    # Log out in the first tab, then act in the second: it is logged out too.
    with page.expect_response(lambda r: r.url.endswith(SESSION_ROUTE) and r.request.method == "DELETE"):
        page.get_by_role("button", name="Log out").click()
        page.get_by_role("button", name="Log in").wait_for()
    second.get_by_role("link", name="Themes", exact=True).click()
    second.get_by_role("button", name="Log in").wait_for()
    idle(second)
    assert not signed_in(second)
    assert second.get_by_text("You are logged out").count() == 1
    # A reload, and a brand-new tab, are signed out as well: the cookie is gone.
    assert [c for c in page.context.cookies() if c["name"] == COOKIE_NAME] == []
    third = page.context.new_page()
    third.goto(app["url"])
    idle(third)
    third.get_by_role("button", name="Log in").wait_for()
    assert not signed_in(third)


def test_a_shared_link_opened_signed_out_lands_on_its_page_with_its_filters(page, app):
    page.goto(f"{app['url']}/overview?theme=Land+rights&category=UN")
    idle(page)
    page.get_by_role("button", name="Log in").wait_for()
    assert page.get_by_text("Page not found").count() == 0
    assert "theme=Land" in page.url
    page.get_by_role("textbox", name="Username").fill("demo-member")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS["member"])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Overview").first.wait_for()
    idle(page)
    # The address is rewritten by the page's own run: wait for it rather than read it at once.
    page.wait_for_url(re.compile(r"/overview\?.*theme=Land\+rights"))
    assert "category=UN" in page.url
    sidebar = page.locator("[data-testid=stSidebar]")
    sidebar.get_by_text("Land rights").first.wait_for()
    shot(page, "shared-link-after-log-in")


def test_an_unknown_link_parameter_is_named_and_dropped(page, app):
    log_in(page, app, "member")
    page.goto(f"{app['url']}/overview?type=meeting")
    idle(page)
    page.get_by_text("unknown parameters ignored").wait_for()
    assert "type=meeting" not in page.url


def pick_date(page, label: str, day: str) -> None:
    """Type ``day`` (YYYY-MM-DD) into the Streamlit date field labelled ``label``: a group of
    year, month and day spin buttons, each typed as a person types it."""
    for part, value in zip(("year", "month", "day"), day.split("-"), strict=True):
        segment = page.get_by_role("spinbutton", name=f"{part}, {label}", exact=True)
        segment.focus()
        segment.press_sequentially(value)
        assert segment.get_attribute("aria-valuenow") == str(int(value))


def test_the_funder_download_after_picking_a_period_is_of_that_period(page, app):
    log_in(page, app, "funder")
    page.get_by_role("heading", name="Funder summary").wait_for()
    idle(page)
    # The date pickers write English dates as YYYY-MM-DD (render.date_input_format).
    pick_date(page, "From", "2019-01-01")
    pick_date(page, "To", "2019-12-31")
    # Picked but not applied: the page still shows its period, and a download is of that period.
    # The page opens on the last 365 days, written the reader's way in its caption.
    last = dt.date.today()
    first = last - dt.timedelta(days=365)
    page.get_by_text(f"Showing {format_date(first)} to {format_date(last)}.").wait_for()
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the figures (XLSX)").click()
    assert download.value.suggested_filename == f"funder-summary-{first}-{last}.xlsx"
    page.get_by_role("button", name="Show this period").click()
    page.get_by_text("Showing January 1, 2019 to December 31, 2019.").wait_for()
    idle(page)
    engine = database.make_engine(app["database"])
    with database.session_factory(engine)() as session:
        expected = views.funder_summary(session, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
        year_2020 = views.funder_summary(session, dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    engine.dispose()
    assert metric(page, "Activities") == f"{expected.totals.activities:,}"
    button = page.get_by_role("button", name="Download the figures (XLSX)")
    with page.expect_download(timeout=120_000) as download:
        button.click()
    assert download.value.suggested_filename == "funder-summary-2019-01-01-2019-12-31.xlsx"
    assert Path(download.value.path()).stat().st_size > 0
    # A quick choice applies at once: the figures and the file name follow it.
    # Typed, as choose() does: the dropdown only draws the options in view, and the
    # grants listed before the years can push 2020 out of it.
    choose(page, "Quick choice of period", "Year 2020")
    page.get_by_text("Showing January 1, 2020 to December 31, 2020.").wait_for()
    idle(page)
    assert metric(page, "Activities") == f"{year_2020.totals.activities:,}"
    with page.expect_download(timeout=120_000) as download:
        page.get_by_role("button", name="Download the figures (XLSX)").click()
    assert download.value.suggested_filename == "funder-summary-2020-01-01-2020-12-31.xlsx"


def test_a_link_to_a_page_the_role_may_not_open_lands_on_its_own_first_page(page, app):
    """Also the first request after the server started (run alone: -k may_not_open)."""
    page.goto(f"{app['url']}/overview?theme=Land+rights")
    idle(page)
    page.get_by_role("textbox", name="Username").fill("demo-funder")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS["funder"])
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("heading", name="Funder summary").first.wait_for()
    idle(page)
    assert page.get_by_role("heading", name="Overview").count() == 0
    assert page.get_by_text("Page not found").count() == 0
    # The heading can arrive a moment before the figures of the same run: wait for them.
    page.locator("[data-testid=stMetric]").first.wait_for()
    shot(page, "funder-link-to-overview")
