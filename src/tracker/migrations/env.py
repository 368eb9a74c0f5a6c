"""Alembic environment: the engine comes from tracker.database, never from a .ini file."""

from __future__ import annotations

from alembic import context

from tracker.database import make_engine
from tracker.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes.get("engine") or make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite cannot ALTER most things in place; batch mode copies the table.
            render_as_batch=True,
            compare_type=True,
        )
        context.run_migrations()


run_migrations()
