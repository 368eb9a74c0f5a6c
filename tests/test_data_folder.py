"""The top-level data/ folder (issue 17.6): the import templates of every record type match
the import formats the code declares, every example file imports through the command line
on both databases, and the default database stays out of git while the examples are in it."""

import csv
import subprocess

import pytest
from sqlalchemy import func, select

from tracker.cli import main
from tracker.config import PROJECT_ROOT
from tracker.db import database
from tracker.db.models import Activity, Grant, Outcome, Target
from tracker.records import activity_fields, grants, outcome_fields, targets

DATA = PROJECT_ROOT / "data"
# In the order a newcomer imports them: activities name grants, outcomes name activities.
EXAMPLES = [
    ("import-grants", "grants.csv", Grant, 2),
    ("import", "activities.csv", Activity, 6),
    ("import-outcomes", "outcomes.csv", Outcome, 3),
    ("import-targets", "targets.csv", Target, 3),
]
FORMATS = {
    "activities.csv": activity_fields.IMPORT_COLUMNS,
    "outcomes.csv": outcome_fields.COLUMNS,
    "targets.csv": targets.COLUMNS,
    "grants.csv": grants.COLUMNS,
}


def header(path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file))


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_template_is_the_header_of_its_import_format(name):
    template = DATA / "templates" / name
    assert header(template) == list(FORMATS[name])
    assert template.read_text(encoding="utf-8").count("\n") == 1  # the header only


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_example_uses_its_format_s_columns(name):
    assert set(header(DATA / "examples" / name)) <= set(FORMATS[name])


def test_every_example_file_imports_through_the_command_line(use_database, capsys):
    assert main(["init-db"]) == 0
    for command, name, model, count in EXAMPLES:
        assert main([command, str(DATA / "examples" / name)]) == 0, capsys.readouterr().err
        engine = database.make_engine(use_database)
        try:
            with database.session_factory(engine)() as session:
                assert session.scalar(select(func.count()).select_from(model)) == count, name
        finally:
            engine.dispose()
    # A second import of the same files updates what is there and adds nothing.
    for command, name, _model, _count in EXAMPLES:
        assert main([command, str(DATA / "examples" / name)]) == 0, capsys.readouterr().err
    engine = database.make_engine(use_database)
    try:
        with database.session_factory(engine)() as session:
            for _command, name, model, count in EXAMPLES:
                assert session.scalar(select(func.count()).select_from(model)) == count, name
    finally:
        engine.dispose()


def test_the_default_database_is_ignored_and_the_examples_are_not():
    def ignored(path: str) -> bool:
        found = subprocess.run(["git", "check-ignore", "-q", path], cwd=PROJECT_ROOT, check=False)
        return found.returncode == 0

    for database_file in ("data/tracker.db", "data/tracker.db-wal", "data/tracker.db-shm"):
        assert ignored(database_file), database_file
    for kept in ("data/README.md", "data/templates/activities.csv", "data/examples/outcomes.csv"):
        assert not ignored(kept), kept
