"""The API on the running app: ``streamlit run`` serves /api/v1/ beside the pages, on the
same port (st.App routes), and answers a token over real HTTP."""

from __future__ import annotations

import datetime as dt
import json
import os
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path

import pytest

from tests.factories import add_activity
from tracker.access import accounts, tokens
from tracker.config import PROJECT_ROOT
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.results.summary import summary


def _entry_script() -> Path:
    """The file that assigns the ``st.App`` (app.py today; streamlit_app.py once it holds it)."""
    for name in ("streamlit_app.py", "app.py"):
        path = PROJECT_ROOT / name
        if path.exists() and "st.App(" in path.read_text(encoding="utf-8"):
            return path
    raise AssertionError("no entry script assigns st.App")


def _get(url: str, token: str | None = None) -> tuple[int, Message, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, json.loads(refused.read())


@pytest.fixture
def served(tmp_path, monkeypatch):
    from tests.browser.conftest import streamlit_server

    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = database.open_database(url)
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_SECRET_KEY": "api-server-test"}
    monkeypatch.setenv("TRACKER_SECRET_KEY", env["TRACKER_SECRET_KEY"])  # hashed as the server keys it
    with database.writing(engine) as session:
        load_reference_data(session)
        accounts.create_user(session, "fundy", "correct horse battery", "funder", "tester")
        raw = tokens.create_token(session, "fundy", "portfolio tool", "tester").raw
        for day, confidentiality in ((dt.date(2024, 2, 1), "public"), (dt.date(2024, 3, 7), "restricted")):
            add_activity(session, activity_date=day, confidentiality=confidentiality, effort_days=2)
    with streamlit_server(_entry_script(), env, tmp_path / "streamlit.log") as base:
        yield base, raw, engine
    engine.dispose()


def test_the_running_app_serves_the_summary_to_a_token(served):
    base, raw, engine = served
    status, headers, body = _get(f"{base}/api/v1/summary?from=2024-01-01&to=2024-12-31", raw)
    assert status == 200 and headers["content-type"].startswith("application/json")
    with database.session_factory(engine)() as session:
        assert body == json.loads(json.dumps(summary(session, dt.date(2024, 1, 1), dt.date(2024, 12, 31))))
    assert body["activities"] == 2  # the restricted one counts in the aggregate
    status, headers, body = _get(f"{base}/api/v1/summary")
    assert status == 401 and set(body) == {"error"} and headers["WWW-Authenticate"].startswith("Bearer")
    status, _, body = _get(f"{base}/api/v1/activities", raw)
    assert status == 200 and [a["confidentiality"] for a in body["activities"]] == ["public"]
    status, _, body = _get(f"{base}/api/v1/openapi.json")
    assert status == 200 and body["openapi"] == "3.1.0"
    status, _, body = _get(f"{base}/api/v1/no-such-thing", raw)
    assert status == 404 and "error" in body
