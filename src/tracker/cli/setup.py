"""Setting up and keeping the database: init-db, seed-demo, check, backup, restore, precompress-static."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from tracker import config
from tracker.access import accounts
from tracker.cli.common import (
    Command,
)
from tracker.db import backup, database
from tracker.db.demo_marker import DEMO_PREFIX, DEMO_PREFIX_END
from tracker.db.models import Activity, Base
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo
from tracker.errors import TrackerError
from tracker.i18n import _, ngettext


def _init_db(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.writing(engine) as session:
        report = load_reference_data(session)
    created = ", ".join(f"{n} {t}" for t, n in sorted(report.created.items())) or _("nothing new")
    updated = ", ".join(f"{n} {t}" for t, n in sorted(report.updated.items())) or _("nothing")
    print(
        _("Database ready at {url} (schema {revision}).").format(
            url=engine.url.render_as_string(hide_password=True), revision=database.head_revision()
        )
    )
    print(_("Reference data: created {created}; updated {updated}.").format(created=created, updated=updated))
    return 0


def _has_real_activities(session: Session) -> bool:
    """Activities that are not the illustrative demo data (any external_id outside its range)."""
    real = or_(
        Activity.external_id.is_(None),
        Activity.external_id < DEMO_PREFIX,
        Activity.external_id >= DEMO_PREFIX_END,
    )
    return session.scalar(select(Activity.id).where(real).limit(1)) is not None


def _seed_demo(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.writing(engine) as session:
        load_reference_data(session)
        if args.if_empty and (database.count_activities(session) > 0 or accounts.has_real_accounts(session)):
            print(_("The database already holds activities or accounts: demo data not loaded."))
            return 0
        if accounts.has_real_accounts(session) or _has_real_activities(session):
            raise TrackerError(
                _(
                    "This database holds real accounts or activities: the demo data and its accounts "
                    "with published passwords are only loaded into an empty database."
                )
            )
        added = seed_demo(session)
    if added:
        print(
            ngettext(
                "Loaded {n} activity of illustrative demo data.",
                "Loaded {n} activities of illustrative demo data.",
                added,
            ).format(n=added)
        )
    else:
        print(_("Demo data is already loaded: nothing added."))
    return 0


def _precompress_static(args: argparse.Namespace) -> int:
    from tracker.web import precompress

    result = precompress.precompress(Path(args.folder))
    print(
        _(
            "{files} files copied to {folder}; {compressed} compressed (brotli and gzip): "
            "{before} MB to {after} MB."
        ).format(
            files=result.files,
            folder=args.folder,
            compressed=result.compressed,
            before=f"{result.original_bytes / 1e6:.1f}",
            after=f"{result.brotli_bytes / 1e6:.1f}",
        )
    )
    return 0


def _check(args: argparse.Namespace) -> int:
    engine = database.make_engine()
    url = engine.url.render_as_string(hide_password=True)
    print(_("Database: {url}").format(url=url))
    try:
        revision = database.current_revision(engine)
    except SQLAlchemyError:
        print(
            _(
                "Problem: the tracker could not connect to the database: check DATABASE_URL "
                "and that the database server is running."
            ),
            file=sys.stderr,
        )
        return 1
    head = database.head_revision()
    print(_("Schema revision: {revision} (this tracker: {head})").format(revision=revision, head=head))
    if revision != head:
        print(
            _("Problem: the schema is not at this tracker's revision: run `tracker init-db`."),
            file=sys.stderr,
        )
        return 1
    with database.session_factory(engine)() as session:
        for table in Base.metadata.sorted_tables:
            count = session.scalar(select(func.count()).select_from(table))
            print(f"  {table.name}: {count}")
    warning = config.secret_key_warning()
    if warning:
        print(warning, file=sys.stderr)
    print(_("OK"))
    return 0


def _backup(args: argparse.Namespace) -> int:
    engine = database.open_database()
    try:
        result = backup.backup(engine, Path(args.file))
    except OSError as error:
        raise TrackerError(
            _("Cannot write {file} ({reason}): no backup was made.").format(
                file=args.file, reason=error.strerror
            )
        ) from None
    total = sum(result.rows.values())
    print(
        _("Backed up {n} rows of {t} tables (schema {r}) to {file}.").format(
            n=total, t=len(result.rows), r=result.schema_revision, file=args.file
        )
    )
    return 0


def _restore(args: argparse.Namespace) -> int:
    engine = database.make_engine()
    result = backup.restore(engine, Path(args.file), replace=args.replace)
    print(
        _("Restored {n} rows from {file} (saved at schema {r}, now migrated to {head}).").format(
            n=sum(result.rows.values()),
            file=args.file,
            r=result.schema_revision,
            head=database.head_revision(),
        )
    )
    return 0


def _arguments_none(parser: argparse.ArgumentParser) -> None:
    pass


def _arguments_seed_demo(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--if-empty",
        action="store_true",
        help=_("only load the demo data into a database with no activities and no accounts"),
    )


def _arguments_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("the file to write (gzip-compressed JSON)"))


def _arguments_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help=_("a file written by tracker backup"))
    parser.add_argument(
        "--replace", action="store_true", help=_("delete everything in the database before restoring")
    )


def _arguments_precompress_static(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "folder", help=_("the folder nginx serves /static/ from, e.g. /var/www/tracker-static")
    )


COMMANDS = [
    Command(
        "init-db",
        _("Create or migrate the database and load the reference data (no activities)."),
        _init_db,
        _arguments_none,
    ),
    Command(
        "seed-demo",
        _("Load the illustrative demo activities (never done by init-db)."),
        _seed_demo,
        _arguments_seed_demo,
    ),
    Command(
        "check",
        _("Print the database address (no password), schema revision and row counts."),
        _check,
        _arguments_none,
    ),
    Command(
        "backup",
        _("Save every table (accounts and audit log included) to one portable file."),
        _backup,
        _arguments_backup,
    ),
    Command(
        "restore",
        _("Restore a backup file into an empty database (or --replace everything)."),
        _restore,
        _arguments_restore,
    ),
    Command(
        "precompress-static",
        _("Copy Streamlit's static files to a folder with brotli and gzip copies, for the proxy to serve."),
        _precompress_static,
        _arguments_precompress_static,
    ),
]
