"""Funder summary: a period's figures, the shift chart, themes and public outcomes, to download."""

import datetime as dt

import streamlit as st

from tracker import reports
from tracker.i18n import _
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

report = reads.funder_report(date_from, date_to)
view = report.view
if view.demo_data:
    st.info(_("Illustrative demo data, not the coalition's real records."))
if view.is_empty:
    render.empty_state(_("No activities in this period. Choose a wider period."))
    st.stop()

render.headline(view.totals, view.kp_share)
# The shift as a static SVG: shown before the Plotly bundle has loaded (or without it).
# Inline through st.markdown (st.html strips SVG); its text is escaped by the chart builder.
st.markdown(report.shift.shift_chart(render.format_share), unsafe_allow_html=True)

# Every download of this page is named with the period it holds.
named = f"funder-summary-{view.date_from}-{view.date_to}"
downloads = st.columns(3)
for column, fmt, label in (
    (downloads[0], "html", _("Download the report (HTML, opens offline)")),
    (downloads[1], "pdf", _("Download the report (PDF)")),
    (downloads[2], "xlsx", _("Download the figures (XLSX)")),
):
    column.download_button(
        label,
        render.funder_report_file(report, fmt),
        file_name=reports.file_name(report, fmt),
        mime=reports.MEDIA_TYPES[fmt],
        key=f"summary_{fmt}",
    )

# Static SVG charts, as in the report: the funder's first screen never waits for the
# Plotly bundle (docs/performance.md). The numbers behind each are beside it.
st.subheader(_("KP share in this period"))
render.static_numbers(view.shares, "summary_kp_share", f"{named}-kp-share.csv")
st.subheader(_("Engagement per forum category"))
st.markdown(reports.category_chart_svg(view), unsafe_allow_html=True)
render.static_numbers(view.engagement, "summary_engagement", f"{named}-engagement.csv")
st.subheader(_("Engagement per theme"))
st.caption(_("An activity with several themes counts once under each of its themes, with its full effort."))
st.markdown(reports.themes_chart_svg(view), unsafe_allow_html=True)
render.static_numbers(view.theme_matrix, "summary_themes", f"{named}-themes.csv")
st.subheader(_("Outcomes of public activities"))
if view.outcomes.empty:
    st.info(_("No public outcome recorded in this period."))
else:
    # A list, not a table: it reads on a phone without sideways scrolling.
    st.html(reports.outcomes_list_html(view))
