"""Every chart of the tracker: pure functions, data in, Plotly figure out.

One colour per forum category everywhere (Okabe-Ito, safe for colour-blind readers);
titles and axis labels that explain themselves; hovers that show the numbers; the
coalition's decision of March 2020 marked on every time chart.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from babel.numbers import get_decimal_symbol, get_group_symbol

from tracker.i18n import N_, _
from tracker.text import formatting
from tracker.text.plain_text import plotly_literal
from tracker.vocabulary import FORUM_CATEGORIES, SHIFT_DECISION_DATE
from tracker.vocabulary import label as vocabulary_label

CATEGORY_COLOURS = {
    "KP": "#D55E00",
    "UN": "#0072B2",
    "Other international": "#56B4E9",
    "Regional": "#009E73",
    "National": "#CC79A7",
}
THEME_COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#F0E442", "#999999"]
SHARE_COLOURS = {"by_count": "#D55E00", "by_effort": "#000000"}
PERIOD_MONTHS = {"year": "M12", "quarter": "M3", "month": "M1"}
# Dates on the time axes as numbers, never English month names (Plotly has no French
# month names without its locale bundle): 2021, 2021-04.
PERIOD_DATE_FORMATS = {"year": "%Y", "quarter": "%Y-%m", "month": "%Y-%m"}
SHARE_TICKS = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
MULTI_THEME_NOTE = N_(
    "An activity with several themes counts once under each of its themes, with its full effort, "
    "so theme totals add up to more than the overall total."
)


def _labels(values: Iterable[object]) -> list[str]:
    """Names (forums, themes, organisations, countries) as Plotly shows them: plain text."""
    return [plotly_literal(v) for v in values]


def measure_label(measure: str) -> str:
    return _("Staff-days") if measure == "effort_days" else _("Activities")


def separators(language: str | None = None) -> str:
    """Plotly's ``layout.separators`` (decimal mark, then thousands separator) for the
    reader's language, from Babel: ``.,`` in English, a decimal comma and a narrow no-break
    space in French. Every number Plotly formats (axis ticks, ``%{y:,.1f}`` in hovers)
    follows it."""
    where = formatting.locale(language)
    return get_decimal_symbol(where) + get_group_symbol(where)


def value_format(measure: str) -> str:
    """The d3 format of a measure in hovers: whole activities, staff-days to one decimal."""
    return ",.1f" if measure == "effort_days" else ",.0f"


def share_axis(fig: go.Figure) -> None:
    """A 0–100 % y axis whose ticks are Babel's text (``62 %`` in French, as in the tables):
    d3's ``%`` format cannot put the space before the sign."""
    fig.update_yaxes(range=[0, 1], tickvals=SHARE_TICKS, ticktext=[formatting.share(v) for v in SHARE_TICKS])


def layout(fig: go.Figure, title: str, x_title: str, y_title: str) -> go.Figure:
    fig.update_layout(
        separators=separators(),
        title={"text": title},
        xaxis_title=x_title,
        yaxis_title=y_title,
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "x": 0},
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        hovermode="x unified",
    )
    return fig


def _mark_decision(fig: go.Figure, starts: list[dt.date]) -> go.Figure:
    """A dashed line and label at the coalition's decision of 4 March 2020, when the
    chart's periods include it (drawing it elsewhere would stretch the time axis)."""
    when = dt.date.fromisoformat(SHIFT_DECISION_DATE)
    if not starts or not min(starts) <= when <= max(starts) + dt.timedelta(days=366):
        return fig
    fig.add_shape(
        type="line",
        x0=when,
        x1=when,
        y0=0,
        y1=1,
        yref="paper",
        line={"dash": "dash", "color": "#444444", "width": 1},
    )
    fig.add_annotation(
        x=when,
        y=1,
        yref="paper",
        yanchor="top",
        xanchor="left",
        xshift=4,
        showarrow=False,
        text=_("Shift decision, March 2020"),
        font={"size": 11},
        bgcolor="rgba(255,255,255,0.8)",
    )
    return fig


def _date_axis(fig: go.Figure, period: str) -> None:
    fig.update_xaxes(tickformat=PERIOD_DATE_FORMATS[period], hoverformat=PERIOD_DATE_FORMATS[period])


def _period_x(frame: pd.DataFrame) -> list[dt.date]:
    return list(frame["period_start"])


def engagement_chart(engagement: pd.DataFrame, measure: str, period: str) -> go.Figure:
    """Stacked bars: the measure per period, one colour per forum category."""
    fig = go.Figure()
    for category in FORUM_CATEGORIES:
        shown = vocabulary_label("forum_category", category)  # the display label; colours by code
        rows = engagement[engagement.category == category]
        fig.add_bar(
            x=_period_x(rows),
            y=list(rows[measure]),
            name=shown,
            marker_color=CATEGORY_COLOURS[category],
            customdata=list(rows["period"]),
            hovertemplate="%{customdata} · " + shown + ": %{y:" + value_format(measure) + "}<extra></extra>",
            xperiod=PERIOD_MONTHS[period],
            xperiodalignment="middle",
        )
    fig.update_layout(barmode="stack")
    _date_axis(fig, period)
    title = _("Engagement by forum category, per {period} ({measure})").format(
        period=_(period), measure=measure_label(measure).lower()
    )
    return _mark_decision(
        layout(fig, title, _("Date of activity"), measure_label(measure)), list(engagement["period_start"])
    )


def kp_share_chart(shares: pd.DataFrame, period: str, targets: pd.DataFrame | None = None) -> go.Figure:
    """KP share per period by count and by effort; empty periods are gaps, not 0 %.
    ``targets`` (year, measure, target, hover): the KP-share targets, a marker labelled
    "Target" in the middle of each target's year, in its measure's colour."""
    fig = go.Figure()
    for column, label in (("by_count", _("by number of activities")), ("by_effort", _("by staff-days"))):
        values = [None if pd.isna(v) else float(v) for v in shares[column]]
        # The share in the hover is Babel's (``62 %`` in French), as on the rest of the page.
        shown = [formatting.share(v) for v in values]
        fig.add_scatter(
            x=_period_x(shares),
            y=values,
            name=_("KP share {how}").format(how=label),
            mode="lines+markers",
            connectgaps=False,
            line={"color": SHARE_COLOURS[column], "dash": "solid" if column == "by_count" else "dot"},
            customdata=[[p, text] for p, text in zip(shares["period"], shown, strict=True)],
            hovertemplate="%{customdata[0]}: %{customdata[1]}<extra>" + label + "</extra>",
            xperiod=PERIOD_MONTHS[period],
            xperiodalignment="middle",
        )
    for column, label in (("by_count", _("by number of activities")), ("by_effort", _("by staff-days"))):
        rows = targets[targets.measure == f"kp_share_{column}"] if targets is not None else None
        if rows is None or rows.empty:
            continue
        fig.add_scatter(
            x=[dt.date(int(year), 1, 1) for year in rows["year"]],
            y=[float(v) for v in rows["target"]],
            name=_("Target, KP share {how}").format(how=label),
            mode="markers+text",
            text=[_("Target")] * len(rows),
            textposition="top center",
            marker={"symbol": "diamond", "size": 12, "color": SHARE_COLOURS[column]},
            customdata=list(rows["hover"]),
            hovertemplate="%{customdata}<extra></extra>",
            xperiod="M12",
            xperiodalignment="middle",
        )
    share_axis(fig)
    _date_axis(fig, period)
    title = _("Share of the coalition's engagement spent in KP forums, per {period}").format(period=_(period))
    return _mark_decision(
        layout(fig, title, _("Date of activity"), _("KP share")), list(shares["period_start"])
    )


def theme_trend_chart(trend: pd.DataFrame, measure: str, period: str) -> go.Figure:
    fig = go.Figure()
    for index, theme in enumerate(dict.fromkeys(trend["theme"])):
        rows = trend[trend.theme == theme]
        fig.add_scatter(
            x=_period_x(rows),
            y=list(rows[measure]),
            name=plotly_literal(theme),
            mode="lines+markers",
            line={"color": THEME_COLOURS[index % len(THEME_COLOURS)]},
            customdata=list(rows["period"]),
            hovertemplate="%{customdata} · "
            + plotly_literal(theme)
            + ": %{y:"
            + value_format(measure)
            + "}<extra></extra>",
            xperiod=PERIOD_MONTHS[period],
            xperiodalignment="middle",
        )
    _date_axis(fig, period)
    title = _("Engagement per theme, per {period} ({measure})").format(
        period=_(period), measure=measure_label(measure).lower()
    )
    return _mark_decision(
        layout(fig, title, _("Date of activity"), measure_label(measure)), list(trend["period_start"])
    )


def theme_category_chart(matrix: pd.DataFrame, measure: str) -> go.Figure:
    """Where each theme is pursued: horizontal bars per theme, stacked by forum category."""
    fig = go.Figure()
    for category in FORUM_CATEGORIES:
        shown = vocabulary_label("forum_category", category)  # the display label; colours by code
        rows = matrix[matrix.category == category]
        fig.add_bar(
            y=_labels(rows["theme"]),
            x=list(rows[measure]),
            name=shown,
            orientation="h",
            marker_color=CATEGORY_COLOURS[category],
            hovertemplate="%{y} · " + shown + ": %{x:" + value_format(measure) + "}<extra></extra>",
        )
    fig.update_layout(barmode="stack", hovermode="y unified")
    fig.update_yaxes(autorange="reversed")
    title = _("Where each theme is pursued ({measure})").format(measure=measure_label(measure).lower())
    fig = layout(fig, title, measure_label(measure), _("Theme"))
    fig.update_layout(hovermode="y unified")
    return fig


TICK_LINE_CHARACTERS = 22  # a long name on a bar chart's axis wraps at about this width


def wrapped_label(name: str, width: int = TICK_LINE_CHARACTERS) -> str:
    """A name (already a Plotly literal) broken into lines of about ``width`` characters
    (Plotly's ``<br>``), so a long forum or organisation name on a bar chart's axis does
    not squeeze the bars to nothing or run off a phone's screen. A single longer word
    stays whole."""
    lines: list[str] = []
    for word in name.split(" "):
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def _wrap_category_ticks(fig: go.Figure, names: list[str]) -> None:
    """Category axis ticks that show wrapped names; the data keep the names whole."""
    fig.update_yaxes(tickmode="array", tickvals=names, ticktext=[wrapped_label(n) for n in names])


def top_forums_chart(forums: pd.DataFrame, measure: str) -> go.Figure:
    """Horizontal bars, busiest forum first, one colour (and legend entry) per category."""
    fig = go.Figure()
    for category in FORUM_CATEGORIES:
        shown = vocabulary_label("forum_category", category)  # the display label; colours by code
        rows = forums[forums.category == category]
        if rows.empty:
            continue
        fig.add_bar(
            y=_labels(rows["forum"]),
            x=list(rows[measure]),
            name=shown,
            orientation="h",
            marker_color=CATEGORY_COLOURS[category],
            hovertemplate="%{y} (" + shown + "): %{x:" + value_format(measure) + "}<extra></extra>",
        )
    fig.update_yaxes(categoryorder="array", categoryarray=_labels(forums["forum"]), autorange="reversed")
    _wrap_category_ticks(fig, _labels(forums["forum"]))
    title = _("Forums where the coalition engaged most ({measure})").format(
        measure=measure_label(measure).lower()
    )
    fig = layout(fig, title, measure_label(measure), _("Forum"))
    fig.update_layout(hovermode="closest", barmode="overlay")
    return fig


def organisations_title(measure: str) -> str:
    return _("Participation of member organisations ({measure})").format(
        measure=measure_label(measure).lower()
    )


def countries_title(measure: str) -> str:
    return _("Activities per country ({measure})").format(measure=measure_label(measure).lower())


def ranking_chart(table: pd.DataFrame, label_column: str, measure: str, title: str) -> go.Figure:
    """Horizontal bars, largest first: one bar per organisation or country."""
    fig = go.Figure(
        go.Bar(
            y=_labels(table[label_column]),
            x=list(table[measure]),
            orientation="h",
            marker_color="#0072B2",
            hovertemplate="%{y}: %{x:" + value_format(measure) + "}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    _wrap_category_ticks(fig, _labels(table[label_column]))
    fig = layout(fig, title, measure_label(measure), "")
    fig.update_layout(hovermode="closest", showlegend=False)
    return fig
