"""The figures of the Outcomes and Strategy pages (pure functions: data in, Plotly figure
out), beside ``tracker.results.charts``, whose layout rules they share. Every label and hover
is in the reader's language; vocabulary values show their display labels
(``tracker.vocabulary.label``)."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from tracker.i18n import _
from tracker.results import target_status
from tracker.results.charts import CATEGORY_COLOURS, layout, separators, share_axis
from tracker.results.target_text import status_text, target_text, value_text
from tracker.text import formatting
from tracker.text.plain_text import plotly_literal
from tracker.vocabulary import CHANGE_TYPES, SHARE_MEASURES, label, scope_label

CHANGE_TYPE_COLOURS = dict(
    zip(CHANGE_TYPES, ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999"), strict=True)
)
STATUS_COLOURS = {True: "#009E73", False: "#D55E00", None: "#999999"}
STATUS_SYMBOLS = {True: "circle", False: "x", None: "circle-open"}


def type_figure(by_year: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    totals = by_year.groupby(["year", "change_type"], as_index=False)["outcomes"].sum()
    for change_type in CHANGE_TYPES:
        part = totals[totals.change_type == change_type]
        name = plotly_literal(label("change_type", change_type))
        fig.add_bar(
            x=part.year,
            y=part.outcomes,
            name=name,
            marker_color=CHANGE_TYPE_COLOURS[change_type],
            customdata=[formatting.number(v) for v in part.outcomes],
            hovertemplate=f"{name}: %{{customdata}}<extra></extra>",
        )
    fig.update_layout(barmode="stack", separators=separators())
    fig.update_xaxes(tickformat="d", dtick=1)
    return layout(fig, _("Outcomes per year by type of change"), _("Year"), _("Outcomes"))


EFFORT_LINE_COLOUR = "#000000"


def effort_figure(effort: pd.DataFrame) -> go.Figure:
    """One panel per forum category (shared years): bars are the outcomes of each year in
    that category, the line the staff-days spent there, on its own axis on the right."""
    present = list(dict.fromkeys(effort.category))
    fig = make_subplots(
        rows=len(present),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.35 / len(present) if len(present) > 1 else 0.0,
        subplot_titles=[plotly_literal(label("forum_category", c)) for c in present],
        specs=[[{"secondary_y": True}] for _c in present],
    )
    outcomes_word, days_word = _("Outcomes"), _("Staff-days")
    # Whole outcomes on the left axes: ticks 1 apart, or wider for large counts.
    outcome_step = max(1, math.ceil(int(effort.outcomes.max() or 0) / 4))
    for row, category in enumerate(present, start=1):
        part = effort[effort.category == category]
        name = plotly_literal(label("forum_category", category))
        fig.add_bar(
            x=list(part.year),
            y=[int(v) for v in part.outcomes],
            name=name,
            legendgroup=name,
            marker_color=CATEGORY_COLOURS[category],
            customdata=[formatting.number(v) for v in part.outcomes],
            hovertemplate=f"{name}, %{{x}}: %{{customdata}} {outcomes_word.lower()}<extra></extra>",
            row=row,
            col=1,
            secondary_y=False,
        )
        fig.add_scatter(
            x=list(part.year),
            y=[float(v) for v in part.effort_days],
            name=days_word,
            legendgroup="effort",
            showlegend=row == 1,
            legendrank=2000,  # after the categories in the legend
            mode="lines+markers",
            line={"color": EFFORT_LINE_COLOUR, "dash": "dot"},
            customdata=[formatting.number(v, 1) for v in part.effort_days],
            hovertemplate=f"{name}, %{{x}}: %{{customdata}} {days_word.lower()}<extra></extra>",
            row=row,
            col=1,
            secondary_y=True,
        )
        fig.update_yaxes(
            title_text=outcomes_word,
            rangemode="tozero",
            dtick=outcome_step,
            tickformat=",d",
            row=row,
            col=1,
            secondary_y=False,
        )
        fig.update_yaxes(
            title_text=days_word,
            rangemode="tozero",
            showgrid=False,
            tickmode="auto",
            row=row,
            col=1,
            secondary_y=True,
        )
    # Years under every panel, not only the last: on a phone only one panel is on screen.
    fig.update_xaxes(tickformat="d", dtick=1, showticklabels=True)
    fig.update_xaxes(title_text=_("Year"), row=len(present), col=1)
    fig.update_layout(
        title={"text": _("Outcomes per forum category and year, beside the staff-days spent there")},
        height=140 + 220 * len(present),
        legend={"orientation": "h", "yanchor": "top", "y": -0.3 / len(present), "x": 0},
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
        hovermode="x unified",
        separators=separators(),
    )
    return fig


def trend_figure(trend: target_status.Trend) -> go.Figure:
    """The actual per year (a line), each baseline (a dashed line) and the targets (markers
    coloured and shaped by status); every hover written in the reader's language."""
    measure = label("measure", trend.measure)
    fig = go.Figure()
    years = [y for y, _v in trend.actuals]
    fig.add_scatter(
        x=years,
        y=[v for _y, v in trend.actuals],
        name=_("Actual"),
        mode="lines+markers",
        connectgaps=False,
        line={"color": "#0072B2"},
        customdata=[
            _("{year} · actual: {value}").format(year=y, value=value_text(trend.measure, v))
            for y, v in trend.actuals
        ],
        hovertemplate="%{customdata}<extra></extra>",
    )
    span = years + [t.year for t in trend.targets]
    for year, value in trend.baselines:
        name = _("Baseline") if year is None else _("Baseline ({year})").format(year=year)
        ends = [min(span + ([year] if year else [])), max(span)]
        fig.add_scatter(
            x=ends,
            y=[value, value],
            name=name,
            mode="lines",
            line={"color": "#444444", "dash": "dash", "width": 1},
            customdata=[f"{name}: {value_text(trend.measure, value)}"] * 2,
            hovertemplate="%{customdata}<extra></extra>",
        )
    for met in (True, False, None):
        group = [t for t in trend.targets if t.met is met]
        if not group:
            continue
        fig.add_scatter(
            x=[t.year for t in group],
            y=[t.target for t in group],
            name=_("Target: {status}").format(status=status_text(met)),
            mode="markers",
            marker={"color": STATUS_COLOURS[met], "symbol": STATUS_SYMBOLS[met], "size": 12},
            customdata=[
                _("{year} · target: {target} · actual: {actual} · {status}").format(
                    year=t.year,
                    target=target_text(t.measure, t.direction, t.target),
                    actual=value_text(t.measure, t.actual),
                    status=status_text(met),
                )
                for t in group
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    if trend.measure in SHARE_MEASURES:
        share_axis(fig)
    fig.update_xaxes(dtick=1, tickformat="d")
    title = _("{measure}, {scope}: actual per year against the targets").format(
        measure=measure, scope=scope_label(trend.scope)
    )
    fig = layout(fig, title, _("Year"), measure)
    fig.update_layout(hovermode="closest", separators=separators())
    return fig
