"""The engine the app uses, uncached reads and the one write helper."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st
from sqlalchemy import Engine

from tracker import config
from tracker.db import database
from tracker.errors import TrackerError
from tracker.text.plain_text import markdown_literal


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The migrated engine for the configured database (raises TrackerError with a sentence)."""
    return _engine_for(config.database_url())


def read(build: Callable, *args):
    """An uncached read, for screens that must show the latest version (editing)."""
    with database.session_factory(engine())() as session:
        return build(session, *args)


def write(action: Callable, *args, **kwargs):
    """Run one write in one transaction. On a broken rule show its sentence, write
    nothing and return (False, the problem); on success clear every cached read and
    return (True, the result)."""
    try:
        with database.writing(engine()) as session:
            result = action(session, *args, **kwargs)
    except TrackerError as problem:
        st.error(markdown_literal(str(problem)))
        return False, problem
    clear_read_caches()
    return True, result


def clear_read_caches() -> None:
    """Call after every write so no page shows stale numbers."""
    st.cache_data.clear()


def writing():
    """One writing transaction on the app's engine (``database.writing``)."""
    return database.writing(engine())
