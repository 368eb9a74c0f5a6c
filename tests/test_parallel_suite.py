"""``make test`` runs under pytest-xdist: each worker has its own PostgreSQL database
(tests/conftest.py), so one worker's schema reset never empties another's tables."""

from __future__ import annotations

import os

from tests.conftest import POSTGRES_URL, worker_database_url

BASE = "postgresql+psycopg://tracker_test:secret@127.0.0.1:5432/tracker_test"


def test_each_worker_gets_its_own_database_name():
    assert worker_database_url(BASE, "gw0").endswith("@127.0.0.1:5432/tracker_test_gw0")
    assert worker_database_url(BASE, "gw1").endswith("/tracker_test_gw1")
    assert ":secret@" in worker_database_url(BASE, "gw1")  # the password survives


def test_outside_xdist_or_without_postgresql_nothing_changes():
    assert worker_database_url(BASE, "") == BASE
    assert worker_database_url("", "gw0") == ""


def test_this_worker_uses_its_own_database():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    configured = os.environ.get("TRACKER_TEST_POSTGRES_URL", "")
    assert POSTGRES_URL == worker_database_url(configured, worker)
    if worker and configured:
        assert POSTGRES_URL.endswith(f"_{worker}")
