"""The target import (``tracker import-targets``, the Strategy page): the brief's target
file as a configuration of the one planner (``tracker.io.pipeline``), written through
``tracker.records.targets.save_target``. A row with the year, measure and scope of a
stored target updates it; two rows with the same year, measure and scope are refused."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.io import pipeline
from tracker.io.pipeline import ImportPlan, ImportResult, PlannedRow, Problem, RecordImport
from tracker.records import targets
from tracker.records.targets import TargetInput
from tracker.records.validation import describe_errors


class TargetImport(RecordImport):
    noun = "target"
    columns = tuple(targets.COLUMNS)
    required = targets.REQUIRED_COLUMNS
    number_columns = targets.NUMBER_COLUMNS
    preview_columns = tuple(targets.COLUMNS)

    def duplicate_problem(self, number: int, key: Hashable, other: int) -> Problem:
        return Problem(
            number, "scope", _("the same year, measure and scope are in row {other}.").format(other=other)
        )

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        try:
            record = TargetInput(**values)
        except ValidationError as error:
            return [Problem(number, c, m) for c, m in describe_errors(error)]
        problems = targets.record_problems(self.session, record)
        if problems:
            return [Problem(number, c, m) for c, m in problems]
        scope = targets.canonical_scope(self.session, record.scope)
        same = targets.target_with_key(self.session, record.year, record.measure, scope)
        labels = {**record.model_dump(include=set(targets.COLUMNS)), "scope": scope}
        changes = {}
        if same is not None:
            changes = {k: (getattr(same, k), v) for k, v in labels.items() if getattr(same, k) != v}
        key = (record.year, record.measure, scope.casefold())
        return PlannedRow(number, record, same.id if same is not None else None, changes, labels, key)

    @classmethod
    def save_row(cls, session: Session, record: Any, actor: str) -> None:
        targets.save_target(session, record, actor)


def plan_target_import(session: Session, data: bytes, filename: str) -> ImportPlan:
    """Check a whole target file; writes nothing. Each problem reads ``row N, column C: message``."""
    return pipeline.plan_file(session, TargetImport, data, filename)


def import_targets(
    session: Session, data: bytes, filename: str, actor: str, dry_run: bool = False
) -> tuple[ImportPlan, ImportResult | None]:
    """Check, then save every row (all or nothing, in the caller's transaction)."""
    return pipeline.import_file(session, TargetImport, data, filename, actor, dry_run)
