"""What changes at phone width (390 px) that Streamlit's own layout does not do: one
style sheet, added to every page by ``tracker.web.entry``, and the chart title helper.

- Metric labels, metric values and button labels wrap instead of ending in "…" (Streamlit
  cuts them to one line), at every width: a cut label or number reads as a wrong one.
- The sidebar's date range shows both dates (its field is narrower than the text).
- A read-only HTML table (``render.numbers_table``, the report's tables shown on the
  Funder summary) never widens the page: its cells wrap, and a table still wider than the
  screen scrolls inside its own box, never the page.
- Chart titles are text above the chart (``render.chart``), so they wrap; Plotly draws
  titles on one line and cut them on a phone.
- Lists with a detail view (``tracker.results.activity_log``, the Strategy targets)
  use the ``tracker-list`` styles.

docs/phone.md says what a reader sees at phone width.
"""

from __future__ import annotations

import streamlit as st

STYLES = """
<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}
[data-testid="stMetricValue"] { line-height: 1.15; }
button[data-testid^="stBaseButton"], button[data-testid^="stBaseButton"] *,
[data-testid="stDownloadButton"] button, [data-testid="stDownloadButton"] button * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto; text-align: center;
}
button[data-testid^="stBaseButton"] { max-width: 100%; }
[data-testid="stSidebar"] [data-testid="stDateInput"] input { text-overflow: clip; font-size: 0.9rem; }
[data-testid="stMain"] [data-testid="stHtml"] { max-width: 100%; overflow-x: auto; }
[data-testid="stMain"] [data-testid="stHtml"] th, [data-testid="stMain"] [data-testid="stHtml"] td {
  overflow-wrap: break-word;
}
.tracker-chart-title { font-weight: 600; font-size: 1.05rem; margin: 0.5rem 0 0 0; line-height: 1.3; }
.tracker-list { list-style: none; padding: 0 !important; margin: 0 !important; }
.tracker-list > li { border-top: 1px solid #e6e6e6; padding: 0.45rem 0; margin: 0 !important; }
.tracker-list details > summary { cursor: pointer; }
.tracker-list .tracker-when { font-variant-numeric: tabular-nums; white-space: nowrap; margin-right: 0.4rem; }
.tracker-list dl {
  display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.6rem; margin: 0.4rem 0 0.2rem 0;
}
.tracker-list dt { font-weight: 600; }
.tracker-list dd { margin: 0; overflow-wrap: anywhere; }
.tracker-targets { border-collapse: collapse; width: 100%; }
.tracker-targets th, .tracker-targets td {
  text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #e6e6e6; vertical-align: top;
}
.tracker-targets td.tracker-number { text-align: right; white-space: nowrap; }
</style>
"""


def styles() -> None:
    """The tracker's phone-width styles, on every page (a style-only ``st.html`` takes no space)."""
    st.html(STYLES)
