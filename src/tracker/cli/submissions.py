"""Member submissions on the command line: list, approve, return, reject (``tracker submissions …``),
the reviewers' daily e-mail (``tracker send-review-digest``, for cron) and its setting."""

from __future__ import annotations

import argparse
import json
import sys

from sqlalchemy.orm import Session

from tracker.access import accounts
from tracker.access.accounts import Account
from tracker.cli.common import CLI_ACTOR, Command
from tracker.db import database
from tracker.db.models import SUBMISSION_STATUSES, utcnow
from tracker.errors import NotFound
from tracker.i18n import _
from tracker.records import submissions


def _reviewer(session: Session, username: str) -> Account:
    account = accounts.active_account(session, username)
    if account is None:
        raise NotFound(
            _("There is no active account “{name}”.").format(name=accounts.normalise_username(username))
        )
    return account


def _list(args: argparse.Namespace) -> int:
    engine = database.open_database()
    with database.session_factory(engine)() as session:
        # The command line is an operator's tool: it reads every organisation, as staff do.
        operator = Account(0, CLI_ACTOR, CLI_ACTOR, "admin", None, None, True, False, None)
        found = submissions.list_for(session, operator, args.status, args.organisation)
        rows = [submissions.as_dict(s) for s in found]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(_("No submission matches."), file=sys.stderr)
    for row in rows:
        activity = row["activity"]
        print(
            "\t".join(
                [
                    str(row["id"]),
                    row["status"],
                    row["submitted_at"][:10],
                    row["organisation"],
                    activity.get("date", ""),
                    activity.get("title", ""),
                ]
            )
        )
    return 0


def _approve(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        activity = submissions.approve(session, args.id, _reviewer(session, args.by), note=args.note)
        activity_id = activity.id
    print(
        _("Approved submission {id}: it is now activity {activity}.").format(id=args.id, activity=activity_id)
    )
    return 0


def _return(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        submissions.return_to_member(session, args.id, _reviewer(session, args.by), args.comment)
    print(_("Returned submission {id} to its organisation with your comment.").format(id=args.id))
    return 0


def _reject(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        submissions.reject(session, args.id, _reviewer(session, args.by), args.reason)
    print(_("Rejected submission {id}.").format(id=args.id))
    return 0


ACTIONS = {"list": _list, "approve": _approve, "return": _return, "reject": _reject}


def _run(args: argparse.Namespace) -> int:
    return ACTIONS[args.action](args)


def _arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    listing = sub.add_parser("list", help=_("List submissions, oldest first."))
    listing.add_argument("--status", choices=SUBMISSION_STATUSES)
    listing.add_argument("--organisation", help=_("only this organisation's submissions"))
    listing.add_argument("--json", action="store_true", help=_("print JSON (the API's fields)"))
    approve = sub.add_parser("approve", help=_("Approve a submission: it becomes an activity."))
    approve.add_argument("id", type=int)
    approve.add_argument("--by", required=True, metavar="USERNAME", help=_("the reviewing staff or admin"))
    approve.add_argument("--note", help=_("a note the organisation reads"))
    back = sub.add_parser("return", help=_("Return a submission to its organisation with a comment."))
    back.add_argument("id", type=int)
    back.add_argument("--by", required=True, metavar="USERNAME", help=_("the reviewing staff or admin"))
    back.add_argument("--comment", required=True, help=_("what the organisation should change"))
    reject = sub.add_parser("reject", help=_("Reject a submission with a reason."))
    reject.add_argument("id", type=int)
    reject.add_argument("--by", required=True, metavar="USERNAME", help=_("the reviewing staff or admin"))
    reject.add_argument("--reason", required=True, help=_("the reason the organisation reads"))


def _send_review_digest(args: argparse.Namespace) -> int:
    from tracker.publish import submission_mail

    with database.session_factory(database.open_database())() as session:
        deliveries = submission_mail.send_review_digests(session, utcnow(), dry_run=args.dry_run)
    if not deliveries:
        print(_("No new submission in the last day: nothing to send."), file=sys.stderr)
    for delivery in deliveries:
        print(f"{delivery.username}\t{delivery.email or '-'}\t{delivery.message}")
    return 0 if all(d.sent or args.dry_run for d in deliveries) else 1


def _arguments_send(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help=_("build the messages without sending them"))


def _set_review_digest(args: argparse.Namespace) -> int:
    from tracker.publish import submission_mail

    with database.writing(database.open_database()) as session:
        warning = submission_mail.set_review_digest(session, args.username, args.choice == "daily", CLI_ACTOR)
    print(_("{name}: review e-mail {choice}.").format(name=args.username, choice=args.choice))
    if warning:
        print(warning, file=sys.stderr)
    return 0


def _arguments_set(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("choice", choices=("daily", "none"))


def _set_organisation(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        accounts.set_organisation(session, args.username, args.organisation, CLI_ACTOR)
    print(
        _("{name}: organisation {organisation}.").format(name=args.username, organisation=args.organisation)
    )
    return 0


def _arguments_organisation(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("organisation", help=_("the member organisation's name (empty: none)"))


COMMANDS = [
    Command(
        "submissions",
        _("Member submissions: list, approve, return with a comment, reject with a reason."),
        _run,
        _arguments,
    ),
    Command(
        "send-review-digest",
        _("E-mail opted-in reviewers the submissions of the last day (run it daily from cron)."),
        _send_review_digest,
        _arguments_send,
    ),
    Command(
        "set-review-digest",
        _("Send a staff or admin account the daily list of new submissions (daily), or not (none)."),
        _set_review_digest,
        _arguments_set,
    ),
    Command(
        "set-organisation",
        _("Set the member organisation of an account (a member submits for it)."),
        _set_organisation,
        _arguments_organisation,
    ),
]
