"""The one import planner: every record type's import is a small configuration of it.

The path of a file: ``tables.read_table`` (the one reader, with its bounds) -> the header
checks (unknown, repeated and missing columns) -> the shared row loop (blank rows skipped,
cells trimmed, a row with too many or too few cells refused, a key repeated within the
file refused, a deleted record refused, "never lowered by omission") -> the record
type's own row check -> a plan with each row's action (create, update, unchanged) and
every lowered confidentiality -> all or nothing: ``apply_plan`` writes through the record
type's one write path (audited there), creates the new themes the person accepted, and
records the import batch, so the same file is flagged when it comes again, whichever
face (page, command line) imported it.

A record type plugs in by subclassing ``RecordImport`` (its columns, its key, its row
check, its write): see ``tracker.io.importer`` (activities), ``outcome_import``,
``target_import`` and ``grant_import``, and docs/architecture.md, "Import pipeline".

Row numbers are the ones the spreadsheet shows: the header is row 1, the first data row
is row 2.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import ImportBatch, Theme
from tracker.i18n import _
from tracker.io import tables
from tracker.io.cells import restore
from tracker.io.tables import ImportRejected, Problem
from tracker.vocabulary import CONFIDENTIALITY_LEVELS

__all__ = [
    "FIRST_DATA_ROW",
    "Duplicate",
    "ImportOptions",
    "ImportPlan",
    "ImportRejected",
    "ImportResult",
    "Lowering",
    "PlannedRow",
    "PreviousImport",
    "Problem",
    "RecordImport",
    "apply_plan",
    "import_file",
    "plan_file",
    "previous_imports",
]

# The spreadsheet's own numbering: the header is row 1.
FIRST_DATA_ROW = 2
RANK = {level: n for n, level in enumerate(CONFIDENTIALITY_LEVELS)}


@dataclass(frozen=True)
class ImportOptions:
    """What the person chose: create the file's unknown themes; import likely duplicates."""

    create_themes: bool = False
    confirm_duplicates: bool = False


@dataclass
class PlannedRow:
    """One valid data row: the record it states, the stored record it updates (if any)
    and what would change (snapshot key -> (old, new); updates only)."""

    number: int
    record: Any
    stored_id: int | None  # None: the row creates a record
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)  # the preview's columns for this row
    key: Hashable | None = None  # a key only known once checked (e.g. a target's year, measure, scope)

    @property
    def action(self) -> str:
        if self.stored_id is None:
            return "create"
        return "update" if self.changes else "unchanged"

    # The activity import's names, kept for its callers.
    @property
    def activity_id(self) -> int | None:
        return self.stored_id

    @property
    def final_record(self) -> Any:
        return self.record


@dataclass(frozen=True)
class Lowering:
    """A row that lowers a record's confidentiality, by an explicit value."""

    row: int
    external_id: str  # the record's key in the file (external_id, outcome_id)
    activity_id: int  # the stored record's id
    before: str
    after: str

    def __str__(self) -> str:
        return _("row {row} ({id}): confidentiality lowered from {before} to {after}").format(
            row=self.row, id=self.external_id, before=self.before, after=self.after
        )


@dataclass(frozen=True)
class Duplicate:
    """A row without a key that matches live records (for activities: same date, forum and title)."""

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
    """A file checked against the rules and the database; nothing written."""

    kind: type[RecordImport] | None = None
    rows: list[PlannedRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    new_forums: dict[str, str] = field(default_factory=dict)  # name -> category
    new_organisations: list[str] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)  # created only with ImportOptions.create_themes
    unknown_themes: list[str] = field(default_factory=list)  # refused (no create_themes): what a tick offers
    lowered: list[Lowering] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    already_imported: list[PreviousImport] = field(default_factory=list)
    content_hash: str = ""
    filename: str = ""
    row_count: int = 0
    options: ImportOptions = ImportOptions()

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)

    @property
    def creates(self) -> int:
        return sum(1 for r in self.rows if r.action == "create")

    @property
    def updates(self) -> int:
        return sum(1 for r in self.rows if r.action == "update")

    @property
    def unchanged(self) -> int:
        return sum(1 for r in self.rows if r.action == "unchanged")

    def describe_changes(self, changes: dict[str, tuple[Any, Any]]) -> str:
        return self.kind.describe_changes(changes) if self.kind is not None and changes else ""

    def preview(self, limit: int = 1000) -> pd.DataFrame:
        """One line per data row: what will happen to it, or what is wrong with it."""
        labels = list(self.kind.preview_columns) if self.kind is not None else []
        by_row: dict[int, list[str]] = {}
        for problem in self.problems:
            if problem.row is not None:
                by_row.setdefault(problem.row, []).append(
                    f"{problem.column}: {problem.message}" if problem.column else problem.message
                )
        planned = {r.number: r for r in self.rows}
        lowered = {r.row for r in self.lowered}
        duplicates = {d.row: d for d in self.duplicates}
        lines: list[dict[str, Any]] = []
        for number in range(FIRST_DATA_ROW, self.row_count + FIRST_DATA_ROW):
            if number in by_row:
                lines.append({"row": number, "result": "error", "problems": "; ".join(by_row[number])})
            elif number in planned:
                row = planned[number]
                action = row.action + (" (confidentiality lowered)" if number in lowered else "")
                if number in duplicates:
                    ids = ", ".join(str(i) for i in duplicates[number].activity_ids)
                    action += f" (likely duplicate of {ids})"
                line = {"row": number, "result": action, "problems": ""}
                lines.append(line | row.labels | {"changes": self.describe_changes(row.changes)})
            if len(lines) >= limit:
                break
        columns = ["row", "result", "problems", *labels, "changes"]
        return pd.DataFrame(lines, columns=columns).fillna("")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0
    lowered: tuple[Lowering, ...] = ()


class RecordImport:
    """One record type's import: a subclass says its columns, its key, its row check and
    its write; the planner does everything else. One instance checks one file.

    - ``columns``: the import format's columns; ``required``: those a row that creates needs;
      ``number_columns``: those that may hold a decimal comma.
    - ``key_column``: the column naming a stored record (a row with a stored key updates it);
      ``key_required``: the header must have it; ``fold_keys``: keys match case-insensitively.
    - ``partial_updates``: a row that updates may leave columns out (they keep the stored
      value): the header then needs the required columns only when it has no key column.
    - ``preview_columns``: what the preview shows of each planned row (``PlannedRow.labels``).
    """

    noun: ClassVar[str] = "record"
    columns: ClassVar[tuple[str, ...]] = ()
    required: ClassVar[tuple[str, ...]] = ()
    number_columns: ClassVar[tuple[str, ...]] = ()
    key_column: ClassVar[str | None] = None
    key_required: ClassVar[bool] = False
    fold_keys: ClassVar[bool] = False
    partial_updates: ClassVar[bool] = False
    preview_columns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, session: Session, plan: ImportPlan):
        self.session = session
        self.plan = plan
        self._known_themes: dict[str, str] | None = None

    # ---- what a record type may say ----

    def load(self, keys: list[str]) -> None:
        """Read, once, the stored records the file's keys name (for ``stored``)."""

    def stored(self, key: str) -> Any | None:
        """The stored record with this key (deleted ones too), if any."""
        return None

    def stored_values(self, stored: Any) -> dict[str, str]:
        """A stored record in the import format (what a partial update starts from)."""
        return {}

    def refuse_row(self, number: int, present: dict[str, str]) -> list[Problem]:
        """Refusals before any check (e.g. the template's example row)."""
        return []

    def deleted_problem(self, number: int, key: str, stored: Any) -> Problem:
        return Problem(
            number,
            self.key_column,
            _("“{id}” names a record deleted on {day}: restore it first, then import again.").format(
                id=key, day=stored.deleted_at.date().isoformat()
            ),
        )

    def missing_columns_problem(self, number: int, key: str | None, missing: list[str]) -> Problem:
        return Problem(
            number,
            None,
            _("this row creates a record: the file needs the columns {columns}.").format(
                columns=", ".join(missing)
            ),
        )

    def duplicate_problem(self, number: int, key: Hashable, other: int) -> Problem:
        return Problem(
            number, self.key_column, _("“{id}” also appears in row {other}.").format(id=key, other=other)
        )

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        """One row (merged with the stored record for a partial update): planned, or its problems."""
        raise NotImplementedError

    def finish(self) -> None:
        """After every row: e.g. look for likely duplicates of stored records."""

    @classmethod
    def describe_changes(cls, changes: dict[str, tuple[Any, Any]]) -> str:
        return ", ".join(sorted(changes))

    @classmethod
    def write(
        cls,
        session: Session,
        plan: ImportPlan,
        actor: str,
        progress: Callable[[int], None],
    ) -> tuple[int, int]:
        """Write every planned row through the record type's one write path (audited
        there); ``progress(n)`` after each n rows. Returns (created, updated).

        By default each row is saved by ``save_row`` (a record type whose write path
        saves one record at a time); bulk writers override this."""
        for row in plan.rows:
            cls.save_row(session, row.record, actor)
            progress(1)
        return plan.creates, plan.updates

    @classmethod
    def save_row(cls, session: Session, record: Any, actor: str) -> None:
        raise NotImplementedError

    @classmethod
    def refuse_plan(cls, plan: ImportPlan, options: ImportOptions) -> list[Problem]:
        """What stops a valid plan from being written (e.g. unconfirmed likely duplicates)."""
        return []

    # ---- shared rules a row check calls ----

    def theme_problems(self, number: int, names: Iterable[str]) -> list[Problem]:
        """Themes are a short, curated list: an unknown theme is refused, by row, with the
        nearest known name, unless the person asked for new themes to be created (the plan
        then lists them, and ``apply_plan`` creates them before writing)."""
        if self._known_themes is None:
            self._known_themes = {n.casefold(): n for n in self.session.scalars(select(Theme.name))}
        problems = []
        for name in names:
            folded = name.casefold()
            if folded in self._known_themes:
                continue
            if self.plan.options.create_themes:
                self._known_themes[folded] = name
                self.plan.new_themes.append(name)
                continue
            if folded not in {n.casefold() for n in self.plan.unknown_themes}:
                self.plan.unknown_themes.append(name)
            problems.append(
                Problem(number, "themes", unknown_theme_message(name, self._known_themes.values()))
            )
        return problems

    def theme_cell_problems(
        self, number: int, values: dict[str, str], refused: list[Problem]
    ) -> list[Problem]:
        """The theme rule on the raw ``themes`` cell, for a row whose other cells were refused
        before it could be read as a record (a row with several problems lists them all)."""
        if any(p.column == "themes" for p in refused):
            return []
        names = [n.strip() for n in values.get("themes", "").split(";") if n.strip()]
        return self.theme_problems(number, names)


def unknown_theme_message(name: str, known: Iterable[str]) -> str:
    """“unknown theme 'Fishing rights' (did you mean 'Land rights'?)”, the nearest known
    name found by difflib (case-insensitively)."""
    names = {k.casefold(): k for k in known}
    near = difflib.get_close_matches(name.casefold(), list(names), n=1, cutoff=0.6)
    if near:
        return _("unknown theme '{name}' (did you mean '{known}'?)").format(name=name, known=names[near[0]])
    return _("unknown theme '{name}' (known themes: {names}; or ask for new themes to be created)").format(
        name=name, names=", ".join(sorted(names.values(), key=str.casefold))
    )


# ---- planning --------------------------------------------------------------------------


def _header_problems(kind: type[RecordImport], header: list[str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(None, name, _("appears twice in the header.")))
        seen.add(name)
        if name not in kind.columns:
            problems.append(
                Problem(
                    None,
                    name or "(empty)",
                    _("is not a column of the import format (known columns: {names}).").format(
                        names=", ".join(kind.columns)
                    ),
                )
            )
    has_key = kind.key_column is not None and kind.key_column in seen
    if kind.key_required and not has_key:
        problems.append(Problem(None, kind.key_column, _("is required but missing from the header.")))
    elif not (kind.partial_updates and has_key):
        # Without a key every row creates a record; with it, rows that update may leave
        # columns out (rows that create are checked one by one).
        for name in kind.required:
            if name not in seen:
                problems.append(Problem(None, name, _("is required but missing from the header.")))
    return problems


def previous_imports(session: Session, content_hash: str) -> list[PreviousImport]:
    """Earlier successful imports of a file with this content, oldest first."""
    return [
        PreviousImport(b.filename, b.imported_at, b.imported_by)
        for b in session.scalars(
            select(ImportBatch).where(ImportBatch.content_sha256 == content_hash).order_by(ImportBatch.id)
        )
    ]


def plan_file(
    session: Session,
    kind: type[RecordImport],
    data: bytes,
    filename: str,
    options: ImportOptions | None = None,
    max_bytes: int | None = None,
) -> ImportPlan:
    """Check a whole file of ``kind`` records against the rules and the database. Writes nothing."""
    options = options or ImportOptions()
    try:
        header, rows = tables.read_table(
            data, filename, max_bytes, known_columns=kind.columns, number_columns=kind.number_columns
        )
    except ImportRejected as rejected:
        return ImportPlan(kind=kind, problems=rejected.problems, options=options)
    plan = ImportPlan(
        kind=kind, problems=_header_problems(kind, header), row_count=len(rows), options=options
    )
    plan.content_hash, plan.filename = hashlib.sha256(data).hexdigest(), filename
    plan.already_imported = previous_imports(session, plan.content_hash)
    if plan.problems:
        return plan
    if not any(any(c.strip() for c in row) for row in rows):
        plan.problems.append(Problem(None, None, _("the file has a header but no data rows.")))
        return plan
    checker = kind(session, plan)
    key_at = header.index(kind.key_column) if kind.key_column in header else None
    if key_at is not None:
        keys = {restore(row[key_at].strip()) for row in rows if key_at < len(row)} - {""}
        checker.load(sorted(keys))
    missing_required = [c for c in kind.required if c not in header]
    first_row_of_key: dict[Hashable, int] = {}

    def fold(key: Hashable) -> Hashable:
        return key.casefold() if kind.fold_keys and isinstance(key, str) else key

    for number, cells in enumerate(rows, start=FIRST_DATA_ROW):
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
        refused = checker.refuse_row(number, present)
        if refused:
            plan.problems.extend(refused)
            continue
        key = present.get(kind.key_column, "") if kind.key_column else ""
        if key:
            if fold(key) in first_row_of_key:
                plan.problems.append(checker.duplicate_problem(number, key, first_row_of_key[fold(key)]))
                continue
            first_row_of_key[fold(key)] = number
        stored = checker.stored(key) if key else None
        if stored is not None and getattr(stored, "deleted_at", None) is not None:
            plan.problems.append(checker.deleted_problem(number, key, stored))
            continue
        if stored is None and missing_required:
            plan.problems.append(checker.missing_columns_problem(number, key or None, missing_required))
            continue
        values = dict(present)
        if stored is not None and kind.partial_updates:
            values = {**checker.stored_values(stored), **present}
            if "confidentiality" in kind.columns and not present.get("confidentiality"):
                # Never lowered by omission: an absent or empty cell keeps the stored level.
                values["confidentiality"] = stored.confidentiality
        checked = checker.check(number, values, present, stored)
        if isinstance(checked, list):
            plan.problems.extend(checked)
            continue
        if checked.key is not None:
            if fold(checked.key) in first_row_of_key:
                plan.problems.append(
                    checker.duplicate_problem(number, checked.key, first_row_of_key[fold(checked.key)])
                )
                continue
            first_row_of_key[fold(checked.key)] = number
        level = getattr(checked.record, "confidentiality", None)
        if stored is not None and level is not None and RANK[level] < RANK[stored.confidentiality]:
            plan.lowered.append(Lowering(number, key, stored.id, stored.confidentiality, level))
        plan.rows.append(checked)
    checker.finish()
    plan.new_themes.sort(key=str.casefold)
    plan.unknown_themes.sort(key=str.casefold)
    plan.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    return plan


# ---- writing ---------------------------------------------------------------------------


def apply_plan(
    session: Session,
    plan: ImportPlan,
    actor: str,
    progress: Callable[[float], None] | None = None,
    options: ImportOptions | None = None,
) -> ImportResult:
    """Write a checked plan in the caller's transaction (all or nothing), through the record
    type's write path; create the new themes first (only when the plan was made with
    ``create_themes``); record the import batch (content hash, file name, who, counts)."""
    options = options or plan.options
    if not plan.ok or plan.kind is None:
        raise ImportRejected(plan.problems or [Problem(None, None, _("there is nothing to import."))])
    refused = plan.kind.refuse_plan(plan, options)
    if refused:
        raise ImportRejected(refused)
    from tracker.records.reference_lists import add_theme

    known = {t.casefold() for t in session.scalars(select(Theme.name))}
    for name in plan.new_themes:
        if name.casefold() not in known:
            add_theme(session, name)
    total, done = len(plan.rows), 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done / total)

    created, updated = plan.kind.write(session, plan, actor, advance)
    session.add(
        ImportBatch(
            content_sha256=plan.content_hash,
            filename=plan.filename[:255],
            imported_by=actor,
            created=created,
            updated=updated,
        )
    )
    session.flush()
    return ImportResult(
        created=created, updated=updated, unchanged=total - created - updated, lowered=tuple(plan.lowered)
    )


def import_file(
    session: Session,
    kind: type[RecordImport],
    data: bytes,
    filename: str,
    actor: str,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    options: ImportOptions | None = None,
) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, then (unless ``dry_run``) write. What would stop the write (unconfirmed likely
    duplicates) is a problem of the plan."""
    options = options or ImportOptions()
    plan = plan_file(session, kind, data, filename, options)
    if plan.ok:
        plan.problems.extend(kind.refuse_plan(plan, options))
    if not plan.ok or dry_run:
        return plan, None
    return plan, apply_plan(session, plan, actor, progress, options)
