"""End to end in headless Chromium: a staff member imports an outcome file from the Import
page, finds the outcome on the Outcome list with the sidebar search, and edits it on the
Edit outcome page opened by its address (as the list's Edit link opens it)."""

from __future__ import annotations

from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.test_browser import go, idle, log_in, shot
from tracker.db import database
from tracker.db.models import Outcome

OUTCOME_FILE = (
    "outcome_id,date,statement,social_actor,change_type,themes,forum\n"
    "BROWSER-OUT-1,2024-02-01,A regulator published its mine audits,Mines regulator,practice,KP reform,EITI\n"
)


def test_staff_import_an_outcome_find_it_and_edit_it(page, own_app, tmp_path):
    app = own_app
    data = tmp_path / "outcome.csv"
    data.write_text(OUTCOME_FILE)
    log_in(page, app, "staff")
    go(page, "Import", "Import activities")
    # The choice on the page, not the sidebar's "Outcomes" dashboard link.
    radios = page.get_by_test_id("stMain").locator("[data-testid=stRadio]")
    kind = radios.filter(has_text="What does the file hold?")
    kind.get_by_text("Outcomes", exact=True).click()
    page.get_by_role("heading", name="Import outcomes").wait_for()
    idle(page)
    page.locator("input[type=file]").set_input_files(str(data))
    page.get_by_text("Dry run, nothing written yet").wait_for()
    idle(page)
    page.get_by_role("button", name="Import 1 outcome").click()
    page.get_by_text("Imported. New: 1; updated: 0; unchanged: 0.").wait_for()
    idle(page)
    assert page.get_by_role("button", name="Import 1 outcome").count() == 0

    go(page, "Outcome list", "Outcome list")
    search = page.get_by_role("textbox", name="Search", exact=True)
    search.fill("browser-out")
    search.press("Enter")
    page.get_by_text("1 outcome matches.").wait_for()
    idle(page)
    shot(page, "outcome-list-filtered")

    engine = database.make_engine(app["database"])
    with database.session_factory(engine)() as session:
        pk = session.scalar(select(Outcome.id).where(Outcome.outcome_id == "BROWSER-OUT-1"))
    engine.dispose()
    page.goto(f"{app['url']}/edit-outcome?id={pk}")
    page.get_by_role("heading", name="Edit an outcome").wait_for()
    idle(page)
    actor = page.get_by_role("textbox", name="Social actor", exact=True)
    expect(actor).to_have_value("Mines regulator")  # waits: the page can run once more as it opens
    actor.fill("National mines regulator")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("Saved version 2.").wait_for()
    idle(page)
    shot(page, "edit-outcome")
