"""What each dashboard screen shows, assembled from analytics and charts.

One function per screen, so a page makes one call and renders. No Streamlit here;
``tracker.web.reads`` caches these by database, role and filters.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy.orm import Session

from tracker.db.demo_marker import has_demo_data
from tracker.i18n import _
from tracker.results import analytics, charts, results_views, target_status
from tracker.results.activity_log import LogPage, log_page, public_outcomes
from tracker.results.filters import Filters
from tracker.text import formatting
from tracker.text.countries import display_name
from tracker.vocabulary import FORUM_CATEGORIES, SHARE_MEASURES


@dataclass(frozen=True)
class FilterOptions:
    themes: list[str]
    forums: list[str]
    organisations: list[str]
    countries: dict[str, str]  # code -> name
    first_date: dt.date | None
    last_date: dt.date | None
    demo_data: bool


def filter_options(session: Session, role: str | None) -> FilterOptions:
    """What the filters offer ``role``: never a name only restricted records carry, for
    members and funders (``analytics.restricted_only_names``)."""
    first_date, last_date = analytics.date_bounds(session)
    hidden = analytics.restricted_only_names(session, role)
    countries = analytics.country_codes(session, hidden)
    return FilterOptions(
        themes=analytics.theme_names(session),
        forums=analytics.forum_names(session, hidden),
        organisations=analytics.organisation_names(session, hidden),
        countries=dict(sorted(((c, display_name(c)) for c in countries), key=lambda item: item[1])),
        first_date=first_date,
        last_date=last_date,
        demo_data=has_demo_data(session),
    )


@dataclass(frozen=True)
class Change:
    """A figure for the latest period (to date) beside the same span one period earlier."""

    label: str
    value: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class OverviewView:
    totals: analytics.Totals
    kp_share: analytics.KpShare
    latest_period: str | None
    previous_period: str | None
    changes: dict[str, Change]
    engagement: pd.DataFrame
    shares: pd.DataFrame
    share_figure: go.Figure | None
    engagement_figure: go.Figure | None

    @property
    def is_empty(self) -> bool:
        return self.totals.activities == 0


def overview(
    session: Session,
    filters: Filters,
    period: str,
    measure: str | None,
    role: str | None,
    today: dt.date | None = None,
) -> OverviewView:
    """The Overview. ``measure`` None: no engagement chart (the page draws it in a fragment of
    its own with ``charts.engagement_chart``, so a change of measure reruns that chart only)."""
    cube = analytics.activity_cube(session, filters, role)
    totals = analytics.totals_from(cube)
    engagement = analytics.engagement_from(cube, period)
    shares = analytics.kp_share_by_period(engagement)
    comparison = None
    if totals.last_date is not None:
        comparison = analytics.latest_against_previous(
            session, filters, period, today or dt.date.today(), totals.last_date, role
        )

    def change(column: str) -> Change:
        if comparison is None:
            return Change(column, None, None)
        return Change(column, comparison.latest[column], comparison.previous[column])

    empty = totals.activities == 0
    return OverviewView(
        totals=totals,
        kp_share=analytics.kp_share_from(cube),
        latest_period=None if comparison is None else comparison.latest_label,
        previous_period=None if comparison is None else comparison.previous_label,
        changes={c: change(c) for c in ("activities", "effort_days", "by_count", "by_effort")},
        engagement=engagement,
        shares=shares,
        share_figure=None
        if empty
        else charts.kp_share_chart(shares, period, share_targets(session, filters)),
        engagement_figure=None
        if empty or measure is None
        else charts.engagement_chart(engagement, measure, period),
    )


def share_targets(session: Session, filters: Filters) -> pd.DataFrame:
    """The KP-share targets that speak of the activities the Overview shows: scope ``all``
    when only dates are filtered, ``theme:T`` when one theme is; none otherwise. One row per
    target (year, measure, target, hover), within the date range by year."""
    columns = ["year", "measure", "target", "hover"]
    rest = filters.with_(date_from=None, date_to=None, themes=())
    if not rest.is_default or len(filters.themes) > 1:
        return pd.DataFrame(columns=columns)
    scope = f"theme:{filters.themes[0]}" if filters.themes else "all"
    rows = [
        {
            "year": s.year,
            "measure": s.measure,
            "target": s.target,
            "hover": results_views.share_target_hover(s),
        }
        for s in target_status.target_statuses(session, filters.date_from, filters.date_to, SHARE_MEASURES)
        if s.scope.casefold() == scope.casefold()
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class ForumsView:
    top: pd.DataFrame
    top_figure: go.Figure | None
    by_category: dict[str, pd.DataFrame]
    calendar: pd.DataFrame | None
    forum: str | None
    is_empty: bool = field(default=False)


def forums(
    session: Session, filters: Filters, measure: str, forum: str | None, role: str | None
) -> ForumsView:
    table = analytics.forum_totals(session, filters, role)
    top = analytics.top_forums_from(table, limit=15)
    categories = filters.categories or FORUM_CATEGORIES
    return ForumsView(
        top=top,
        top_figure=None if top.empty else charts.top_forums_chart(top, measure),
        by_category={
            c: table[table.category == c].drop(columns="category").reset_index(drop=True) for c in categories
        },
        calendar=analytics.forum_calendar(session, forum, filters, role) if forum else None,
        forum=forum,
        is_empty=top.empty,
    )


@dataclass(frozen=True)
class ThemesView:
    totals: pd.DataFrame
    matrix: pd.DataFrame
    trend: pd.DataFrame
    matrix_figure: go.Figure | None
    trend_figure: go.Figure | None
    is_empty: bool
    note: str = charts.MULTI_THEME_NOTE


def themes(session: Session, filters: Filters, period: str, measure: str, role: str | None) -> ThemesView:
    cube = analytics.theme_cube(session, filters, role)
    names = analytics.selected_themes(session, filters)
    matrix = analytics.theme_matrix_from(cube, names)
    trend = analytics.theme_trend_from(cube, names, period)
    # Every activity has at least one theme, so no theme rows means no activities.
    empty = cube.empty
    return ThemesView(
        totals=analytics.theme_totals_from(matrix),
        matrix=matrix,
        trend=trend,
        matrix_figure=None if empty else charts.theme_category_chart(matrix, measure),
        trend_figure=None if empty else charts.theme_trend_chart(trend, measure, period),
        is_empty=empty,
    )


@dataclass(frozen=True)
class ParticipationView:
    """Activities per member organisation, or per country: one scan, for the one asked."""

    by: str
    table: pd.DataFrame
    figure: go.Figure | None

    @property
    def is_empty(self) -> bool:
        return self.table.empty


def participation(
    session: Session, filters: Filters, measure: str, by: str, role: str | None
) -> ParticipationView:
    if by == "countries":
        table = analytics.activities_by_country(session, filters, role)
        title, label = charts.countries_title(measure), "country"
    else:
        table = analytics.participation_by_organisation(session, filters, role)
        title, label = charts.organisations_title(measure), "organisation"
    figure = None if table.empty else charts.ranking_chart(table, label, measure, title)
    return ParticipationView(by=by, table=table, figure=figure)


def activity_log(session: Session, filters: Filters, role: str | None, page: int) -> LogPage:
    return log_page(session, filters, role, page)


@dataclass(frozen=True)
class FunderSummaryView:
    """The funder summary for a period: aggregates, and public records' outcomes only."""

    date_from: dt.date | None
    date_to: dt.date | None
    period: str
    totals: analytics.Totals
    kp_share: analytics.KpShare
    shares: pd.DataFrame
    engagement: pd.DataFrame
    themes: pd.DataFrame
    theme_matrix: pd.DataFrame
    outcomes: pd.DataFrame
    share_figure: go.Figure | None
    engagement_figure: go.Figure | None
    themes_figure: go.Figure | None
    demo_data: bool

    @property
    def is_empty(self) -> bool:
        return self.totals.activities == 0


def summary_period(date_from: dt.date, date_to: dt.date) -> str:
    """Quarters for a grant-sized range (up to three years), years beyond."""
    return "quarter" if (date_to - date_from).days <= 3 * 366 else "year"


def funder_summary(
    session: Session,
    date_from: dt.date | None,
    date_to: dt.date | None,
    period: str | None = None,
    grants: tuple[str, ...] = (),
    themes: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> FunderSummaryView:
    """The Funder summary page, its HTML and XLSX reports and ``tracker summary --json``
    (``summary.summary``, by year) are all this one view. Funders may read it: it holds
    aggregates, and names only in the outcomes of public records."""
    filters = Filters(
        date_from=date_from, date_to=date_to, grants=grants, themes=themes, categories=categories
    )
    if period is None:
        period = summary_period(date_from, date_to) if date_from and date_to else "year"
    cube = analytics.activity_cube(session, filters)
    engagement = analytics.engagement_from(cube, period)
    shares = analytics.kp_share_by_period(engagement)
    theme_cube = analytics.theme_cube(session, filters)
    matrix = analytics.theme_matrix_from(theme_cube, analytics.theme_names(session))
    totals = analytics.totals_from(cube)
    empty = totals.activities == 0
    return FunderSummaryView(
        date_from=date_from,
        date_to=date_to,
        period=period,
        totals=totals,
        kp_share=analytics.kp_share_from(cube),
        shares=shares,
        engagement=engagement,
        themes=analytics.theme_totals_from(matrix),
        theme_matrix=matrix,
        outcomes=public_outcomes(session, filters),
        share_figure=None if empty else charts.kp_share_chart(shares, period),
        engagement_figure=None if empty else charts.engagement_chart(engagement, "effort_days", period),
        themes_figure=None if empty else charts.theme_category_chart(matrix, "effort_days"),
        demo_data=has_demo_data(session),
    )


# ---- the Funder summary's quick choices of period -------------------------------------------


@dataclass(frozen=True)
class PeriodChoice:
    """A ready-made period the Funder summary offers beside its date pickers."""

    key: str  # stable across languages: ``last-12-months``, ``grant:ID``, ``year:2024``
    label: str
    date_from: dt.date
    date_to: dt.date


def last_twelve_months(today: dt.date) -> tuple[dt.date, dt.date]:
    """The period the Funder summary opens on: the 365 days up to today."""
    return today - dt.timedelta(days=365), today


def summary_period_choices(
    today: dt.date,
    grant_periods: Sequence[tuple[str, dt.date, dt.date]],
    first_date: dt.date | None,
    last_date: dt.date | None,
) -> list[PeriodChoice]:
    """Last 12 months; each grant's period (``grant_periods``: the (id, first, last) of the
    grants the reader may open, never another's); each calendar year from the first activity's
    to this year, newest first."""
    start, end = last_twelve_months(today)
    choices = [PeriodChoice("last-12-months", _("Last 12 months"), start, end)]
    for grant_id, first, last in grant_periods:
        label = _("Grant {id}’s period ({first} to {last})").format(
            id=grant_id, first=formatting.date(first), last=formatting.date(last)
        )
        choices.append(PeriodChoice(f"grant:{grant_id}", label, first, last))
    newest = max(today.year, last_date.year if last_date else today.year)
    oldest = first_date.year if first_date else today.year
    for year in range(newest, oldest - 1, -1):
        choices.append(
            PeriodChoice(
                f"year:{year}", _("Year {year}").format(year=year), dt.date(year, 1, 1), dt.date(year, 12, 31)
            )
        )
    return choices
