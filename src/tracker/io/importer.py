"""The activity import: the brief's activity file as a configuration of the one planner
(``tracker.io.pipeline``): its columns, its row check, its write through ``activities``.

``plan_import`` checks a file without writing anything; ``apply_import`` writes the whole
plan in the caller's transaction, in bulk; ``import_file`` does both. A file with any
problem imports nothing; each problem reads ``row N, column C: message`` (N as the
spreadsheet shows it: the header is row 1, the first data row row 2).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.db.models import Activity, Forum
from tracker.i18n import _
from tracker.io import tables
from tracker.io.cells import csv_table
from tracker.io.pipeline import (
    Duplicate,
    ImportOptions,
    ImportPlan,
    ImportRejected,
    ImportResult,
    PlannedRow,
    Problem,
    RecordImport,
    apply_plan,
    plan_file,
)
from tracker.records import activities, activity_fields, audit
from tracker.records.activity_fields import EXPORT_COLUMNS, REQUIRED_COLUMNS
from tracker.records.validation import ActivityInput, describe_errors

# Re-exported for the activity import's callers (pages, CLI, tests).
__all__ = ["ImportRejected"]

KNOWN_COLUMNS = tuple(EXPORT_COLUMNS)
# The template's example row carries this external_id; the importer refuses it.
TEMPLATE_MARKER = "EXAMPLE-delete-this-row"
NUMBER_COLUMNS = ("effort_days", "cost_usd")
FIELD_FOR_COLUMN = {"date": "activity_date", "evidence_url": "evidence_urls"}
COLUMN_FOR_FIELD = {"activity_date": "date", "evidence_urls": "evidence_url", "event_id": "event"}


def read_table(data: bytes, filename: str, max_bytes: int | None = None) -> tuple[list[str], list[list[str]]]:
    """An activity file's header and rows (``tables.read_table`` with the activity columns)."""
    return tables.read_table(
        data, filename, max_bytes, known_columns=KNOWN_COLUMNS, number_columns=NUMBER_COLUMNS
    )


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


class ActivityImport(RecordImport):
    """Activities: a row whose ``external_id`` is in the tracker updates that activity with
    the columns the file has (the brief's "Updating by external_id"); any other row creates one."""

    noun = "activity"
    columns = KNOWN_COLUMNS
    required = tuple(REQUIRED_COLUMNS)
    number_columns = NUMBER_COLUMNS
    key_column = "external_id"
    partial_updates = True
    preview_columns = ("title",)

    def __init__(self, session: Session, plan: ImportPlan):
        super().__init__(session, plan)
        self.refs = activities.References(session, create=False)
        self.known_organisations = set(self.refs.organisations)
        self.known_forums = set(self.refs.forums)
        self.events = {(e.forum_id, e.name.casefold()): e.id for e in self.refs.events.values()}
        self.existing: dict[str, Activity] = {}

    def load(self, keys: list[str]) -> None:
        self.existing = _existing(self.session, keys)
        self.refs.load_external_ids(keys)

    def stored(self, key: str) -> Activity | None:
        return self.existing.get(key)

    def stored_values(self, stored: Any) -> dict[str, str]:
        return activity_fields.import_format_row(stored)

    def refuse_row(self, number: int, present: dict[str, str]) -> list[Problem]:
        key = present.get("external_id") or ""
        if key.casefold() == TEMPLATE_MARKER.casefold():
            return [
                Problem(
                    number, None, _("this is the template's example row: delete it, then add your own rows.")
                )
            ]
        return []

    def deleted_problem(self, number: int, key: str, stored: Any) -> Problem:
        return Problem(
            number,
            "external_id",
            _("“{id}” names activity {n}, deleted on {day}: restore it first, then import again.").format(
                id=key, n=stored.id, day=stored.deleted_at.date().isoformat()
            ),
        )

    def missing_columns_problem(self, number: int, key: str | None, missing: list[str]) -> Problem:
        message = (
            _(
                "“{id}” is not in the tracker, so this row creates an activity: "
                "the file needs the columns {columns}."
            ).format(id=key, columns=", ".join(missing))
            if key
            else _("this row creates an activity: the file needs the columns {columns}.").format(
                columns=", ".join(missing)
            )
        )
        return Problem(number, None, message)

    def check(
        self, number: int, values: dict[str, str], present: dict[str, str], stored: Any | None
    ) -> PlannedRow | list[Problem]:
        values = dict(values)
        if (
            stored is not None
            and "event" not in present
            and values["forum"].casefold() != stored.forum.name.casefold()
        ):
            values["event"] = ""  # a new forum: the old forum's event no longer fits
        event_name = values.pop("event", "") or None
        forum_name = values.get("forum", "").strip()
        if forum_name.casefold() in self.known_forums:
            values.pop("forum_category", None)  # an existing forum keeps its category
        fields = {FIELD_FOR_COLUMN.get(k, k): v for k, v in values.items()}
        for name in NUMBER_COLUMNS:
            if stored is not None and fields.get(name) == "":
                fields[name] = "0"
        try:
            record = ActivityInput(**fields)
        except ValidationError as error:
            refused = [Problem(number, COLUMN_FOR_FIELD.get(c, c), m) for c, m in describe_errors(error)]
            return refused + self.theme_cell_problems(number, values, refused)
        refs = self.refs
        problems: list[Problem] = []
        forum = refs.forums.get(record.forum.casefold())
        if forum is not None and forum.id is None:
            first = self.plan.new_forums.get(forum.name)
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
            event_id = (
                self.events.get((forum.id, event_name.casefold())) if forum is not None and forum.id else None
            )
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
        problems += self.theme_problems(number, record.themes)
        # Unknown themes: the planner's rule above (refused, or created on request).
        for name, message in activities.record_problems(refs, record, activity_id, new_themes=True):
            problems.append(Problem(number, COLUMN_FOR_FIELD.get(name, name), message))
        if problems:
            return problems
        if forum is None and record.forum_category is not None:
            self.plan.new_forums[record.forum] = record.forum_category
            refs.forum(record.forum, record.forum_category)  # later rows know it (a transient row)
        for name in record.themes:
            refs.theme(name)  # a transient theme, enough for the snapshot
        for name in record.organisations:
            if name.casefold() not in self.known_organisations:
                self.known_organisations.add(name.casefold())
                self.plan.new_organisations.append(name)
        changes: dict[str, tuple[Any, Any]] = {}
        if stored is not None:
            draft = activities.draft(refs, record, activity_id, stored.version, new_themes=True)
            changes = audit.changed_fields(activity_fields.snapshot(stored), draft.snapshot())
        return PlannedRow(number, record, activity_id, changes, {"title": record.title})

    def finish(self) -> None:
        self.plan.new_organisations.sort(key=str.casefold)
        self.plan.duplicates = _duplicates(
            self.session, [r for r in self.plan.rows if r.stored_id is None and not r.record.external_id]
        )

    @classmethod
    def describe_changes(cls, changes: dict[str, tuple[Any, Any]]) -> str:
        return activity_fields.describe_changes(changes)

    @classmethod
    def refuse_plan(cls, plan: ImportPlan, options: ImportOptions) -> list[Problem]:
        if plan.duplicates and not options.confirm_duplicates:
            return [
                *[Problem(d.row, None, d.message) for d in plan.duplicates],
                Problem(None, None, _("the file has likely duplicates: confirm them to import it anyway.")),
            ]
        return []

    @classmethod
    def write(
        cls, session: Session, plan: ImportPlan, actor: str, progress: Callable[[int], None]
    ) -> tuple[int, int]:
        creates = [r.record for r in plan.rows if r.stored_id is None]
        activities.create_activities(session, creates, actor, progress)
        updates = [(r.stored_id, r.record) for r in plan.rows if r.stored_id is not None]
        changed = activities.update_activities(session, updates, actor, progress)
        return len(creates), changed


def _duplicates(session: Session, rows: list[PlannedRow]) -> list[Duplicate]:
    """Rows matching live activities on date, forum and title (case-insensitively)."""
    if not rows:
        return []
    dates = sorted({r.record.activity_date for r in rows})
    live: dict[tuple[Any, str, str], list[int]] = {}
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


def plan_import(
    session: Session,
    data: bytes,
    filename: str,
    max_bytes: int | None = None,
    create_themes: bool = False,
) -> ImportPlan:
    """Check a whole activity file against the rules and the database. Writes nothing."""
    return plan_file(session, ActivityImport, data, filename, ImportOptions(create_themes), max_bytes)


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
    options = ImportOptions(plan.options.create_themes, confirm_duplicates)
    return apply_plan(session, plan, actor, progress, options)


def import_file(
    session: Session,
    data: bytes,
    filename: str,
    actor: str,
    dry_run: bool = False,
    progress: Callable[[float], None] | None = None,
    confirm_duplicates: bool = False,
    create_themes: bool = False,
) -> tuple[ImportPlan, ImportResult | None]:
    """Plan, then (unless ``dry_run``) write. Likely duplicates are problems unless confirmed."""
    from tracker.io import pipeline

    options = ImportOptions(create_themes, confirm_duplicates)
    return pipeline.import_file(session, ActivityImport, data, filename, actor, dry_run, progress, options)


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
