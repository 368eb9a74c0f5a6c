"""Participation: where the coalition works (a map), which member organisations took part,
and in which countries."""

import streamlit as st

from tracker.i18n import _
from tracker.text.countries import local_name
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

st.header(_("Where the coalition works"))
where = reads.country_map(filters, role, measure)
if where.is_empty:
    st.caption(_("No activity in this selection names a country."))
else:
    render.country_map(where, "participation")
    country = st.selectbox(
        _("Show one country on this page"),
        list(where.table.country_code),
        index=None,
        format_func=local_name,
        placeholder=_("All countries"),
        key="participation_country",
    )
    if country:
        filters = filters.with_(countries=(country,))
        st.caption(_("Showing {country} only.").format(country=local_name(country)))

view = reads.participation(filters, measure, by, role)
if view.is_empty:
    render.empty_state(_("No activity in this selection names a country.") if by == "countries" else None)
    st.stop()

if by == "organisations":
    st.caption(_("An activity with several organisations counts once for each of them."))
render.chart(view.figure, view.table, by)
