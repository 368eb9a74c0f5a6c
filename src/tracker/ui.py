"""The Streamlit side of the tracker: the cached engine, cached reads and page plumbing.

Only pages and ``streamlit_app.py`` import this module; the services below it never
import Streamlit. Every cached read has a ttl and is cleared after every write.
"""

from __future__ import annotations

import streamlit as st
from sqlalchemy import Engine

from tracker import config, database
from tracker.home import HomeSummary, home_summary
from tracker.i18n import _

READ_TTL_SECONDS = 300


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The migrated engine for the configured database (raises TrackerError with a sentence)."""
    return _engine_for(config.database_url())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _home_summary(url: str) -> HomeSummary:
    with database.session_factory(_engine_for(url))() as session:
        return home_summary(session)


def cached_home_summary() -> HomeSummary:
    return _home_summary(config.database_url())


def clear_read_caches() -> None:
    """Call after every write so no page shows stale numbers."""
    st.cache_data.clear()


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_days(value: float) -> str:
    return _("{value:,.1f} staff-days").format(value=value)


def show_problem(message: str) -> None:
    """A page that only says what went wrong and what to do, never a traceback."""

    def problem_page() -> None:
        st.title(_("The tracker cannot start"))
        st.error(message)

    st.navigation([st.Page(problem_page, title=_("Problem"), default=True)]).run()
