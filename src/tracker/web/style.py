"""The app's one stylesheet, added to every run by ``tracker.web.entry`` (the only CSS the app injects).

Streamlit's theme (.streamlit/config.toml) sets the fonts; what the theme cannot set is here:

Accessibility: each rule for a WCAG 2.1 AA need that axe-core checks on every page
(tests/browser/test_every_page.py, docs/accessibility.md).

Phone width (docs/phone.md, tests/browser/test_phone.py):
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

Selectors use Streamlit's ``data-testid`` attributes, which it keeps
stable across releases, never its generated class names.
"""

from __future__ import annotations

import streamlit as st

# Text at least 4.5:1 against white, the sidebar's grey and the light red of a selected toggle.
CAPTION_GREY = "#5e5d5b"  # 6.2:1 on the sidebar's #f8f8f7 (Streamlit's own grey: 3.8:1)
SELECTED_RED = "#9e2433"  # 6.6:1 on the selected toggle's #f9ebed (Streamlit's: 4.47:1)
FOCUS_BLUE = "#1a56db"  # the keyboard focus ring: 5.4:1 on white, unlike any page colour

STYLESHEET = f"""
<style>
/* Captions, including the sidebar's "Signed in as" line: Streamlit fades the text colour
   (opacity 0.6) to 3.8:1; a solid grey instead. */
[data-testid="stCaptionContainer"] {{
  opacity: 1;
}}
[data-testid="stCaptionContainer"],
[data-testid="stCaptionContainer"] p {{
  color: {CAPTION_GREY};
}}
/* The selected option of a segmented control (Period, Measure). */
[data-testid="stButtonGroup"] button[data-selected="true"],
[data-testid="stButtonGroup"] button[data-selected="true"] p {{
  color: {SELECTED_RED};
}}
/* Keyboard focus: a ring that cannot be mistaken for the current page's grey background. */
a:focus-visible,
button:focus-visible,
summary:focus-visible,
[role="tab"]:focus-visible,
[tabindex]:focus-visible {{
  outline: 3px solid {FOCUS_BLUE} !important;
  outline-offset: 2px;
}}
[data-testid="stSidebarNavLink"]:focus-visible {{
  outline-offset: -3px;
  text-decoration: underline;
}}
/* Phone width: text that wraps rather than being cut, tables and lists that fit. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  overflow-wrap: anywhere;
}}
[data-testid="stMetricValue"] {{ line-height: 1.15; }}
button[data-testid^="stBaseButton"], button[data-testid^="stBaseButton"] *,
[data-testid="stDownloadButton"] button, [data-testid="stDownloadButton"] button * {{
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
  height: auto; text-align: center;
}}
button[data-testid^="stBaseButton"] {{ max-width: 100%; }}
[data-testid="stSidebar"] [data-testid="stDateInput"] input {{ text-overflow: clip; font-size: 0.9rem; }}
[data-testid="stMain"] [data-testid="stHtml"] {{ max-width: 100%; overflow-x: auto; }}
.table-box {{ max-width: 100%; overflow-x: auto; }}
[data-testid="stMain"] [data-testid="stHtml"] th, [data-testid="stMain"] [data-testid="stHtml"] td {{
  overflow-wrap: break-word;
}}
.tracker-chart-title {{ font-weight: 600; font-size: 1.05rem; margin: 0.5rem 0 0 0; line-height: 1.3; }}
.tracker-list {{ list-style: none; padding: 0 !important; margin: 0 !important; }}
.tracker-list > li {{ border-top: 1px solid #e6e6e6; padding: 0.45rem 0; margin: 0 !important; }}
.tracker-list details > summary {{ cursor: pointer; }}
.tracker-list .tracker-when {{
  font-variant-numeric: tabular-nums; white-space: nowrap; margin-right: 0.4rem;
}}
.tracker-list dl {{
  display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.6rem; margin: 0.4rem 0 0.2rem 0;
}}
.tracker-list dt {{ font-weight: 600; }}
.tracker-list dd {{ margin: 0; overflow-wrap: anywhere; }}
.tracker-targets {{ border-collapse: collapse; width: 100%; }}
.tracker-targets th, .tracker-targets td {{
  text-align: left; padding: 0.25rem 0.4rem; border-bottom: 1px solid #e6e6e6; vertical-align: top;
}}
.tracker-targets td.tracker-number {{ text-align: right; white-space: nowrap; }}
</style>
"""


def apply() -> None:
    """Add the stylesheet to this run's page (``st.html`` of a lone ``<style>`` takes no space)."""
    st.html(STYLESHEET)
