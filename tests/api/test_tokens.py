"""API tokens (tracker.access.tokens) on both databases: hashed at rest, shown once, expiry,
revocation, disabled accounts, scope, the per-token rate limit, the audit trail, the CLI."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, text

from tracker.access import accounts, tokens
from tracker.cli import main
from tracker.db.models import ApiToken, AuditEntry, utcnow
from tracker.errors import ValidationFailed

PASSWORD = "correct horse battery"


@pytest.fixture
def alice(session):
    accounts.create_user(session, "alice", PASSWORD, "member", "admin", organisation="IPIS")
    session.commit()
    return "alice"


def test_the_raw_token_is_never_stored_only_its_keyed_hash(session, alice):
    created = tokens.create_token(session, alice, "Website", "admin")
    session.commit()
    raw = created.raw
    assert raw.startswith("trk_") and len(raw) > 40
    row = session.scalar(select(ApiToken))
    assert row.token_hash == tokens.token_hash(raw) and len(row.token_hash) == 64
    assert row.prefix == raw[:12] and created.info.prefix == raw[:12]
    # Nowhere in any table: dump every text column of the tokens and the audit log.
    dumped = " ".join(
        str(value)
        for table in ("api_tokens", "audit_log")
        for row in session.execute(text(f"SELECT * FROM {table}"))
        for value in row
    )
    assert raw not in dumped and raw[12:] not in dumped
    assert tokens.authenticate(session, raw).username == "alice"


def test_changing_the_secret_key_changes_the_hash(monkeypatch):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    plain = tokens.token_hash("trk_x")
    monkeypatch.setenv("TRACKER_SECRET_KEY", "another key")
    assert tokens.token_hash("trk_x") != plain


def test_bad_tokens_are_refused(session, alice):
    created = tokens.create_token(session, alice, "Website", "admin")
    for bad in ("", "nonsense", created.raw + "x", created.raw[:-1], "trk_" + "A" * 43, created.raw.upper()):
        assert tokens.authenticate(session, bad) is None, bad


def test_an_expired_token_stops_working(session, alice):
    start = utcnow()
    created = tokens.create_token(session, alice, "Website", "admin", expires_days=2, now=start)
    assert created.info.expires_at == start + dt.timedelta(days=2)
    assert tokens.use_token(session, created.raw, now=start + dt.timedelta(days=1)).account is not None
    assert tokens.use_token(session, created.raw, now=start + dt.timedelta(days=2)).account is None
    assert tokens.find_token(session, created.info.id).status(start + dt.timedelta(days=3)) == "expired"


def test_a_revoked_token_stops_working_and_both_steps_are_audited(session, alice):
    created = tokens.create_token(session, alice, "Website", "admin")
    assert tokens.authenticate(session, created.raw) is not None
    info = tokens.revoke_token(session, created.info.id, "admin")
    session.commit()
    assert info.status() == "revoked"
    assert tokens.authenticate(session, created.raw) is None
    audit = session.scalars(select(AuditEntry).where(AuditEntry.entity == "api_token")).all()
    assert [(a.action, a.actor, a.entity_id) for a in audit] == [
        ("create", "admin", created.info.id),
        ("revoke", "admin", created.info.id),
    ]
    assert audit[1].before["revoked_at"] is None and audit[1].after["revoked_at"] is not None
    assert all("hash" not in str(a.after) for a in audit)


def test_only_the_owner_revokes_from_the_account_page(session, alice):
    accounts.create_user(session, "bob", PASSWORD, "staff", "admin")
    created = tokens.create_token(session, alice, "Website", "alice")
    with pytest.raises(ValidationFailed):
        tokens.revoke_token(session, created.info.id, "bob", owner="bob")
    assert tokens.authenticate(session, created.raw) is not None
    tokens.revoke_token(session, created.info.id, "alice", owner="alice")
    assert tokens.authenticate(session, created.raw) is None


def test_a_disabled_account_s_tokens_stop_working_and_work_again_when_enabled(session, alice):
    created = tokens.create_token(session, alice, "Website", "admin")
    accounts.set_active(session, alice, False, "admin")
    assert tokens.authenticate(session, created.raw) is None
    accounts.set_active(session, alice, True, "admin")
    assert tokens.authenticate(session, created.raw) is not None


def test_a_token_works_for_its_own_scope_only(session, alice):
    api = tokens.create_token(session, alice, "Website", "admin")
    calendar = tokens.create_token(session, alice, "Outlook", "admin", scope="calendar")
    assert tokens.authenticate(session, api.raw, "calendar") is None
    assert tokens.authenticate(session, calendar.raw) is None
    assert tokens.authenticate(session, calendar.raw, scope="calendar").username == "alice"


def test_creation_checks_its_input(session, alice):
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, "nobody", "x", "admin")
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, alice, "   ", "admin")
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, alice, "x", "admin", scope="everything")
    with pytest.raises(ValidationFailed):
        tokens.create_token(session, alice, "x", "admin", expires_days=0)


def test_last_use_is_recorded(session, alice):
    created = tokens.create_token(session, alice, "Website", "admin")
    assert created.info.last_used_at is None
    moment = utcnow()
    tokens.use_token(session, created.raw, now=moment)
    assert tokens.find_token(session, created.info.id).last_used_at == moment


def test_the_rate_limit_is_a_sliding_window_per_token(session, alice, monkeypatch):
    monkeypatch.setenv("TRACKER_API_RATE_PER_MINUTE", "3")
    created = tokens.create_token(session, alice, "Website", "admin")
    other = tokens.create_token(session, alice, "Other", "admin")
    minute = dt.datetime(2026, 1, 5, 10, 0)
    for second in (1, 2, 3):
        assert tokens.use_token(session, created.raw, now=minute.replace(second=second)).account is not None
    refused = tokens.use_token(session, created.raw, now=minute.replace(second=10))
    assert refused.account is None and refused.retry_after == 50  # until this minute ends
    assert tokens.use_token(session, other.raw, now=minute.replace(second=10)).account is not None
    # At 10:01:30 the previous minute's 3 uses weigh half: 1.5 + 0 + 1 <= 3 allowed, twice...
    next_minute = minute + dt.timedelta(minutes=1, seconds=30)
    assert tokens.use_token(session, created.raw, now=next_minute).account is not None
    # ...then 1.5 + 1 + 1 = 3.5 > 3: wait until 3 * (1 - t/60) + 1 + 1 <= 3, t = 40 s: 10 s more.
    limited = tokens.use_token(session, created.raw, now=next_minute)
    assert limited.account is None and limited.retry_after == 10
    assert tokens.use_token(session, created.raw, now=next_minute + dt.timedelta(seconds=10)).account
    # Two quiet minutes later the window is empty again.
    later = minute + dt.timedelta(minutes=5)
    assert all(tokens.use_token(session, created.raw, now=later).account for _ in range(3))


def test_cli_creates_lists_and_revokes_tokens(use_database, capsys):
    from tracker.db import database

    engine = database.open_database(use_database)
    with database.writing(engine) as session:
        accounts.create_user(session, "carol", PASSWORD, "funder", "admin")
    assert main(["create-token", "carol", "--name", "Portfolio tool", "--expires-days", "30"]) == 0
    printed = capsys.readouterr()
    raw = printed.out.strip()
    assert raw.startswith("trk_") and "not shown again" in printed.err
    assert main(["create-token", "carol", "--name", "Calendar", "--scope", "calendar"]) == 0
    capsys.readouterr()
    assert main(["list-tokens", "carol"]) == 0
    listing = capsys.readouterr().out
    assert raw not in listing and raw[:12] in listing
    lines = listing.strip().splitlines()
    assert lines[0].split("\t") == [
        "id",
        "username",
        "name",
        "prefix",
        "scope",
        "created",
        "last_used",
        "expires",
        "status",
    ]
    rows = {line.split("\t")[2]: line.split("\t") for line in lines[1:]}
    assert rows["Portfolio tool"][4] == "api" and rows["Calendar"][4] == "calendar"
    assert rows["Portfolio tool"][7] != "–" and rows["Calendar"][7] == "–"
    token_id = rows["Portfolio tool"][0]
    assert main(["revoke-token", token_id]) == 0
    assert "revoked" in capsys.readouterr().out
    with database.session_factory(engine)() as session:
        assert tokens.authenticate(session, raw) is None
    assert main(["list-tokens"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert main(["revoke-token", "9999"]) == 1
    assert "no token 9999" in capsys.readouterr().err
    engine.dispose()
