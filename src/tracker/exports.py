"""Activities out of the tracker, in the import format of the brief.

Spreadsheet programs run a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return as a formula, so such cells get a leading apostrophe (``neutralise``);
the importer removes it again (``restore``) so export -> import is exact.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from tracker.activity_fields import EXPORT_COLUMNS, IMPORT_COLUMNS, import_format_row
from tracker.models import Activity

__all__ = ["EXPORT_COLUMNS", "IMPORT_COLUMNS", "import_format_row", "neutralise", "restore"]

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    # A value already starting with an apostrophe gets one more, so restore() is exact.
    if value.startswith(FORMULA_STARTS + ("'",)):
        return "'" + value
    return value


def restore(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS + ("'",)):
        return value[1:]
    return value


def to_csv(activities: Iterable[Activity]) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right), formula cells neutralised."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for activity in activities:
        writer.writerow({k: neutralise(v) for k, v in import_format_row(activity).items()})
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(activities: Iterable[Activity]) -> bytes:
    """The first sheet in the import format, every cell text, formula cells neutralised."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("activities")
    sheet.append(EXPORT_COLUMNS)
    for activity in activities:
        row = import_format_row(activity)
        sheet.append([neutralise(row[c]) for c in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def to_json(activities: Iterable[Activity]) -> bytes:
    """A JSON list of objects with the import columns (numbers as numbers, lists as lists)."""
    import json

    records = []
    for activity in activities:
        row: dict[str, object] = dict(import_format_row(activity))
        row["effort_days"] = activity.effort_days
        row["cost_usd"] = activity.cost_usd
        row["themes"] = [t.name for t in activity.themes]
        row["organisations"] = [o.name for o in activity.organisations]
        row["evidence_url"] = (activity.evidence_urls or "").split()
        records.append(row)
    return json.dumps(records, ensure_ascii=False, indent=1).encode("utf-8")


FORMATS = {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}
