"""tracker.db.database.insert_many_returning_ids: the ids of a bulk insert, in the rows'
order, on SQLite (contiguous ids under the write lock) and PostgreSQL (RETURNING)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, delete, insert, select

from tracker.db import database

PROBE = Table("bulk_probe", MetaData(), Column("id", Integer, primary_key=True), Column("name", String(20)))


def test_the_ids_come_back_in_the_rows_order_after_a_gap_and_across_slices(engine):
    PROBE.create(engine)
    try:
        with database.session_factory(engine).begin() as session:
            session.execute(insert(PROBE), [{"name": f"old-{i}"} for i in range(3)])
            session.execute(delete(PROBE).where(PROBE.c.name == "old-2"))  # the largest id is gone
        rows = [{"name": f"new-{i}"} for i in range(database.INSERT_SLICE + 7)]
        with database.session_factory(engine).begin() as session:
            ids = database.insert_many_returning_ids(session, PROBE, rows)
        with engine.connect() as connection:
            stored = {row.id: row.name for row in connection.execute(select(PROBE.c.id, PROBE.c.name))}
        assert len(set(ids)) == len(rows)
        assert [stored[i] for i in ids] == [r["name"] for r in rows]
        with database.session_factory(engine).begin() as session:
            assert database.insert_many_returning_ids(session, PROBE, []) == []
            assert database.insert_many_returning_ids(session, PROBE, [{"name": "one"}]) == [max(ids) + 1]
    finally:
        PROBE.drop(engine)
