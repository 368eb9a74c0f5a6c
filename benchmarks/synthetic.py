"""Synthetic activities in bulk, for benchmarks (not demo data: nothing here tells a story)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import Engine, insert, select

from tracker.access import accounts
from tracker.db import database
from tracker.db.models import Activity, Forum, Organisation, Theme, activity_organisations, activity_themes
from tracker.db.reference_data import load_reference_data
from tracker.vocabulary import ACTIVITY_TYPES, CONFIDENTIALITY_LEVELS

BENCH_USER = "bench-staff"


def build_database(url: str, count: int, seed: int = 7) -> Engine:
    """Migrate ``url``, load the reference data and add ``count`` random activities."""
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        if accounts.find_user(session, BENCH_USER) is None:
            accounts.create_user(session, BENCH_USER, "benchmark staff password", "staff", "bench")
    with engine.begin() as connection:
        forums = connection.execute(select(Forum.id)).scalars().all()
        themes = connection.execute(select(Theme.id)).scalars().all()
        organisations = connection.execute(select(Organisation.id)).scalars().all()
        rng = random.Random(seed)
        start = dt.date(2015, 1, 1)
        now = dt.datetime(2026, 1, 1)
        batch = 20_000
        next_id = 1
        for offset in range(0, count, batch):
            size = min(batch, count - offset)
            rows, theme_links, organisation_links = [], [], []
            for _ in range(size):
                rows.append(
                    {
                        "id": next_id,
                        "activity_date": start + dt.timedelta(days=rng.randrange(4300)),
                        "forum_id": rng.choice(forums),
                        "activity_type": rng.choice(ACTIVITY_TYPES),
                        "title": f"Synthetic activity {next_id}",
                        "effort_days": rng.choice((0.5, 1.0, 2.0, 3.5)),
                        "cost_usd": float(rng.randrange(0, 3000, 10)),
                        "confidentiality": rng.choice(CONFIDENTIALITY_LEVELS),
                        "created_at": now,
                        "created_by": "bench",
                        "updated_at": now,
                        "updated_by": "bench",
                        "version": 1,
                    }
                )
                for theme in rng.sample(themes, k=rng.choice((1, 1, 2))):
                    theme_links.append({"activity_id": next_id, "theme_id": theme})
                for organisation in rng.sample(organisations, k=rng.choice((1, 2))):
                    organisation_links.append({"activity_id": next_id, "organisation_id": organisation})
                next_id += 1
            connection.execute(insert(Activity.__table__), rows)
            connection.execute(insert(activity_themes), theme_links)
            connection.execute(insert(activity_organisations), organisation_links)
    return engine
