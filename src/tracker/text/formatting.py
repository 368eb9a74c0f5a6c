"""Numbers, shares, money and dates written for the reader's language, with Babel.

Dates follow one style per language, CLDR's: the month as a word, in the language's order
(``April 15, 2015`` / ``15 avril 2015``). Prose writes the month in full (``date``); table
cells, chart axes and spans, where room is short, abbreviate it (``short_date``: ``Apr 15,
2015`` / ``15 avr. 2015``; ``date_span``: ``Jan 1 – Dec 7, 2026`` / ``1 janv. – 7 déc.
2026``). ISO dates (``2015-04-15``) are for files, addresses and the API only.

French writes ``1 234,5`` and ``62 %``; English ``1,234.5`` and ``62%``. Every output that
follows the reader's language (the report, the digest, the static charts) formats here.

Babel parses a number pattern again on every ``format_decimal`` call; the "numbers behind"
tables format every cell, so each language's locale and each pattern are parsed once per
process here (``functools.cache``) and applied directly, exactly as Babel's own
``format_decimal``/``format_percent``/``format_currency`` apply them.
"""

from __future__ import annotations

import datetime as dt
import functools
import math

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _format_date
from babel.dates import format_interval, format_skeleton
from babel.numbers import NumberPattern, format_compact_decimal, parse_pattern

from tracker.i18n import SOURCE_LANGUAGE, current_language


def locale(language: str | None = None) -> Locale:
    return _locale(language or current_language())


@functools.cache
def _locale(language: str) -> Locale:
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LANGUAGE)


@functools.cache
def _decimal_pattern(digits: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "0" * digits if digits else ""))


@functools.cache
def _percent_pattern(where: Locale) -> NumberPattern:
    return parse_pattern(where.percent_formats[None])


@functools.cache
def _money_pattern(where: Locale) -> NumberPattern:
    # The language's own currency pattern in whole units.
    return parse_pattern(where.currency_formats["standard"].pattern.replace(".00", ""))


def share(value: float | None, language: str | None = None) -> str:
    """A share as a whole percentage; a period with no share is a dash, never 0 %."""
    if value is None:
        return "–"
    where = locale(language)
    return _percent_pattern(where).apply(value, where)


def number(value: float, digits: int = 0, language: str | None = None) -> str:
    return _decimal_pattern(digits).apply(value, locale(language))


COMPACT_FROM = 10_000  # smaller numbers fit a headline figure written in full


def compact(value: float, language: str | None = None) -> str:
    """A headline number short enough for a phone: ``390K`` in English, ``390 k`` in French
    (CLDR's short form, three significant figures: ``20.8K``, ``1.2M``); under 10,000 it is
    written in full (``9,999``)."""
    if abs(value) < COMPACT_FROM:
        return number(value, 0, language)
    whole_digits = int(math.log10(abs(value))) % 3 + 1  # 390 100 -> 3 (390 k), 20 780 -> 2 (20.8 k)
    return format_compact_decimal(
        value, format_type="short", locale=locale(language), fraction_digits=0 if whole_digits == 3 else 1
    )


def money(value: float, currency: str = "USD", language: str | None = None) -> str:
    """Whole units in the language's own currency pattern (``$51,234``, ``51 234 $US``)."""
    where = locale(language)
    return _money_pattern(where).apply(value, where, currency=currency, currency_digits=False)


def date(value: dt.date | None, language: str | None = None) -> str:
    """A day in prose: ``April 15, 2015`` / ``15 avril 2015``."""
    return "" if value is None else _format_date(value, "long", locale=locale(language))


def short_date(value: dt.date | None, language: str | None = None) -> str:
    """A day where room is short (table cells, chart axes): ``Apr 15, 2015`` / ``15 avr. 2015``."""
    return "" if value is None else format_skeleton("yMMMd", value, locale=locale(language))


def date_span(first: dt.date, last: dt.date, language: str | None = None) -> str:
    """A run of days, both ends included, written once: ``Jan 1 – Dec 7, 2026``,
    ``1–7 mars 2026``, ``Nov 1, 2025 – Feb 7, 2026``."""
    return format_interval(first, last, "yMMMd", locale=locale(language))


def partial_date(value: dt.date, precision: str, language: str | None = None, short: bool = False) -> str:
    """A date known to the day, the month or the year: ``1 mars 2026``, ``mars 2026``, ``2026``
    (``short``: a day as in a table, ``1 mars 2026`` / ``Mar 1, 2026``)."""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return format_skeleton("yMMMM", value, locale=locale(language))
    return short_date(value, language) if short else date(value, language)
