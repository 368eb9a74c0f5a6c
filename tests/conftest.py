"""Shared fixtures: every database test runs on SQLite, and on PostgreSQL when
``TRACKER_TEST_POSTGRES_URL`` is set (CI sets it).

Under pytest-xdist (``make test`` runs ``pytest -n auto``) each worker gets its own
PostgreSQL database, named after the configured one plus the worker (``tracker_test_gw0``),
created on first use: the tests reset the schema, so two workers must never share one.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.web.entry import PAGE_ERRORS_VARIABLE


def worker_database_url(url: str, worker: str) -> str:
    """``url`` with the xdist worker's name appended to its database (``url`` itself outside
    xdist): ``.../tracker_test`` becomes ``.../tracker_test_gw1`` for worker ``gw1``."""
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


@functools.cache
def create_database_if_missing(url: str) -> None:
    """Creates the database ``url`` names (the role may: see scripts/start-test-postgres.sh),
    connecting to the server's ``postgres`` maintenance database to do it."""
    parsed = make_url(url)
    server = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            exists = connection.scalar(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            )
            if not exists:
                # The name comes from the environment and xdist's worker id, not from input;
                # identifiers cannot be bound parameters, hence the quoting.
                connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    finally:
        server.dispose()


POSTGRES_URL = worker_database_url(
    os.environ.get("TRACKER_TEST_POSTGRES_URL", ""), os.environ.get("PYTEST_XDIST_WORKER", "")
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(autouse=True)
def pages_raise_their_errors(monkeypatch) -> None:
    """A page that raises fails its test: the app's guard (``tracker.web.entry.run_page``),
    which shows users one sentence instead, lets the exception through to AppTest."""
    monkeypatch.setenv(PAGE_ERRORS_VARIABLE, "raise")


def reset_postgres(url: str) -> None:
    create_database_if_missing(url)
    engine = create_engine(url)
    with engine.begin() as connection:
        # A connection an earlier test left in a transaction would hold its locks and make the
        # DROP below wait for ever (the whole worker hung once): this database is the test's
        # own, so any other connection to it is a leftover.
        connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    if not POSTGRES_URL:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    engine = database.open_database(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine) -> Iterator[Session]:
    with database.session_factory(engine)() as session:
        load_reference_data(session)
        session.commit()
        yield session


@pytest.fixture
def use_database(monkeypatch, database_url) -> str:
    """Points DATABASE_URL (as the app and the CLI read it) at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url


@pytest.fixture
def use_sqlite_database(monkeypatch, tmp_path) -> str:
    """DATABASE_URL on SQLite only: for tests of the interface, not of the database."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def prepare_app_database(url: str) -> Engine:
    """Migrate ``url``, load the reference data and the demo accounts (one per role, as
    ``tests.apptest.open_page`` signs in), and clear Streamlit's caches."""
    from tests.apptest import clear_caches
    from tracker.demo.seed import seed_demo_accounts

    clear_caches()
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
    return engine


@pytest.fixture
def app_database(use_sqlite_database) -> Iterator[Engine]:
    """The database the app under test reads (``DATABASE_URL``, SQLite): reference data and
    demo accounts, no activities. Page tests add their records through the engine."""
    engine = prepare_app_database(use_sqlite_database)
    yield engine
    engine.dispose()


def pytest_collection_modifyitems(config, items) -> None:
    """Under pytest-xdist (``--dist loadgroup``), a test that uses a module- or class-scoped
    fixture stays on one worker with the rest of its module, so the fixture (a database,
    an app, a built wheel) is made once; every other test, browser tests included (their
    app is per worker), goes to whichever worker is free."""
    for item in items:
        fixture_info = getattr(item, "_fixtureinfo", None)
        if fixture_info is None:
            continue
        scopes = {
            definition.scope
            for definitions in fixture_info.name2fixturedefs.values()
            for definition in definitions
        }
        if scopes & {"module", "class", "package"}:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
