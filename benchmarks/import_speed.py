"""`make bench` part 2: a 100,000-row CSV validated and committed, with peak memory.

Runs in a fresh process so the peak resident memory (ru_maxrss) belongs to the import.
The floor measured beside it is reading the same file with Python's csv module.
"""

from __future__ import annotations

import csv
import io
import random
import resource
import statistics
import sys
import tempfile
import time

from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.io import importer
from tracker.io.exports import EXPORT_COLUMNS
from tracker.vocabulary import ACTIVITY_TYPES


def synthetic_csv(rows: int, seed: int = 11) -> bytes:
    rng = random.Random(seed)
    forums = [
        "KP Plenary",
        "KP Intersessional",
        "UN General Assembly",
        "EITI",
        "Mano River Union",
        "SADC Protocol on Mining",
        "OECD Forum on Responsible Mineral Supply Chains",
    ]
    themes = ["Benefit redistribution", "Reduction of violence", "Land rights", "KP reform"]
    organisations = ["ZELA", "IPIS", "RELUFA", "CENADEP", "NMJD", "GRPIE"]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
    writer.writeheader()
    for number in range(rows):
        writer.writerow(
            {
                "date": f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "forum": rng.choice(forums),
                "forum_category": "",
                "themes": ";".join(rng.sample(themes, k=2)),
                "activity_type": rng.choice(ACTIVITY_TYPES),
                "title": f"Imported activity {number}",
                "description": "Benchmark row",
                "organisations": ";".join(rng.sample(organisations, k=2)),
                "country": rng.choice(["ZW", "SL", "CD", ""]),
                "effort_days": rng.choice(["0.5", "1", "2"]),
                "cost_usd": str(rng.randrange(0, 5000, 10)),
                "outcome": "",
                "evidence_url": "https://example.org/r",
                "confidentiality": rng.choice(["public", "internal", "restricted"]),
                "external_id": f"bench-{number}",
                "event": "",
            }
        )
    return buffer.getvalue().encode("utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    data = synthetic_csv(rows)
    floor = statistics.median(
        _time(lambda: sum(1 for _ in csv.reader(io.StringIO(data.decode())))) for _ in range(3)
    )
    with tempfile.TemporaryDirectory() as folder:
        engine = database.open_database(f"sqlite:///{folder}/import.db")
        with database.session_factory(engine).begin() as session:
            load_reference_data(session)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with database.session_factory(engine).begin() as session:
            plan, result = importer.import_file(session, data, "bench.csv", "bench")
        elapsed = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        assert result is not None and result.created == rows, [str(p) for p in plan.problems[:5]]
    print(
        f"| {rows:,} | {len(data) / 1e6:.1f} MB | {elapsed:.1f} | {peak_mb:.0f} | {before / 1024:.0f} | "
        f"{floor:.2f} |"
    )


def _time(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
