"""Server-side browser sessions (issue 9.6, issue 13.5), on SQLite and PostgreSQL."""

import datetime as dt

import pytest

from tracker.access import accounts, sessions
from tracker.access.sessions import Status
from tracker.db.models import BrowserSession

PASSWORD = "correct horse battery"
NOW = dt.datetime(2026, 3, 1, 9, 0)


@pytest.fixture
def alice(session):
    accounts.create_user(session, "alice", PASSWORD, "staff", "admin")
    accounts.create_user(session, "bob", PASSWORD, "member", "admin")
    session.commit()
    return session


def cookie_for(session, username="alice", now=NOW):
    started = sessions.start(session, username, now)
    value = sessions.redeem_ticket(session, started.ticket, now + dt.timedelta(seconds=2))
    return started.session_id, value


def test_a_ticket_is_swapped_once_for_a_signed_cookie_that_finds_the_session(alice):
    started = sessions.start(alice, "alice", NOW)
    value = sessions.redeem_ticket(alice, started.ticket, NOW)
    assert value is not None and started.ticket not in value
    assert sessions.redeem_ticket(alice, started.ticket, NOW) is None  # one time only
    assert sessions.from_cookie(alice, value, NOW) == started.session_id
    row = alice.get(BrowserSession, started.session_id)
    assert started.ticket not in (row.ticket_hash or "") and value.split(".")[0] != row.token_hash


def test_a_late_ticket_is_refused(alice):
    started = sessions.start(alice, "alice", NOW)
    late = NOW + dt.timedelta(seconds=sessions.TICKET_SECONDS + 1)
    assert sessions.redeem_ticket(alice, started.ticket, late) is None


def test_a_tampered_or_unsigned_cookie_is_refused(alice):
    _sid, value = cookie_for(alice)
    token, signature = value.split(".")
    assert sessions.from_cookie(alice, f"{token}x.{signature}", NOW) is None
    assert sessions.from_cookie(alice, token, NOW) is None
    assert sessions.from_cookie(alice, f"{token}.{'0' * len(signature)}", NOW) is None
    assert sessions.from_cookie(alice, None, NOW) is None


def test_logging_out_ends_the_session_for_every_tab(alice):
    sid, value = cookie_for(alice)
    assert sessions.check(alice, sid, NOW)[0] is Status.ACTIVE
    sessions.end(alice, sid)
    assert sessions.check(alice, sid, NOW) == (Status.ENDED, None)
    assert sessions.from_cookie(alice, value, NOW) is None


def test_idle_and_absolute_limits(alice, monkeypatch):
    monkeypatch.setenv("TRACKER_SESSION_IDLE_MINUTES", "30")
    monkeypatch.setenv("TRACKER_SESSION_MAX_HOURS", "12")
    sid, _value = cookie_for(alice)
    assert sessions.check(alice, sid, NOW + dt.timedelta(minutes=29))[0] is Status.ACTIVE
    assert sessions.check(alice, sid, NOW + dt.timedelta(minutes=29 + 31))[0] is Status.IDLE
    sid, _value = cookie_for(alice)
    moment = NOW
    for _step in range(12 * 3):  # active every 20 minutes for 12 hours
        moment += dt.timedelta(minutes=20)
        status = sessions.check(alice, sid, moment)[0]
        if moment - NOW <= dt.timedelta(hours=12):
            assert status is Status.ACTIVE, moment
    assert sessions.check(alice, sid, NOW + dt.timedelta(hours=12, minutes=10))[0] is Status.EXPIRED
    assert sessions.check(alice, sid, NOW + dt.timedelta(hours=12, minutes=11))[0] is Status.ENDED


def test_the_absolute_limit_applies_to_an_active_session(alice, monkeypatch):
    monkeypatch.setenv("TRACKER_SESSION_IDLE_MINUTES", "600")
    monkeypatch.setenv("TRACKER_SESSION_MAX_HOURS", "2")
    sid, _value = cookie_for(alice)
    assert sessions.check(alice, sid, NOW + dt.timedelta(hours=1, minutes=59))[0] is Status.ACTIVE
    assert sessions.check(alice, sid, NOW + dt.timedelta(hours=2, minutes=1))[0] is Status.EXPIRED


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: accounts.set_password(s, "alice", "another long password", "admin"), Status.CHANGED),
        (lambda s: accounts.set_role(s, "alice", "member", "admin"), Status.CHANGED),
        (lambda s: accounts.set_active(s, "alice", False, "admin"), Status.DISABLED),
    ],
    ids=["password", "role", "disabled"],
)
def test_a_password_role_or_active_change_ends_every_session_of_the_account(alice, change, expected):
    first, first_cookie = cookie_for(alice)
    second, _cookie = cookie_for(alice)
    other, _cookie = cookie_for(alice, "bob")
    change(alice)
    alice.flush()
    assert sessions.check(alice, first, NOW)[0] is expected
    assert sessions.check(alice, second, NOW)[0] is expected
    assert sessions.from_cookie(alice, first_cookie, NOW) is None
    assert sessions.check(alice, other, NOW)[0] is Status.ACTIVE


def test_the_role_is_read_from_the_database_not_the_session(alice):
    sid, _value = cookie_for(alice)
    status, account = sessions.check(alice, sid, NOW)
    assert (status, account.username, account.role) == (Status.ACTIVE, "alice", "staff")


def test_end_all_and_a_disabled_account_cannot_start(alice):
    cookie_for(alice)
    cookie_for(alice)
    assert sessions.end_all(alice, "alice") == 2
    accounts.set_active(alice, "bob", False, "admin")
    with pytest.raises(LookupError):
        sessions.start(alice, "bob", NOW)


def test_peek_reads_only_and_says_when_a_write_is_due(alice):
    sid, _value = cookie_for(alice)
    alice.commit()
    assert sessions.peek(alice, sid, NOW + dt.timedelta(seconds=10))[::2] == (Status.ACTIVE, False)
    status, account, must_write = sessions.peek(alice, sid, NOW + sessions.TOUCH_EVERY * 2)
    assert (status, account.username, must_write) == (Status.ACTIVE, "alice", True)
    assert alice.get(BrowserSession, sid).last_seen_at == NOW  # peek changed nothing
    assert sessions.peek(alice, sid, NOW + dt.timedelta(hours=2))[::2] == (Status.IDLE, True)
    assert alice.get(BrowserSession, sid) is not None
    assert sessions.peek(alice, "unknown", NOW) == (Status.ENDED, None, False)
