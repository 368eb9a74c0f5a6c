"""API and calendar tokens: create (printed once), list, revoke."""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from tracker.access import tokens
from tracker.cli.common import CLI_ACTOR, Command
from tracker.db import database
from tracker.i18n import _


def _when(value: dt.datetime | None) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value is not None else "–"


def _create_token(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        created = tokens.create_token(
            session, args.username, args.name, CLI_ACTOR, expires_days=args.expires_days, scope=args.scope
        )
    info = created.info
    print(created.raw)
    print(
        _("Token {id} “{name}” ({scope}) for {username}: copy it now, it is not shown again.").format(
            id=info.id, name=info.name, scope=info.scope, username=info.username
        ),
        file=sys.stderr,
    )
    return 0


def _list_tokens(args: argparse.Namespace) -> int:
    with database.session_factory(database.open_database())() as session:
        found = tokens.list_tokens(session, args.username)
    print(
        "\t".join(("id", "username", "name", "prefix", "scope", "created", "last_used", "expires", "status"))
    )
    for t in found:
        print(
            "\t".join(
                (
                    str(t.id),
                    t.username,
                    t.name,
                    t.prefix,
                    t.scope,
                    _when(t.created_at),
                    _when(t.last_used_at),
                    _when(t.expires_at),
                    t.status(),
                )
            )
        )
    return 0


def _revoke_token(args: argparse.Namespace) -> int:
    with database.writing(database.open_database()) as session:
        info = tokens.revoke_token(session, args.id, CLI_ACTOR)
    print(
        _("Token {id} “{name}” of {username} is revoked.").format(
            id=info.id, name=info.name, username=info.username
        )
    )
    return 0


def _arguments_create_token(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("--name", required=True, help=_("a label saying what uses the token"))
    parser.add_argument(
        "--expires-days", type=int, help=_("days until the token stops working (default: never)")
    )
    parser.add_argument(
        "--scope",
        choices=tokens.SCOPES,
        default="api",
        help=_("api: the HTTP API; calendar: only the calendar feed (default: api)"),
    )


def _arguments_list_tokens(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username", nargs="?", help=_("only this account's tokens"))


def _arguments_revoke_token(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", type=int, help=_("the token's number, from list-tokens"))


COMMANDS = [
    Command(
        "create-token",
        _("Create an API (or calendar) token for an account and print it once."),
        _create_token,
        _arguments_create_token,
    ),
    Command(
        "list-tokens",
        _("List tokens with name, prefix, scope, created, last used, expiry and status."),
        _list_tokens,
        _arguments_list_tokens,
    ),
    Command(
        "revoke-token", _("Revoke a token: it stops working at once."), _revoke_token, _arguments_revoke_token
    ),
]
