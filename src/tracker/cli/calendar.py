"""The forum calendar on the command line: ``tracker add-event`` (through the one audited
write path of events, ``records.reference_lists.save_event``)."""

from __future__ import annotations

import argparse
import datetime as dt

from tracker.cli.common import CLI_ACTOR, Command, iso_date
from tracker.db import database
from tracker.i18n import _
from tracker.records import reference_lists
from tracker.text.periods import parse_partial_date


def partial_date(text: str) -> tuple[dt.date, str]:
    """``YYYY-MM-DD``, or ``YYYY-MM`` when only the month is announced."""
    try:
        value, precision = parse_partial_date(text)
    except ValueError:
        value, precision = None, ""
    if value is None or precision == "year":
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date written YYYY-MM-DD (or YYYY-MM when only the month is known)").format(
                text=text
            )
        )
    return value, precision


def _add_event(args: argparse.Namespace) -> int:
    start, precision = args.start
    engine = database.open_database()
    with database.writing(engine) as session:
        event = reference_lists.save_event(
            session,
            CLI_ACTOR,
            args.forum,
            args.name,
            start,
            args.end,
            args.place,
            args.source,
            status="expected" if args.expected else "confirmed",
            verified=not args.expected,
            note=args.note,
            date_precision=precision,
        )
        print(
            _("Added the event “{name}” of {forum} ({status}).").format(
                name=event.name, forum=event.forum.name, status=_(event.status)
            )
        )
    return 0


def _arguments_add_event(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("forum", metavar="FORUM", help=_("a known forum, e.g. “KP Plenary”"))
    parser.add_argument("name", metavar="NAME", help=_("the event's name, unique within its forum"))
    parser.add_argument(
        "start",
        metavar="START",
        type=partial_date,
        help=_("first day, YYYY-MM-DD (YYYY-MM if only the month is known)"),
    )
    parser.add_argument("--end", type=iso_date, metavar="DATE", help=_("last day, YYYY-MM-DD"))
    parser.add_argument("--place", metavar="TEXT", help=_("where it meets"))
    parser.add_argument(
        "--source", metavar="URL", help=_("the public page that announces it (http or https)")
    )
    parser.add_argument("--note", metavar="TEXT", help=_("a note shown beside the event"))
    parser.add_argument(
        "--expected",
        action="store_true",
        help=_("the dates are only expected from the body's usual schedule (not yet verified)"),
    )


COMMANDS = [
    Command(
        "add-event",
        _("Add a forum event to the calendar (audited); dates that are only expected take --expected."),
        _add_event,
        _arguments_add_event,
    ),
]
