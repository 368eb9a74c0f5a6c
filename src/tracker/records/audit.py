"""The audit log: every insert, update, delete and restore of an activity, with snapshots."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, AuditEntry
from tracker.errors import VersionConflict
from tracker.records import activity_fields

if TYPE_CHECKING:  # imported where used: pandas is heavy for the write path
    import pandas as pd


def activity_snapshot(activity: Activity) -> dict[str, Any]:
    """The activity as plain JSON values, names instead of ids (``activity_fields.snapshot``)."""
    return activity_fields.snapshot(activity)


def columns_snapshot(record: object, names: Iterable[str]) -> dict[str, Any]:
    """The named attributes of a record as a snapshot, in the order named (plain column values)."""
    return {name: getattr(record, name) for name in names}


def record(
    session: Session,
    actor: str,
    action: str,
    activity: Activity,
    before: dict[str, Any] | None,
) -> AuditEntry:
    session.flush()
    entry = AuditEntry(
        actor=actor,
        action=action,
        entity="activity",
        entity_id=activity.id,
        before=before,
        after=activity_snapshot(activity),
    )
    session.add(entry)
    return entry


def record_entry(
    session: Session,
    actor: str,
    action: str,
    entity: str,
    entity_id: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> AuditEntry:
    """An audit entry for any record type (outcomes, targets, grants), snapshots given."""
    entry = AuditEntry(
        actor=actor, action=action, entity=entity, entity_id=entity_id, before=before, after=after
    )
    session.add(entry)
    return entry


def history(session: Session, activity_id: int, entity: str = "activity") -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == entity, AuditEntry.entity_id == activity_id)
            .order_by(AuditEntry.id)
        )
    )


def changes_since(
    session: Session, entity: str, entity_id: int, expected_version: int, current: dict[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """What changed in a record since the version a person opened (from its audit history);
    empty when that version is not in the history. Shown with a version conflict."""
    seen = next(
        (
            e.after
            for e in history(session, entity_id, entity)
            if e.after and e.after.get("version") == expected_version
        ),
        None,
    )
    return changed_fields(seen, current) if seen else {}


def check_version(
    session: Session,
    entity: str,
    entity_id: int,
    version: int,
    expected_version: int,
    current: Callable[[], dict[str, Any]],
    message: str,
) -> None:
    """Refuse a write made from an older version than the stored one: ``VersionConflict`` with
    ``message`` (``{now}``, ``{yours}``) and what changed since (``current``: the stored snapshot)."""
    if version == expected_version:
        return
    found = changes_since(session, entity, entity_id, expected_version, current())
    raise VersionConflict(message.format(now=version, yours=expected_version), found)


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    ignored = {"version"}
    return {
        key: (before.get(key), after.get(key))
        for key in sorted(set(before) | set(after))
        if key not in ignored and before.get(key) != after.get(key)
    }


def audit_page(
    session: Session,
    entity: str | None = None,
    actor: str | None = None,
    page: int = 1,
    page_size: int = 50,
) -> tuple[pd.DataFrame, int, int]:
    """One page of the audit log, newest first, and how many entries match."""
    import pandas as pd
    from sqlalchemy import func

    query = select(AuditEntry)
    if entity:
        query = query.where(AuditEntry.entity == entity)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = min(max(1, page), max(1, -(-total // page_size)))
    entries = session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(page_size).offset((page - 1) * page_size)
    ).all()
    rows = [
        {
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "entity": e.entity,
            "entity_id": e.entity_id,
            "changes": activity_fields.describe_changes(changed_fields(e.before or {}, e.after or {}))
            if e.before
            else "",
        }
        for e in entries
    ]
    columns = ["at", "actor", "action", "entity", "entity_id", "changes"]
    return pd.DataFrame(rows, columns=columns), total, page


def record_export(
    session: Session, actor: str, what: str, rows: int, details: dict[str, Any] | None = None
) -> AuditEntry:
    """An export or report download: who took what, and how many rows of records it held."""
    entry = AuditEntry(
        actor=actor[:100],
        action="export",
        entity="export",
        entity_id=0,
        before=None,
        after={"what": what, "rows": rows, **(details or {})},
    )
    session.add(entry)
    return entry


_T = TypeVar("_T")


class Counted(Generic[_T]):
    """Wraps an iterable of records and counts what was read from it (for record_export)."""

    def __init__(self, items: Iterable[_T]) -> None:
        self._items = items
        self.count = 0

    def __iter__(self) -> Iterator[_T]:
        for item in self._items:
            self.count += 1
            yield item


def audited_download(
    engine: Engine,
    actor: str,
    what: str,
    build: Callable[[], bytes],
    rows: int | Callable[[], int],
    details: dict[str, Any] | None = None,
) -> bytes:
    """Build a download, then record who took it, what, and how many rows of records it held
    (``rows`` may be a callable read after the build, e.g. a ``Counted``'s count)."""
    from tracker.db import database

    data = build()
    with database.writing(engine) as session:
        record_export(session, actor, what, rows() if callable(rows) else rows, details)
    return data
