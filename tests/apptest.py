"""Running the real app in Streamlit's AppTest, and reading what it shows."""

from __future__ import annotations

import json

import streamlit as st
from streamlit.testing.v1 import AppTest

from tracker.config import PROJECT_ROOT

APP = str(PROJECT_ROOT / "streamlit_app.py")


def clear_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def open_page(
    page: str | None = None, role: str | None = None, query: dict[str, str] | None = None
) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if role is not None:
        at.session_state["role"] = role
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}
