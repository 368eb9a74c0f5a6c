"""The fields of an outcome, declared once (as ``activity_fields`` does for activities).

Each field says its label, its column in the import/export format (the brief's
"Outcomes" table), its key in the audit snapshot and its kind. The columns, the audit
snapshot, the import-format row, the JSON export and the stored scalars are derived from
``FIELDS``; the importer and History read it too.

``snapshot`` and ``import_format_row`` read any object with the attributes of
``models.Outcome`` (an ORM row or the draft ``tracker.records.outcomes`` builds).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tracker.i18n import N_, _
from tracker.records.activity_fields import cell_text, evidence_links


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


def activity_keys(outcome: Any) -> list[str]:
    """The contributing activities' external ids (those without one cannot be named in a file)."""
    return sorted(a.external_id for a in outcome.activities if a.external_id)


@dataclass(frozen=True)
class OutcomeField:
    """One field of an outcome; the snapshot, the columns, the JSON export and the stored
    scalars are all derived from ``FIELDS``."""

    name: str  # attribute of OutcomeInput (and of models.Outcome for a stored scalar)
    label: str  # N_() marked
    column: str  # import/export column
    snapshot: str  # key in the audit snapshot
    kind: str  # text, longtext, date, choice, names, forum, country, urls, yesno, activities
    required: bool = False
    clearable: bool = False  # an empty cell in a present column clears it (or resets the default)
    value: Callable[[Any], Any] | None = None  # the plain JSON value (None: the attribute)

    def read(self, outcome: Any) -> Any:
        return self.value(outcome) if self.value else getattr(outcome, self.name)

    @property
    def scalar(self) -> bool:
        """Stored in a column of its own on ``models.Outcome`` (not a link)."""
        return self.kind not in ("names", "forum", "activities")

    def cell(self, outcome: Any) -> str:
        """The field as import-format text."""
        if self.kind == "activities":
            return ";".join(activity_keys(outcome))
        return cell_text(self.kind, self.read(outcome))

    def json(self, outcome: Any) -> Any:
        """The field in the JSON export: lists as lists, yes/no as booleans, the rest as text."""
        if self.kind == "activities":
            return activity_keys(outcome)
        if self.kind in ("names", "urls", "yesno"):
            return self.read(outcome)
        return self.cell(outcome)


FIELDS: tuple[OutcomeField, ...] = (
    OutcomeField("outcome_id", N_("Outcome id"), "outcome_id", "outcome_id", "text", required=True),
    OutcomeField(
        "outcome_date",
        N_("Date of the change"),
        "date",
        "date",
        "date",
        required=True,
        value=lambda o: o.outcome_date.isoformat(),
    ),
    OutcomeField("statement", N_("Outcome statement"), "statement", "statement", "longtext", required=True),
    OutcomeField("social_actor", N_("Social actor"), "social_actor", "social_actor", "text", required=True),
    OutcomeField("change_type", N_("Type of change"), "change_type", "change_type", "choice", required=True),
    OutcomeField(
        "themes",
        N_("Themes"),
        "themes",
        "themes",
        "names",
        required=True,
        value=lambda o: sorted(t.name for t in o.themes),
    ),
    OutcomeField(
        "forum",
        N_("Forum"),
        "forum",
        "forum",
        "forum",
        clearable=True,
        value=lambda o: o.forum.name if o.forum else None,
    ),
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
        "evidence_urls",
        N_("Evidence links"),
        "evidence_url",
        "evidence_urls",
        "urls",
        clearable=True,
        value=evidence_links,
    ),
    OutcomeField(
        "substantiation", N_("Substantiation"), "substantiation", "substantiation", "choice", clearable=True
    ),
    OutcomeField(
        "positive",
        N_("Positive change"),
        "positive",
        "positive",
        "yesno",
        clearable=True,
        value=lambda o: bool(o.positive),
    ),
    OutcomeField(
        "intended",
        N_("Intended change"),
        "intended",
        "intended",
        "yesno",
        clearable=True,
        value=lambda o: bool(o.intended),
    ),
    OutcomeField(
        "activities",
        N_("Contributing activities"),
        "activities",
        "activities",
        "activities",
        clearable=True,
        value=lambda o: sorted(a.id for a in o.activities),  # the snapshot names ids
    ),
    OutcomeField("confidentiality", N_("Confidentiality"), "confidentiality", "confidentiality", "choice"),
)
BY_NAME = {f.name: f for f in FIELDS}
BY_COLUMN = {f.column: f for f in FIELDS}
BY_SNAPSHOT = {f.snapshot: f for f in FIELDS}

# The brief's columns, in its order.
COLUMNS = [f.column for f in FIELDS]
REQUIRED_COLUMNS = tuple(f.column for f in FIELDS if f.required)
SNAPSHOT_FIELDS = [f.snapshot for f in FIELDS]
SCALARS = tuple(f.name for f in FIELDS if f.scalar)  # attributes copied as they are onto models.Outcome
META_LABELS = {"id": N_("Id"), "version": N_("Version"), "deleted": N_("Deleted")}


def label(key: str) -> str:
    """The translated label of a field, by field name, column or snapshot key."""
    field = BY_NAME.get(key) or BY_COLUMN.get(key) or BY_SNAPSHOT.get(key)
    if field is not None:
        return _(field.label)
    return _(META_LABELS[key]) if key in META_LABELS else key


def snapshot(outcome: Any) -> dict[str, Any]:
    """The ONE audit snapshot of an outcome: plain JSON values, names instead of ids."""
    values = {f.snapshot: f.read(outcome) for f in FIELDS}
    return {"id": outcome.id, "version": outcome.version, **values, "deleted": outcome.deleted_at is not None}


def import_format_row(outcome: Any) -> dict[str, str]:
    """The outcome as one row of the import format (every cell text)."""
    return {f.column: f.cell(outcome) for f in FIELDS}


def json_row(outcome: Any) -> dict[str, Any]:
    """The outcome as one object of the JSON export."""
    return {f.column: f.json(outcome) for f in FIELDS}


def describe_changes(changes: dict[str, tuple[Any, Any]]) -> str:
    """``Label: old → new; ...`` in plain words."""
    from tracker.records.activity_fields import plain

    return "; ".join(f"{label(k)}: {plain(b)} → {plain(a)}" for k, (b, a) in changes.items())
