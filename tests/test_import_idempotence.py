"""Import is idempotent at the page level: the upload is cleared after success, a file
imported before is flagged with when and by whom, likely duplicates need a confirmation."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.apptest import clear_caches, open_page
from tests.factories import add_activity
from tracker.cli import main
from tracker.db import database
from tracker.db.models import Activity, ImportBatch
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo_accounts
from tracker.io import importer

DATA = (
    b"date,forum,themes,activity_type,title\n"
    b"2024-05-13,KP Intersessional,KP reform,meeting,Dubai intersessional\n"
    b"2024-05-14,KP Intersessional,KP reform,meeting,Second day\n"
)


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Activity))


def test_an_import_is_recorded_and_the_same_file_is_flagged_with_when_and_by_whom(session):
    plan, result = importer.import_file(session, DATA, "two.csv", "alice")
    assert result.created == 2
    session.commit()
    [batch] = session.scalars(select(ImportBatch)).all()
    assert (batch.imported_by, batch.filename, batch.created, len(batch.content_sha256)) == (
        "alice",
        "two.csv",
        2,
        64,
    )
    again = importer.plan_import(session, DATA, "renamed.csv")
    assert [(b.imported_by, b.filename) for b in again.already_imported] == [("alice", "two.csv")]
    assert again.already_imported[0].imported_at == batch.imported_at


def test_a_dry_run_records_no_import(session):
    importer.import_file(session, DATA, "two.csv", "alice", dry_run=True)
    session.commit()
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_rows_without_external_id_matching_a_live_activity_are_likely_duplicates(session):
    add_activity(
        session, forum="KP Intersessional", title="DUBAI Intersessional", activity_date=dt.date(2024, 5, 13)
    )
    session.commit()
    plan = importer.plan_import(session, DATA, "two.csv")
    assert [(d.row, d.activity_ids) for d in plan.duplicates] == [(2, [1])]
    assert "likely duplicate of 1" in plan.preview().loc[0, "result"]
    with pytest.raises(importer.ImportRejected, match="likely duplicates"):
        importer.apply_import(session, plan, "alice")
    session.rollback()
    assert _count(session) == 1
    importer.apply_import(session, plan, "alice", confirm_duplicates=True)
    session.commit()
    assert _count(session) == 3


def test_the_cli_refuses_likely_duplicates_without_allow_duplicates(use_database, tmp_path, capsys):
    main(["init-db"])
    path = tmp_path / "two.csv"
    path.write_bytes(DATA)
    assert main(["import", str(path)]) == 0
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "row 2: likely duplicate of activity 1" in err
    assert main(["import", str(path), "--allow-duplicates"]) == 0


@pytest.fixture
def staff_db(use_sqlite_database):
    clear_caches()
    engine = database.open_database(use_sqlite_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
    yield engine
    engine.dispose()


def test_after_a_successful_import_the_upload_is_cleared_and_the_result_stays(staff_db):
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload("two.csv", DATA, "text/csv").run()
    at.button(key="import_go").click().run()
    assert any("Imported. New: 2;" in s.value for s in at.success)
    assert not [b for b in at.button if b.key == "import_go"]  # a second click cannot import again
    assert not [u for u in at.get("file_uploader") if u.proto.id.endswith("import_upload")]
    at.run()
    assert any("Imported. New: 2;" in s.value for s in at.success)  # still on screen
    with database.session_factory(staff_db)() as session:
        assert _count(session) == 2


def test_the_import_page_flags_a_file_already_imported_and_duplicates_need_a_tick(staff_db):
    with database.session_factory(staff_db)() as session:
        importer.import_file(session, DATA, "two.csv", "demo-admin")
        session.commit()
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload("two.csv", DATA, "text/csv").run()
    warnings = " ".join(w.value for w in at.warning)
    assert "already imported" in warnings and "demo-admin" in warnings.replace("\\", "")
    assert "likely duplicates" in warnings
    assert at.button(key="import_go").disabled
    at.checkbox(key="import_confirm_duplicates").check().run()
    at.button(key="import_go").click().run()
    with database.session_factory(staff_db)() as session:
        assert _count(session) == 4
