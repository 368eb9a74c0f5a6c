"""Signed, expiring log-in sessions, independent of Streamlit.

A session holds the username, when it was issued and when it was last used, signed
with a server key (``TRACKER_SECRET_KEY``, or a random key per process). Anything
altered, or idle longer than ``TRACKER_SESSION_IDLE_MINUTES`` (default 30), is refused.
The role is never trusted from the session: it is read from the database on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

_PROCESS_KEY = secrets.token_bytes(32)


def _key() -> bytes:
    configured = os.environ.get("TRACKER_SECRET_KEY", "")
    return configured.encode() if configured else _PROCESS_KEY


def idle_limit() -> dt.timedelta:
    try:
        minutes = float(os.environ.get("TRACKER_SESSION_IDLE_MINUTES", "30"))
    except ValueError:
        minutes = 30.0
    return dt.timedelta(minutes=max(1.0, minutes))


@dataclass(frozen=True)
class SessionTicket:
    username: str
    issued_at: str
    signature: str


def _sign(username: str, issued_at: str) -> str:
    return hmac.new(_key(), f"{username}\n{issued_at}".encode(), hashlib.sha256).hexdigest()


def issue(username: str, now: dt.datetime) -> SessionTicket:
    issued_at = now.isoformat()
    return SessionTicket(username, issued_at, _sign(username, issued_at))


def verified_username(ticket: object) -> str | None:
    """The username of an untampered ticket, else None."""
    if not isinstance(ticket, SessionTicket):
        return None
    expected = _sign(ticket.username, ticket.issued_at)
    return ticket.username if hmac.compare_digest(expected, ticket.signature) else None


def is_idle(last_seen: object, now: dt.datetime) -> bool:
    return not isinstance(last_seen, dt.datetime) or now - last_seen > idle_limit()
