"""The Streamlit side of the tracker: the cached engine, cached reads and page plumbing.

Only pages and ``streamlit_app.py`` import this module; the services below it never
import Streamlit. Every cached read has a ttl, is keyed by database URL (and by role
wherever output differs by role) and is cleared after every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine
from streamlit.runtime.pages_manager import PagesManager

from tracker import config, database, views
from tracker.activity_log import LogPage, iter_visible_activities
from tracker.exports import to_csv
from tracker.filters import MEASURES, PERIODS, Filters, from_query, to_query
from tracker.home import HomeSummary, home_summary
from tracker.i18n import _
from tracker.permissions import MEMBER
from tracker.vocabulary import FORUM_CATEGORIES

READ_TTL_SECONDS = 300
FILTERS_KEY = "shared_filters"
ENTRY_KEY = "_entered_through_app"
PLOTLY_CONFIG = {"displaylogo": False}


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The migrated engine for the configured database (raises TrackerError with a sentence)."""
    return _engine_for(config.database_url())


def _read(build: Callable, *args):
    with database.session_factory(engine())() as session:
        return build(session, *args)


def current_role() -> str:
    """The signed-in user's role. Until accounts exist every visitor is a member, who
    sees no restricted record."""
    return st.session_state.get("role", MEMBER)


def entered_through_app() -> None:
    """Called by ``streamlit_app.py`` on every run, just before the page runs."""
    st.session_state[ENTRY_KEY] = True


def require(allowed: Callable[[str | None], bool]) -> str:
    """First statement of every page: refuse a role the page does not serve.

    Until some session has run ``st.navigation``, Streamlit 1.67 serves files in
    ``pages/`` directly (its legacy multipage mode), bypassing ``streamlit_app.py``.
    A page reached that way switches the server to ``st.navigation`` and starts the
    run again through the entry script, so no page ever runs without it.
    """
    if not st.session_state.pop(ENTRY_KEY, False):
        PagesManager.uses_pages_directory = False
        st.rerun()
    role = current_role()
    if not allowed(role):
        st.error(_("This page is not available to your account."))
        st.stop()
    return role


# ---- cached reads --------------------------------------------------------------------


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _home_summary(url: str) -> HomeSummary:
    return _read(home_summary)


def cached_home_summary() -> HomeSummary:
    return _home_summary(config.database_url())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _filter_options(url: str) -> views.FilterOptions:
    return _read(views.filter_options)


def filter_options() -> views.FilterOptions:
    return _filter_options(config.database_url())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _overview(url: str, filters: Filters, period: str, measure: str) -> views.OverviewView:
    return _read(views.overview, filters, period, measure)


def overview(filters: Filters, period: str, measure: str) -> views.OverviewView:
    return _overview(config.database_url(), filters, period, measure)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _forums(url: str, filters: Filters, measure: str, forum: str | None) -> views.ForumsView:
    return _read(views.forums, filters, measure, forum)


def forums(filters: Filters, measure: str, forum: str | None) -> views.ForumsView:
    return _forums(config.database_url(), filters, measure, forum)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _themes(url: str, filters: Filters, period: str, measure: str) -> views.ThemesView:
    return _read(views.themes, filters, period, measure)


def themes(filters: Filters, period: str, measure: str) -> views.ThemesView:
    return _themes(config.database_url(), filters, period, measure)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _participation(url: str, filters: Filters, measure: str) -> views.ParticipationView:
    return _read(views.participation, filters, measure)


def participation(filters: Filters, measure: str) -> views.ParticipationView:
    return _participation(config.database_url(), filters, measure)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _activity_log(url: str, role: str, filters: Filters, page: int) -> LogPage:
    return _read(views.activity_log, filters, role, page)


def activity_log(filters: Filters, page: int) -> LogPage:
    return _activity_log(config.database_url(), current_role(), filters, page)


def activity_log_csv(filters: Filters) -> Callable[[], bytes]:
    """Deferred: the CSV is built only when the person clicks download."""
    role = current_role()

    def build() -> bytes:
        with database.session_factory(engine())() as session:
            return to_csv(iter_visible_activities(session, filters, role))

    return build


def clear_read_caches() -> None:
    """Call after every write so no page shows stale numbers."""
    st.cache_data.clear()


# ---- shared filters ------------------------------------------------------------------


def shared_filters(with_log_filters: bool = False) -> Filters:
    """Sidebar filters shared by every dashboard page and mirrored in the URL."""
    options = filter_options()
    state = st.session_state
    if FILTERS_KEY not in state:
        parsed = from_query(st.query_params.to_dict(), tuple(options.themes))
        state[FILTERS_KEY] = parsed.filters
        if parsed.problems:
            st.warning(
                _("Part of this link's filters was not understood and is ignored: {problems}.").format(
                    problems="; ".join(parsed.problems)
                )
            )
    current: Filters = state[FILTERS_KEY]
    with st.sidebar:
        st.header(_("Filters"))
        date_from, date_to = current.date_from, current.date_to
        if options.first_date and options.last_date:
            start = current.date_from or min(options.first_date, current.date_to or options.first_date)
            end = current.date_to or max(options.last_date, start)
            low, high = min(options.first_date, start), max(options.last_date, end)
            picked = st.date_input(
                _("Date range"),
                value=(start, end),
                min_value=dt.date(low.year - 5, 1, 1),
                max_value=dt.date(high.year + 5, 12, 31),
                key="filters_dates",
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                date_from = None if picked[0] == options.first_date else picked[0]
                date_to = None if picked[1] == options.last_date else picked[1]
        themes = st.multiselect(
            _("Themes"),
            options.themes,
            default=list(current.themes),
            key="filters_themes",
            placeholder=_("All themes"),
        )
        categories = st.multiselect(
            _("Forum categories"),
            list(FORUM_CATEGORIES),
            default=list(current.categories),
            key="filters_categories",
            placeholder=_("All categories"),
        )
        if options.demo_data:
            st.caption(_("Showing illustrative demo data."))
    chosen = current.with_(
        date_from=date_from, date_to=date_to, themes=tuple(themes), categories=tuple(categories)
    )
    state[FILTERS_KEY] = chosen
    if st.query_params.to_dict() != to_query(chosen):
        st.query_params.from_dict(to_query(chosen))
    return chosen


def measure_control(prefix: str, container=st) -> str:
    """Activities or staff-days: every view offers both measures."""
    chosen = container.segmented_control(
        _("Measure"),
        MEASURES,
        default="activities",
        format_func=lambda m: _("Activities") if m == "activities" else _("Staff-days"),
        key=f"{prefix}_measure",
    )
    return chosen or "activities"


def period_and_measure(prefix: str) -> tuple[str, str]:
    left, right = st.columns(2)
    period = left.segmented_control(
        _("Period"),
        PERIODS,
        default="year",
        format_func=lambda p: _(p).capitalize(),
        key=f"{prefix}_period",
    )
    return period or "year", measure_control(prefix, right)


# ---- rendering helpers ---------------------------------------------------------------


def chart(figure: go.Figure | None, numbers: pd.DataFrame, key: str) -> None:
    """A chart with the numbers behind it, as a table and a CSV download."""
    if figure is not None:
        st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{key}_chart")
    with st.expander(_("Numbers behind this chart")):
        st.dataframe(numbers, hide_index=True)
        st.download_button(
            _("Download these numbers (CSV)"),
            numbers.to_csv(index=False).encode("utf-8"),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"{key}_download",
        )


def empty_state(hint: str | None = None) -> None:
    st.info(
        hint
        or _(
            "No activities match these filters. Widen the date range or clear the "
            "theme and category filters in the sidebar."
        )
    )


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_days(value: float) -> str:
    return _("{value:,.1f} staff-days").format(value=value)


def show_problem(message: str) -> None:
    """A page that only says what went wrong and what to do, never a traceback."""

    def problem_page() -> None:
        st.title(_("The tracker cannot start"))
        st.error(message)

    st.navigation([st.Page(problem_page, title=_("Problem"), default=True)]).run()
