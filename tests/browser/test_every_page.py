"""Every page of every role, in English and in French, at 1400 px and at 390 px (issue 20, "Done when").

One browser context per role and language: log in once, open each page of the role's navigation
by its address once, and check it at desktop width, then again after resizing to a phone (no
reload): axe-core finds no serious or critical WCAG 2.0/2.1 A/AA violation (nor a heading-order
one), the page does not scroll sideways, no metric or button has clipped text, and a French page
shows no English vocabulary word or stored code. Every page is saved at 390 px as
test-artifacts/every-page-<language>-<role>-<path>.png. See docs/accessibility.md.
"""

from __future__ import annotations

import pytest

from tests.browser import audit
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import PASSWORDS, idle
from tracker.access.permissions import pages_for
from tracker.db import database
from tracker.publish import digest

pytestmark = pytest.mark.browser
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
CHECKS = ("axe", "width", "clipped", "english")

# A failure accepted for now, with its reason: {(page url_path, check): why}. Empty: every
# page passes every check. Never an "axe" entry: those are fixed, not listed.
KNOWN_FAILURES: dict[tuple[str, str], str] = {}


def _settle(page) -> None:
    """Let the browser lay the page out again after a resize (two animation frames)."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def _check(page, width: int, french: bool, vocabulary, user_data) -> dict[str, str]:
    """The failed checks of the page as shown now: {check: what was found}."""
    failed = {}
    violations = audit.axe_violations(page)
    if violations:
        failed["axe"] = audit.describe_violations(violations)
    scroll_width = audit.page_width(page)
    if scroll_width > width:
        failed["width"] = f"the page is {scroll_width} px wide"
    clipped = audit.clipped_texts(page)
    if clipped:
        failed["clipped"] = f"clipped: {clipped}"
    if french:
        english = audit.english_words(page.inner_text("body"), vocabulary, user_data)
        if english:
            failed["english"] = f"English words: {english}"
    return failed


def _whole_page_shot(page, path) -> None:
    """The whole page at phone width: Streamlit's main area scrolls inside the window, so a
    "full page" screenshot shows one screen; the window is made as tall as the page first."""
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid=stMain]');
            const block = document.querySelector('[data-testid=stMainBlockContainer]');
            main.scrollTop = 0;
            return Math.ceil(Math.max(main.scrollHeight, block.scrollHeight,
                                      block.getBoundingClientRect().bottom));
        }"""
    )
    page.set_viewport_size({"width": PHONE["width"], "height": min(max(height, PHONE["height"]), 16_000)})
    _settle(page)
    page.screenshot(path=str(path))


def _log_in(page, url: str, role: str) -> None:
    page.goto(url)
    idle(page)
    page.get_by_role("textbox", name="Username").fill(f"demo-{role}")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
    with page.expect_response(lambda r: r.url.endswith("/tracker-session") and r.request.method == "POST"):
        page.get_by_role("button", name="Log in").click()
    idle(page)


@pytest.fixture(params=["en", "fr"])
def served(request, app, tmp_path):
    """English: the worker's shared app. French: a fresh app whose demo accounts read French
    (the language is saved on the account, which other tests read in English)."""
    if request.param == "en":
        yield request.param, app
        return
    own_app = request.getfixturevalue("own_app")
    engine = database.open_database(own_app["database"])
    with database.session_factory(engine).begin() as session:
        for role in PASSWORDS:
            digest.set_language(session, f"demo-{role}", "fr", actor=f"demo-{role}")
    engine.dispose()
    yield request.param, own_app


@pytest.mark.parametrize("role", ["admin", "staff", "member", "funder"])
def test_every_page_at_both_widths(browser, served, role):
    audit.axe_script()  # skip (or fail in CI) before any work when axe-core is missing
    language, app = served
    french = language == "fr"
    vocabulary = audit.english_vocabulary()
    user_data = audit.user_texts(str(app["database"]))
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(30_000)
    found: dict[tuple[str, str], str] = {}
    try:
        page.goto(str(app["url"]))
        idle(page)
        if role == "admin" and not french:  # the visitors' one page, once
            for check, what in _check(page, DESKTOP["width"], False, vocabulary, user_data).items():
                found[("log-in", check)] = f"1400 px: {what}"
        _log_in(page, str(app["url"]), role)
        for rule in pages_for(role):
            page.set_viewport_size(DESKTOP)
            page.goto(f"{app['url']}/{rule.url_path}")
            idle(page)
            for viewport in (DESKTOP, PHONE):
                if viewport is PHONE:
                    page.set_viewport_size(PHONE)
                    _settle(page)
                    idle(page)
                results = _check(page, viewport["width"], french, vocabulary, user_data)
                if results:  # a page still settling (a second run, styles not yet applied): once more
                    idle(page)
                    _settle(page)
                    results = _check(page, viewport["width"], french, vocabulary, user_data)
                for check, what in results.items():
                    key = (rule.url_path, check)
                    found[key] = f"{found[key]} | " if key in found else ""
                    found[key] += f"{viewport['width']} px: {what}"
            # What a person sees at 390 px, in each language (test_phone.py walks no page twice).
            _whole_page_shot(page, ARTIFACTS / f"every-page-{language}-{role}-{rule.url_path}.png")
    finally:
        context.close()
    new = {key: what for key, what in found.items() if key not in KNOWN_FAILURES}
    assert not new, "\n".join(f"{path} [{check}] {what}" for (path, check), what in sorted(new.items()))


def test_keyboard_focus_is_a_ring_unlike_the_current_page(page, app):
    """Tabbing to a navigation link draws the focus ring (tracker.web.style); the current
    page's link, unfocused, has none, so the two cannot be confused."""
    _log_in(page, str(app["url"]), "staff")
    links = page.locator("[data-testid=stSidebarNavLink]")
    current = page.locator("[data-testid=stSidebarNavLink][aria-current=page]")
    current.focus()
    page.keyboard.press("Tab")  # keyboard focus: the next link, not the current page
    focused = links.nth(1)
    assert focused.evaluate("e => e === document.activeElement && e.matches(':focus-visible')")
    ring = focused.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineWidth]")
    assert ring == ["solid", "3px"]
    assert current.evaluate("e => getComputedStyle(e).outlineStyle") == "none"
