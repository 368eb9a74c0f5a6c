"""AppTest of the staff screens: add, edit (with optimistic locking), delete and restore,
import with preview, export, reference lists."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from tests.apptest import assert_page_ran, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.db.models import Activity, AuditEntry, Organisation


@pytest.fixture
def staff_db(app_database):
    return app_database


def _session(engine):
    return database.session_factory(engine)()


def _fill(at, key, title="Side event on land rights", themes=("Land rights",)):
    at.selectbox(key=f"{key}_forum").select("EITI")
    at.multiselect(key=f"{key}_themes").set_value(list(themes))
    at.text_input(key=f"{key}_title").input(title)
    at.number_input(key=f"{key}_effort").set_value(2.5)


def test_add_form_saves_a_complete_activity_and_confirms_with_a_link_to_it(staff_db):
    at = open_page("pages/add_activity.py", role="staff")
    assert at.multiselect(key="add_0_0_organisations").value == ["ZELA"]  # the user's organisation
    assert at.radio(key="add_0_0_confidentiality").value == "internal"
    _fill(at, "add_0_0")
    at.text_input(key="add_0_0_new_organisations").input("Brand New NGO")
    at.button(key="FormSubmitter:add_0_0-Save").click().run()
    assert not at.exception
    assert at.title[0].value == "Add an activity"  # stays here: no silent jump to Edit
    with _session(staff_db) as session:
        activity = session.scalar(select(Activity))
        assert [s.value for s in at.success] == [
            f"Saved: activity {activity.id}, `Side event on land rights`."
        ]
        link = at.get("page_link")[0].proto
        assert (link.label, link.page) == (f"Open activity {activity.id}", "edit")
        assert f"id={activity.id}" in link.query_string
        assert (activity.title, activity.forum.name, activity.effort_days, activity.created_by) == (
            "Side event on land rights",
            "EITI",
            2.5,
            "demo-staff",
        )
        assert [o.name for o in activity.organisations] == ["Brand New NGO", "ZELA"]
        assert activity.activity_date == dt.date.today()


def test_add_form_reports_every_bad_field_and_saves_nothing(staff_db):
    at = open_page("pages/add_activity.py", role="staff")
    at.text_area(key="add_0_0_evidence").input("javascript:alert(1)")
    at.button(key="FormSubmitter:add_0_0-Save").click().run()
    # what people read: the Markdown source escapes what was typed (plain text, issue 13.9)
    raw = next(e.value for e in at.error if e.value.startswith("Please correct"))
    message = re.sub(r"\\(.)", r"\1", raw)
    assert "javascript\\:alert" in raw
    for label in ("Forum", "Themes", "Title", "Evidence links"):
        assert f"- {label}:" in message
    # and each field's problem is written beside (under) it, in plain words
    beside = [e.value for e in at.error if not e.value.startswith("Please correct")]
    assert "choose a forum" in beside and "choose at least one" in beside
    with _session(staff_db) as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_choosing_an_event_fills_forum_and_date_and_save_and_add_another_keeps_them(staff_db):
    at = open_page("pages/add_activity.py", role="staff")
    event = next(e for e in at.selectbox(key="add_event").options if "KP Plenary 2019" in e)
    at.selectbox(key="add_event").select(event).run()
    key = next(w.key for w in at.text_input if w.key.endswith("_title")).removesuffix("_title")
    assert at.selectbox(key=f"{key}_forum").value == "KP Plenary"
    assert at.date_input(key=f"{key}_date").value == dt.date(2019, 11, 18)
    at.multiselect(key=f"{key}_themes").set_value(["KP reform"])
    at.text_input(key=f"{key}_title").input("Plenary statement")
    at.button(key=f"FormSubmitter:{key}-Save and add another").click().run()
    assert any(s.value.startswith("Saved: activity") for s in at.success)
    with _session(staff_db) as session:
        activity = session.scalar(select(Activity))
        assert (activity.event.name, activity.activity_date) == ("KP Plenary 2019", dt.date(2019, 11, 18))


def _edit_key(at) -> str:
    return next(w.key for w in at.text_input if w.key.endswith("_title")).removesuffix("_title")


def test_edit_saves_a_new_version_and_history_shows_it(staff_db):
    with _session(staff_db) as session:
        activity_id = add_activity(session, title="Original").id
        session.commit()
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    key = _edit_key(at)
    at.text_input(key=f"{key}_title").input("Revised")
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert any("Saved version 2" in s.value for s in at.success)
    history = at.dataframe[0].value
    assert list(history["What"]) == ["Created", "Changed"]
    assert history["Changes"].iloc[1] == "Title: Original → Revised"


def test_two_people_editing_one_record_the_second_is_refused_with_what_changed(staff_db):
    with _session(staff_db) as session:
        activity_id = add_activity(session, title="Shared record").id
        session.commit()
    first = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    second = open_page("pages/edit_activity.py", role="admin", query={"id": str(activity_id)})
    key = _edit_key(first)
    first.text_input(key=f"{key}_title").input("First person's title")
    first.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    second.text_input(key=f"{key}_title").input("Second person's title")
    second.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert "Someone else saved this activity" in second.error[0].value
    changes = second.dataframe[0].value
    assert "First person's title" in set(changes.iloc[:, 2])
    assert "Title" in set(changes.iloc[:, 0]) and "title" not in set(changes.iloc[:, 0])  # labels, not codes
    with _session(staff_db) as session:
        assert session.get(Activity, activity_id).title == "First person's title"


def test_delete_then_restore_from_the_edit_page(staff_db):
    with _session(staff_db) as session:
        activity_id = add_activity(session, title="To delete").id
        session.commit()
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    at.checkbox(key="edit_confirm_delete").check().run()
    at.button(key="edit_delete").click().run()
    assert any("Deleted" in s.value for s in at.success)
    assert any("deleted" in w.value for w in at.warning)
    at.button(key="edit_restore").click().run()
    assert any("Restored" in s.value for s in at.success)
    with _session(staff_db) as session:
        assert session.get(Activity, activity_id).deleted_at is None
        actions = list(
            session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.entity_id == activity_id, AuditEntry.entity == "activity"
                )
            )
        )
        assert actions == ["insert", "delete", "restore"]


def test_import_page_previews_then_imports(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    data = (
        b"date,forum,themes,activity_type,title,organisations\n"
        b"2024-05-13,KP Intersessional,KP reform,meeting,Dubai intersessional,New Partner\n"
        b"2024-05-14,KP Intersessional,KP reform,meeting,Second day,\n"
    )
    at.file_uploader(key="import_upload").upload("two.csv", data, "text/csv").run()
    assert any("All 2 rows are valid" in s.value for s in at.success)
    assert list(at.dataframe[0].value.result) == ["create", "create"]
    assert any("New Partner" in m.value for m in at.markdown)
    at.button(key="import_go").click().run()
    assert any("Imported. New: 2; updated: 0; unchanged: 0." in s.value for s in at.success)
    with _session(staff_db) as session:
        assert session.scalar(select(func.count()).select_from(Activity)) == 2


def test_import_page_lists_problems_and_offers_no_import_button(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload(
        "bad.csv", b"date,forum\n2024-01-01,KP Plenary\n", "text/csv"
    ).run()
    assert "nothing will be imported" in at.error[0].value
    assert "column themes: is required" in at.code[0].value
    assert not [b for b in at.button if b.key == "import_go"]


def test_reference_lists_merge_two_spellings_of_an_organisation(staff_db):
    with _session(staff_db) as session:
        add_activity(session, organisations=["ZELA"])
        add_activity(session, organisations=["Z.E.L.A."])
        session.commit()
    at = open_page("pages/reference_lists.py", role="staff")
    at.selectbox(key="lists_dup_organisations").select("Z.E.L.A.")
    at.selectbox(key="lists_keep_organisations").select("ZELA")
    at.button(key="FormSubmitter:lists_merge_organisations-Merge").click().run()
    assert any("1 activity moved" in s.value for s in at.success)
    with _session(staff_db) as session:
        assert session.scalar(select(Organisation).where(Organisation.name == "Z.E.L.A.")) is None
        assert {o.name for a in session.scalars(select(Activity)) for o in a.organisations} == {"ZELA"}


def test_export_page_offers_three_formats(staff_db):
    at = open_page("pages/export_activities.py", role="staff")
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV", "XLSX", "JSON"]


def test_after_an_edit_ticking_yes_delete_it_keeps_the_delete_panel_open(staff_db):
    with _session(staff_db) as session:
        activity_id = add_activity(session, title="Kept panel").id
        session.commit()
    at = open_page("pages/edit_activity.py", role="staff", query={"id": str(activity_id)})
    key = _edit_key(at)
    at.text_input(key=f"{key}_title").input("Kept panel, revised")
    at.button(key=f"FormSubmitter:{key}-Save changes").click().run()
    assert any("Saved version 2" in s.value for s in at.success)
    at.session_state["edit_delete_panel"] = True  # the person opens the panel (the browser says so)
    at.run()
    at.checkbox(key="edit_confirm_delete").check().run()
    assert_page_ran(at)
    panel = next(e for e in at.expander if e.label == "Delete this activity")
    assert panel.proto.expanded and at.session_state["edit_delete_panel"] is True
    assert not at.button(key="edit_delete").disabled
