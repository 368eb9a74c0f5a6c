"""Alembic environment: the engine comes from tracker.db.database, never from a .ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from tracker.db.database import make_engine
from tracker.db.models import Base

config = context.config
target_metadata = Base.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        # SQLite cannot ALTER most things in place; batch mode copies the table.
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()


def run_migrations() -> None:
    # A caller's connection (restore: inside its own transaction, committed or rolled back by it).
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        return
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        _configure(connection)


run_migrations()
