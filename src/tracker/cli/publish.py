"""What leaves the tracker for people: the summary, the funder report, the monthly digest."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from tracker.cli.common import (
    CLI_ACTOR,
    Command,
    iso_date,
)
from tracker.db import database, files
from tracker.i18n import _, available_languages, ngettext
from tracker.records import audit
from tracker.results.summary import summary
from tracker.vocabulary import FORUM_CATEGORIES


def _summary(args: argparse.Namespace) -> int:
    if args.date_from and args.date_to and args.date_from > args.date_to:
        print(_("Error: --from must not be after --to."), file=sys.stderr)
        return 1
    if args.grant and (args.date_from or args.date_to):
        print(_("Error: --grant gives the grant's own period: leave out --from and --to."), file=sys.stderr)
        return 1
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        result = summary(
            session,
            args.date_from,
            args.date_to,
            grant_id=args.grant,
            themes=tuple(args.theme or ()),
            categories=tuple(args.category or ()),
        )
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


def _arguments_none(parser: argparse.ArgumentParser) -> None:
    pass


def _arguments_summary(parser: argparse.ArgumentParser) -> None:
    summary_parser = parser
    summary_parser.add_argument(
        "--json", action="store_true", help=_("machine-readable JSON (the brief's shape)")
    )
    summary_parser.add_argument(
        "--from", dest="date_from", type=iso_date, help=_("first day included, YYYY-MM-DD")
    )
    summary_parser.add_argument(
        "--to", dest="date_to", type=iso_date, help=_("last day included, YYYY-MM-DD")
    )
    summary_parser.add_argument(
        "--grant", help=_("GRANT_ID: the grant's period and the activities tagged with it")
    )
    summary_parser.add_argument(
        "--theme", action="append", help=_("only activities (and outcomes) of this theme; repeatable")
    )
    summary_parser.add_argument(
        "--category",
        action="append",
        choices=FORUM_CATEGORIES,
        help=_("only activities (and outcomes) in this forum category; repeatable"),
    )


def _arguments_report(parser: argparse.ArgumentParser) -> None:
    report_parser = parser
    report_parser.add_argument("--format", choices=("html", "pdf", "xlsx"), required=True)
    report_parser.add_argument(
        "--from", dest="date_from", type=iso_date, help=_("first day included, YYYY-MM-DD")
    )
    report_parser.add_argument("--to", dest="date_to", type=iso_date, help=_("last day included, YYYY-MM-DD"))
    report_parser.add_argument(
        "--grant", help=_("GRANT_ID: the grant's period and the activities tagged with it")
    )
    report_parser.add_argument("--out", required=True, help=_("the file to write"))
    report_parser.add_argument(
        "--language", help=_("language of the report (default: TRACKER_LANG, else English)")
    )


def _arguments_send_digest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dry-run", action="store_true", help=_("build every message and print its size, send nothing")
    )
    parser.add_argument("--today", type=iso_date, help=argparse.SUPPRESS)


COMMANDS = [
    Command(
        "summary",
        _("Print the funder summary (activities, effort, cost, by year, KP share, by theme)."),
        _summary,
        _arguments_summary,
    ),
    Command(
        "report",
        _("Write the funder report for a period as HTML, PDF or XLSX (public records only)."),
        _report,
        _arguments_report,
    ),
    Command(
        "send-digest",
        _("Send the past month's digest to every subscribed account (cron: on the 1st of each month)."),
        _send_digest,
        _arguments_send_digest,
    ),
]
