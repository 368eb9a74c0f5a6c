"""The fields of an activity, declared once.

Each field says its label (shown on the form, in History and in the import preview), its
column in the import/export format, its key in the audit snapshot, its kind, its form
default, its template example and its place in the activity log. Every list of fields is
derived from ``FIELDS`` (``derive``): the import and export columns, the number columns, the
JSON export, the snapshot, the log columns, the form order, the stored scalars and the
template row. Adding a field: docs/architecture.md, "Adding a field".

``snapshot``, ``import_format_row`` and ``form_values`` read any object with the
attributes of ``models.Activity`` (an ORM row, or the draft the bulk writer builds),
so a record saved by the form and the same record saved by an import leave the same
audit entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _
from tracker.vocabulary import DEFAULT_CONFIDENTIALITY
from tracker.vocabulary import label as vocabulary_label

# The template's example row carries this external_id; the importer refuses it.
TEMPLATE_MARKER = "EXAMPLE-delete-this-row"


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else repr(value)


def evidence_links(record: Any) -> list[str]:
    """A record's evidence links as a list (stored one per line), for activities and outcomes."""
    return record.evidence_urls.split("\n") if record.evidence_urls else []


def _names(attribute: str, key: str = "name") -> Callable[[Any], list[str]]:
    return lambda activity: sorted(getattr(item, key) for item in getattr(activity, attribute))


def cell_text(kind: str, value: Any) -> str:
    """A field's plain value as import-format text, by its kind (activities and outcomes)."""
    if kind == "names":
        return ";".join(value)
    if kind == "urls":
        return " ".join(value)
    if kind == "number":
        return _number(value)
    if kind == "yesno":
        return "yes" if value else "no"
    if kind == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)
    return "" if value is None else str(value)


def _attribute(name: str) -> Callable[[Any], Any]:
    return lambda activity: getattr(activity, name)


@dataclass(frozen=True)
class ActivityField:
    """One field of an activity. Every list of fields (snapshot, import and export columns,
    JSON, activity log, form, numbers, template row, stored scalars) is derived from these."""

    name: str  # attribute of ActivityInput (and of models.Activity for a stored scalar)
    label: str  # N_() marked; translate with _() when shown
    column: str | None  # import/export column (None: not in the file)
    snapshot: str | None  # key in the audit snapshot (None: not audited)
    kind: str  # date, forum, event, choice, names, text, longtext, number, urls, country
    required: bool = False  # needed to create an activity
    clearable: bool = False  # an empty cell in a present column clears it
    # The field's plain JSON value (snapshot, JSON export); None: the attribute ``name``.
    value: Callable[[Any], Any] | None = None
    default: Any = None  # the empty form's value
    example: str = ""  # the import template's example cell
    log_rank: int | None = None  # place in the activity log (None: not shown there)
    in_import: bool = True  # False: written by exports only (read back when present)
    vocabulary: str | None = None  # a ``vocabulary.LABELS`` kind: shown by its display label

    def read(self, activity: Any) -> Any:
        """The plain JSON value: names instead of ids, lists sorted, urls as a list."""
        return (self.value or _attribute(self.name))(activity)

    @property
    def scalar(self) -> bool:
        """Stored in a column of its own on ``models.Activity`` (not a link to another table)."""
        return self.kind not in ("forum", "event", "names")

    def cell(self, activity: Any) -> str:
        """The field as import-format text."""
        return cell_text(self.kind, self.read(activity))

    def json(self, activity: Any) -> Any:
        """The field in the JSON export: numbers as numbers, lists as lists, the rest as text."""
        return self.read(activity) if self.kind in ("names", "urls", "number") else self.cell(activity)

    def form(self, activity: Any) -> Any:
        """The field as the form's widget takes it."""
        if self.kind in ("event", "date"):
            return getattr(activity, self.name)  # the event's id, the date itself
        if self.kind in ("choice", "number", "country", "forum", "names"):
            return self.read(activity)
        if self.kind == "urls":
            return "\n".join(self.read(activity))
        return self.read(activity) or ""

    def log(self, activity: Any, country_name: Callable[[str | None], str]) -> Any:
        """The field in an activity-log row."""
        if self.kind == "names":
            return "; ".join(self.read(activity))
        if self.kind == "country":
            return country_name(self.read(activity))
        if self.kind == "date":
            return getattr(activity, self.name)
        value = self.read(activity)
        if self.vocabulary is not None:
            return vocabulary_label(self.vocabulary, value)
        return "" if value is None else value


FIELDS: tuple[ActivityField, ...] = (
    ActivityField(
        "activity_date",
        N_("Date"),
        "date",
        "date",
        "date",
        required=True,
        value=lambda a: a.activity_date.isoformat(),
        example="2024-11-12",
        log_rank=1,
    ),
    ActivityField(
        "forum",
        N_("Forum"),
        "forum",
        "forum",
        "forum",
        required=True,
        value=lambda a: a.forum.name,
        example="KP Plenary",
        log_rank=3,
    ),
    ActivityField(
        "event_id",
        N_("Forum event"),
        "event",
        "event",
        "event",
        clearable=True,
        value=lambda a: a.event.name if a.event else None,
        example="KP Plenary 2024",
        in_import=False,
    ),
    ActivityField(
        "themes",
        N_("Themes"),
        "themes",
        "themes",
        "names",
        required=True,
        value=_names("themes"),
        default=[],
        example="KP reform;Land rights",
        log_rank=5,
    ),
    ActivityField(
        "activity_type",
        N_("Activity type"),
        "activity_type",
        "activity_type",
        "choice",
        True,
        default="meeting",
        example="statement",
        vocabulary="activity_type",
        log_rank=6,
    ),
    ActivityField(
        "title",
        N_("Title"),
        "title",
        "title",
        "text",
        required=True,
        default="",
        example="EXAMPLE: delete this row",
        log_rank=2,
    ),
    ActivityField(
        "description", N_("Description"), "description", "description", "longtext", clearable=True, default=""
    ),
    ActivityField(
        "organisations",
        N_("Organisations"),
        "organisations",
        "organisations",
        "names",
        clearable=True,
        value=_names("organisations"),
        default=[],
        example="ZELA;IPIS",
        log_rank=7,
    ),
    ActivityField("country", N_("Country"), "country", "country", "country", clearable=True, log_rank=8),
    ActivityField(
        "effort_days",
        N_("Effort (staff-days)"),
        "effort_days",
        "effort_days",
        "number",
        clearable=True,
        default=0.0,
        example="2.5",
        log_rank=9,
    ),
    ActivityField(
        "cost_usd",
        N_("Cost (US$)"),
        "cost_usd",
        "cost_usd",
        "number",
        clearable=True,
        default=0.0,
        example="1200",
        log_rank=10,
    ),
    ActivityField(
        "outcome", N_("Outcome"), "outcome", "outcome", "longtext", clearable=True, default="", log_rank=12
    ),
    ActivityField(
        "evidence_urls",
        N_("Evidence links"),
        "evidence_url",
        "evidence_urls",
        "urls",
        clearable=True,
        value=evidence_links,
        default="",
        example="https://www.kpcivilsociety.org/",
    ),
    ActivityField(
        "confidentiality",
        N_("Confidentiality"),
        "confidentiality",
        "confidentiality",
        "choice",
        default=DEFAULT_CONFIDENTIALITY,
        example="public",
        vocabulary="confidentiality",
        log_rank=11,
    ),
    ActivityField(
        "external_id",
        N_("External id"),
        "external_id",
        "external_id",
        "text",
        clearable=True,
        default="",
        example=TEMPLATE_MARKER,
    ),
    ActivityField(
        "grants",
        N_("Grants"),
        "grants",
        "grants",
        "names",
        clearable=True,
        value=_names("grants", "grant_id"),
        default=[],
    ),
)


# ---- every list of fields, derived from FIELDS ---------------------------------------------------


@dataclass(frozen=True)
class Derived:
    """The lists other modules read, all made from one tuple of fields."""

    import_columns: list[str]
    export_columns: list[str]
    required_columns: tuple[str, ...]
    number_columns: tuple[str, ...]
    text_fields: tuple[str, ...]
    snapshot_fields: list[str]
    log_columns: list[str]
    form_order: list[str]
    scalars: tuple[str, ...]
    template_row: dict[str, str]


def derive(fields: tuple[ActivityField, ...]) -> Derived:
    # ``forum_category`` belongs to the forum: it follows ``forum`` so a file can create a forum.
    import_columns: list[str] = []
    for f in fields:
        if f.column and f.in_import:
            import_columns.append(f.column)
            if f.kind == "forum":
                import_columns.append("forum_category")
    export_columns = [*import_columns, *(f.column for f in fields if f.column and not f.in_import)]
    log_columns = ["id"]
    for f in sorted((f for f in fields if f.log_rank is not None), key=lambda f: f.log_rank or 0):
        log_columns += [f.column or f.name, "category"] if f.kind == "forum" else [f.column or f.name]
    template = {f.column: f.example for f in fields if f.column}
    forum = next((f for f in fields if f.kind == "forum"), None)
    if forum is not None:
        template["forum_category"] = "KP"
    return Derived(
        import_columns=import_columns,
        export_columns=export_columns,
        required_columns=tuple(f.column for f in fields if f.required and f.column),
        number_columns=tuple(f.column for f in fields if f.kind == "number" and f.column),
        text_fields=tuple(f.name for f in fields if f.kind in ("text", "longtext")),
        snapshot_fields=[f.snapshot for f in fields if f.snapshot],
        log_columns=log_columns,
        form_order=[f.name for f in fields],
        scalars=tuple(f.name for f in fields if f.scalar),
        template_row={c: template[c] for c in export_columns},
    )


_DERIVED = derive(FIELDS)
BY_NAME = {f.name: f for f in FIELDS}
BY_COLUMN = {f.column: f for f in FIELDS if f.column}
BY_SNAPSHOT = {f.snapshot: f for f in FIELDS if f.snapshot}

# The brief's import columns in its order, plus ``event`` (the forum event's name) in exports
# so an export imported into an empty database keeps each activity's event.
IMPORT_COLUMNS = _DERIVED.import_columns
EXPORT_COLUMNS = _DERIVED.export_columns
REQUIRED_COLUMNS = _DERIVED.required_columns
NUMBER_COLUMNS = _DERIVED.number_columns  # the importer reads these as numbers (decimal comma too)
TEXT_FIELDS = _DERIVED.text_fields
SNAPSHOT_FIELDS = _DERIVED.snapshot_fields
LOG_COLUMNS = _DERIVED.log_columns
FORM_ORDER = _DERIVED.form_order
SCALARS = _DERIVED.scalars  # attributes copied as they are onto models.Activity
TEMPLATE_ROW = _DERIVED.template_row  # the import template's example row
# Snapshot keys that are bookkeeping, not fields.
META_LABELS = {"id": N_("Id"), "version": N_("Version"), "deleted": N_("Deleted")}


def label(key: str) -> str:
    """The translated label of a field, by field name, import column or snapshot key."""
    field = BY_NAME.get(key) or BY_COLUMN.get(key) or BY_SNAPSHOT.get(key)
    if field is not None:
        return _(field.label)
    if key == "forum_category":
        return _("Forum category")
    return _(META_LABELS[key]) if key in META_LABELS else key


def snapshot(activity: Any) -> dict[str, Any]:
    """The ONE audit snapshot: plain JSON values, names instead of ids."""
    values = {f.snapshot: f.read(activity) for f in FIELDS if f.snapshot}
    return {
        "id": activity.id,
        "version": activity.version,
        **values,
        "deleted": activity.deleted_at is not None,
    }


def import_format_row(activity: Any) -> dict[str, str]:
    """The activity as one row of the import format (every cell text)."""
    row = {f.column: f.cell(activity) for f in FIELDS if f.column}
    row["forum_category"] = activity.forum.category
    return row


def json_row(activity: Any) -> dict[str, Any]:
    """The activity as one object of the JSON export (numbers as numbers, lists as lists)."""
    row: dict[str, Any] = {f.column: f.json(activity) for f in FIELDS if f.column}
    row["forum_category"] = activity.forum.category
    return {c: row[c] for c in EXPORT_COLUMNS}


def form_values(activity: Any) -> dict[str, object]:
    """The activity as the form's widgets take it."""
    return {f.name: f.form(activity) for f in FIELDS}


def form_defaults(today: dt.date, organisations: list[str]) -> dict[str, object]:
    """An empty form: today, the given organisations, internal."""
    defaults = {f.name: list(f.default) if isinstance(f.default, list) else f.default for f in FIELDS}
    defaults.update(activity_date=today, organisations=organisations)
    return defaults


def log_row(activity: Any, country_name: Callable[[str | None], str]) -> dict[str, object]:
    """One row of the activity log (``LOG_COLUMNS``), vocabulary values by their display labels."""
    row: dict[str, object] = {
        "id": activity.id,
        "category": vocabulary_label("forum_category", activity.forum.category),
    }
    for f in FIELDS:
        if f.log_rank is not None:
            row[f.column or f.name] = f.log(activity, country_name)
    return {c: row[c] for c in LOG_COLUMNS}


def plain(value: Any) -> str:
    """A snapshot value in plain words for History and the preview."""
    if value is None or value == [] or value == "":
        return _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, float):
        return _number(value)
    return str(value)


def describe_changes(changes: dict[str, tuple[Any, Any]]) -> str:
    """``Label: old → new; ...`` in plain words."""
    return "; ".join(f"{label(k)}: {plain(b)} → {plain(a)}" for k, (b, a) in changes.items())
