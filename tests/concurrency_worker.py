"""One writer process of the concurrency test (importable, for multiprocessing's spawn)."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from tests.factories import activity_input
from tracker.db import database
from tracker.db.models import Activity
from tracker.errors import VersionConflict
from tracker.records.activities import create_activity, update_activity


def work(url: str, worker: int, shared_ids: list[int], writes: int) -> dict:
    engine = database.make_engine(url)
    created, conflicts, errors = 0, 0, []
    edits: Counter[int] = Counter()
    for index in range(writes):
        try:
            if index % 2 == 0:
                with database.writing(engine) as session:
                    create_activity(
                        session, activity_input(title=f"worker {worker} #{index}"), f"worker{worker}"
                    )
                created += 1
            else:
                target = shared_ids[(index + worker) % len(shared_ids)]
                # Read, then write in another transaction, as a person editing in the app does.
                with database.session_factory(engine)() as session:
                    version = session.scalar(select(Activity.version).where(Activity.id == target))
                with database.writing(engine) as session:
                    update_activity(
                        session,
                        target,
                        activity_input(title=f"edited by {worker} #{index}"),
                        version,
                        f"worker{worker}",
                    )
                edits[target] += 1
        except VersionConflict:
            conflicts += 1
        except Exception as error:  # noqa: BLE001 - the test reports any other failure
            errors.append(repr(error))
    engine.dispose()
    return {"created": created, "edits": dict(edits), "conflicts": conflicts, "errors": errors}
