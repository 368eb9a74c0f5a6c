"""make bench-concurrency (issue 21.2): many members switching the Period at once.

``--members`` browser sessions (20 by default; Playwright contexts in one headless Chromium)
sign in as the demo member and open the Overview; then, ``--switches`` times, every session
clicks the next Period value at the same moment and waits for its page to be idle again.
A switch's time is its page's, from the click to the end of the rerun, so it includes the
wait for the server while the other sessions' reruns run. Beside it, the floor: the same
number of sessions of benchmarks/one_chart_app.py (one selectbox, one 5-point Plotly chart)
doing the same. Printed: p50 and p95 of every switch, the server CPU per switch, errors
(an exception shown, a page that never became idle), and the server's resident memory
before the sessions, with them open, and after they closed (twice: flat means the second
wave left it where the first did). The load average before and after.

    python -m benchmarks.concurrency [--members 20] [--switches 5] [--waves 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import proxy
from benchmarks.clicks import CHROMIUM, IDLE, PERIODS, PLOTLY, RUNNING, cpu_seconds, rss_mb, start_streamlit
from benchmarks.network import _seed as demo_database

TARGET_RATIO = 2.0
# Streamlit keeps a closed session's memory for server.disconnectedSessionTTL (120 s by
# default) in case its browser reconnects; the benchmark shortens it to read memory sooner.
SESSION_TTL = 10
ERROR = "[data-testid=stException], [data-testid=stAlertContentError]"


@dataclass
class Wave:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    cpu: float = 0.0
    rss_open: float = 0.0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


async def _sign_in(page, base: str) -> None:
    await page.goto(base)
    await page.get_by_role("textbox", name="Username").fill("demo-member")
    await page.get_by_role("textbox", name="Password").fill("demo-member-password")
    await page.get_by_role("button", name="Log in").click()
    await page.wait_for_selector(IDLE)
    await page.get_by_role("link", name="Overview", exact=True).click()
    await page.wait_for_selector(PLOTLY)
    await page.wait_for_selector(IDLE)


async def _open_floor(page, base: str) -> None:
    await page.goto(base)
    await page.wait_for_selector(PLOTLY)
    await page.wait_for_selector(IDLE)


async def _switch(page, label: str, floor: bool) -> tuple[float, bool]:
    start = time.monotonic()
    if floor:
        await page.get_by_test_id("stSelectbox").click()
        await page.get_by_role("option", name=label, exact=True).click()
    else:
        group = page.get_by_test_id("stButtonGroup").filter(has_text="Period")
        await group.get_by_text(label, exact=True).click()
    try:
        await page.wait_for_selector(RUNNING, timeout=2000)
    except Exception:  # noqa: BLE001 - a quick rerun may finish before the state is seen
        pass
    try:
        await page.wait_for_selector(IDLE, timeout=120_000)
    except Exception:  # noqa: BLE001 - counted as an error, not a crash of the benchmark
        return time.monotonic() - start, False
    return time.monotonic() - start, await page.locator(ERROR).count() == 0


async def wave(browser, base: str, pid: int, members: int, switches: int, floor: bool) -> Wave:
    contexts = [await browser.new_context(viewport={"width": 1400, "height": 1000}) for _ in range(members)]
    pages = [await context.new_page() for context in contexts]
    for page in pages:
        page.set_default_timeout(180_000)
    await asyncio.gather(*((_open_floor if floor else _sign_in)(page, base) for page in pages))
    result = Wave()
    cpu_before = cpu_seconds(pid)
    for i in range(switches):
        label = PERIODS[i % len(PERIODS)]
        outcomes = await asyncio.gather(*(_switch(page, label, floor) for page in pages))
        result.times += [seconds for seconds, _ok in outcomes]
        result.errors += sum(1 for _seconds, ok in outcomes if not ok)
    result.cpu = (cpu_seconds(pid) - cpu_before) / (members * switches)
    result.rss_open = rss_mb(pid)
    for context in contexts:
        await context.close()
    return result


async def run(members: int, switches: int, waves: int) -> int:
    from playwright.async_api import async_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-concurrency-") as tmp:
        folder = Path(tmp)
        url = demo_database(folder)
        tracker_port, floor_port = proxy.free_port(), proxy.free_port()
        ttl = {"STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(SESSION_TTL)}
        tracker = proxy.start_app(tracker_port, url, folder / "tracker.log", ttl)
        floor = start_streamlit(
            proxy.ROOT / "benchmarks" / "one_chart_app.py", floor_port, ttl, folder / "floor.log"
        )
        lines = []
        try:
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for name, process, port, is_floor in (
                    ("one-chart app (floor)", floor, floor_port, True),
                    ("tracker Overview", tracker, tracker_port, False),
                ):
                    memory = [rss_mb(process.pid)]
                    results = []
                    for _ in range(waves):
                        results.append(
                            await wave(
                                browser, f"http://127.0.0.1:{port}", process.pid, members, switches, is_floor
                            )
                        )
                        await asyncio.sleep(SESSION_TTL + 5)  # the closed sessions dropped, then memory
                        memory.append(rss_mb(process.pid))
                    times = [t for r in results for t in r.times]
                    lines.append(
                        (
                            name,
                            statistics.median(times),
                            p95(times),
                            statistics.median([r.cpu for r in results]),
                            sum(r.errors for r in results),
                            memory,
                            [r.rss_open for r in results],
                        )
                    )
                await browser.close()
        finally:
            for process in (tracker, floor):
                process.terminate()
                process.wait(timeout=30)
    load_after = os.getloadavg()
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} ({os.cpu_count()} cores)")
    print(f"{members} sessions switching the Period at once, {switches} switches, {waves} waves")
    for name, p50, p95_s, cpu, errors, memory, open_rss in lines:
        print(
            f"  {name:<22} p50 {p50:5.2f} s  p95 {p95_s:5.2f} s  CPU/switch {cpu * 1000:4.0f} ms  "
            f"errors {errors}  RSS before/after each wave {[round(m) for m in memory]} MB "
            f"(open: {[round(m) for m in open_rss]})"
        )
    ratio = lines[1][2] / lines[0][2]
    verdict = "meets" if ratio <= TARGET_RATIO and lines[1][4] == 0 else "misses"
    print(f"  p95 ratio {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x, 0 errors: {verdict})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--members", type=int, default=20)
    parser.add_argument("--switches", type=int, default=5)
    parser.add_argument("--waves", type=int, default=2)
    args = parser.parse_args(argv)
    return asyncio.run(run(args.members, args.switches, args.waves))


if __name__ == "__main__":
    raise SystemExit(main())
