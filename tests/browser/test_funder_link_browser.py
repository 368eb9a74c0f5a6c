"""The funder's shared ``/funder-summary`` link, opened in a fresh browser, shows no "Page not found"."""

from __future__ import annotations

from tests.browser.test_browser import PASSWORDS, idle


def test_a_funder_opening_the_shared_funder_summary_link_sees_no_page_not_found(browser, app):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{app['url']}/funder-summary")
        idle(page)
        page.get_by_role("button", name="Log in").wait_for()
        assert page.get_by_text("Page not found").count() == 0
        page.get_by_role("textbox", name="Username").fill("demo-funder")
        page.get_by_role("textbox", name="Password").fill(PASSWORDS["funder"])
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("heading", name="Funder summary").first.wait_for()
        idle(page)
        page.locator("[data-testid=stMetric]").first.wait_for()
        idle(page)
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("dialog").count() == 0
        # The shared link opened again, signed in, is the page again with no pop-up.
        page.goto(f"{app['url']}/funder-summary")
        idle(page)
        page.get_by_role("heading", name="Funder summary").first.wait_for()
        page.locator("[data-testid=stMetric]").first.wait_for()
        idle(page)
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_role("dialog").count() == 0
    finally:
        context.close()
