"""Participation: which member organisations took part, and in which countries."""

import streamlit as st

from tracker import ui
from tracker.i18n import _

ui.require("participation_dashboard")
st.title(_("Participation"))
filters = ui.shared_filters()
left, right = st.columns(2)
by = (
    left.segmented_control(
        _("Show"),
        ("organisations", "countries"),
        default="organisations",
        key="participation_by",
        format_func=lambda b: _("Member organisations") if b == "organisations" else _("Countries"),
    )
    or "organisations"
)
measure = ui.measure_control("participation", right)

view = ui.participation(filters, measure, by)
if view.is_empty:
    ui.empty_state(_("No activity in this selection names a country.") if by == "countries" else None)
    st.stop()

if by == "organisations":
    st.caption(_("An activity with several organisations counts once for each of them."))
ui.chart(view.figure, view.table, by)
