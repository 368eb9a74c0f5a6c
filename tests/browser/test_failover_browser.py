"""Two replicas behind the deployment guide's nginx, one PostgreSQL, one secret key (issue
21.5, docs/deploy.md): a write on one replica is seen on the other at its next rerun, and a
member whose replica stops keeps working on the other one, still signed in, with the
report she had sent kept.

Needs nginx (as CI installs it) and TRACKER_TEST_POSTGRES_URL (as CI sets it)."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import text

from benchmarks import proxy
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_browser import choose, idle, log_in
from tests.browser.test_submissions_browser import open_route
from tests.conftest import create_database_if_missing, worker_database_url
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo

POSTGRES = os.environ.get("TRACKER_TEST_POSTGRES_URL", "")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(proxy.available() is not None, reason=proxy.available() or ""),
    pytest.mark.skipif(not POSTGRES, reason="TRACKER_TEST_POSTGRES_URL is not set (CI sets it)"),
]
TITLE = "Failover report of a village meeting"
ESTABLISHED = "01"


def _socket_inodes(master: int) -> set[str]:
    """The socket inodes held by nginx's master process ``master`` and its workers."""
    pids = [master]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
    inodes = set()
    for pid in pids:
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
    return inodes


def nginx_connections_to(port: int, master: int) -> int:
    """nginx's established connections to ``port``: with no upstream keep-alive in the guide's
    config, only a browser's WebSocket stays open. (Counting nginx's only: a browser of
    another test can still be knocking at a port its own, stopped, app once had.)"""
    inodes = _socket_inodes(master)
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                remote_port = int(fields[2].rsplit(":", 1)[1], 16)
                count += remote_port == port and fields[3] == ESTABLISHED and fields[9] in inodes
    return count


def replica_in_use(page, ports: list[int], master: int) -> int:
    """The port of the replica holding the page's WebSocket through nginx (polled: the socket
    opens with the page)."""
    for _attempt in range(200):
        holding = [port for port in ports if nginx_connections_to(port, master)]
        if len(holding) == 1:
            return holding[0]
        page.wait_for_timeout(50)  # polling the kernel's table, not synchronising on time
    raise AssertionError(f"no single replica holds the WebSocket: {holding}")


@pytest.fixture
def replicas(tmp_path) -> Iterator[dict[str, object]]:
    url = worker_database_url(POSTGRES, os.environ.get("PYTEST_XDIST_WORKER", "main")) + "_failover"
    create_database_if_missing(url)
    engine = database.make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo(session)
    engine.dispose()
    ports = [proxy.free_port(), proxy.free_port()]
    processes = {}
    workdir = Path(tempfile.mkdtemp(prefix="tracker-failover-"))
    nginx = proxy.prepare(workdir, proxy.free_port(), proxy.free_port(), ports)
    try:
        for name, port in zip("AB", ports, strict=True):
            log = ARTIFACTS / f"failover-replica-{name}-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
            processes[port] = proxy.start_app(port, url, log, {"TRACKER_SECRET_KEY": "one-key-for-both"})
        nginx.start()
        proxy.wait_until(f"{nginx.url}/_stcore/health", nginx.process)
        yield {"url": nginx.url, "ports": ports, "processes": processes, "nginx": nginx.process.pid}
    finally:
        nginx.stop()
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


def test_a_member_keeps_working_when_her_replica_stops(browser, replicas):
    base, ports = replicas["url"], replicas["ports"]
    proxied = {"url": base}
    member_context = browser.new_context(ignore_https_errors=True, viewport={"width": 1400, "height": 1000})
    staff_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        member = member_context.new_page()
        member.set_default_timeout(60_000)
        log_in(member, proxied, "member")
        open_route(member, proxied, "report", "Report an activity")
        choose(member, "Forum", "EITI")
        choose(member, "Themes", "Land rights")
        member.get_by_label("Title", exact=True).fill(TITLE)
        member.get_by_role("button", name="Send for review").click()
        member.get_by_text("Sent for review: submission").wait_for()
        idle(member)
        first = replica_in_use(member, ports, replicas["nginx"])
        other = next(port for port in ports if port != first)

        # Staff, on the other replica directly, return the report with a comment ...
        staff = staff_context.new_page()
        staff.set_default_timeout(60_000)
        direct = {"url": f"http://127.0.0.1:{other}"}
        log_in(staff, direct, "staff")
        open_route(staff, direct, "review", "Review member submissions")
        staff.get_by_label("Comment to the member").fill("Please name the village in the title.")
        staff.get_by_role("button", name="Return with this comment").click()
        staff.get_by_text("Returned to").wait_for()

        # ... and the member's replica shows it at her next rerun.
        member.get_by_role("link", name="Report an activity").first.click()
        member.get_by_text("Please name the village").first.wait_for()
        idle(member)
        assert replica_in_use(member, ports, replicas["nginx"]) == first

        # Her replica stops. Her next click reaches the other one, signed in, her report there.
        replicas["processes"][first].terminate()
        replicas["processes"][first].wait(timeout=30)
        member.get_by_role("link", name="Overview", exact=True).click()
        member.get_by_role("heading", name="Overview").first.wait_for()
        idle(member)
        assert replica_in_use(member, ports, replicas["nginx"]) == other
        assert member.get_by_text("Signed in as").count() == 1
        assert member.get_by_role("button", name="Log in").count() == 0
        open_route(member, proxied, "report", "Report an activity")
        member.get_by_text(TITLE).first.wait_for()
        member.get_by_role("button", name="Fix and send again").click()
        member.get_by_role("heading", name="and send it again").first.wait_for()
        idle(member)
        member.get_by_label("Title", exact=True).fill(TITLE + " in Marange")
        member.get_by_role("button", name="Send for review").click()
        member.get_by_text("Sent for review: submission").wait_for()
        idle(member)
        member.screenshot(path=str(ARTIFACTS / "failover-after.png"), full_page=True)
        assert urlparse(member.url).port == urlparse(base).port  # still through the proxy
    finally:
        member_context.close()
        staff_context.close()
