"""Outcomes: the write path (audit, versions, soft delete), the import and the exports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from tracker.errors import ValidationFailed, VersionConflict
from tracker.io import outcome_exports, outcome_import
from tracker.records import outcome_fields, outcomes
from tracker.records.activities import delete_activity
from tracker.records.outcomes import OutcomeInput
from tracker.results import outcome_search

from .factories import add_activity


def outcome_input(**overrides) -> OutcomeInput:
    values = {
        "outcome_id": "OUT-2024-03",
        "outcome_date": dt.date(2024, 3, 5),
        "statement": "The KP Working Group on Monitoring adopted a rule on community consultation.",
        "social_actor": "KP Working Group on Monitoring",
        "change_type": "policy",
        "themes": ["KP reform"],
        "forum": "KP Intersessional",
    }
    values.update(overrides)
    return OutcomeInput(**values)


def test_create_update_delete_restore_are_audited_and_versioned(session):
    outcome = outcomes.create_outcome(session, outcome_input(), "ana")
    session.commit()
    assert outcome.version == 1 and outcome.substantiation == "unverified" and outcome.positive
    updated = outcomes.update_outcome(
        session, outcome.id, outcome_input(substantiation="substantiated"), 1, "ben"
    )
    session.commit()
    assert updated.version == 2
    # Saving what is stored changes nothing.
    outcomes.update_outcome(session, outcome.id, outcome_input(substantiation="Substantiated"), 2, "ben")
    assert outcome.version == 2
    with pytest.raises(VersionConflict) as conflict:
        outcomes.update_outcome(session, outcome.id, outcome_input(change_type="practice"), 1, "cy")
    assert "substantiation" in conflict.value.changes
    outcomes.delete_outcome(session, outcome.id, 2, "ana")
    with pytest.raises(ValidationFailed, match="restore it"):
        outcomes.update_outcome(session, outcome.id, outcome_input(), 3, "ana")
    outcomes.restore_outcome(session, outcome.id, 3, "ana")
    session.commit()
    entries = outcomes.history(session, outcome.id)
    assert [e.action for e in entries] == ["insert", "update", "delete", "restore"]
    assert entries[1].before["substantiation"] == "unverified"
    assert entries[1].after["substantiation"] == "substantiated"
    assert entries[2].after["deleted"] is True and entries[3].after["deleted"] is False


def test_unknown_forum_theme_activity_and_taken_id_are_refused(session):
    outcomes.create_outcome(session, outcome_input(), "ana")
    with pytest.raises(ValidationFailed) as refused:
        outcomes.create_outcome(
            session,
            outcome_input(forum="Nowhere", themes=["Nothing"], activities=["X-1"]),
            "ana",
        )
    text = " ".join(refused.value.problems)
    assert "Nowhere" in text and "Nothing" in text and "X-1" in text and "OUT-2024-03" in text


def test_input_rules():
    with pytest.raises(ValueError, match="change_type"):
        outcome_input(change_type="law")
    with pytest.raises(ValueError, match="statement"):
        outcome_input(statement="x" * 1001)
    with pytest.raises(ValueError, match="positive"):
        outcome_input(positive="maybe")
    assert outcome_input(statement="x" * 1000, positive="NO", intended="").intended is True
    assert outcome_input(positive="no").positive is False


def test_deleting_an_activity_keeps_the_outcome_and_shows_the_link_deleted(session):
    first = add_activity(session, external_id="A-1", title="First")
    second = add_activity(session, external_id="A-2", title="Second", activity_date=dt.date(2021, 7, 1))
    session.commit()
    outcome = outcomes.create_outcome(session, outcome_input(activities="A-1; A-2"), "ana")
    session.commit()
    delete_activity(session, first.id, first.version, "ana")
    session.commit()
    session.expire_all()
    found = outcomes.get_outcome(session, outcome.id)
    assert found.deleted_at is None
    links = outcomes.contributing_activities(found)
    assert [(c.title, c.deleted) for c in links] == [("First", True), ("Second", False)]
    assert outcome_fields.import_format_row(found)["activities"] == "A-1;A-2"
    del second


HEADER = "outcome_id,date,statement,social_actor,change_type,themes,forum,activities,confidentiality\n"


def test_import_is_all_or_nothing_with_row_and_column(session):
    add_activity(session, external_id="A-1")
    session.commit()
    data = (
        HEADER
        + "OUT-1,2024-03-05,A rule,KP WG,policy,KP reform,KP Plenary,A-1,public\n"
        + "OUT-2,2024-13-01,Another,UNGA,law,Nothing,,A-9,\n"
    ).encode()
    plan, result = outcome_import.import_outcomes(session, data, "o.csv", "ana")
    assert result is None
    messages = [str(p) for p in plan.problems]
    assert "row 3, column date: is not a real calendar date" in messages
    assert any(m.startswith("row 3, column change_type: must be one of: policy") for m in messages)
    assert outcome_search.live_outcomes(session) == []


def test_import_semicolon_csv_creates_then_updates_only_present_columns(session):
    add_activity(session, external_id="A-1")
    session.commit()
    data = (
        HEADER.replace(",", ";")
        + 'OUT-1;2024-03-05;"A rule; adopted";KP WG;Policy;KP reform;kp plenary;A-1;restricted\n'
    ).encode("utf-8-sig")
    plan, result = outcome_import.import_outcomes(session, data, "o.csv", "ana")
    assert plan.problems == [] and result is not None and result.created == 1
    session.commit()
    # An update file with two columns: the others keep their values; confidentiality is
    # not lowered by omission.
    update = b"outcome_id,substantiation\nOUT-1,substantiated\n"
    plan, result = outcome_import.import_outcomes(session, update, "u.csv", "ana", dry_run=True)
    assert plan.updates == 1 and result is None and list(plan.rows[0].changes) == ["substantiation"]
    plan, result = outcome_import.import_outcomes(session, update, "u.csv", "ana")
    session.commit()
    [stored] = outcome_search.live_outcomes(session)
    assert stored.statement == "A rule; adopted" and stored.confidentiality == "restricted"
    assert stored.substantiation == "substantiated" and stored.forum.name == "KP Plenary"
    lower = b"outcome_id,confidentiality\nOUT-1,internal\n"
    plan, _r = outcome_import.import_outcomes(session, lower, "l.csv", "ana", dry_run=True)
    assert [str(x) for x in plan.lowered] == [
        "row 2 (OUT-1): confidentiality lowered from restricted to internal"
    ]


def _two_outcomes(session):
    add_activity(session, external_id="=A-1")
    add_activity(session, external_id="A-2")
    session.commit()
    outcomes.create_outcome(
        session,
        outcome_input(
            statement='=HYPERLINK("http://x")',
            social_actor="+Ministry",
            activities=["=A-1", "A-2"],
            evidence_urls="https://a.example/1 https://a.example/2",
            significance="Line one\nline two",
            positive=False,
            confidentiality="public",
            country="ZWE",
        ),
        "ana",
    )
    outcomes.create_outcome(
        session,
        outcome_input(
            outcome_id="OUT-2",
            outcome_date=dt.date(2024, 6, 1),
            forum=None,
            change_type="discourse",
            themes="Land rights;KP reform",
        ),
        "ana",
    )
    session.commit()


def test_export_round_trip_is_exact_and_neutralises_formulas(session):
    _two_outcomes(session)
    stored = outcome_search.live_outcomes(session)
    expected = [outcome_fields.import_format_row(o) for o in stored]
    data = outcome_exports.to_csv(stored)
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["statement"] == '\'=HYPERLINK("http://x")' and rows[0]["social_actor"] == "'+Ministry"
    assert rows[0]["activities"] == "'=A-1;A-2" and rows[0]["positive"] == "no"
    book = load_workbook(io.BytesIO(outcome_exports.to_xlsx(stored)))
    assert book.worksheets[0]["C2"].value == '\'=HYPERLINK("http://x")'
    for name, payload in (("o.csv", data), ("o.xlsx", outcome_exports.to_xlsx(stored))):
        plan, result = outcome_import.import_outcomes(session, payload, name, "ana")
        assert plan.problems == [] and result is not None
        assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    session.commit()
    assert [outcome_fields.import_format_row(o) for o in outcome_search.live_outcomes(session)] == expected
    as_json = json.loads(outcome_exports.to_json(stored))
    assert as_json[0]["activities"] == ["=A-1", "A-2"] and as_json[0]["positive"] is False


def test_export_imports_into_an_empty_database_identically(session, tmp_path):
    from tracker.db import database
    from tracker.db.reference_data import load_reference_data
    from tracker.io import exports
    from tracker.io.importer import import_file
    from tracker.results.activity_log import iter_visible_activities
    from tracker.results.filters import Filters

    _two_outcomes(session)
    expected = outcome_exports.to_csv(outcome_search.live_outcomes(session))
    activity_file = exports.to_csv(iter_visible_activities(session, Filters(), "admin"))
    engine = database.open_database(f"sqlite:///{tmp_path / 'second.db'}")
    with database.session_factory(engine)() as other:
        load_reference_data(other)
        assert import_file(other, activity_file, "a.csv", "ana")[1] is not None
        plan, result = outcome_import.import_outcomes(other, expected, "o.csv", "ana")
        assert result is not None and result.created == 2
        other.commit()
        assert outcome_exports.to_csv(outcome_search.live_outcomes(other)) == expected
    engine.dispose()


def test_cli_import_dry_run_then_import_and_export(use_database, tmp_path, capsys):
    from tracker.cli import main

    main(["init-db"])
    source = tmp_path / "o.csv"
    source.write_text(HEADER + "OUT-1,2024-03-05,A rule,KP WG,policy,KP reform,,,public\n")
    assert main(["import-outcomes", str(source), "--dry-run"]) == 0
    assert "1 would be created" in capsys.readouterr().out
    assert main(["import-outcomes", str(source)]) == 0
    assert "1 created" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "OUT-2,2024-03-05,,KP WG,policy,KP reform,,,\n")
    assert main(["import-outcomes", str(bad)]) == 1
    assert "row 2, column statement: must not be empty" in capsys.readouterr().err
    out = tmp_path / "out.json"
    assert main(["export-outcomes", "--format", "json", "--out", str(out)]) == 0
    assert [r["outcome_id"] for r in json.loads(out.read_text())] == ["OUT-1"]
