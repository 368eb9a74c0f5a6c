"""Reading an XLSX workbook in bounded memory and time, whatever the file claims.

A workbook is a zip of XML parts, and a few hundred kilobytes can unpack to gigabytes:
openpyxl loads ``xl/sharedStrings.xml`` and ``xl/styles.xml`` whole and builds every cell
of a row before a column limit applies, so a 609 KB file of shared strings once took
2.4 GB. This module owns the two defences:

- ``check_parts``: before anything is parsed, every part's declared uncompressed size
  (from the zip directory) against its bound, and the number of parts;
- ``read_rows``: a streaming reader (expat, fed in 64 KB blocks) that counts the real
  unpacked bytes of each part it reads against the same bound, keeps only what the import
  needs from the styles (which cells hold dates), refuses a document type declaration
  (entity bombs, external entities), and builds no cell past ``max_columns``: a cell
  beyond the cap is skipped without its text ever being kept.

Values come out as openpyxl's read-only mode gives them (numbers, dates, booleans,
text); every row is as long as the header or its own last value (``None`` in empty
cells), never longer than ``max_columns``, and a gap in the row numbers
yields empty rows one at a time (the row limit refuses a gap of a million rows as it
streams). Every refusal is a ``WorkbookRefused`` with one sentence.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from xml.parsers import expat
from zlib import error as zlib_error

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from tracker.i18n import _

MB = 1024 * 1024
# The parts read whole into memory have small bounds; a worksheet streams, bounded by
# the caller's overall limit. Real workbooks stay far below these (Excel's own styles
# part rarely passes 1 MB; shared strings of a 200,000-row import, a few tens of MB).
SHARED_STRINGS_BYTES = 64 * MB
STYLES_BYTES = 8 * MB
SMALL_PART_BYTES = 4 * MB  # workbook.xml, relationships
MAX_PARTS = 10_000
MAX_STYLES = 64_000  # Excel's own limit of cell formats
MAX_ROW_CELLS = 16_384  # Excel's own limit of columns
MAX_CELL_CHARS = 32_767  # Excel's own limit of characters in a cell
BLOCK = 64 * 1024


class WorkbookRefused(Exception):
    """The workbook is refused; ``str()`` is one sentence for the reader."""


def unreadable() -> WorkbookRefused:
    return WorkbookRefused(_("the file could not be read as an Excel workbook (.xlsx)."))


def _part_too_big(name: str, limit: int) -> WorkbookRefused:
    return WorkbookRefused(
        _(
            "the workbook's part {part} unpacks to more than {mb:.0f} MB; split the file into smaller files."
        ).format(part=name, mb=limit / MB)
    )


def _bound(name: str, worksheet_limit: int) -> int:
    lowered = name.lower()
    if lowered.startswith("xl/worksheets/"):
        return worksheet_limit
    if lowered.endswith("sharedstrings.xml"):
        return min(SHARED_STRINGS_BYTES, worksheet_limit)
    if lowered.endswith("styles.xml"):
        return min(STYLES_BYTES, worksheet_limit)
    if lowered.endswith((".rels", "workbook.xml", "[content_types].xml")):
        return min(SMALL_PART_BYTES, worksheet_limit)
    return worksheet_limit  # parts never parsed (images, themes): only the total counts


def check_parts(archive: zipfile.ZipFile, total_limit: int) -> None:
    """Refuse, from the zip directory alone, a workbook whose parts claim too much."""
    members = archive.infolist()
    if len(members) > MAX_PARTS:
        raise unreadable()
    for member in members:
        limit = _bound(member.filename, total_limit)
        if member.file_size > limit:
            raise _part_too_big(member.filename, limit)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _parse(
    archive: zipfile.ZipFile, name: str, limit: int, handlers: dict[str, Callable[..., object]]
) -> Iterator[None]:
    """Feed part ``name`` to expat in blocks, counting its real unpacked bytes; yields
    after every block so that a caller can hand out what the handlers collected."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def no_doctype(*_args: object) -> None:
        raise unreadable()

    parser.StartDoctypeDeclHandler = no_doctype
    parser.EntityDeclHandler = no_doctype
    for event, handler in handlers.items():
        setattr(parser, event, handler)
    unpacked = 0
    try:
        with archive.open(name) as stream:
            while True:
                block = stream.read(BLOCK)
                unpacked += len(block)
                if unpacked > limit:
                    raise _part_too_big(name, limit)
                parser.Parse(block, not block)
                yield
                if not block:
                    return
    except WorkbookRefused:
        raise
    except (expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError, RuntimeError, zlib_error):
        raise unreadable() from None


def _drain(parts: Iterator[None]) -> None:
    for _block in parts:
        pass


def _relationships(archive: zipfile.ZipFile, name: str, names: set[str]) -> dict[str, tuple[str, str]]:
    """Relationship id -> (type, part name) of the part whose rels file is ``name``."""
    found: dict[str, tuple[str, str]] = {}
    if name not in names:
        return found
    base = posixpath.dirname(posixpath.dirname(name))  # xl/_rels/workbook.xml.rels -> xl

    def start(tag: str, attrs: dict[str, str]) -> None:
        if _local(tag) == "Relationship" and "Id" in attrs and "Target" in attrs:
            target = attrs["Target"]
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"{base}/{target}")
            found[attrs["Id"]] = (attrs.get("Type", ""), path)

    _drain(_parse(archive, name, SMALL_PART_BYTES, {"StartElementHandler": start}))
    return found


def _workbook(archive: zipfile.ZipFile, names: set[str]) -> tuple[str, str | None, str | None, dt.datetime]:
    """The first sheet's part, the shared strings' and styles' parts, and the date epoch."""
    relationship_ids: list[str] = []
    epoch = [CALENDAR_WINDOWS_1900]

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "sheet":
            rid = next((v for k, v in attrs.items() if _local(k) == "id"), None)
            if rid:
                relationship_ids.append(rid)
        elif local == "workbookPr" and attrs.get("date1904", "").lower() in ("1", "true"):
            epoch[0] = CALENDAR_MAC_1904

    if "xl/workbook.xml" not in names:
        raise unreadable()
    _drain(_parse(archive, "xl/workbook.xml", SMALL_PART_BYTES, {"StartElementHandler": start}))
    rels = _relationships(archive, "xl/_rels/workbook.xml.rels", names)
    if not relationship_ids or relationship_ids[0] not in rels or rels[relationship_ids[0]][1] not in names:
        raise unreadable()

    def part(kind: str, default: str) -> str | None:
        path = next((p for t, p in rels.values() if t.endswith("/" + kind)), default)
        return path if path in names else None

    return (
        rels[relationship_ids[0]][1],
        part("sharedStrings", "xl/sharedStrings.xml"),
        part("styles", "xl/styles.xml"),
        epoch[0],
    )


class _TextCollector:
    """Collects the text of ``<t>`` elements inside a run or string item, leaving out
    phonetic guides (``<rPh>``), as openpyxl does; refuses text longer than a cell holds."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0
        self.in_text = False
        self.in_phonetic = 0

    def reset(self) -> None:
        self.parts, self.size = [], 0

    def data(self, text: str) -> None:
        if self.in_text and not self.in_phonetic:
            self.size += len(text)
            if self.size > MAX_CELL_CHARS:
                raise WorkbookRefused(
                    _("a cell holds more than {n} characters; no spreadsheet cell can.").format(
                        n=f"{MAX_CELL_CHARS:,}"
                    )
                )
            self.parts.append(text)

    def text(self) -> str:
        return "".join(self.parts)


def _shared_strings(archive: zipfile.ZipFile, name: str | None, max_strings: int) -> list[str]:
    strings: list[str] = []
    if name is None:
        return strings
    collector = _TextCollector()
    interned: dict[str, str] = {}

    def start(tag: str, _attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "si":
            collector.reset()
        elif local == "t":
            collector.in_text = True
        elif local == "rPh":
            collector.in_phonetic += 1

    def end(tag: str) -> None:
        local = _local(tag)
        if local == "si":
            if len(strings) >= max_strings:
                raise WorkbookRefused(
                    _("the workbook has more than {n} shared strings; split it into smaller files.").format(
                        n=f"{max_strings:,}"
                    )
                )
            text = collector.text()
            strings.append(interned.setdefault(text, text))
        elif local == "t":
            collector.in_text = False
        elif local == "rPh":
            collector.in_phonetic -= 1

    handlers: dict[str, Callable[..., object]] = {
        "StartElementHandler": start,
        "EndElementHandler": end,
        "CharacterDataHandler": collector.data,
    }
    _drain(_parse(archive, name, SHARED_STRINGS_BYTES, handlers))
    return strings


def _date_styles(archive: zipfile.ZipFile, name: str | None) -> tuple[frozenset[int], frozenset[int]]:
    """The cell-format indexes whose number format is a date, and those that are a duration."""
    if name is None:
        return frozenset(), frozenset()
    custom: dict[int, str] = {}
    formats: list[int] = []
    in_cell_xfs = [False]

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "numFmt" and "numFmtId" in attrs:
            if len(custom) >= MAX_STYLES:
                raise unreadable()
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")[:256]
        elif local == "cellXfs":
            in_cell_xfs[0] = True
        elif local == "xf" and in_cell_xfs[0]:
            if len(formats) >= MAX_STYLES:
                raise WorkbookRefused(
                    _("the workbook has more than {n} cell formats; no spreadsheet needs so many.").format(
                        n=f"{MAX_STYLES:,}"
                    )
                )
            formats.append(int(attrs.get("numFmtId", "0")))

    def end(tag: str) -> None:
        if _local(tag) == "cellXfs":
            in_cell_xfs[0] = False

    _drain(_parse(archive, name, STYLES_BYTES, {"StartElementHandler": start, "EndElementHandler": end}))
    dates, durations = set(), set()
    for index, format_id in enumerate(formats):
        code = custom.get(format_id) or BUILTIN_FORMATS.get(format_id, "General")
        if is_date_format(code):
            dates.add(index)
            if is_timedelta_format(code):
                durations.add(index)
    return frozenset(dates), frozenset(durations)


def _column(reference: str) -> int:
    """1-based column of a cell reference such as ``AB12``; 0 when there is none."""
    number = 0
    for char in reference:
        if "A" <= char <= "Z":
            number = number * 26 + ord(char) - 64
        elif "a" <= char <= "z":
            number = number * 26 + ord(char) - 96
        else:
            break
        if number > MAX_ROW_CELLS:
            return MAX_ROW_CELLS + 1
    return number


def _number(text: str) -> int | float:
    text = text.strip()
    if "." in text or "E" in text or "e" in text or "inf" in text.lower() or "nan" in text.lower():
        return float(text)
    return int(text)


def read_rows(data: bytes, total_limit: int, max_columns: int, max_strings: int) -> Iterator[list[object]]:
    """The first worksheet's rows, at most ``max_columns`` values long, streamed.

    ``total_limit`` bounds the sum of the parts' declared sizes and a worksheet's real
    unpacked size; ``max_strings`` bounds the shared strings. Raises ``WorkbookRefused``."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable() from None
    with archive:
        check_parts(archive, total_limit)
        names = set(archive.namelist())
        sheet, strings_part, styles_part, epoch = _workbook(archive, names)
        strings = _shared_strings(archive, strings_part, max_strings)
        dates, durations = _date_styles(archive, styles_part)
        yield from _sheet_rows(archive, sheet, total_limit, max_columns, strings, dates, durations, epoch)


class _SheetReader:
    """Expat handlers for one worksheet: rows of ``max_columns`` values; a cell past the
    cap is counted (a row holds at most Excel's 16,384) but never built."""

    def __init__(
        self,
        max_columns: int,
        strings: list[str],
        dates: frozenset[int],
        durations: frozenset[int],
        epoch: dt.datetime,
    ) -> None:
        self.max_columns, self.strings, self.epoch = max_columns, strings, epoch
        self.dates, self.durations = dates, durations
        self.ready: list[list[object] | int] = []  # a row, or a number of empty rows (a gap)
        self.row_number = self.cells = self.column = self.style = 0
        self.kind = "n"
        self.keep = False
        self.width = 0  # the header's
        self.current: list[object] = []
        self.value, self.inline = _TextCollector(), _TextCollector()

    def handlers(self) -> dict[str, Callable[..., object]]:
        return {
            "StartElementHandler": self.start,
            "EndElementHandler": self.end,
            "CharacterDataHandler": self.text,
        }

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        local = _local(tag)
        if local == "row":
            number = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row_number + 1
            if number - self.row_number - 1 > 0:
                self.ready.append(number - self.row_number - 1)
            self.row_number = max(number, self.row_number + 1)
            self.cells = self.column = 0
            self.current = [None] * self.max_columns
        elif local == "c":
            self.cells += 1
            if self.cells > MAX_ROW_CELLS:
                raise WorkbookRefused(
                    _("a row has more than {n} cells; no spreadsheet row can.").format(n=f"{MAX_ROW_CELLS:,}")
                )
            self.column = _column(attrs["r"]) if attrs.get("r") else self.column + 1
            self.keep = 1 <= self.column <= self.max_columns
            self.kind = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.style = int(style) if style.isdigit() else 0
            self.value.reset()
            self.inline.reset()
        elif self.keep:
            if local == "v":
                self.value.in_text = True
            elif local == "t":
                self.inline.in_text = True
            elif local == "rPh":
                self.inline.in_phonetic += 1

    def end(self, tag: str) -> None:
        local = _local(tag)
        if local == "row":
            # As long as the header (the first row) or the row's last value: a real cell
            # count for the limits, and every row at least as wide as the header.
            width = len(self.current)
            while width > self.width and self.current[width - 1] is None:
                width -= 1
            if self.width == 0:
                self.width = width
            self.ready.append(self.current[:width])
        elif local == "c" and self.keep:
            self.current[self.column - 1] = self.cell_value()
            self.keep = False
        elif local == "v":
            self.value.in_text = False
        elif local == "t":
            self.inline.in_text = False
        elif local == "rPh" and self.keep:
            self.inline.in_phonetic -= 1

    def text(self, chunk: str) -> None:
        if self.keep:
            self.value.data(chunk)
            self.inline.data(chunk)

    def cell_value(self) -> object:
        if self.kind == "inlineStr":
            return self.inline.text()
        raw = self.value.text()
        if raw == "":
            return None
        try:
            if self.kind == "s":
                return self.strings[int(raw)]
            if self.kind == "b":
                return bool(int(raw))
            if self.kind in ("str", "e"):
                return raw
            if self.kind == "d":
                return dt.datetime.fromisoformat(raw.strip().rstrip("Z"))
            number = _number(raw)
        except (ValueError, IndexError, OverflowError):
            raise unreadable() from None
        if self.style in self.dates:
            try:
                return from_excel(number, self.epoch, timedelta=self.style in self.durations)
            except (ValueError, OverflowError):
                return number
        return number


def _sheet_rows(
    archive: zipfile.ZipFile,
    name: str,
    limit: int,
    max_columns: int,
    strings: list[str],
    dates: frozenset[int],
    durations: frozenset[int],
    epoch: dt.datetime,
) -> Iterator[list[object]]:
    reader = _SheetReader(max_columns, strings, dates, durations, epoch)
    for _block in _parse(archive, name, limit, reader.handlers()):
        for item in reader.ready:
            if isinstance(item, int):
                for _n in range(item):  # a gap in the row numbers, one empty row at a time
                    yield [None] * reader.width
            else:
                yield item
        reader.ready.clear()
