"""The downloaded HTML report on a 390 px phone (issue 20, section 5): no sideways scroll of
the page; a table wider than the phone scrolls inside its own box. English as the Funder
summary downloads it, French as the same function writes it. Screenshots in test-artifacts/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import idle, log_in
from tracker.db import database
from tracker.publish import reports

pytestmark = pytest.mark.browser
PHONE = 390

# Every element that reaches past the phone's right edge, except inside a table's own
# scrolling box (which itself must fit).
OVERFLOWING = """(width) => Array.from(document.querySelectorAll('body *'))
    .filter(e => !e.closest('.table-box') || e.classList.contains('table-box'))
    .filter(e => e.getBoundingClientRect().right > width + 0.5)
    .map(e => e.tagName + (e.className ? '.' + e.className : ''))"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(
        viewport={"width": PHONE, "height": 844}, device_scale_factor=2, is_mobile=True, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    context.close()


def assert_fits_a_phone(page, report: Path, name: str) -> None:
    page.goto(report.as_uri())
    page.locator("h1").wait_for()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= PHONE
    assert page.evaluate(OVERFLOWING, PHONE) == []
    assert page.locator(".table-box").count() >= 3  # the tables are there, each in its box
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_the_downloaded_html_report_reads_on_a_phone_in_both_languages(phone, app, tmp_path):
    log_in(phone, app, "funder")
    phone.get_by_role("heading", name="Funder summary").wait_for()
    idle(phone)
    with phone.expect_download(timeout=120_000) as download:
        phone.get_by_role("button", name="Download the report (HTML, opens offline)").click()
    english = tmp_path / "report-en.html"
    download.value.save_as(english)
    assert_fits_a_phone(phone, english, "phone-report-en")

    last = dt.date.today()
    engine = database.make_engine(app["database"])
    with database.session_factory(engine)() as session:
        built = reports.build(session, last - dt.timedelta(days=365), last)
    engine.dispose()
    french = tmp_path / "report-fr.html"
    french.write_text(reports.html_report(built, dt.datetime(2026, 1, 5, 9, 30), "fr"), encoding="utf-8")
    assert_fits_a_phone(phone, french, "phone-report-fr")
