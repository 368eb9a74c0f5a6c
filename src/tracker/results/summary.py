"""The funder summary as data: the shape ``tracker summary --json`` prints (see the brief)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from tracker.records import grants as grant_records
from tracker.results import target_status, views
from tracker.results.filters import Filters, outcome_conditions


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(float(value), digits)


def summary(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    grant_id: str | None = None,
    themes: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The brief's JSON shape, read from the same view as the Funder summary page, with the
    ``outcomes`` and ``targets`` of the same range (``tracker.records.targets`` computes both).

    With ``grant_id``: the grant's period and the activities tagged with it; its outcomes
    are the live outcomes dated in the period linked to at least one of those activities.
    Targets are the coalition's, computed over all records of their year (a grant does
    not narrow them), listed when their year meets the grant's period.

    ``themes`` and ``categories`` (``--theme``, ``--category``; the API's ``theme`` and
    ``category``) narrow the activities as the sidebar's filters do, and the outcomes by
    their own themes and forum category (``filters.outcome_conditions``); not the targets.
    """
    narrowed = Filters(themes=themes, categories=categories)
    outcome_where = outcome_conditions(narrowed) if themes or categories else ()
    if grant_id is None:
        view = views.funder_summary(
            session, date_from, date_to, period="year", themes=themes, categories=categories
        )
        result = summary_from(view)
        result["outcomes"] = target_status.outcome_counts(session, date_from, date_to, where=outcome_where)
    else:
        grant = grant_records.get_grant(session, grant_id)
        date_from, date_to = grant.start_date, grant.end_date
        view = views.funder_summary(
            session,
            date_from,
            date_to,
            period="year",
            grants=(grant.grant_id,),
            themes=themes,
            categories=categories,
        )
        result = summary_from(view)
        activity_ids = grant_records.grant_activity_ids(session, grant)
        result["outcomes"] = target_status.outcome_counts(
            session, date_from, date_to, activity_ids, where=outcome_where
        )
    result["targets"] = [s.as_json() for s in target_status.target_statuses(session, date_from, date_to)]
    return result


def summary_from(view: views.FunderSummaryView) -> dict[str, Any]:
    if view.period != "year":
        raise ValueError("the summary JSON is by year")
    totals = view.totals
    return {
        "activities": totals.activities,
        "effort_days": round(totals.effort_days, 2),
        "cost_usd": round(totals.cost_usd, 2),
        "by_year": [
            {
                "year": row.period_start.year,
                "category": row.category,
                "activities": int(row.activities),
                "effort_days": round(float(row.effort_days), 2),
            }
            for row in view.engagement.itertuples()
        ],
        "kp_share": [
            {
                "year": row.period_start.year,
                "by_count": _round(row.by_count, 4),
                "by_effort": _round(row.by_effort, 4),
            }
            for row in view.shares.itertuples()
        ],
        "by_theme": [
            {
                "theme": row.theme,
                "activities": int(row.activities),
                "effort_days": round(float(row.effort_days), 2),
            }
            for row in view.themes.sort_values("theme").itertuples()
        ],
    }
