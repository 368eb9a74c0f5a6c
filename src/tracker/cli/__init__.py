"""The ``tracker`` command. Each subcommand opens the database the way the app does
(``DATABASE_URL`` honoured, migrations applied) and calls the same services.

One module per command group; each lists its ``Command`` records in ``COMMANDS``. A new
group is a module here and one entry in ``GROUPS``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from tracker import config
from tracker.cli import accounts as account_commands
from tracker.cli import calendar, publish, records, setup
from tracker.cli import submissions as submission_commands
from tracker.cli import tokens as token_commands
from tracker.cli.common import Command
from tracker.errors import TrackerError
from tracker.i18n import _

GROUPS = (setup, account_commands, records, publish, calendar, submission_commands, token_commands)


def all_commands() -> dict[str, Command]:
    return {command.name: command for group in GROUPS for command in group.COMMANDS}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tracker",
        description=_(
            "Campaign tracker of the Kimberley Process Civil Society Coalition. "
            "Every command uses DATABASE_URL (default: SQLite at {path})."
        ).format(path=config.data_dir() / "tracker.db"),
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in all_commands().values():
        command.arguments(sub.add_parser(command.name, help=command.help, description=command.help))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return all_commands()[args.command].run(args)
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
