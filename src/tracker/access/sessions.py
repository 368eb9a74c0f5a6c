"""Browser sessions: server-side records behind a signed, HttpOnly cookie. No Streamlit here.

A log-in creates a ``BrowserSession`` row and a one-time ticket (valid
``TICKET_SECONDS``). The page hands the ticket to ``POST /tracker-session`` (by
``fetch``, never in the URL), which swaps it for the cookie: a random token plus an
HMAC signature (``TRACKER_SECRET_KEY``). Only hashes of the token and ticket are
stored. Every run of the app re-checks the row, so a session ends for every tab at
once when:

- its user logs out (the row is deleted);
- it is idle longer than ``TRACKER_SESSION_IDLE_MINUTES`` (default 30; activity in any
  tab counts);
- it is older than ``TRACKER_SESSION_MAX_HOURS`` (default 12), however active;
- the account is disabled or removed, its role changes or its password changes.

The role is never trusted from the session: the account is read from the database on
every run.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from tracker.access.accounts import Account, active_account
from tracker.db.models import BrowserSession, User

COOKIE_NAME = "tracker_session"
TICKET_SECONDS = 60
# last_seen_at is written at most this often, so a click is not a database write.
TOUCH_EVERY = dt.timedelta(seconds=30)
_PROCESS_KEY = secrets.token_bytes(32)


class Status(enum.Enum):
    ACTIVE = "active"
    ENDED = "ended"  # logged out (any tab), or never existed
    IDLE = "idle"
    EXPIRED = "expired"  # absolute lifetime reached
    CHANGED = "changed"  # password or role changed since log-in
    DISABLED = "disabled"  # account disabled or removed


@dataclass(frozen=True)
class Started:
    session_id: str  # kept server-side only (Streamlit session state)
    ticket: str  # one-time, for the cookie route


def _key() -> bytes:
    configured = os.environ.get("TRACKER_SECRET_KEY", "")
    return configured.encode() if configured else _PROCESS_KEY


def signing_key() -> bytes:
    """The app's secret key (``TRACKER_SECRET_KEY``; without it, one random key per process):
    cookies here, and e-mail verification links (``tracker.access.email_verification``)."""
    return _key()


def _float_env(name: str, default: float, floor: float) -> float:
    try:
        return max(floor, float(os.environ.get(name, str(default))))
    except ValueError:
        return default


def idle_limit() -> dt.timedelta:
    return dt.timedelta(minutes=_float_env("TRACKER_SESSION_IDLE_MINUTES", 30.0, 1.0))


def absolute_limit() -> dt.timedelta:
    return dt.timedelta(hours=_float_env("TRACKER_SESSION_MAX_HOURS", 12.0, 0.1))


def is_idle(last_seen: object, now: dt.datetime) -> bool:
    return not isinstance(last_seen, dt.datetime) or now - last_seen > idle_limit()


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _fingerprint(user: User) -> str:
    return _hash(f"{user.password_hash or ''}\n{user.id}")


def _sign(token: str) -> str:
    return hmac.new(_key(), token.encode(), hashlib.sha256).hexdigest()


def cookie_value(token: str) -> str:
    return f"{token}.{_sign(token)}"


def token_from_cookie(value: object) -> str | None:
    """The token of an untampered cookie value, else None."""
    if not isinstance(value, str) or value.count(".") != 1:
        return None
    token, signature = value.split(".")
    return token if token and hmac.compare_digest(_sign(token), signature) else None


def purge(session: Session, now: dt.datetime) -> None:
    """Delete every session past its idle or absolute limit."""
    session.execute(
        delete(BrowserSession).where(
            or_(
                BrowserSession.last_seen_at < now - idle_limit(),
                BrowserSession.created_at < now - absolute_limit(),
            )
        )
    )


def start(session: Session, username: str, now: dt.datetime) -> Started:
    """A new session for an active account, with a one-time ticket for its cookie."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise LookupError("no active account")
    purge(session, now)
    started = Started(secrets.token_urlsafe(32), secrets.token_urlsafe(32))
    session.add(
        BrowserSession(
            id=started.session_id,
            user_id=user.id,
            role=user.role,
            password_fingerprint=_fingerprint(user),
            ticket_hash=_hash(started.ticket),
            ticket_expires_at=now + dt.timedelta(seconds=TICKET_SECONDS),
            created_at=now,
            last_seen_at=now,
        )
    )
    return started


def redeem_ticket(session: Session, ticket: str, now: dt.datetime) -> str | None:
    """Swap a fresh one-time ticket for the cookie value (a new token), else None."""
    if not ticket:
        return None
    row = session.scalar(select(BrowserSession).where(BrowserSession.ticket_hash == _hash(ticket)))
    if row is None:
        return None
    expired = row.ticket_expires_at is None or row.ticket_expires_at < now
    row.ticket_hash = row.ticket_expires_at = None
    if expired or _check_row(session, row, now)[0] is not Status.ACTIVE:
        return None
    token = secrets.token_urlsafe(32)
    row.token_hash = _hash(token)
    return cookie_value(token)


def from_cookie(session: Session, value: object, now: dt.datetime) -> str | None:
    """The session id behind a valid cookie value, else None."""
    token = token_from_cookie(value)
    if token is None:
        return None
    row = session.scalar(select(BrowserSession).where(BrowserSession.token_hash == _hash(token)))
    if row is None or _check_row(session, row, now)[0] is not Status.ACTIVE:
        return None
    return row.id


def _status(session: Session, row: BrowserSession, now: dt.datetime) -> tuple[Status, User | None]:
    """What a session's record says now, without changing anything."""
    user = session.get(User, row.user_id)
    if user is None or not user.active:
        return Status.DISABLED, None
    if user.role != row.role or _fingerprint(user) != row.password_fingerprint:
        return Status.CHANGED, None
    if now - row.created_at > absolute_limit():
        return Status.EXPIRED, None
    if is_idle(row.last_seen_at, now):
        return Status.IDLE, None
    return Status.ACTIVE, user


def _check_row(session: Session, row: BrowserSession, now: dt.datetime) -> tuple[Status, Account | None]:
    status, user = _status(session, row, now)
    if user is not None:
        if now - row.last_seen_at > TOUCH_EVERY:
            row.last_seen_at = now
        return Status.ACTIVE, active_account(session, user.username)
    session.delete(row)
    session.flush()
    return status, None


def peek(session: Session, session_id: object, now: dt.datetime) -> tuple[Status, Account | None, bool]:
    """``check`` without writing: (status, account, whether ``check`` must write).

    A run of the app only reads, unless the session ended or is due a ``last_seen_at``
    update (at most every ``TOUCH_EVERY``): most clicks take no write lock.
    """
    row = session.get(BrowserSession, session_id) if isinstance(session_id, str) else None
    if row is None:
        return Status.ENDED, None, False
    status, user = _status(session, row, now)
    if user is None:
        return status, None, True
    return status, active_account(session, user.username), now - row.last_seen_at > TOUCH_EVERY


def check(session: Session, session_id: object, now: dt.datetime) -> tuple[Status, Account | None]:
    """Is this session still valid? Its account (re-read) if so; an ended session is deleted."""
    row = session.get(BrowserSession, session_id) if isinstance(session_id, str) else None
    if row is None:
        return Status.ENDED, None
    return _check_row(session, row, now)


def end(session: Session, session_id: object) -> None:
    """Log out: the session ends in every tab."""
    if isinstance(session_id, str):
        session.execute(delete(BrowserSession).where(BrowserSession.id == session_id))


def end_by_cookie(session: Session, value: object) -> None:
    token = token_from_cookie(value)
    if token is not None:
        session.execute(delete(BrowserSession).where(BrowserSession.token_hash == _hash(token)))


def end_all(session: Session, username: str) -> int:
    """End every session of an account; returns how many ended."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        return 0
    rows = session.scalars(select(BrowserSession).where(BrowserSession.user_id == user.id)).all()
    for row in rows:
        session.delete(row)
    session.flush()
    return len(rows)


def account_from_cookie(session: Session, value: object, now: dt.datetime) -> Account | None:
    """The account behind a valid session cookie (routes outside the Streamlit run: the
    calendar feed), else None. Idle, expired and changed sessions count as signed out."""
    session_id = from_cookie(session, value, now)
    if session_id is None:
        return None
    status, account = check(session, session_id, now)
    return account if status is Status.ACTIVE else None
