"""`make bench`: page speed at 1k, 10k and 100k activities, beside floors measured in the same run.

For each size a temporary SQLite database is filled with synthetic activities. Each page
is run in Streamlit's AppTest cold (caches cleared) and warm (rerun, same filters); the
figures are medians. Floors: an AppTest run of a one-line page, and one GROUP BY
year x category over the activities table. Results go to stdout and docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import BENCH_USER, build_database
from tests.apptest import start_session
from tracker.config import PROJECT_ROOT
from tracker.web import auth

PAGES = [
    "pages/overview_dashboard.py",
    "pages/forum_calendar.py",
    "pages/theme_dashboard.py",
    "pages/participation_dashboard.py",
    "pages/activity_log.py",
]
APP = str(PROJECT_ROOT / "streamlit_app.py")
ONE_LINE = str(Path(__file__).parent / "one_line_page.py")
REPORT = PROJECT_ROOT / "docs" / "performance.md"
GROUP_BY = text(
    "SELECT strftime('%Y', a.activity_date) AS year, f.category, count(*), sum(a.effort_days) "
    "FROM activities a JOIN forums f ON f.id = a.forum_id GROUP BY year, f.category"
)


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def page_times(page: str, repeat: int) -> tuple[float, float]:
    cold, warm = [], []
    for _ in range(repeat):
        at = AppTest.from_file(APP, default_timeout=120)
        at.session_state[auth.SESSION_KEY] = start_session(BENCH_USER)
        at.run()
        st.cache_data.clear()
        started = time.perf_counter()
        at.switch_page(page).run()
        cold.append(time.perf_counter() - started)
        assert not at.exception, at.exception
        started = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - started)
    return statistics.median(cold), statistics.median(warm)


def one_line_floor(repeat: int) -> float:
    def run() -> None:
        AppTest.from_file(ONE_LINE).run()

    return median_seconds(run, repeat)


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"SQLite {sqlite3.sqlite_version}, Streamlit {st.__version__}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=100_000, help="rows to import (0: skip)")
    parser.add_argument(
        "--no-report", action="store_true", help="print only; leave docs/performance.md alone"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    lines = [
        "| activities | page | cold (s) | warm (s) | GROUP BY floor (s) | cold / floor "
        "| one-line page floor (s) |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for size in sizes:
            url = f"sqlite:///{folder}/bench-{size}.db"
            engine = build_database(url, size)
            os.environ["DATABASE_URL"] = url
            st.cache_resource.clear()
            with engine.connect() as connection:
                group_by = median_seconds(lambda: connection.execute(GROUP_BY).all(), args.repeat)
            one_line = one_line_floor(args.repeat)
            for page in PAGES:
                cold, warm = page_times(page, args.repeat)
                line = (
                    f"| {size:,} | {Path(page).stem} | {cold:.3f} | {warm:.3f} | {group_by:.3f} | "
                    f"{cold / group_by:.1f} | {one_line:.3f} |"
                )
                print(line, flush=True)
                lines.append(line)
            engine.dispose()
    table = "\n".join(lines)
    print(f"\nMachine: {machine()}")
    if not args.no_report:
        write_report("pages", table)
    if args.import_rows:
        # A fresh process, so its peak memory is the import's own.
        output = subprocess.run(
            [sys.executable, "-m", "benchmarks.import_speed", str(args.import_rows)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        import_table = "\n".join(
            [
                "| rows | file size | validate + commit (s) | peak memory (MB) | memory before import (MB) "
                "| csv-module read floor (s) |",
                "|---:|---:|---:|---:|---:|---:|",
                output.strip().splitlines()[-1],
            ]
        )
        print(import_table)
        if not args.no_report:
            write_report("import", import_table)


def write_report(name: str, table: str) -> None:
    start, end = f"<!-- bench:{name}:start -->", f"<!-- bench:{name}:end -->"
    block = (
        f"{start}\nMeasured {time.strftime('%Y-%m-%d')} on {machine()}; medians of "
        f"repeated runs.\n\n{table}\n{end}"
    )
    current = REPORT.read_text() if REPORT.exists() else ""
    if start in current and end in current:
        before, rest = current.split(start, 1)
        after = rest.split(end, 1)[1]
        current = before + block + after
    else:
        current = current + "\n" + block + "\n"
    REPORT.write_text(current)


if __name__ == "__main__":
    main()
