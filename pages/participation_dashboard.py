"""Participation: which member organisations took part, and in which countries."""

import streamlit as st

from tracker import ui
from tracker.i18n import _

ui.require("participation_dashboard")
st.title(_("Participation"))
filters = ui.shared_filters()
measure = ui.measure_control("participation")

view = ui.participation(filters, measure)
if view.is_empty:
    ui.empty_state()
    st.stop()

st.caption(_("An activity with several organisations counts once for each of them."))
ui.chart(view.organisations_figure, view.organisations, "organisations")
if view.countries.empty:
    st.info(_("No activity in this selection names a country."))
else:
    ui.chart(view.countries_figure, view.countries, "countries")
