"""The numbers the tracker shows, computed in SQL and following the brief's definitions.

- Engagement is measured by number of activities and by effort in staff-days.
- KP share of a period = the KP measure / the measure for all activities; a period with
  no activities (or, by effort, no effort) has no share: ``None``, drawn as a gap.
- Periods are calendar months, quarters or years; a period without activities appears
  with zero activities between the first and the last activity in range.
- An activity with several themes counts once under each theme with its full effort.
- Soft-deleted activities count nowhere; restricted ones count in every aggregate.

No Streamlit here: pages, the CLI and tests call the same functions. Only aggregates
leave this module; activity rows are read by ``activity_log`` alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import ColumnElement, Select, and_, exists, extract, func, or_, select
from sqlalchemy.orm import Session, aliased

from tracker.countries import display_name
from tracker.filters import Filters
from tracker.models import (
    Activity,
    Forum,
    ForumEvent,
    Organisation,
    Theme,
    activity_organisations,
    activity_themes,
)
from tracker.vocabulary import FORUM_CATEGORIES

ALL_ACTIVITIES = Filters()
ENGAGEMENT_COLUMNS = ["period", "period_start", "category", "activities", "effort_days"]


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


def conditions(filters: Filters) -> list[ColumnElement[bool]]:
    """WHERE clauses selecting the live activities a filter describes (Forum must be joined)."""
    where: list[ColumnElement[bool]] = [Activity.deleted_at.is_(None)]
    if filters.date_from is not None:
        where.append(Activity.activity_date >= filters.date_from)
    if filters.date_to is not None:
        where.append(Activity.activity_date <= filters.date_to)
    if filters.categories:
        where.append(Forum.category.in_(filters.categories))
    if filters.forums:
        where.append(Forum.name.in_(filters.forums))
    if filters.countries:
        where.append(Activity.country.in_(filters.countries))
    if filters.activity_types:
        where.append(Activity.activity_type.in_(filters.activity_types))
    # Aliases keep these subqueries independent of views that join themes themselves.
    if filters.themes:
        theme, link = aliased(Theme), activity_themes.alias()
        where.append(
            exists().where(
                link.c.activity_id == Activity.id,
                link.c.theme_id == theme.id,
                theme.name.in_(filters.themes),
            )
        )
    if filters.organisations:
        organisation, link = aliased(Organisation), activity_organisations.alias()
        where.append(
            exists().where(
                link.c.activity_id == Activity.id,
                link.c.organisation_id == organisation.id,
                organisation.name.in_(filters.organisations),
            )
        )
    if filters.text.strip():
        pattern = f"%{filters.text.strip().lower()}%"
        where.append(
            or_(
                func.lower(Activity.title).like(pattern),
                func.lower(func.coalesce(Activity.description, "")).like(pattern),
                func.lower(func.coalesce(Activity.outcome, "")).like(pattern),
            )
        )
    return where


def _filtered(query: Select, filters: Filters) -> Select:
    return query.join(Forum, Activity.forum_id == Forum.id).where(*conditions(filters))


def totals(session: Session, filters: Filters = ALL_ACTIVITIES) -> Totals:
    query = select(
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
        func.coalesce(func.sum(Activity.cost_usd), 0.0),
        func.count(func.distinct(Activity.forum_id)),
        func.min(Activity.activity_date),
        func.max(Activity.activity_date),
    ).select_from(Activity)
    count, effort, cost, forums, first, last = session.execute(_filtered(query, filters)).one()
    return Totals(int(count), float(effort), float(cost), int(forums), first, last)


def kp_share(session: Session, filters: Filters = ALL_ACTIVITIES) -> KpShare:
    is_kp = Forum.category == "KP"
    query = select(
        func.count(Activity.id),
        func.count(Activity.id).filter(is_kp),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
        func.coalesce(func.sum(Activity.effort_days).filter(is_kp), 0.0),
    ).select_from(Activity)
    count, kp_count, effort, kp_effort = session.execute(_filtered(query, filters)).one()
    return _share(count, kp_count, effort, kp_effort)


def _share(count: float, kp_count: float, effort: float, kp_effort: float) -> KpShare:
    return KpShare(
        by_count=kp_count / count if count else None,
        by_effort=float(kp_effort) / float(effort) if effort else None,
    )


# ---- periods -------------------------------------------------------------------------


def period_start(year: int, month: int, period: str) -> dt.date:
    if period == "year":
        return dt.date(year, 1, 1)
    if period == "quarter":
        return dt.date(year, 3 * ((month - 1) // 3) + 1, 1)
    return dt.date(year, month, 1)


def period_label(start: dt.date, period: str) -> str:
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_range(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every period start from the period of ``first`` to the period of ``last``."""
    step = {"year": 12, "quarter": 3, "month": 1}[period]
    current = period_start(first.year, first.month, period)
    end = period_start(last.year, last.month, period)
    starts = []
    while current <= end:
        starts.append(current)
        months = current.year * 12 + current.month - 1 + step
        current = dt.date(months // 12, months % 12 + 1, 1)
    return starts


def _monthly(session: Session, filters: Filters, *group: ColumnElement) -> pd.DataFrame:
    year = extract("year", Activity.activity_date).label("year")
    month = extract("month", Activity.activity_date).label("month")
    query = (
        select(
            year,
            month,
            *group,
            func.count(Activity.id).label("activities"),
            func.coalesce(func.sum(Activity.effort_days), 0.0).label("effort_days"),
        )
        .select_from(Activity)
        .group_by(year, month, *group)
    )
    rows = session.execute(_filtered(query, filters)).all()
    columns = ["year", "month", *[g.key for g in group], "activities", "effort_days"]
    return pd.DataFrame(rows, columns=columns)


def _to_periods(
    monthly: pd.DataFrame, period: str, keys: list[str], key_values: list[list[str]]
) -> pd.DataFrame:
    """Sum monthly rows into periods and fill every (period x key) with zeros."""
    if monthly.empty:
        return pd.DataFrame(columns=["period", "period_start", *keys, "activities", "effort_days"])
    monthly = monthly.assign(
        period_start=[
            period_start(int(y), int(m), period) for y, m in zip(monthly.year, monthly.month, strict=True)
        ]
    )
    summed = monthly.groupby(["period_start", *keys], as_index=False)[["activities", "effort_days"]].sum()
    first, last = min(summed.period_start), max(summed.period_start)
    grid = pd.MultiIndex.from_product(
        [period_range(first, last, period), *key_values], names=["period_start", *keys]
    )
    full = (
        summed.set_index(["period_start", *keys])
        .reindex(grid, fill_value=0)
        .reset_index()
        .astype({"activities": "int64", "effort_days": "float64"})
    )
    full.insert(0, "period", [period_label(s, period) for s in full.period_start])
    return full


def engagement_by_period(session: Session, filters: Filters, period: str = "year") -> pd.DataFrame:
    """Activities and effort per period x forum category, zeros included, categories in brief order."""
    monthly = _monthly(session, filters, Forum.category.label("category"))
    return _to_periods(monthly, period, ["category"], [list(FORUM_CATEGORIES)])


def kp_share_by_period(engagement: pd.DataFrame) -> pd.DataFrame:
    """KP share per period from ``engagement_by_period``; None where the measure is zero."""
    rows = []
    for (label, start), group in engagement.groupby(["period", "period_start"], sort=True):
        kp = group[group.category == "KP"]
        share = _share(
            group.activities.sum(), kp.activities.sum(), group.effort_days.sum(), kp.effort_days.sum()
        )
        rows.append(
            {
                "period": label,
                "period_start": start,
                "activities": int(group.activities.sum()),
                "effort_days": float(group.effort_days.sum()),
                "by_count": share.by_count,
                "by_effort": share.by_effort,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["period", "period_start", "activities", "effort_days", "by_count", "by_effort"]
    )
    # Object columns keep None (a gap) rather than pandas' NaN, which JSON cannot carry.
    for column in ("by_count", "by_effort"):
        frame[column] = pd.Series([row[column] for row in rows], index=frame.index, dtype=object)
    return frame


# ---- themes --------------------------------------------------------------------------


def theme_names(session: Session) -> list[str]:
    return list(session.scalars(select(Theme.name).order_by(Theme.name)))


def _theme_join(query: Select) -> Select:
    return query.join(activity_themes, activity_themes.c.activity_id == Activity.id).join(
        Theme, Theme.id == activity_themes.c.theme_id
    )


def theme_category_matrix(session: Session, filters: Filters) -> pd.DataFrame:
    """Per theme x category: activities and effort, each multi-theme activity under each theme."""
    query = select(
        Theme.name.label("theme"),
        Forum.category.label("category"),
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
    ).select_from(Activity)
    query = _theme_join(_filtered(query, filters)).group_by(Theme.name, Forum.category)
    found = pd.DataFrame(
        session.execute(query).all(), columns=["theme", "category", "activities", "effort_days"]
    )
    themes = _selected_themes(session, filters)
    grid = pd.MultiIndex.from_product([themes, list(FORUM_CATEGORIES)], names=["theme", "category"])
    return (
        found.set_index(["theme", "category"])
        .reindex(grid, fill_value=0)
        .reset_index()
        .astype({"activities": "int64", "effort_days": "float64"})
    )


def _selected_themes(session: Session, filters: Filters) -> list[str]:
    names = theme_names(session)
    return [n for n in names if n in filters.themes] if filters.themes else names


def theme_trend(session: Session, filters: Filters, period: str = "year") -> pd.DataFrame:
    """Per period x theme: activities and effort, zeros included."""
    year = extract("year", Activity.activity_date).label("year")
    month = extract("month", Activity.activity_date).label("month")
    query = select(
        year,
        month,
        Theme.name.label("theme"),
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
    ).select_from(Activity)
    query = _theme_join(_filtered(query, filters)).group_by(year, month, Theme.name)
    monthly = pd.DataFrame(
        session.execute(query).all(), columns=["year", "month", "theme", "activities", "effort_days"]
    )
    if filters.themes:
        monthly = monthly[monthly.theme.isin(filters.themes)]
    return _to_periods(monthly, period, ["theme"], [_selected_themes(session, filters)])


def theme_totals(session: Session, filters: Filters) -> pd.DataFrame:
    matrix = theme_category_matrix(session, filters)
    return matrix.groupby("theme", as_index=False)[["activities", "effort_days"]].sum()


# ---- forums, organisations, countries -------------------------------------------------


def top_forums(session: Session, filters: Filters, limit: int | None = 10) -> pd.DataFrame:
    query = (
        select(
            Forum.name.label("forum"),
            Forum.category.label("category"),
            func.count(Activity.id).label("activities"),
            func.coalesce(func.sum(Activity.effort_days), 0.0).label("effort_days"),
        )
        .select_from(Activity)
        .group_by(Forum.name, Forum.category)
    )
    query = _filtered(query, filters).order_by(func.count(Activity.id).desc(), Forum.name)
    if limit:
        query = query.limit(limit)
    return pd.DataFrame(
        session.execute(query).all(), columns=["forum", "category", "activities", "effort_days"]
    )


def forums_in_category(session: Session, filters: Filters, category: str) -> pd.DataFrame:
    """Every forum of a category with the coalition's activities there (zeros included)."""
    query = (
        select(
            Forum.name,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(Forum)
        .outerjoin(Activity, and_(Activity.forum_id == Forum.id, *conditions(filters)))
        .where(Forum.category == category)
        .group_by(Forum.name)
        .order_by(func.count(Activity.id).desc(), Forum.name)
    )
    return pd.DataFrame(session.execute(query).all(), columns=["forum", "activities", "effort_days"])


def forum_calendar(session: Session, forum: str, filters: Filters) -> pd.DataFrame:
    """The forum's real events with the coalition's activities at each."""
    query = (
        select(
            ForumEvent.name,
            ForumEvent.start_date,
            ForumEvent.date_precision,
            ForumEvent.end_date,
            ForumEvent.place,
            ForumEvent.verified,
            ForumEvent.source,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(ForumEvent)
        .join(Forum, Forum.id == ForumEvent.forum_id)
        .outerjoin(Activity, and_(Activity.event_id == ForumEvent.id, *conditions(filters)))
        .where(Forum.name == forum)
        .group_by(ForumEvent.id)
        .order_by(ForumEvent.start_date.desc())
    )
    from tracker.reference_data import format_partial_date

    rows = [
        {
            "event": name,
            "date": format_partial_date(start, precision),
            "end": end.isoformat() if end else "",
            "place": place or "",
            "verified": verified,
            "source": source or "",
            "activities": int(count),
            "effort_days": float(effort),
        }
        for name, start, precision, end, place, verified, source, count, effort in session.execute(query)
    ]
    columns = ["event", "date", "end", "place", "verified", "source", "activities", "effort_days"]
    return pd.DataFrame(rows, columns=columns)


def participation_by_organisation(session: Session, filters: Filters) -> pd.DataFrame:
    query = (
        select(
            Organisation.name,
            Organisation.country,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(Activity)
        .join(activity_organisations, activity_organisations.c.activity_id == Activity.id)
        .join(Organisation, Organisation.id == activity_organisations.c.organisation_id)
    )
    query = (
        _filtered(query, filters)
        .group_by(Organisation.name, Organisation.country)
        .order_by(func.count(Activity.id).desc(), Organisation.name)
    )
    rows = [
        (name, display_name(country), int(count), float(effort))
        for name, country, count, effort in session.execute(query)
    ]
    return pd.DataFrame(rows, columns=["organisation", "country", "activities", "effort_days"])


def activities_by_country(session: Session, filters: Filters) -> pd.DataFrame:
    query = (
        select(
            Activity.country,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(Activity)
        .group_by(Activity.country)
    )
    query = _filtered(query, filters).where(Activity.country.is_not(None))
    rows = [
        (code, display_name(code), int(count), float(effort))
        for code, count, effort in session.execute(query.order_by(func.count(Activity.id).desc()))
    ]
    return pd.DataFrame(rows, columns=["country_code", "country", "activities", "effort_days"])
