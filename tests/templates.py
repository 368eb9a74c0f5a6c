"""Test databases built once per worker and copied for each test that needs one.

Migrating, loading the reference data, hashing the demo accounts' passwords and seeding the
demo data cost from a fifth of a second to three seconds a test; a copy costs milliseconds.
A SQLite template is a file, copied; a PostgreSQL template is a database the copy is created
from (``CREATE DATABASE ... TEMPLATE``, which copies its files). Each test still gets its
own database, filled by the same code the app runs (``open_database``, ``load_reference_data``,
``seed_demo_accounts``, ``seed_demo``): only the repetition is saved.

Kinds (each includes the one before):
- ``migrated``: the schema at head and the reference data (forums, themes, organisations);
- ``accounts``: and one demo account per role (``tests.apptest.open_page`` signs in as them);
- ``demo``: and the demo activities, grants, outcomes and targets (``tracker seed-demo``).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.orm import Session

from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo, seed_demo_accounts

KINDS = ("migrated", "accounts", "demo")


def _fill(kind: str, session: Session) -> None:
    load_reference_data(session)
    if kind == "accounts":
        seed_demo_accounts(session)
    elif kind == "demo":
        seed_demo(session)


class DatabaseTemplates:
    """One worker's templates, built on first use: ``copy(kind, url)`` makes the (SQLite file
    or PostgreSQL) database at ``url`` a fresh copy of template ``kind``."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.built: set[tuple[str, str]] = set()

    def copy(self, kind: str, url: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"no template {kind!r}: one of {KINDS}")
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            self._copy_sqlite(kind, Path(str(parsed.database)))
        else:
            self._copy_postgres(kind, url)

    def _build(self, kind: str, url: str, prepare: Callable[[], None]) -> None:
        backend = make_url(url).get_backend_name()
        if (kind, backend) in self.built:
            return
        prepare()
        engine = database.open_database(url)
        try:
            with database.session_factory(engine).begin() as session:
                _fill(kind, session)
            if backend == "sqlite":
                with engine.connect() as connection:  # everything into the main file
                    connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            engine.dispose()
        self.built.add((kind, backend))

    def _copy_sqlite(self, kind: str, target: Path) -> None:
        template = self.folder / f"{kind}.db"
        self._build(kind, f"sqlite:///{template}", lambda: template.unlink(missing_ok=True))
        target.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        shutil.copy(template, target)  # the mode too: the app keeps its SQLite files private

    def _copy_postgres(self, kind: str, url: str) -> None:
        parsed = make_url(url)
        name = str(parsed.database)
        template_name = f"{name}_template_{kind}"
        template_url = parsed.set(database=template_name).render_as_string(hide_password=False)
        self._build(kind, template_url, lambda: recreate_postgres_database(url, template_name))
        recreate_postgres_database(url, name, template=template_name)


def recreate_postgres_database(url: str, name: str, template: str = "template0") -> None:
    """Drops database ``name`` on ``url``'s server (ending any connection a test left open, which
    would otherwise make the drop wait for ever) and creates it again, empty or as a copy of
    ``template``. The names come from the environment and xdist's worker id, never from input;
    identifiers cannot be bound parameters, hence the quoting."""
    server = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    finally:
        server.dispose()
