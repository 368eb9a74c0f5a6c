"""Calendar periods and partial dates: the one home of date arithmetic.

- Periods are calendar months, quarters or years of the activity date (the brief).
- Reference events may be known only to the month or the year: a partial date is
  stored as its first day with a precision (``day``, ``month``, ``year``).
- A comparison of the latest period with the one before compares like with like: the
  latest (part) period to date against the same span one period earlier.
"""

from __future__ import annotations

import datetime as dt


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
