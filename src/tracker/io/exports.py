"""Activities out of the tracker, in the import format of the brief.

Spreadsheet programs run a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return as a formula, so every cell goes through ``tracker.io.cells`` (a leading apostrophe,
``neutralise``); the importer removes it again (``restore``) so export -> import is exact.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from tracker.db.models import Activity
from tracker.io import cells
from tracker.records import activity_fields
from tracker.records.activity_fields import EXPORT_COLUMNS, IMPORT_COLUMNS, import_format_row

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.results.filters import Filters

__all__ = ["EXPORT_COLUMNS", "IMPORT_COLUMNS", "import_format_row", "neutralise", "restore"]

# One neutralising function for every CSV and XLSX the app produces (tracker.io.cells).
FORMULA_STARTS = cells.FORMULA_STARTS
neutralise = cells.neutralise
restore = cells.restore


def to_csv(activities: Iterable[Activity]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right), formula cells neutralised."""
    columns = activity_fields.EXPORT_COLUMNS
    rows = (activity_fields.import_format_row(activity) for activity in activities)
    return cells.csv_table(columns, ([row[c] for c in columns] for row in rows))


def to_xlsx(activities: Iterable[Activity]) -> bytes:
    """The first sheet in the import format, every cell text, formula cells neutralised."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("activities")
    columns = activity_fields.EXPORT_COLUMNS
    sheet.append(cells.row(columns))
    for activity in activities:
        row = activity_fields.import_format_row(activity)
        sheet.append(cells.row(row[c] for c in columns))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def json_record(activity: Activity) -> dict[str, object]:
    """The activity as a JSON object with the import columns (numbers as numbers, lists as
    lists): the JSON export and the HTTP API's activities."""
    return activity_fields.json_row(activity)


def to_json(activities: Iterable[Activity]) -> bytes:
    """A JSON list of objects with the export columns (numbers as numbers, lists as lists:
    ``activity_fields.json_row``)."""
    import json

    records = [json_record(activity) for activity in activities]
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}


def audited_export(engine: Engine, actor: str, role: str | None, filters: Filters, fmt: str) -> bytes:
    """The activities ``role`` may read, as ``fmt``, recorded in the audit log (who, what, rows)."""
    from tracker.db import database
    from tracker.records import audit
    from tracker.results.activity_log import iter_visible_activities

    counted: list[audit.Counted[Activity]] = []

    def build() -> bytes:
        with database.session_factory(engine)() as session:
            rows = audit.Counted(iter_visible_activities(session, filters, role))
            counted.append(rows)
            return FORMATS[fmt](rows)

    return audit.audited_download(
        engine, actor, f"activities.{fmt}", build, lambda: counted[0].count, {"role": role}
    )
