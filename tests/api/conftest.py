"""Fixtures of the HTTP API tests: ``client``, Starlette's TestClient on the API's routes, and
``world`` on each database: one account and one token per role, and the restricted-names
records of tests/test_restricted_names.py (``factories.add_restricted_records``: a
restricted activity and outcome carrying a forum, an event, an organisation and a country
no other record carries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.api.helpers import GRANT, OTHER_GRANT, PASSWORD, ROLES, SECRET_EXTERNAL_ID
from tests.factories import add_restricted_records
from tracker.access import accounts, tokens
from tracker.api import ROUTES, core
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.records import grants


@dataclass
class World:
    engine: Engine
    tokens: dict[str, str]  # role -> raw token; also "disabled", "calendar", "revoked", "expired"


def build_world(url: str) -> World:
    core._engine.cache_clear()
    engine = database.open_database(url)
    raw: dict[str, str] = {}
    with database.writing(engine) as session:
        load_reference_data(session)
        for role in ROLES:
            accounts.create_user(
                session, role, PASSWORD, role, "tester", organisation="IPIS" if role == "member" else None
            )
            raw[role] = tokens.create_token(session, role, f"{role} tool", "tester").raw
        accounts.create_user(session, "gone", PASSWORD, "staff", "tester")
        raw["disabled"] = tokens.create_token(session, "gone", "old", "tester").raw
        accounts.set_active(session, "gone", False, "tester")
        raw["calendar"] = tokens.create_token(session, "staff", "feed", "tester", scope="calendar").raw
        revoked = tokens.create_token(session, "staff", "revoked", "tester")
        tokens.revoke_token(session, revoked.info.id, "tester")
        raw["revoked"] = revoked.raw
        raw["expired"] = tokens.create_token(
            session, "staff", "expired", "tester", expires_days=1, now=dt.datetime(2020, 1, 1)
        ).raw

        grants.save_grant(
            session,
            grants.GrantInput(
                grant_id=OTHER_GRANT,
                funder="Fund",
                title="Other grant",
                start_date="2024-01-01",
                end_date="2024-12-31",
            ),
            "tester",
        )
        add_restricted_records(session, GRANT, "funder", external_id=SECRET_EXTERNAL_ID)
    return World(engine, raw)


@pytest.fixture
def client() -> Iterator[TestClient]:
    """Starlette's TestClient on the API's own routes (a 500 is answered, not raised)."""
    with TestClient(Starlette(routes=ROUTES), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def world(use_database: str) -> Iterator[World]:
    """The world on each database (``use_database``: DATABASE_URL, as the API reads it)."""
    world = build_world(use_database)
    yield world
    core.engine().dispose()  # the API's own engine (DATABASE_URL): no connection left open
    core._engine.cache_clear()
    world.engine.dispose()
