"""How the tracker knows it holds illustrative demo data: the one marker, read by the
dashboards and written by the seeder (``demo.py``), so screens never import the seeder."""

from __future__ import annotations

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from tracker.db.models import Activity

DEMO_PREFIX = "demo-"  # every demo activity's external_id starts so
DEMO_PREFIX_END = "demo."  # sorts right after every "demo-..." id
DEMO_LABEL = "Illustrative demo data."  # every demo activity's description starts so


def has_demo_data(session: Session) -> bool:
    # A range on the unique index instead of LIKE, which SQLite would answer by a full scan.
    in_demo_range = and_(Activity.external_id >= DEMO_PREFIX, Activity.external_id < DEMO_PREFIX_END)
    return session.scalar(select(Activity.id).where(in_demo_range).limit(1)) is not None
