"""End to end: staff record an outcome from an activity's Edit page, and a member sees it,
with that activity as contributing, on the Outcomes dashboard."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import go, idle, log_in, shot
from tracker.db import database
from tracker.db.models import Activity
from tracker.text import formatting

pytestmark = pytest.mark.browser


def _public_activity(url: str) -> tuple[int, str, str]:
    """A live public demo activity: id, date, title."""
    engine = database.make_engine(url)
    try:
        with database.session_factory(engine)() as session:
            activity = session.scalars(
                select(Activity)
                .where(
                    Activity.confidentiality == "public",
                    Activity.deleted_at.is_(None),
                    Activity.external_id.like("demo-%"),
                )
                .order_by(Activity.activity_date.desc(), Activity.id)
            ).first()
            assert activity is not None
            # As the page labels it: the date in the reader's (English) table style.
            return activity.id, formatting.short_date(activity.activity_date, "en"), activity.title
    finally:
        engine.dispose()


def test_staff_record_an_outcome_from_an_activity_and_a_member_sees_it(browser, page, app):
    activity_id, activity_date, title = _public_activity(app["database"])
    outcome_id = f"OUT-BROWSER-{uuid.uuid4().hex[:8]}"  # unique: a rerun finds the first one saved
    statement = f"The ministry published the mining contracts ({outcome_id})"

    log_in(page, app, "staff")
    go(page, "Edit activity", "Edit an activity")
    page.get_by_role("textbox", name="Find by title or id").fill(str(activity_id))
    page.keyboard.press("Enter")
    page.get_by_label("Title", exact=True).and_(page.locator(f"[value={title!r}]")).wait_for()
    idle(page)
    page.get_by_role("link", name="Record an outcome this activity contributed to").click()
    page.get_by_role("heading", name="Outcome list").wait_for()
    idle(page)
    assert f"activity={activity_id}" in page.url
    # The form opens with the activity already linked. Read in the page's main part, not
    # the Outcome list's sidebar filters (which also have Themes and Confidentiality).
    form = page.get_by_test_id("stMain")
    form.get_by_text(f"{activity_date} · {title}", exact=True).wait_for()
    form.get_by_label("Outcome id", exact=True).fill(outcome_id)
    form.get_by_label("Outcome statement", exact=True).fill(statement)
    form.get_by_label("Social actor", exact=True).fill("The ministry of mines")
    themes = form.get_by_role("combobox", name="Themes", exact=True)
    themes.click()
    page.keyboard.type("Land rights")
    page.get_by_role("option", name="Land rights", exact=True).first.click()
    radio = form.locator("[data-testid=stRadio]").filter(has_text="Confidentiality")
    radio.get_by_text("public", exact=True).click()
    assert radio.get_by_role("radio", name="public").is_checked()
    form.get_by_role("button", name="Save the outcome").click()
    page.get_by_text(f"Saved outcome {outcome_id}.").wait_for()
    idle(page)
    shot(page, "outcome-recorded")

    member_context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        member = member_context.new_page()
        member.set_default_timeout(30_000)
        log_in(member, app, "member")
        member.get_by_test_id("stExpandSidebarButton").click()  # a phone starts with it folded
        go(member, "Outcomes", "Outcomes")
        member.get_by_test_id("stSidebarCollapseButton").locator("button").click()
        member.get_by_test_id("stExpandSidebarButton").wait_for()
        item = member.locator(f'li[data-outcome="{outcome_id}"]')
        item.wait_for()
        text = item.inner_text()
        assert statement in text
        assert title in text  # the contributing activity
        assert member.evaluate("document.scrollingElement.scrollWidth") <= 390  # a list, no sideways scroll
        item.scroll_into_view_if_needed()
        shot(member, "phone-outcomes-member")
        panels = member.locator("[data-testid=stPlotlyChart]").nth(1)
        panels.scroll_into_view_if_needed()
        panels.locator(".main-svg").first.wait_for()
        panels.screenshot(path=str(ARTIFACTS / "phone-outcomes-beside-effort.png"))
    finally:
        member_context.close()
