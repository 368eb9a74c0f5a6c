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
import gzip
import hashlib
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import Boolean, Date, DateTime, Engine, MetaData, Table, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from tracker import __version__, database
from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.models import Base

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


def _checksum(tables: list[dict]) -> str:
    canonical = json.dumps(tables, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


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
            rows = connection.execute(select(table).order_by(*order)).all()
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
    path.write_bytes(data)
    return BackupSummary(revision, {str(t["name"]): len(t["rows"]) for t in tables})


def read_backup(path: Path) -> dict:
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


def _decode(table: Table, columns: list[str], row: list) -> dict:
    values = {}
    for name, value in zip(columns, row, strict=True):
        column_type = table.columns[name].type
        if value is not None and isinstance(column_type, DateTime):
            value = dt.datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            value = dt.date.fromisoformat(value)
        elif value is not None and isinstance(column_type, Boolean):
            value = bool(value)
        values[name] = value
    return values


def restore(engine: Engine, path: Path, replace: bool = False) -> BackupSummary:
    """Restore ``path`` into the database; refuses (untouched) a non-empty database unless ``replace``."""
    document = read_backup(path)
    if _has_data(engine) and not replace:
        raise BackupRefused(
            _(
                "The database already holds data: restore into an empty database, or use "
                "--replace to delete everything in it first."
            )
        )
    if replace:
        with engine.begin() as connection:
            Base.metadata.drop_all(connection)
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    revision = document["schema_revision"]
    command.upgrade(database.alembic_config(engine), revision)
    metadata = MetaData()
    counts = {}
    try:
        with engine.begin() as connection:
            for entry in document["tables"]:
                table = Table(entry["name"], metadata, autoload_with=connection)
                rows = [_decode(table, entry["columns"], row) for row in entry["rows"]]
                counts[entry["name"]] = len(rows)
                if not rows:
                    continue
                self_references = [
                    fk.parent.name for fk in table.foreign_keys if fk.column.table.name == table.name
                ]
                first_pass = (
                    [{**r, **dict.fromkeys(self_references)} for r in rows] if self_references else rows
                )
                connection.execute(insert(table), first_pass)
                for name in self_references:
                    for row in rows:
                        if row[name] is not None:
                            connection.execute(
                                update(table).where(table.c.id == row["id"]).values({name: row[name]})
                            )
            if not database.is_sqlite(engine):
                for entry in document["tables"]:
                    if entry["rows"] and "id" in entry["columns"]:
                        connection.execute(
                            text(
                                f"SELECT setval(pg_get_serial_sequence('{entry['name']}', 'id'), "
                                f"(SELECT max(id) FROM {entry['name']}))"
                            )
                        )
    except SQLAlchemyError as error:
        raise TrackerError(
            _(
                "The restore failed ({kind}): the tables were left empty; restore into a fresh database."
            ).format(kind=type(error).__name__)
        ) from error
    database.migrate(engine)
    return BackupSummary(revision, counts)
