"""One decorator for every cached read.

``cached(build)`` turns a service ``build(session, *args)`` into ``read(*args)``, cached
with a ttl and keyed by the database URL, its data version (``tracker.db.data_version``:
a write in any process, this one or another, a command-line import or a restore, makes
the next rerun read afresh), the service and every argument. Nothing is
read from the session inside a cached read: whatever changes the output (the role
above all) must be an argument, so a cache entry never serves another role.

What is cached is what the screen sends: every Plotly ``Figure`` in a read's result
(in a view's fields, nested views and tuples) is stored as its plain dict
(``Figure.to_dict()``, validated once when built). A cached value is unpickled on every
rerun, and an unpickled ``Figure`` re-runs Plotly's validators: about 30 ms a chart, most
of a warm click (docs/performance.md). ``render.chart`` takes either form.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, overload

import plotly.graph_objects as go
import streamlit as st

from tracker import config
from tracker.i18n import current_language
from tracker.web import db

READ_TTL_SECONDS = 300
P = ParamSpec("P")
R = TypeVar("R")


@overload
def cached(build: Callable[..., R], *, ttl: int = READ_TTL_SECONDS) -> Callable[..., R]: ...
@overload
def cached(
    build: None = None, *, ttl: int = READ_TTL_SECONDS
) -> Callable[[Callable[..., R]], Callable[..., R]]: ...
def cached(
    build: Callable[..., R] | None = None, *, ttl: int = READ_TTL_SECONDS
) -> Callable[..., R] | Callable[[Callable[..., R]], Callable[..., R]]:
    """Decorate (or wrap) a service read ``build(session, *args)`` as a cached ``read(*args)``."""

    def wrap(build: Callable[..., R]) -> Callable[..., R]:
        def run(url: str, *args: Any) -> Any:
            return for_screen(db.read(build, *args))

        # Streamlit keys a cache by the function's module, qualified name and source:
        # every wrapped service gets its own name, so no two reads share entries.
        run.__qualname__ = run.__name__ = f"cached_{build.__module__}_{build.__qualname__}"
        cached_run = st.cache_data(ttl=ttl, show_spinner=False)(run)

        @functools.wraps(build)
        def read(*args: Any) -> Any:
            # Keyed by the reader's language too: cached views carry translated chart titles.
            # And by the data version, read once per rerun: a write anywhere is seen at the next one.
            key = f"{config.database_url()}#{current_language()}#{db.data_version()}"
            return cached_run(key, *args)

        read.clear = cached_run.clear  # type: ignore[attr-defined]
        return read

    return wrap(build) if build is not None else wrap


def for_screen(value: Any) -> Any:
    """``value`` with every Plotly figure in it replaced by its plain dict: in frozen
    dataclasses (field by field), tuples, lists and dicts; anything else as it is."""
    if isinstance(value, go.Figure):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {
            field.name: for_screen(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.init
        }
        changed = {name: new for name, new in changed.items() if new is not getattr(value, name)}
        return dataclasses.replace(value, **changed) if changed else value
    if isinstance(value, tuple) and not hasattr(value, "_fields"):
        items = tuple(for_screen(item) for item in value)
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    if isinstance(value, list):
        return [for_screen(item) for item in value]
    return value
