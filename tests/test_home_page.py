"""AppTest of the home page on an empty and on the demo database."""

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tracker import database
from tracker.config import PROJECT_ROOT
from tracker.demo import seed_demo
from tracker.reference_data import load_reference_data


@pytest.fixture
def fresh_caches():
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def _app():
    return AppTest.from_file(str(PROJECT_ROOT / "streamlit_app.py"), default_timeout=30).run()


def _metrics(at):
    return {m.label: m.value for m in at.metric}


def test_empty_database_shows_a_friendly_empty_state(use_database, fresh_caches):
    at = _app()
    assert not at.exception
    assert at.title[0].value.startswith("KP Civil Society Coalition")
    assert any("No activities recorded yet" in s.value for s in at.subheader)
    assert _metrics(at) == {}


def test_demo_database_shows_headline_totals_and_the_demo_banner(use_database, fresh_caches):
    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        added = seed_demo(session)
    at = _app()
    assert not at.exception
    metrics = _metrics(at)
    assert metrics["Activities"] == f"{added:,}"
    assert metrics["KP share by activities, before"].endswith("%")
    assert any("illustrative demo data" in i.value for i in at.info)


def test_unreachable_database_shows_one_sentence_not_a_traceback(monkeypatch, fresh_caches):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:1/x")
    at = _app()
    assert not at.exception
    assert "could not connect" in at.error[0].value
    assert at.title[0].value == "The tracker cannot start"
