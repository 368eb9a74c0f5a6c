"""The ``tracker`` command. Each subcommand opens the database the way the app does
(``DATABASE_URL`` honoured, migrations applied) and calls the same services."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from tracker import config
from tracker.access import accounts
from tracker.access.permissions import ADMIN, ROLES
from tracker.db import backup, database, files
from tracker.db.demo_marker import DEMO_PREFIX, DEMO_PREFIX_END
from tracker.db.models import Activity, Base
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo
from tracker.errors import TrackerError, ValidationFailed
from tracker.i18n import _, available_languages, ngettext
from tracker.io import exports, iati, importer
from tracker.records import audit, grants, outcome_fields, outcomes, targets
from tracker.records.activity_fields import describe_changes
from tracker.records.validation import describe_errors
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters
from tracker.results.summary import summary

CLI_ACTOR = "cli"


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


def _has_real_activities(session) -> bool:
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
    print(_("OK"))
    return 0


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date written YYYY-MM-DD").format(text=text)
        ) from None


def _summary(args: argparse.Namespace) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(_("Error: --from must not be after --to."), file=sys.stderr)
        return 1
    if args.grant and (args.date_from or args.date_to):
        print(_("Error: --grant gives the grant's own period: leave out --from and --to."), file=sys.stderr)
        return 1
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        result = summary(session, args.date_from, args.date_to, grant_id=args.grant)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            ngettext(
                "{n} activity, {days} staff-days, US$ {cost}",
                "{n} activities, {days} staff-days, US$ {cost}",
                result["activities"],
            ).format(n=result["activities"], days=result["effort_days"], cost=result["cost_usd"])
        )
        for row in result["kp_share"]:
            share = "–" if row["by_count"] is None else f"{row['by_count']:.0%}"
            effort = "–" if row["by_effort"] is None else f"{row['by_effort']:.0%}"
            print(
                _("{year}: KP share {share} of activities, {effort} of effort").format(
                    year=row["year"], share=share, effort=effort
                )
            )
    return 0


def _report(args: argparse.Namespace) -> int:
    from tracker.db.models import utcnow
    from tracker.publish import reports

    if args.grant and (args.date_from or args.date_to):
        print(_("Error: --grant gives the grant's own period: leave out --from and --to."), file=sys.stderr)
        return 1
    if not args.grant and not (args.date_from and args.date_to):
        print(_("Error: give the period with --from and --to, or a grant with --grant."), file=sys.stderr)
        return 1
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(_("Error: --from must not be after --to."), file=sys.stderr)
        return 1
    if args.language and args.language not in available_languages():
        print(
            _("Error: there is no {language} translation; choose one of {languages}.").format(
                language=args.language, languages=", ".join(available_languages())
            ),
            file=sys.stderr,
        )
        return 1
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        report = reports.build(session, args.date_from, args.date_to, grant_id=args.grant)
    content = reports.render(report, args.format, utcnow(), args.language)
    try:
        files.write_private(Path(args.out), content)
    except OSError as error:
        print(
            _("Error: cannot write {path} ({reason}); choose another --out file.").format(
                path=args.out, reason=error.strerror
            ),
            file=sys.stderr,
        )
        return 1
    with database.writing(engine) as session:
        audit.record_export(
            session,
            CLI_ACTOR,
            f"funder-summary.{args.format}",
            len(report.view.outcomes),
            {"period": f"{report.view.date_from}/{report.view.date_to}", "grant": args.grant, "to": args.out},
        )
    print(_("Wrote {path} ({size} bytes).").format(path=args.out, size=len(content)))
    return 0


def _set_digest(args: argparse.Namespace) -> int:
    from tracker.publish import digest

    with database.writing(database.open_database()) as session:
        warning = digest.set_digest(session, args.username, args.choice, actor="cli", email=args.email)
    print(_("{name}: digest {choice}.").format(name=args.username, choice=args.choice))
    if warning:
        print(warning, file=sys.stderr)
    return 0


def _set_language(args: argparse.Namespace) -> int:
    from tracker.publish import digest

    language = None if args.language == "default" else args.language
    with database.writing(database.open_database()) as session:
        digest.set_language(session, args.username, language, actor="cli")
    print(_("{name}: language {language}.").format(name=args.username, language=args.language))
    return 0


def _send_digest(args: argparse.Namespace) -> int:
    from tracker.publish import digest

    today = args.today or dt.date.today()
    with database.session_factory(database.open_database())() as session:
        deliveries = digest.send_digests(session, today, dry_run=args.dry_run)
    if not deliveries:
        print(_("No account subscribes to the digest."))
    for d in deliveries:
        print(
            _("{name} <{email}>: {result} ({size} bytes)").format(
                name=d.username, email=d.email or "–", result=d.message, size=d.size
            ),
            file=sys.stdout if d.sent or args.dry_run and d.email else sys.stderr,
        )
    failed = [d for d in deliveries if not d.sent and not (args.dry_run and d.email)]
    return 1 if failed else 0


def _read_password(confirm: bool = True) -> str:
    """From a prompt (asked twice), or the first line of standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if confirm and getpass.getpass(_("Password again: ")) != first:
        raise ValidationFailed(_("The two passwords differ; nothing was changed."))
    return first


def _create_user(args: argparse.Namespace) -> int:
    engine = database.open_database()
    password = _read_password()
    with database.writing(engine) as session:
        account = accounts.create_user(
            session,
            args.username,
            password,
            args.role,
            CLI_ACTOR,
            display_name=args.display_name,
            organisation=args.organisation,
            email=args.email,
        )
    print(_("Created {username} ({role}).").format(username=account.username, role=account.role))
    return 0


def _set_password(args: argparse.Namespace) -> int:
    engine = database.open_database()
    password = _read_password()
    with database.writing(engine) as session:
        accounts.set_password(session, args.username, password, CLI_ACTOR)
    print(_("Password changed for {username}.").format(username=args.username))
    return 0


def _set_role(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.writing(engine) as session:
        accounts.set_role(session, args.username, args.role, CLI_ACTOR)
    print(_("{username} now has the role {role}.").format(username=args.username, role=args.role))
    return 0


def _set_active(active: bool):
    def command(args: argparse.Namespace) -> int:
        engine = database.open_database()
        with database.writing(engine) as session:
            accounts.set_active(session, args.username, active, CLI_ACTOR)
        message = _("{username} can log in again.") if active else _("{username} can no longer log in.")
        print(message.format(username=args.username))
        return 0

    return command


def _list_users(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        for account in accounts.list_accounts(session):
            state = _("active") if account.active else _("disabled")
            print(f"{account.username}\t{account.role}\t{state}\t{account.display_name}")
    return 0


def _import(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as error:
        print(
            _("Error: cannot read {file} ({reason}).").format(file=args.file, reason=error.strerror),
            file=sys.stderr,
        )
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        plan, result = importer.import_file(
            session,
            data,
            args.file,
            CLI_ACTOR,
            dry_run=args.dry_run,
            confirm_duplicates=args.allow_duplicates,
        )
    if not plan.ok:
        for problem in plan.problems or [importer.Problem(None, None, _("there is nothing to import."))]:
            print(problem, file=sys.stderr)
        print(_("Nothing was imported."), file=sys.stderr)
        return 1
    if args.dry_run:
        print(
            _("Dry run: {c} would be created, {u} updated; nothing was written.").format(
                c=plan.creates, u=plan.updates
            )
        )
        for row in plan.rows:
            if row.changes:
                print(_("row {row}: {changes}").format(row=row.number, changes=describe_changes(row.changes)))
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
            rows = audit.Counted(())
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


def _read_file(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        print(
            _("Error: cannot read {file} ({reason}).").format(file=path, reason=error.strerror),
            file=sys.stderr,
        )
        return None


def _write_output(data: bytes, out: str | None) -> None:
    if out:
        files.write_private(Path(out), data)
        print(_("Wrote {file}.").format(file=out), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def _import_outcomes(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    if data is None:
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        plan, result = outcomes.import_outcomes(session, data, args.file, CLI_ACTOR, dry_run=args.dry_run)
    if not plan.ok:
        for problem in plan.problems or [importer.Problem(None, None, _("there is nothing to import."))]:
            print(problem, file=sys.stderr)
        print(_("Nothing was imported."), file=sys.stderr)
        return 1
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
                        row=row.number, changes=outcome_fields.describe_changes(row.changes)
                    )
                )
    else:
        assert result is not None
        print(
            _("Imported: {c} created, {u} updated, {n} unchanged.").format(
                c=result.created, u=result.updated, n=result.unchanged
            )
        )
    if plan.lowered:
        print(_("Confidentiality lowered (check these are meant):"))
        for lowering in plan.lowered:
            print(f"  {lowering}")
    return 0


def _export_outcomes(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        data = outcomes.FORMATS[args.format](outcomes.live_outcomes(session))
    _write_output(data, args.out)
    return 0


def _print_problems(problems: list) -> int:
    for problem in problems or [importer.Problem(None, None, _("there is nothing to import."))]:
        print(problem, file=sys.stderr)
    print(_("Nothing was imported."), file=sys.stderr)
    return 1


def _import_targets(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    if data is None:
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        plan = targets.import_targets(session, data, args.file, CLI_ACTOR)
    if not plan.ok:
        return _print_problems(plan.problems)
    n = len(plan.rows)
    print(
        ngettext(
            "Imported {n} target (created if new, updated if known).",
            "Imported {n} targets (new ones created, known ones updated).",
            n,
        ).format(n=n)
    )
    return 0


def _import_grants(args: argparse.Namespace) -> int:
    data = _read_file(args.file)
    if data is None:
        return 1
    engine = database.open_database()
    with database.writing(engine) as session:
        plan = grants.import_grants(session, data, args.file, CLI_ACTOR)
    if not plan.ok:
        return _print_problems(plan.problems)
    n = len(plan.rows)
    print(
        ngettext(
            "Imported {n} grant (created if new, updated if known).",
            "Imported {n} grants (new ones created, known ones updated).",
            n,
        ).format(n=n)
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


COMMANDS: dict[str, tuple[str, Callable[[argparse.Namespace], int]]] = {
    "init-db": (
        _("Create or migrate the database and load the reference data (no activities)."),
        _init_db,
    ),
    "seed-demo": (_("Load the illustrative demo activities (never done by init-db)."), _seed_demo),
    "summary": (
        _("Print the funder summary (activities, effort, cost, by year, KP share, by theme)."),
        _summary,
    ),
    "report": (
        _("Write the funder report for a period as HTML, PDF or XLSX (public records only)."),
        _report,
    ),
    "set-digest": (
        _("Subscribe an account to the monthly digest by e-mail (monthly), or not (none)."),
        _set_digest,
    ),
    "set-language": (
        _("Set an account's language (interface, reports, digest); default: TRACKER_LANG."),
        _set_language,
    ),
    "send-digest": (
        _("Send the past month's digest to every subscribed account (cron: on the 1st of each month)."),
        _send_digest,
    ),
    "create-user": (
        _("Create an account; the password is asked for, or read from standard input."),
        _create_user,
    ),
    "set-password": (_("Set a new password for an account."), _set_password),
    "set-role": (_("Give an account another role (the last active admin keeps theirs)."), _set_role),
    "disable-user": (_("Stop an account from logging in (its history stays)."), _set_active(False)),
    "enable-user": (_("Let a disabled account log in again."), _set_active(True)),
    "list-users": (_("List the accounts with their roles."), _list_users),
    "import": (
        _("Import activities from a CSV or XLSX file in the import format (all or nothing)."),
        _import,
    ),
    "export": (
        _("Export every activity in the import format (CSV, XLSX or JSON), or the public IATI 2.03 file."),
        _export,
    ),
    "import-outcomes": (
        _("Import outcomes from a CSV or XLSX file in the outcome format (all or nothing)."),
        _import_outcomes,
    ),
    "export-outcomes": (
        _("Export every outcome in the outcome import format (CSV, XLSX or JSON)."),
        _export_outcomes,
    ),
    "import-targets": (
        _("Import strategy targets from a CSV or XLSX file (all or nothing)."),
        _import_targets,
    ),
    "import-grants": (
        _("Import grants from a CSV or XLSX file (all or nothing; updates by grant_id)."),
        _import_grants,
    ),
    "add-grant": (_("Add a grant, or update the one with this grant_id."), _add_grant),
    "link-grant": (_("Link a funder account to a grant it funds."), _link_grant),
    "unlink-grant": (_("Unlink a funder account from a grant."), _unlink_grant),
    "backup": (_("Save every table (accounts and audit log included) to one portable file."), _backup),
    "restore": (_("Restore a backup file into an empty database (or --replace everything)."), _restore),
    "precompress-static": (
        _("Copy Streamlit's static files to a folder with brotli and gzip copies, for the proxy to serve."),
        _precompress_static,
    ),
    "check": (
        _("Print the database address (no password), schema revision and row counts."),
        _check,
    ),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracker",
        description=_(
            "Campaign tracker of the Kimberley Process Civil Society Coalition. "
            "Every command uses DATABASE_URL (default: SQLite at {path})."
        ).format(path=config.data_dir() / "tracker.db"),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    parsers = {
        name: sub.add_parser(name, help=help_, description=help_) for name, (help_, _f) in COMMANDS.items()
    }
    parsers["seed-demo"].add_argument(
        "--if-empty",
        action="store_true",
        help=_("only load the demo data into a database with no activities and no accounts"),
    )
    for name in ("create-user", "set-password", "set-role", "disable-user", "enable-user"):
        parsers[name].add_argument("username")
    parsers["set-role"].add_argument("--role", required=True, choices=ROLES)
    create = parsers["create-user"]
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--display-name", help=_("the name shown in the app (default: the username)"))
    create.add_argument("--organisation", help=_("the member organisation of the account"))
    create.add_argument("--email", help=_("e-mail for single sign-on, if configured"))
    parsers["import"].add_argument("file", help=_("a .csv (UTF-8) or .xlsx file"))
    parsers["import"].add_argument("--dry-run", action="store_true", help=_("check the file, write nothing"))
    parsers["import"].add_argument(
        "--allow-duplicates",
        action="store_true",
        help=_("import rows that look like activities already in the tracker (same date, forum and title)"),
    )
    parsers["export"].add_argument("--format", choices=[*sorted(exports.FORMATS), "iati"], default="csv")
    parsers["export"].add_argument("--out", help=_("file to write (default: standard output)"))
    parsers["import-outcomes"].add_argument("file", help=_("a .csv (UTF-8) or .xlsx file"))
    parsers["import-outcomes"].add_argument(
        "--dry-run", action="store_true", help=_("check the file, write nothing")
    )
    parsers["export-outcomes"].add_argument("--format", choices=sorted(outcomes.FORMATS), default="csv")
    parsers["export-outcomes"].add_argument("--out", help=_("file to write (default: standard output)"))
    parsers["import-targets"].add_argument("file", help=_("a .csv (UTF-8) or .xlsx file"))
    parsers["import-grants"].add_argument("file", help=_("a .csv (UTF-8) or .xlsx file"))
    add_grant = parsers["add-grant"]
    add_grant.add_argument("grant_id")
    add_grant.add_argument("--funder", required=True)
    add_grant.add_argument("--title", required=True)
    add_grant.add_argument("--start", required=True, help=_("first day of the grant, YYYY-MM-DD"))
    add_grant.add_argument("--end", required=True, help=_("last day of the grant, YYYY-MM-DD"))
    add_grant.add_argument("--amount", help=_("the amount granted"))
    add_grant.add_argument("--currency", help=_("ISO 4217 code, e.g. USD"))
    parsers["link-grant"].add_argument("username")
    parsers["link-grant"].add_argument("grant_id")
    parsers["unlink-grant"].add_argument("username")
    parsers["unlink-grant"].add_argument("grant_id")
    parsers["backup"].add_argument("file", help=_("the file to write (gzip-compressed JSON)"))
    parsers["restore"].add_argument("file", help=_("a file written by tracker backup"))
    parsers["restore"].add_argument(
        "--replace", action="store_true", help=_("delete everything in the database before restoring")
    )
    summary_parser = parsers["summary"]
    summary_parser.add_argument(
        "--json", action="store_true", help=_("machine-readable JSON (the brief's shape)")
    )
    summary_parser.add_argument(
        "--from", dest="date_from", type=_iso_date, help=_("first day included, YYYY-MM-DD")
    )
    summary_parser.add_argument(
        "--to", dest="date_to", type=_iso_date, help=_("last day included, YYYY-MM-DD")
    )
    summary_parser.add_argument(
        "--grant", help=_("GRANT_ID: the grant's period and the activities tagged with it")
    )
    parsers["set-digest"].add_argument("username")
    parsers["set-digest"].add_argument("choice", choices=("monthly", "none"))
    parsers["set-digest"].add_argument("--email", help=_("the address the digest goes to"))
    parsers["set-language"].add_argument("username")
    parsers["set-language"].add_argument("language", help=_("a language code such as fr, or default"))
    parsers["send-digest"].add_argument(
        "--dry-run", action="store_true", help=_("build every message and print its size, send nothing")
    )
    parsers["send-digest"].add_argument("--today", type=_iso_date, help=argparse.SUPPRESS)
    parsers["precompress-static"].add_argument(
        "folder", help=_("the folder nginx serves /static/ from, e.g. /var/www/tracker-static")
    )
    report_parser = parsers["report"]
    report_parser.add_argument("--format", choices=("html", "pdf", "xlsx"), required=True)
    report_parser.add_argument(
        "--from", dest="date_from", type=_iso_date, help=_("first day included, YYYY-MM-DD")
    )
    report_parser.add_argument(
        "--to", dest="date_to", type=_iso_date, help=_("last day included, YYYY-MM-DD")
    )
    report_parser.add_argument(
        "--grant", help=_("GRANT_ID: the grant's period and the activities tagged with it")
    )
    report_parser.add_argument("--out", required=True, help=_("the file to write"))
    report_parser.add_argument(
        "--language", help=_("language of the report (default: TRACKER_LANG, else English)")
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command][1](args)
    except TrackerError as error:
        print(_("Error: {message}").format(message=error), file=sys.stderr)
        return 1
    except SQLAlchemyError as error:
        print(
            _("Error: the database refused the operation ({kind}); nothing was changed.").format(
                kind=type(error).__name__
            ),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
