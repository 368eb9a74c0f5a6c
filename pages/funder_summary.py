"""Funder summary: a period's figures, the shift chart, themes and public outcomes, to download."""

import datetime as dt

import streamlit as st

from tracker import ui
from tracker.i18n import _

ui.require("funder_summary")
st.title(_("Funder summary"))

today = dt.date.today()
picked = st.date_input(
    _("Period (for example a grant period)"),
    value=(today - dt.timedelta(days=365), today),
    min_value=dt.date(2000, 1, 1),
    max_value=dt.date(today.year + 5, 12, 31),
    key="summary_period",
)
if not isinstance(picked, tuple) or len(picked) != 2:
    st.info(_("Choose the last day of the period too."))
    st.stop()

view = ui.funder_summary(picked[0], picked[1])
if view.demo_data:
    st.info(_("Illustrative demo data, not the coalition's real records."))
if view.is_empty:
    ui.empty_state(_("No activities in this period. Choose a wider period."))
    st.stop()

ui.headline(view.totals, view.kp_share)

left, right = st.columns(2)
left.download_button(
    _("Download the report (HTML, opens offline)"),
    ui.funder_report_html(view),
    file_name=f"funder-summary-{view.date_from}-{view.date_to}.html",
    mime="text/html",
    key="summary_html",
)
right.download_button(
    _("Download the figures (XLSX)"),
    ui.funder_report_xlsx(view),
    file_name=f"funder-summary-{view.date_from}-{view.date_to}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="summary_xlsx",
)

st.subheader(_("The shift away from the Kimberley Process"))
ui.chart(view.share_figure, view.shares, "summary_kp_share")
ui.chart(view.engagement_figure, view.engagement, "summary_engagement")
st.subheader(_("Engagement per theme"))
st.caption(_("An activity with several themes counts once under each of its themes, with its full effort."))
ui.chart(view.themes_figure, view.theme_matrix, "summary_themes")
st.subheader(_("Outcomes of public activities"))
if view.outcomes.empty:
    st.info(_("No public outcome recorded in this period."))
else:
    st.dataframe(view.outcomes, hide_index=True)
