"""At phone size (390 x 844) the first screens show the headline and the shift chart
without sideways scrolling; screenshots go to test-artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import idle, log_in
from tracker.access.permissions import pages_for

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


# ---- issue 20: a member and a funder on a real phone (touch, 2x pixels), in French ---------
# Every page of every role at 390 px in both languages is walked by test_every_page.py (width,
# clipped text, axe, English words); here, the phone's own way in: the language chosen in the
# sidebar of a phone, and the pages each reads first, on a mobile viewport.
PHONE_PAGES = {"member": ("home_page", "activity_log", "strategy_dashboard"), "funder": ("funder_summary",)}
# Metric labels and values and button labels whose text is wider than their box (cut with "…").
CLIPPED = """() => [...document.querySelectorAll(
    '[data-testid=stMetric] *, button, button *, [data-testid=stDateInput] input')]
  .filter(e => e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.innerText || e.value || '').trim().slice(0, 60))
  .filter(text => text !== '')"""  # an element with no text (an icon) has no text to cut
PAGE_WIDTH = """() => Math.max(document.scrollingElement.scrollWidth,
    document.querySelector('[data-testid=stMain]').scrollWidth)"""


def _nothing_wide_or_cut(phone, where: str) -> None:
    # stMain is the element that scrolls in Streamlit's layout: a table wider than the phone
    # widened it (the Funder summary's targets, 408 px) while the document stayed at 390.
    assert phone.evaluate(PAGE_WIDTH) <= 390, where
    assert phone.evaluate(CLIPPED) == [], where


def _walk(phone, app, role: str, language: str) -> None:
    for rule in pages_for(role):
        if rule.name not in PHONE_PAGES[role]:
            continue
        phone.goto(f"{app['url']}/{rule.url_path}")
        phone.locator("[data-testid=stMain] h1").first.wait_for()
        idle(phone)
        phone.wait_for_function("document.querySelectorAll('[data-testid=stSkeleton]').length == 0")
        _nothing_wide_or_cut(phone, f"{role} {language} {rule.name}")
        phone.screenshot(path=str(ARTIFACTS / f"phone-{language}-{role}-{rule.url_path}.png"))


def _choose_french(phone) -> None:
    """As a reader does on a phone: open the sidebar and choose Français (saved on the account)."""
    expand = phone.locator("[data-testid=stExpandSidebarButton]")
    if expand.is_visible():  # the sidebar is collapsed (a phone's first view)
        expand.click()
    language = phone.get_by_role("combobox", name="Language")
    language.scroll_into_view_if_needed()
    language.click()
    language.fill("Fran")  # the list filters as one types; Enter takes the one left
    phone.get_by_role("option", name="Français").wait_for()
    language.press("Enter")
    phone.get_by_text("Connecté·e en tant que").wait_for()
    idle(phone)
    # Closed again (Streamlit remembers it open across pages): the screenshots show the page.
    phone.locator("[data-testid=stSidebarCollapseButton]").click()
    phone.locator("[data-testid=stExpandSidebarButton]").wait_for()


def test_a_member_and_a_funder_choose_french_on_a_phone_and_their_pages_fit(phone, own_app):
    # Its own app: the language chosen is saved on the demo accounts.
    for role in ("member", "funder"):
        phone.context.clear_cookies()
        log_in(phone, own_app, role)
        _choose_french(phone)
        _walk(phone, own_app, role, "fr")


def test_the_phone_lists_show_titles_and_target_statuses(phone, app):
    log_in(phone, app, "member")
    phone.goto(f"{app['url']}/strategy")
    phone.locator("table.tracker-targets").first.wait_for()
    idle(phone)
    status = phone.locator("table.tracker-targets tbody tr td:nth-child(4)").first
    box = status.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390  # the status is on screen
    phone.goto(f"{app['url']}/activity-log")
    first = phone.locator(".tracker-list > li summary").first
    first.wait_for()
    idle(phone)
    title = first.locator("b")
    assert title.evaluate("e => e.scrollWidth <= e.clientWidth")  # the whole title, wrapped
    first.click()
    opened = phone.locator(".tracker-list > li details[open] dl").first
    opened.wait_for()
    opened.scroll_into_view_if_needed()
    phone.screenshot(path=str(ARTIFACTS / "phone-activity-log-detail.png"))


def test_the_sidebar_date_range_is_not_cut_on_a_phone(phone, app):
    log_in(phone, app, "member")
    phone.goto(f"{app['url']}/overview")
    phone.locator("[data-testid=stMain] h1").first.wait_for()
    idle(phone)
    phone.locator("[data-testid=stExpandSidebarButton]").click()
    dates = phone.locator("[data-testid=stSidebar] [data-testid=stDateInput] input")
    dates.first.wait_for()
    assert dates.evaluate_all("l => l.filter(e => e.scrollWidth > e.clientWidth + 1).length") == 0
    phone.screenshot(path=str(ARTIFACTS / "phone-sidebar.png"))
