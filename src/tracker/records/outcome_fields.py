"""The fields of an outcome, declared once (as ``activity_fields`` does for activities).

Each field says its label, its column in the import/export format (the brief's
"Outcomes" table), its key in the audit snapshot and its kind. The importer, the
exports, the audit snapshot and History read this list.

``snapshot`` and ``import_format_row`` read any object with the attributes of
``models.Outcome`` (an ORM row or the draft ``tracker.records.outcomes`` builds).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _


@dataclass(frozen=True)
class OutcomeField:
    name: str  # attribute of OutcomeInput
    label: str  # N_() marked
    column: str  # import/export column
    snapshot: str  # key in the audit snapshot
    kind: str  # text, longtext, date, choice, names, forum, country, urls, yesno, activities
    required: bool = False
    clearable: bool = False  # an empty cell in a present column clears it (or resets the default)


FIELDS: tuple[OutcomeField, ...] = (
    OutcomeField("outcome_id", N_("Outcome id"), "outcome_id", "outcome_id", "text", required=True),
    OutcomeField("outcome_date", N_("Date of the change"), "date", "date", "date", required=True),
    OutcomeField("statement", N_("Outcome statement"), "statement", "statement", "longtext", required=True),
    OutcomeField("social_actor", N_("Social actor"), "social_actor", "social_actor", "text", required=True),
    OutcomeField("change_type", N_("Type of change"), "change_type", "change_type", "choice", required=True),
    OutcomeField("themes", N_("Themes"), "themes", "themes", "names", required=True),
    OutcomeField("forum", N_("Forum"), "forum", "forum", "forum", clearable=True),
    OutcomeField("country", N_("Country"), "country", "country", "country", clearable=True),
    OutcomeField(
        "significance", N_("Significance"), "significance", "significance", "longtext", clearable=True
    ),
    OutcomeField(
        "contribution",
        N_("Contribution of the coalition"),
        "contribution",
        "contribution",
        "longtext",
        clearable=True,
    ),
    OutcomeField(
        "evidence_urls", N_("Evidence links"), "evidence_url", "evidence_urls", "urls", clearable=True
    ),
    OutcomeField(
        "substantiation", N_("Substantiation"), "substantiation", "substantiation", "choice", clearable=True
    ),
    OutcomeField("positive", N_("Positive change"), "positive", "positive", "yesno", clearable=True),
    OutcomeField("intended", N_("Intended change"), "intended", "intended", "yesno", clearable=True),
    OutcomeField(
        "activities", N_("Contributing activities"), "activities", "activities", "activities", clearable=True
    ),
    OutcomeField("confidentiality", N_("Confidentiality"), "confidentiality", "confidentiality", "choice"),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_COLUMN = {f.column: f for f in FIELDS}
BY_SNAPSHOT = {f.snapshot: f for f in FIELDS}

# The brief's columns, in its order.
COLUMNS = [f.column for f in FIELDS]
REQUIRED_COLUMNS = tuple(f.column for f in FIELDS if f.required)
META_LABELS = {"id": N_("Id"), "version": N_("Version"), "deleted": N_("Deleted")}


def label(key: str) -> str:
    """The translated label of a field, by field name, column or snapshot key."""
    field = BY_NAME.get(key) or BY_COLUMN.get(key) or BY_SNAPSHOT.get(key)
    if field is not None:
        return _(field.label)
    return _(META_LABELS[key]) if key in META_LABELS else key


def _urls(outcome: Any) -> list[str]:
    return outcome.evidence_urls.split("\n") if outcome.evidence_urls else []


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def activity_keys(outcome: Any) -> list[str]:
    """The contributing activities' external ids (those without one cannot be named in a file)."""
    return sorted(a.external_id for a in outcome.activities if a.external_id)


def snapshot(outcome: Any) -> dict[str, Any]:
    """The ONE audit snapshot of an outcome: plain JSON values, names instead of ids."""
    return {
        "id": outcome.id,
        "version": outcome.version,
        "outcome_id": outcome.outcome_id,
        "date": outcome.outcome_date.isoformat(),
        "statement": outcome.statement,
        "social_actor": outcome.social_actor,
        "change_type": outcome.change_type,
        "themes": sorted(t.name for t in outcome.themes),
        "forum": outcome.forum.name if outcome.forum else None,
        "country": outcome.country,
        "significance": outcome.significance,
        "contribution": outcome.contribution,
        "evidence_urls": _urls(outcome),
        "substantiation": outcome.substantiation,
        "positive": bool(outcome.positive),
        "intended": bool(outcome.intended),
        "activities": sorted(a.id for a in outcome.activities),
        "confidentiality": outcome.confidentiality,
        "deleted": outcome.deleted_at is not None,
    }


def import_format_row(outcome: Any) -> dict[str, str]:
    """The outcome as one row of the import format (every cell text)."""
    return {
        "outcome_id": outcome.outcome_id,
        "date": outcome.outcome_date.isoformat(),
        "statement": outcome.statement,
        "social_actor": outcome.social_actor,
        "change_type": outcome.change_type,
        "themes": ";".join(sorted(t.name for t in outcome.themes)),
        "forum": outcome.forum.name if outcome.forum else "",
        "country": outcome.country or "",
        "significance": outcome.significance or "",
        "contribution": outcome.contribution or "",
        "evidence_url": " ".join(_urls(outcome)),
        "substantiation": outcome.substantiation,
        "positive": yes_no(outcome.positive),
        "intended": yes_no(outcome.intended),
        "activities": ";".join(activity_keys(outcome)),
        "confidentiality": outcome.confidentiality,
    }


def describe_changes(changes: dict[str, tuple[Any, Any]]) -> str:
    """``Label: old → new; ...`` in plain words."""
    from tracker.records.activity_fields import plain

    return "; ".join(f"{label(k)}: {plain(b)} → {plain(a)}" for k, (b, a) in changes.items())
