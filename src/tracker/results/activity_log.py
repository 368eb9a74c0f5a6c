"""The activity log: the one place that reads activity rows, a page at a time.

Rows a role may not read (``permissions.visible_confidentiality``) are left out of
pages, counts shown beside them and downloads alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from tracker.access.permissions import visible_confidentiality
from tracker.db.models import Activity, Forum
from tracker.i18n import column_labels
from tracker.records import activity_fields
from tracker.results.filters import Filters, conditions, public
from tracker.text import formatting
from tracker.text.countries import display_name

PAGE_SIZE = 50
LOG_COLUMNS = activity_fields.LOG_COLUMNS  # declared with the fields


@dataclass(frozen=True)
class ListPage:
    """Which part of a long list a page shows (the log, the Outcomes list): items ``start``..``stop``."""

    total: int
    page: int
    page_size: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def start(self) -> int:
        return (self.page - 1) * self.page_size

    @property
    def stop(self) -> int:
        return min(self.total, self.page * self.page_size)


def list_page(total: int, page: int, page_size: int = PAGE_SIZE) -> ListPage:
    """Page ``page`` of a list of ``total`` items, moved into range (a stale page number
    after the filters narrowed the list shows the last page)."""
    last = max(1, -(-total // page_size))
    return ListPage(total=total, page=min(max(1, page), last), page_size=page_size)


@dataclass(frozen=True)
class LogPage(ListPage):
    rows: pd.DataFrame


def _visible(filters: Filters, role: str | None) -> Select[int]:
    return (
        select(Activity.id)
        .join(Forum, Activity.forum_id == Forum.id)
        .where(*conditions(filters, role), Activity.confidentiality.in_(visible_confidentiality(role)))
    )


def _load(session: Session, ids: list[int]) -> list[Activity]:
    if not ids:
        return []
    found = session.scalars(
        select(Activity)
        .where(Activity.id.in_(ids))
        .options(
            joinedload(Activity.forum),
            joinedload(Activity.event),
            selectinload(Activity.themes),
            selectinload(Activity.organisations),
            selectinload(Activity.grants),
        )
    ).all()
    by_id = {a.id: a for a in found}
    return [by_id[i] for i in ids]


def _row(activity: Activity) -> dict[str, object]:
    return activity_fields.log_row(activity, display_name)


def log_page(
    session: Session, filters: Filters, role: str | None, page: int = 1, page_size: int = PAGE_SIZE
) -> LogPage:
    """One page of the filtered log, newest first, and how many rows match in all."""
    visible = _visible(filters, role)
    total = session.scalar(select(func.count()).select_from(visible.subquery())) or 0
    page = list_page(total, page, page_size).page
    ids = list(
        session.scalars(
            visible.order_by(Activity.activity_date.desc(), Activity.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        )
    )
    rows = pd.DataFrame([_row(a) for a in _load(session, ids)], columns=activity_fields.LOG_COLUMNS)
    return LogPage(rows=rows, total=total, page=page, page_size=page_size)


def _cell_text(column: str, value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
        return ""
    if isinstance(value, dt.date):
        return formatting.date(value)
    if column == "effort_days":
        return formatting.number(float(value), 1)  # type: ignore[arg-type]
    if column == "cost_usd":
        return formatting.money(float(value))  # type: ignore[arg-type]
    return str(value)


def log_list_html(rows: pd.DataFrame) -> str:
    """A page of the log as a list that reads on a phone: each activity's date and full
    title (wrapped, never cut), and every other column of its row in a detail view that
    opens on a tap (``<details>``). Only the columns of ``rows``, the rows this role may
    read; every text escaped."""
    labels = column_labels(rows.columns)
    details = [c for c in rows.columns if c not in ("id", "date", "title")]
    entries = []
    for row in rows.to_dict("records"):
        facts = "".join(
            f"<dt>{escape(labels.get(c, c))}</dt><dd>{escape(text)}</dd>"
            for c in details
            if (text := _cell_text(c, row[c]))
        )
        entries.append(
            f'<li data-activity="{escape(str(row["id"]))}"><details><summary>'
            f'<span class="tracker-when">{escape(_cell_text("date", row["date"]))}</span> '
            f"<b>{escape(str(row['title']))}</b></summary><dl>{facts}</dl></details></li>"
        )
    return f'<ul class="tracker-list">{"".join(entries)}</ul>'


def iter_visible_activities(
    session: Session, filters: Filters, role: str | None, batch: int = 1000
) -> Iterator[Activity]:
    """Every visible filtered activity, oldest first, read in batches (for downloads)."""
    ids = list(session.scalars(_visible(filters, role).order_by(Activity.activity_date, Activity.id)))
    for start in range(0, len(ids), batch):
        yield from _load(session, ids[start : start + batch])
        session.expunge_all()


def visible_after(
    session: Session,
    filters: Filters,
    role: str | None,
    after_id: int = 0,
    limit: int = 100,
    updated_since: dt.datetime | None = None,
) -> list[Activity]:
    """Up to ``limit`` visible filtered activities with an id above ``after_id``, by id (the
    API's pages: a cursor that stays right while records are added), optionally only those
    changed since ``updated_since``."""
    query = _visible(filters, role).where(Activity.id > after_id)
    if updated_since is not None:
        query = query.where(Activity.updated_at >= updated_since)
    return _load(session, list(session.scalars(query.order_by(Activity.id).limit(limit))))


def public_outcomes(session: Session, filters: Filters, limit: int = 50) -> pd.DataFrame:
    """Outcomes of public records only: what a funder may read, newest first."""
    query = (
        select(Activity.activity_date, Forum.name, Forum.category, Activity.title, Activity.outcome)
        .join(Forum, Activity.forum_id == Forum.id)
        .where(
            *conditions(filters, "funder"),
            public(Activity),
            Activity.outcome.is_not(None),
            Activity.outcome != "",
        )
        .order_by(Activity.activity_date.desc(), Activity.id.desc())
        .limit(limit)
    )
    rows = [tuple(row) for row in session.execute(query)]
    return pd.DataFrame(rows, columns=["date", "forum", "category", "title", "outcome"])
