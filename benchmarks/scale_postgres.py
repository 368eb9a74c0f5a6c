"""`make bench-postgres`: the dashboards and the activity log at 1,000,000 activities on PostgreSQL.

Needs TRACKER_BENCH_POSTGRES_URL naming a database whose name ends in ``_bench`` or
``_test`` (its public schema is dropped and rebuilt). Activities are loaded with COPY,
then VACUUM ANALYZE. Each page is timed in AppTest cold (caches cleared) and warm;
the activity log's first page is also timed as the service call alone. Floors in the
same run: a GROUP BY year x category in raw SQL, and an AppTest run of a one-line page.
Targets: every dashboard page cold <= 3 s; the activity log's first page <= 1 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time

import streamlit as st
from sqlalchemy import create_engine, make_url, select, text

from benchmarks.run import ONE_LINE, PAGES, machine, median_seconds, page_times, write_report
from benchmarks.synthetic import BENCH_USER
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import Forum, Organisation, Theme
from tracker.db.reference_data import load_reference_data
from tracker.results.activity_log import log_page
from tracker.results.filters import Filters
from tracker.vocabulary import ACTIVITY_TYPES, CONFIDENTIALITY_LEVELS

GROUP_BY = text(
    "SELECT extract(year FROM a.activity_date) AS year, f.category, count(*), sum(a.effort_days) "
    "FROM activities a JOIN forums f ON f.id = a.forum_id GROUP BY 1, 2"
)


def _copy(connection, table: str, columns: list[str], rows) -> None:
    with (
        connection.cursor() as cursor,
        cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def build(url: str, count: int, seed: int = 7) -> None:
    admin = create_engine(url)
    with admin.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    admin.dispose()
    engine = database.open_database(url)
    with database.writing(engine) as session:
        load_reference_data(session)
        accounts.create_user(session, BENCH_USER, "benchmark staff password", "staff", "bench")
        forums = list(session.scalars(select(Forum.id)))
        themes = list(session.scalars(select(Theme.id)))
        organisations = list(session.scalars(select(Organisation.id)))
    rng = random.Random(seed)
    start, now = dt.date(2015, 1, 1), dt.datetime(2026, 1, 1)
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        activities, theme_links, organisation_links = [], [], []
        for number in range(1, count + 1):
            activities.append(
                (
                    number,
                    start + dt.timedelta(days=rng.randrange(4300)),
                    rng.choice(forums),
                    rng.choice(ACTIVITY_TYPES),
                    f"Synthetic activity {number}",
                    rng.choice((0.5, 1.0, 2.0, 3.5)),
                    float(rng.randrange(0, 3000, 10)),
                    rng.choice(CONFIDENTIALITY_LEVELS),
                    now,
                    "bench",
                    now,
                    "bench",
                    1,
                )
            )
            theme_links += [(number, t) for t in rng.sample(themes, k=rng.choice((1, 1, 2)))]
            organisation_links += [(number, o) for o in rng.sample(organisations, k=rng.choice((1, 2)))]
        _copy(
            connection,
            "activities",
            [
                "id",
                "activity_date",
                "forum_id",
                "activity_type",
                "title",
                "effort_days",
                "cost_usd",
                "confidentiality",
                "created_at",
                "created_by",
                "updated_at",
                "updated_by",
                "version",
            ],
            activities,
        )
        _copy(connection, "activity_themes", ["activity_id", "theme_id"], theme_links)
        _copy(connection, "activity_organisations", ["activity_id", "organisation_id"], organisation_links)
        connection.execute(f"SELECT setval(pg_get_serial_sequence('activities', 'id'), {count})")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")
    finally:
        raw.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-report", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("TRACKER_BENCH_POSTGRES_URL", "")
    name = make_url(url).database if url else ""
    if not name or not name.endswith(("_bench", "_test")):
        sys.exit(
            "Set TRACKER_BENCH_POSTGRES_URL to a database whose name ends in _bench or _test "
            "(its contents are replaced)."
        )
    started = time.perf_counter()
    build(url, args.rows)
    load_seconds = time.perf_counter() - started
    os.environ["DATABASE_URL"] = url
    st.cache_resource.clear()
    engine = database.make_engine(url)
    with engine.connect() as connection:
        group_by = median_seconds(lambda: connection.execute(GROUP_BY).all(), args.repeat)
    one_line = median_seconds(
        lambda: __import__("streamlit.testing.v1", fromlist=["AppTest"]).AppTest.from_file(ONE_LINE).run(),
        args.repeat,
    )
    with database.session_factory(engine)() as session:
        first_page = median_seconds(lambda: log_page(session, Filters(), "staff", 1), args.repeat)
    engine.dispose()
    lines = [
        f"{args.rows:,} activities loaded with COPY in {load_seconds:.0f} s.",
        "",
        "| page | cold (s) | warm (s) | GROUP BY floor (s) | one-line page floor (s) |",
        "|---|---:|---:|---:|---:|",
    ]
    for page in PAGES:
        cold, warm = page_times(page, args.repeat)
        lines.append(
            f"| {page.split('/')[-1][:-3]} | {cold:.2f} | {warm:.3f} | {group_by:.2f} | {one_line:.3f} |"
        )
        print(lines[-1], flush=True)
    lines += ["", f"Activity log, first page (count + 50 rows), service call alone: {first_page:.3f} s."]
    table = "\n".join(lines)
    print(table)
    print(f"Machine: {machine()}")
    if not args.no_report:
        write_report("postgres", table)


if __name__ == "__main__":
    main()
