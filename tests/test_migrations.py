import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tracker.db import database
from tracker.db.models import Base
from tracker.errors import DatabaseUnavailable

EXPECTED_TABLES = {
    "activities",
    "activity_organisations",
    "activity_themes",
    "alembic_version",
    "login_throttle",
    "users",
    "browser_sessions",
    "audit_log",
    "forum_events",
    "forums",
    "organisations",
    "import_batches",
    "data_version",
    "themes",
    "outcomes",
    "outcome_themes",
    "outcome_activities",
    "targets",
    "grants",
    "activity_grants",
    "user_grants",
    "submissions",
    "api_tokens",
}


def test_upgrade_from_empty_reaches_head_with_every_table(database_url):
    engine = database.make_engine(database_url)
    assert database.current_revision(engine) is None
    database.migrate(engine)
    assert database.current_revision(engine) == database.head_revision()
    assert set(database.table_names(engine)) == EXPECTED_TABLES


def test_models_and_migrations_describe_the_same_schema(engine):
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []


def test_migrating_twice_changes_nothing(engine):
    assert database.migrate(engine) == database.head_revision()
    assert database.current_revision(engine) == database.head_revision()


def test_database_from_a_newer_tracker_is_refused_and_left_alone(engine):
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(DatabaseUnavailable, match="newer version of the tracker"):
        database.open_database(engine.url.render_as_string(hide_password=False))
    assert database.current_revision(engine) == "9999_from_the_future"


def test_revision_0014_counts_addresses_stored_before_it_as_verified_and_goes_back(database_url):
    from alembic import command

    engine = database.make_engine(database_url)
    config = database.alembic_config(engine)
    command.upgrade(config, "0013_data_version")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (username, display_name, email, role, active, is_demo, created_at, "
                "digest, review_digest) VALUES ('had', 'Had', 'had@example.org', 'member', true, false, "
                "'2026-01-02 03:04:05', 'monthly', false), ('none', 'None', NULL, 'member', true, false, "
                "'2026-01-02 03:04:05', 'none', false)"
            )
        )
    command.upgrade(config, "0014_email_verification")
    with engine.connect() as connection:
        rows = dict(connection.execute(text("SELECT username, email_verified_at FROM users")).all())
    assert rows["had"] is not None and str(rows["had"]).startswith("2026-01-02")
    assert rows["none"] is None
    command.downgrade(config, "0013_data_version")
    with engine.connect() as connection:
        columns = [c["name"] for c in inspect(connection).get_columns("users")]
    assert "email_verified_at" not in columns and "email" in columns
    engine.dispose()
