"""The engine the app uses, uncached reads and the one write helper."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tracker import config
from tracker.db import database
from tracker.errors import TrackerError
from tracker.text.plain_text import markdown_literal

R = TypeVar("R")


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The migrated engine for the configured database (raises TrackerError with a sentence)."""
    return _engine_for(config.database_url())


def data_version() -> int:
    """The database's data version, read once per rerun of the script (every read of
    the run shares it); outside a script run, read every time."""
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx(suppress_warning=True)
    memo = getattr(ctx, "_tracker_data_version", None)
    # ``cursors`` is a new dict at the start of every run: the memo is this run's if it holds it.
    if ctx is not None and memo is not None and memo[0] is ctx.cursors:
        return memo[1]
    with engine().connect() as connection:
        version = database.data_version.current(connection)
    if ctx is not None:
        ctx._tracker_data_version = (ctx.cursors, version)  # type: ignore[attr-defined]
    return version


def read(build: Callable[..., R], *args: Any) -> R:
    """An uncached read, for screens that must show the latest version (editing)."""
    with database.session_factory(engine())() as session:
        return build(session, *args)


def write(action: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[bool, Any]:
    """Run one write in one transaction. On a broken rule show its sentence, write
    nothing and return (False, the problem); on success clear every cached read and
    return (True, the result). (The second item is ``Any``: the action's result or the
    problem, which the caller tells apart by the flag; a union would not narrow on it.)"""
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


def writing() -> AbstractContextManager[Session]:
    """One writing transaction on the app's engine (``database.writing``)."""
    return database.writing(engine())
