"""Records in and out: activity, outcome, target and grant imports and exports, grants and their funders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import ValidationError

from tracker.access.permissions import ADMIN
from tracker.cli.common import (
    CLI_ACTOR,
    Command,
    print_problems,
    read_file,
    write_output,
)
from tracker.db import database, files
from tracker.db.models import Activity
from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.io import exports, iati, importer, outcome_exports, pipeline
from tracker.io.grant_import import GrantImport
from tracker.io.outcome_import import OutcomeImport
from tracker.io.target_import import TargetImport
from tracker.records import audit, grants
from tracker.records.validation import describe_errors
from tracker.results import outcome_search
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters


def _run_import(
    args: argparse.Namespace, kind: type[pipeline.RecordImport], options: pipeline.ImportOptions
) -> int:
    """The one shape of every import command: read, plan (and write unless --dry-run),
    then the same messages; problems as ``row N, column C: message``, exit 1 when refused."""
    data = read_file(args.file)
    if data is None:
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        plan, result = pipeline.import_file(
            session, kind, data, args.file, CLI_ACTOR, dry_run=args.dry_run, options=options
        )
    if not plan.ok:
        return print_problems(plan.problems)
    if args.dry_run:
        print(
            _("Dry run: {c} would be created, {u} updated; nothing was written.").format(
                c=plan.creates, u=plan.updates
            )
        )
        for row in plan.rows:
            if row.changes:
                print(
                    _("row {row}: {changes}").format(
                        row=row.number, changes=plan.describe_changes(row.changes)
                    )
                )
    else:
        assert result is not None  # no problems: the import ran
        print(
            _("Imported: {c} created, {u} updated, {n} unchanged.").format(
                c=result.created, u=result.updated, n=result.unchanged
            )
        )
    for previous in plan.already_imported:
        print(
            _("Note: this file was already imported on {at} by {who} ({file}).").format(
                at=previous.imported_at.strftime("%Y-%m-%d %H:%M UTC"),
                who=previous.imported_by,
                file=previous.filename,
            )
        )
    if plan.lowered:
        print(_("Confidentiality lowered (check these are meant):"))
        for lowering in plan.lowered:
            print(f"  {lowering}")
    if plan.new_forums:
        print(_("New forums: {names}").format(names=", ".join(plan.new_forums)))
    if plan.new_themes:
        print(_("New themes: {names}").format(names=", ".join(plan.new_themes)))
    if plan.new_organisations:
        print(_("New organisations: {names}").format(names=", ".join(plan.new_organisations)))
    return 0


def _import(args: argparse.Namespace) -> int:
    options = pipeline.ImportOptions(
        create_themes=args.create_themes, confirm_duplicates=args.allow_duplicates
    )
    return _run_import(args, importer.ActivityImport, options)


def _import_outcomes(args: argparse.Namespace) -> int:
    return _run_import(args, OutcomeImport, pipeline.ImportOptions(create_themes=args.create_themes))


def _import_targets(args: argparse.Namespace) -> int:
    return _run_import(args, TargetImport, pipeline.ImportOptions())


def _import_grants(args: argparse.Namespace) -> int:
    return _run_import(args, GrantImport, pipeline.ImportOptions())


def _export(args: argparse.Namespace) -> int:
    if args.format == "iati":
        try:
            publisher = iati.publisher_from_environment()
        except iati.IatiSettingsMissing as error:
            print(_("Error: {message}").format(message=error), file=sys.stderr)
            return 2
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        if args.format == "iati":
            data = iati.build_iati(session, publisher)
            # The audit counts the file's iati-activity elements (grants and CORE).
            rows: audit.Counted[Activity] = audit.Counted(())
            rows.count = data.count(b"<iati-activity ")
        else:
            rows = audit.Counted(iter_visible_activities(session, Filters(), ADMIN))
            data = exports.FORMATS[args.format](rows)
    if args.out:
        try:
            files.write_private(Path(args.out), data)
        except OSError as error:
            raise TrackerError(
                _("Cannot write {file} ({reason}): nothing was exported.").format(
                    file=args.out, reason=error.strerror
                )
            ) from None
        print(_("Wrote {file}.").format(file=args.out), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    with database.writing(engine) as session:
        audit.record_export(
            session, CLI_ACTOR, f"activities.{args.format}", rows.count, {"to": args.out or "stdout"}
        )
    return 0


def _export_outcomes(args: argparse.Namespace) -> int:
    """Every live outcome (restricted ones too: the command line acts as an admin), recorded
    in the audit log like ``export`` and ``report``."""
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        rows = outcome_search.live_outcomes(session)
        data = outcome_exports.FORMATS[args.format](rows)
    write_output(data, args.out)
    with database.writing(engine) as session:
        audit.record_export(
            session, CLI_ACTOR, f"outcomes.{args.format}", len(rows), {"to": args.out or "stdout"}
        )
    return 0


def _add_grant(args: argparse.Namespace) -> int:
    try:
        record = grants.GrantInput(
            grant_id=args.grant_id,
            funder=args.funder,
            title=args.title,
            start_date=args.start,
            end_date=args.end,
            amount=args.amount,
            currency=args.currency,
        )
    except ValidationError as error:
        for column, message in describe_errors(error):
            print(f"{grants.COLUMN_FOR_FIELD.get(column, column)}: {message}", file=sys.stderr)
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        grant = grants.save_grant(session, record, CLI_ACTOR)
        print(_("Saved grant {id}.").format(id=grant.grant_id))
    return 0


def _link_grant(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.writing(engine) as session:
        grants.link_user(session, args.username, args.grant_id, CLI_ACTOR)
    print(_("{username} is linked to grant {id}.").format(username=args.username, id=args.grant_id))
    return 0


def _unlink_grant(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.writing(engine) as session:
        grants.unlink_user(session, args.username, args.grant_id, CLI_ACTOR)
    print(_("{username} is not linked to grant {id}.").format(username=args.username, id=args.grant_id))
    return 0


def _arguments_none(parser: argparse.ArgumentParser) -> None:
    pass


def _arguments_import_file(parser: argparse.ArgumentParser) -> None:
    """What every import command takes: the file and --dry-run."""
    parser.add_argument("file", help=_("a .csv (UTF-8) or .xlsx file"))
    parser.add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))


def _arguments_create_themes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--create-themes",
        action="store_true",
        help=_("create the themes the file names that are not in the theme list (otherwise refused)"),
    )


def _arguments_import(parser: argparse.ArgumentParser) -> None:
    _arguments_import_file(parser)
    _arguments_create_themes(parser)
    parser.add_argument(
        "--allow-duplicates",
        action="store_true",
        help=_("import rows that look like activities already in the tracker (same date, forum and title)"),
    )


def _arguments_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=[*sorted(exports.FORMATS), "iati"], default="csv")
    parser.add_argument("--out", help=_("file to write (default: standard output)"))


def _arguments_import_outcomes(parser: argparse.ArgumentParser) -> None:
    _arguments_import_file(parser)
    _arguments_create_themes(parser)


def _arguments_export_outcomes(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=sorted(outcome_exports.FORMATS), default="csv")
    parser.add_argument("--out", help=_("file to write (default: standard output)"))


def _arguments_add_grant(parser: argparse.ArgumentParser) -> None:
    add_grant = parser
    add_grant.add_argument("grant_id")
    add_grant.add_argument("--funder", required=True)
    add_grant.add_argument("--title", required=True)
    add_grant.add_argument("--start", required=True, help=_("first day of the grant, YYYY-MM-DD"))
    add_grant.add_argument("--end", required=True, help=_("last day of the grant, YYYY-MM-DD"))
    add_grant.add_argument("--amount", help=_("the amount granted"))
    add_grant.add_argument("--currency", help=_("ISO 4217 code, e.g. USD"))


def _arguments_link_grant(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("grant_id")


def _arguments_unlink_grant(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("grant_id")


COMMANDS = [
    Command(
        "import",
        _("Import activities from a CSV or XLSX file in the import format (all or nothing)."),
        _import,
        _arguments_import,
    ),
    Command(
        "export",
        _("Export every activity in the import format (CSV, XLSX or JSON), or the public IATI 2.03 file."),
        _export,
        _arguments_export,
    ),
    Command(
        "import-outcomes",
        _("Import outcomes from a CSV or XLSX file in the outcome format (all or nothing)."),
        _import_outcomes,
        _arguments_import_outcomes,
    ),
    Command(
        "export-outcomes",
        _("Export every outcome in the outcome import format (CSV, XLSX or JSON)."),
        _export_outcomes,
        _arguments_export_outcomes,
    ),
    Command(
        "import-targets",
        _("Import strategy targets from a CSV or XLSX file (all or nothing)."),
        _import_targets,
        _arguments_import_file,
    ),
    Command(
        "import-grants",
        _("Import grants from a CSV or XLSX file (all or nothing; updates by grant_id)."),
        _import_grants,
        _arguments_import_file,
    ),
    Command(
        "add-grant", _("Add a grant, or update the one with this grant_id."), _add_grant, _arguments_add_grant
    ),
    Command(
        "link-grant", _("Link a funder account to a grant it funds."), _link_grant, _arguments_link_grant
    ),
    Command(
        "unlink-grant", _("Unlink a funder account from a grant."), _unlink_grant, _arguments_unlink_grant
    ),
]
