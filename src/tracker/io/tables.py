"""The one tabular reader of every import, with its bounds.

``read_table`` reads a CSV (UTF-8 with or without BOM; comma, semicolon or tab between
columns, a decimal comma in number columns of a ``;`` file) or the first sheet of an
XLSX workbook, and returns the header (trimmed, lower-case) and the data rows as text.
The bounds (bytes, uncompressed size, rows, cells, columns) are checked while the file
streams; a file over them, or unreadable, raises ``ImportRejected`` with one sentence.
Every record type's import (``tracker.io.pipeline``) reads its file here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Sized
from dataclasses import dataclass
from typing import TypeVar
from zlib import error as zlib_error

from tracker.i18n import _
from tracker.io import xlsx_bounds

RowT = TypeVar("RowT", bound=Sized)
DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def max_import_bytes() -> int:
    try:
        megabytes = float(os.environ.get("TRACKER_IMPORT_MAX_MB", "20"))
    except ValueError:
        megabytes = 20.0
    return int(megabytes * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file, said as ``row N, column C: message``: N is the row
    number the spreadsheet shows (the header is row 1, the first data row is row 2)."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        if self.row is not None and self.column is not None:
            return f"row {self.row}, column {self.column}: {self.message}"
        if self.row is not None:
            return f"row {self.row}: {self.message}"
        if self.column is not None:
            return f"column {self.column}: {self.message}"
        return f"file: {self.message}"


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _limit(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, default))
    except ValueError:
        return default
    return value if value > 0 else default


def max_rows() -> int:
    return int(_limit("TRACKER_IMPORT_MAX_ROWS", 200_000))


def max_cells() -> int:
    return int(_limit("TRACKER_IMPORT_MAX_CELLS", 4_000_000))


def max_uncompressed_bytes() -> int:
    return int(_limit("TRACKER_IMPORT_MAX_UNCOMPRESSED_MB", 256) * 1024 * 1024)


# Wider rows than this are cut: no real import file has more columns, and a workbook
# claiming 16,384 columns would otherwise be padded cell by cell.
MAX_COLUMNS = 64


def _too_big(message: str) -> ImportRejected:
    return ImportRejected([Problem(None, None, message)])


class _Counter:
    """Counts rows and cells while the file streams, refusing as soon as a limit is passed."""

    def __init__(self) -> None:
        self.rows_limit, self.cells_limit = max_rows(), max_cells()
        self.rows = self.cells = 0

    def take(self, rows: Iterable[RowT]) -> Iterator[RowT]:
        for row in rows:
            self.rows += 1
            self.cells += len(row)
            if self.rows > self.rows_limit + 1:  # + the header
                raise _too_big(
                    _("the file has more than {n} data rows; split it into smaller files.").format(
                        n=f"{self.rows_limit:,}"
                    )
                )
            if self.cells > self.cells_limit:
                raise _too_big(
                    _("the file has more than {n} cells; split it into smaller files.").format(
                        n=f"{self.cells_limit:,}"
                    )
                )
            yield row


def read_table(
    data: bytes,
    filename: str,
    max_bytes: int | None = None,
    known_columns: tuple[str, ...] = (),
    number_columns: tuple[str, ...] = (),
) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows as text. Raises ImportRejected for an unreadable file,
    or one over the limits (bytes, uncompressed size, rows, cells), checked while streaming.

    ``known_columns`` tell a CSV's delimiter; ``number_columns`` may hold decimal commas.
    Every record type's import reads its file here.
    """
    limit = max_import_bytes() if max_bytes is None else max_bytes
    if len(data) > limit:
        raise ImportRejected(
            [
                Problem(
                    None,
                    None,
                    _("the file is larger than {mb:.0f} MB; split it into smaller files.").format(
                        mb=limit / 1024 / 1024
                    ),
                )
            ]
        )
    if not data.strip():
        raise ImportRejected([Problem(None, None, _("the file is empty."))])
    counter = _Counter()
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(data, counter)
    else:
        table = _read_csv(data, counter, known_columns, number_columns)
    if not table:
        raise ImportRejected([Problem(None, None, _("the file is empty."))])
    header, rows = table[0], table[1:]
    # Trailing empty cells (common in spreadsheets) are not data.
    while header and not header[-1].strip():
        header = header[:-1]
    return [h.strip().lower() for h in header], rows


def _read_csv(
    data: bytes,
    counter: _Counter | None = None,
    known_columns: tuple[str, ...] = (),
    number_columns: tuple[str, ...] = (),
) -> list[list[str]]:
    counter = counter or _Counter()
    if b"\x00" in data[:8192]:
        raise ImportRejected(
            [Problem(None, None, _("this is not a CSV or XLSX file (it contains binary data)."))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportRejected(
            [Problem(None, None, _("the file is not UTF-8 text: save it as “CSV UTF-8” or as XLSX."))]
        ) from None
    try:
        delimiter = _delimiter(text, known_columns)
        rows = list(counter.take(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)))
    except csv.Error as error:
        raise ImportRejected(
            [Problem(None, None, _("the CSV could not be read ({error}).").format(error=error))]
        ) from None
    if delimiter == ";" and rows:
        # Spreadsheets set up for French (and other locales) write 1,5 for 1.5.
        header = [h.strip().lower() for h in rows[0]]
        numbers = [i for i, name in enumerate(header) if name in number_columns]
        for row in rows[1:]:
            for i in numbers:
                if i < len(row) and DECIMAL_COMMA.match(row[i]):
                    row[i] = row[i].replace(",", ".")
    return rows


ROW_TAG = re.compile(rb"<(?:\w{1,8}:)?row[\s>/]")


def _check_workbook(data: bytes) -> None:
    """Before any XML is parsed: the members' declared and real uncompressed sizes, and a
    streamed count of the worksheets' rows (a zip bomb is refused here, in bounded memory)."""
    unpacked_limit = max_uncompressed_bytes()
    bad = _too_big(_("the file could not be read as an Excel workbook (.xlsx)."))
    over = _too_big(
        _("the workbook unpacks to more than {mb:.0f} MB; split it into smaller files.").format(
            mb=unpacked_limit / 1024 / 1024
        )
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise bad from None
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > unpacked_limit:
            raise over
        rows_limit = max_rows() + 1
        unpacked = 0
        for member in members:
            if not member.filename.startswith("xl/worksheets/"):
                continue
            rows, pending = 0, b""
            try:
                with archive.open(member) as stream:
                    while True:
                        chunk = stream.read(1024 * 1024)
                        unpacked += len(chunk)
                        if unpacked > unpacked_limit:
                            raise over
                        block = pending + chunk
                        if not chunk:
                            rows += len(ROW_TAG.findall(block))
                        else:
                            # A tag cut by the chunk's end is counted with the next chunk.
                            cut = max(0, len(block) - 16)
                            rows += sum(1 for m in ROW_TAG.finditer(block) if m.start() < cut)
                            pending = block[cut:]
                        if rows > rows_limit:
                            raise _too_big(
                                _(
                                    "the file has more than {n} data rows; split it into smaller files."
                                ).format(n=f"{rows_limit - 1:,}")
                            )
                        if not chunk:
                            break
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib_error):
                raise bad from None


def _read_xlsx(data: bytes, counter: _Counter | None = None) -> list[list[str]]:
    counter = counter or _Counter()
    _check_workbook(data)
    # Streamed part by part, each bounded, with no cell built past the column cap
    # (openpyxl would load the shared strings and styles whole): see xlsx_bounds.
    rows = xlsx_bounds.read_rows(data, max_uncompressed_bytes(), MAX_COLUMNS, max_cells())
    try:
        return [[_cell(v) for v in row] for row in counter.take(rows)]
    except xlsx_bounds.WorkbookRefused as refused:
        raise _too_big(str(refused)) from None


def _delimiter(text: str, known_columns: tuple[str, ...] = ()) -> str:
    """Comma, semicolon or tab: the one that splits the header into the most known columns.

    ``csv.Sniffer`` proposes; the header check decides (a title with commas in a
    semicolon file, or the other way round, cannot fool it).
    """
    first = text.split("\n", 1)[0]
    candidates = [",", ";", "\t"]
    try:
        sniffed = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        candidates.remove(sniffed)
        candidates.insert(0, sniffed)
    except csv.Error:
        pass

    def known(delimiter: str) -> int:
        header = next(csv.reader([first], delimiter=delimiter), [])
        return sum(1 for h in header if h.strip().lower() in known_columns)

    best = max(candidates, key=lambda d: (known(d), d == ","))
    return best if known(best) else ","
