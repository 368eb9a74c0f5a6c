"""Funder summary: a period's figures, the shift chart, themes and public outcomes, to download."""

import datetime as dt

import streamlit as st

from tracker.i18n import _, column_labels
from tracker.web import auth, reads, render

auth.require("funder_summary")
st.title(_("Funder summary"))

today = dt.date.today()
# A form: Enter in either field (or the button) applies the period, and nothing else on
# the page (figures, downloads, file names) changes until it is applied, so every
# download is of the period shown on screen.
period = st.session_state.setdefault(
    "summary_applied", ((today - dt.timedelta(days=365)).isoformat(), today.isoformat())
)
with st.form("summary_period_form", border=False):
    left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
    typed_from = left.text_input(_("Period from (YYYY-MM-DD)"), value=period[0], key="summary_from")
    typed_to = right.text_input(_("to (YYYY-MM-DD)"), value=period[1], key="summary_to")
    if button.form_submit_button(_("Show this period")):
        period = (typed_from.strip(), typed_to.strip())
try:
    date_from, date_to = (dt.date.fromisoformat(day) for day in period)
except ValueError:
    st.error(_("Write both days of the period as YYYY-MM-DD, for example 2025-01-31, then press Enter."))
    st.stop()
if date_from > date_to:
    st.error(_("The first day of the period is after the last: swap them, then press Enter."))
    st.stop()
st.session_state["summary_applied"] = period
st.caption(_("Showing {first} to {last}.").format(first=date_from.isoformat(), last=date_to.isoformat()))

view = reads.funder_summary(date_from, date_to)
if view.demo_data:
    st.info(_("Illustrative demo data, not the coalition's real records."))
if view.is_empty:
    render.empty_state(_("No activities in this period. Choose a wider period."))
    st.stop()

render.headline(view.totals, view.kp_share)

# Every download of this page is named with the period it holds.
named = f"funder-summary-{view.date_from}-{view.date_to}"
left, right = st.columns(2)
left.download_button(
    _("Download the report (HTML, opens offline)"),
    render.funder_report_html(view),
    file_name=f"{named}.html",
    mime="text/html",
    key="summary_html",
)
right.download_button(
    _("Download the figures (XLSX)"),
    render.funder_report_xlsx(view),
    file_name=f"{named}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="summary_xlsx",
)

st.subheader(_("The shift away from the Kimberley Process"))
render.chart(view.share_figure, view.shares, "summary_kp_share", f"{named}-kp-share.csv")
render.chart(view.engagement_figure, view.engagement, "summary_engagement", f"{named}-engagement.csv")
st.subheader(_("Engagement per theme"))
st.caption(_("An activity with several themes counts once under each of its themes, with its full effort."))
render.chart(view.themes_figure, view.theme_matrix, "summary_themes", f"{named}-themes.csv")
st.subheader(_("Outcomes of public activities"))
if view.outcomes.empty:
    st.info(_("No public outcome recorded in this period."))
else:
    st.dataframe(view.outcomes, hide_index=True, column_config=column_labels(view.outcomes.columns))
