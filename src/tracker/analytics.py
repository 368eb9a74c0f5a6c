"""The numbers the tracker shows, computed in SQL and following the brief's definitions.

Soft-deleted activities count nowhere; restricted ones count in every aggregate. No
Streamlit here: pages, the CLI and tests call the same functions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from tracker.models import Activity, Forum


@dataclass(frozen=True)
class Totals:
    activities: int
    effort_days: float
    cost_usd: float
    forums: int
    first_date: dt.date | None
    last_date: dt.date | None


@dataclass(frozen=True)
class KpShare:
    """KP share by count and by effort; None where the period has no activities (or no effort)."""

    by_count: float | None
    by_effort: float | None


def live_activities() -> Select:
    return select(Activity).where(Activity.deleted_at.is_(None))


def totals(session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None) -> Totals:
    query = select(
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
        func.coalesce(func.sum(Activity.cost_usd), 0.0),
        func.count(func.distinct(Activity.forum_id)),
        func.min(Activity.activity_date),
        func.max(Activity.activity_date),
    ).where(Activity.deleted_at.is_(None))
    query = _in_range(query, date_from, date_to)
    count, effort, cost, forums, first, last = session.execute(query).one()
    return Totals(int(count), float(effort), float(cost), int(forums), first, last)


def kp_share(session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None) -> KpShare:
    is_kp = Forum.category == "KP"
    query = (
        select(
            func.count(Activity.id),
            func.count(Activity.id).filter(is_kp),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
            func.coalesce(func.sum(Activity.effort_days).filter(is_kp), 0.0),
        )
        .join(Forum, Activity.forum_id == Forum.id)
        .where(Activity.deleted_at.is_(None))
    )
    count, kp_count, effort, kp_effort = session.execute(_in_range(query, date_from, date_to)).one()
    return KpShare(
        by_count=kp_count / count if count else None,
        by_effort=float(kp_effort) / float(effort) if effort else None,
    )


def _in_range(query: Select, date_from: dt.date | None, date_to: dt.date | None) -> Select:
    if date_from is not None:
        query = query.where(Activity.activity_date >= date_from)
    if date_to is not None:
        query = query.where(Activity.activity_date <= date_to)
    return query
