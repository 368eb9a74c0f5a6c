"""The grant import (``tracker import-grants``): the grant file as a configuration of the
one planner (``tracker.io.pipeline``), written through ``tracker.records.grants.save_grant``.
A row whose ``grant_id`` is stored (case-insensitively) updates that grant."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from tracker.io import pipeline
from tracker.io.pipeline import ImportPlan, ImportResult, PlannedRow, Problem, RecordImport
from tracker.records import grants
from tracker.records.grants import COLUMN_FOR_FIELD, FIELD_FOR_COLUMN, GrantInput
from tracker.records.validation import describe_errors


class GrantImport(RecordImport):
    noun = "grant"
    columns = tuple(grants.COLUMNS)
    required = grants.REQUIRED_COLUMNS
    number_columns = ("amount",)
    key_column = "grant_id"
    key_required = True
    fold_keys = True
    preview_columns = ("grant_id", "funder", "title")

    def __init__(self, session: Session, plan: ImportPlan):
        super().__init__(session, plan)
        self.existing = {g.grant_id.casefold(): g for g in grants.all_grants(session)}

    def stored(self, key: str) -> Any | None:
        return self.existing.get(key.casefold())

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        try:
            record = GrantInput(**{FIELD_FOR_COLUMN.get(k, k): v for k, v in values.items()})
        except ValidationError as error:
            return [Problem(number, COLUMN_FOR_FIELD.get(c, c), m) for c, m in describe_errors(error)]
        problems = grants.record_problems(record)
        if problems:
            return [Problem(number, c, m) for c, m in problems]
        changes = {}
        if stored is not None:
            before = grants.snapshot(stored)
            after = {
                **before,
                "funder": record.funder,
                "title": record.title,
                "start": record.start_date.isoformat(),
                "end": record.end_date.isoformat(),
                "amount": record.amount,
                "currency": record.currency,
            }
            changes = {k: (before[k], v) for k, v in after.items() if before[k] != v}
        labels = {"grant_id": record.grant_id, "funder": record.funder, "title": record.title}
        return PlannedRow(number, record, stored.id if stored is not None else None, changes, labels)

    @classmethod
    def save_row(cls, session: Session, record: Any, actor: str) -> None:
        grants.save_grant(session, record, actor)


def import_grants(
    session: Session, data: bytes, filename: str, actor: str, dry_run: bool = False
) -> tuple[ImportPlan, ImportResult | None]:
    """Check a whole grant file, then save every row (all or nothing); updates by ``grant_id``."""
    return pipeline.import_file(session, GrantImport, data, filename, actor, dry_run)
