"""Outcomes out of the tracker, in the outcome import format (CSV, XLSX, JSON), every
cell through ``tracker.io.cells`` (formula injection), and the audited download."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import replace

from sqlalchemy.engine import Engine

from tracker.db.models import Outcome
from tracker.io import cells
from tracker.records import audit, outcome_fields
from tracker.results.outcome_search import OutcomeFilters, find_outcomes


def to_csv(outcomes: Iterable[Outcome]) -> bytes:
    """UTF-8 CSV with a BOM, in the import format, formula cells neutralised."""
    columns = list(outcome_fields.COLUMNS)
    return cells.csv_table(
        columns, ([outcome_fields.import_format_row(o)[c] for c in columns] for o in outcomes)
    )


def to_xlsx(outcomes: Iterable[Outcome]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("outcomes")
    sheet.append(cells.row(outcome_fields.COLUMNS))
    for outcome in outcomes:
        values = outcome_fields.import_format_row(outcome)
        sheet.append(cells.row(values[c] for c in outcome_fields.COLUMNS))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(outcomes: Iterable[Outcome]) -> bytes:
    """A JSON list of objects with the import columns (lists as lists, yes/no as booleans)."""
    records = [outcome_fields.json_row(outcome) for outcome in outcomes]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


def audited_outcome_export(
    engine: Engine, actor: str, role: str | None, filters: OutcomeFilters, fmt: str
) -> bytes:
    """The live outcomes passing ``filters``, as ``fmt`` in the import format (cells
    neutralised by ``to_csv``/``to_xlsx``), recorded in the audit log (who, what, rows).
    Staff and admins only: the file holds restricted outcomes."""
    from tracker.access.permissions import can_see_restricted
    from tracker.db import database

    if not can_see_restricted(role):
        raise PermissionError("outcome downloads are for staff and admins")
    live = replace(filters, include_deleted=False)
    chosen: list[Outcome] = []

    def build() -> bytes:
        with database.session_factory(engine)() as session:
            chosen.extend(find_outcomes(session, live))
            return FORMATS[fmt](chosen)

    details = {"role": role, "filtered": live != OutcomeFilters()}
    return audit.audited_download(engine, actor, f"outcomes.{fmt}", build, lambda: len(chosen), details)
