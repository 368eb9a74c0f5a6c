"""The one place every cell of every CSV and XLSX file the app produces passes through.

Spreadsheet programs run a cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return as a formula (formula injection: ``=HYPERLINK(...)`` in a forum name, a title or an
outcome would run on the reader's machine). Such text cells get a leading apostrophe
(``neutralise``); the importer removes it again (``restore``) so export -> import is exact.
Numbers stay numbers. Column names are cells too (a theme can be a column heading).

Producers: the activity exports (``exports``), the funder report XLSX (``reports``), the
"Numbers behind this chart" CSVs (``csv_bytes``) and the import template. The table
toolbar's own download, which would bypass this, is turned off in ``.streamlit/config.toml``
(``client.disableDataExport``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

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


def cell(value: Any) -> Any:
    """A value ready for a spreadsheet: text neutralised, anything else as it is."""
    return neutralise(value) if isinstance(value, str) else value


def frame(data: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``data`` with every text cell and every column name neutralised."""
    safe = data.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(cell)
    safe.columns = [cell(str(c)) for c in safe.columns]
    return safe


def csv_bytes(data: pd.DataFrame) -> bytes:
    """UTF-8 CSV with a BOM (so Excel reads accents right), every text cell neutralised."""
    return ("\ufeff" + frame(data).to_csv(index=False, lineterminator="\r\n")).encode("utf-8")


def row(values: Iterable[Any]) -> list[Any]:
    """One spreadsheet row (a list of cells), neutralised."""
    return [cell(v) for v in values]


def csv_table(header: list[str], rows: Iterable[Iterable[Any]]) -> bytes:
    """UTF-8 CSV with a BOM from a header and rows of values, every text cell neutralised."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(row(header))
    for values in rows:
        writer.writerow(row(values))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
