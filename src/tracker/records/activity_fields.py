"""The fields of an activity, declared once.

Each field says its label (shown on the form, in History and in the import preview), its
column in the import/export format, its key in the audit snapshot, its place on the form
and its kind. The form defaults, the importer, the exports, the audit snapshot and the
activity-log rows all read this list, so a new field is one more line here (plus the
model, the rule in ``validation`` and a migration).

``snapshot``, ``import_format_row`` and ``form_values`` read any object with the
attributes of ``models.Activity`` (an ORM row, or the draft the bulk writer builds),
so a record saved by the form and the same record saved by an import leave the same
audit entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _
from tracker.vocabulary import DEFAULT_CONFIDENTIALITY


@dataclass(frozen=True)
class ActivityField:
    name: str  # attribute of ActivityInput
    label: str  # N_() marked; translate with _() when shown
    column: str | None  # import/export column (None: not in the file)
    snapshot: str | None  # key in the audit snapshot (None: not audited)
    kind: str  # date, forum, event, choice, names, text, longtext, number, urls, country
    required: bool = False  # needed to create an activity
    clearable: bool = False  # an empty cell in a present column clears it


FIELDS: tuple[ActivityField, ...] = (
    ActivityField("activity_date", N_("Date"), "date", "date", "date", required=True),
    ActivityField("forum", N_("Forum"), "forum", "forum", "forum", required=True),
    ActivityField("event_id", N_("Forum event"), "event", "event", "event", clearable=True),
    ActivityField("themes", N_("Themes"), "themes", "themes", "names", required=True),
    ActivityField("activity_type", N_("Activity type"), "activity_type", "activity_type", "choice", True),
    ActivityField("title", N_("Title"), "title", "title", "text", required=True),
    ActivityField("description", N_("Description"), "description", "description", "longtext", clearable=True),
    ActivityField(
        "organisations", N_("Organisations"), "organisations", "organisations", "names", clearable=True
    ),
    ActivityField("country", N_("Country"), "country", "country", "country", clearable=True),
    ActivityField(
        "effort_days", N_("Effort (staff-days)"), "effort_days", "effort_days", "number", clearable=True
    ),
    ActivityField("cost_usd", N_("Cost (US$)"), "cost_usd", "cost_usd", "number", clearable=True),
    ActivityField("outcome", N_("Outcome"), "outcome", "outcome", "longtext", clearable=True),
    ActivityField(
        "evidence_urls", N_("Evidence links"), "evidence_url", "evidence_urls", "urls", clearable=True
    ),
    ActivityField("confidentiality", N_("Confidentiality"), "confidentiality", "confidentiality", "choice"),
    ActivityField("external_id", N_("External id"), "external_id", "external_id", "text", clearable=True),
    ActivityField("grants", N_("Grants"), "grants", "grants", "names", clearable=True),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_COLUMN = {f.column: f for f in FIELDS if f.column}
BY_SNAPSHOT = {f.snapshot: f for f in FIELDS if f.snapshot}

# The brief's import columns in its order, plus ``event`` (the forum event's name) so an
# export imported into an empty database keeps each activity's event. ``forum_category``
# belongs to the forum: it lets a file create a new forum.
IMPORT_COLUMNS = [
    "date",
    "forum",
    "forum_category",
    "themes",
    "activity_type",
    "title",
    "description",
    "organisations",
    "country",
    "effort_days",
    "cost_usd",
    "outcome",
    "evidence_url",
    "confidentiality",
    "external_id",
    "grants",
]
EXPORT_COLUMNS = [*IMPORT_COLUMNS, "event"]
REQUIRED_COLUMNS = tuple(f.column for f in FIELDS if f.required and f.column)
TEXT_FIELDS = tuple(f.name for f in FIELDS if f.kind in ("text", "longtext"))
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


def _number(value: float) -> str:
    return f"{value:g}" if value == int(value) else repr(value)


def _urls(activity: Any) -> list[str]:
    return activity.evidence_urls.split("\n") if activity.evidence_urls else []


def snapshot(activity: Any) -> dict[str, Any]:
    """The ONE audit snapshot: plain JSON values, names instead of ids."""
    return {
        "id": activity.id,
        "version": activity.version,
        "date": activity.activity_date.isoformat(),
        "forum": activity.forum.name,
        "event": activity.event.name if activity.event else None,
        "themes": sorted(t.name for t in activity.themes),
        "activity_type": activity.activity_type,
        "title": activity.title,
        "description": activity.description,
        "organisations": sorted(o.name for o in activity.organisations),
        "country": activity.country,
        "effort_days": activity.effort_days,
        "cost_usd": activity.cost_usd,
        "outcome": activity.outcome,
        "evidence_urls": _urls(activity),
        "confidentiality": activity.confidentiality,
        "external_id": activity.external_id,
        "grants": sorted(g.grant_id for g in activity.grants),
        "deleted": activity.deleted_at is not None,
    }


def import_format_row(activity: Any) -> dict[str, str]:
    """The activity as one row of the import format (every cell text)."""
    return {
        "date": activity.activity_date.isoformat(),
        "forum": activity.forum.name,
        "forum_category": activity.forum.category,
        "themes": ";".join(sorted(t.name for t in activity.themes)),
        "activity_type": activity.activity_type,
        "title": activity.title,
        "description": activity.description or "",
        "organisations": ";".join(sorted(o.name for o in activity.organisations)),
        "country": activity.country or "",
        "effort_days": _number(activity.effort_days),
        "cost_usd": _number(activity.cost_usd),
        "outcome": activity.outcome or "",
        "evidence_url": " ".join(_urls(activity)),
        "confidentiality": activity.confidentiality,
        "external_id": activity.external_id or "",
        "grants": ";".join(sorted(g.grant_id for g in activity.grants)),
        "event": activity.event.name if activity.event else "",
    }


def form_values(activity: Any) -> dict[str, object]:
    """The activity as the form's widgets take it."""
    return {
        "activity_date": activity.activity_date,
        "forum": activity.forum.name,
        "event_id": activity.event_id,
        "themes": sorted(t.name for t in activity.themes),
        "activity_type": activity.activity_type,
        "title": activity.title,
        "description": activity.description or "",
        "organisations": sorted(o.name for o in activity.organisations),
        "country": activity.country,
        "effort_days": activity.effort_days,
        "cost_usd": activity.cost_usd,
        "outcome": activity.outcome or "",
        "evidence_urls": "\n".join(_urls(activity)),
        "confidentiality": activity.confidentiality,
        "external_id": activity.external_id or "",
        "grants": sorted(g.grant_id for g in activity.grants),
    }


def form_defaults(today: dt.date, organisations: list[str]) -> dict[str, object]:
    """An empty form: today, the given organisations, internal."""
    return {
        "activity_date": today,
        "forum": None,
        "event_id": None,
        "themes": [],
        "activity_type": "meeting",
        "title": "",
        "description": "",
        "organisations": organisations,
        "country": None,
        "effort_days": 0.0,
        "cost_usd": 0.0,
        "outcome": "",
        "evidence_urls": "",
        "confidentiality": DEFAULT_CONFIDENTIALITY,
        "external_id": "",
        "grants": [],
    }


def log_row(activity: Any, country_name) -> dict[str, object]:
    """One row of the activity log."""
    return {
        "id": activity.id,
        "date": activity.activity_date,
        "title": activity.title,
        "forum": activity.forum.name,
        "category": activity.forum.category,
        "themes": "; ".join(sorted(t.name for t in activity.themes)),
        "activity_type": activity.activity_type,
        "organisations": "; ".join(sorted(o.name for o in activity.organisations)),
        "country": country_name(activity.country),
        "effort_days": activity.effort_days,
        "cost_usd": activity.cost_usd,
        "confidentiality": activity.confidentiality,
        "outcome": activity.outcome or "",
    }


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
