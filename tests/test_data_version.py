"""Fresh after every write, in every process (issue 22.3): a write from another process
(here the command line, as a second replica or a cron job would) reaches the cached
reads of this one at the next call, with no cache cleared here."""

from __future__ import annotations

import os
import subprocess
import sys

from tracker.db import data_version, database
from tracker.results.filters import Filters
from tracker.web import reads

MAIN = "import sys; from tracker import cli; sys.exit(cli.main(sys.argv[1:]))"


def _tracker(*args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", MAIN, *args],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr


def _member_titles() -> list[str]:
    return list(reads.activity_log(Filters(), "member", 1).rows.get("title", []))


def test_an_import_and_a_restriction_from_another_process_reach_the_next_cached_read(app_database, tmp_path):
    first = tmp_path / "one.csv"
    first.write_text(
        "date,forum,themes,activity_type,title,confidentiality,external_id\n"
        "2024-03-07,KP Plenary,Land rights,meeting,Visible title,internal,X-1\n"
    )
    assert _member_titles() == []  # cached now
    _tracker("import", str(first))
    assert _member_titles() == ["Visible title"]
    restricted = tmp_path / "two.csv"
    restricted.write_text(
        "date,forum,themes,activity_type,title,confidentiality,external_id\n"
        "2024-03-07,KP Plenary,Land rights,meeting,Visible title,restricted,X-1\n"
    )
    _tracker("import", str(restricted))
    assert "Visible title" not in _member_titles()  # restricted by another process: gone at once


def test_every_record_write_changes_the_version_and_a_sign_in_does_not(app_database):
    from tests.factories import add_activity
    from tracker.access import accounts

    factory = database.session_factory(app_database)
    with factory() as session:
        before = data_version.current(session)
    with factory.begin() as session:
        add_activity(session, title="new")
    with factory() as session:
        after = data_version.current(session)
    assert after != before
    with factory.begin() as session:
        accounts.authenticate(session, "demo-member", "wrong password", client_address="127.0.0.1")
    with factory() as session:
        assert data_version.current(session) == after  # throttle and audit rows are not records
