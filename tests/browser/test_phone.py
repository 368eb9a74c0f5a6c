"""At phone size (390 x 844) the first screens show the headline and the shift chart
without sideways scrolling; screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import idle, log_in

pytestmark = pytest.mark.browser
SHIFT_CHART = "svg[aria-labelledby='shift-title shift-desc']"


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def _fits(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, width
    chart = page.locator(SHIFT_CHART).first.bounding_box()
    assert chart is not None and chart["x"] >= 0 and chart["x"] + chart["width"] <= 390


@pytest.mark.parametrize(
    ("role", "heading", "name"),
    [
        ("member", "The shift away from the Kimberley Process", "phone-home"),
        ("funder", "Funder summary", "phone-funder-summary"),
    ],
)
def test_first_screen_fits_a_phone(phone, app, role, heading, name):
    log_in(phone, app, role)
    phone.get_by_role("heading", name=heading).first.wait_for()
    phone.wait_for_selector(SHIFT_CHART, state="visible")
    idle(phone)
    assert phone.locator("[data-testid=stMetric]").count() >= 4  # the headline figures
    _fits(phone)
    phone.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_staff_reminders_are_lists_on_a_phone(phone, app):
    log_in(phone, app, "staff")
    phone.wait_for_selector(SHIFT_CHART, state="visible")
    idle(phone)
    _fits(phone)
    phone.screenshot(path=str(ARTIFACTS / "phone-home-staff.png"), full_page=True)
