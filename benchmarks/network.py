"""make bench-network: the tracker on a slow link, through the deployment guide's proxy.

Headless Chromium (Debian's, through Playwright) with Chrome DevTools network emulation
(400 kbit/s down and up, 400 ms latency) opens the app through nginx configured exactly
as docs/deploy/nginx.conf (on loopback ports, with a self-signed certificate), on the
demo data. For a first visit (empty cache) and a repeat visit (same browser, warm cache,
a new session) it measures the bytes transferred and the seconds:

- to the log-in form (from opening the address);
- to the first screen's shift chart after log-in (Home for a member, the Funder summary
  for a funder), from the click on "Log in";
- to the first Plotly chart of the Overview dashboard, from the click on its link.

Beside each: the floor, bytes x 8 / 400 kbit/s, the time those bytes need at that
bandwidth alone. Chromium's emulation does not slow WebSocket messages (measured, see
docs/performance.md), so WebSocket steps are somewhat optimistic. The table is printed
and written into docs/performance.md between the bench-network markers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import proxy

CHROMIUM = "/usr/bin/chromium"
KBIT = 400
LATENCY_MS = 400
BYTES_PER_SECOND = KBIT * 1000 / 8
PERFORMANCE_MD = proxy.ROOT / "docs" / "performance.md"
START, END = "<!-- bench-network:start -->", "<!-- bench-network:end -->"
IDLE = "[data-testid=stApp][data-test-script-state=notRunning]"
SHIFT_CHART = "svg[aria-labelledby='shift-title shift-desc']"
PLOTLY_CHART = "[data-testid=stPlotlyChart] .main-svg"
PASSWORDS = {"member": "demo-member-password", "funder": "demo-funder-password"}
TARGETS = {
    ("first", "log-in form"): 15.0,
    ("first", "first screen's shift chart"): 10.0,
    ("first", "Overview's first Plotly chart"): 45.0,
    ("repeat", "first screen's shift chart"): 3.0,
}
TOTAL_BYTES_TARGET = 2_500_000


@dataclass
class Step:
    visit: str
    role: str
    name: str
    seconds: float
    bytes: int

    @property
    def floor(self) -> float:
        return self.bytes / BYTES_PER_SECOND

    @property
    def target(self) -> float | None:
        return TARGETS.get((self.visit, self.name))


@dataclass
class Counter:
    """Bytes on the wire, from the DevTools protocol: HTTP responses (encoded length,
    headers included) and WebSocket frames both ways."""

    http: int = 0
    websocket: int = 0
    csp_violations: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.http + self.websocket


def _emulate(page, counter: Counter):
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": LATENCY_MS,
            "downloadThroughput": BYTES_PER_SECOND,
            "uploadThroughput": BYTES_PER_SECOND,
        },
    )

    def finished(event):
        counter.http += int(event.get("encodedDataLength", 0))

    def frame(event):
        counter.websocket += len(event["response"].get("payloadData", ""))

    cdp.on("Network.loadingFinished", finished)
    cdp.on("Network.webSocketFrameReceived", frame)
    cdp.on("Network.webSocketFrameSent", frame)
    page.on(
        "console",
        lambda message: (
            counter.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return cdp


def _visit(context, base: str, role: str, visit: str, timeout_ms: int) -> tuple[list[Step], Counter]:
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    counter = Counter()
    _emulate(page, counter)
    steps: list[Step] = []
    start = time.monotonic()
    page.goto(base, wait_until="commit")
    page.get_by_role("textbox", name="Username").wait_for()
    steps.append(Step(visit, role, "log-in form", time.monotonic() - start, counter.total))
    page.wait_for_selector(IDLE)
    page.get_by_role("textbox", name="Username").fill(f"demo-{role}")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS[role])
    before = counter.total
    start = time.monotonic()
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(SHIFT_CHART, state="visible")
    steps.append(
        Step(visit, role, "first screen's shift chart", time.monotonic() - start, counter.total - before)
    )
    if role == "member":
        page.wait_for_selector(IDLE)
        before = counter.total
        start = time.monotonic()
        page.get_by_role("link", name="Overview", exact=True).click()
        page.wait_for_selector(PLOTLY_CHART, state="visible")
        steps.append(
            Step(
                visit, role, "Overview's first Plotly chart", time.monotonic() - start, counter.total - before
            )
        )
    page.wait_for_selector(IDLE)
    steps.append(Step(visit, role, "whole visit", sum(s.seconds for s in steps), counter.total))
    page.close()
    return steps, counter


def _warm_up(browser, base: str) -> None:
    """One unthrottled visit in a throw-away browser context, so the server has imported
    and compiled everything, as a server in service has: the measured visits do not pay
    for the app process's own start."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base)
    page.get_by_role("textbox", name="Username").fill("demo-member")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS["member"])
    page.get_by_role("button", name="Log in").click()
    page.wait_for_selector(SHIFT_CHART, state="visible")
    page.wait_for_selector(IDLE)
    context.close()


def _seed(folder: Path) -> str:
    from tracker.db import database
    from tracker.db.reference_data import load_reference_data
    from tracker.demo.seed import seed_demo

    url = f"sqlite:///{folder / 'tracker.db'}"
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo(session)
    engine.dispose()
    return url


def run(roles: list[str], timeout_s: int, static_dir: Path | None = None) -> tuple[list[Step], list[str]]:
    from playwright.sync_api import sync_playwright

    problem = proxy.available()
    if problem:
        raise SystemExit(problem)
    if not Path(CHROMIUM).exists():
        raise SystemExit("Debian's chromium is missing (apt-get install chromium)")
    folder = Path(tempfile.mkdtemp(prefix="tracker-bench-network-"))
    os.chmod(folder, 0o755)  # nginx's workers (nobody) read the static folder inside
    url = _seed(folder)
    app_port, http_port, tls_port = proxy.free_port(), proxy.free_port(), proxy.free_port()
    app = proxy.start_app(app_port, url, folder / "streamlit.log")
    nginx = proxy.prepare(folder / "nginx", http_port, tls_port, [app_port], static_dir)
    steps: list[Step] = []
    violations: list[str] = []
    try:
        checked = nginx.test()
        if checked.returncode != 0:
            raise SystemExit(checked.stderr)
        nginx.start()
        proxy.wait_until(f"{nginx.url}/_stcore/health", nginx.process)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    f"--ignore-certificate-errors-spki-list={proxy.spki_hash(nginx.cert)}",
                ],
            )
            _warm_up(browser, nginx.url)
            for role in roles:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                for visit in ("first", "repeat"):
                    # A repeat visit logs in again: the session cookie (which would sign the
                    # browser straight back in) goes, the HTTP cache stays.
                    context.clear_cookies()
                    try:
                        found, counter = _visit(context, nginx.url, role, visit, timeout_s * 1000)
                    except Exception:
                        for page in context.pages:
                            page.screenshot(path=str(folder.parent / f"bench-network-{role}-{visit}.png"))
                        raise
                    steps += found
                    violations += counter.csp_violations
                context.close()
            browser.close()
    finally:
        nginx.stop()
        app.terminate()
        app.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return steps, violations


def medians(runs: list[list[Step]]) -> list[Step]:
    """Step by step, the median seconds and the median bytes of the runs."""
    return [
        Step(
            same[0].visit,
            same[0].role,
            same[0].name,
            statistics.median(s.seconds for s in same),
            int(statistics.median(s.bytes for s in same)),
        )
        for same in zip(*runs, strict=True)
    ]


def precompressed_static(folder: Path) -> Path:
    """The folder the guide's proxy serves /static/ from, as `tracker precompress-static` writes it."""
    from tracker.web import precompress

    precompress.precompress(folder)
    for path in (folder, *folder.rglob("*")):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    return folder


def table(steps: list[Step]) -> str:
    lines = [
        "| visit | role | to | seconds | target | bytes | floor (bytes ÷ 400 kbit/s) |",
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for s in steps:
        target = "" if s.target is None else f"≤ {s.target:g} s {'✓' if s.seconds <= s.target else '✗'}"
        if s.name == "whole visit" and s.visit == "first":
            target = f"≤ 2.5 MB {'✓' if s.bytes <= TOTAL_BYTES_TARGET else '✗'}"
        lines.append(
            f"| {s.visit} | {s.role} | {s.name} | {s.seconds:.1f} | {target} | "
            f"{s.bytes / 1e6:.2f} MB | {s.floor:.1f} s |"
        )
    return "\n".join(lines)


def write(markdown: str) -> None:
    text = PERFORMANCE_MD.read_text(encoding="utf-8")
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _m: markdown, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + markdown + "\n"
    PERFORMANCE_MD.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--roles", default="member,funder", help="comma-separated: member, funder")
    parser.add_argument("--timeout", type=int, default=300, help="seconds allowed for one step")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/performance.md")
    parser.add_argument("--runs", type=int, default=3, help="runs; the table shows the medians")
    parser.add_argument("--static", type=Path, help="a folder already written by tracker precompress-static")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="tracker-bench-static-"))
    os.chmod(work, 0o755)
    loads: list[float] = []
    try:
        static_dir = args.static.resolve() if args.static else precompressed_static(work / "static")
        runs, violations = [], []
        for number in range(args.runs):
            found, seen = run(args.roles.split(","), args.timeout, static_dir)
            runs.append(found)
            violations += seen
            loads.append(os.getloadavg()[0])
            print(f"run {number + 1} of {args.runs} done; load average {loads[-1]:.1f}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    steps = medians(runs)
    nginx_version = subprocess.run(["nginx", "-v"], capture_output=True, text=True).stderr.strip()
    result = table(steps)
    print(result)
    if violations:
        print("Content Security Policy violations:", *violations, sep="\n  ")
    markdown = (
        f"{START}\n### Slow link through the documented proxy (make bench-network, "
        f"{dt.date.today().isoformat()}, medians of {args.runs} runs)\n\n"
        f"Chromium with DevTools emulation {KBIT} kbit/s down and up, {LATENCY_MS} ms latency; "
        f"{nginx_version.removeprefix('nginx version: ')} with docs/deploy/nginx.conf (brotli, "
        "Streamlit's files precompressed by `tracker precompress-static`, TLS, HTTP/2); demo data; "
        "one app process on the same machine. Seconds to the log-in form "
        "count from opening the address; the shift chart from the click on Log in; the Plotly "
        "chart from the click on Overview. Repeat: the same browser (warm cache, no session "
        "cookie), a new log-in.\n\n"
        f"{result}\n\nContent Security Policy violations in the browser: {len(violations)}. "
        "Load average (1 min) of the shared 2-core machine after each run: "
        f"{', '.join(f'{load:.1f}' for load in loads)}.\n{END}"
    )
    if not args.no_write:
        write(markdown)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
