"""End to end in headless Chromium against `streamlit run`."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, IDLE, SCRIPT_TITLE
from tracker.access.permissions import pages_for
from tracker.demo.seed import DEMO_ACCOUNTS

pytestmark = pytest.mark.browser
PASSWORDS = {username.removeprefix("demo-"): password for username, _r, _n, password in DEMO_ACCOUNTS}


def idle(page) -> None:
    page.wait_for_selector(IDLE)


def log_in(page, app, role: str) -> None:
    page.goto(app["url"])
    idle(page)
    page.get_by_role("textbox", name="Username").fill(f"demo-{role}")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
    # The log-in is complete once the page has swapped its one-time ticket for the session
    # cookie: a click before that can land on a run that is about to be replaced.
    with page.expect_response(lambda r: r.url.endswith("/tracker-session") and r.request.method == "POST"):
        page.get_by_role("button", name="Log in").click()
        page.get_by_text("Signed in as").wait_for()
    idle(page)


def go(page, title: str, heading: str) -> None:
    page.get_by_role("link", name=title, exact=True).click()
    page.get_by_role("heading", name=heading).first.wait_for()
    idle(page)


def nav_titles(page) -> list[str]:
    return page.locator("[data-testid=stSidebarNav] a").all_inner_texts()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def choose(page, label: str, option: str) -> None:
    """Pick an option in a Streamlit selectbox or multiselect by typing it."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).first.click()


def metric(page, label: str) -> str:
    block = page.locator("[data-testid=stMetric]").filter(has_text=re.compile(f"^{re.escape(label)}"))
    return block.locator("[data-testid=stMetricValue]").first.inner_text()


@pytest.mark.parametrize("role", ["funder", "member", "staff", "admin"])
def test_each_role_sees_exactly_its_pages(page, app, role):
    log_in(page, app, role)
    assert nav_titles(page) == [rule.title for rule in pages_for(role)]
    shot(page, f"landing-{role}")


def test_a_visitor_opening_a_page_address_gets_only_the_log_in_form(page, app):
    page.goto(f"{app['url']}/overview")
    idle(page)
    page.get_by_role("button", name="Log in").wait_for()
    assert nav_titles(page) == []
    assert page.locator("[data-testid=stMetric]").count() == 0
    shot(page, "log-in")


def test_staff_adds_an_activity_and_finds_it_in_the_log_and_the_overview(page, app):
    log_in(page, app, "staff")
    go(page, "Overview", "Overview")
    before = int(metric(page, "Activities").replace(",", ""))
    go(page, "Add activity", "Add an activity")
    choose(page, "Forum", "EITI")
    choose(page, "Themes", "Land rights")
    page.get_by_label("Title", exact=True).fill("Browser-made side event")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved: activity").wait_for()  # it stays on Add, with a link to the record
    idle(page)
    assert page.get_by_role("link", name="Open activity").count() == 1
    go(page, "Activity log", "Activity log")
    page.get_by_role("textbox", name="Search titles, descriptions and outcomes").fill("Browser-made")
    page.get_by_test_id("stBaseButton-secondaryFormSubmit").filter(has_text="Search").click()
    page.get_by_text("1 activity matches").wait_for()
    idle(page)
    go(page, "Overview", "Overview")
    page.wait_for_function(
        "n => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.replace(/,/g, '') === String(n))",
        arg=before + 1,
    )
    assert int(metric(page, "Activities").replace(",", "")) == before + 1
    shot(page, "overview")


def test_staff_imports_a_file_and_sees_the_preview_and_the_result(page, own_app, tmp_path):
    app = own_app
    data = tmp_path / "two.csv"
    data.write_text(
        "date,forum,themes,activity_type,title,external_id\n"
        "2024-05-13,KP Intersessional,KP reform,meeting,Imported in the browser,browser-1\n"
        "2024-05-14,KP Intersessional,KP reform,meeting,Imported second day,browser-2\n"
    )
    log_in(page, app, "staff")
    go(page, "Import", "Import activities")
    page.locator("input[type=file]").set_input_files(str(data))
    page.get_by_text("All 2 rows are valid").wait_for()
    idle(page)
    shot(page, "import-preview")
    page.get_by_role("button", name="Import 2 activities").click()
    page.get_by_text("Imported. New: 2; updated: 0; unchanged: 0.").wait_for()
    idle(page)
    # The upload is cleared and the result stays: a second click cannot import again.
    assert page.get_by_role("button", name="Import 2 activities").count() == 0
    assert page.get_by_text("two.csv").count() == 0
    assert page.get_by_text("Imported. New: 2; updated: 0; unchanged: 0.").count() == 1


def test_a_funder_downloads_a_self_contained_html_report(page, app):
    log_in(page, app, "funder")
    page.get_by_role("heading", name="Funder summary").wait_for()
    idle(page)
    shot(page, "funder-summary")
    button = page.get_by_role("button", name="Download the report (HTML, opens offline)")
    button.wait_for()
    # The report (static SVG charts, no JavaScript) is built on click.
    with page.expect_download(timeout=120_000) as download:
        button.click()
    html = Path(download.value.path()).read_text(encoding="utf-8")
    assert "funder summary" in html.lower() and "<svg" in html and "<script" not in html

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            self.found += [v for k, v in attrs if k in ("src", "href") and v]

    links = Links()
    links.feed(html)
    assert [v for v in links.found if v.startswith(("http", "//"))] == []


def test_a_stored_script_title_is_shown_as_text(page, app):
    log_in(page, app, "staff")
    go(page, "Edit activity", "Edit an activity")
    page.get_by_role("textbox", name="Find by title or id").fill(str(app["script_id"]))
    page.keyboard.press("Enter")
    page.get_by_label("Title", exact=True).and_(page.locator(f"[value='{SCRIPT_TITLE}']")).wait_for()
    idle(page)
    assert SCRIPT_TITLE in page.get_by_role("combobox", name="Activity", exact=True).input_value()
    assert page.evaluate("window.__xss") is None
    assert page.locator("script", has_text="__xss").count() == 0
    assert page.get_by_label("Title", exact=True).input_value() == SCRIPT_TITLE
    shot(page, "edit-activity")


def test_screenshots_of_every_main_page(page, app):
    # Pages are opened from the navigation: a page load starts a new session (log in again).
    log_in(page, app, "admin")
    for rule in pages_for("admin"):
        page.get_by_role("link", name=rule.title, exact=True).click()
        # A page may add its own query once open (Edit outcome: ?id= of the outcome shown).
        page.wait_for_url(re.compile(rf"/{rule.url_path}(\?[^/]*)?$|/$"))
        idle(page)
        assert "This page is not available" not in page.inner_text("body")
        shot(page, f"page-{rule.url_path}")
