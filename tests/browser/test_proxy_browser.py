"""The app through the deployment guide's nginx config in Chromium: the Content Security
Policy lets it work (log-in, the static chart, a Plotly chart) with no violation."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from urllib.parse import urlparse

import pytest

from benchmarks import proxy
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import PASSWORDS, idle

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(proxy.available() is not None, reason=proxy.available() or ""),
]
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
"""


@pytest.fixture(scope="module")
def proxied(app):
    workdir = Path(tempfile.mkdtemp(prefix="tracker-nginx-"))
    nginx = proxy.prepare(workdir, proxy.free_port(), proxy.free_port(), [urlparse(app["url"]).port])
    nginx.start()
    try:
        proxy.wait_until(f"{nginx.url}/_stcore/health", nginx.process)
        yield nginx.url
    finally:
        nginx.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def test_the_app_works_under_the_content_security_policy(browser, proxied):
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.add_init_script(RECORD_VIOLATIONS)
    answer = page.goto(proxied)
    assert "content-security-policy" in answer.headers
    page.get_by_role("textbox", name="Username").fill("demo-member")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS["member"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector("svg[aria-labelledby='shift-title shift-desc']", state="visible")
    idle(page)
    page.get_by_role("link", name="Overview", exact=True).click()
    page.wait_for_selector("[data-testid=stPlotlyChart] .main-svg", state="visible")
    idle(page)
    page.screenshot(path=str(ARTIFACTS / "through-proxy-overview.png"))
    assert page.evaluate("window.__csp") == []
    context.close()
