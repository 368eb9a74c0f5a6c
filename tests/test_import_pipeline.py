"""The one import pipeline (issue 17, items 2 and 7): the drifts between the four old
planners, the brief's row rules for every record type, unknown themes, and a new record
type plugging in with its columns, its row check and its write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.apptest import open_page
from tracker.cli import main
from tracker.db import database
from tracker.db.models import AuditEntry, Grant, ImportBatch, Outcome, Theme
from tracker.io import grant_import, importer, outcome_import, pipeline, target_import
from tracker.io.pipeline import ImportPlan, PlannedRow, Problem, RecordImport
from tracker.records import reference_lists

OUTCOMES = (
    "outcome_id,date,statement,social_actor,change_type,themes\n"
    "OUT-1,2024-02-01,A regulator published mine audits,Mines regulator,practice,KP reform\n"
)
GRANTS_HEADER = "grant_id,funder,title,start,end,amount,currency\n"
GRANT = "G-1,Open Fund,Core support,2024-01-01,2024-12-31,1000,USD"
ACTIVITY_HEADER = "date,forum,themes,activity_type,title\n"


def _engine(url: str):
    return database.make_engine(url)


def _write(tmp_path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


# ---- the four drifts ----------------------------------------------------------------------


def test_an_outcome_file_imported_on_the_command_line_is_flagged_when_it_comes_again(
    use_database, tmp_path, capsys
):
    main(["init-db"])
    path = _write(tmp_path, "outcomes.csv", OUTCOMES)
    assert main(["import-outcomes", path]) == 0
    engine = _engine(use_database)
    with database.session_factory(engine)() as session:
        assert [(b.filename, b.imported_by, b.created) for b in session.scalars(select(ImportBatch))] == [
            (path, "cli", 1)
        ]
        again = outcome_import.plan_outcome_import(session, OUTCOMES.encode(), "from-the-page.csv")
    assert [(p.filename, p.imported_by) for p in again.already_imported] == [(path, "cli")]
    capsys.readouterr()
    assert main(["import-outcomes", path]) == 0
    assert "Note: this file was already imported" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (GRANT + ",extra,cells", "row 2: has 9 cells where the header has 7."),
        ("G-1,Open Fund,Core support,2024-01-01,2024-12-31", "row 2: has 5 cells where the header has 7."),
    ],
)
def test_the_grant_import_refuses_a_row_with_too_many_or_too_few_cells(session, row, expected):
    plan, result = grant_import.import_grants(session, f"{GRANTS_HEADER}{row}\n".encode(), "g.csv", "t")
    assert result is None and [str(p) for p in plan.problems] == [expected]
    assert session.scalar(select(func.count()).select_from(Grant)) == 0


def test_the_grant_import_refuses_two_identical_headers(session):
    data = b"grant_id,funder,title,title,start,end\nG-1,Fund,One,Two,2024-01-01,2024-12-31\n"
    plan, result = grant_import.import_grants(session, data, "g.csv", "t")
    assert result is None
    assert [str(p) for p in plan.problems] == ["column title: appears twice in the header."]
    assert session.scalar(select(func.count()).select_from(Grant)) == 0


def test_export_outcomes_is_audited_like_export_and_report(use_database, tmp_path):
    main(["init-db"])
    assert main(["import-outcomes", _write(tmp_path, "o.csv", OUTCOMES)]) == 0
    out = tmp_path / "out.xlsx"
    assert main(["export-outcomes", "--format", "xlsx", "--out", str(out)]) == 0
    with database.session_factory(_engine(use_database))() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
    assert (entry.actor, entry.after) == ("cli", {"what": "outcomes.xlsx", "rows": 1, "to": str(out)})


# ---- the brief's row rules, the same for every record type ---------------------------------

TOO_SHORT = {
    "activities": (importer.ActivityImport, ACTIVITY_HEADER + "2024-01-01,KP Plenary,KP reform\n"),
    "outcomes": (outcome_import.OutcomeImport, OUTCOMES.splitlines()[0] + "\nOUT-1,2024-02-01\n"),
    "targets": (
        target_import.TargetImport,
        "year,measure,scope,direction,target\n2026,activities,all\n",
    ),
    "grants": (grant_import.GrantImport, GRANTS_HEADER + "G-1,Fund\n"),
}


@pytest.mark.parametrize("name", sorted(TOO_SHORT))
def test_every_record_type_numbers_rows_as_the_spreadsheet_and_refuses_short_rows(session, name):
    kind, text = TOO_SHORT[name]
    data = text.replace("\n", "\n\n", 1).encode()  # a blank row 2 is skipped; the short row is row 3
    plan = pipeline.plan_file(session, kind, data, "f.csv")
    assert len(plan.problems) == 1 and str(plan.problems[0]).startswith("row 3: has ")


@pytest.mark.parametrize("name", sorted(TOO_SHORT))
def test_every_record_type_refuses_a_repeated_header(session, name):
    kind, text = TOO_SHORT[name]
    header = text.splitlines()[0]
    first = header.split(",")[0]
    plan = pipeline.plan_file(session, kind, f"{header},{first}\n".encode(), "f.csv")
    assert f"column {first}: appears twice in the header." in [str(p) for p in plan.problems]


def test_a_row_with_several_problems_lists_them_all(session):
    data = (ACTIVITY_HEADER + "2024-13-01,KP Plenary,KP reform;Fishing rights,lobbying,\n").encode()
    plan = importer.plan_import(session, data, "f.csv")
    assert [(p.row, p.column) for p in plan.problems] == [
        (2, "activity_type"),
        (2, "date"),
        (2, "themes"),
        (2, "title"),
    ]
    assert "unknown theme 'Fishing rights' (did you mean 'Land rights'?)" in str(plan.problems[2])


@pytest.mark.parametrize("command", ["import", "import-outcomes", "import-targets", "import-grants"])
def test_every_import_command_has_dry_run_and_refuses_by_row_with_exit_1(
    use_database, tmp_path, capsys, command
):
    main(["init-db"])
    files = {
        "import": ACTIVITY_HEADER + "2024-01-01,KP Plenary,KP reform,meeting,Talk\n",
        "import-outcomes": OUTCOMES,
        "import-targets": "year,measure,direction,target\n2026,activities,at_least,4\n",
        "import-grants": GRANTS_HEADER + GRANT + "\n",
    }
    good = _write(tmp_path, "good.csv", files[command])
    capsys.readouterr()
    assert main([command, good, "--dry-run"]) == 0
    assert "Dry run: 1 would be created, 0 updated; nothing was written." in capsys.readouterr().out
    assert main([command, good]) == 0
    assert "Imported: 1 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    bad = _write(tmp_path, "bad.csv", files[command].splitlines()[0] + "\n" + "x\n")
    assert main([command, bad]) == 1
    err = capsys.readouterr().err
    assert err.startswith("row 2") and err.rstrip().endswith("Nothing was imported.")


# ---- themes: a short, curated list ----------------------------------------------------------

FISHING = (
    ACTIVITY_HEADER
    + "2024-01-01,KP Plenary,KP reform,meeting,One\n"
    + ("2024-01-02,KP Plenary,Fishing rights,meeting,Two\n")
)


def test_an_unknown_theme_is_refused_by_row_with_the_nearest_known_name(use_database, tmp_path, capsys):
    main(["init-db"])
    path = _write(tmp_path, "a.csv", FISHING)
    capsys.readouterr()
    assert main(["import", path]) == 1
    err = capsys.readouterr().err
    assert "row 3, column themes: unknown theme 'Fishing rights' (did you mean 'Land rights'?)" in err
    with database.session_factory(_engine(use_database))() as session:
        assert session.scalar(select(Theme).where(Theme.name == "Fishing rights")) is None


def test_create_themes_creates_the_new_themes_and_says_so(use_database, tmp_path, capsys):
    main(["init-db"])
    capsys.readouterr()
    assert main(["import", _write(tmp_path, "a.csv", FISHING), "--create-themes"]) == 0
    assert "New themes: Fishing rights" in capsys.readouterr().out
    outcomes = OUTCOMES.replace("KP reform\n", "Artisanal miners\n")
    assert main(["import-outcomes", _write(tmp_path, "o.csv", outcomes)]) == 1
    assert "row 2, column themes: unknown theme 'Artisanal miners'" in capsys.readouterr().err
    assert main(["import-outcomes", _write(tmp_path, "o.csv", outcomes), "--create-themes"]) == 0
    with database.session_factory(_engine(use_database))() as session:
        [outcome] = session.scalars(select(Outcome))
        assert [t.name for t in outcome.themes] == ["Artisanal miners"]
        assert session.scalar(select(Theme).where(Theme.name == "Fishing rights")) is not None


@pytest.fixture
def staff_db(app_database):
    return app_database


def test_the_import_page_lists_new_themes_in_a_tick_as_plain_text(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    data = FISHING.replace("Fishing rights", "*Fishing* rights").encode()
    at.file_uploader(key="import_upload").upload("a.csv", data, "text/csv").run()
    assert not [b for b in at.button if b.key == "import_go"]
    tick = at.checkbox(key="import_create_themes")
    assert tick.label == r"Create the new themes: \*Fishing\* rights"
    tick.check().run()
    assert any("All 2 rows are valid" in s.value for s in at.success)
    at.button(key="import_go").click().run()
    assert any("Imported. New: 2;" in s.value for s in at.success)
    with database.session_factory(staff_db)() as session:
        assert session.scalar(select(Theme).where(Theme.name == "*Fishing* rights")) is not None


# ---- a new record type plugs in ------------------------------------------------------------


class ThemeImport(RecordImport):
    """A toy record type: themes with a description, written through the reference lists."""

    columns = ("name", "description")
    required = ("name",)
    key_column = "name"
    fold_keys = True
    preview_columns = ("name",)

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        if len(values["name"]) > 100:
            return [Problem(number, "name", "is too long")]
        return PlannedRow(number, dict(values), None, labels={"name": values["name"]})

    @classmethod
    def write(cls, session, plan: ImportPlan, actor: str, progress: Callable[[int], None]) -> tuple[int, int]:
        for row in plan.rows:
            reference_lists.add_theme(session, row.record["name"], row.record["description"] or None)
        return len(plan.rows), 0


def test_a_new_record_type_gets_every_shared_rule_and_the_import_batch(session):
    data = b"name,description\nWater,Rivers\n\nwater,again\n"
    plan = pipeline.plan_file(session, ThemeImport, data, "themes.csv")
    assert [str(p) for p in plan.problems] == ["row 4, column name: “water” also appears in row 2."]
    one = b"name,description\nWater,Rivers\n"
    plan, result = pipeline.import_file(session, ThemeImport, one, "t.csv", "ana")
    assert result is not None and (result.created, result.updated) == (1, 0)
    assert list(plan.preview().columns) == ["row", "result", "problems", "name", "changes"]
    session.flush()
    again = pipeline.plan_file(session, ThemeImport, one, "t.csv")
    assert [p.imported_by for p in again.already_imported] == ["ana"]
