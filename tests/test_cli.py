import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.db import database
from tracker.db.models import Activity, ForumEvent


def _count(url, model):
    with database.session_factory(database.make_engine(url))() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_init_db_is_idempotent_and_loads_no_activities(use_database, capsys):
    assert main(["init-db"]) == 0
    events = _count(use_database, ForumEvent)
    assert main(["init-db"]) == 0
    assert "created nothing new" in capsys.readouterr().out
    assert _count(use_database, ForumEvent) == events > 50
    assert _count(use_database, Activity) == 0


def test_check_prints_url_without_password_revision_and_counts(use_database, capsys):
    main(["init-db"])
    capsys.readouterr()
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert f"Schema revision: {database.head_revision()}" in out
    assert "forum_events: " in out and "OK" in out
    if "@" in use_database:
        assert "tracker_test:tracker_test@" not in out and "***" in out


def test_check_fails_on_a_database_that_was_never_initialised(use_database, capsys):
    assert main(["check"]) == 1
    assert "run `tracker init-db`" in capsys.readouterr().err


def test_seed_demo_if_empty_leaves_a_database_with_activities_alone(use_database, capsys):
    main(["init-db"])
    assert main(["seed-demo"]) == 0
    seeded = _count(use_database, Activity)
    assert main(["seed-demo", "--if-empty"]) == 0
    assert "already holds activities" in capsys.readouterr().out
    assert _count(use_database, Activity) == seeded


def test_seed_demo_if_empty_leaves_a_database_with_a_real_account_alone(use_database, capsys, monkeypatch):
    import io

    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("the first admin password\n"))
    main(["create-user", "admin", "--role", "admin"])
    assert main(["seed-demo", "--if-empty"]) == 0
    assert "demo data not loaded" in capsys.readouterr().out
    assert _count(use_database, Activity) == 0


def test_unreachable_database_is_one_sentence_and_exit_1(monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:hidden@127.0.0.1:1/x")
    assert main(["init-db"]) == 1
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "could not connect" in err and "Traceback" not in err and "hidden" not in err


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in ("init-db", "seed-demo", "check"))


def test_summary_json_prints_the_service_result(use_database, capsys):
    import json

    from tracker.results.summary import summary

    main(["init-db"])
    main(["seed-demo"])
    capsys.readouterr()
    assert main(["summary", "--json", "--from", "2019-01-01", "--to", "2021-12-31"]) == 0
    printed = json.loads(capsys.readouterr().out)
    import datetime as dt

    with database.session_factory(database.make_engine(use_database))() as session:
        assert printed == summary(session, dt.date(2019, 1, 1), dt.date(2021, 12, 31))
    assert [r["year"] for r in printed["kp_share"]] == [2019, 2020, 2021]
    assert set(printed) == {
        "activities",
        "effort_days",
        "cost_usd",
        "by_year",
        "kp_share",
        "by_theme",
        "outcomes",
        "targets",
    }


def test_summary_refuses_bad_dates(use_database, capsys):
    with pytest.raises(SystemExit):
        main(["summary", "--from", "2020-02-30"])
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["summary", "--from", "2021-01-01", "--to", "2020-01-01"]) == 1


def test_user_commands_read_the_password_from_stdin_and_never_print_it(use_database, capsys, monkeypatch):
    import io

    from tracker.access import accounts

    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("first long password\n"))
    assert main(["create-user", "Dora", "--role", "staff", "--display-name", "Dora D"]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("second long password\n"))
    assert main(["set-password", "dora"]) == 0
    assert main(["disable-user", "dora"]) == 0
    assert main(["list-users"]) == 0
    out = capsys.readouterr().out
    assert "dora\tstaff\tdisabled\tDora D" in out
    assert "long password" not in out and "$argon2" not in out
    with database.session_factory(database.make_engine(use_database)).begin() as session:
        assert accounts.authenticate(session, "dora", "second long password").account is None
        accounts.set_active(session, "dora", True, "test")
    with database.session_factory(database.make_engine(use_database)).begin() as session:
        assert accounts.authenticate(session, "dora", "second long password").account.role == "staff"


def test_user_commands_explain_bad_input(use_database, capsys, monkeypatch):
    import io

    main(["init-db"])
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert main(["create-user", "erin", "--role", "staff"]) == 1
    assert main(["set-password", "nobody"]) == 1
    err = capsys.readouterr().err
    assert "at least 12" in err and "There is no account" in err and "Traceback" not in err
