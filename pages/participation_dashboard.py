"""Participation: which member organisations took part, and in which countries."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads, render, sidebar

role = auth.require("participation_dashboard")
st.title(_("Participation"))
filters = sidebar.shared_filters(role)
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
measure = sidebar.measure_control("participation", right)

view = reads.participation(filters, measure, by, role)
if view.is_empty:
    render.empty_state(_("No activity in this selection names a country.") if by == "countries" else None)
    st.stop()

if by == "organisations":
    st.caption(_("An activity with several organisations counts once for each of them."))
render.chart(view.figure, view.table, by)
