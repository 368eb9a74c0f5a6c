"""What the Outcomes, Strategy and staff Outcome list pages show, for a role.

No Streamlit here. Counts come from ``tracker.targets`` (the same numbers as
``tracker summary --json``); lists apply the confidentiality rules: restricted outcomes'
details reach staff and admins only, internal ones never reach funders, and aggregates
count every outcome. A contributing activity a role may not read is shown as
"Restricted records" (members) or left out (funders), never by its title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import formatting, outcomes, targets
from tracker.charts import CATEGORY_COLOURS, _layout
from tracker.i18n import N_, _
from tracker.models import Activity, Forum, Outcome
from tracker.permissions import RESTRICTED_LABEL, can_see_restricted, visible_confidentiality
from tracker.vocabulary import CHANGE_TYPES, FORUM_CATEGORIES, SHARE_MEASURES

CHANGE_TYPE_COLOURS = dict(
    zip(CHANGE_TYPES, ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999"), strict=True)
)
STATUS_LABELS = {True: N_("met"), False: N_("not met"), None: N_("not yet")}
DIRECTION_LABELS = {"at_most": N_("at most"), "at_least": N_("at least")}
STATUS_COLOURS = {True: "#009E73", False: "#D55E00", None: "#999999"}
STATUS_SYMBOLS = {True: "circle", False: "x", None: "circle-open"}
MEASURE_LABELS = {
    "kp_share_by_count": N_("KP share of activities"),
    "kp_share_by_effort": N_("KP share of staff-days"),
    "activities": N_("Activities"),
    "effort_days": N_("Staff-days"),
    "outcomes": N_("Outcomes"),
}


@dataclass
class OutcomesView:
    counts: dict  # the brief's ``outcomes`` object
    by_year: pd.DataFrame  # year, change_type, category, outcomes (every live outcome)
    effort: pd.DataFrame  # year, category, effort_days, outcomes: effort beside results
    table: pd.DataFrame  # the outcomes the role may read, with contributing activities
    hidden: int  # outcomes counted but not listed for this role
    type_figure: go.Figure | None
    effort_figure: go.Figure | None

    @property
    def is_empty(self) -> bool:
        return self.counts["count"] == 0


def _by_year(session: Session) -> pd.DataFrame:
    year = func.extract("year", Outcome.outcome_date)
    rows = session.execute(
        select(year, Outcome.change_type, Forum.category, func.count(Outcome.id))
        .select_from(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(Outcome.deleted_at.is_(None))
        .group_by(year, Outcome.change_type, Forum.category)
    ).all()
    frame = pd.DataFrame(rows, columns=["year", "change_type", "category", "outcomes"])
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["year", "change_type"]).reset_index(drop=True)


def _effort(session: Session, by_year: pd.DataFrame) -> pd.DataFrame:
    year = func.extract("year", Activity.activity_date)
    rows = session.execute(
        select(year, Forum.category, func.coalesce(func.sum(Activity.effort_days), 0.0))
        .select_from(Activity)
        .join(Forum, Activity.forum_id == Forum.id)
        .where(Activity.deleted_at.is_(None))
        .group_by(year, Forum.category)
    ).all()
    effort = pd.DataFrame(rows, columns=["year", "category", "effort_days"])
    effort["year"] = effort["year"].astype(int)
    counted = (
        by_year.dropna(subset=["category"]).groupby(["year", "category"], as_index=False)["outcomes"].sum()
    )
    merged = effort.merge(counted, on=["year", "category"], how="outer").fillna(
        {"effort_days": 0.0, "outcomes": 0}
    )
    merged["outcomes"] = merged["outcomes"].astype(int)
    merged["effort_days"] = merged["effort_days"].astype(float).round(2)
    order = {c: i for i, c in enumerate(FORUM_CATEGORIES)}
    return merged.sort_values(["year", "category"], key=lambda s: s.map(order) if s.name == "category" else s)


def _contributions(outcome: Outcome, role: str | None) -> str:
    readable = visible_confidentiality(role)
    parts = []
    restricted = 0
    for link in outcomes.contributing_activities(outcome):
        if link.confidentiality not in readable:
            restricted += 1
            continue
        text = f"{link.date.isoformat()} {link.title}"
        parts.append(text + (" " + _("(deleted)") if link.deleted else ""))
    if restricted and role is not None and role != "funder":
        parts.append(f"{_(RESTRICTED_LABEL)}: {restricted}")
    return "; ".join(parts)


def outcome_rows(
    session: Session,
    role: str | None,
    include_deleted: bool = False,
    chosen: list[Outcome] | None = None,
) -> tuple[pd.DataFrame, int]:
    """The outcomes the role may read (newest first) and how many others are counted but hidden.

    ``chosen``: these outcomes (oldest first, e.g. ``outcomes.find_outcomes``) instead of every one."""
    readable = visible_confidentiality(role)
    rows, hidden = [], 0
    if chosen is None:
        chosen = outcomes.live_outcomes(session, include_deleted=include_deleted)
    for outcome in reversed(chosen):
        if outcome.confidentiality not in readable:
            hidden += outcome.deleted_at is None
            continue
        rows.append(
            {
                "id": outcome.id,
                "outcome_id": outcome.outcome_id,
                "date": outcome.outcome_date,
                "change_type": outcome.change_type,
                "category": outcome.forum.category if outcome.forum else "",
                "forum": outcome.forum.name if outcome.forum else "",
                "social_actor": outcome.social_actor,
                "statement": outcome.statement,
                "substantiation": outcome.substantiation,
                "positive": outcome.positive,
                "intended": outcome.intended,
                "themes": "; ".join(sorted(t.name for t in outcome.themes)),
                "confidentiality": outcome.confidentiality,
                "activities": _contributions(outcome, role),
                "deleted": outcome.deleted_at is not None,
            }
        )
    columns = [
        "id",
        "outcome_id",
        "date",
        "change_type",
        "category",
        "forum",
        "social_actor",
        "statement",
        "substantiation",
        "positive",
        "intended",
        "themes",
        "confidentiality",
        "activities",
        "deleted",
    ]
    return pd.DataFrame(rows, columns=columns), hidden


def _type_figure(by_year: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    totals = by_year.groupby(["year", "change_type"], as_index=False)["outcomes"].sum()
    for change_type in CHANGE_TYPES:
        part = totals[totals.change_type == change_type]
        fig.add_bar(
            x=part.year, y=part.outcomes, name=change_type, marker_color=CHANGE_TYPE_COLOURS[change_type]
        )
    fig.update_layout(barmode="stack")
    return _layout(fig, _("Outcomes per year by type of change"), _("Year"), _("Outcomes"))


def _effort_figure(effort: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    for category in FORUM_CATEGORIES:
        part = effort[effort.category == category]
        colour = CATEGORY_COLOURS[category]
        fig.add_bar(x=part.year, y=part.outcomes, name=f"{category}: {_('outcomes')}", marker_color=colour)
        fig.add_scatter(
            x=part.year,
            y=part.effort_days,
            name=f"{category}: {_('staff-days')}",
            yaxis="y2",
            mode="lines+markers",
            line={"color": colour, "dash": "dot"},
        )
    fig.update_layout(barmode="group", yaxis2={"overlaying": "y", "side": "right", "title": _("Staff-days")})
    return _layout(
        fig,
        _("Outcomes per forum category and year, beside the staff-days spent there"),
        _("Year"),
        _("Outcomes"),
    )


def outcomes_view(session: Session, role: str | None) -> OutcomesView:
    counts = targets.outcome_counts(session)
    by_year = _by_year(session)
    effort = _effort(session, by_year)
    table, hidden = outcome_rows(session, role)
    empty = counts["count"] == 0
    return OutcomesView(
        counts=counts,
        by_year=by_year,
        effort=effort,
        table=table,
        hidden=hidden,
        type_figure=None if empty else _type_figure(by_year),
        effort_figure=None if empty else _effort_figure(effort),
    )


def strategy_table(
    session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> pd.DataFrame:
    """Every target with its actual and status in words (``targets.target_statuses``), in
    few short columns so it reads on a phone: "at most 20 %", "33 %", "met"."""
    rows = [
        {
            "year": s.year,
            "measure": _(MEASURE_LABELS[s.measure]),
            "scope": scope_label(s.scope),
            "target": target_text(s.measure, s.direction, s.target),
            "actual": value_text(s.measure, s.actual),
            "status": _(STATUS_LABELS[s.met]),
            "baseline": baseline_text(s.measure, s.baseline_year, s.baseline),
            "note": s.note or "",
        }
        for s in targets.target_statuses(session, date_from, date_to)
    ]
    columns = ["year", "measure", "scope", "target", "actual", "status", "baseline", "note"]
    return pd.DataFrame(rows, columns=columns)


def may_list_outcomes(role: str | None) -> bool:
    return role is not None


def staff_outcome_rows(session: Session, role: str | None) -> pd.DataFrame:
    """The staff list: every outcome, deleted ones too (marked), restricted included."""
    if not can_see_restricted(role):
        raise PermissionError("the staff outcome list is for staff and admins")
    return outcome_rows(session, role, include_deleted=True)[0]


def export_outcomes(session: Session, fmt: str) -> bytes:
    """Every live outcome in the outcome import format (staff and admins only)."""
    return outcomes.FORMATS[fmt](outcomes.live_outcomes(session))


@dataclass(frozen=True)
class OutcomeFormOptions:
    themes: list[str]
    forums: list[str]
    activities: dict[int, str]  # live activities, id -> "date · title"


def outcome_form_options(session: Session, role: str | None) -> OutcomeFormOptions:
    """What the staff outcome form offers (staff and admins read every activity)."""
    if not can_see_restricted(role):
        raise PermissionError("the outcome form is for staff and admins")
    from tracker.models import Theme

    rows = session.execute(
        select(Activity.id, Activity.activity_date, Activity.title)
        .where(Activity.deleted_at.is_(None))
        .order_by(Activity.activity_date.desc(), Activity.id.desc())
    ).all()
    return OutcomeFormOptions(
        themes=list(session.scalars(select(Theme.name).order_by(Theme.name))),
        forums=list(session.scalars(select(Forum.name).order_by(Forum.name))),
        activities={i: f"{d.isoformat()} · {t}" for i, d, t in rows},
    )


# ---- Strategy: targets and the trend of their measures ----------------------------------


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
    return f"{_(DIRECTION_LABELS[direction])} {value_text(measure, value)}"


def baseline_text(measure: str, year: int | None, value: float | None) -> str:
    if value is None:
        return ""
    text = value_text(measure, value)
    return text if year is None else _("{value} in {year}").format(value=text, year=year)


def scope_label(scope: str) -> str:
    """``all`` in words; a forum category or theme by its (untranslated) name."""
    if scope.startswith("category:"):
        return _("forum category {name}").format(name=scope.removeprefix("category:"))
    if scope.startswith("theme:"):
        return _("theme {name}").format(name=scope.removeprefix("theme:"))
    return _("all activities")


@dataclass(frozen=True)
class TrendChart:
    measure: str
    scope: str
    figure: go.Figure
    numbers: pd.DataFrame  # year, actual, target, status: the numbers behind the chart


def trend_numbers(trend: targets.Trend) -> pd.DataFrame:
    """One row per year with records or with a target: the actual, and the target's
    direction, value and status in words (raw numbers: the CSV is for re-use)."""
    by_year = {t.year: t for t in trend.targets}
    actuals = dict(trend.actuals)
    years = sorted(set(actuals) | set(by_year))
    rows = []
    for year in years:
        target = by_year.get(year)
        actual = actuals[year] if year in actuals else (target.actual if target else None)
        rows.append(
            {
                _("Year"): year,
                _("Actual"): actual,
                _("Direction"): _(DIRECTION_LABELS[target.direction]) if target else "",
                _("Target"): target.target if target else None,
                _("Status"): _(STATUS_LABELS[target.met]) if target else "",
            }
        )
    return pd.DataFrame(rows, columns=[_("Year"), _("Actual"), _("Direction"), _("Target"), _("Status")])


def trend_figure(trend: targets.Trend) -> go.Figure:
    """The actual per year (a line), each baseline (a dashed line) and the targets (markers
    coloured and shaped by status); every hover written in the reader's language."""
    measure = _(MEASURE_LABELS[trend.measure])
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
            name=_("Target: {status}").format(status=_(STATUS_LABELS[met])),
            mode="markers",
            marker={"color": STATUS_COLOURS[met], "symbol": STATUS_SYMBOLS[met], "size": 12},
            customdata=[
                _("{year} · target: {target} · actual: {actual} · {status}").format(
                    year=t.year,
                    target=target_text(t.measure, t.direction, t.target),
                    actual=value_text(t.measure, t.actual),
                    status=_(STATUS_LABELS[met]),
                )
                for t in group
            ],
            hovertemplate="%{customdata}<extra></extra>",
        )
    if trend.measure in SHARE_MEASURES:
        fig.update_yaxes(range=[0, 1], tickformat=".0%")
    fig.update_xaxes(dtick=1, tickformat="d")
    title = _("{measure}, {scope}: actual per year against the targets").format(
        measure=measure, scope=scope_label(trend.scope)
    )
    fig = _layout(fig, title, _("Year"), measure)
    fig.update_layout(hovermode="closest", separators=_separators())
    return fig


def _separators() -> str:
    """Plotly's decimal and thousands separators for the reader's language (axis ticks)."""
    symbols = formatting.locale().number_symbols.get("latn", {})
    return symbols.get("decimal", ".") + symbols.get("group", ",")


def strategy_trends(session: Session) -> list[TrendChart]:
    """A chart and its numbers for each measure and scope that has targets."""
    return [
        TrendChart(trend.measure, trend.scope, trend_figure(trend), trend_numbers(trend))
        for trend in targets.target_trends(session)
    ]


def share_target_hover(status: targets.TargetStatus) -> str:
    """A KP-share target on the Overview shift chart, in words."""
    return _("Target {year} ({measure}): {target} · actual: {actual} · {status}").format(
        year=status.year,
        measure=_(MEASURE_LABELS[status.measure]),
        target=target_text(status.measure, status.direction, status.target),
        actual=value_text(status.measure, status.actual),
        status=_(STATUS_LABELS[status.met]),
    )
