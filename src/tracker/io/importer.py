"""Spreadsheet import in the brief's format: read, check every row, then write all or nothing.

``plan_import`` reads a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX
file and checks every row without writing anything; ``apply_import`` then writes the
whole plan in the caller's transaction, in bulk. A file with any problem imports nothing;
each problem reads ``row N, column C: message`` (N counts data rows from 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from zlib import error as zlib_error

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.db.models import Activity, Forum, ImportBatch
from tracker.i18n import _
from tracker.io import xlsx_bounds
from tracker.io.cells import csv_table
from tracker.io.exports import restore
from tracker.records import activities, activity_fields, audit
from tracker.records.activity_fields import EXPORT_COLUMNS, REQUIRED_COLUMNS
from tracker.records.validation import ActivityInput, describe_errors
from tracker.vocabulary import CONFIDENTIALITY_LEVELS

KNOWN_COLUMNS = tuple(EXPORT_COLUMNS)
# The template's example row carries this external_id; the importer refuses it.
TEMPLATE_MARKER = "EXAMPLE-delete-this-row"
NUMBER_COLUMNS = ("effort_days", "cost_usd")
DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def max_import_bytes() -> int:
    try:
        megabytes = float(os.environ.get("TRACKER_IMPORT_MAX_MB", "20"))
    except ValueError:
        megabytes = 20.0
    return int(megabytes * 1024 * 1024)


@dataclass(frozen=True)
class Problem:
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


@dataclass
class PlannedRow:
    number: int
    record: ActivityInput
    activity_id: int | None  # None: a new activity
    event_id: int | None
    changes: dict[str, tuple] = field(default_factory=dict)  # snapshot key -> (old, new), updates only

    @property
    def final_record(self) -> ActivityInput:
        return self.record.model_copy(update={"event_id": self.event_id})

    @property
    def action(self) -> str:
        if self.activity_id is None:
            return "create"
        return "update" if self.changes else "unchanged"


@dataclass(frozen=True)
class Lowering:
    """A row that lowers an activity's confidentiality, by an explicit value."""

    row: int
    external_id: str
    activity_id: int
    before: str
    after: str

    def __str__(self) -> str:
        return _("row {row} ({id}): confidentiality lowered from {before} to {after}").format(
            row=self.row, id=self.external_id, before=self.before, after=self.after
        )


@dataclass(frozen=True)
class Duplicate:
    """A row without external_id that matches live activities (same date, forum and title)."""

    row: int
    activity_ids: list[int]

    @property
    def message(self) -> str:
        return _("likely duplicate of activity {ids} (same date, forum and title)").format(
            ids=", ".join(str(i) for i in self.activity_ids)
        )

    def __str__(self) -> str:
        return f"row {self.row}: {self.message}"


@dataclass(frozen=True)
class PreviousImport:
    filename: str
    imported_at: dt.datetime
    imported_by: str


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_forums: dict[str, str] = field(default_factory=dict)  # name -> category
    new_organisations: list[str] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    lowered: list[Lowering] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    already_imported: list[PreviousImport] = field(default_factory=list)
    content_hash: str = ""
    filename: str = ""
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.activity_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.activity_id is not None and r.changes)

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.activity_id is not None and not r.changes)

    def preview(self, limit: int = 1000) -> pd.DataFrame:
        """One line per data row: what will happen to it, or what is wrong with it."""
        by_row: dict[int, list[str]] = {}
        for problem in self.problems:
            if problem.row is not None:
                by_row.setdefault(problem.row, []).append(
                    f"{problem.column}: {problem.message}" if problem.column else problem.message
                )
        planned = {r.number: r for r in self.rows}
        lowered = {r.row for r in self.lowered}
        duplicates = {d.row: d for d in self.duplicates}
        lines = []
        for number in range(1, self.row_count + 1):
            if number in by_row:
                lines.append((number, "error", "; ".join(by_row[number]), "", ""))
            elif number in planned:
                row = planned[number]
                action = row.action + (" (confidentiality lowered)" if number in lowered else "")
                if number in duplicates:
                    ids = ", ".join(str(i) for i in duplicates[number].activity_ids)
                    action += f" (likely duplicate of {ids})"
                changes = activity_fields.describe_changes(row.changes)
                lines.append((number, action, "", row.record.title, changes))
            if len(lines) >= limit:
                break
        return pd.DataFrame(lines, columns=["row", "result", "problems", "title", "changes"])


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0
    lowered: tuple[Lowering, ...] = ()


class ImportRejected(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


# ---- reading the file ----------------------------------------------------------------


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

    def take(self, rows):
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
    known_columns: tuple[str, ...] = KNOWN_COLUMNS,
    number_columns: tuple[str, ...] = NUMBER_COLUMNS,
) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows as text. Raises ImportRejected for an unreadable file,
    or one over the limits (bytes, uncompressed size, rows, cells), checked while streaming.

    ``known_columns`` tell a CSV's delimiter; ``number_columns`` may hold decimal commas.
    The outcome, target and grant imports read their files here too.
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
    known_columns: tuple[str, ...] = KNOWN_COLUMNS,
    number_columns: tuple[str, ...] = NUMBER_COLUMNS,
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


def _delimiter(text: str, known_columns: tuple[str, ...] = KNOWN_COLUMNS) -> str:
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


# ---- checking ------------------------------------------------------------------------


def _header_problems(header: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(None, name, _("appears twice in the header.")))
        seen.add(name)
        if name not in KNOWN_COLUMNS:
            problems.append(
                Problem(
                    None,
                    name or "(empty)",
                    _("is not a column of the import format (known columns: {names}).").format(
                        names=", ".join(KNOWN_COLUMNS)
                    ),
                )
            )
    if "external_id" not in seen:
        # Without external_id every row creates an activity; with it, rows that update
        # may leave columns out (rows that create are checked one by one).
        for name in REQUIRED_COLUMNS:
            if name not in seen:
                problems.append(Problem(None, name, _("is required but missing from the header.")))
    return problems


FIELD_FOR_COLUMN = {"date": "activity_date", "evidence_url": "evidence_urls"}
COLUMN_FOR_FIELD = {"activity_date": "date", "evidence_urls": "evidence_url", "event_id": "event"}
RANK = {level: n for n, level in enumerate(CONFIDENTIALITY_LEVELS)}


def _existing(session: Session, external_ids: list[str]) -> dict[str, Activity]:
    """Activities (deleted too) holding these external ids, with what a snapshot reads."""
    found: dict[str, Activity] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        for activity in session.scalars(
            select(Activity)
            .where(Activity.external_id.in_(chunk))
            .options(
                selectinload(Activity.themes),
                selectinload(Activity.organisations),
                selectinload(Activity.forum),
                selectinload(Activity.event),
                selectinload(Activity.grants),
            )
        ):
            found[activity.external_id or ""] = activity
    return found


def plan_import(session: Session, data: bytes, filename: str, max_bytes: int | None = None) -> ImportPlan:
    """Check a whole file against the rules and the database. Writes nothing.

    A row whose ``external_id`` is in the tracker updates that activity with the columns
    the file has (the brief's "Updating by external_id"); any other row creates one.
    """
    try:
        header, rows = read_table(data, filename, max_bytes)
    except ImportRejected as rejected:
        return ImportPlan(problems=rejected.problems)
    plan = ImportPlan(problems=_header_problems(header), row_count=len(rows))
    plan.content_hash, plan.filename = hashlib.sha256(data).hexdigest(), filename
    plan.already_imported = previous_imports(session, plan.content_hash)
    if plan.problems:
        return plan
    if not any(any(c.strip() for c in row) for row in rows):
        plan.problems.append(Problem(None, None, _("the file has a header but no data rows.")))
        return plan

    refs = activities.References(session, create=False)
    known_organisations = set(refs.organisations)
    known_forums = set(refs.forums)
    events = {(e.forum_id, e.name.casefold()): e.id for e in refs.events.values()}
    missing_required = [c for c in REQUIRED_COLUMNS if c not in header]
    position = {name: i for i, name in enumerate(header)}
    id_column = position.get("external_id")
    ids = sorted(
        {row[id_column].strip() for row in rows if id_column is not None and id_column < len(row)} - {""}
    )
    existing = _existing(session, [restore(i) for i in ids])
    refs.load_external_ids(restore(i) for i in ids)
    first_row_of_id: dict[str, int] = {}

    for number, cells in enumerate(rows, start=1):
        if not any(c.strip() for c in cells):
            continue
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != len(header):
            plan.problems.append(
                Problem(
                    number,
                    None,
                    _("has {n} cells where the header has {m}.").format(n=len(cells), m=len(header)),
                )
            )
            continue
        present = {name: restore(cell.strip()) for name, cell in zip(header, cells, strict=True)}
        external_id = present.get("external_id") or None
        if external_id and external_id.casefold() == TEMPLATE_MARKER.casefold():
            plan.problems.append(
                Problem(
                    number, None, _("this is the template's example row: delete it, then add your own rows.")
                )
            )
            continue
        if external_id:
            if external_id in first_row_of_id:
                plan.problems.append(
                    Problem(
                        number,
                        "external_id",
                        _("“{id}” also appears in row {other}.").format(
                            id=external_id, other=first_row_of_id[external_id]
                        ),
                    )
                )
                continue
            first_row_of_id[external_id] = number
        stored = existing.get(external_id or "")
        if stored is not None and stored.deleted_at is not None:
            plan.problems.append(
                Problem(
                    number,
                    "external_id",
                    _(
                        "“{id}” names activity {n}, deleted on {day}: restore it first, then import again."
                    ).format(id=external_id, n=stored.id, day=stored.deleted_at.date().isoformat()),
                )
            )
            continue
        if stored is None and missing_required:
            message = (
                _(
                    "“{id}” is not in the tracker, so this row creates an activity: "
                    "the file needs the columns {columns}."
                ).format(id=external_id, columns=", ".join(missing_required))
                if external_id
                else _("this row creates an activity: the file needs the columns {columns}.").format(
                    columns=", ".join(missing_required)
                )
            )
            plan.problems.append(Problem(number, None, message))
            continue
        values = dict(present)
        if stored is not None:
            values = {**activity_fields.import_format_row(stored), **present}
            if not present.get("confidentiality"):
                # Never lowered by omission: an absent or empty cell keeps the stored level.
                values["confidentiality"] = stored.confidentiality
            if "event" not in present and values["forum"].casefold() != stored.forum.name.casefold():
                values["event"] = ""  # a new forum: the old forum's event no longer fits
        row_problems = _plan_row(plan, refs, events, known_forums, number, values, stored)
        if row_problems:
            plan.problems.extend(row_problems)
            continue
        record = plan.rows[-1].record
        for name in record.organisations:
            if name.casefold() not in known_organisations:
                known_organisations.add(name.casefold())
                plan.new_organisations.append(name)
    plan.new_organisations.sort(key=str.casefold)
    plan.new_themes.sort(key=str.casefold)
    plan.duplicates = _duplicates(
        session, [r for r in plan.rows if r.activity_id is None and not r.record.external_id]
    )
    plan.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return plan


def previous_imports(session: Session, content_hash: str) -> list[PreviousImport]:
    """Earlier successful imports of a file with this content, oldest first."""
    return [
        PreviousImport(b.filename, b.imported_at, b.imported_by)
        for b in session.scalars(
            select(ImportBatch).where(ImportBatch.content_sha256 == content_hash).order_by(ImportBatch.id)
        )
    ]


def _duplicates(session: Session, rows: list[PlannedRow]) -> list[Duplicate]:
    """Rows matching live activities on date, forum and title (case-insensitively)."""
    if not rows:
        return []
    dates = sorted({r.record.activity_date for r in rows})
    live: dict[tuple, list[int]] = {}
    for start in range(0, len(dates), 500):
        for activity_id, day, forum, title in session.execute(
            select(Activity.id, Activity.activity_date, Forum.name, Activity.title)
            .join(Forum, Forum.id == Activity.forum_id)
            .where(Activity.deleted_at.is_(None), Activity.activity_date.in_(dates[start : start + 500]))
            .order_by(Activity.id)
        ):
            live.setdefault((day, forum.casefold(), title.casefold()), []).append(activity_id)
    found = []
    for row in rows:
        key = (row.record.activity_date, row.record.forum.casefold(), row.record.title.casefold())
        if key in live:
            found.append(Duplicate(row.number, live[key]))
    return found


def _plan_row(
    plan: ImportPlan,
    refs: activities.References,
    events: dict[tuple[int, str], int],
    known_forums: set[str],
    number: int,
    values: dict[str, str],
    stored: Activity | None,
) -> list[Problem]:
    """Check one row (merged with the stored record for an update); plan it if it passes."""
    values = dict(values)
    event_name = values.pop("event", "") or None
    forum_name = values.get("forum", "").strip()
    if forum_name.casefold() in known_forums:
        values.pop("forum_category", None)  # an existing forum keeps its category
    fields = {FIELD_FOR_COLUMN.get(k, k): v for k, v in values.items()}
    for name in ("effort_days", "cost_usd"):
        if stored is not None and fields.get(name) == "":
            fields[name] = "0"
    try:
        record = ActivityInput(**fields)
    except ValidationError as error:
        return [Problem(number, c, m) for c, m in describe_errors(error)]
    problems: list[Problem] = []
    forum = refs.forums.get(record.forum.casefold())
    if forum is not None and forum.id is None:
        first = plan.new_forums.get(forum.name)
        if record.forum_category is not None and first is not None and record.forum_category != first:
            problems.append(
                Problem(
                    number,
                    "forum_category",
                    _("the new forum “{forum}” was given the category {first} in an earlier row.").format(
                        forum=forum_name, first=first
                    ),
                )
            )
    event_id = None
    if event_name:
        event_id = events.get((forum.id, event_name.casefold())) if forum is not None and forum.id else None
        if event_id is None:
            problems.append(
                Problem(
                    number,
                    "event",
                    _("“{event}” is not an event of the forum “{forum}”.").format(
                        event=event_name, forum=record.forum
                    ),
                )
            )
    record = record.model_copy(update={"event_id": event_id})
    activity_id = stored.id if stored is not None else None
    for name, message in activities.record_problems(refs, record, activity_id, new_themes=True):
        problems.append(Problem(number, COLUMN_FOR_FIELD.get(name, name), message))
    if problems:
        return problems
    if forum is None and record.forum_category is not None:
        plan.new_forums[record.forum] = record.forum_category
        refs.forum(record.forum, record.forum_category)  # later rows know it (a transient row)
    for name in record.themes:
        if name.casefold() not in refs.themes:
            plan.new_themes.append(name)
            refs.theme(name)
    changes: dict[str, tuple] = {}
    if stored is not None:
        draft = activities.draft(refs, record, activity_id, stored.version, new_themes=True)
        changes = audit.changed_fields(activity_fields.snapshot(stored), draft.snapshot())
        if RANK[record.confidentiality] < RANK[stored.confidentiality]:
            plan.lowered.append(
                Lowering(
                    number,
                    stored.external_id or "",
                    stored.id,
                    stored.confidentiality,
                    record.confidentiality,
                )
            )
    plan.rows.append(PlannedRow(number, record, activity_id, event_id, changes))
    return []


# ---- writing -------------------------------------------------------------------------


def apply_import(
    session: Session,
    plan: ImportPlan,
    actor: str,
    progress: Callable[[float], None] | None = None,
    confirm_duplicates: bool = False,
) -> ImportResult:
    """Write a checked plan in the caller's transaction (all or nothing), through ``activities``.

    Likely duplicates are written only with ``confirm_duplicates``; the import is recorded
    (content hash, file name, who, when) so the same file is flagged next time.
    """
    if not plan.ok:
        raise ImportRejected(plan.problems or [Problem(None, None, _("there is nothing to import."))])
    if plan.duplicates and not confirm_duplicates:
        raise ImportRejected(
            [
                *[Problem(d.row, None, d.message) for d in plan.duplicates],
                Problem(None, None, _("the file has likely duplicates: confirm them to import it anyway.")),
            ]
        )
    total, done = len(plan.rows), 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done / total)

    creates = [r.final_record for r in plan.rows if r.activity_id is None]
    activities.create_activities(session, creates, actor, advance, new_themes=True)
    updates = [(r.activity_id, r.final_record) for r in plan.rows if r.activity_id is not None]
    assert all(i is not None for i, _r in updates)
    changed = activities.update_activities(session, updates, actor, advance, new_themes=True)
    session.add(
        ImportBatch(
            content_sha256=plan.content_hash,
            filename=plan.filename[:255],
            imported_by=actor,
            created=len(creates),
            updated=changed,
        )
    )
    return ImportResult(
        created=len(creates), updated=changed, unchanged=len(updates) - changed, lowered=tuple(plan.lowered)
    )


def import_file(
    session: Session,
    data: bytes,
    filename: str,
    actor: str,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    confirm_duplicates: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, then (unless ``dry_run``) write. Likely duplicates are problems unless confirmed."""
    plan = plan_import(session, data, filename)
    if plan.duplicates and not confirm_duplicates:
        plan.problems.extend(Problem(d.row, None, d.message) for d in plan.duplicates)
    if not plan.ok or dry_run:
        return plan, None
    return plan, apply_import(session, plan, actor, progress, confirm_duplicates)


def template_csv() -> bytes:
    """A header with every column and one example row, for people starting a file."""
    example = {
        "date": "2024-11-12",
        "forum": "KP Plenary",
        "forum_category": "KP",
        "themes": "KP reform;Land rights",
        "activity_type": "statement",
        "title": "EXAMPLE: delete this row",
        "description": "",
        "organisations": "ZELA;IPIS",
        "country": "",
        "effort_days": "2.5",
        "cost_usd": "1200",
        "outcome": "",
        "evidence_url": "https://www.kpcivilsociety.org/",
        "confidentiality": "public",
        "external_id": TEMPLATE_MARKER,
        "event": "KP Plenary 2024",
        "grants": "",
    }
    return csv_table(EXPORT_COLUMNS, [[example[c] for c in EXPORT_COLUMNS]])
