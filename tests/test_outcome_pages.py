"""AppTest of the staff outcome screens: the Edit outcome page (edit, version conflict,
delete, restore, History, deleted contributing activity), the Outcome list's filters and
downloads, and the outcome import on the Import page; per role."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.apptest import open_page, open_page_file
from tests.factories import add_activity
from tracker.db import database
from tracker.db.models import AuditEntry, Outcome
from tracker.records import outcomes
from tracker.records.activities import delete_activity
from tracker.records.outcomes import OutcomeInput
from tracker.results import outcome_search


@pytest.fixture
def staff_db(app_database):
    return app_database


def _session(engine):
    return database.session_factory(engine)()


def _add(engine, **overrides) -> int:
    values = {
        "outcome_id": "OUT-1",
        "outcome_date": dt.date(2024, 3, 5),
        "statement": "The KP adopted a rule on community consultation",
        "social_actor": "KP Working Group on Monitoring",
        "change_type": "policy",
        "themes": ["KP reform"],
        "forum": "KP Intersessional",
        "country": "ZW",
        "evidence_urls": "https://a.example/1",
    }
    values.update(overrides)
    with _session(engine) as session:
        pk = outcomes.create_outcome(session, OutcomeInput(**values), "tester").id
        session.commit()
    return pk


def _form_key(at) -> str:
    return next(w.key for w in at.text_input if w.key.endswith("_actor")).removesuffix("_actor")


def _submit(at, key: str):
    return at.button(key=f"FormSubmitter:{key}-Save changes").click().run()


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_open_an_outcome_by_id_with_its_stored_values(staff_db, role):
    _add(staff_db, outcome_id="OUT-0", statement="Another one")
    pk = _add(staff_db)
    at = open_page("pages/edit_outcome.py", role=role, query={"id": str(pk)})
    assert at.title[0].value == "Edit an outcome"
    assert at.selectbox(key="edit_outcome_choice").value == pk
    key = _form_key(at)
    assert key == f"edit_outcome_{pk}_1"
    assert at.text_input(key=f"{key}_id").value == "OUT-1"
    assert at.text_area(key=f"{key}_statement").value == "The KP adopted a rule on community consultation"
    assert at.selectbox(key=f"{key}_forum").value == "KP Intersessional"
    assert at.text_input(key=f"{key}_country").value == "ZW"
    assert at.multiselect(key=f"{key}_themes").value == ["KP reform"]


@pytest.mark.parametrize("role", ["member", "funder"])
def test_members_and_funders_cannot_open_the_edit_outcome_page(staff_db, role):
    at = open_page(role=role)
    with pytest.raises(ValueError):
        at.switch_page("pages/edit_outcome.py")
    alone = open_page_file("pages/edit_outcome.py", role)
    assert any("not available" in e.value for e in alone.error)
    assert not alone.get("selectbox")


def test_edit_saves_a_new_version_and_history_shows_it_in_plain_words(staff_db):
    pk = _add(staff_db)
    at = open_page("pages/edit_outcome.py", role="staff", query={"id": str(pk)})
    key = _form_key(at)
    at.text_input(key=f"{key}_actor").input("KP Plenary")
    at.checkbox(key=f"{key}_positive").uncheck()
    _submit(at, key)
    assert not at.exception
    assert [s.value for s in at.success] == ["Saved version 2."]
    history = at.dataframe[-1].value
    assert list(history["What"]) == ["Created", "Changed"]
    assert (
        history["Changes"].iloc[1]
        == "Positive change: yes → no; Social actor: KP Working Group on Monitoring → KP Plenary"
    )
    with _session(staff_db) as session:
        outcome = session.get(Outcome, pk)
        assert (outcome.social_actor, outcome.positive, outcome.country, outcome.updated_by) == (
            "KP Plenary",
            False,
            "ZW",
            "demo-staff",
        )
    # saving again what is stored writes nothing
    _submit(at, _form_key(at))
    assert [s.value for s in at.success] == ["Nothing changed: no new version was saved."]


def test_a_bad_edit_names_each_field_and_saves_nothing(staff_db):
    pk = _add(staff_db)
    at = open_page("pages/edit_outcome.py", role="staff", query={"id": str(pk)})
    key = _form_key(at)
    at.text_area(key=f"{key}_evidence").input("javascript:alert(1)")
    at.text_area(key=f"{key}_statement").input("")
    _submit(at, key)
    text = at.error[0].value
    assert text.startswith("Please correct these fields:")
    assert "Evidence links" in text and "Outcome statement" in text
    with _session(staff_db) as session:
        assert session.get(Outcome, pk).version == 1


def test_two_people_editing_one_outcome_the_second_is_refused_in_one_sentence(staff_db):
    pk = _add(staff_db)
    first = open_page("pages/edit_outcome.py", role="staff", query={"id": str(pk)})
    second = open_page("pages/edit_outcome.py", role="admin", query={"id": str(pk)})
    key = _form_key(first)
    first.text_input(key=f"{key}_actor").input("First person's actor")
    _submit(first, key)
    second.text_input(key=f"{key}_actor").input("Second person's actor")
    _submit(second, key)
    # what people read: the Markdown source escapes the sentence's punctuation
    assert [re.sub(r"\\(.)", r"\1", e.value) for e in second.error] == [
        "Someone else saved this outcome (now version 2) after you opened version 1: "
        "reload it, then make your change again."
    ]
    changes = second.dataframe[0].value
    assert list(changes.iloc[:, 0]) == ["Social actor"]
    assert list(changes.iloc[:, 2]) == ["First person's actor"]
    with _session(staff_db) as session:
        assert session.get(Outcome, pk).social_actor == "First person's actor"
    second.button(key="edit_outcome_reload").click().run()
    assert second.text_input(key=f"edit_outcome_{pk}_2_actor").value == "First person's actor"


def test_delete_then_restore_from_the_edit_page(staff_db):
    pk = _add(staff_db)
    at = open_page("pages/edit_outcome.py", role="staff", query={"id": str(pk)})
    assert at.button(key="edit_outcome_delete").disabled
    at.checkbox(key="edit_outcome_confirm_delete").check().run()
    at.button(key="edit_outcome_delete").click().run()
    assert [s.value for s in at.success] == ["Deleted. Choose it again here to restore it."]
    assert any("was deleted on" in w.value for w in at.warning)
    assert not [w for w in at.text_input if w.key.endswith("_actor")]  # no form for a deleted one
    at.button(key="edit_outcome_restore").click().run()
    assert [s.value for s in at.success] == ["Restored."]
    with _session(staff_db) as session:
        assert session.get(Outcome, pk).deleted_at is None
        actions = list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.entity_id == pk, AuditEntry.entity == "outcome")
                .order_by(AuditEntry.id)
            )
        )
        assert actions == ["insert", "delete", "restore"]


def test_a_deleted_contributing_activity_shows_as_deleted_and_stays_linked(staff_db):
    with _session(staff_db) as session:
        kept = add_activity(session, title="Side event", external_id="A-1")
        gone = add_activity(session, title="Briefing", external_id="A-2")
        session.commit()
        ids = (kept.id, gone.id)
    pk = _add(staff_db, activities=["A-1", "A-2"])
    with _session(staff_db) as session:
        delete_activity(session, ids[1], 1, "tester")
        session.commit()
    at = open_page("pages/edit_outcome.py", role="staff", query={"id": str(pk)})
    [table] = [d.value for d in at.dataframe if "title" in d.value.columns]
    assert dict(zip(table.title, table.status, strict=True)) == {"Side event": "live", "Briefing": "deleted"}
    key = _form_key(at)
    assert at.multiselect(key=f"{key}_activities").value == list(ids)
    at.text_input(key=f"{key}_actor").input("Someone else")
    _submit(at, key)
    with _session(staff_db) as session:
        assert sorted(a.id for a in session.get(Outcome, pk).activities) == sorted(ids)


def test_the_outcome_list_filters_links_to_edit_and_downloads_the_filtered_rows(staff_db):
    _add(staff_db)
    _add(
        staff_db,
        outcome_id="OUT-2",
        statement="A ministry ended forced evictions",
        social_actor="Ministry of Mines",
        change_type="practice",
        themes=["Land rights"],
        forum="UN Human Rights Council",
        outcome_date=dt.date(2025, 1, 2),
    )
    gone = _add(staff_db, outcome_id="OUT-3", statement="Withdrawn", outcome_date=dt.date(2025, 5, 1))
    with _session(staff_db) as session:
        outcomes.delete_outcome(session, gone, 1, "tester")
        session.commit()
    at = open_page("pages/outcome_list.py", role="staff")

    def listed():
        [table] = [d.value for d in at.dataframe if "outcome_id" in d.value.columns]
        return table

    assert list(listed().outcome_id) == ["OUT-2", "OUT-1"]
    assert [b.proto.label for b in at.get("download_button")] == [
        "Download the 2 matching outcomes (CSV)",
        "Download the 2 matching outcomes (XLSX)",
    ]
    at.text_input(key="outcomes_text").input("ministry").run()
    assert list(listed().outcome_id) == ["OUT-2"]
    assert listed().edit.iloc[0].startswith("edit-outcome?id=")
    assert at.get("download_button")[0].proto.label == "Download the 1 matching outcome (CSV)"
    assert any(c.value == "1 outcome matches." for c in at.caption)
    at.text_input(key="outcomes_text").input("").run()
    at.selectbox(key="outcomes_year").select(2025).run()
    assert list(listed().outcome_id) == ["OUT-2"]
    at.checkbox(key="outcomes_deleted").check().run()
    assert list(listed().outcome_id) == ["OUT-3", "OUT-2"]
    assert any("never in the downloads" in c.value for c in at.caption)
    assert at.get("download_button")[0].proto.label == "Download the 1 matching outcome (CSV)"
    at.multiselect(key="outcomes_categories").set_value(["Regional"]).run()
    assert any("No outcome matches" in i.value for i in at.info)
    at.button(key="outcomes_clear").click().run()
    assert list(listed().outcome_id) == ["OUT-2", "OUT-1"]


OUTCOME_FILE = (
    b"outcome_id,date,statement,social_actor,change_type,themes,forum\n"
    b"IMP-1,2024-02-01,A regulator published mine audits,Mines regulator,practice,KP reform,EITI\n"
    b"IMP-2,2024-03-01,A chief returned land,Chief of Marange,behaviour,Land rights,\n"
)


def _choose_outcomes(at):
    at.radio(key="import_kind").set_value("outcomes").run()
    assert at.title[0].value == "Import outcomes"


def test_outcome_import_dry_run_then_import_then_the_upload_is_cleared_and_the_result_stays(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    assert at.title[0].value == "Import activities"
    _choose_outcomes(at)
    at.file_uploader(key="outcome_import_upload").upload("two.csv", OUTCOME_FILE, "text/csv").run()
    assert [s.value for s in at.success] == [
        "All 2 rows are valid. Dry run, nothing written yet. New: 2; updates: 0; unchanged: 0."
    ]
    assert list(at.dataframe[0].value.result) == ["create", "create"]
    with _session(staff_db) as session:
        assert outcome_search.live_outcomes(session) == []  # the preview wrote nothing
    at.button(key="outcome_import_go").click().run()
    assert [s.value for s in at.success] == ["Imported. New: 2; updated: 0; unchanged: 0."]
    assert not [b for b in at.button if b.key == "outcome_import_go"]
    assert not [u for u in at.get("file_uploader") if u.proto.id.endswith("outcome_import_upload")]
    at.run()
    assert [s.value for s in at.success] == ["Imported. New: 2; updated: 0; unchanged: 0."]
    with _session(staff_db) as session:
        assert [o.outcome_id for o in outcome_search.live_outcomes(session)] == ["IMP-1", "IMP-2"]
        assert {o.created_by for o in outcome_search.live_outcomes(session)} == {"demo-staff"}
    # the same file again: flagged, and every row unchanged
    again = open_page("pages/import_activities.py", role="admin")
    _choose_outcomes(again)
    again.file_uploader(key="outcome_import_upload").upload("two.csv", OUTCOME_FILE, "text/csv").run()
    assert any(
        "already imported" in w.value and "demo-staff" in w.value.replace("\\", "") for w in again.warning
    )
    assert list(again.dataframe[0].value.result) == ["unchanged", "unchanged"]


def test_a_bad_outcome_file_lists_row_and_column_problems_and_offers_no_import(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    _choose_outcomes(at)
    bad = OUTCOME_FILE.replace(b"behaviour", b"law").replace(b"KP reform", b"No such theme")
    at.file_uploader(key="outcome_import_upload").upload("bad.csv", bad, "text/csv").run()
    assert at.error[0].value == "2 problems: nothing will be imported until the file is corrected."
    lines = at.code[0].value.splitlines()
    assert lines[0].startswith("row 2, column themes: unknown theme 'No such theme' (known themes: ")
    assert lines[1].startswith("row 3, column change_type: must be one of")
    assert not [b for b in at.button if b.key == "outcome_import_go"]


def test_an_unknown_id_is_said_and_the_newest_outcome_opens(staff_db):
    pk = _add(staff_db)
    at = open_page("pages/edit_outcome.py", role="staff", query={"id": "999"})
    assert "There is no outcome 999: choose one below." in [w.value for w in at.warning]
    assert at.selectbox(key="edit_outcome_choice").value == pk


def test_an_outcome_recorded_on_the_list_links_to_its_edit_page(staff_db):
    at = open_page("pages/outcome_list.py", role="staff")
    at.text_input(key="outcome_form_id").set_value("T-FORM")
    at.text_area(key="outcome_form_statement").set_value("A UN working group took up the coalition's wording")
    at.text_input(key="outcome_form_actor").set_value("A UN working group")
    at.multiselect(key="outcome_form_themes").set_value(["Land rights"])
    at.text_input(key="outcome_form_country").set_value("Zimbabwe")
    at.text_area(key="outcome_form_evidence").set_value("https://a.example/1\nhttps://a.example/2")
    at.get("form_submit_button")[0].click().run()
    assert [s.value for s in at.success] == ["Saved outcome T-FORM."]
    with _session(staff_db) as session:
        [saved] = outcome_search.live_outcomes(session)
        assert (saved.country, saved.evidence_urls) == ("ZW", "https://a.example/1\nhttps://a.example/2")
    [link] = [p for p in at.get("page_link") if "edit" in str(p.proto)]
    assert link.proto.query_string == f"id={saved.id}"
