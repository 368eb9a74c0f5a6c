"""Issue 13 (items 8 and 9): seed-demo never touches a real database, the last admin
from the command line, private file modes, and audited exports."""

import io
import os
import stat

import pytest
from sqlalchemy import func, select

from tests.factories import add_activity
from tracker.access import accounts
from tracker.cli import main
from tracker.db import database
from tracker.db.models import Activity, AuditEntry, User


def _engine(url):
    return database.make_engine(url)


def _count(url, model, *where):
    engine = _engine(url)
    with database.session_factory(engine)() as session:
        count = session.scalar(select(func.count()).select_from(model).where(*where))
    engine.dispose()
    return count


def _one_sentence(err: str) -> None:
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_seed_demo_refuses_a_database_with_a_real_account(use_database, capsys, monkeypatch):
    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("the first admin password\n"))
    main(["create-user", "admin", "--role", "admin"])
    capsys.readouterr()
    assert main(["seed-demo"]) == 1
    captured = capsys.readouterr()
    _one_sentence(captured.err)
    assert "real" in captured.err
    assert _count(use_database, User, User.is_demo.is_(True)) == 0
    assert _count(use_database, Activity) == 0


def test_seed_demo_refuses_a_database_with_real_activities(use_database, capsys):
    main(["init-db"])
    engine = _engine(use_database)
    with database.writing(engine) as session:
        add_activity(session, title="A real meeting")
    engine.dispose()
    capsys.readouterr()
    assert main(["seed-demo"]) == 1
    _one_sentence(capsys.readouterr().err)
    assert _count(use_database, User) == 0 and _count(use_database, Activity) == 1


def test_seed_demo_if_empty_stays_quiet_and_safe_on_a_real_database(use_database, capsys, monkeypatch):
    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("the first admin password\n"))
    main(["create-user", "admin", "--role", "admin"])
    capsys.readouterr()
    assert main(["seed-demo", "--if-empty"]) == 0
    assert capsys.readouterr().err == ""
    assert _count(use_database, User, User.is_demo.is_(True)) == 0


def test_seed_demo_twice_on_demo_data_is_fine(use_database, capsys):
    main(["init-db"])
    assert main(["seed-demo"]) == 0
    assert main(["seed-demo"]) == 0
    assert "already loaded" in capsys.readouterr().out


def test_cli_refuses_to_disable_or_demote_the_last_admin(use_database, capsys, monkeypatch):
    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("the first admin password\n"))
    main(["create-user", "boss", "--role", "admin"])
    capsys.readouterr()
    assert main(["disable-user", "boss"]) == 1
    err = capsys.readouterr().err
    _one_sentence(err)
    assert "last active admin" in err
    assert main(["set-role", "boss", "--role", "staff"]) == 1
    assert "last active admin" in capsys.readouterr().err
    engine = _engine(use_database)
    with database.session_factory(engine)() as session:
        assert accounts.active_account(session, "boss").role == "admin"
    engine.dispose()


def test_cli_refuses_a_weak_password_in_one_sentence(use_database, capsys, monkeypatch):
    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("password1234\n"))
    assert main(["create-user", "weak", "--role", "staff"]) == 1
    err = capsys.readouterr().err
    _one_sentence(err)
    assert "common" in err


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_database_wal_and_backup_files_are_private(tmp_path, monkeypatch, capsys):
    old = os.umask(0o022)
    try:
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["init-db"]) == 0
        engine = database.make_engine(url)
        with engine.connect() as connection:  # a reader keeps the WAL and shared memory open
            connection.exec_driver_sql("SELECT 1")
            with database.writing(engine) as session:
                add_activity(session, title="private")
            for name in ("tracker.db", "tracker.db-wal", "tracker.db-shm"):
                assert _mode(tmp_path / name) == 0o600, name
        engine.dispose()
        assert main(["backup", str(tmp_path / "b.backup")]) == 0
        assert _mode(tmp_path / "b.backup") == 0o600
        assert main(["export", "--format", "csv", "--out", str(tmp_path / "all.csv")]) == 0
        assert _mode(tmp_path / "all.csv") == 0o600
    finally:
        os.umask(old)


def test_an_existing_world_readable_database_is_made_private(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    main(["init-db"])
    os.chmod(path, 0o644)
    main(["check"])
    database.open_database(url).dispose()
    assert _mode(path) == 0o600


def test_cli_export_is_audited(use_database, capsys, tmp_path):
    main(["init-db"])
    main(["seed-demo"])
    assert main(["export", "--format", "csv", "--out", str(tmp_path / "a.csv")]) == 0
    engine = _engine(use_database)
    with database.session_factory(engine)() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "export")).one()
        rows = session.scalar(select(func.count()).select_from(Activity).where(Activity.deleted_at.is_(None)))
    engine.dispose()
    assert entry.actor == "cli" and entry.after["rows"] == rows and entry.after["what"] == "activities.csv"


@pytest.fixture(autouse=True)
def _no_inherited_database(monkeypatch):
    monkeypatch.delenv("TRACKER_TRUSTED_PROXIES", raising=False)


def test_check_and_the_app_warn_when_the_secret_key_is_unset(use_sqlite_database, monkeypatch, capsys):
    """Issue 22.6: `tracker check` and the app's start-up (importing tracker.web) say so."""
    import subprocess
    import sys

    from tracker import cli
    from tracker.config import PROJECT_ROOT

    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    assert cli.main(["init-db"]) == 0
    capsys.readouterr()
    assert cli.main(["check"]) == 0
    assert "TRACKER_SECRET_KEY is not set" in capsys.readouterr().err
    monkeypatch.setenv("TRACKER_SECRET_KEY", "a-long-random-value-for-the-test")
    assert cli.main(["check"]) == 0
    assert "TRACKER_SECRET_KEY" not in capsys.readouterr().err
    monkeypatch.delenv("TRACKER_SECRET_KEY")
    started = subprocess.run([sys.executable, "-c", "import tracker.web"], capture_output=True, text=True)
    assert "TRACKER_SECRET_KEY is not set" in started.stderr
    for script in [*(PROJECT_ROOT / "scripts").glob("*"), *(PROJECT_ROOT / "docs" / "deploy").glob("*")]:
        if script.is_file():
            assert "change-me" not in script.read_text(errors="replace"), script
