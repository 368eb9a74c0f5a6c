"""What the Outcomes, Strategy and staff Outcome list pages show, for a role.

No Streamlit here. Counts come from ``tracker.results.target_status`` (the same numbers as
``tracker summary --json``); figures are drawn by ``tracker.results.result_figures`` and
target values written by ``tracker.results.target_text``. Lists apply the confidentiality
rules: restricted outcomes' details reach staff and admins only, internal ones never reach
funders, and aggregates count every outcome. A contributing activity a role may not read is shown as
"Restricted records" (members) or left out (funders), never by its title.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape
from typing import Any

import pandas as pd
import plotly.graph_objects as go
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from tracker.access.permissions import RESTRICTED_LABEL, visible_confidentiality
from tracker.db.models import Activity, Forum, Outcome
from tracker.i18n import _
from tracker.records import outcomes
from tracker.results import outcome_search, target_status
from tracker.results.activity_log import ListPage, list_page
from tracker.results.filters import Filters, effort_only, filtered, live, outcome_conditions
from tracker.results.result_figures import effort_figure, trend_figure, type_figure
from tracker.results.target_text import baseline_text, status_text, target_text, value_text
from tracker.text import formatting
from tracker.text.countries import display_name
from tracker.vocabulary import CHANGE_TYPES, FORUM_CATEGORIES, label, scope_label


@dataclass
class OutcomesView:
    counts: dict[str, Any]  # the brief's ``outcomes`` object, for the filtered outcomes
    by_year: pd.DataFrame  # year, change_type, category, outcomes (every matching live outcome)
    effort: pd.DataFrame  # year, category, outcomes, effort_days: effort beside results
    table: pd.DataFrame  # the outcomes the role may read, with contributing activities
    hidden: int  # outcomes counted but not listed for this role
    type_figure: go.Figure | None
    effort_figure: go.Figure | None
    items: list[OutcomeItem] = field(default_factory=list)  # the same outcomes, for the list
    effort_only: list[str] = field(default_factory=list)  # filters that narrow the effort only
    without_forum: int = 0  # matching outcomes in no category panel (no forum)
    any_recorded: bool = True  # whether any live outcome exists at all (unfiltered)

    @property
    def is_empty(self) -> bool:
        return self.counts["count"] == 0


@dataclass(frozen=True)
class OutcomeItem:
    """One outcome as the dashboard lists it, with the contributing activities the role may read."""

    outcome_id: str
    date: dt.date
    change_type: str
    category: str
    forum: str
    country: str
    social_actor: str
    statement: str
    substantiation: str
    positive: bool
    intended: bool
    themes: str
    contributions: tuple[outcomes.Contribution, ...]
    unreadable_contributions: int  # contributing activities counted but not named (members)


def _matching(session: Session, filters: Filters, role: str | None) -> Select[Outcome]:
    """A query over Outcome (Forum outer-joined) narrowed to what ``filters`` selects."""
    return (
        select(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(*outcome_conditions(filters, role))
    )


def _by_year(session: Session, filters: Filters | None = None, role: str | None = None) -> pd.DataFrame:
    year = func.extract("year", Outcome.outcome_date)
    rows = session.execute(
        select(year, Outcome.change_type, Forum.category, Outcome.substantiation, func.count(Outcome.id))
        .select_from(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(*outcome_conditions(filters or Filters(), role))
        .group_by(year, Outcome.change_type, Forum.category, Outcome.substantiation)
    ).all()
    frame = pd.DataFrame(rows, columns=["year", "change_type", "category", "substantiation", "outcomes"])
    frame["year"] = frame["year"].astype(int)
    return frame.sort_values(["year", "change_type"]).reset_index(drop=True)


def _counts(rows: pd.DataFrame) -> dict[str, Any]:
    """The brief's ``outcomes`` object from ``_by_year`` rows (zeros included)."""
    by_type = dict.fromkeys(CHANGE_TYPES, 0)
    by_category = dict.fromkeys(FORUM_CATEGORIES, 0)
    for change_type, category, n in zip(rows.change_type, rows.category, rows.outcomes, strict=True):
        by_type[change_type] += int(n)
        if isinstance(category, str):
            by_category[category] += int(n)
    return {
        "count": int(rows.outcomes.sum()),
        "substantiated": int(rows.outcomes[rows.substantiation == "substantiated"].sum()),
        "by_change_type": [{"change_type": k, "outcomes": v} for k, v in by_type.items()],
        "by_category": [{"category": k, "outcomes": v} for k, v in by_category.items()],
    }


def _effort(
    session: Session, by_year: pd.DataFrame, filters: Filters | None = None, role: str | None = None
) -> pd.DataFrame:
    """Outcomes and staff-days per year and forum category: every year from the first to the
    last of either, for each category that has outcomes or effort (zeros included)."""
    year = func.extract("year", Activity.activity_date)
    rows = session.execute(
        filtered(
            select(year, Forum.category, func.coalesce(func.sum(Activity.effort_days), 0.0)),
            filters or Filters(),
            role,
        ).group_by(year, Forum.category)
    ).all()
    effort = pd.DataFrame(rows, columns=["year", "category", "effort_days"])
    effort["year"] = effort["year"].astype(int)
    effort["effort_days"] = effort["effort_days"].astype(float)
    counted = (
        by_year.dropna(subset=["category"]).groupby(["year", "category"], as_index=False)["outcomes"].sum()
    )
    columns = ["year", "category", "outcomes", "effort_days"]
    years = sorted(set(effort.year) | set(counted.year))
    present = [
        c
        for c in FORUM_CATEGORIES
        if (counted.category == c).any() or (effort.effort_days[effort.category == c] > 0).any()
    ]
    if not years or not present:
        return pd.DataFrame(columns=columns)
    grid = pd.MultiIndex.from_product(
        [range(years[0], years[-1] + 1), present], names=["year", "category"]
    ).to_frame(index=False)
    merged = grid.merge(effort, on=["year", "category"], how="left").merge(
        counted, on=["year", "category"], how="left"
    )
    merged = merged.fillna({"effort_days": 0.0, "outcomes": 0})
    merged["outcomes"] = merged["outcomes"].astype(int)
    merged["effort_days"] = merged["effort_days"].astype(float).round(2)
    return merged[columns].reset_index(drop=True)


def _contributions(outcome: Outcome, role: str | None) -> str:
    readable = visible_confidentiality(role)
    parts = []
    restricted = 0
    for link in outcomes.contributing_activities(outcome):
        if link.confidentiality not in readable:
            restricted += 1
            continue
        text = f"{formatting.short_date(link.date)} · {link.title}"
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

    ``chosen``: these outcomes (oldest first, e.g. ``outcome_search.find_outcomes``) instead of every one."""
    readable = visible_confidentiality(role)
    rows, hidden = [], 0
    if chosen is None:
        chosen = outcome_search.live_outcomes(session, include_deleted=include_deleted)
    for outcome in reversed(chosen):
        if outcome.confidentiality not in readable:
            hidden += outcome.deleted_at is None
            continue
        rows.append(
            {
                "id": outcome.id,
                "outcome_id": outcome.outcome_id,
                "date": outcome.outcome_date,
                "change_type": label("change_type", outcome.change_type),
                "category": label("forum_category", outcome.forum.category) if outcome.forum else "",
                "forum": outcome.forum.name if outcome.forum else "",
                "social_actor": outcome.social_actor,
                "statement": outcome.statement,
                "substantiation": label("substantiation", outcome.substantiation),
                "positive": outcome.positive,
                "intended": outcome.intended,
                "themes": "; ".join(sorted(t.name for t in outcome.themes)),
                "confidentiality": label("confidentiality", outcome.confidentiality),
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


def matching_outcomes(session: Session, filters: Filters, role: str | None) -> list[Outcome]:
    """Every live outcome ``filters`` select for ``role``, newest first, whatever its
    confidentiality (callers keep those the role may read: ``readable_outcomes``)."""
    query = _matching(session, filters, role).options(
        selectinload(Outcome.themes), selectinload(Outcome.activities), selectinload(Outcome.forum)
    )
    return list(session.scalars(query.order_by(Outcome.outcome_date.desc(), Outcome.outcome_id.desc())))


def readable_outcomes(session: Session, filters: Filters, role: str | None) -> list[Outcome]:
    """The outcomes the Outcomes dashboard lists for ``role`` (newest first)."""
    readable = visible_confidentiality(role)
    return [o for o in matching_outcomes(session, filters, role) if o.confidentiality in readable]


def _items(
    session: Session, filters: Filters, role: str | None
) -> tuple[list[OutcomeItem], pd.DataFrame, int]:
    """The matching outcomes the role may read (newest first), as list items and as a table,
    and how many matching outcomes are counted but not listed."""
    readable = visible_confidentiality(role)
    found = matching_outcomes(session, filters, role)
    items, rows, hidden = [], [], 0
    for outcome in found:
        if outcome.confidentiality not in readable:
            hidden += 1
            continue
        links = outcomes.contributing_activities(outcome)
        named = tuple(link for link in links if link.confidentiality in readable)
        unreadable = 0 if role == "funder" else len(links) - len(named)
        item = OutcomeItem(
            outcome_id=outcome.outcome_id,
            date=outcome.outcome_date,
            change_type=outcome.change_type,
            category=outcome.forum.category if outcome.forum else "",
            forum=outcome.forum.name if outcome.forum else "",
            country=display_name(outcome.country),
            social_actor=outcome.social_actor,
            statement=outcome.statement,
            substantiation=outcome.substantiation,
            positive=outcome.positive,
            intended=outcome.intended,
            themes="; ".join(sorted(t.name for t in outcome.themes)),
            contributions=named,
            unreadable_contributions=unreadable,
        )
        items.append(item)
        rows.append(
            {
                "outcome_id": item.outcome_id,
                "date": item.date,
                "change_type": label("change_type", item.change_type),
                "category": label("forum_category", item.category) if item.category else item.category,
                "forum": item.forum,
                "country": item.country,
                "social_actor": item.social_actor,
                "statement": item.statement,
                "substantiation": label("substantiation", item.substantiation),
                "themes": item.themes,
                "activities": _contributions(outcome, role),
            }
        )
    columns = [
        "outcome_id",
        "date",
        "change_type",
        "category",
        "forum",
        "country",
        "social_actor",
        "statement",
        "substantiation",
        "themes",
        "activities",
    ]
    return items, pd.DataFrame(rows, columns=columns), hidden


def outcomes_view(session: Session, filters: Filters | None = None, role: str | None = None) -> OutcomesView:
    """The members' Outcomes dashboard for ``filters`` (``filters.outcome_conditions`` on the
    outcomes, ``filters.conditions`` on the effort beside them) as ``role`` may read it."""
    filters = filters or Filters()
    by_year = _by_year(session, filters, role)
    counts = _counts(by_year)
    effort = _effort(session, by_year, filters, role)
    items, table, hidden = _items(session, filters, role)
    empty = counts["count"] == 0
    any_recorded = not empty or bool(session.scalar(select(func.count(Outcome.id)).where(live(Outcome))))
    return OutcomesView(
        counts=counts,
        by_year=by_year.drop(columns="substantiation")
        .groupby(["year", "change_type", "category"], as_index=False, dropna=False)["outcomes"]
        .sum(),
        effort=effort,
        table=table,
        hidden=hidden,
        type_figure=None if empty else type_figure(by_year),
        effort_figure=None if empty or effort.empty else effort_figure(effort),
        items=items,
        effort_only=effort_only(filters),
        without_forum=int(by_year.outcomes[by_year.category.isna()].sum()),
        any_recorded=any_recorded,
    )


OUTCOMES_PAGE_SIZE = 10  # on a 390 px phone a page is about 4,500 px long (all 38 demo outcomes: 16,000)


def outcomes_page(total: int, page: int) -> ListPage:
    """Page ``page`` of the Outcomes list, ``OUTCOMES_PAGE_SIZE`` outcomes a page."""
    return list_page(total, page, OUTCOMES_PAGE_SIZE)


def outcomes_list_html(view: OutcomesView, shown: ListPage | None = None) -> str:
    """The listed outcomes as an HTML list (a table would scroll sideways on a phone):
    each with its date, type, forum, statement and contributing activities; every text
    escaped. ``shown``: only that page of the list (all of it without)."""
    entries = []
    for item in view.items if shown is None else view.items[shown.start : shown.stop]:
        category = label("forum_category", item.category) if item.category else None
        where = " · ".join(escape(p) for p in (item.forum, category, item.country) if p)
        facts = [
            escape(_("Type of change: {type}").format(type=label("change_type", item.change_type))),
            escape(_("Substantiation: {level}").format(level=label("substantiation", item.substantiation))),
        ]
        if not item.positive:
            facts.append(escape(_("negative change")))
        if not item.intended:
            facts.append(escape(_("unintended")))
        links = [
            f"<li>{escape(formatting.date(c.date))}: {escape(c.title)}"
            + (f" <i>{escape(_('(deleted)'))}</i>" if c.deleted else "")
            + "</li>"
            for c in item.contributions
        ]
        if item.unreadable_contributions:
            links.append(
                f"<li>{escape(_(RESTRICTED_LABEL))}: {formatting.number(item.unreadable_contributions)}</li>"
            )
        contributed = (
            f"{escape(_('Contributing activities:'))}<ul>{''.join(links)}</ul>"
            if links
            else f"<i>{escape(_('No contributing activity recorded.'))}</i>"
        )
        entries.append(
            f'<li data-outcome="{escape(item.outcome_id)}" style="margin-bottom:1em">'
            f"<b>{escape(formatting.date(item.date))}</b> · {escape(item.outcome_id)}"
            + (f"<br>{where}" if where else "")
            + f"<br><b>{escape(item.statement)}</b>"
            f"<br>{escape(_('Who changed: {actor}').format(actor=item.social_actor))}"
            f"<br>{' · '.join(facts)}"
            + (f"<br>{escape(_('Themes: {themes}').format(themes=item.themes))}" if item.themes else "")
            + f"<br>{contributed}</li>"
        )
    return f'<ul class="outcomes" style="padding-left:1.2em;overflow-wrap:anywhere">{"".join(entries)}</ul>'


def strategy_table(
    session: Session, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> pd.DataFrame:
    """Every target with its actual and status in words (``target_status.target_statuses``), in
    few short columns so it reads on a phone: "at most 20 %", "33 %", "met"."""
    rows = [
        {
            "year": s.year,
            "measure": label("measure", s.measure),
            "scope": scope_label(s.scope),
            "target": target_text(s.measure, s.direction, s.target),
            "actual": value_text(s.measure, s.actual),
            "status": status_text(s.met),
            "baseline": baseline_text(s.measure, s.baseline_year, s.baseline),
            "note": s.note or "",
        }
        for s in target_status.target_statuses(session, date_from, date_to)
    ]
    columns = ["year", "measure", "scope", "target", "actual", "status", "baseline", "note"]
    return pd.DataFrame(rows, columns=columns)


def targets_list_html(table: pd.DataFrame) -> str:
    """``strategy_table`` for any screen, a phone's first: one short table per measure and
    scope (their names as its heading, so they need no column) with the year, target,
    actual and status, which fit 390 px. Baselines and notes are in the full table,
    ``strategy_table`` itself (the page's detail view)."""
    heads = [_("Year"), _("Target"), _("Actual"), _("Status")]
    groups = []
    for (measure, scope), rows in table.groupby(["measure", "scope"], sort=False):
        body = []
        for row in rows.itertuples():
            body.append(
                f"<tr><td>{escape(str(row.year))}</td><td>{escape(str(row.target))}</td>"
                f'<td class="tracker-number">{escape(str(row.actual))}</td>'
                f"<td><b>{escape(str(row.status))}</b></td></tr>"
            )
        header = "".join(f'<th scope="col">{escape(h)}</th>' for h in heads)
        groups.append(
            f'<table class="tracker-targets"><caption style="text-align:left;font-weight:600;'
            f'padding:0.6rem 0 0.2rem">{escape(str(measure))}, {escape(str(scope))}</caption>'
            f"<thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table>"
        )
    return "".join(groups)


# ---- Strategy: targets and the trend of their measures ----------------------------------


@dataclass(frozen=True)
class TrendChart:
    measure: str
    scope: str
    figure: go.Figure
    numbers: pd.DataFrame  # year, actual, target, status: the numbers behind the chart


def trend_numbers(trend: target_status.Trend) -> pd.DataFrame:
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
                _("Direction"): label("direction", target.direction) if target else "",
                _("Target"): target.target if target else None,
                _("Status"): status_text(target.met) if target else "",
            }
        )
    return pd.DataFrame(rows, columns=[_("Year"), _("Actual"), _("Direction"), _("Target"), _("Status")])


def strategy_trends(session: Session) -> list[TrendChart]:
    """A chart and its numbers for each measure and scope that has targets."""
    return [
        TrendChart(trend.measure, trend.scope, trend_figure(trend), trend_numbers(trend))
        for trend in target_status.target_trends(session)
    ]


def share_target_hover(status: target_status.TargetStatus) -> str:
    """A KP-share target on the Overview shift chart, in words."""
    return _("Target {year} ({measure}): {target} · actual: {actual} · {status}").format(
        year=status.year,
        measure=label("measure", status.measure),
        target=target_text(status.measure, status.direction, status.target),
        actual=value_text(status.measure, status.actual),
        status=status_text(status.met),
    )
