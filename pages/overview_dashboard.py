"""Overview: headline figures, the KP share over time and engagement by forum category."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads, render, sidebar

role = auth.require("overview_dashboard")
st.title(_("Overview"))
filters = sidebar.shared_filters(role)
period, measure = sidebar.period_and_measure("overview")

view = reads.overview(filters, period, measure, role)
if view.is_empty:
    render.empty_state()
    st.stop()

render.headline(view.totals, view.kp_share)

if view.previous_period:
    st.subheader(
        _("{latest} against {previous}").format(latest=view.latest_period, previous=view.previous_period)
    )
    changes = view.changes
    cols = st.columns(4)
    cols[0].metric(
        _("Activities in {p}").format(p=view.latest_period),
        f"{changes['activities'].value:,.0f}",
        delta=f"{changes['activities'].delta:+,.0f}",
    )
    cols[1].metric(
        _("Staff-days in {p}").format(p=view.latest_period),
        f"{changes['effort_days'].value:,.1f}",
        delta=f"{changes['effort_days'].delta:+,.1f}",
    )
    for col, key, label in (
        (cols[2], "by_count", _("KP share by activities in {p}")),
        (cols[3], "by_effort", _("KP share by effort in {p}")),
    ):
        change = changes[key]
        delta = None if change.delta is None else _("{points:+.0f} points").format(points=change.delta * 100)
        # A falling KP share is the shift the coalition decided on, not a loss.
        col.metric(
            label.format(p=view.latest_period),
            render.format_share(change.value),
            delta=delta,
            delta_color="off",
        )

render.chart(view.share_figure, view.shares, "kp_share")
render.chart(view.engagement_figure, view.engagement, "engagement_by_category")
