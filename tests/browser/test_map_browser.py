"""The Participation map in Chromium (issue 19): drawn, at desktop size and at 390 px, with
every request the page makes going to the app's own host (no CDN boundaries, no tiles);
screenshots in test-artifacts/. And the calendar feed opens with the browser's session."""

from __future__ import annotations

import icalendar
import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import go, idle, log_in

pytestmark = pytest.mark.browser
MAP = ".js-plotly-plot .choroplethlayer path"


def _own_host_only(urls: list[str], base: str) -> None:
    foreign = [u for u in urls if not (u.startswith(base) or u.startswith(("data:", "blob:")))]
    assert not foreign, foreign


@pytest.mark.parametrize(
    ("viewport", "name"),
    [({"width": 1400, "height": 1000}, "map-desktop"), ({"width": 390, "height": 844}, "map-phone")],
)
def test_participation_draws_the_map_from_the_apps_own_host(browser, app, viewport, name):
    context = browser.new_context(viewport=viewport, device_scale_factor=2 if viewport["width"] < 500 else 1)
    page = context.new_page()
    page.set_default_timeout(60_000)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    try:
        log_in(page, app, "member")
        if viewport["width"] < 500:
            page.goto(f"{app['url']}/participation")
            idle(page)
        else:
            go(page, "Participation", "Participation")
        page.get_by_role("heading", name="Where the coalition works").wait_for()
        page.wait_for_selector(MAP, state="attached")
        idle(page)
        shapes = page.locator(MAP).count()
        assert shapes > 150  # every country drawn, from the shipped boundaries
        plot = page.locator(".js-plotly-plot").first.bounding_box()
        assert plot is not None and plot["x"] >= 0 and plot["x"] + plot["width"] <= viewport["width"]
        assert page.evaluate("document.scrollingElement.scrollWidth") <= viewport["width"]
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=viewport["width"] < 500)
        assert requested and all("127.0.0.1" in u for u in requested if u.startswith("http"))
        _own_host_only(requested, app["url"])
    finally:
        context.close()


def test_a_signed_in_browser_opens_the_calendar_feed(browser, page, app):
    log_in(page, app, "staff")
    go(page, "Forums", "Forums")
    page.get_by_role("link", name="All forums (.ics)").wait_for()
    response = page.request.get(f"{app['url']}/calendar.ics?category=UN")
    assert response.status == 200
    events = list(icalendar.Calendar.from_ical(response.body()).walk("VEVENT"))
    assert events and all(str(e["categories"].cats[0]) == "UN" for e in events)
    stranger = browser.new_context()  # no session cookie, no token
    try:
        assert stranger.request.get(f"{app['url']}/calendar.ics").status == 401
    finally:
        stranger.close()
