"""A small world for the HTTP API tests: one account and one token per role, and the
restricted-names records of tests/test_restricted_names.py (a restricted activity and
outcome carrying a forum, an event, an organisation and a country no other record carries)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Engine
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.factories import add_activity
from tracker.access import accounts, tokens
from tracker.api import ROUTES, core
from tracker.db import database
from tracker.db.models import Forum, ForumEvent
from tracker.db.reference_data import load_reference_data
from tracker.records import grants, outcomes

SECRET_FORUM = "Zq Secret Forum"
SECRET_EVENT = "Zq Secret Event 2024"
SECRET_ORGANISATION = "Zq Secret Organisation"
SECRET_EXTERNAL_ID = "zq-secret-activity"
SECRET_DAY = dt.date(2024, 3, 7)
SECRETS = (SECRET_FORUM, SECRET_EVENT, SECRET_ORGANISATION, SECRET_EXTERNAL_ID, "restricted title")
GRANT = "G-RESTRICTED-TEST"
OTHER_GRANT = "G-OTHER"
ROLES = ("admin", "staff", "member", "funder")
PASSWORD = "correct horse battery"


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

        forum = Forum(name=SECRET_FORUM, category="Other international")
        session.add(forum)
        session.flush()
        event = ForumEvent(forum_id=forum.id, name=SECRET_EVENT, start_date=SECRET_DAY, verified=True)
        session.add(event)
        session.flush()
        for grant_id in (GRANT, OTHER_GRANT):
            grants.save_grant(
                session,
                grants.GrantInput(
                    grant_id=grant_id,
                    funder="Fund",
                    title="Test grant",
                    start_date="2024-01-01",
                    end_date="2024-12-31",
                ),
                "tester",
            )
        grants.link_user(session, "funder", GRANT, "tester")
        secret = add_activity(
            session,
            grants=[GRANT],
            activity_date=SECRET_DAY,
            forum=SECRET_FORUM,
            event_id=event.id,
            organisations=[SECRET_ORGANISATION],
            country="TV",
            activity_type="field_visit",
            confidentiality="restricted",
            effort_days=4,
            title="restricted title",
            external_id=SECRET_EXTERNAL_ID,
        )
        for day, confidentiality in ((dt.date(2024, 2, 1), "public"), (dt.date(2024, 5, 1), "internal")):
            add_activity(
                session,
                activity_date=day,
                forum="KP Plenary",
                organisations=["IPIS"],
                country="BE",
                confidentiality=confidentiality,
                effort_days=1,
                grants=[GRANT],
                title=f"{confidentiality} title",
                external_id=f"{confidentiality}-activity",
            )
        for outcome_id, confidentiality in (("OUT-SECRET", "restricted"), ("OUT-PUBLIC", "public")):
            outcomes.create_outcome(
                session,
                outcomes.OutcomeInput(
                    outcome_id=outcome_id,
                    outcome_date=SECRET_DAY,
                    statement=f"{confidentiality} outcome statement",
                    social_actor="A ministry",
                    change_type="practice",
                    themes=["Land rights"],
                    forum=SECRET_FORUM if confidentiality == "restricted" else "KP Plenary",
                    country="TV" if confidentiality == "restricted" else None,
                    confidentiality=confidentiality,
                    activity_ids=[secret.id],
                ),
                "tester",
            )
    return World(engine, raw)


def api_client() -> TestClient:
    return TestClient(Starlette(routes=ROUTES), raise_server_exceptions=False)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def world_fixture(url: str) -> Iterator[World]:
    world = build_world(url)
    yield world
    core.engine().dispose()  # the API's own engine (DATABASE_URL): no connection left open
    core._engine.cache_clear()
    world.engine.dispose()
