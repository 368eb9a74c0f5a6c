"""4 processes x 100 writes (new activities, and edits of shared ones) on one database:
each write succeeds or gets the optimistic-locking message, and the totals add up."""

import multiprocessing
from collections import Counter

from sqlalchemy import func, select

from tests.concurrency_worker import work
from tests.factories import add_activity
from tracker.db.models import Activity, AuditEntry

WORKERS, WRITES = 4, 100


def test_four_writers_lose_nothing_and_the_audit_log_adds_up(engine, session):
    shared = [add_activity(session, title=f"shared {n}").id for n in range(3)]
    session.commit()
    url = engine.url.render_as_string(hide_password=False)
    with multiprocessing.get_context("spawn").Pool(WORKERS) as pool:
        results = pool.starmap(work, [(url, w, shared, WRITES) for w in range(WORKERS)])

    assert [r["errors"] for r in results] == [[]] * WORKERS
    created = sum(r["created"] for r in results)
    edits = sum((Counter(r["edits"]) for r in results), Counter())
    conflicts = sum(r["conflicts"] for r in results)
    assert created + sum(edits.values()) + conflicts == WORKERS * WRITES
    assert created == WORKERS * WRITES // 2

    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Activity)) == len(shared) + created
    audit = dict(
        session.execute(
            select(AuditEntry.action, func.count())
            .where(AuditEntry.entity == "activity")
            .group_by(AuditEntry.action)
        ).all()
    )
    assert audit == {"insert": len(shared) + created, **({"update": sum(edits.values())} if edits else {})}
    for activity_id in shared:
        assert session.get(Activity, activity_id).version == 1 + edits[activity_id]
