"""Overview: headline figures, the KP share over time and engagement by forum category."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads, render, sidebar

role = auth.require("overview_dashboard")
st.title(_("Overview"))
filters = sidebar.shared_filters(role)
period = sidebar.period_control("overview")

view = reads.overview(filters, period, None, role)
if view.is_empty:
    render.empty_state()
    st.stop()

render.headline(view.totals, view.kp_share)

if view.latest_period and view.previous_period:
    render.comparison(
        view.latest_period,
        view.previous_period,
        {key: (change.value, change.previous) for key, change in view.changes.items()},
    )

render.chart(view.share_figure, view.shares, "kp_share")


# The measure changes this chart only: a click on it reruns this fragment, not the page.
@st.fragment
def engagement() -> None:
    measure = sidebar.measure_control("overview")
    figure = reads.engagement_figure(view.engagement, measure, period)
    render.chart(figure, view.engagement, "engagement_by_category")


engagement()
