"""Numbers, shares, money and dates written for the reader's language, with Babel.

French writes ``1 234,5`` and ``62 %``; English ``1,234.5`` and ``62%``. Every output that
follows the reader's language (the report, the digest, the static charts) formats here.
"""

from __future__ import annotations

import datetime as dt

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_skeleton
from babel.numbers import format_currency, format_decimal, format_percent

from tracker.i18n import SOURCE_LANGUAGE, current_language


def locale(language: str | None = None) -> Locale:
    try:
        return Locale.parse(language or current_language())
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


def share(value: float | None, language: str | None = None) -> str:
    """A share as a whole percentage; a period with no share is a dash, never 0 %."""
    return "–" if value is None else format_percent(value, locale=locale(language))


def number(value: float, digits: int = 0, language: str | None = None) -> str:
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, pattern, locale=locale(language))


def money(value: float, currency: str = "USD", language: str | None = None) -> str:
    """Whole units in the language's own currency pattern (``$51,234``, ``51 234 $US``)."""
    where = locale(language)
    pattern = where.currency_formats["standard"].pattern.replace(".00", "")
    return format_currency(value, currency, format=pattern, locale=where, currency_digits=False)


def date(value: dt.date | None, language: str | None = None) -> str:
    return "" if value is None else _format_date(value, "long", locale=locale(language))


def partial_date(value: dt.date, precision: str, language: str | None = None) -> str:
    """A date known to the day, the month or the year: ``1 mars 2026``, ``mars 2026``, ``2026``."""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale(language))
    return date(value, language)
