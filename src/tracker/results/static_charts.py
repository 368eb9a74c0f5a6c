"""Light static charts: SVG text built by pure functions, no JavaScript.

The first screen (Home, the Funder summary), the HTML/PDF report and the e-mail digest
show the coalition's shift with the same chart, so none of them waits for the 4.7 MB
Plotly bundle. Every piece of text is XML-escaped; the drawing scales to its container
(``viewBox`` with ``width="100%"``) and every label is placed inside the view box, with
room measured from a conservative estimate of its width, so nothing is clipped.

On a phone: the view box is about as wide as a 390 px phone's content column (358 px), so
one unit is about one CSS pixel there and no text is drawn under ``MIN_FONT_SIZE`` (11 px
as shown); titles and labels wrap instead of shrinking. On a wide screen the drawing
grows up to ``MAX_SHOWN_WIDTH``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from tracker.i18n import _
from tracker.text import formatting
from tracker.text.plain_text import svg_text as escape
from tracker.vocabulary import SHIFT_DECISION_DATE

# The Plotly share chart's colours (charts.SHARE_COLOURS), without importing Plotly.
COUNT_COLOUR = "#D55E00"
EFFORT_COLOUR = "#000000"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
WIDTH = 350  # view-box units: scaled to 358 px on a 390 px phone, so 1 unit is 1.02 px there
MAX_SHOWN_WIDTH = 520  # CSS px: on a wide screen the drawing grows no larger (text at most x1.5)
MIN_FONT_SIZE = 11.0  # view-box units, hence at least 11 px as shown on a 390 px phone
HIGHLIGHT_COLOUR = "#DCEBF7"  # the chosen period's band: light, so both lines stay legible on it
HIGHLIGHT_EDGE = "#7FA9CF"
CHAR_WIDTH = 0.62  # of the font size: wider than the average glyph of the fonts above


@dataclass(frozen=True)
class ShiftPoint:
    year: int
    by_count: float | None
    by_effort: float | None


def text_width(text: str, size: float) -> float:
    """A generous estimate of a label's width, so the layout leaves room for it."""
    return len(text) * size * CHAR_WIDTH


def _title_lines(text: str, x: float, top: float, room: float, size: float = 15.0) -> tuple[list[str], float]:
    """A chart title wrapped to ``room`` (never shrunk under a readable size): its SVG
    ``<text>`` elements and the y of its last baseline."""
    parts = []
    y = top
    for number, line in enumerate(_wrap(text, size, room)):
        y = top + size + number * (size + 4)
        parts.append(
            f'<text x="{x}" y="{y:.1f}" font-size="{size}" font-weight="600" fill="#222">'
            f"{escape(line)}</text>"
        )
    return parts, y


def _wrap(text: str, size: float, room: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, size) > room:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    return lines or [""]


def points_from_shares(shares: pd.DataFrame) -> list[ShiftPoint]:
    """Yearly points from ``analytics.kp_share_by_period`` (period ``year``)."""
    points = []
    for row in shares.itertuples():
        points.append(
            ShiftPoint(
                year=int(row.period_start.year),
                by_count=None if row.by_count is None or pd.isna(row.by_count) else float(row.by_count),
                by_effort=None if row.by_effort is None or pd.isna(row.by_effort) else float(row.by_effort),
            )
        )
    return points


def _year_fraction(day: dt.date) -> float:
    """Where ``day`` falls on a year axis: its year plus the part of the year gone."""
    return day.year + (day.timetuple().tm_yday - 1) / 366


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def shift_chart_svg(
    points: Sequence[ShiftPoint],
    before: tuple[float | None, float | None],
    since: tuple[float | None, float | None],
    share_format: Callable[[float | None], str] = format_share,
    year_format: Callable[[int], str] = str,
    highlight: tuple[dt.date, dt.date] | None = None,
    date_format: Callable[[dt.date], str] = formatting.date,
) -> str:
    """The yearly KP share by number of activities and by staff-days, with the March 2020
    decision marked and the share before and since it in the legend.

    ``before`` and ``since`` are (by count, by effort); ``share_format`` formats a share
    for the reader's language. A year with no activities is a gap in the line. With
    ``highlight`` (first and last day), that period is a shaded band, named in the legend.
    """
    shift = dt.date.fromisoformat(SHIFT_DECISION_DATE)
    title = _("KP share of the coalition's engagement, per year")
    legend = [
        (
            COUNT_COLOUR,
            "",
            _("By number of activities: {before} before March 2020, {since} since").format(
                before=share_format(before[0]), since=share_format(since[0])
            ),
        ),
        (
            EFFORT_COLOUR,
            "6 4",
            _("By staff-days: {before} before March 2020, {since} since").format(
                before=share_format(before[1]), since=share_format(since[1])
            ),
        ),
    ]
    if highlight is not None:
        legend.append(
            (
                HIGHLIGHT_COLOUR,
                "band",
                _("Shaded: this summary’s period, {first} to {last}").format(
                    first=date_format(highlight[0]), last=date_format(highlight[1])
                ),
            )
        )
    margin = 14
    room = WIDTH - 2 * margin
    legend_size = 13.0
    legend_lines = [(colour, dash, _wrap(text, legend_size, room - 34)) for colour, dash, text in legend]
    parts, y = _title_lines(title, margin, margin - 2, room)
    y += 10
    for colour, dash, lines in legend_lines:
        y += legend_size + 6
        if dash == "band":
            parts.append(
                f'<rect x="{margin}" y="{y - 11:.1f}" width="26" height="13" fill="{colour}" '
                f'stroke="{HIGHLIGHT_EDGE}" stroke-width="1"/>'
            )
        else:
            dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
            parts.append(
                f'<line x1="{margin}" y1="{y - 4:.1f}" x2="{margin + 26}" y2="{y - 4:.1f}" '
                f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
            )
        for index, line in enumerate(lines):
            if index:
                y += legend_size + 3
            parts.append(
                f'<text x="{margin + 34}" y="{y:.1f}" font-size="{legend_size}" fill="#222">'
                f"{escape(line)}</text>"
            )
    axis_size = 12.0
    plot_top = y + 22
    plot_height = 190
    plot_bottom = plot_top + plot_height
    plot_left = margin + text_width("100%", axis_size) + 8
    plot_right = WIDTH - margin - 4
    height = plot_bottom + axis_size + 22

    def ypos(share: float) -> float:
        return plot_bottom - share * plot_height

    grid_at = len(parts)
    for tick in (0, 0.25, 0.5, 0.75, 1.0):
        ty = ypos(tick)
        parts.append(
            f'<line x1="{plot_left:.1f}" y1="{ty:.1f}" x2="{plot_right:.1f}" y2="{ty:.1f}" '
            f'stroke="#ddd" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{plot_left - 6:.1f}" y="{ty + axis_size / 3:.1f}" font-size="{axis_size}" '
            f'text-anchor="end" fill="#444">{escape(share_format(tick))}</text>'
        )
    years = [p.year for p in points]
    if not years:
        parts.append(
            f'<text x="{WIDTH / 2}" y="{(plot_top + plot_bottom) / 2:.1f}" font-size="14" '
            f'text-anchor="middle" fill="#444">{escape(_("No activities recorded yet."))}</text>'
        )
        first, last = shift.year - 1, shift.year + 1
    else:
        first, last = min(years), max(years)
    span = last + 1 - first

    def xpos(fraction_year: float) -> float:
        return plot_left + (fraction_year - first) / span * (plot_right - plot_left)

    if highlight is not None:
        # The chosen period, drawn first so the grid, lines and markers stay on top of it.
        band_left = max(xpos(_year_fraction(highlight[0])), plot_left)
        band_right = min(xpos(_year_fraction(highlight[1] + dt.timedelta(days=1))), plot_right)
        if band_right > band_left:
            parts.insert(
                grid_at,
                f'<rect x="{band_left:.1f}" y="{plot_top:.1f}" width="{band_right - band_left:.1f}" '
                f'height="{plot_height}" fill="{HIGHLIGHT_COLOUR}" stroke="{HIGHLIGHT_EDGE}" '
                f'stroke-width="1"/>',
            )
    # Year labels: as many as fit, every n-th year otherwise.
    label_room = text_width("0000", axis_size) + 8
    step = max(1, math.ceil(label_room / ((plot_right - plot_left) / span)))
    for year in range(first, last + 1):
        if (year - first) % step:
            continue
        parts.append(
            f'<text x="{xpos(year + 0.5):.1f}" y="{plot_bottom + axis_size + 6:.1f}" '
            f'font-size="{axis_size}" text-anchor="middle" fill="#444">{escape(year_format(year))}</text>'
        )
    parts.append(
        f'<line x1="{plot_left:.1f}" y1="{plot_bottom:.1f}" x2="{plot_right:.1f}" y2="{plot_bottom:.1f}" '
        f'stroke="#888" stroke-width="1"/>'
    )
    # The decision of March 2020, where it falls in the years shown.
    if first <= shift.year <= last:
        sx = xpos(_year_fraction(shift))
        label = _("March 2020 decision")
        size = MIN_FONT_SIZE
        anchor, tx = ("start", sx + 4) if sx + 4 + text_width(label, size) <= plot_right else ("end", sx - 4)
        parts.append(
            f'<line x1="{sx:.1f}" y1="{plot_top - 6:.1f}" x2="{sx:.1f}" y2="{plot_bottom:.1f}" '
            f'stroke="#555" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        parts.append(
            f'<text x="{tx:.1f}" y="{plot_top + 6:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="#333">{escape(label)}</text>'
        )
    for colour, dash, attribute, marker in (
        (COUNT_COLOUR, "", "by_count", "circle"),
        (EFFORT_COLOUR, "6 4", "by_effort", "square"),
    ):
        segment: list[tuple[float, float]] = []
        segments: list[list[tuple[float, float]]] = []
        for point in points:
            value = getattr(point, attribute)
            if value is None:
                if segment:
                    segments.append(segment)
                segment = []
                continue
            segment.append((xpos(point.year + 0.5), ypos(value)))
        if segment:
            segments.append(segment)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        for run in segments:
            if len(run) > 1:
                coordinates = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in run)
                parts.append(
                    f'<polyline points="{coordinates}" fill="none" stroke="{colour}" '
                    f'stroke-width="2.5"{dash_attr}/>'
                )
            for x, yy in run:
                if marker == "circle":
                    parts.append(f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3.5" fill="{colour}"/>')
                else:
                    parts.append(
                        f'<rect x="{x - 3.2:.1f}" y="{yy - 3.2:.1f}" width="6.4" height="6.4" '
                        f'fill="{colour}"/>'
                    )
    description = " ".join(
        _("{year}: {count} by activities, {effort} by staff-days.").format(
            year=year_format(p.year), count=share_format(p.by_count), effort=share_format(p.by_effort)
        )
        for p in points
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-labelledby="shift-title shift-desc" font-family="{escape(FONT)}" '
        f'style="max-width:{MAX_SHOWN_WIDTH}px;height:auto;display:block">'
        f'<title id="shift-title">{escape(title)}</title><desc id="shift-desc">{escape(description)}</desc>'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#fff"/>' + "".join(parts) + "</svg>"
    )


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """A PNG of a chart, for e-mail clients that do not show SVG (cairosvg, no network)."""
    import re

    import cairosvg

    # cairosvg draws nothing under a CSS ``height:auto``: size it from the view box.
    plain = re.sub(r' style="[^"]*"', "", svg, count=1)
    return cairosvg.svg2png(bytestring=plain.encode("utf-8"), scale=scale)


def bar_chart_svg(
    title: str,
    rows: Sequence[tuple[str, float]],
    value_format: Callable[[float], str] = lambda v: formatting.number(v, 1),
    colour: str = "#0072B2",
    colours: Sequence[str] | None = None,
) -> str:
    """Horizontal bars, one per labelled row, with the value written after each bar.

    Labels are wrapped to the left third of the drawing and values are given their
    measured room on the right, so neither is ever clipped."""
    margin = 14
    size = 12.0
    label_room = WIDTH * 0.36
    value_room = max([text_width(value_format(v), size) for _label, v in rows] + [30.0]) + 8
    bar_left = margin + label_room + 8
    bar_room = WIDTH - margin - value_room - bar_left
    parts, title_bottom = _title_lines(title, margin, margin - 2, WIDTH - 2 * margin)
    largest = max([v for _label, v in rows] + [0.0]) or 1.0
    y = title_bottom + 12
    for index, (label, value) in enumerate(rows):
        lines = _wrap(label, size, label_room)
        row_height = max(22.0, len(lines) * (size + 3) + 8)
        fill = colours[index % len(colours)] if colours else colour
        width = max(0.0, value) / largest * bar_room
        parts.append(
            f'<rect x="{bar_left:.1f}" y="{y + 4:.1f}" width="{width:.1f}" height="{row_height - 8:.1f}" '
            f'fill="{fill}"/>'
        )
        first_line = y + row_height / 2 - (len(lines) - 1) * (size + 3) / 2 + size / 3
        for number, line in enumerate(lines):
            parts.append(
                f'<text x="{bar_left - 6:.1f}" y="{first_line + number * (size + 3):.1f}" font-size="{size}" '
                f'text-anchor="end" fill="#222">{escape(line)}</text>'
            )
        parts.append(
            f'<text x="{bar_left + width + 4:.1f}" y="{y + row_height / 2 + size / 3:.1f}" '
            f'font-size="{size}" fill="#222">{escape(value_format(value))}</text>'
        )
        y += row_height
    height = y + margin
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="{escape(FONT)}" '
        f'style="max-width:{MAX_SHOWN_WIDTH}px;height:auto;display:block">'
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#fff"/>' + "".join(parts) + "</svg>"
    )


def period_share_chart_svg(
    title: str,
    rows: Sequence[tuple[str, float | None, float | None]],
    share_format: Callable[[float | None], str] = format_share,
) -> str:
    """The KP share of each period (quarter or year) of a summary, by number of activities and
    by staff-days: two bars per period on a 0–100 % scale, the share written after each bar.
    A period with no activities has no bars and says so (a gap, never 0 %)."""
    margin = 14
    size = 12.0
    legend = [
        (COUNT_COLOUR, _("By number of activities")),
        (EFFORT_COLOUR, _("By staff-days")),
    ]
    parts, y = _title_lines(title, margin, margin - 2, WIDTH - 2 * margin)
    y += 8
    legend_top = y
    for colour, text in legend:
        y += size + 6
        parts.append(f'<rect x="{margin}" y="{y - 10:.1f}" width="22" height="10" fill="{colour}"/>')
        parts.append(
            f'<text x="{margin + 30}" y="{y:.1f}" font-size="{size}" fill="#222">{escape(text)}</text>'
        )
    y += 12
    label_room = max([text_width(label, size) for label, _count, _effort in rows] + [30.0]) + 8
    value_room = text_width(share_format(1.0), size) + 10
    bar_left = margin + label_room
    bar_room = WIDTH - margin - value_room - bar_left
    bar_height = 9.0
    for label, by_count, by_effort in rows:
        row_height = 2 * bar_height + 10
        parts.append(
            f'<text x="{bar_left - 8:.1f}" y="{y + row_height / 2 + size / 3:.1f}" font-size="{size}" '
            f'text-anchor="end" fill="#222">{escape(label)}</text>'
        )
        if by_count is None and by_effort is None:
            parts.append(
                f'<text x="{bar_left:.1f}" y="{y + row_height / 2 + size / 3:.1f}" font-size="{size}" '
                f'fill="#555">{escape(_("no activities"))}</text>'
            )
        for offset, (colour, value) in enumerate(((COUNT_COLOUR, by_count), (EFFORT_COLOUR, by_effort))):
            if value is None:
                continue
            top = y + 4 + offset * (bar_height + 2)
            width = max(0.0, min(1.0, value)) * bar_room
            parts.append(
                f'<rect x="{bar_left:.1f}" y="{top:.1f}" width="{width:.1f}" height="{bar_height}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{bar_left + width + 4:.1f}" y="{top + bar_height - 1:.1f}" '
                f'font-size="{MIN_FONT_SIZE}" fill="#222">{escape(share_format(value))}</text>'
            )
        y += row_height
    parts.append(
        f'<line x1="{bar_left:.1f}" y1="{legend_top + 2 * (size + 6) + 12:.1f}" '
        f'x2="{bar_left:.1f}" y2="{y:.1f}" stroke="#888" stroke-width="1"/>'
    )
    height = y + margin
    description = " ".join(
        _("{period}: {count} by activities, {effort} by staff-days.").format(
            period=label, count=share_format(by_count), effort=share_format(by_effort)
        )
        for label, by_count, by_effort in rows
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" width="100%" '
        f'role="img" aria-label="{escape(title)}" font-family="{escape(FONT)}" '
        f'style="max-width:{MAX_SHOWN_WIDTH}px;height:auto;display:block">'
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
        f'<rect width="{WIDTH}" height="{height:.0f}" fill="#fff"/>' + "".join(parts) + "</svg>"
    )
