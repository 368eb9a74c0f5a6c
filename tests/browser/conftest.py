"""A real app (`streamlit run` on 127.0.0.1) and Debian's Chromium driven by Playwright.

Skipped where /usr/bin/chromium or the playwright package is missing (CI installs both).
Screenshots go to the git-ignored test-artifacts/ folder.

Under pytest-xdist every worker has its own session fixtures: its own database, app
process on its own free port, server log and Chromium, so workers share nothing but the
screenshots folder (each test writes its own file names). Tests that only read share
their worker's app; tests that change what others read start their own (``own_app``).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import add_activity
from tests.templates import DatabaseTemplates
from tracker.config import PROJECT_ROOT
from tracker.db import database

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
SCRIPT_TITLE = "<script>window.__xss = 1</script> Harmless title"

playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed", allow_module_level=True)


def pytest_collection_modifyitems(items) -> None:
    """A browser test drives a real server and browser on the same two cores as everything
    else: one that fails is run once more (pytest-rerunfailures) before it counts, and the
    rerun is reported ("R" in the progress line, "rerun" in the summary), never hidden.
    A real defect fails both times."""
    browser_folder = Path(__file__).parent
    for item in items:
        if browser_folder in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.flaky(reruns=1))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_healthy(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)  # polling the health endpoint, not synchronising on time
    raise RuntimeError("streamlit did not become healthy")


@contextlib.contextmanager
def demo_app(folder: Path, log_name: str, templates: DatabaseTemplates) -> Iterator[dict[str, object]]:
    """The demo database plus one activity with a script in its title, served by streamlit."""
    url = f"sqlite:///{folder / 'tracker.db'}"
    templates.copy("demo", url)
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        script_id = add_activity(session, title=SCRIPT_TITLE, confidentiality="internal").id
    engine.dispose()
    env = {**os.environ, "DATABASE_URL": url, "TRACKER_SECRET_KEY": "browser-tests"}
    ARTIFACTS.mkdir(exist_ok=True)
    with streamlit_server(PROJECT_ROOT / "streamlit_app.py", env, ARTIFACTS / log_name) as base:
        yield {"url": base, "script_id": script_id, "database": url}


@pytest.fixture(scope="session")
def app(tmp_path_factory, database_templates):
    """The worker's shared app, for tests that only read (or whose writes no other test sees)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    folder = tmp_path_factory.mktemp("browser")
    with demo_app(folder, f"streamlit-server-{worker}.log", database_templates) as served:
        yield served


@pytest.fixture
def own_app(tmp_path, request, database_templates):
    """A fresh demo database and server for one test that changes data other tests read
    (a funder's grants, an import's counts): it starts clean on its rerun too."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    log_name = f"streamlit-server-{worker}-{request.node.name[:60]}.log"
    with demo_app(tmp_path, log_name, database_templates) as served:
        yield served


@contextlib.contextmanager
def streamlit_server(script: Path, env: dict[str, str], log_path: Path) -> Iterator[str]:
    """``streamlit run script`` on a free port of 127.0.0.1, until the block ends; its base URL."""
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    # A file, not a pipe: an unread pipe fills up and freezes the server mid-test.
    log = open(log_path, "wb")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(script),
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        _wait_healthy(base, process)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="session")
def browser():
    ARTIFACTS.mkdir(exist_ok=True)
    with playwright_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
            ],
        )
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    yield page
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed:
        # What the browser showed when the test failed: the first thing to look at.
        with contextlib.suppress(Exception):
            page.screenshot(path=str(ARTIFACTS / f"failed-{request.node.name[:80]}.png"), full_page=True)
    context.close()
