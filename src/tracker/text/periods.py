"""Calendar periods and partial dates: the one home of date arithmetic.

- Periods are calendar months, quarters or years of the activity date (the brief).
- Reference events may be known only to the month or the year: a partial date is
  stored as its first day with a precision (``day``, ``month``, ``year``).
- A comparison of the latest period with the one before compares like with like: the
  latest (part) period to date against the same span one period earlier.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from tracker.text import formatting


def period_start(year: int, month: int, period: str) -> dt.date:
    if period == "year":
        return dt.date(year, 1, 1)
    if period == "quarter":
        return dt.date(year, 3 * ((month - 1) // 3) + 1, 1)
    return dt.date(year, month, 1)


def period_label(start: dt.date, period: str) -> str:
    if period == "year":
        return f"{start.year}"
    if period == "quarter":
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def period_range(first: dt.date, last: dt.date, period: str) -> list[dt.date]:
    """Every period start from the period of ``first`` to the period of ``last``."""
    step = {"year": 12, "quarter": 3, "month": 1}[period]
    current = period_start(first.year, first.month, period)
    end = period_start(last.year, last.month, period)
    starts = []
    while current <= end:
        starts.append(current)
        months = current.year * 12 + current.month - 1 + step
        current = dt.date(months // 12, months % 12 + 1, 1)
    return starts


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """``2008-11-18`` -> (date, 'day'); ``2008-11`` -> (1 Nov, 'month'); ``2008`` -> (1 Jan, 'year')."""
    parts = text.strip().split("-")
    if len(parts) == 3:
        return dt.date.fromisoformat(text.strip()), "day"
    if len(parts) == 2:
        return dt.date(int(parts[0]), int(parts[1]), 1), "month"
    return dt.date(int(parts[0]), 1, 1), "year"


def format_partial_date(value: dt.date, precision: str) -> str:
    if precision == "year":
        return f"{value.year:04d}"
    if precision == "month":
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


# ---- like-for-like comparisons ---------------------------------------------------------

MONTHS_PER_PERIOD = {"year": 12, "quarter": 3, "month": 1}


@dataclass(frozen=True)
class Span:
    """A run of days, both ends included."""

    start: dt.date
    end: dt.date


def shift_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (earlier if negative), kept within the month:
    30 March minus one month is 29 February in a leap year."""
    index = day.year * 12 + day.month - 1 + months
    year, month = index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: dt.date, period: str) -> dt.date:
    """The last day of the period that starts on ``start``."""
    return shift_months(start, MONTHS_PER_PERIOD[period]) - dt.timedelta(days=1)


def like_for_like(
    latest_start: dt.date, period: str, as_of: dt.date, earliest: dt.date | None = None
) -> tuple[Span, Span] | None:
    """The latest period up to ``as_of`` and the same span one period earlier, so that a
    part year is compared with the same part of the year before, never with a full year.

    A complete latest period is compared with the complete period before it. ``earliest``
    (the first day of the selected range) trims both spans alike; None when the span one
    period earlier would start before it.
    """
    step = MONTHS_PER_PERIOD[period]
    full_end = period_end(latest_start, period)
    end = full_end if as_of < latest_start else min(as_of, full_end)
    start = latest_start if earliest is None else max(latest_start, shift_months(earliest, step))
    if start > end:
        return None
    if start == latest_start and end == full_end:
        previous_start = shift_months(latest_start, -step)
        return Span(start, end), Span(previous_start, period_end(previous_start, period))
    return Span(start, end), Span(shift_months(start, -step), shift_months(end, -step))


def span_label(span: Span, period: str) -> str:
    """``2025`` or ``2025-Q3`` for a whole period, else the days: ``Jan 1 – Nov 29, 2026``."""
    whole_start = period_start(span.start.year, span.start.month, period)
    if span.start == whole_start and span.end == period_end(whole_start, period):
        return period_label(span.start, period)
    return formatting.date_span(span.start, span.end)
