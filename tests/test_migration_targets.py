"""Revision 0009_targets (tests/test_migrations.py style, both backends): targets gain a
version column; stored targets start at version 1 and keep every value; downgrade drops it."""

from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from tracker.db import database

REVISION = "0009_targets"


def _columns(engine) -> set[str]:
    return {c["name"] for c in inspect(engine).get_columns("targets")}


def test_targets_gain_a_version_that_starts_at_one_and_downgrade_removes_it(database_url):
    engine = database.make_engine(database_url)
    config = database.alembic_config(engine)
    before = ScriptDirectory.from_config(config).get_revision(REVISION).down_revision
    command.upgrade(config, before)
    assert "version" not in _columns(engine)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO targets (year, measure, scope, direction, target, baseline) "
                "VALUES (2026, 'kp_share_by_effort', 'all', 'at_most', 0.2, 0.61)"
            )
        )
    command.upgrade(config, REVISION)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT year, target, baseline, version FROM targets")).one()
    assert tuple(row) == (2026, 0.2, 0.61, 1)
    command.downgrade(config, before)
    assert "version" not in _columns(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM targets")).scalar() == 1
    engine.dispose()
