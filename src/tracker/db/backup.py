"""Whole-database backup and restore in a documented, versioned, portable file.

The file is gzip-compressed JSON (``docs/backup.md``)::

    {"format": "kp-campaign-tracker-backup", "format_version": 1,
     "schema_revision": "0003", "created_at": "...", "tracker_version": "0.1.0",
     "tables": [{"name": "forums", "columns": ["id", ...], "rows": [[1, ...], ...]}, ...],
     "checksum": "<sha256 of the tables, canonical JSON>"}

Every table is included (accounts with their password hashes, the audit log, the login
throttle), so a restore gives back exactly what was saved, on SQLite or PostgreSQL.
Restore checks the whole file before it touches the database: a damaged file, a file of
a newer format or from a newer tracker is refused and the database is left as it was.
"""

from __future__ import annotations

import datetime as dt
import errno
import gzip
import hashlib
import json
import math
import os
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from tracker import __version__
from tracker.db import data_version, database, files
from tracker.db.models import Base
from tracker.errors import TrackerError
from tracker.i18n import _

FORMAT = "kp-campaign-tracker-backup"
FORMAT_VERSION = 1


class BackupRefused(TrackerError):
    """The file cannot be restored; the database was not touched."""


@dataclass(frozen=True)
class BackupSummary:
    schema_revision: str
    rows: dict[str, int]


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# Each table of a backup with its rows, checked against the schema: (table, rows).
_CheckedRows = list[tuple[str, list[dict[str, Any]]]]


def _checksum(tables: list[dict[str, Any]]) -> str:
    canonical = json.dumps(tables, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# Signed-in browser sessions are live credentials, not records: a backup keeps the table
# (so its shape is checked on restore) but never its rows, and a restore brings none back.
# The data version is no record either: a restore sets a new one (``data_version.bump``).
EPHEMERAL_TABLES = frozenset({"browser_sessions", "data_version"})


def _tables_in_order() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def backup(engine: Engine, path: Path) -> BackupSummary:
    """Write every table to ``path`` from one consistent read."""
    revision = database.current_revision(engine)
    if revision is None:
        raise TrackerError(_("This database has no tracker tables: there is nothing to back up."))
    connection_options = {} if database.is_sqlite(engine) else {"isolation_level": "REPEATABLE READ"}
    tables = []
    with engine.connect().execution_options(**connection_options) as connection, connection.begin():
        for table in _tables_in_order():
            columns = [c.name for c in table.columns]
            order = [c for c in table.primary_key.columns]
            rows = (
                []
                if table.name in EPHEMERAL_TABLES
                else connection.execute(select(table).order_by(*order)).all()
            )
            tables.append(
                {"name": table.name, "columns": columns, "rows": [[_encode(v) for v in row] for row in rows]}
            )
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "schema_revision": revision,
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "tracker_version": __version__,
        "tables": tables,
        "checksum": _checksum(tables),
    }
    data = gzip.compress(json.dumps(document, ensure_ascii=False).encode("utf-8"))
    files.write_private(path, data)
    return BackupSummary(revision, {str(t["name"]): len(t["rows"]) for t in tables})


def read_backup(path: Path) -> dict[str, Any]:
    """The checked contents of a backup file, or BackupRefused with the reason."""
    try:
        document = json.loads(gzip.decompress(path.read_bytes()).decode("utf-8"))
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, json.JSONDecodeError):
        raise BackupRefused(
            _("{file} is not a tracker backup or is damaged: nothing was restored.").format(file=path)
        ) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise BackupRefused(_("{file} is not a tracker backup: nothing was restored.").format(file=path))
    if not isinstance(document.get("format_version"), int) or document["format_version"] > FORMAT_VERSION:
        raise BackupRefused(
            _(
                "This backup was made by a newer version of the tracker (format {v}): upgrade the "
                "tracker to restore it."
            ).format(v=document.get("format_version"))
        )
    if document.get("schema_revision") not in database.known_revisions():
        raise BackupRefused(
            _(
                "This backup comes from a newer version of the tracker (schema {r}): upgrade the "
                "tracker to restore it."
            ).format(r=document.get("schema_revision"))
        )
    tables = document.get("tables")
    if not isinstance(tables, list) or _checksum(tables) != document.get("checksum"):
        raise BackupRefused(
            _("{file} is damaged (its checksum does not match): nothing was restored.").format(file=path)
        )
    return document


def _has_data(engine: Engine) -> bool:
    names = set(database.table_names(engine))
    with engine.connect() as connection:
        for table in _tables_in_order():
            if table.name in names and connection.execute(select(func.count()).select_from(table)).scalar():
                return True
    return False


def _refuse_row(table: str, number: int, column: str | None, problem: str) -> BackupRefused:
    where = (
        _("table {table}, row {row}, column {column}").format(table=table, row=number, column=column)
        if column
        else _("table {table}, row {row}").format(table=table, row=number)
    )
    return BackupRefused(
        _("The backup cannot be restored ({where}: {problem}): nothing was restored.").format(
            where=where, problem=problem
        )
    )


def _decode_cell(column: Column[Any], value: Any) -> Any:
    """The cell as the database takes it, or ValueError with what is wrong."""
    column_type = column.type
    if value is None:
        if not column.nullable:
            raise ValueError(_("a required cell is empty"))
        return None
    if isinstance(column_type, DateTime):
        if not isinstance(value, str):
            raise ValueError(_("not a date and time"))
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(_("“{value}” is not a date and time").format(value=value[:40])) from None
    if isinstance(column_type, Date):
        if not isinstance(value, str):
            raise ValueError(_("not a date"))
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(_("“{value}” is not a date").format(value=value[:40])) from None
    if isinstance(column_type, Boolean):
        if value in (True, False, 0, 1) and not isinstance(value, float):
            return bool(value)
        raise ValueError(_("not true or false"))
    if isinstance(column_type, Integer):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise ValueError(_("not a whole number"))
    if isinstance(column_type, Float | Numeric):
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
            return float(value)
        raise ValueError(_("not a number"))
    if isinstance(column_type, JSON):
        return value
    if isinstance(column_type, String):
        if not isinstance(value, str):
            raise ValueError(_("not text"))
        if column_type.length is not None and len(value) > column_type.length:
            raise ValueError(_("longer than {n} characters").format(n=column_type.length))
        return value
    return value


def _schema_at(revision: str) -> MetaData:
    """The tables exactly as migration ``revision`` creates them (built in a scratch SQLite file)."""
    with tempfile.TemporaryDirectory(prefix="tracker-schema-") as folder:
        scratch = database.make_engine(f"sqlite:///{Path(folder) / 'schema.db'}")
        try:
            command.upgrade(database.alembic_config(scratch), revision)
            metadata = MetaData()
            metadata.reflect(scratch)
        finally:
            scratch.dispose()
    metadata.remove(metadata.tables["alembic_version"])
    return metadata


def _checked_rows(document: dict[str, Any]) -> _CheckedRows:
    """Every row decoded and checked against the schema of the file's revision, before anything is
    touched: known tables, each exactly once, columns exactly as the schema, every cell of the right
    kind. Raises BackupRefused naming the first problem."""
    schema = _schema_at(document["schema_revision"])
    seen: set[str] = set()
    checked = []
    for entry in document["tables"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or name not in schema.tables or name in seen:
            raise BackupRefused(
                _("The backup holds an unknown or repeated table ({name}): nothing was restored.").format(
                    name=str(name)[:60]
                )
            )
        seen.add(name)
        table = schema.tables[name]
        columns, rows = entry.get("columns"), entry.get("rows")
        if (
            not isinstance(columns, list)
            or len(set(map(str, columns))) != len(columns)
            or set(columns) != set(table.columns.keys())
        ):
            raise BackupRefused(
                _(
                    "The columns of table {name} in the backup are not those of its schema: "
                    "nothing was restored."
                ).format(name=name)
            )
        if not isinstance(rows, list):
            raise _refuse_row(name, 1, None, _("the rows are not a list"))
        decoded = []
        for number, row in enumerate(rows, start=1):
            if not isinstance(row, list) or len(row) != len(columns):
                raise _refuse_row(name, number, None, _("it has a missing or extra cell"))
            values = {}
            for column_name, value in zip(columns, row, strict=True):
                try:
                    values[column_name] = _decode_cell(table.columns[column_name], value)
                except ValueError as problem:
                    raise _refuse_row(name, number, column_name, str(problem)) from None
            decoded.append(values)
        checked.append((name, decoded))
    missing = sorted(set(schema.tables) - seen)
    if missing:
        raise BackupRefused(
            _("The backup lacks the table(s) {names}: nothing was restored.").format(names=", ".join(missing))
        )
    return checked


def _write_rows(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert one table's rows (self-references in a second pass)."""
    if not rows:
        return
    self_references = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name]
    first_pass = [{**r, **dict.fromkeys(self_references)} for r in rows] if self_references else rows
    connection.execute(insert(table), first_pass)
    for name in self_references:
        for row in rows:
            if row[name] is not None:
                connection.execute(update(table).where(table.c.id == row["id"]).values({name: row[name]}))


def _load(connection: Connection, revision: str, checked: _CheckedRows) -> dict[str, int]:
    """Create the schema at ``revision`` on ``connection``, load every row, migrate to the newest."""
    config = database.alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    metadata = MetaData()
    counts = {}
    for name, rows in checked:
        table = Table(name, metadata, autoload_with=connection)
        _write_rows(connection, table, rows)
        counts[name] = len(rows)
    if connection.dialect.name == "postgresql":
        for name, rows in checked:
            if rows and "id" in rows[0]:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), (SELECT max(id) FROM {name}))"
                    )
                )
    command.upgrade(config, "head")
    data_version.bump(connection)  # every process's cached reads start afresh
    return counts


def _failed(error: BaseException) -> BackupRefused:
    if isinstance(error, OSError) and error.errno == errno.ENOSPC or "full" in str(error).lower():
        reason = _("the disk is full")
    elif isinstance(error, IntegrityError):
        reason = _("its rows break the database's rules: a repeated key or a reference to a missing row")
    else:
        reason = type(error).__name__
    return BackupRefused(
        _("The restore failed ({reason}): the database was left as it was; nothing was restored.").format(
            reason=reason
        )
    )


def _restore_postgres(engine: Engine, revision: str, checked: _CheckedRows, replace: bool) -> dict[str, int]:
    """One transaction: drop, create, load, migrate; any failure rolls all of it back."""
    try:
        with engine.begin() as connection:
            if replace:
                # Only the tracker's own tables: another application's tables in the same
                # database are none of its business.
                known = set(Base.metadata.tables) | {name for name, _rows in checked} | {"alembic_version"}
                live = MetaData()
                live.reflect(connection, only=lambda name, _metadata: name in known)
                live.drop_all(connection)
            return _load(connection, revision, checked)
    except Exception as error:  # noqa: BLE001 - any failure rolls everything back, in one sentence
        raise _failed(error) from None


def _sqlite_file(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupRefused(_("Restore needs an SQLite database in a file: nothing was restored."))
    return Path(name).expanduser().resolve()


def _restore_sqlite(engine: Engine, revision: str, checked: _CheckedRows) -> dict[str, int]:
    """Build the restored database as a new file beside the live one, then swap it in atomically."""
    live = _sqlite_file(engine)
    fd, scratch_name = tempfile.mkstemp(prefix=f".{live.name}.restore-", dir=live.parent)
    os.close(fd)
    scratch = Path(scratch_name)
    scratch.unlink()
    built = database.make_engine(f"sqlite:///{scratch}")
    try:
        try:
            with built.begin() as connection:
                counts = _load(connection, revision, checked)
            with built.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            built.dispose()
        # Fold the live WAL into the live file, so no stale WAL can ever apply to the new one.
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        engine.dispose()
        os.chmod(scratch, 0o600)
        os.replace(scratch, live)
    except Exception as error:  # noqa: BLE001 - the live file is untouched until os.replace
        raise _failed(error) from None
    finally:
        for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm"), Path(f"{scratch}-journal")):
            leftover.unlink(missing_ok=True)
    for stale in (Path(f"{live}-wal"), Path(f"{live}-shm")):
        stale.unlink(missing_ok=True)
    return counts


def restore(engine: Engine, path: Path, replace: bool = False) -> BackupSummary:
    """Restore ``path`` into the database, all or nothing.

    Refuses (untouched) a non-empty database unless ``replace``. Every row is decoded and
    checked before anything changes; PostgreSQL then replaces everything in one transaction,
    SQLite builds a new file beside the live one and swaps it in with one rename.
    """
    document = read_backup(path)
    checked = [(name, [] if name in EPHEMERAL_TABLES else rows) for name, rows in _checked_rows(document)]
    try:
        has_data = _has_data(engine)
    except SQLAlchemyError:
        raise BackupRefused(
            _(
                "The tracker could not connect to the database: check DATABASE_URL and that the "
                "database server is running; nothing was restored."
            )
        ) from None
    if has_data and not replace:
        raise BackupRefused(
            _(
                "The database already holds data: restore into an empty database, or use "
                "--replace to delete everything in it first."
            )
        )
    revision = document["schema_revision"]
    if database.is_sqlite(engine):
        counts = _restore_sqlite(engine, revision, checked)
    else:
        counts = _restore_postgres(engine, revision, checked, replace)
    return BackupSummary(revision, counts)
