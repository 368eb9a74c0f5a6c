import pytest
from sqlalchemy import text

from tracker import config
from tracker.db import database
from tracker.errors import DatabaseUnavailable


def test_default_database_is_sqlite_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("TRACKER_DATA_DIR", str(tmp_path))
    assert config.database_url() == f"sqlite:///{tmp_path / 'tracker.db'}"


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    engine = database.open_database(f"sqlite:///{tmp_path / 't.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000


def test_unreachable_server_gives_one_sentence_without_the_password():
    url = "postgresql+psycopg://someone:secret-pw@127.0.0.1:1/nowhere"
    with pytest.raises(DatabaseUnavailable) as caught:
        database.open_database(url)
    message = str(caught.value)
    assert "could not connect" in message and "DATABASE_URL" in message
    assert "secret-pw" not in message


def test_unusable_url_is_explained():
    with pytest.raises(DatabaseUnavailable, match="not a database address"):
        database.open_database("nosuchdb://x/y")


def test_unwritable_data_folder_is_refused_and_nothing_is_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(DatabaseUnavailable, match="cannot write to the folder"):
        database.open_database(f"sqlite:///{blocker / 'data' / 'tracker.db'}")
    assert blocker.read_text() == "a file where the data folder should be"


def test_redacted_url_hides_the_password():
    assert database.redacted("postgresql://u:pw@h/db") == "postgresql://u:***@h/db"
