"""Backup and restore: every table, lossless across SQLite and PostgreSQL, and refusals
that leave the database untouched."""

import gzip
import json

import pytest
from sqlalchemy import select

from tests.conftest import POSTGRES_URL, reset_postgres
from tests.factories import add_activity
from tracker.access import accounts
from tracker.cli import main
from tracker.db import backup, database
from tracker.db.models import Base
from tracker.records.activities import delete_activity


def _dump(engine) -> dict[str, list[tuple]]:
    with engine.connect() as connection:
        return {
            t.name: [tuple(r) for r in connection.execute(select(t).order_by(*t.primary_key.columns))]
            for t in Base.metadata.sorted_tables
            if t.name not in backup.EPHEMERAL_TABLES  # not records: never brought back as they were
        }


@pytest.fixture
def filled(demo_engine, demo_session):
    session = demo_session
    accounts.create_user(session, "keeper", "a long secret password", "admin", "test", email="k@example.org")
    activity = add_activity(session, title="<script>x</script> ünïcode ✓", outcome="Ça marche")
    session.flush()
    delete_activity(session, activity.id, 1, "keeper")
    accounts.authenticate(session, "keeper", "wrong password here")  # a login_throttle row
    session.commit()
    return demo_engine


def test_backup_covers_every_table_including_hashes_and_audit(filled, tmp_path):
    path = tmp_path / "tracker.db.backup"
    summary = backup.backup(filled, path)
    document = json.loads(gzip.decompress(path.read_bytes()))
    assert {t["name"] for t in document["tables"]} == {t.name for t in Base.metadata.sorted_tables}
    assert all(summary.rows[name] > 0 for name in ("users", "audit_log", "activities", "login_throttle"))
    users = next(t for t in document["tables"] if t["name"] == "users")
    assert all(row[users["columns"].index("password_hash")].startswith("$argon2") for row in users["rows"])
    assert (document["format"], document["format_version"]) == (backup.FORMAT, 1)


def test_round_trip_sqlite_postgres_sqlite_is_lossless(filled, tmp_path):
    if not POSTGRES_URL or not database.is_sqlite(filled):
        pytest.skip("needs the SQLite run with TRACKER_TEST_POSTGRES_URL set")
    original = _dump(filled)
    first = tmp_path / "from-sqlite.backup"
    backup.backup(filled, first)
    reset_postgres(POSTGRES_URL)
    postgres = database.make_engine(POSTGRES_URL)
    backup.restore(postgres, first)
    assert _dump(postgres) == original
    second = tmp_path / "from-postgres.backup"
    backup.backup(postgres, second)
    postgres.dispose()
    again = database.make_engine(f"sqlite:///{tmp_path / 'again.db'}")
    backup.restore(again, second)
    assert _dump(again) == original
    with database.session_factory(again).begin() as session:
        assert accounts.authenticate(session, "keeper", "a long secret password").account.role == "admin"
        add_activity(session, title="new after restore")  # sequences continue after the restored ids


def test_restore_into_the_same_kind_of_database(filled, tmp_path):
    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    fresh = database.make_engine(url)
    backup.restore(fresh, path)
    assert _dump(fresh) == _dump(filled)


def _refused(engine, path, fragment, **kwargs):
    before = _dump(engine)
    with pytest.raises(backup.BackupRefused, match=fragment):
        backup.restore(engine, path, **kwargs)
    assert _dump(engine) == before


def test_a_non_empty_database_is_refused_without_replace(filled, tmp_path):
    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    _refused(filled, path, "already holds data")
    backup.restore(filled, path, replace=True)
    assert len(_dump(filled)["activities"]) > 0


def test_damaged_and_newer_files_are_refused_untouched(filled, tmp_path):
    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    document = json.loads(gzip.decompress(path.read_bytes()))

    truncated = tmp_path / "truncated.backup"
    truncated.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])
    _refused(filled, truncated, "damaged", replace=True)

    tampered = tmp_path / "tampered.backup"
    changed = json.loads(json.dumps(document))
    changed["tables"][0]["rows"][0][1] = "changed"
    tampered.write_bytes(gzip.compress(json.dumps(changed).encode()))
    _refused(filled, tampered, "checksum does not match", replace=True)

    newer = tmp_path / "newer.backup"
    newer.write_bytes(gzip.compress(json.dumps({**document, "format_version": 2}).encode()))
    _refused(filled, newer, "newer version of the tracker", replace=True)

    future = tmp_path / "future.backup"
    future.write_bytes(gzip.compress(json.dumps({**document, "schema_revision": "9999"}).encode()))
    _refused(filled, future, "newer version of the tracker", replace=True)

    other = tmp_path / "other.backup"
    other.write_text("date,forum\n")
    _refused(filled, other, "not a tracker backup", replace=True)


def test_cli_backup_and_restore(use_database, tmp_path, capsys, monkeypatch):
    main(["init-db"])
    main(["seed-demo"])
    path = tmp_path / "cli.backup"
    assert main(["backup", str(path)]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert main(["restore", str(path)]) == 1
    assert "already holds data" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'restored.db'}")
    assert main(["restore", str(path)]) == 0
    assert "Restored" in capsys.readouterr().out
    assert main(["check"]) == 0


# --- Restore is all or nothing (issue 13, item 2) ---------------------------------------


def _edited(document: dict, path, change) -> None:
    """Write ``document`` changed by ``change`` with its checksum recomputed, as a careful forger would."""
    edited = json.loads(json.dumps(document))
    change(edited)
    edited["checksum"] = backup._checksum(edited["tables"])
    path.write_bytes(gzip.compress(json.dumps(edited).encode()))


def _table(document: dict, name: str) -> dict:
    return next(t for t in document["tables"] if t["name"] == name)


def _set_cell(document: dict, table: str, column: str, value) -> None:
    entry = _table(document, table)
    entry["rows"][0][entry["columns"].index(column)] = value


def _impossible_date(d):
    _set_cell(d, "activities", "activity_date", "2026-02-30")


def _missing_cell(d):
    _table(d, "activities")["rows"][0].pop()


def _extra_column(d):
    entry = _table(d, "forums")
    entry["columns"].append("secret")
    for row in entry["rows"]:
        row.append("x")


def _unknown_table(d):
    d["tables"].append({"name": "payloads", "columns": ["id"], "rows": [[1]]})


def _text_in_a_number(d):
    _set_cell(d, "activities", "effort_days", "three")


def _required_cell_empty(d):
    _set_cell(d, "activities", "title", None)


def _duplicate_key(d):
    entry = _table(d, "themes")
    entry["rows"].append(list(entry["rows"][0]))


def _dangling_reference(d):
    _set_cell(d, "activities", "forum_id", 999999)


def _missing_table(d):
    d["tables"] = [t for t in d["tables"] if t["name"] != "themes"]


def _too_long(d):
    _set_cell(d, "users", "role", "x" * 500)


@pytest.mark.parametrize(
    "change",
    [
        _impossible_date,
        _missing_cell,
        _extra_column,
        _unknown_table,
        _text_in_a_number,
        _required_cell_empty,
        _duplicate_key,
        _dangling_reference,
        _missing_table,
        _too_long,
    ],
)
def test_a_hand_edited_backup_with_a_recomputed_checksum_changes_nothing(filled, tmp_path, change):
    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    document = json.loads(gzip.decompress(path.read_bytes()))
    edited = tmp_path / "edited.backup"
    _edited(document, edited, change)
    before = _dump(filled)
    with pytest.raises(backup.BackupRefused) as refused:
        backup.restore(filled, edited, replace=True)
    message = str(refused.value)
    assert "nothing was restored" in message or "left as it was" in message
    assert "\n" not in message and "Traceback" not in message
    assert _dump(filled) == before
    assert database.current_revision(filled) == database.head_revision()


def test_a_full_disk_during_restore_changes_nothing(filled, tmp_path, monkeypatch):
    import errno

    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    before = _dump(filled)

    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(backup, "_write_rows", disk_full)
    with pytest.raises(backup.BackupRefused, match="left as it was"):
        backup.restore(filled, path, replace=True)
    assert _dump(filled) == before
    if database.is_sqlite(filled):
        folder = filled.url.database.rsplit("/", 1)[0]
        import os

        assert sorted(n for n in os.listdir(folder) if "restore" in n) == []


def test_restore_replace_succeeds_and_the_app_can_write_after(filled, tmp_path):
    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    original = _dump(filled)
    with database.writing(filled) as session:
        add_activity(session, title="made after the backup")
    backup.restore(filled, path, replace=True)
    assert _dump(filled) == original
    with database.writing(filled) as session:
        add_activity(session, title="made after the restore")


def test_cli_restore_of_a_bad_file_prints_one_sentence(use_database, tmp_path, capsys):
    main(["init-db"])
    main(["seed-demo"])
    path = tmp_path / "cli.backup"
    main(["backup", str(path)])
    document = json.loads(gzip.decompress(path.read_bytes()))
    edited = tmp_path / "edited.backup"
    _edited(document, edited, _impossible_date)
    engine = database.make_engine(use_database)
    before = _dump(engine)
    capsys.readouterr()
    assert main(["restore", "--replace", str(edited)]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err and "2026-02-30" in captured.err
    assert _dump(engine) == before
    engine.dispose()


def test_restore_replace_on_postgresql_leaves_other_applications_tables_alone(filled, tmp_path):
    if database.is_sqlite(filled):
        pytest.skip("an SQLite file belongs to the tracker alone")
    from sqlalchemy import text

    path = tmp_path / "b.backup"
    backup.backup(filled, path)
    with filled.begin() as connection:
        connection.execute(text("CREATE TABLE other_app (id integer primary key, note text)"))
        connection.execute(text("INSERT INTO other_app VALUES (1, 'keep me')"))
    backup.restore(filled, path, replace=True)
    with filled.connect() as connection:
        assert connection.execute(text("SELECT note FROM other_app")).scalar() == "keep me"


def test_signed_in_sessions_are_never_backed_up_nor_restored(filled, tmp_path):
    """A session is a live credential, not a record: the backup keeps the table's shape only."""
    import datetime as dt

    from tracker.access import sessions
    from tracker.db.models import BrowserSession

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    with database.session_factory(filled).begin() as session:
        sessions.start(session, "keeper", now)
    with database.session_factory(filled)() as session:
        live = session.scalars(select(BrowserSession)).all()
        assert len(live) == 1
        live_row = [getattr(live[0], c.key) for c in BrowserSession.__table__.columns]
    path = tmp_path / "b.backup"
    summary = backup.backup(filled, path)
    assert summary.rows["browser_sessions"] == 0
    document = json.loads(gzip.decompress(path.read_bytes()))
    assert _table(document, "browser_sessions")["rows"] == []
    # a backup that does carry one (an older file, or a hand-edited one) restores none
    forged = tmp_path / "forged.backup"
    _edited(
        document,
        forged,
        lambda d: _table(d, "browser_sessions")["rows"].append([backup._encode(v) for v in live_row]),
    )
    fresh = database.make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    backup.restore(fresh, forged)
    with database.session_factory(fresh)() as session:
        assert session.scalars(select(BrowserSession)).all() == []
    fresh.dispose()
