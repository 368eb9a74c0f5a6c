"""The outcome import: the brief's outcome file as a configuration of the one planner
(``tracker.io.pipeline``): its columns, its row check, its write through
``tracker.records.outcomes.write_outcomes``.

A row whose ``outcome_id`` is stored updates that outcome with the columns the file has;
any other row creates one (and needs every required column). Like every import, the file
is recorded as an import batch, so it is flagged when it comes again, from the page or
the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.db.models import Outcome, Theme
from tracker.i18n import _
from tracker.io import cells, pipeline
from tracker.io.pipeline import ImportOptions, ImportPlan, ImportResult, PlannedRow, Problem, RecordImport
from tracker.records import audit, outcome_fields, outcomes
from tracker.records.outcomes import FIELD_FOR_COLUMN, OutcomeInput, input_problems


def _existing(session: Session, ids: list[str]) -> dict[str, Outcome]:
    found: dict[str, Outcome] = {}
    for start in range(0, len(ids), 500):
        for outcome in session.scalars(
            select(Outcome)
            .where(Outcome.outcome_id.in_(ids[start : start + 500]))
            .options(
                selectinload(Outcome.themes), selectinload(Outcome.activities), selectinload(Outcome.forum)
            )
        ):
            found[outcome.outcome_id] = outcome
    return found


class OutcomeImport(RecordImport):
    noun = "outcome"
    columns = tuple(outcome_fields.COLUMNS)
    required = tuple(outcome_fields.REQUIRED_COLUMNS)
    key_column = "outcome_id"
    key_required = True
    partial_updates = True
    preview_columns = ("outcome_id", "date", "statement")

    def __init__(self, session: Session, plan: ImportPlan):
        super().__init__(session, plan)
        self.refs = outcomes.References(session)
        self.existing: dict[str, Outcome] = {}

    def load(self, keys: list[str]) -> None:
        self.existing = _existing(self.session, keys)

    def stored(self, key: str) -> Outcome | None:
        return self.existing.get(key)

    def stored_values(self, stored: Any) -> dict[str, str]:
        return outcome_fields.import_format_row(stored)

    def deleted_problem(self, number: int, key: str, stored: Any) -> Problem:
        return Problem(
            number,
            "outcome_id",
            _("“{id}” names an outcome deleted on {day}: restore it first, then import again.").format(
                id=key, day=stored.deleted_at.date().isoformat()
            ),
        )

    def missing_columns_problem(self, number: int, key: str | None, missing: list[str]) -> Problem:
        return Problem(
            number,
            None,
            _("this row creates an outcome: the file needs the columns {columns}.").format(
                columns=", ".join(missing)
            ),
        )

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        try:
            record = OutcomeInput(**{FIELD_FOR_COLUMN[k]: v for k, v in values.items()})
        except ValidationError as error:
            refused = [Problem(number, c, m) for c, m in input_problems(error)]
            return refused + self.theme_cell_problems(number, values, refused)
        pk = stored.id if stored is not None else None
        problems = self.theme_problems(number, record.themes)
        found = outcomes.record_problems(self.session, self.refs, record, pk, new_themes=True)
        problems += [Problem(number, c, m) for c, m in found]
        if problems:
            return problems
        for name in record.themes:
            # A theme the person asked to create: a transient row, enough for the snapshot.
            self.refs.themes.setdefault(name.casefold(), Theme(name=name))
        changes: dict[str, tuple[Any, Any]] = {}
        if stored is not None:
            new = outcomes.draft(
                self.session, self.refs, record, pk, stored.version, outcomes.unnamed_links(stored)
            )
            changes = audit.changed_fields(outcome_fields.snapshot(stored), new.snapshot())
        labels = {"outcome_id": record.outcome_id, "date": record.outcome_date, "statement": record.statement}
        return PlannedRow(number, record, pk, changes, labels)

    @classmethod
    def describe_changes(cls, changes: dict[str, tuple[Any, Any]]) -> str:
        return outcome_fields.describe_changes(changes)

    @classmethod
    def write(
        cls, session: Session, plan: ImportPlan, actor: str, progress: Callable[[int], None]
    ) -> tuple[int, int]:
        creates = [r.record for r in plan.rows if r.stored_id is None]
        updates = [(r.stored_id, r.record) for r in plan.rows if r.stored_id is not None and r.changes]
        return outcomes.write_outcomes(session, creates, updates, actor, progress)


def plan_outcome_import(
    session: Session, data: bytes, filename: str, create_themes: bool = False
) -> ImportPlan:
    """Check a whole outcome file against the rules and the database. Writes nothing."""
    return pipeline.plan_file(session, OutcomeImport, data, filename, ImportOptions(create_themes))


def apply_outcome_import(session: Session, plan: ImportPlan, actor: str) -> ImportResult:
    """Write a checked plan in the caller's transaction (all or nothing)."""
    return pipeline.apply_plan(session, plan, actor)


def import_outcomes(
    session: Session,
    data: bytes,
    filename: str,
    actor: str,
    dry_run: bool = False,
    create_themes: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    return pipeline.import_file(
        session, OutcomeImport, data, filename, actor, dry_run, options=ImportOptions(create_themes)
    )


def outcome_template_csv() -> bytes:
    """An empty outcome file with the import format's header (UTF-8 CSV with a BOM)."""
    return cells.csv_table(list(outcome_fields.COLUMNS), [])
