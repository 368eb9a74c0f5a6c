"""The staff side of outcome records, as services: the Outcome list's filters (hand-computed,
SQLite and PostgreSQL), the filtered and audited download, the Edit page's data and
History, and the outcome file import's already-imported flag."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from sqlalchemy import select

from tracker.db.models import AuditEntry
from tracker.io import outcome_exports, outcome_import
from tracker.records import outcomes
from tracker.records.activities import delete_activity
from tracker.records.outcomes import OutcomeInput
from tracker.results import outcome_records, outcome_search
from tracker.results.outcome_search import OutcomeFilters

from .factories import add_activity

# Five outcomes; OUT-4 is deleted. In date order: OUT-1, OUT-2, OUT-3, OUT-5, (OUT-4).
FIXTURE = [
    {
        "outcome_id": "OUT-1",
        "outcome_date": dt.date(2023, 3, 5),
        "statement": "The KP adopted a rule on community consultation",
        "social_actor": "KP Working Group on Monitoring",
        "change_type": "policy",
        "themes": ["KP reform"],
        "forum": "KP Intersessional",
        "confidentiality": "public",
    },
    {
        "outcome_id": "OUT-2",
        "outcome_date": dt.date(2024, 6, 10),
        "statement": "A ministry ended 50% of forced evictions near mines",
        "social_actor": "Ministry of Mines",
        "change_type": "practice",
        "themes": ["Land rights", "Reduction of violence"],
        "forum": "UN Human Rights Council",
        "confidentiality": "internal",
    },
    {
        "outcome_id": "OUT-3",
        "outcome_date": dt.date(2024, 11, 20),
        "statement": "Police raids on artisanal miners increased",
        "social_actor": "Provincial police",
        "change_type": "behaviour",
        "themes": ["Reduction of violence"],
        "confidentiality": "restricted",
        "positive": False,
    },
    {
        "outcome_id": "OUT-4",
        "outcome_date": dt.date(2025, 1, 15),
        "statement": "EITI opened a consultation on beneficial ownership",
        "social_actor": "EITI secretariat",
        "change_type": "discourse",
        "themes": ["Benefit redistribution"],
        "forum": "EITI",
        "confidentiality": "public",
    },
    {
        "outcome_id": "OUT-5",
        "outcome_date": dt.date(2024, 12, 31),
        "statement": "=1+1 the kp plenary discussed land tenure",
        "social_actor": "KP chair",
        "change_type": "discourse",
        "themes": ["Land rights"],
        "forum": "KP Plenary",
        "confidentiality": "internal",
    },
]


@pytest.fixture
def stored(session):
    made = {}
    for values in FIXTURE:
        made[values["outcome_id"]] = outcomes.create_outcome(session, OutcomeInput(**values), "ana")
    outcomes.delete_outcome(session, made["OUT-4"].id, 1, "ana")
    session.commit()
    return made


def found(session, **filters) -> list[str]:
    return [o.outcome_id for o in outcome_search.find_outcomes(session, OutcomeFilters(**filters))]


def test_no_filter_lists_live_outcomes_oldest_first_and_deleted_only_when_asked(session, stored):
    assert found(session) == ["OUT-1", "OUT-2", "OUT-3", "OUT-5"]
    assert found(session, include_deleted=True) == ["OUT-1", "OUT-2", "OUT-3", "OUT-5", "OUT-4"]


def test_text_searches_statement_social_actor_and_ids(session, stored):
    assert found(session, text="kp") == ["OUT-1", "OUT-5"]  # statement or actor, any case
    assert found(session, text="MINISTRY") == ["OUT-2"]
    assert found(session, text="provincial police") == ["OUT-3"]  # the social actor only
    assert found(session, text="out-3") == ["OUT-3"]
    assert found(session, text=str(stored["OUT-2"].id)) == ["OUT-2"]  # the record number
    assert found(session, text="50%") == ["OUT-2"]
    assert found(session, text="out_") == []  # LIKE wildcards are literal
    assert found(session, text="eiti") == []  # OUT-4 is deleted
    assert found(session, text="eiti", include_deleted=True) == ["OUT-4"]


def test_change_type_category_and_theme(session, stored):
    assert found(session, change_types=("discourse",)) == ["OUT-5"]
    assert found(session, change_types=("discourse",), include_deleted=True) == ["OUT-5", "OUT-4"]
    assert found(session, change_types=("policy", "behaviour")) == ["OUT-1", "OUT-3"]
    assert found(session, categories=("KP",)) == ["OUT-1", "OUT-5"]
    assert found(session, categories=("UN", "Other international")) == ["OUT-2"]
    assert found(session, categories=("Regional",)) == []
    assert found(session, themes=("Reduction of violence",)) == ["OUT-2", "OUT-3"]
    # any of the themes, each outcome once (OUT-2 has two of them)
    assert found(session, themes=("Land rights", "KP reform", "Reduction of violence")) == [
        "OUT-1",
        "OUT-2",
        "OUT-3",
        "OUT-5",
    ]


def test_year_date_range_confidentiality_and_direction(session, stored):
    assert found(session, year=2024) == ["OUT-2", "OUT-3", "OUT-5"]
    assert found(session, year=2025) == []
    assert found(session, year=2025, include_deleted=True) == ["OUT-4"]
    # both ends included
    assert found(session, date_from=dt.date(2024, 11, 20), date_to=dt.date(2024, 12, 31)) == [
        "OUT-3",
        "OUT-5",
    ]
    assert found(session, date_from=dt.date(2024, 12, 31)) == ["OUT-5"]
    assert found(session, date_to=dt.date(2023, 3, 5)) == ["OUT-1"]
    assert found(session, confidentiality=("internal",)) == ["OUT-2", "OUT-5"]
    assert found(session, confidentiality=("restricted", "public")) == ["OUT-1", "OUT-3"]
    assert found(session, positive=False) == ["OUT-3"]
    assert found(session, positive=True) == ["OUT-1", "OUT-2", "OUT-5"]


def test_filters_combine(session, stored):
    assert found(session, year=2024, themes=("Land rights",), positive=True) == ["OUT-2", "OUT-5"]
    assert found(session, year=2024, themes=("Land rights",), text="ministry") == ["OUT-2"]
    assert found(session, categories=("KP",), confidentiality=("public",)) == ["OUT-1"]


def test_the_staff_list_is_newest_first_and_only_for_staff(session, stored):
    frame = outcome_records.staff_outcome_list(session, "staff", OutcomeFilters(year=2024))
    assert list(frame.outcome_id) == ["OUT-5", "OUT-3", "OUT-2"]
    deleted = outcome_records.staff_outcome_list(session, "admin", OutcomeFilters(include_deleted=True))
    assert list(deleted[deleted.deleted].outcome_id) == ["OUT-4"]
    for role in ("member", "funder", None):
        with pytest.raises(PermissionError):
            outcome_records.staff_outcome_list(session, role, OutcomeFilters())
    assert outcome_records.outcome_years(session) == [2025, 2024, 2023]


def _csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_download_holds_the_filtered_live_rows_neutralised_and_audited(engine, session, stored):
    filters = OutcomeFilters(categories=("KP",), include_deleted=True)
    data = outcome_exports.audited_outcome_export(engine, "ben", "staff", filters, "csv")
    rows = _csv_rows(data)
    assert [r["outcome_id"] for r in rows] == ["OUT-1", "OUT-5"]
    assert rows[1]["statement"] == "'=1+1 the kp plenary discussed land tenure"  # neutralised
    # deleted ones are never downloaded, even when the list shows them
    everything = _csv_rows(
        outcome_exports.audited_outcome_export(
            engine, "ben", "admin", OutcomeFilters(include_deleted=True), "csv"
        )
    )
    assert [r["outcome_id"] for r in everything] == ["OUT-1", "OUT-2", "OUT-3", "OUT-5"]
    xlsx = outcome_exports.audited_outcome_export(engine, "ben", "staff", OutcomeFilters(year=2023), "xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["OUT-1"]
    session.rollback()
    entries = list(
        session.scalars(select(AuditEntry).where(AuditEntry.entity == "export").order_by(AuditEntry.id))
    )
    assert [(e.actor, e.after["what"], e.after["rows"], e.after["filtered"]) for e in entries] == [
        ("ben", "outcomes.csv", 2, True),
        ("ben", "outcomes.csv", 4, False),
        ("ben", "outcomes.xlsx", 1, True),
    ]
    for role in ("member", "funder", None):
        with pytest.raises(PermissionError):
            outcome_exports.audited_outcome_export(engine, "x", role, OutcomeFilters(), "csv")


def test_the_edit_form_values_save_back_unchanged(session):
    activity = add_activity(session, external_id="A-1")
    outcome = outcomes.create_outcome(
        session,
        OutcomeInput(
            **FIXTURE[1],
            country="ZW",
            evidence_urls="https://a.example/1 https://a.example/2",
            significance="Fewer families lost land.",
            substantiation="substantiated",
            intended=False,
            activities=["A-1"],
        ),
        "ana",
    )
    session.commit()
    opened = outcome_records.open_outcome(session, "staff", outcome.id)
    assert opened.values["evidence_urls"] == "https://a.example/1\nhttps://a.example/2"
    assert opened.values["country"] == "ZW" and opened.values["activity_ids"] == [activity.id]
    again = outcomes.update_outcome(session, outcome.id, OutcomeInput(**opened.values), opened.version, "ben")
    assert again.version == 1  # nothing lost, nothing changed
    assert [e.action for e in outcomes.history(session, outcome.id)] == ["insert"]


def test_a_deleted_contributing_activity_stays_linked_and_is_said_deleted(session):
    kept = add_activity(session, title="Side event", external_id="A-1")
    gone = add_activity(session, title="Briefing", external_id="A-2")
    outcome = outcomes.create_outcome(session, OutcomeInput(**FIXTURE[0], activities=["A-1", "A-2"]), "ana")
    delete_activity(session, gone.id, gone.version, "ana")
    session.commit()
    opened = outcome_records.open_outcome(session, "staff", outcome.id)
    table = outcome_records.contributions_table(opened.contributions)
    assert dict(zip(table.title, table.status, strict=True)) == {"Side event": "live", "Briefing": "deleted"}
    options = outcome_records.edit_form_options(session, "staff", outcome.id)
    assert options.activities[gone.id].endswith("Briefing (deleted)")
    assert kept.id in options.activities


def test_history_uses_field_labels_and_plain_words(session):
    outcome = outcomes.create_outcome(session, OutcomeInput(**FIXTURE[0]), "ana")
    outcomes.update_outcome(
        session,
        outcome.id,
        OutcomeInput(**{**FIXTURE[0], "change_type": "practice", "positive": False}),
        1,
        "ben",
    )
    outcomes.delete_outcome(session, outcome.id, 2, "ana")
    session.commit()
    history = outcome_records.outcome_history(session, "admin", outcome.id)
    assert list(history["What"]) == ["Created", "Changed", "Deleted"]
    assert list(history["Who"]) == ["ana", "ben", "ana"]
    assert history["Changes"].iloc[1] == "Type of change: policy → practice; Positive change: yes → no"
    assert history["Changes"].iloc[2] == ""


OUTCOME_FILE = (
    b"outcome_id,date,statement,social_actor,change_type,themes,forum\n"
    b"IMP-1,2024-02-01,A regulator published mine audits,Mines regulator,practice,KP reform,EITI\n"
    b"IMP-2,2024-03-01,A chief returned land,Chief of Marange,behaviour,Land rights,\n"
)


def test_an_outcome_file_imported_once_is_flagged_the_second_time(session):
    first = outcome_import.plan_outcome_import(session, OUTCOME_FILE, "two.csv")
    assert first.ok and first.already_imported == []
    assert list(first.preview().result) == ["create", "create"]
    plan, result = outcome_import.import_outcomes(session, OUTCOME_FILE, "two.csv", "ana")
    session.commit()
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    second = outcome_import.plan_outcome_import(session, OUTCOME_FILE, "again.csv")
    assert [(p.filename, p.imported_by) for p in second.already_imported] == [("two.csv", "ana")]
    assert list(second.preview().result) == ["unchanged", "unchanged"]


def test_a_bad_outcome_file_writes_nothing_and_names_row_and_column(session):
    bad = OUTCOME_FILE.replace(b"behaviour", b"law")
    plan, result = outcome_import.import_outcomes(session, bad, "bad.csv", "ana")
    assert result is None
    assert [str(p) for p in plan.problems][0].startswith("row 3, column change_type: must be one of")
    session.commit()
    assert outcome_search.live_outcomes(session) == []
