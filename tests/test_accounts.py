import datetime as dt
import logging

import pytest
from sqlalchemy import select

from tracker.access import accounts, throttle
from tracker.db.models import AuditEntry, User
from tracker.errors import ValidationFailed

PASSWORD = "correct horse battery"


@pytest.fixture
def alice(session):
    accounts.create_user(session, "Alice", PASSWORD, "staff", "admin", display_name="Alice A.")
    session.commit()
    return session


@pytest.mark.real_password_hashing
def test_passwords_are_stored_only_as_argon2_hashes(session):
    accounts.create_user(session, "Alice", PASSWORD, "staff", "admin", display_name="Alice A.")
    session.commit()
    alice = session
    user = alice.scalar(select(User).where(User.username == "alice"))
    # argon2-cffi's defaults (RFC 9106's second recommendation): Argon2id, 64 MiB, 3 passes.
    assert user.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert accounts.authenticate(session, "alice", PASSWORD).account is not None
    assert PASSWORD not in user.password_hash
    for entry in alice.scalars(select(AuditEntry)):
        assert "password_hash" not in (entry.after or {}) and user.password_hash not in str(entry.after)


def test_right_password_logs_in_and_wrong_or_unknown_get_the_same_answer(alice):
    assert accounts.authenticate(alice, "ALICE", PASSWORD).account.role == "staff"
    wrong = accounts.authenticate(alice, "alice", "not the password")
    unknown = accounts.authenticate(alice, "nobody", PASSWORD)
    assert wrong.account is None and unknown.account is None
    assert wrong.message == unknown.message == accounts.LOGIN_FAILED


def test_failures_from_one_client_slow_further_attempts_and_are_logged(alice, caplog):
    now = dt.datetime(2026, 1, 1, 12, 0, 0)
    caplog.set_level(logging.WARNING)
    for attempt in range(throttle.PAIR_FREE):
        assert accounts.authenticate(alice, "alice", f"guess {attempt}", "192.0.2.1", now=now).account is None
    throttled = accounts.authenticate(alice, "alice", PASSWORD, "192.0.2.1", now=now)
    assert throttled.account is None and "wait" in throttled.message and throttled.wait_seconds == 1
    later = now + dt.timedelta(seconds=1)
    assert accounts.authenticate(alice, "alice", PASSWORD, "192.0.2.1", now=later).account is not None
    actions = [e.action for e in alice.scalars(select(AuditEntry).where(AuditEntry.entity == "login"))]
    assert "login_failed" in actions and "login_throttled" in actions
    assert "slowed" in caplog.text and PASSWORD not in caplog.text and "guess" not in caplog.text


def test_unknown_usernames_are_throttled_too(alice):
    now = dt.datetime(2026, 1, 1)
    for _ in range(throttle.PAIR_FREE):
        accounts.authenticate(alice, "mallory", "x" * 12, "192.0.2.1", now=now)
    assert accounts.authenticate(alice, "mallory", "x" * 12, "192.0.2.1", now=now).wait_seconds > 0


def test_disabled_accounts_cannot_log_in(alice):
    accounts.set_active(alice, "alice", False, "admin")
    result = accounts.authenticate(alice, "alice", PASSWORD)
    assert result.account is None and result.message == accounts.LOGIN_FAILED
    assert accounts.active_account(alice, "alice") is None


@pytest.mark.parametrize(
    "username", ["<script>alert(1)</script>", "x'; DROP TABLE users; --", "a", "A" * 65, "bad name"]
)
def test_usernames_with_markup_sql_or_bad_length_are_refused(session, username):
    with pytest.raises(ValidationFailed, match="A username is"):
        accounts.create_user(session, username, PASSWORD, "member", "admin")
    result = accounts.authenticate(session, username, PASSWORD)
    assert result.account is None and result.message == accounts.LOGIN_FAILED
    actors = {e.actor for e in session.scalars(select(AuditEntry))}
    assert username.lower() not in actors


def test_very_long_passwords_are_refused_cleanly(alice):
    with pytest.raises(ValidationFailed, match="at most 128"):
        accounts.set_password(alice, "alice", "p" * 1000, "admin")
    assert accounts.authenticate(alice, "alice", "p" * 5000).message == accounts.LOGIN_FAILED


def test_roles_are_checked_and_changes_are_audited(alice):
    with pytest.raises(ValidationFailed, match="role must be one of"):
        accounts.create_user(alice, "bob", PASSWORD, "superuser", "admin")
    accounts.set_role(alice, "alice", "member", "admin")
    entry = alice.scalars(select(AuditEntry).where(AuditEntry.action == "set_role")).one()
    assert (entry.before["role"], entry.after["role"], entry.actor) == ("staff", "member", "admin")


def test_duplicate_username_is_refused(alice):
    with pytest.raises(ValidationFailed, match="taken"):
        accounts.create_user(alice, "alice", PASSWORD, "member", "admin")


def test_single_sign_on_email_maps_to_an_active_account(session):
    accounts.create_user(session, "carol", PASSWORD, "funder", "admin", email="Carol@Example.org")
    assert accounts.account_for_email(session, "carol@example.ORG").role == "funder"
    assert accounts.account_for_email(session, "nobody@example.org") is None
