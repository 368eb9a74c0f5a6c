"""The app's one stylesheet, added to every run by ``tracker.web.entry`` (the only CSS the app injects).

Streamlit's theme (.streamlit/config.toml) sets the fonts; what the theme cannot set is here,
each rule for a WCAG 2.1 AA need that axe-core checks on every page (tests/browser/test_every_page.py,
docs/accessibility.md). Selectors use Streamlit's ``data-testid`` attributes, which it keeps
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
</style>
"""


def apply() -> None:
    """Add the stylesheet to this run's page (``st.html`` of a lone ``<style>`` takes no space)."""
    st.html(STYLESHEET)
