"""Themes: per theme, its trend and the forums where it is pursued."""

import streamlit as st

from tracker.i18n import _
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, reads, render, sidebar

role = auth.require("theme_dashboard")
st.title(_("Themes"))
filters = sidebar.shared_filters(role)
period, measure = sidebar.period_and_measure("themes")

view = reads.themes(filters, period, measure, role)
if view.is_empty:
    render.empty_state()
    st.stop()

st.caption(_(view.note))
cols = st.columns(len(view.totals))
for col, row in zip(cols, view.totals.itertuples(), strict=True):
    col.metric(
        markdown_literal(row.theme),
        render.format_count(row.activities),
        help=render.format_days(row.effort_days),
    )

render.chart(view.trend_figure, view.trend, "theme_trend")
render.chart(view.matrix_figure, view.matrix, "theme_by_category")
