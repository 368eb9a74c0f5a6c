"""The numbers the tracker shows, computed in SQL and following the brief's definitions.

- Engagement is measured by number of activities and by effort in staff-days.
- KP share of a period = the KP measure / the measure for all activities; a period with
  no activities (or, by effort, no effort) has no share: ``None``, drawn as a gap.
- Periods are calendar months, quarters or years; a period without activities appears
  with zero activities between the first and the last activity in range.
- An activity with several themes counts once under each theme with its full effort.
- Soft-deleted activities count nowhere; restricted ones count in every aggregate.
- For members and funders, no name a restricted record carries (forum, event,
  organisations, country, activity type) appears in a breakdown: its records are
  grouped under ``permissions.RESTRICTED_LABEL``, so totals still add up; and a name
  only restricted records carry is left out everywhere (``restricted_only_names``).

No Streamlit here: pages, the CLI and tests call the same functions. Only aggregates
leave this module; activity rows are read by ``activity_log`` alone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, String, and_, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import FunctionElement

from tracker.access.permissions import RESTRICTED_LABEL, sees_restricted_names
from tracker.db.models import (
    Activity,
    Forum,
    ForumEvent,
    Organisation,
    Theme,
    activity_organisations,
    activity_themes,
)
from tracker.i18n import _
from tracker.results.filters import IS_RESTRICTED, Filters, conditions, filtered
from tracker.results.filters import live as filters_live
from tracker.text import formatting
from tracker.text.countries import display_name
from tracker.text.periods import (
    Span,
    like_for_like,
    period_label,
    period_range,
    period_start,
    span_label,
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


class month_key(FunctionElement[str]):
    """``YYYY-MM`` of a date, in one cheap expression per database."""

    type = String()
    inherit_cache = True


@compiles(month_key, "sqlite")
def _month_key_sqlite(element: month_key, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLAlchemy stores SQLite dates as ISO text, so the month is its first 7
    # characters: cheaper per row than strftime.
    return f"substr({compiler.process(element.clauses, **kw)}, 1, 7)"


@compiles(month_key)
def _month_key_default(element: month_key, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


CUBE_MEASURES = ["activities", "effort_days", "cost_usd", "first_date", "last_date"]


def _frame(rows: Iterable[Iterable[Any]], columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas builds a frame from SQLAlchemy Row objects ten times slower.
    return pd.DataFrame([tuple(row) for row in rows], columns=columns)


def _forums_frame(session: Session) -> pd.DataFrame:
    rows = session.execute(select(Forum.id, Forum.name, Forum.category)).all()
    return _frame(rows, ["forum_id", "forum", "category"])


def activity_cube(
    session: Session, filters: Filters = ALL_ACTIVITIES, role: str | None = None
) -> pd.DataFrame:
    """The filtered live activities summed per month x forum: one scan, from which the
    totals, KP shares and engagement per period are all derived."""
    month = month_key(Activity.activity_date).label("month")
    query = (
        select(
            month,
            Activity.forum_id,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
            func.coalesce(func.sum(Activity.cost_usd), 0.0),
            func.min(Activity.activity_date),
            func.max(Activity.activity_date),
        )
        .select_from(Activity)
        .group_by(month, Activity.forum_id)
    )
    rows = session.execute(filtered(query, filters, role)).all()
    cube = _frame(rows, ["month", "forum_id", *CUBE_MEASURES])
    return cube.merge(_forums_frame(session), on="forum_id", how="left")


def theme_cube(session: Session, filters: Filters = ALL_ACTIVITIES, role: str | None = None) -> pd.DataFrame:
    """Per month x forum category x theme: an activity counts under each of its themes."""
    month = month_key(Activity.activity_date).label("month")
    theme_id = activity_themes.c.theme_id
    query = select(
        month,
        Forum.category,
        theme_id,
        func.count(Activity.id),
        func.coalesce(func.sum(Activity.effort_days), 0.0),
    ).select_from(Activity)
    query = filtered(query, filters, role).join(activity_themes, activity_themes.c.activity_id == Activity.id)
    rows = session.execute(query.group_by(month, Forum.category, theme_id)).all()
    cube = _frame(rows, ["month", "category", "theme_id", "activities", "effort_days"])
    names = _frame(session.execute(select(Theme.id, Theme.name)).all(), ["theme_id", "theme"])
    cube = cube.merge(names, on="theme_id").drop(columns="theme_id")
    return cube[cube.theme.isin(filters.themes)] if filters.themes else cube


def totals_from(cube: pd.DataFrame) -> Totals:
    if cube.empty:
        return Totals(0, 0.0, 0.0, 0, None, None)
    return Totals(
        activities=int(cube.activities.sum()),
        effort_days=float(cube.effort_days.sum()),
        cost_usd=float(cube.cost_usd.sum()),
        forums=int(cube.forum_id.nunique()),
        first_date=min(cube.first_date),
        last_date=max(cube.last_date),
    )


def kp_share_from(cube: pd.DataFrame) -> KpShare:
    kp = cube[cube.category == "KP"]
    return _share(cube.activities.sum(), kp.activities.sum(), cube.effort_days.sum(), kp.effort_days.sum())


def totals(session: Session, filters: Filters = ALL_ACTIVITIES) -> Totals:
    return totals_from(activity_cube(session, filters))


def kp_share(session: Session, filters: Filters = ALL_ACTIVITIES) -> KpShare:
    return kp_share_from(activity_cube(session, filters))


def date_bounds(session: Session) -> tuple[dt.date | None, dt.date | None]:
    """The first and last date of any live activity (an index seek, not a scan)."""
    live = filters_live(Activity)
    first = session.scalar(select(func.min(Activity.activity_date)).where(live))
    last = session.scalar(select(func.max(Activity.activity_date)).where(live))
    return first, last


def _share(count: float, kp_count: float, effort: float, kp_effort: float) -> KpShare:
    return KpShare(
        by_count=float(kp_count) / float(count) if count else None,
        by_effort=float(kp_effort) / float(effort) if effort else None,
    )


def _to_periods(
    monthly: pd.DataFrame, period: str, keys: list[str], key_values: list[list[str]]
) -> pd.DataFrame:
    """Sum monthly rows (``month`` is ``YYYY-MM``) into periods; every (period x key) appears."""
    if monthly.empty:
        return pd.DataFrame(columns=["period", "period_start", *keys, "activities", "effort_days"])
    monthly = monthly.assign(
        period_start=[period_start(int(m[:4]), int(m[5:7]), period) for m in monthly.month]
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


def engagement_from(cube: pd.DataFrame, period: str = "year") -> pd.DataFrame:
    """Activities and effort per period x forum category, zeros included, categories in brief order."""
    return _to_periods(cube, period, ["category"], [list(FORUM_CATEGORIES)])


def kp_share_by_period(engagement: pd.DataFrame) -> pd.DataFrame:
    """KP share per period from ``engagement_from``; None where the measure is zero."""
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


@dataclass(frozen=True)
class Comparison:
    """The latest period to date against the same span one period earlier (like with like)."""

    latest_span: Span
    previous_span: Span
    latest_label: str
    previous_label: str
    latest: dict[str, float | None]
    previous: dict[str, float | None]


def _span_figures(
    session: Session, filters: Filters, span: Span, role: str | None
) -> dict[str, float | None]:
    cube = activity_cube(session, filters.with_(date_from=span.start, date_to=span.end), role)
    totals, share = totals_from(cube), kp_share_from(cube)
    return {
        "activities": float(totals.activities),
        "effort_days": totals.effort_days,
        "by_count": share.by_count,
        "by_effort": share.by_effort,
    }


def latest_against_previous(
    session: Session, filters: Filters, period: str, today: dt.date, last_date: dt.date, role: str | None
) -> Comparison | None:
    """The period of ``last_date`` (the latest activity selected) up to today, or to the
    end of the selected range, against the same span one period earlier; None when that
    earlier span falls before the selected range."""
    as_of = min(today, filters.date_to) if filters.date_to else today
    spans = like_for_like(
        period_start(last_date.year, last_date.month, period), period, as_of, filters.date_from
    )
    if spans is None:
        return None
    latest, previous = spans
    return Comparison(
        latest_span=latest,
        previous_span=previous,
        latest_label=span_label(latest, period),
        previous_label=span_label(previous, period),
        latest=_span_figures(session, filters, latest, role),
        previous=_span_figures(session, filters, previous, role),
    )


# ---- themes --------------------------------------------------------------------------


def theme_names(session: Session) -> list[str]:
    return list(session.scalars(select(Theme.name).order_by(Theme.name)))


def theme_matrix_from(cube: pd.DataFrame, themes: list[str]) -> pd.DataFrame:
    """Per theme x category: activities and effort, each multi-theme activity under each theme."""
    summed = cube.groupby(["theme", "category"])[["activities", "effort_days"]].sum()
    grid = pd.MultiIndex.from_product([themes, list(FORUM_CATEGORIES)], names=["theme", "category"])
    return (
        summed.reindex(grid, fill_value=0)
        .reset_index()
        .astype({"activities": "int64", "effort_days": "float64"})
    )


def theme_trend_from(cube: pd.DataFrame, themes: list[str], period: str = "year") -> pd.DataFrame:
    """Per period x theme: activities and effort, zeros included."""
    return _to_periods(cube, period, ["theme"], [themes])


def theme_totals_from(matrix: pd.DataFrame) -> pd.DataFrame:
    return matrix.groupby("theme", as_index=False)[["activities", "effort_days"]].sum()


def selected_themes(session: Session, filters: Filters) -> list[str]:
    names = theme_names(session)
    return [n for n in names if n in filters.themes] if filters.themes else names


# ---- names restricted records carry --------------------------------------------------


@dataclass(frozen=True)
class HiddenNames:
    """Names that only restricted records carry (live or deleted): members and funders
    never see them. A name no record carries (reference data) is not hidden."""

    forums: frozenset[str] = frozenset()
    events: frozenset[int] = frozenset()
    organisations: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()


NOTHING_HIDDEN = HiddenNames()


def restricted_only_names(session: Session, role: str | None) -> HiddenNames:
    """What ``role`` may not see by name: carried by a restricted record (even a deleted
    one) and by no live record that is not restricted. Nothing for staff and admins."""
    if sees_restricted_names(role):
        return NOTHING_HIDDEN
    shown = and_(filters_live(Activity), ~IS_RESTRICTED)

    def only_restricted(column: InstrumentedAttribute[Any]) -> set[Any]:
        carried = set(session.scalars(select(column).where(IS_RESTRICTED, column.is_not(None)).distinct()))
        if not carried:
            return set()
        return carried - set(session.scalars(select(column).where(shown, column.in_(carried)).distinct()))

    forum_ids = only_restricted(Activity.forum_id)
    # The link table has no confidentiality: ask through the activities.
    link = activity_organisations.c
    by_organisation = select(link.organisation_id).join(Activity, Activity.id == link.activity_id).distinct()
    organisation_ids = set(session.scalars(by_organisation.where(IS_RESTRICTED)))
    if organisation_ids:
        organisation_ids -= set(session.scalars(by_organisation.where(shown)))
    return HiddenNames(
        forums=frozenset(session.scalars(select(Forum.name).where(Forum.id.in_(forum_ids)))),
        events=frozenset(only_restricted(Activity.event_id)),
        organisations=frozenset(
            session.scalars(select(Organisation.name).where(Organisation.id.in_(organisation_ids)))
        ),
        countries=frozenset(only_restricted(Activity.country)),
    )


def restricted_label() -> str:
    return _(RESTRICTED_LABEL)


# ---- forums, organisations, countries -------------------------------------------------

FORUM_TOTAL_COLUMNS = ["forum", "category", "activities", "effort_days"]


def forum_totals_from(cube: pd.DataFrame, forums: pd.DataFrame) -> pd.DataFrame:
    """Every forum with the coalition's activities and effort there, zeros included, busiest first."""
    summed = cube.groupby("forum_id")[["activities", "effort_days"]].sum()
    table = forums.merge(summed, left_on="forum_id", right_index=True, how="left").fillna(
        {"activities": 0, "effort_days": 0.0}
    )
    table = table.astype({"activities": "int64", "effort_days": "float64"})
    return table.sort_values(["activities", "forum"], ascending=[False, True], ignore_index=True)[
        FORUM_TOTAL_COLUMNS
    ]


def forum_totals(session: Session, filters: Filters, role: str | None) -> pd.DataFrame:
    """Per forum, as ``role`` may see it: for members and funders, restricted records are
    one row per forum category ("Restricted records · KP"), and forums only restricted
    records carry are not listed."""
    forums = _forums_frame(session)
    if sees_restricted_names(role):
        return forum_totals_from(activity_cube(session, filters, role), forums)
    hidden = restricted_only_names(session, role)
    query = (
        select(
            Activity.forum_id,
            IS_RESTRICTED.label("restricted"),
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(Activity)
        .group_by(Activity.forum_id, IS_RESTRICTED)
    )
    rows = _frame(
        session.execute(filtered(query, filters, role)).all(),
        ["forum_id", "restricted", "activities", "effort_days"],
    )
    rows = rows.merge(forums, on="forum_id", how="left")
    secret = rows[rows.restricted.astype(bool)]
    table = forum_totals_from(rows[~rows.restricted.astype(bool)], forums[~forums.forum.isin(hidden.forums)])
    if secret.empty:
        return table
    grouped = secret.groupby("category", as_index=False)[["activities", "effort_days"]].sum()
    grouped.insert(0, "forum", [f"{restricted_label()} · {c}" for c in grouped.category])
    grouped = grouped.astype({"activities": "int64", "effort_days": "float64"})[FORUM_TOTAL_COLUMNS]
    table = pd.concat([table, grouped], ignore_index=True)
    return table.sort_values(["activities", "forum"], ascending=[False, True], ignore_index=True)


def top_forums_from(table: pd.DataFrame, limit: int | None = 10) -> pd.DataFrame:
    engaged = table[table.activities > 0]
    return (engaged.head(limit) if limit else engaged).reset_index(drop=True)


def forum_names(session: Session, hidden: HiddenNames) -> list[str]:
    """Every forum but the ``hidden`` ones (``restricted_only_names``), alphabetically."""
    names = session.scalars(select(Forum.name).order_by(Forum.name))
    return [name for name in names if name not in hidden.forums]


def organisation_names(session: Session, hidden: HiddenNames) -> list[str]:
    names = session.scalars(select(Organisation.name).order_by(Organisation.name))
    return [name for name in names if name not in hidden.organisations]


def country_codes(session: Session, hidden: HiddenNames) -> list[str]:
    """Countries of activities (deleted ones included), less the ``hidden`` ones."""
    codes = session.scalars(select(Activity.country).where(Activity.country.is_not(None)).distinct())
    return [code for code in codes if code is not None and code not in hidden.countries]


def forum_calendar(session: Session, forum: str, filters: Filters, role: str | None) -> pd.DataFrame:
    """The forum's real events with the coalition's activities at each. For members and
    funders, restricted records are not counted per event (the count would name their
    event) and events only restricted records carry are not listed."""
    columns = ["event", "date", "end", "place", "verified", "source", "activities", "effort_days"]
    hidden = restricted_only_names(session, role)
    if forum in hidden.forums:
        return pd.DataFrame(columns=columns)
    counted = conditions(filters, role)
    if not sees_restricted_names(role):
        counted.append(~IS_RESTRICTED)
    query = (
        select(
            ForumEvent.id,
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
        .outerjoin(Activity, and_(Activity.event_id == ForumEvent.id, *counted))
        .where(Forum.name == forum)
        .group_by(ForumEvent.id)
        .order_by(ForumEvent.start_date.desc())
    )
    rows = [
        {
            "event": name,
            "date": formatting.partial_date(start, precision, short=True),
            "end": formatting.short_date(end),
            "place": place or "",
            "verified": verified,
            "source": source or "",
            "activities": int(count),
            "effort_days": float(effort),
        }
        for event_id, name, start, precision, end, place, verified, source, count, effort in session.execute(
            query
        )
        if event_id not in hidden.events
    ]
    return pd.DataFrame(rows, columns=columns)


def _restricted_row(
    session: Session, filters: Filters, role: str | None, *where: ColumnElement[bool]
) -> tuple[int, float]:
    """How many restricted records (and their effort) a breakdown groups under one label."""
    query = select(func.count(Activity.id), func.coalesce(func.sum(Activity.effort_days), 0.0)).select_from(
        Activity
    )
    count, effort = session.execute(filtered(query, filters, role).where(IS_RESTRICTED, *where)).one()
    return int(count), float(effort)


def participation_by_organisation(session: Session, filters: Filters, role: str | None) -> pd.DataFrame:
    """Per organisation (an activity counts for each of its organisations). For members and
    funders, restricted records count once each in one "Restricted records" row."""
    hide = not sees_restricted_names(role)
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
    query = filtered(query, filters, role)
    if hide:
        query = query.where(~IS_RESTRICTED)
    query = query.group_by(Organisation.name, Organisation.country).order_by(
        func.count(Activity.id).desc(), Organisation.name
    )
    rows = [
        (name, display_name(country), int(count), float(effort))
        for name, country, count, effort in session.execute(query)
    ]
    if hide:
        with_organisation = Activity.id.in_(select(activity_organisations.c.activity_id))
        count, effort = _restricted_row(session, filters, role, with_organisation)
        if count:
            rows.append((restricted_label(), "", count, effort))
    return pd.DataFrame(rows, columns=["organisation", "country", "activities", "effort_days"])


def activities_by_country(session: Session, filters: Filters, role: str | None) -> pd.DataFrame:
    """Per country of the activity. For members and funders, restricted records are one
    "Restricted records" row."""
    hide = not sees_restricted_names(role)
    query = (
        select(
            Activity.country,
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
        )
        .select_from(Activity)
        .group_by(Activity.country)
    )
    query = filtered(query, filters, role).where(Activity.country.is_not(None))
    if hide:
        query = query.where(~IS_RESTRICTED)
    rows = [
        (code, display_name(code), int(count), float(effort))
        for code, count, effort in session.execute(query.order_by(func.count(Activity.id).desc()))
    ]
    if hide:
        count, effort = _restricted_row(session, filters, role, Activity.country.is_not(None))
        if count:
            rows.append(("", restricted_label(), count, effort))
    return pd.DataFrame(rows, columns=["country_code", "country", "activities", "effort_days"])
