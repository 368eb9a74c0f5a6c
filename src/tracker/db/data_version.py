"""The data version: one number that changes in the same transaction as every write.

Pages cache their reads per process (``tracker.web.cache``). A write in another process
(a command-line import or restore, another replica, another page) cannot clear those
caches, so every cached read is keyed by this number instead: the first read of the next
rerun in any process sees a new version and reads afresh.

Every ORM session of the tracker is watched (``Session`` events, registered when this
module is imported by ``tracker.db.database``): a flush that adds, changes or deletes a
record, or a bulk insert, update or delete through a session, marks the transaction, and
the version changes just before it commits. Sign-in sessions, log-in throttling and the
audit log are not records any cached read shows, so they leave it alone. A restore sets a
new version itself (``bump``), as it writes through a connection.

The new version is random, not a counter: a restored database can never bring back a
number whose cached reads are still in memory.
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, event, insert, select, update
from sqlalchemy.orm import ORMExecuteState, Session

from tracker.db.models import AuditEntry, BrowserSession, DataVersion, LoginThrottle

# Writes that no cached read shows (and that happen on every click or log-in attempt).
NOT_RECORDS = frozenset(
    model.__tablename__ for model in (AuditEntry, BrowserSession, LoginThrottle, DataVersion)
)
_CHANGED = "tracker_data_changed"


def current(connection: Connection | Session) -> int:
    """The version now (0 before the table has its row)."""
    return connection.execute(select(DataVersion.version).where(DataVersion.id == 1)).scalar() or 0


def bump(connection: Connection | Session) -> None:
    """Give the data a new version, in the caller's transaction."""
    token = secrets.randbits(62) or 1
    result = connection.execute(update(DataVersion).where(DataVersion.id == 1).values(version=token))
    if cast("CursorResult[Any]", result).rowcount == 0:
        connection.execute(insert(DataVersion).values(id=1, version=token))


def _before_flush(session: Session, _context: object, _instances: object) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        if getattr(instance, "__tablename__", None) not in NOT_RECORDS and (
            instance in session.new or instance in session.deleted or session.is_modified(instance)
        ):
            session.info[_CHANGED] = True
            return


def _do_orm_execute(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) not in NOT_RECORDS:
            state.session.info[_CHANGED] = True


def _before_commit(session: Session) -> None:
    session.flush()
    if session.info.pop(_CHANGED, False):
        bump(session)


def _forget(session: Session, *_args: object) -> None:
    session.info.pop(_CHANGED, None)


event.listen(Session, "before_flush", _before_flush)
event.listen(Session, "do_orm_execute", _do_orm_execute)
event.listen(Session, "before_commit", _before_commit)
event.listen(Session, "after_rollback", _forget)
event.listen(Session, "after_soft_rollback", _forget)
