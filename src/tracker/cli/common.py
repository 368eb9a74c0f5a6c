"""What every command group shares: the command record, reading files and passwords, printing problems."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tracker.db import files
from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.io import importer

CLI_ACTOR = "cli"


@dataclass(frozen=True)
class Command:
    """One ``tracker`` subcommand: its name, its help line, what it runs and its arguments."""

    name: str
    help: str
    run: Callable[[argparse.Namespace], int]
    arguments: Callable[[argparse.ArgumentParser], None]


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("“{text}” is not a date written YYYY-MM-DD").format(text=text)
        ) from None


def read_password(confirm: bool = True) -> str:
    """From a prompt (asked twice), or the first line of standard input when it is not a terminal."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(_("Password: "))
    if confirm and getpass.getpass(_("Password again: ")) != first:
        raise ValidationFailed(_("The two passwords differ; nothing was changed."))
    return first


def read_file(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        print(
            _("Error: cannot read {file} ({reason}).").format(file=path, reason=error.strerror),
            file=sys.stderr,
        )
        return None


def write_output(data: bytes, out: str | None) -> None:
    if out:
        files.write_private(Path(out), data)
        print(_("Wrote {file}.").format(file=out), file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def print_problems(problems: list[importer.Problem]) -> int:
    for problem in problems or [importer.Problem(None, None, _("there is nothing to import."))]:
        print(problem, file=sys.stderr)
    print(_("Nothing was imported."), file=sys.stderr)
    return 1
