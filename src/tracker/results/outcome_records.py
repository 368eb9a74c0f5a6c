"""The staff side of outcome records: what the Outcome list (filtered) and the Edit outcome
page show. No Streamlit here.

Every write still goes through ``tracker.records.outcomes`` (the one write path); this module
only reads and shapes page data. The outcome import is ``tracker.io.outcome_import``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.access.permissions import can_see_restricted
from tracker.db.models import Activity, Forum, Outcome, Theme
from tracker.i18n import _
from tracker.records import outcome_fields, outcomes
from tracker.records.entry import history_table
from tracker.records.outcomes import Contribution
from tracker.results import results_views
from tracker.results.filters import live
from tracker.results.outcome_search import OutcomeFilters, find_outcomes
from tracker.text import formatting


def _staff_only(role: str | None) -> None:
    if not can_see_restricted(role):
        raise PermissionError("outcome records are for staff and admins")


# ---- the outcome form's choices ----------------------------------------------------------


@dataclass(frozen=True)
class OutcomeFormOptions:
    themes: list[str]
    forums: list[str]
    activities: dict[int, str]  # live activities, id -> "date · title"


def outcome_form_options(session: Session, role: str | None) -> OutcomeFormOptions:
    """What the staff outcome form offers (staff and admins read every activity)."""
    if not can_see_restricted(role):
        raise PermissionError("the outcome form is for staff and admins")
    rows = session.execute(
        select(Activity.id, Activity.activity_date, Activity.title)
        .where(live(Activity))
        .order_by(Activity.activity_date.desc(), Activity.id.desc())
    ).all()
    return OutcomeFormOptions(
        themes=list(session.scalars(select(Theme.name).order_by(Theme.name))),
        forums=list(session.scalars(select(Forum.name).order_by(Forum.name))),
        activities={i: f"{formatting.short_date(d)} · {t}" for i, d, t in rows},
    )


# ---- the filtered list ----------------------------------------------------------------


def staff_outcome_list(session: Session, role: str | None, filters: OutcomeFilters) -> pd.DataFrame:
    """The staff list's rows (newest first) for ``filters``: restricted ones included,
    deleted ones only when asked (marked)."""
    _staff_only(role)
    chosen = find_outcomes(session, filters)
    return results_views.outcome_rows(session, role, include_deleted=True, chosen=chosen)[0]


def outcome_years(session: Session) -> list[int]:
    """The years that have an outcome (deleted ones too), newest first, for the year filter."""
    year = func.extract("year", Outcome.outcome_date)
    return sorted({int(y) for y in session.scalars(select(year).distinct()) if y is not None}, reverse=True)


def filtered_download_rows(session: Session, role: str | None, filters: OutcomeFilters) -> int:
    """How many outcomes a download of ``filters`` holds (live ones: deleted ones are never in it)."""
    _staff_only(role)
    return len(find_outcomes(session, replace(filters, include_deleted=False)))


# ---- the Edit outcome page ------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeEdit:
    """One outcome as the Edit page opens it: the version to save over, and the form's values."""

    id: int
    outcome_id: str
    version: int
    deleted: bool
    deleted_on: dt.date | None
    values: dict[str, Any]  # OutcomeInput field -> the form's initial value
    contributions: tuple[Contribution, ...]


def outcome_choices(session: Session, role: str | None) -> dict[int, str]:
    """Every outcome (deleted ones marked), newest first: id -> "OUT-1 · 2024-05-01 · statement"."""
    _staff_only(role)
    rows = session.execute(
        select(
            Outcome.id, Outcome.outcome_id, Outcome.outcome_date, Outcome.statement, Outcome.deleted_at
        ).order_by(Outcome.outcome_date.desc(), Outcome.outcome_id)
    ).all()
    choices = {}
    for pk, key, day, statement, deleted_at in rows:
        text = statement if len(statement) <= 80 else statement[:79] + "…"
        choices[pk] = f"{key} · {formatting.short_date(day)} · {text}" + (
            f" {_('(deleted)')}" if deleted_at else ""
        )
    return choices


def form_values(outcome: Outcome) -> dict[str, Any]:
    """The outcome as the outcome form's initial values (``OutcomeInput`` field names)."""
    return {
        "outcome_id": outcome.outcome_id,
        "outcome_date": outcome.outcome_date,
        "statement": outcome.statement,
        "social_actor": outcome.social_actor,
        "change_type": outcome.change_type,
        "themes": sorted(t.name for t in outcome.themes),
        "forum": outcome.forum.name if outcome.forum else None,
        "country": outcome.country or "",
        "significance": outcome.significance or "",
        "contribution": outcome.contribution or "",
        "evidence_urls": outcome.evidence_urls or "",
        "substantiation": outcome.substantiation,
        "positive": bool(outcome.positive),
        "intended": bool(outcome.intended),
        "activity_ids": sorted(a.id for a in outcome.activities),
        "confidentiality": outcome.confidentiality,
    }


def open_outcome(session: Session, role: str | None, outcome_pk: int) -> OutcomeEdit:
    """The outcome to edit (raises ValidationFailed with a sentence when it does not exist)."""
    _staff_only(role)
    outcome = outcomes.get_outcome(session, outcome_pk)
    return OutcomeEdit(
        id=outcome.id,
        outcome_id=outcome.outcome_id,
        version=outcome.version,
        deleted=outcome.deleted_at is not None,
        deleted_on=outcome.deleted_at.date() if outcome.deleted_at else None,
        values=form_values(outcome),
        contributions=tuple(outcomes.contributing_activities(outcome)),
    )


def edit_form_options(session: Session, role: str | None, outcome_pk: int) -> OutcomeFormOptions:
    """The form's choices plus the outcome's own links to deleted activities (marked), so
    saving keeps a link to an activity that was deleted since."""
    options = outcome_form_options(session, role)
    activities = dict(options.activities)
    for activity in outcomes.get_outcome(session, outcome_pk).activities:
        if activity.deleted_at is not None:
            activities[activity.id] = (
                f"{formatting.short_date(activity.activity_date)} · {activity.title} {_('(deleted)')}"
            )
    return replace(options, activities=activities)


def contributions_table(contributions: tuple[Contribution, ...]) -> pd.DataFrame:
    """The contributing activities as the Edit page lists them, a deleted one said so."""
    rows = [
        {
            "id": c.activity_id,
            "date": c.date,
            "title": c.title,
            "confidentiality": c.confidentiality,
            "status": _("deleted") if c.deleted else _("live"),
        }
        for c in contributions
    ]
    return pd.DataFrame(rows, columns=["id", "date", "title", "confidentiality", "status"])


def outcome_history(session: Session, role: str | None, outcome_pk: int) -> pd.DataFrame:
    """Every version of an outcome: when, who, what they did and which fields changed,
    with field labels and plain words (as the activity History)."""
    _staff_only(role)
    return history_table(outcomes.history(session, outcome_pk), outcome_fields.describe_changes)


def labelled_changes(changes: dict[str, tuple[Any, Any]]) -> dict[str, tuple[Any, Any]]:
    """A version conflict's changes keyed by field label (for the page's table)."""
    return {outcome_fields.label(k): v for k, v in changes.items() if k not in ("version",)}
