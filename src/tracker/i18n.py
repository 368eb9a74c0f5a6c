"""One gettext-style ``_()`` for every user-facing string.

A translation is a file: ``locale/<lang>/LC_MESSAGES/tracker.mo`` compiled from a ``.po``.
The language comes from ``TRACKER_LANG`` (e.g. ``fr``); without a catalogue the English
source text is shown.
"""

from __future__ import annotations

import gettext
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"


@lru_cache(maxsize=8)
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("tracker", LOCALE_DIR, languages=[language], fallback=True)


def current_language() -> str:
    return os.environ.get("TRACKER_LANG", "en")


def _(message: str) -> str:
    return _translation(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; ``_()`` translates it where shown."""
    return message
