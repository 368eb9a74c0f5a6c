"""Issue 22.5 in Chromium: the injection payloads in grant, funder and theme names never become
an image fetched from elsewhere or a ``javascript:`` link on the Funder summary and Themes pages.
It runs on its own app (``own_app``): it links the demo funder to a grant."""

from __future__ import annotations

import datetime as dt

from tests.browser.test_browser import idle, log_in
from tests.factories import add_activity
from tracker.db import database
from tracker.records import grants, reference_lists

IMAGE = "![x](http://example.invalid/x.png)"
LINK = "[x](javascript:alert(1))"
TAG = "<img src=x onerror=alert(1)>"
PAYLOADS = (IMAGE, LINK, TAG, "http://example.invalid/", "*a*_b_")


def _add_payload_records(url: str) -> None:
    engine = database.make_engine(url)
    with database.session_factory(engine).begin() as session:
        for payload in PAYLOADS:
            reference_lists.add_theme(session, payload)
        grants.save_grant(
            session,
            grants.GrantInput(
                grant_id="G-PAYLOAD",
                funder=IMAGE + " " + TAG,
                title=LINK + " " + IMAGE,
                start_date=(dt.date.today() - dt.timedelta(days=100)).isoformat(),
                end_date=(dt.date.today() + dt.timedelta(days=100)).isoformat(),
            ),
            "tester",
        )
        grants.link_user(session, "demo-funder", "G-PAYLOAD", "tester")
        add_activity(
            session,
            themes=list(PAYLOADS),
            confidentiality="public",
            title="Payload themes",
            grants=["G-PAYLOAD"],
            activity_date=dt.date.today() - dt.timedelta(days=5),
        )
    engine.dispose()


def _assert_inert(page) -> None:
    assert page.locator('img[src*="example.invalid"]').count() == 0
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.locator('a[href*="example.invalid"]').count() == 0


def test_payload_names_are_text_on_the_funder_summary_and_themes_pages(page, own_app, browser):
    app = own_app
    _add_payload_records(app["database"])
    log_in(page, app, "funder")
    page.goto(f"{app['url']}/funder-summary?grant=G-PAYLOAD")
    idle(page)
    page.locator("[data-testid=stMetric]").first.wait_for()
    idle(page)
    page.get_by_text("javascript:alert(1)", exact=False).first.wait_for()  # shown, as text
    _assert_inert(page)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        staff = context.new_page()
        log_in(staff, app, "staff")
        staff.goto(f"{app['url']}/themes")
        idle(staff)
        staff.get_by_text("*a*_b_").first.wait_for()
        _assert_inert(staff)
    finally:
        context.close()
