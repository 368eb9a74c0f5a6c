"""make bench (issue 21.1): server CPU per click, the tracker against a one-chart app.

A member signed in through headless Chromium (Playwright, Debian's Chromium) opens the
Overview on the demo data and switches the Period (Year, Quarter, Month, ...); the floor
app (benchmarks/one_chart_app.py: one selectbox, one 5-point Plotly chart) gets the same
switches through its selectbox. Each switch's cost is the streamlit server's own CPU time
(user + system, from /proc/<pid>/stat) from just before the click until the server is
idle again, so other work on the machine does not count, though a loaded machine still
slows caches and the browser. Each round: a fresh browser context, one warm-up switch per
value, then the measured switches; the median of each round, and the median of the
rounds (3 by default). The load average is printed before and after.

    python -m benchmarks.clicks [--rounds 3] [--switches 6]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import proxy
from benchmarks.network import _seed as demo_database

CHROMIUM = "/usr/bin/chromium"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
RUNNING = "[data-testid=stApp][data-test-script-state=running]"
PLOTLY = "[data-testid=stPlotlyChart]"
TICK = os.sysconf("SC_CLK_TCK")
PERIODS = ["Quarter", "Month", "Year"]
TARGET_RATIO = 2.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` so far (fields 14 and 15 of /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def rss_mb(pid: int) -> float:
    """Resident memory of process ``pid`` (VmRSS in /proc/<pid>/status), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def settled_cpu(pid: int) -> float:
    """The server's CPU once it has stopped working (unchanged over two 0.15 s looks)."""
    last = cpu_seconds(pid)
    quiet = 0
    while quiet < 2:
        time.sleep(0.15)  # sampling /proc, not synchronising the browser
        now = cpu_seconds(pid)
        quiet = quiet + 1 if now == last else 0
        last = now
    return last


def switch_cost(page, pid: int, click: Callable[[], None]) -> float:
    before = settled_cpu(pid)
    click()
    try:
        page.wait_for_selector(RUNNING, timeout=2000)
    except Exception:  # noqa: BLE001 - a quick rerun may finish before the state is seen
        pass
    page.wait_for_selector(IDLE)
    return settled_cpu(pid) - before


def start_streamlit(script: Path, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = open(log, "wb")  # noqa: SIM115 - the process owns it until it ends
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(script), "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=proxy.ROOT, env={**os.environ, **env}, stdout=handle, stderr=subprocess.STDOUT,
    )  # fmt: skip
    proxy.wait_until(f"http://127.0.0.1:{port}/_stcore/health", process)
    return process


def tracker_round(browser, base: str, pid: int, switches: int) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(base)
    page.get_by_role("textbox", name="Username").fill("demo-member")
    page.get_by_role("textbox", name="Password").fill("demo-member-password")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(IDLE)
    page.get_by_role("link", name="Overview", exact=True).click()
    page.wait_for_selector(PLOTLY)
    page.wait_for_selector(IDLE)

    def choose(label: str) -> Callable[[], None]:
        group = page.get_by_test_id("stButtonGroup").filter(has_text="Period")
        return group.get_by_text(label, exact=True).click

    for label in PERIODS:  # warm-up: every value once
        switch_cost(page, pid, choose(label))
    costs = [switch_cost(page, pid, choose(PERIODS[i % len(PERIODS)])) for i in range(switches)]
    context.close()
    return statistics.median(costs)


def floor_round(browser, base: str, pid: int, switches: int) -> float:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(120_000)
    page.goto(base)
    page.wait_for_selector(PLOTLY)
    page.wait_for_selector(IDLE)

    def choose(label: str) -> Callable[[], None]:
        def click() -> None:
            page.get_by_test_id("stSelectbox").click()
            page.get_by_role("option", name=label, exact=True).click()

        return click

    for label in PERIODS:
        switch_cost(page, pid, choose(label))
    costs = [switch_cost(page, pid, choose(PERIODS[i % len(PERIODS)])) for i in range(switches)]
    context.close()
    return statistics.median(costs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--switches", type=int, default=6)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="bench-clicks-") as tmp:
        folder = Path(tmp)
        url = demo_database(folder)
        tracker_port, floor_port = proxy.free_port(), proxy.free_port()
        tracker = proxy.start_app(tracker_port, url, folder / "tracker.log")
        floor = start_streamlit(
            proxy.ROOT / "benchmarks" / "one_chart_app.py", floor_port, {}, folder / "floor.log"
        )
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                ours, floors, memory = [], [], []
                for _ in range(args.rounds):  # interleaved, so both see the same load
                    floors.append(
                        floor_round(browser, f"http://127.0.0.1:{floor_port}", floor.pid, args.switches)
                    )
                    ours.append(
                        tracker_round(browser, f"http://127.0.0.1:{tracker_port}", tracker.pid, args.switches)
                    )
                    memory.append(rss_mb(tracker.pid))  # after the round's session closed
                browser.close()
        finally:
            for process in (tracker, floor):
                process.terminate()
                process.wait(timeout=30)
    load_after = os.getloadavg()
    floor_ms, ours_ms = statistics.median(floors) * 1000, statistics.median(ours) * 1000
    ratio = ours_ms / floor_ms if floor_ms else float("inf")
    print(f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (2 cores)")
    print("server CPU per Period switch (medians of each round's switches; median of the rounds)")
    print(f"  one-chart app (floor): {floor_ms:.0f} ms  rounds {[round(f * 1000) for f in floors]}")
    print(f"  Overview, one member:  {ours_ms:.0f} ms  rounds {[round(o * 1000) for o in ours]}")
    print(f"  tracker server RSS after each round's session closed: {[round(m) for m in memory]} MB")
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"  ratio {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
