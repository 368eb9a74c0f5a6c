"""An activity's event always belongs to its forum (service, form, import, edit);
the Edit page sets and clears the event; Add confirms with a link; duplicates flagged."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import clear_caches, open_page
from tests.factories import activity_input, add_activity
from tracker.db import database
from tracker.db.models import Activity, ForumEvent
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo_accounts
from tracker.errors import ValidationFailed
from tracker.io import importer
from tracker.records.activities import update_activity


def _event(session, name: str) -> ForumEvent:
    return session.scalar(select(ForumEvent).where(ForumEvent.name == name))


def test_an_event_of_another_forum_is_refused_on_create_and_on_update(session):
    plenary = _event(session, "KP Plenary 2019")
    with pytest.raises(ValidationFailed, match="belongs to another forum"):
        add_activity(session, forum="EITI", event_id=plenary.id)
    session.rollback()
    activity = add_activity(session, forum="KP Plenary", event_id=plenary.id)
    session.commit()
    with pytest.raises(ValidationFailed, match="belongs to another forum"):
        update_activity(session, activity.id, activity_input(forum="EITI", event_id=plenary.id), 1, "e")
    session.rollback()
    update_activity(session, activity.id, activity_input(forum="EITI", event_id=None), 1, "e")
    session.commit()
    assert (activity.forum.name, activity.event) == ("EITI", None)


def test_an_import_that_changes_the_forum_clears_the_old_forums_event(session):
    plenary = _event(session, "KP Plenary 2019")
    add_activity(session, forum="KP Plenary", event_id=plenary.id, external_id="EV-1")
    session.commit()
    plan = importer.plan_import(session, b"external_id,forum\nEV-1,EITI\n", "f.csv")
    assert plan.ok, [str(p) for p in plan.problems]
    importer.apply_import(session, plan, "tester")
    session.commit()
    stored = session.scalar(select(Activity).where(Activity.external_id == "EV-1"))
    assert (stored.forum.name, stored.event) == ("EITI", None)
    refused = importer.plan_import(session, b"external_id,event\nEV-1,KP Plenary 2019\n", "f.csv")
    assert [str(p) for p in refused.problems] == [
        "row 2, column event: “KP Plenary 2019” is not an event of the forum “EITI”."
    ]


@pytest.fixture
def staff_db(use_sqlite_database):
    clear_caches()
    engine = database.open_database(use_sqlite_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
    yield engine
    engine.dispose()


def _key(at) -> str:
    return next(w.key for w in at.text_input if w.key.endswith("_title")).removesuffix("_title")


def test_the_edit_page_sets_and_clears_the_event(staff_db):
    with database.session_factory(staff_db)() as session:
        activity_id = add_activity(session, forum="KP Plenary").id
        session.commit()
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    key = _key(at)
    with database.session_factory(staff_db)() as session:
        plenary = _event(session, "KP Plenary 2019").id
    at.selectbox(key=f"{key}_event").set_value(plenary)
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert not at.exception and any("Saved version 2" in s.value for s in at.success)
    with database.session_factory(staff_db)() as session:
        assert session.get(Activity, activity_id).event.name == "KP Plenary 2019"
    key = _key(at)
    at.selectbox(key=f"{key}_event").select_index(0)  # "No particular event"
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert [s.value for s in at.success] == ["Saved version 3."], [e.value for e in at.error]
    with database.session_factory(staff_db)() as session:
        assert session.get(Activity, activity_id).event is None


def test_the_edit_form_refuses_an_event_of_another_forum_beside_the_field(staff_db):
    with database.session_factory(staff_db)() as session:
        activity_id = add_activity(session, forum="KP Plenary").id
        session.commit()
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    key = _key(at)
    at.selectbox(key=f"{key}_forum").select("EITI")
    with database.session_factory(staff_db)() as session:
        at.selectbox(key=f"{key}_event").set_value(_event(session, "KP Plenary 2019").id)
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert any("Forum event" in e.value and "EITI" in e.value for e in at.error)
    with database.session_factory(staff_db)() as session:
        stored = session.get(Activity, activity_id)
        assert (stored.forum.name, stored.version) == ("KP Plenary", 1)


def test_add_confirms_what_was_saved_with_a_link_to_edit_it(staff_db):
    at = open_page("pages/add_activity.py", role="staff")
    key = _key(at)
    at.selectbox(key=f"{key}_forum").select("EITI")
    at.multiselect(key=f"{key}_themes").set_value(["Land rights"])
    at.text_input(key=f"{key}_title").input("Side event")
    at.button(key=f"FormSubmitter:{key}-Save and add another").click().run()
    with database.session_factory(staff_db)() as session:
        activity_id = session.scalar(select(Activity.id))
    text = " ".join(s.value for s in at.success)
    assert "Side event" in text and f"activity {activity_id}," in text


def test_add_flags_a_likely_duplicate_and_needs_a_confirmation(staff_db):
    with database.session_factory(staff_db)() as session:
        add_activity(session, forum="EITI", title="Side Event", activity_date=dt.date.today())
        session.commit()
    at = open_page("pages/add_activity.py", role="staff")
    key = _key(at)
    at.selectbox(key=f"{key}_forum").select("EITI")
    at.multiselect(key=f"{key}_themes").set_value(["Land rights"])
    at.text_input(key=f"{key}_title").input("side event")
    at.button(key=f"FormSubmitter:{key}-Save and add another").click().run()
    assert any("likely duplicate" in w.value for w in at.warning)
    with database.session_factory(staff_db)() as session:
        assert len(session.scalars(select(Activity)).all()) == 1
    at.checkbox(key="add_confirm_duplicate").check()
    key = _key(at)
    at.button(key=f"FormSubmitter:{key}-Save and add another").click().run()
    with database.session_factory(staff_db)() as session:
        assert len(session.scalars(select(Activity)).all()) == 2


def test_add_refuses_an_external_id_that_exists_beside_the_field_without_a_traceback(staff_db):
    with database.session_factory(staff_db)() as session:
        add_activity(session, external_id="SAME-1")
        session.commit()
    at = open_page("pages/add_activity.py", role="staff")
    key = _key(at)
    at.selectbox(key=f"{key}_forum").select("EITI")
    at.multiselect(key=f"{key}_themes").set_value(["Land rights"])
    at.text_input(key=f"{key}_title").input("Another")
    at.text_input(key=f"{key}_external_id").input("SAME-1")
    at.button(key=f"FormSubmitter:{key}-Save and add another").click().run()
    assert not at.exception
    beside = [e.value for e in at.error if not e.value.startswith("Please correct")]
    assert beside == [
        "“SAME-1” is already the external id of activity 1: give another one or leave it empty."
    ]
    with database.session_factory(staff_db)() as session:
        assert len(session.scalars(select(Activity)).all()) == 1


def test_the_reference_lists_page_refuses_a_theme_name_with_a_semicolon(staff_db):
    at = open_page("pages/reference_lists.py", role="admin")
    at.text_input(key="lists_theme_name").input("Land; rights")
    at.button(key="FormSubmitter:lists_add_theme-Add the theme").click().run()
    assert not at.exception
    assert any("must not contain “;”" in e.value.replace("\\", "") for e in at.error), [
        e.value for e in at.error
    ]
    with database.session_factory(staff_db)() as session:
        from tracker.db.models import Theme

        assert session.scalar(select(Theme).where(Theme.name == "Land; rights")) is None
