"""Running the real app in Streamlit's AppTest, signed in as a role, and reading what it shows."""

from __future__ import annotations

import html
import json
import re

import streamlit as st
from streamlit.testing.v1 import AppTest

from tracker import config
from tracker.access import sessions
from tracker.config import PROJECT_ROOT
from tracker.db import database
from tracker.db.models import utcnow
from tracker.i18n import _, available_languages, use_language
from tracker.web import auth, entry

APP = str(PROJECT_ROOT / "streamlit_app.py")


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def sign_in_state(at: AppTest, username: str) -> None:
    """What a successful log-in leaves in the session (the account must exist)."""
    at.session_state[auth.SESSION_KEY] = start_session(username)


def start_session(username: str) -> str:
    """A server-side browser session for ``username`` in the configured database; its id."""
    engine = database.make_engine(config.database_url())
    try:
        with database.session_factory(engine).begin() as session:
            return sessions.start(session, username, utcnow()).session_id
    finally:
        engine.dispose()


def guard_sentences() -> set[str]:
    """The guard's one sentence for an unexpected error, in every language."""
    sentences = set()
    for language in available_languages():
        with use_language(language):
            sentences.add(_(entry.UNEXPECTED_ERROR))
    return sentences


def assert_page_ran(at: AppTest) -> None:
    """The run raised nothing: no exception element, and not the guard's sentence either
    (with ``TRACKER_PAGE_ERRORS`` unset the guard turns a crash into that sentence)."""
    assert not at.exception, at.exception
    shown = [e.value for e in at.error if e.value in guard_sentences()]
    assert not shown, shown


def open_page(
    page: str | None = None,
    role: str | None = None,
    query: dict[str, str] | None = None,
    username: str | None = None,
) -> AppTest:
    """Open the app (signed in as ``demo-<role>`` when a role is given), then switch to ``page``."""
    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None or username is not None:
        sign_in_state(at, username or f"demo-{role}")
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert_page_ran(at)
    return at


def open_page_file(page: str, role: str | None) -> AppTest:
    """Run one page file as the whole app, bypassing navigation, to test its own check."""
    at = AppTest.from_file(str(PROJECT_ROOT / page), default_timeout=60)
    if role is not None:
        sign_in_state(at, f"demo-{role}")
    at.run()
    assert_page_ran(at)
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def chart_titles(at: AppTest) -> list[str]:
    """The charts' titles, in order: text above each chart (``render.chart``), not in the figure."""
    bodies = [element.proto.body for element in at.get("html")]
    return [
        html.unescape(title)
        for body in bodies
        for title in re.findall(r'<p class="tracker-chart-title">(.*?)</p>', body)
    ]


def metrics(at: AppTest) -> dict[str, str]:
    """Each label's first figure: the headline's (the comparison below it repeats the
    labels, under a heading that names its period)."""
    shown: dict[str, str] = {}
    for m in at.metric:
        shown.setdefault(m.label, m.value)
    return shown


def numbers_tables(at: AppTest) -> list:
    """The read-only tables a page shows as HTML (render.numbers_table), in order, parsed
    back into frames (English number format), with the column names behind the English
    headings (``"Activities"`` back to ``activities``)."""
    from io import StringIO

    import pandas as pd

    from tracker.i18n import COLUMN_LABELS

    names = {label: name for name, label in COLUMN_LABELS.items()}
    frames = [pd.read_html(StringIO(h.value))[0] for h in at.html if "<table" in h.value]
    return [frame.rename(columns=names) for frame in frames]
