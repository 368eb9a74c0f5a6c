"""The ONE computation of each strategy target's actual and status, and of the outcome
counts, used by ``tracker summary --json``, the pages, the reports and the IATI file.

The brief's rules: a target's actual is computed from the live records of its whole
calendar year within its scope (``all``, ``category:NAME`` or ``theme:NAME``); outcomes
count by their date, and a category scope counts the outcomes whose forum is in that
category. Shares are fractions rounded to 4 decimals, effort to 2. ``met`` compares the
rounded actual with the target (``at_most``: actual ≤ target; ``at_least``: actual ≥
target). ``actual`` and ``met`` are null for a KP share whose year has no activities in
scope (or, by effort, no effort in scope); ``met`` is null for any target whose year has
no activities and no outcomes at all (a year still to come).

Scopes, dates and the soft-delete rule become SQL through ``tracker.results.filters``
(``scope_filters``, ``conditions``, ``outcome_conditions``). The targets themselves are
written by ``tracker.records.targets``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, Forum, Outcome, Target, outcome_activities
from tracker.results.filters import Filters, conditions, live, outcome_conditions, scope_filters
from tracker.vocabulary import CHANGE_TYPES, FORUM_CATEGORIES, TARGET_MEASURES


def _activity_measures(session: Session, year: int, scope: str) -> tuple[int, float, int, float]:
    """(activities, effort, KP activities, KP effort) of the live activities of ``year`` in scope."""
    is_kp = Forum.category == "KP"
    row = session.execute(
        select(
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
            func.coalesce(func.sum(case((is_kp, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_kp, Activity.effort_days), else_=0.0)), 0.0),
        )
        .select_from(Activity)
        .join(Forum, Activity.forum_id == Forum.id)
        .where(*conditions(scope_filters(scope, year)))
    ).one()
    return int(row[0]), float(row[1]), int(row[2]), float(row[3])


def _outcome_count(session: Session, year: int, scope: str) -> int:
    query = (
        select(func.count(Outcome.id))
        .select_from(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(*outcome_conditions(scope_filters(scope, year)))
    )
    return int(session.scalar(query) or 0)


def _year_has_records(session: Session, year: int) -> bool:
    return _activity_measures(session, year, "all")[0] > 0 or _outcome_count(session, year, "all") > 0


def actual_of(session: Session, year: int, measure: str, scope: str) -> float | int | None:
    """The brief's actual of one target (rounded as the summary shows it)."""
    if measure == "outcomes":
        return _outcome_count(session, year, scope)
    count, effort, kp_count, kp_effort = _activity_measures(session, year, scope)
    if measure == "activities":
        return count
    if measure == "effort_days":
        return round(effort, 2)
    if measure == "kp_share_by_count":
        return round(kp_count / count, 4) if count else None
    return round(kp_effort / effort, 4) if effort else None


def met_of(direction: str, target: float, actual: float | None, year_has_records: bool) -> bool | None:
    if actual is None or not year_has_records:
        return None
    return actual <= target if direction == "at_most" else actual >= target


@dataclass(frozen=True)
class TargetStatus:
    id: int
    year: int
    measure: str
    scope: str
    direction: str
    target: float
    actual: float | int | None
    met: bool | None
    baseline_year: int | None
    baseline: float | None
    note: str | None

    def as_json(self) -> dict[str, Any]:
        """The brief's ``targets`` row."""
        return {
            "year": self.year,
            "measure": self.measure,
            "scope": self.scope,
            "direction": self.direction,
            "target": self.target,
            "actual": self.actual,
            "met": self.met,
        }


def target_statuses(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    measures: Iterable[str] | None = None,
) -> list[TargetStatus]:
    """Every target whose year meets the range (and of ``measures``, if given), sorted by
    year, measure, scope, with its actual and ``met``: THE computation (summary JSON,
    Strategy, Overview and Funder pages)."""
    query = select(Target)
    if measures is not None:
        query = query.where(Target.measure.in_(list(measures)))
    if date_from is not None:
        query = query.where(Target.year >= date_from.year)
    if date_to is not None:
        query = query.where(Target.year <= date_to.year)
    targets = sorted(session.scalars(query), key=lambda t: (t.year, t.measure, t.scope))
    has_records: dict[int, bool] = {}
    statuses = []
    for t in targets:
        if t.year not in has_records:
            has_records[t.year] = _year_has_records(session, t.year)
        actual = actual_of(session, t.year, t.measure, t.scope)
        statuses.append(
            TargetStatus(
                t.id,
                t.year,
                t.measure,
                t.scope,
                t.direction,
                t.target,
                actual,
                met_of(t.direction, t.target, actual, has_records[t.year]),
                t.baseline_year,
                t.baseline,
                t.note,
            )
        )
    return statuses


def record_years(session: Session) -> list[int]:
    """Every calendar year with at least one live activity or live outcome, in order."""
    activity_year = func.extract("year", Activity.activity_date)
    outcome_year = func.extract("year", Outcome.outcome_date)
    years = set(session.scalars(select(activity_year).where(live(Activity)).group_by(activity_year)))
    years |= set(session.scalars(select(outcome_year).where(live(Outcome)).group_by(outcome_year)))
    return sorted(int(y) for y in years)


@dataclass(frozen=True)
class Trend:
    """One measure in one scope over time: its actual in every year with records (the same
    ``actual_of`` as each target's), its targets with their status, and their baselines."""

    measure: str
    scope: str
    actuals: list[tuple[int, float | int | None]]
    targets: list[TargetStatus]
    baselines: list[tuple[int | None, float]]  # distinct (baseline_year, baseline)


def target_trends(session: Session) -> list[Trend]:
    """A trend for each measure and scope that has targets, ordered by measure then scope."""
    statuses = target_statuses(session)
    years = record_years(session)
    groups: dict[tuple[str, str], list[TargetStatus]] = {}
    for status in statuses:
        groups.setdefault((status.measure, status.scope), []).append(status)
    order = {m: i for i, m in enumerate(TARGET_MEASURES)}
    trends = []
    for (measure, scope), group in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        baselines = list(
            dict.fromkeys((s.baseline_year, s.baseline) for s in group if s.baseline is not None)
        )
        trends.append(
            Trend(
                measure,
                scope,
                [(year, actual_of(session, year, measure, scope)) for year in years],
                group,
                [(y, float(b)) for y, b in baselines if b is not None],
            )
        )
    return trends


# ---- outcome counts ----------------------------------------------------------------------


def outcome_counts(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    activity_ids: Iterable[int] | None = None,
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[str, Any]:
    """The brief's ``outcomes`` object: live outcomes dated in range (every confidentiality:
    aggregates count everything), by the five change types and the five categories, zeros
    included. With ``activity_ids``, only outcomes linked to at least one of them; ``where``:
    further conditions over Outcome and its (outer-joined) Forum."""
    clauses = [*outcome_conditions(Filters(date_from=date_from, date_to=date_to)), *where]
    if activity_ids is not None:
        ids = list(activity_ids)
        clauses.append(
            exists().where(
                outcome_activities.c.outcome_id == Outcome.id, outcome_activities.c.activity_id.in_(ids)
            )
            if ids
            else Outcome.id.is_(None)
        )
    rows = session.execute(
        select(Outcome.change_type, Forum.category, Outcome.substantiation, func.count(Outcome.id))
        .select_from(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(*clauses)
        .group_by(Outcome.change_type, Forum.category, Outcome.substantiation)
    ).all()
    by_type = dict.fromkeys(CHANGE_TYPES, 0)
    by_category = dict.fromkeys(FORUM_CATEGORIES, 0)
    count = substantiated = 0
    for change_type, category, substantiation, n in rows:
        count += n
        by_type[change_type] += n
        if category is not None:
            by_category[category] += n
        if substantiation == "substantiated":
            substantiated += n
    return {
        "count": count,
        "substantiated": substantiated,
        "by_change_type": [{"change_type": k, "outcomes": v} for k, v in by_type.items()],
        "by_category": [{"category": k, "outcomes": v} for k, v in by_category.items()],
    }
