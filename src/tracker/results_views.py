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

from tracker import outcomes, targets
from tracker.charts import CATEGORY_COLOURS, _layout
from tracker.i18n import N_, _
from tracker.models import Activity, Forum, Outcome
from tracker.permissions import RESTRICTED_LABEL, can_see_restricted, visible_confidentiality
from tracker.vocabulary import CHANGE_TYPES, FORUM_CATEGORIES

CHANGE_TYPE_COLOURS = dict(
    zip(CHANGE_TYPES, ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#999999"), strict=True)
)
STATUS_LABELS = {True: N_("met"), False: N_("not met"), None: N_("not yet")}
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
    """Every target with its actual and status in words (``targets.target_statuses``)."""
    rows = [
        {
            "year": s.year,
            "measure": _(MEASURE_LABELS[s.measure]),
            "scope": s.scope,
            "direction": s.direction,
            "target": s.target,
            "actual": s.actual,
            "status": _(STATUS_LABELS[s.met]),
            "baseline_year": s.baseline_year,
            "baseline": s.baseline,
            "note": s.note or "",
        }
        for s in targets.target_statuses(session, date_from, date_to)
    ]
    columns = [
        "year",
        "measure",
        "scope",
        "direction",
        "target",
        "actual",
        "status",
        "baseline_year",
        "baseline",
        "note",
    ]
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
