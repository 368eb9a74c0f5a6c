"""Spreadsheet import in the brief's format: read, check every row, then write all or nothing.

``plan_import`` reads a CSV (UTF-8, with or without BOM) or the first sheet of an XLSX
file and checks every row without writing anything; ``apply_import`` then writes the
whole plan in the caller's transaction, in bulk. A file with any problem imports nothing;
each problem reads ``row N, column C: message`` (N counts data rows from 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, selectinload

from tracker import audit
from tracker.cells import csv_table
from tracker.exports import EXPORT_COLUMNS, restore
from tracker.i18n import _
from tracker.models import (
    Activity,
    AuditEntry,
    Forum,
    ForumEvent,
    Organisation,
    Theme,
    activity_organisations,
    activity_themes,
    utcnow,
)
from tracker.validation import ActivityInput, describe_errors
from tracker.vocabulary import FORUM_CATEGORIES, match_case_insensitive

REQUIRED_COLUMNS = ("date", "forum", "themes", "activity_type", "title")
KNOWN_COLUMNS = tuple(EXPORT_COLUMNS)
BATCH = 2000
INSERT_SLICE = 500


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

    @property
    def action(self) -> str:
        return "create" if self.activity_id is None else "update"


@dataclass
class ImportPlan:
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_forums: dict[str, str] = field(default_factory=dict)  # name -> category
    new_organisations: list[str] = field(default_factory=list)
    row_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.activity_id is None)

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.activity_id is not None)

    def preview(self, limit: int = 1000) -> pd.DataFrame:
        """One line per data row: what will happen to it, or what is wrong with it."""
        by_row: dict[int, list[str]] = {}
        for problem in self.problems:
            if problem.row is not None:
                by_row.setdefault(problem.row, []).append(
                    f"{problem.column}: {problem.message}" if problem.column else problem.message
                )
        planned = {r.number: r for r in self.rows}
        lines = []
        for number in range(1, self.row_count + 1):
            if number in by_row:
                lines.append((number, "error", "; ".join(by_row[number]), ""))
            elif number in planned:
                row = planned[number]
                lines.append((number, row.action, "", row.record.title))
            if len(lines) >= limit:
                break
        return pd.DataFrame(lines, columns=["row", "result", "problems", "title"])


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


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


def read_table(data: bytes, filename: str, max_bytes: int | None = None) -> tuple[list[str], list[list[str]]]:
    """The header and the data rows as text. Raises ImportRejected for an unreadable file."""
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
    if data[:4] == b"PK\x03\x04" or filename.lower().endswith((".xlsx", ".xlsm")):
        table = _read_xlsx(data)
    else:
        table = _read_csv(data)
    table = [row for row in table]
    if not table:
        raise ImportRejected([Problem(None, None, _("the file is empty."))])
    header, rows = table[0], table[1:]
    # Trailing empty cells (common in spreadsheets) are not data.
    while header and not header[-1].strip():
        header = header[:-1]
    return [h.strip().lower() for h in header], rows


def _read_csv(data: bytes) -> list[list[str]]:
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
        return [row for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as error:
        raise ImportRejected(
            [Problem(None, None, _("the CSV could not be read ({error}).").format(error=error))]
        ) from None


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise ImportRejected(
            [Problem(None, None, _("the file could not be read as an Excel workbook (.xlsx)."))]
        ) from None
    try:
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


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
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(Problem(None, name, _("is required but missing from the header.")))
    return problems


FIELD_FOR_COLUMN = {"date": "activity_date", "evidence_url": "evidence_urls"}


def plan_import(session: Session, data: bytes, filename: str, max_bytes: int | None = None) -> ImportPlan:
    """Check a whole file against the rules and the database. Writes nothing."""
    try:
        header, rows = read_table(data, filename, max_bytes)
    except ImportRejected as rejected:
        return ImportPlan(problems=rejected.problems)
    plan = ImportPlan(problems=_header_problems(header), row_count=len(rows))
    if plan.problems:
        return plan
    if not any(any(c.strip() for c in row) for row in rows):
        plan.problems.append(Problem(None, None, _("the file has a header but no data rows.")))
        return plan

    forums = {f.name.casefold(): f for f in session.scalars(select(Forum))}
    themes = {t.name.casefold(): t.name for t in session.scalars(select(Theme))}
    organisations = {o.name.casefold(): o.name for o in session.scalars(select(Organisation))}
    new_organisations: dict[str, str] = {}
    first_row_of_id: dict[str, int] = {}
    candidates: list[tuple[int, ActivityInput, str | None]] = []

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
        values = {name: restore(cell.strip()) for name, cell in zip(header, cells, strict=True)}
        event_name = values.pop("event", "") or None
        fields = {FIELD_FOR_COLUMN.get(k, k): v for k, v in values.items()}
        theme_names = [t.strip() for t in values.get("themes", "").split(";") if t.strip()]
        category = match_case_insensitive(values.get("forum_category", ""), FORUM_CATEGORIES)
        row_problems = _check_names(
            values.get("forum", ""), category, theme_names, number, forums, themes, plan.new_forums
        )
        try:
            record = ActivityInput(**fields)
        except ValidationError as error:
            described = describe_errors(error)
            plan.problems.extend(Problem(number, c, m) for c, m in described)
            plan.problems.extend(p for p in row_problems if p.column not in {c for c, _m in described})
            continue
        if record.external_id:
            if record.external_id in first_row_of_id:
                row_problems.append(
                    Problem(
                        number,
                        "external_id",
                        _("“{id}” also appears in row {other}.").format(
                            id=record.external_id, other=first_row_of_id[record.external_id]
                        ),
                    )
                )
            else:
                first_row_of_id[record.external_id] = number
        if row_problems:
            plan.problems.extend(row_problems)
            continue
        for name in record.organisations:
            if name.casefold() not in organisations:
                new_organisations.setdefault(name.casefold(), name)
        candidates.append((number, record, event_name))

    existing = _existing_ids(session, list(first_row_of_id))
    events = _events(session)
    for number, record, event_name in candidates:
        event_id = None
        if event_name:
            event_id = events.get((record.forum.casefold(), event_name.casefold()))
            if event_id is None:
                plan.problems.append(
                    Problem(
                        number,
                        "event",
                        _("“{event}” is not an event of the forum “{forum}”.").format(
                            event=event_name, forum=record.forum
                        ),
                    )
                )
                continue
        plan.rows.append(PlannedRow(number, record, existing.get(record.external_id or ""), event_id))
    plan.new_organisations = sorted(new_organisations.values(), key=str.casefold)
    plan.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return plan


def _check_names(
    forum_name: str,
    category: str | None,
    theme_names: list[str],
    number: int,
    forums: dict,
    themes: dict,
    new_forums: dict[str, str],
) -> list[Problem]:
    """Forum and themes against the database (new forums are planned in ``new_forums``)."""
    problems = []
    forum_name = forum_name.strip()
    if forum_name and forums.get(forum_name.casefold()) is None:
        known_new = next((c for n, c in new_forums.items() if n.casefold() == forum_name.casefold()), None)
        if category is None and known_new is None:
            problems.append(
                Problem(
                    number,
                    "forum_category",
                    _("the forum “{forum}” is new: give its category to create it.").format(forum=forum_name),
                )
            )
        elif known_new is not None and category not in (None, known_new):
            problems.append(
                Problem(
                    number,
                    "forum_category",
                    _("the new forum “{forum}” was given the category {first} in an earlier row.").format(
                        forum=forum_name, first=known_new
                    ),
                )
            )
        elif known_new is None:
            new_forums[forum_name] = category
    for name in theme_names:
        if name.casefold() not in themes:
            problems.append(
                Problem(
                    number,
                    "themes",
                    _("“{name}” is not a known theme (known: {known}).").format(
                        name=name, known=", ".join(sorted(themes.values()))
                    ),
                )
            )
    return problems


def _existing_ids(session: Session, external_ids: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        found.update(
            {
                e: i
                for i, e in session.execute(
                    select(Activity.id, Activity.external_id).where(Activity.external_id.in_(chunk))
                )
            }
        )
    return found


def _events(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(Forum.name, ForumEvent.name, ForumEvent.id).join(ForumEvent.forum))
    return {(f.casefold(), e.casefold()): i for f, e, i in rows}


# ---- writing -------------------------------------------------------------------------


def apply_import(
    session: Session, plan: ImportPlan, actor: str, progress: Callable[[float], None] | None = None
) -> ImportResult:
    """Write a checked plan in the caller's transaction (all or nothing), audited."""
    if not plan.ok:
        raise ImportRejected(plan.problems or [Problem(None, None, _("there is nothing to import."))])
    now = utcnow()
    forums = {f.name.casefold(): f for f in session.scalars(select(Forum))}
    for name, category in plan.new_forums.items():
        forum = Forum(name=name, category=category)
        session.add(forum)
        forums[name.casefold()] = forum
    organisations = {o.name.casefold(): o for o in session.scalars(select(Organisation))}
    for name in plan.new_organisations:
        organisation = Organisation(name=name)
        session.add(organisation)
        organisations[name.casefold()] = organisation
    session.flush()
    themes = {t.name.casefold(): t for t in session.scalars(select(Theme))}
    event_names = dict(session.execute(select(ForumEvent.id, ForumEvent.name)).all())

    total, done = len(plan.rows), 0
    creates = [r for r in plan.rows if r.activity_id is None]
    for start in range(0, len(creates), BATCH):
        batch = creates[start : start + BATCH]
        _insert_batch(session, batch, actor, now, forums, themes, organisations, event_names)
        done += len(batch)
        if progress:
            progress(done / total)
    updates = [r for r in plan.rows if r.activity_id is not None]
    for start in range(0, len(updates), BATCH):
        batch = updates[start : start + BATCH]
        _update_batch(session, batch, actor, now, forums, themes, organisations)
        done += len(batch)
        if progress:
            progress(done / total)
    return ImportResult(created=len(creates), updated=len(updates))


def _values(row: PlannedRow, actor: str, now: dt.datetime, forums: dict) -> dict:
    record = row.record
    return {
        "activity_date": record.activity_date,
        "forum_id": forums[record.forum.casefold()].id,
        "event_id": row.event_id,
        "activity_type": record.activity_type,
        "title": record.title,
        "description": record.description,
        "country": record.country,
        "effort_days": record.effort_days,
        "cost_usd": record.cost_usd,
        "outcome": record.outcome,
        "evidence_urls": "\n".join(record.evidence_urls) or None,
        "confidentiality": record.confidentiality,
        "external_id": record.external_id,
        "updated_at": now,
        "updated_by": actor,
    }


def _snapshot(
    activity_id: int,
    version: int,
    row: PlannedRow,
    forums: dict,
    themes: dict,
    organisations: dict,
    event_names: dict,
) -> dict:
    record = row.record
    return {
        "id": activity_id,
        "version": version,
        "date": record.activity_date.isoformat(),
        "forum": forums[record.forum.casefold()].name,
        "event": event_names.get(row.event_id) if row.event_id else None,
        "themes": sorted(themes[n.casefold()].name for n in record.themes),
        "activity_type": record.activity_type,
        "title": record.title,
        "description": record.description,
        "organisations": sorted(organisations[n.casefold()].name for n in record.organisations),
        "country": record.country,
        "effort_days": record.effort_days,
        "cost_usd": record.cost_usd,
        "outcome": record.outcome,
        "evidence_urls": list(record.evidence_urls),
        "confidentiality": record.confidentiality,
        "external_id": record.external_id,
        "deleted": False,
    }


def _insert_batch(session, batch, actor, now, forums, themes, organisations, event_names) -> None:
    rows = [
        {**_values(r, actor, now, forums), "created_at": now, "created_by": actor, "version": 1}
        for r in batch
    ]
    # Core inserts in slices: RETURNING over one huge executemany costs quadratic time
    # in SQLAlchemy's result splicing.
    table = Activity.__table__
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_SLICE):
        statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
        ids += list(session.execute(statement, rows[start : start + INSERT_SLICE]).scalars())
    theme_links, organisation_links, entries = [], [], []
    for activity_id, row in zip(ids, batch, strict=True):
        theme_links += [
            {"activity_id": activity_id, "theme_id": tid}
            for tid in {themes[n.casefold()].id for n in row.record.themes}
        ]
        organisation_links += [
            {"activity_id": activity_id, "organisation_id": oid}
            for oid in {organisations[n.casefold()].id for n in row.record.organisations}
        ]
        entries.append(
            {
                "at": now,
                "actor": actor,
                "action": "insert",
                "entity": "activity",
                "entity_id": activity_id,
                "before": None,
                "after": _snapshot(activity_id, 1, row, forums, themes, organisations, event_names),
            }
        )
    session.execute(insert(activity_themes), theme_links)
    if organisation_links:
        session.execute(insert(activity_organisations), organisation_links)
    session.execute(insert(AuditEntry.__table__), entries)


def _update_batch(session, batch, actor, now, forums, themes, organisations) -> None:
    activities = {
        a.id: a
        for a in session.scalars(
            select(Activity)
            .where(Activity.id.in_([r.activity_id for r in batch]))
            .options(
                selectinload(Activity.themes),
                selectinload(Activity.organisations),
                selectinload(Activity.forum),
                selectinload(Activity.event),
            )
        )
    }
    befores = {}
    for row in batch:
        activity = activities[row.activity_id]
        befores[activity.id] = audit.activity_snapshot(activity)
        for key, value in _values(row, actor, now, forums).items():
            setattr(activity, key, value)
        activity.forum = forums[row.record.forum.casefold()]
        activity.event = session.get(ForumEvent, row.event_id) if row.event_id else None
        activity.themes = sorted({themes[n.casefold()] for n in row.record.themes}, key=lambda t: t.name)
        activity.organisations = sorted(
            {organisations[n.casefold()] for n in row.record.organisations}, key=lambda o: o.name
        )
    session.flush()
    for row in batch:
        activity = activities[row.activity_id]
        session.add(
            AuditEntry(
                at=now,
                actor=actor,
                action="update",
                entity="activity",
                entity_id=activity.id,
                before=befores[activity.id],
                after=audit.activity_snapshot(activity),
            )
        )


def import_file(
    session: Session,
    data: bytes,
    filename: str,
    actor: str,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    plan = plan_import(session, data, filename)
    if not plan.ok or dry_run:
        return plan, None
    return plan, apply_import(session, plan, actor, progress)


def template_csv() -> bytes:
    """A header with every column and one example row, for people starting a file."""
    example = {
        "date": "2024-11-12",
        "forum": "KP Plenary",
        "forum_category": "KP",
        "themes": "KP reform;Land rights",
        "activity_type": "statement",
        "title": "Statement on the conflict-diamond definition",
        "description": "",
        "organisations": "ZELA;IPIS",
        "country": "",
        "effort_days": "2.5",
        "cost_usd": "1200",
        "outcome": "",
        "evidence_url": "https://www.kpcivilsociety.org/",
        "confidentiality": "public",
        "external_id": "",
        "event": "KP Plenary 2024",
    }
    return csv_table(EXPORT_COLUMNS, [[example[c] for c in EXPORT_COLUMNS]])
