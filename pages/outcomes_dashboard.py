"""Outcomes: what the engagement achieved, by type of change and forum category, beside the effort."""

import streamlit as st

from tracker.i18n import _, ngettext
from tracker.results.results_views import outcomes_list_html, outcomes_page
from tracker.text import formatting
from tracker.web import auth, reads, render, sidebar

role = auth.require("outcomes_dashboard")
st.title(_("Outcomes"))
filters = sidebar.shared_filters(role)
view = reads.outcomes(filters, role)
st.caption(
    _(
        "The filters select outcomes by their own date, themes, forum category, forum and country, "
        "and the staff-days beside them by the activities' date, themes and forum."
    )
)
if view.effort_only:
    st.caption(
        _("{filters}: applies to the effort only (an outcome has no such detail).").format(
            filters=", ".join(view.effort_only)
        )
    )
if view.is_empty:
    render.empty_state(
        _(
            "No outcomes match these filters. Widen the date range or clear the "
            "theme and category filters in the sidebar."
        )
        if view.any_recorded
        else _("No outcomes are recorded yet.")
    )
    st.stop()

cols = st.columns(2)
cols[0].metric(_("Outcomes"), formatting.number(view.counts["count"]))
cols[1].metric(_("Substantiated"), formatting.number(view.counts["substantiated"]))
render.chart(view.type_figure, view.by_year, "outcomes_by_type")
render.chart(view.effort_figure, view.effort, "outcomes_beside_effort")
if view.without_forum:
    st.caption(
        ngettext(
            "{n} outcome has no forum: it is counted above but in no category panel.",
            "{n} outcomes have no forum: they are counted above but in no category panel.",
            view.without_forum,
        ).format(n=formatting.number(view.without_forum))
    )
st.header(_("Outcomes and the activities that contributed"))
if view.hidden:
    st.caption(
        ngettext(
            "{n} restricted outcome is counted above but not listed.",
            "{n} restricted outcomes are counted above but not listed.",
            view.hidden,
        ).format(n=formatting.number(view.hidden))
    )
# A list, not a table: it reads on a phone without sideways scrolling; a page at a time.
if view.items:
    shown = outcomes_page(len(view.items), st.session_state.get("outcomes_page", 1))
    st.caption(
        ngettext(
            "{total} outcome listed; page {page} of {pages}.",
            "{total} outcomes listed; page {page} of {pages}.",
            shown.total,
        ).format(
            total=formatting.number(shown.total),
            page=formatting.number(shown.page),
            pages=formatting.number(shown.pages),
        )
    )
    st.html(outcomes_list_html(view, shown))
    if shown.pages > 1:
        st.number_input(_("Page"), min_value=1, max_value=shown.pages, value=shown.page, key="outcomes_page")
