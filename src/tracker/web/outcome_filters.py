"""The staff Outcome list's sidebar filters (Streamlit side); the filtering is
``tracker.results.outcome_search.find_outcomes``."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import _
from tracker.results.outcome_search import OutcomeFilters
from tracker.vocabulary import CHANGE_TYPES, CONFIDENTIALITY_LEVELS, FORUM_CATEGORIES, labeller

KEYS = (
    "outcomes_text",
    "outcomes_types",
    "outcomes_categories",
    "outcomes_themes",
    "outcomes_year",
    "outcomes_from",
    "outcomes_to",
    "outcomes_confidentiality",
    "outcomes_direction",
    "outcomes_deleted",
)


def _clear() -> None:
    for key in KEYS:
        st.session_state.pop(key, None)


def outcome_filters(themes: list[str], years: list[int]) -> OutcomeFilters:
    """Render the filters in the sidebar; returns what they choose."""
    directions = {
        None: _("Positive and negative"),
        True: _("Positive changes only"),
        False: _("Negative changes only"),
    }
    with st.sidebar:
        st.header(_("Filters"))
        text = st.text_input(
            _("Search"), key="outcomes_text", help=_("Words of the statement or the social actor, or the id.")
        )
        change_types = st.multiselect(
            _("Type of change"),
            CHANGE_TYPES,
            format_func=labeller("change_type"),
            key="outcomes_types",
            placeholder=_("All types"),
        )
        categories = st.multiselect(
            _("Forum categories"),
            FORUM_CATEGORIES,
            format_func=labeller("forum_category"),
            key="outcomes_categories",
            placeholder=_("All categories"),
        )
        chosen_themes = st.multiselect(
            _("Themes"), themes, key="outcomes_themes", placeholder=_("All themes")
        )
        year = st.selectbox(
            _("Year"),
            [None, *years],
            format_func=lambda y: _("Any year") if y is None else str(y),
            key="outcomes_year",
        )
        left, right = st.columns(2)
        date_from = left.date_input(_("From"), value=None, key="outcomes_from")
        date_to = right.date_input(_("To"), value=None, key="outcomes_to")
        confidentiality = st.multiselect(
            _("Confidentiality"),
            CONFIDENTIALITY_LEVELS,
            format_func=labeller("confidentiality"),
            key="outcomes_confidentiality",
            placeholder=_("All levels"),
        )
        positive = st.radio(
            _("Direction of the change"),
            list(directions),
            format_func=directions.get,
            key="outcomes_direction",
        )
        include_deleted = st.checkbox(_("Include deleted outcomes"), key="outcomes_deleted")
        chosen = OutcomeFilters(
            text=text.strip(),
            change_types=tuple(change_types),
            categories=tuple(categories),
            themes=tuple(chosen_themes),
            year=year,
            date_from=date_from,
            date_to=date_to,
            confidentiality=tuple(confidentiality),
            positive=positive,
            include_deleted=include_deleted,
        )
        st.button(
            _("Clear the filters"), key="outcomes_clear", on_click=_clear, disabled=chosen == OutcomeFilters()
        )
    return chosen
