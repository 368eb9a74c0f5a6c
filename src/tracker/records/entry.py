"""What the staff entry screens need: choices for the form, an activity as form values,
the deleted list and an activity's history. Writes go through ``activities``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, AuditEntry, Forum, ForumEvent, Grant, Organisation, Theme
from tracker.i18n import N_, _
from tracker.records import activity_fields, audit
from tracker.records.activities import get_live_activity
from tracker.text.periods import format_partial_date


@dataclass(frozen=True)
class EventChoice:
    id: int
    forum: str
    name: str
    start_date: dt.date
    label: str


@dataclass(frozen=True)
class FormOptions:
    forums: list[str]
    forum_categories: dict[str, str]
    events: list[EventChoice]
    themes: list[str]
    organisations: list[str]
    countries: dict[str, str]  # alpha-2 -> name
    grants: list[str] = field(default_factory=list)  # grant_ids


def form_options(session: Session) -> FormOptions:
    forums = session.execute(select(Forum.name, Forum.category).order_by(Forum.name)).all()
    events = session.execute(
        select(ForumEvent.id, Forum.name, ForumEvent.name, ForumEvent.start_date, ForumEvent.date_precision)
        .join(Forum, Forum.id == ForumEvent.forum_id)
        .order_by(ForumEvent.start_date.desc(), ForumEvent.name)
    ).all()
    return FormOptions(
        forums=[f for f, _c in forums],
        forum_categories=dict(forums),
        events=[EventChoice(i, f, n, s, f"{format_partial_date(s, p)} · {n}") for i, f, n, s, p in events],
        themes=list(session.scalars(select(Theme.name).order_by(Theme.name))),
        organisations=list(session.scalars(select(Organisation.name).order_by(Organisation.name))),
        countries={c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries},
        grants=list(session.scalars(select(Grant.grant_id).order_by(Grant.grant_id))),
    )


@dataclass(frozen=True)
class ActivityForm:
    """An activity as the edit form shows it, with the version it was read at."""

    id: int
    version: int
    deleted: bool
    values: dict[str, object]


def activity_form(session: Session, activity_id: int) -> ActivityForm:
    activity = get_live_activity(session, activity_id)
    return ActivityForm(
        id=activity.id,
        version=activity.version,
        deleted=activity.deleted_at is not None,
        values=activity_fields.form_values(activity),
    )


def find_activities(
    session: Session, text: str, include_deleted: bool = False, limit: int = 50
) -> dict[int, str]:
    """Activities whose title contains ``text`` (or whose id is ``text``), newest first, as id -> label."""
    query = select(Activity.id, Activity.activity_date, Activity.title, Activity.deleted_at)
    if text.strip().isdigit():
        query = query.where(Activity.id == int(text.strip()))
    elif text.strip():
        query = query.where(Activity.title.ilike(f"%{text.strip()}%"))
    if not include_deleted:
        query = query.where(Activity.deleted_at.is_(None))
    rows = session.execute(
        query.order_by(Activity.activity_date.desc(), Activity.id.desc()).limit(limit)
    ).all()
    deleted = _(" (deleted)")
    return {i: f"{i} · {d} · {t}{deleted if gone else ''}" for i, d, t, gone in rows}


def deleted_activities(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(
            Activity.id,
            Activity.activity_date,
            Activity.title,
            Activity.deleted_at,
            Activity.deleted_by,
            Activity.version,
        )
        .where(Activity.deleted_at.is_not(None))
        .order_by(Activity.deleted_at.desc())
    ).all()
    return pd.DataFrame(
        [tuple(r) for r in rows], columns=["id", "date", "title", "deleted_at", "deleted_by", "version"]
    )


ACTION_WORDS = {
    "insert": N_("Created"),
    "update": N_("Changed"),
    "delete": N_("Deleted"),
    "restore": N_("Restored"),
    "submit": N_("Submitted by a member organisation"),
    "approve": N_("Approved and created"),
}


def history(session: Session, activity_id: int) -> pd.DataFrame:
    """Every version of an activity: when, who, what they did and which fields changed,
    with field labels and plain words (no column names, no ``None``)."""
    return history_table(audit.history(session, activity_id), activity_fields.describe_changes)


def history_table(
    entries: Iterable[AuditEntry], describe_changes: Callable[[dict[str, tuple[Any, Any]]], str]
) -> pd.DataFrame:
    """A record's audit entries as its History table (activities and outcomes alike):
    ``describe_changes`` writes the changed fields with the record type's own labels."""
    rows = []
    for entry in entries:
        changes = audit.changed_fields(entry.before, entry.after) if entry.before and entry.after else {}
        changes.pop("deleted", None)  # the action says it
        rows.append(
            {
                "version": (entry.after or {}).get("version"),
                "at": entry.at,
                "who": entry.actor,
                "action": _(ACTION_WORDS.get(entry.action, entry.action)),
                "changes": describe_changes(changes),
            }
        )
    frame = pd.DataFrame(rows, columns=["version", "at", "who", "action", "changes"])
    return frame.rename(
        columns={
            "version": _("Version"),
            "at": _("When (UTC)"),
            "who": _("Who"),
            "action": _("What"),
            "changes": _("Changes"),
        }
    )
