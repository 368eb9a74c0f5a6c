"""Loads the reference lists shipped in the package (``src/tracker/reference/*.csv``) idempotently.

Rows are matched on their natural key (forum name; forum + event name; theme name;
organisation name), so loading twice changes nothing and a corrected CSV updates rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources.abc import Traversable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.config import REFERENCE_DIR
from tracker.db.models import Forum, ForumEvent, Organisation, Theme
from tracker.text.periods import parse_partial_date


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, created: bool) -> None:
        target = self.created if created else self.updated
        target[table] = target.get(table, 0) + 1


def _rows(name: str, folder: Traversable) -> list[dict[str, str]]:
    text = (folder / name).read_text(encoding="utf-8-sig")
    return [
        {k: (v or "").strip() for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text, newline=""))
    ]


def _set(obj: object, values: dict[str, object]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


_Record = TypeVar("_Record")


def _upsert(
    session: Session,
    report: LoadReport,
    table: str,
    existing: _Record | None,
    factory: Callable[..., _Record],
    values: dict[str, Any],
) -> _Record:
    if existing is None:
        obj = factory(**values)
        session.add(obj)
        report.count(table, created=True)
        return obj
    if _set(existing, values):
        report.count(table, created=False)
    return existing


def load_reference_data(session: Session, folder: Traversable = REFERENCE_DIR) -> LoadReport:
    report = LoadReport()
    themes = {t.name: t for t in session.scalars(select(Theme))}
    for row in _rows("themes.csv", folder):
        _upsert(
            session,
            report,
            "themes",
            themes.get(row["name"]),
            Theme,
            {"name": row["name"], "description": row["description"] or None},
        )

    organisations = {o.name: o for o in session.scalars(select(Organisation))}
    for row in _rows("organisations.csv", folder):
        _upsert(
            session,
            report,
            "organisations",
            organisations.get(row["name"]),
            Organisation,
            {
                "name": row["name"],
                "country": row["country"] or None,
                "source": row["source"] or None,
            },
        )

    forums = {f.name: f for f in session.scalars(select(Forum))}
    for row in _rows("forums.csv", folder):
        values: dict[str, Any] = {
            "name": row["name"],
            "category": row["category"],
            "description": row["description"] or None,
            "source": row["source"] or None,
        }
        forums[row["name"]] = _upsert(session, report, "forums", forums.get(row["name"]), Forum, values)
    session.flush()
    for row in _rows("forums.csv", folder):
        parent = forums[row["parent"]] if row["parent"] else None
        forum = forums[row["name"]]
        if forum.parent_id != (parent.id if parent else None):
            forum.parent_id = parent.id if parent else None

    events = {(e.forum_id, e.name): e for e in session.scalars(select(ForumEvent))}
    for row in _rows("forum_events.csv", folder):
        forum = forums[row["forum"]]
        start, precision = parse_partial_date(row["start_date"])
        values = {
            "forum_id": forum.id,
            "name": row["name"],
            "start_date": start,
            "date_precision": precision,
            "end_date": dt.date.fromisoformat(row["end_date"]) if row["end_date"] else None,
            "place": row["place"] or None,
            "verified": row["verified"].lower() == "yes",
            "status": row.get("status") or "confirmed",
            "note": row["note"] or None,
            "source": row["source"] or None,
        }
        existing = events.get((forum.id, row["name"]))
        if existing is not None and existing.verified and not values["verified"]:
            # An administrator checked this event (Reference lists, audited): a reload of
            # the shipped calendar keeps that check and the dates it confirmed.
            continue
        _upsert(session, report, "forum_events", existing, ForumEvent, values)
    session.flush()
    return report
