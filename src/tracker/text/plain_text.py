"""Names and titles typed by people are shown as plain text, never as Markdown or HTML.

Streamlit renders Markdown in ``st.markdown``, ``st.write``, ``st.caption``, ``st.title``,
``st.subheader``, alerts (``st.success``, ``st.error`` ...), metric labels, expander and
radio labels. A forum, theme, organisation, title or display name such as
``![x](http://example.invalid/a.png)`` would fetch an image from outside (telling a third
party who reads the page) or show a link. ``markdown_literal`` escapes every ASCII
punctuation character (CommonMark backslash escapes), which also stops Streamlit's
``:emoji:``, ``:red[colour]`` and ``$LaTeX$``; line breaks become spaces. HTML is never
enabled (no ``unsafe_allow_html``), so tags show as text.
"""

from __future__ import annotations

import html
import re
import string

_SPECIAL = re.compile("([" + re.escape(string.punctuation) + "])")
# Streamlit's Markdown turns bare addresses into links after parsing (GFM autolink literals
# run on the text, so escapes do not stop them): an invisible word joiner (U+2060) inside
# "http://", "www." and after "@" keeps what is shown and breaks the pattern.
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto|xmpp):)|(\bwww)(?=\.)|(@)")
WORD_JOINER = "\u2060"


def _no_autolink(text: str) -> str:
    return _AUTOLINK.sub(lambda m: m.group(0) + WORD_JOINER, text)


def markdown_literal(text: object) -> str:
    """``text`` escaped so that Streamlit's Markdown shows it exactly, as plain text."""
    value = " ".join(str(text).splitlines()) if "\n" in str(text) or "\r" in str(text) else str(text)
    return _SPECIAL.sub(r"\\\1", _no_autolink(value))


def plotly_literal(text: object) -> str:
    """``text`` for a Plotly label, legend or hover: Plotly renders a few HTML tags there
    (``<a href>``, ``<b>``, ``<br>`` ...) and decodes entities, so ``&``, ``<`` and ``>``
    become entities and show as themselves."""
    return html.escape(str(text), quote=False)


def svg_text(text: object) -> str:
    """``text`` for the text or an attribute of an SVG drawing shown through ``st.markdown``.

    XML escaping alone keeps the drawing well formed, but Streamlit's Markdown still reads
    the characters around the tags (a line break ends the HTML block; ``*``, ``_``, ``[``,
    ``:``, ``$`` could then format, link or fetch). So every ASCII punctuation character
    becomes a numeric character reference (which the HTML parser turns back into the
    character as plain text, never read as Markdown) and line breaks and other control
    characters become spaces.
    """
    out = []
    for char in _no_autolink(str(text)):
        if char in string.punctuation:
            out.append(f"&#{ord(char)};")
        elif char < " " or char == "\x7f":
            out.append(" ")
        else:
            out.append(char)
    return "".join(out)
