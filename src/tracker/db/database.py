"""One engine factory, sessions, and the start-up checks every entry point runs.

``open_database()`` is what the app and the CLI call: it connects, refuses a database
it cannot use with one clear sentence, and applies pending Alembic migrations.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, Table, create_engine, event, func, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.pool import ConnectionPoolEntry

from tracker import config
from tracker.db import data_version, files  # noqa: F401 - data_version registers its Session events
from tracker.errors import DatabaseUnavailable, ValidationFailed, VersionConflict
from tracker.i18n import _

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
WRITE_OPTION = "tracker_write"


# Rows per INSERT … RETURNING: one huge executemany costs quadratic time in SQLAlchemy's
# result splicing.
INSERT_SLICE = 500


def redacted(url: str) -> str:
    """The URL with its password hidden, safe to print or log."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable DATABASE_URL>"


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # Let SQLAlchemy's "begin" event below open transactions instead of pysqlite, so a
    # writing transaction can take SQLite's write lock at BEGIN (see writing()).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A write transaction that started as a reader cannot always be upgraded in WAL mode
    # ("database is locked" at once, whatever busy_timeout says); BEGIN IMMEDIATE takes
    # the write lock up front and waits for it instead.
    immediate = connection.get_execution_options().get(WRITE_OPTION, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_engine(url: str | None = None) -> Engine:
    """The engine for ``url`` (default: ``DATABASE_URL`` or SQLite in ``data/``)."""
    url = url or config.database_url()
    try:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            _ensure_sqlite_directory(parsed.database)
            engine = create_engine(url, connect_args={"timeout": 30}, hide_parameters=True)
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "connect", _private_sqlite_files(parsed.database))
            event.listen(engine, "begin", _sqlite_begin)
        else:
            if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
                parsed = parsed.set(drivername="postgresql+psycopg")
            engine = create_engine(parsed, pool_pre_ping=True, hide_parameters=True)
    except (ArgumentError, NoSuchModuleError) as exc:
        raise DatabaseUnavailable(
            _(
                "DATABASE_URL is not a database address the tracker can use ({url}): "
                "use sqlite:///path/to/file.db or postgresql://user:password@host/dbname."
            ).format(url=redacted(url))
        ) from exc
    return engine


def _sqlite_file(database: str | None) -> Path | None:
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser().resolve()


def _private_sqlite_files(database: str | None) -> Callable[[DBAPIConnection, ConnectionPoolEntry], None]:
    """After each connection: the database, its WAL and shared memory readable by the owner only
    (SQLite gives the WAL and -shm files the database file's mode; existing ones are tightened)."""
    path = _sqlite_file(database)

    def tighten(_dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        if path is not None:
            for companion in files.sqlite_companions(path):
                files.make_private(companion)

    return tighten


def _ensure_sqlite_directory(database: str | None) -> None:
    path = _sqlite_file(database)
    if path is None:
        return
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Root passes os.access checks, so prove writability by writing.
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".write-check-"):
            pass
        # Created here with mode 0600 so SQLite never creates it readable by others.
        files.ensure_private_file(path)
    except OSError as exc:
        raise DatabaseUnavailable(
            _(
                "The tracker cannot write to the folder {folder}: give it write permission "
                "or point DATABASE_URL somewhere writable."
            ).format(folder=folder)
        ) from exc


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _connection_problem(engine: Engine) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        _(
            "The tracker could not connect to the database at {url}: check DATABASE_URL "
            "and that the database server is running."
        ).format(url=engine.url.render_as_string(hide_password=True))
    )


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest revision; refuse a database from a newer tracker."""
    try:
        revision = current_revision(engine)
    except OperationalError as exc:
        raise _connection_problem(engine) from exc
    if revision is not None and revision not in known_revisions():
        raise DatabaseUnavailable(
            _(
                "This database was last used by a newer version of the tracker (schema revision "
                "{revision}): upgrade the tracker before opening it."
            ).format(revision=revision)
        )
    if revision != head_revision():
        try:
            command.upgrade(alembic_config(engine), "head")
        except OperationalError as exc:
            raise DatabaseUnavailable(
                _(
                    "The tracker could not update the database schema ({detail}): check that "
                    "the database is writable and try again."
                ).format(detail=exc.orig)
            ) from exc
    return head_revision()


def open_database(url: str | None = None) -> Engine:
    """Connect, check and migrate: the one way the app and the CLI get an engine."""
    engine = make_engine(url)
    try:
        with engine.connect():
            pass
    except SQLAlchemyError as exc:
        engine.dispose()
        raise _connection_problem(engine) from exc
    migrate(engine)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def writing(engine: Engine) -> Iterator[Session]:
    """One writing transaction: committed on success, rolled back on any error.

    Concurrent writers wait for each other (SQLite: BEGIN IMMEDIATE and busy_timeout;
    PostgreSQL: row locks). Two saves of one record at the same moment end as a
    VersionConflict for the later one, never as a lost update or a raw database error.
    """
    factory = sessionmaker(engine.execution_options(**{WRITE_OPTION: True}), expire_on_commit=False)
    try:
        with factory.begin() as session:
            yield session
    except StaleDataError as error:
        raise VersionConflict(
            _("Someone else saved this record at the same moment: reload it, then make your change again.")
        ) from error
    except OperationalError as error:
        reason = str(error.orig).lower()
        if "locked" in reason or "deadlock" in reason:
            raise DatabaseUnavailable(
                _("The database is busy with other changes: try again in a moment; nothing was saved.")
            ) from error
        raise DatabaseUnavailable(
            _(
                "The database could not complete this change (it may be full or unreachable): "
                "nothing was saved; try again, or tell the administrator."
            )
        ) from error
    except (IntegrityError, DataError) as error:
        # The rules are checked before the write; this is the database's own last word.
        # One sentence, and never the statement or its values (they may name people at risk).
        raise ValidationFailed(
            _(
                "The database refused this change (a value is too long, not allowed or already used): "
                "check the values, then try again; nothing was saved."
            )
        ) from error


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def count_activities(session: Session) -> int:
    from tracker.db.models import Activity

    return session.scalar(select(func.count()).select_from(Activity)) or 0


def insert_many_returning_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` into ``table`` (integer primary key ``id``) in bulk; their ids, in order.

    PostgreSQL: one ``INSERT … RETURNING`` per slice, ordered by SQLAlchemy's sentinel.
    SQLite has no such sentinel, and there SQLAlchemy falls back to one statement per row
    (10,000 round trips for 10,000 rows). A SQLite writer holds the database's only write
    lock for its whole transaction, so rows inserted in one ``executemany`` take the ids
    after the largest one, in order: the first row's RETURNING gives the start, and the
    largest id afterwards proves the run is contiguous (else nothing is kept: the caller's
    transaction rolls back)."""
    if not rows:
        return []
    if session.get_bind().dialect.name != "sqlite":
        ids: list[int] = []
        for offset in range(0, len(rows), INSERT_SLICE):
            statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
            ids += list(session.execute(statement, rows[offset : offset + INSERT_SLICE]).scalars())
        return ids
    first = int(session.execute(insert(table).returning(table.c.id), rows[:1]).scalar_one())
    if len(rows) > 1:
        session.execute(insert(table), rows[1:])
    last = session.scalar(select(func.max(table.c.id)))
    if last != first + len(rows) - 1:
        raise RuntimeError(f"ids of a bulk insert into {table.name} are not contiguous: {first}..{last}")
    return list(range(first, first + len(rows)))
