"""``streamlit run streamlit_app.py`` is the whole app (issue 17.5): Streamlit's discovery
finds the ``st.App`` with the tracker's routes in the entry script, the server's import
builds it once, and the script runs never build it again."""

import importlib.util
from pathlib import Path

import pytest
import streamlit as st
from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest
from streamlit.web.server.app_discovery import discover_asgi_app

from tests.apptest import APP, assert_page_ran
from tracker.config import PROJECT_ROOT
from tracker.web import routes


def test_there_is_one_entry_point_and_streamlit_discovers_its_app():
    assert not (PROJECT_ROOT / "app.py").exists()
    found = discover_asgi_app(Path(APP))
    assert found.is_asgi_app
    assert found.import_string == "streamlit_app:app"
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert "streamlit run streamlit_app.py" in makefile


@pytest.fixture
def server_import(monkeypatch):
    """The entry script imported as the server imports it (module ``streamlit_app``);
    Streamlit's process-wide script path restored afterwards."""
    monkeypatch.setattr(streamlit_config, "_main_script_path", None)
    spec = importlib.util.spec_from_file_location("streamlit_app", APP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_server_import_builds_the_app_with_every_route(server_import):
    app = server_import.app
    assert isinstance(app, st.App)
    assert app.script_path == Path("streamlit_app.py")
    assert [route.path for route in app._user_routes] == [route.path for route in routes.ROUTES]
    assert routes.PATH in {route.path for route in app._user_routes}


def test_a_script_run_runs_the_app_and_builds_no_st_app(app_database, monkeypatch):
    built: list[object] = []

    def counting_app(*args, **kwargs):
        built.append(args)
        raise AssertionError("a script run built st.App")

    monkeypatch.setattr(st, "App", counting_app)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert_page_ran(at)
    assert built == []
    assert [t.label for t in at.text_input] == ["Username", "Password"]
