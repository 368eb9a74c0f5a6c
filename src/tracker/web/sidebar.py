"""The sidebar filters shared by the dashboards (mirrored in the URL) and small view controls."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from tracker.i18n import _
from tracker.results.filters import MEASURES, PERIODS, Filters, from_query, to_query
from tracker.text.plain_text import markdown_literal
from tracker.vocabulary import ACTIVITY_TYPES, FORUM_CATEGORIES, labeller
from tracker.web import reads
from tracker.web.render import Container, label_from

FILTERS_KEY = "shared_filters"
URL_NOTICE_KEY = "shared_filters_notice"
# The URL parameters the sidebar shows and can clear; any other is ignored, with a notice.
URL_FILTERS = ("from", "to", "theme", "category")
WIDGET_KEYS = ("filters_dates", "filters_themes", "filters_categories")


def _from_url(known_themes: tuple[str, ...]) -> tuple[Filters, list[str]]:
    params = st.query_params.to_dict()
    parsed = from_query({k: v for k, v in params.items() if k in URL_FILTERS}, known_themes)
    problems = list(parsed.problems)
    unknown = sorted(k for k in params if k not in URL_FILTERS)
    if unknown:
        problems.append(
            _("unknown parameters ignored: {names}").format(names=", ".join(f"“{k}”" for k in unknown))
        )
    return parsed.filters, problems


def _clear() -> None:
    st.session_state[FILTERS_KEY] = Filters()
    for key in WIDGET_KEYS:
        st.session_state.pop(key, None)
    st.session_state.pop(URL_NOTICE_KEY, None)


def shared_filters(role: str | None) -> Filters:
    """Sidebar filters shared by every dashboard page and mirrored in the URL.

    Only ``from``, ``to``, ``theme`` and ``category`` are read from a link, and each shows
    in a sidebar widget; anything else in the link is ignored and named in a notice that
    stays until the filters are cleared.
    """
    options = reads.filter_options(role)
    state = st.session_state
    if FILTERS_KEY not in state:
        state[FILTERS_KEY], problems = _from_url(tuple(options.themes))
        if problems:
            state[URL_NOTICE_KEY] = _(
                "Part of this link's filters was not understood and is ignored: {problems}."
            ).format(problems=markdown_literal("; ".join(problems)))
    if state.get(URL_NOTICE_KEY):
        st.warning(state[URL_NOTICE_KEY])
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
            format_func=labeller("forum_category"),
            default=list(current.categories),
            key="filters_categories",
            placeholder=_("All categories"),
        )
        chosen = current.with_(
            date_from=date_from, date_to=date_to, themes=tuple(themes), categories=tuple(categories)
        )
        st.button(
            _("Clear the filters"),
            key="filters_clear",
            on_click=_clear,
            disabled=chosen == Filters() and not state.get(URL_NOTICE_KEY),
        )
        if options.demo_data:
            st.caption(_("Showing illustrative demo data."))
    state[FILTERS_KEY] = chosen
    if st.query_params.to_dict() != to_query(chosen):
        st.query_params.from_dict(to_query(chosen))
    return chosen


def measure_control(prefix: str, container: Container = st) -> str:
    """Activities or staff-days: every view offers both measures."""
    chosen = container.segmented_control(
        _("Measure"),
        MEASURES,
        default="activities",
        format_func=lambda m: _("Activities") if m == "activities" else _("Staff-days"),
        key=f"{prefix}_measure",
    )
    return chosen or "activities"


def log_search_form(filters: Filters, role: str | None) -> Filters:
    """The activity log's own search (text, forums, organisations, countries, types), in a form."""
    options = reads.filter_options(role)
    with st.form("log_search"):
        text = st.text_input(_("Search titles, descriptions and outcomes"), key="log_text")
        cols = st.columns(4)
        forums = cols[0].multiselect(
            _("Forums"), options.forums, key="log_forums", placeholder=_("All forums")
        )
        organisations = cols[1].multiselect(
            _("Organisations"),
            options.organisations,
            key="log_organisations",
            placeholder=_("All organisations"),
        )
        countries = cols[2].multiselect(
            _("Countries"),
            list(options.countries),
            format_func=label_from(options.countries),
            key="log_countries",
            placeholder=_("All countries"),
        )
        types = cols[3].multiselect(
            _("Activity types"),
            ACTIVITY_TYPES,
            format_func=labeller("activity_type"),
            key="log_types",
            placeholder=_("All types"),
        )
        st.form_submit_button(_("Search"))
    return filters.with_(
        text=text,
        forums=tuple(forums),
        organisations=tuple(organisations),
        countries=tuple(countries),
        activity_types=tuple(types),
    )


def period_control(prefix: str, container: Container = st) -> str:
    """Year, quarter or month: the periods every view over time offers."""
    period = container.segmented_control(
        _("Period"),
        PERIODS,
        default="year",
        format_func=lambda p: _(p).capitalize(),
        key=f"{prefix}_period",
    )
    return period or "year"


def period_and_measure(prefix: str) -> tuple[str, str]:
    left, right = st.columns(2)
    return period_control(prefix, left), measure_control(prefix, right)
