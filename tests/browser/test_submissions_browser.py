"""Issue 18 in a real browser: a member on a phone (390 px) reports an activity and sees it
"submitted"; staff return it with a comment; the member fixes and resends it; staff approve
it; the member finds it in the Activity log and in the figures."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import choose, idle, log_in, metric
from tests.browser.test_phone import phone  # noqa: F401 - the 390 px phone fixture

pytestmark = pytest.mark.browser
TITLE = "Phone-made report of a land meeting"


def open_route(page, app, route: str, heading: str) -> None:
    page.goto(f"{app['url']}/{route}")
    page.get_by_role("heading", name=heading).first.wait_for()
    idle(page)


def fits_the_phone(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width


def activities_shown(page) -> int:
    return int(metric(page, "Activities").replace(",", ""))


def test_report_return_fix_approve_then_count(phone, page, own_app):  # noqa: F811 - the imported fixture
    app = own_app
    log_in(phone, app, "member")
    open_route(phone, app, "overview", "Overview")
    before = activities_shown(phone)

    open_route(phone, app, "report", "Report an activity")
    fits_the_phone(phone)
    choose(phone, "Forum", "EITI")
    choose(phone, "Themes", "Land rights")
    phone.get_by_label("Title", exact=True).fill(TITLE)
    phone.get_by_role("button", name="Send for review").click()
    phone.get_by_text("Sent for review: submission").wait_for()
    idle(phone)
    phone.get_by_text(TITLE).first.wait_for()
    assert phone.get_by_text("Status: submitted").count() >= 1
    fits_the_phone(phone)
    phone.screenshot(path=str(ARTIFACTS / "phone-report-submitted.png"), full_page=True)

    log_in(page, app, "staff")
    open_route(page, app, "review", "Review member submissions")
    page.get_by_label("Comment to the member").fill("Please add the village's name to the title.")
    page.get_by_role("button", name="Return with this comment").click()
    page.get_by_text("Returned to ZELA").wait_for()
    idle(page)

    open_route(phone, app, "report", "Report an activity")
    phone.get_by_text("Please add the village").first.wait_for()
    phone.get_by_role("button", name="Fix and send again").click()
    phone.get_by_role("heading", name="and send it again").first.wait_for()
    idle(phone)
    phone.get_by_label("Title", exact=True).fill(TITLE + " in Marange")
    phone.get_by_role("button", name="Send for review").click()
    phone.get_by_text("Sent for review: submission").wait_for()
    idle(phone)

    open_route(page, app, "review", "Review member submissions")
    page.get_by_role("button", name="Approve", exact=True).click()
    page.get_by_text("Approved: it is now activity").wait_for()
    idle(page)

    open_route(phone, app, "report", "Report an activity")
    phone.get_by_text("Status: approved").first.wait_for()
    open_route(phone, app, "activity-log", "Activity log")
    phone.get_by_role("textbox", name="Search titles, descriptions and outcomes").fill("in Marange")
    phone.get_by_test_id("stBaseButton-secondaryFormSubmit").filter(has_text="Search").click()
    phone.get_by_text("1 activity matches").wait_for()
    idle(phone)
    open_route(phone, app, "overview", "Overview")
    phone.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.replace(/,/g, '') === String(n))",
        arg=before + 1,
    )
    assert activities_shown(phone) == before + 1
    phone.screenshot(path=str(ARTIFACTS / "phone-report-approved-overview.png"), full_page=True)
