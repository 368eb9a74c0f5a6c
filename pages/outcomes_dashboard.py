"""Outcomes: what the engagement achieved, by type of change and forum category, beside the effort."""

import streamlit as st

from tracker.i18n import _, column_labels, ngettext
from tracker.web import auth, reads, render

role = auth.require("outcomes_dashboard")
st.title(_("Outcomes"))
view = reads.outcomes(role)
if view.is_empty:
    render.empty_state(_("No outcomes are recorded yet."))
    st.stop()

cols = st.columns(2)
cols[0].metric(_("Outcomes"), f"{view.counts['count']:,}")
cols[1].metric(_("Substantiated"), f"{view.counts['substantiated']:,}")
render.chart(view.type_figure, view.by_year, "outcomes_by_type")
render.chart(view.effort_figure, view.effort, "outcomes_beside_effort")
st.subheader(_("Outcomes and the activities that contributed"))
if view.hidden:
    st.caption(
        ngettext(
            "{n} restricted outcome is counted above but not listed.",
            "{n} restricted outcomes are counted above but not listed.",
            view.hidden,
        ).format(n=view.hidden)
    )
st.dataframe(
    view.table,
    hide_index=True,
    column_config={**column_labels(view.table.columns), "id": None, "deleted": None},
)
