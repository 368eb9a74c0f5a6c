"""Accounts: create, passwords, roles, enable and disable, list, language and digest settings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from tracker.access import accounts
from tracker.access.permissions import ROLES
from tracker.cli.common import (
    CLI_ACTOR,
    Command,
    read_password,
)
from tracker.db import database
from tracker.i18n import _


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


def _create_user(args: argparse.Namespace) -> int:
    engine = database.open_database()
    password = read_password()
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
    password = read_password()
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


def _set_active(active: bool) -> Callable[[argparse.Namespace], int]:
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


def _arguments_none(parser: argparse.ArgumentParser) -> None:
    pass


def _arguments_create_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    create = parser
    create.add_argument("--role", required=True, choices=ROLES)
    create.add_argument("--display-name", help=_("the name shown in the app (default: the username)"))
    create.add_argument("--organisation", help=_("the member organisation of the account"))
    create.add_argument("--email", help=_("e-mail for single sign-on, if configured"))


def _arguments_set_password(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")


def _arguments_set_role(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("--role", required=True, choices=ROLES)


def _arguments_disable_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")


def _arguments_enable_user(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")


def _arguments_set_digest(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("choice", choices=("monthly", "none"))
    parser.add_argument("--email", help=_("the address the digest goes to"))


def _arguments_set_language(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("username")
    parser.add_argument("language", help=_("a language code such as fr, or default"))


COMMANDS = [
    Command(
        "create-user",
        _("Create an account; the password is asked for, or read from standard input."),
        _create_user,
        _arguments_create_user,
    ),
    Command("set-password", _("Set a new password for an account."), _set_password, _arguments_set_password),
    Command(
        "set-role",
        _("Give an account another role (the last active admin keeps theirs)."),
        _set_role,
        _arguments_set_role,
    ),
    Command(
        "disable-user",
        _("Stop an account from logging in (its history stays)."),
        _set_active(False),
        _arguments_disable_user,
    ),
    Command(
        "enable-user", _("Let a disabled account log in again."), _set_active(True), _arguments_enable_user
    ),
    Command("list-users", _("List the accounts with their roles."), _list_users, _arguments_none),
    Command(
        "set-digest",
        _("Subscribe an account to the monthly digest by e-mail (monthly), or not (none)."),
        _set_digest,
        _arguments_set_digest,
    ),
    Command(
        "set-language",
        _("Set an account's language (interface, reports, digest); default: TRACKER_LANG."),
        _set_language,
        _arguments_set_language,
    ),
]
