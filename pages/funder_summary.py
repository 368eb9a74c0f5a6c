"""Funder summary: a period's figures, the shift chart, themes and public outcomes, to download."""

import datetime as dt

import streamlit as st

from tracker import reports, ui
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

report = ui.funder_report(picked[0], picked[1])
view = report.view
if view.demo_data:
    st.info(_("Illustrative demo data, not the coalition's real records."))
if view.is_empty:
    ui.empty_state(_("No activities in this period. Choose a wider period."))
    st.stop()

ui.headline(view.totals, view.kp_share)
# The shift as a static SVG: shown before the Plotly bundle has loaded (or without it).
# Inline through st.markdown (st.html strips SVG); its text is escaped by the chart builder.
st.markdown(report.shift.shift_chart(ui.format_share), unsafe_allow_html=True)

downloads = st.columns(3)
for column, fmt, label in (
    (downloads[0], "html", _("Download the report (HTML, opens offline)")),
    (downloads[1], "pdf", _("Download the report (PDF)")),
    (downloads[2], "xlsx", _("Download the figures (XLSX)")),
):
    column.download_button(
        label,
        ui.funder_report_file(report, fmt),
        file_name=reports.file_name(report, fmt),
        mime=reports.MEDIA_TYPES[fmt],
        key=f"summary_{fmt}",
    )

# Static SVG charts, as in the report: the funder's first screen never waits for the
# Plotly bundle (docs/performance.md). The numbers behind each are beside it.
st.subheader(_("KP share in this period"))
ui.chart(None, view.shares, "summary_kp_share")
st.subheader(_("Engagement per forum category"))
st.markdown(reports.category_chart_svg(view), unsafe_allow_html=True)
ui.chart(None, view.engagement, "summary_engagement")
st.subheader(_("Engagement per theme"))
st.caption(_("An activity with several themes counts once under each of its themes, with its full effort."))
st.markdown(reports.themes_chart_svg(view), unsafe_allow_html=True)
ui.chart(None, view.theme_matrix, "summary_themes")
st.subheader(_("Outcomes of public activities"))
if view.outcomes.empty:
    st.info(_("No public outcome recorded in this period."))
else:
    # A list, not a table: it reads on a phone without sideways scrolling.
    st.html(reports.outcomes_list_html(view))
