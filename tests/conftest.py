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
from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.orm import Session

from tests.templates import DatabaseTemplates, recreate_postgres_database
from tracker.access import accounts
from tracker.db import database
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
REAL_HASHER, REAL_DUMMY_HASH = accounts._hasher, accounts._DUMMY_HASH


@pytest.fixture(autouse=True)
def pages_raise_their_errors(monkeypatch) -> None:
    """A page that raises fails its test: the app's guard (``tracker.web.entry.run_page``),
    which shows users one sentence instead, lets the exception through to AppTest."""
    monkeypatch.setenv(PAGE_ERRORS_VARIABLE, "raise")


def reset_postgres(url: str) -> None:
    """An empty database at ``url`` (the worker's own): dropped and created again."""
    recreate_postgres_database(url, str(make_url(url).database))


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> str:
    """An empty database on each backend."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'tracker.db'}"
    if not POSTGRES_URL:
        pytest.skip("TRACKER_TEST_POSTGRES_URL is not set")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory) -> DatabaseTemplates:
    """The worker's template databases (tests/templates.py), built on first use."""
    return DatabaseTemplates(tmp_path_factory.mktemp("templates"))


def copied(templates: DatabaseTemplates, kind: str, url: str) -> Iterator[Engine]:
    """The database at ``url`` made a copy of template ``kind``, opened for one test."""
    templates.copy(kind, url)
    engine = database.open_database(url)
    yield engine
    engine.dispose()


@pytest.fixture
def engine(database_url, database_templates) -> Iterator[Engine]:
    """The test's own database, migrated, with the reference data."""
    yield from copied(database_templates, "migrated", database_url)


@pytest.fixture
def session(engine) -> Iterator[Session]:
    """A session on the test's own database (the template holds the reference data)."""
    with database.session_factory(engine)() as session:
        yield session


@pytest.fixture
def demo_engine(database_url, database_templates) -> Iterator[Engine]:
    """The test's own database holding the demo data (``tracker seed-demo``) and accounts."""
    yield from copied(database_templates, "demo", database_url)


@pytest.fixture
def demo_session(demo_engine) -> Iterator[Session]:
    with database.session_factory(demo_engine)() as session:
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


def prepare_app_database(url: str, templates: DatabaseTemplates, kind: str = "accounts") -> Engine:
    """The database at ``url`` made a copy of template ``kind`` (by default migrated, the
    reference data and the demo accounts, one per role, as ``tests.apptest.open_page`` signs
    in), opened; Streamlit's caches cleared."""
    from tests.apptest import clear_caches

    clear_caches()
    templates.copy(kind, url)
    return database.open_database(url)


@pytest.fixture
def app_database(use_sqlite_database, database_templates) -> Iterator[Engine]:
    """The database the app under test reads (``DATABASE_URL``, SQLite): reference data and
    demo accounts, no activities. Page tests add their records through the engine."""
    engine = prepare_app_database(use_sqlite_database, database_templates)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_app_database(use_sqlite_database, database_templates) -> Iterator[Engine]:
    """As ``app_database``, holding the demo data too."""
    engine = prepare_app_database(use_sqlite_database, database_templates, "demo")
    yield engine
    engine.dispose()


# Password hashing at the cheapest Argon2 setting: the app's own (64 MiB, 3 passes, about a
# tenth of a second) is paid at every log-in and account a test makes, hundreds of times in
# the suite. What a test of the hashing itself needs, it asks for with
# @pytest.mark.real_password_hashing (tests/test_accounts.py checks the app's parameters).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", CHEAP_HASHER)
        patch.setattr(
            accounts, "_DUMMY_HASH", CHEAP_HASHER.hash("not a real password, only for equal timing")
        )
        yield


@pytest.fixture(autouse=True)
def hashing_as_marked(request, monkeypatch) -> None:
    if request.node.get_closest_marker("real_password_hashing"):
        monkeypatch.setattr(accounts, "_hasher", REAL_HASHER)
        monkeypatch.setattr(accounts, "_DUMMY_HASH", REAL_DUMMY_HASH)


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
