"""A target's values and status in words for the reader (Babel numbers, display labels):
"at most 20 %", "33 %", "met". The one wording of the Strategy page, the funder report and
the shift chart's hovers."""

from __future__ import annotations

from tracker.i18n import _
from tracker.text import formatting
from tracker.vocabulary import SHARE_MEASURES, label, status_code


def status_text(met: bool | None) -> str:
    """A target's status: met, not met, or not yet (no verdict for a year still to come)."""
    return label("target_status", status_code(met))


def value_text(measure: str, value: float | None) -> str:
    """A target's, actual's or baseline's value for the reader (Babel): "33 %", "6.5", "12"."""
    if value is None:
        return "–"
    if measure in SHARE_MEASURES:
        return formatting.share(value)
    if measure == "effort_days":
        return formatting.number(value, 1)
    return formatting.number(value)


def target_text(measure: str, direction: str, value: float) -> str:
    return f"{label('direction', direction)} {value_text(measure, value)}"


def baseline_text(measure: str, year: int | None, value: float | None) -> str:
    if value is None:
        return ""
    text = value_text(measure, value)
    return text if year is None else _("{value} in {year}").format(value=text, year=year)
