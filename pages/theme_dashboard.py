"""Themes: per theme, its trend and the forums where it is pursued."""

import streamlit as st

from tracker import ui
from tracker.i18n import _
from tracker.plain_text import markdown_literal

ui.require("theme_dashboard")
st.title(_("Themes"))
filters = ui.shared_filters()
period, measure = ui.period_and_measure("themes")

view = ui.themes(filters, period, measure)
if view.is_empty:
    ui.empty_state()
    st.stop()

st.caption(_(view.note))
cols = st.columns(len(view.totals))
for col, row in zip(cols, view.totals.itertuples(), strict=True):
    col.metric(markdown_literal(row.theme), f"{row.activities:,}", help=ui.format_days(row.effort_days))

ui.chart(view.trend_figure, view.trend, "theme_trend")
ui.chart(view.matrix_figure, view.matrix, "theme_by_category")
