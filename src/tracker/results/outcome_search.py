"""The read side of outcomes for the staff Outcome list: its filters (``OutcomeFilters``)
and the one query that applies them (``find_outcomes``), and every outcome in order
(``live_outcomes``). Writes live in ``tracker.records.outcomes``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from tracker.db.models import Forum, Outcome, Theme
from tracker.records import outcome_fields


def live_outcomes(session: Session, include_deleted: bool = False) -> list[Outcome]:
    query = select(Outcome).options(
        selectinload(Outcome.themes), selectinload(Outcome.activities), selectinload(Outcome.forum)
    )
    if not include_deleted:
        query = query.where(Outcome.deleted_at.is_(None))
    return list(session.scalars(query.order_by(Outcome.outcome_date, Outcome.outcome_id)))


def outcome_table(outcomes: Iterable[Outcome]) -> pd.DataFrame:
    """The outcomes as the staff list shows them."""
    rows = [outcome_fields.import_format_row(o) | {"id": o.id} for o in outcomes]
    return pd.DataFrame(rows, columns=["id", *outcome_fields.COLUMNS])


# ---- the staff list's filters --------------------------------------------------------


@dataclass(frozen=True)
class OutcomeFilters:
    """What the staff Outcome list narrows to; empty fields filter nothing."""

    text: str = ""  # in the statement, the social actor or the id (outcome id or number)
    change_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()  # forum categories
    themes: tuple[str, ...] = ()  # any of them
    year: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    confidentiality: tuple[str, ...] = ()
    positive: bool | None = None  # None: positive and negative
    include_deleted: bool = False


def find_outcomes(session: Session, filters: OutcomeFilters) -> list[Outcome]:
    """The outcomes that pass every filter, oldest first (one SQL query, then the links)."""
    query = select(Outcome).options(
        selectinload(Outcome.themes), selectinload(Outcome.activities), selectinload(Outcome.forum)
    )
    if not filters.include_deleted:
        query = query.where(Outcome.deleted_at.is_(None))
    text = filters.text.strip()
    if text:
        needle = text.lower()
        matches = [
            func.lower(column).contains(needle, autoescape=True)
            for column in (Outcome.statement, Outcome.social_actor, Outcome.outcome_id)
        ]
        if text.isdigit():
            matches.append(Outcome.id == int(text))
        query = query.where(or_(*matches))
    if filters.change_types:
        query = query.where(Outcome.change_type.in_(filters.change_types))
    if filters.categories:
        query = query.where(
            Outcome.forum_id.in_(select(Forum.id).where(Forum.category.in_(filters.categories)))
        )
    if filters.themes:
        query = query.where(Outcome.themes.any(Theme.name.in_(filters.themes)))
    if filters.year is not None:
        query = query.where(
            Outcome.outcome_date.between(dt.date(filters.year, 1, 1), dt.date(filters.year, 12, 31))
        )
    if filters.date_from is not None:
        query = query.where(Outcome.outcome_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Outcome.outcome_date <= filters.date_to)
    if filters.confidentiality:
        query = query.where(Outcome.confidentiality.in_(filters.confidentiality))
    if filters.positive is not None:
        query = query.where(Outcome.positive == filters.positive)
    return list(session.scalars(query.order_by(Outcome.outcome_date, Outcome.outcome_id)))
