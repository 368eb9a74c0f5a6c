"""Verifying an account's own e-mail address: the signed, expiring link. No Streamlit here.

A person types their address in the sidebar (``accounts.set_own_email`` stores it
unverified: no digest goes to it). ``tracker.publish.verification_mail`` sends a link to
``/verify-email?token=TOKEN`` (``tracker.web.routes``); opening it marks the address
verified (``accounts.mark_email_verified``), and the monthly digest then goes to it.

The token is ``username``, the address and an expiry time, URL-safe base64, with an HMAC
signature by the key that signs session cookies (``TRACKER_SECRET_KEY``,
``tracker.access.sessions``): nothing is stored, it cannot be forged or altered, it is
good for ``LINK_HOURS`` only, and it verifies only the address it was sent to (an account
that changed its address since gets "this link is for another address").
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import enum
import hmac
import json

from sqlalchemy.orm import Session

from tracker.access import accounts, sessions

PATH = "/verify-email"
LINK_HOURS = 48
_PURPOSE = b"tracker e-mail verification v1\n"


class Outcome(enum.Enum):
    VERIFIED = "verified"
    EXPIRED = "expired"
    INVALID = "invalid"  # altered, truncated or signed by another key
    STALE = "stale"  # the account's address changed since (or the account is gone or disabled)


def _signature(payload: bytes) -> str:
    digest = hmac.new(sessions.signing_key(), _PURPOSE + payload, "sha256").digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_token(username: str, email: str, now: dt.datetime) -> str:
    expires = int((now + dt.timedelta(hours=LINK_HOURS)).replace(tzinfo=dt.UTC).timestamp())
    payload = json.dumps([username, email, expires], separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_signature(payload)}"


def read_token(token: str, now: dt.datetime) -> tuple[Outcome, str, str]:
    """(outcome, username, address) of a token; outcome VERIFIED means "good, not yet used"."""
    body, _dot, signature = token.strip().partition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        username, email, expires = json.loads(payload)
    except (binascii.Error, ValueError, TypeError):
        return Outcome.INVALID, "", ""
    if not isinstance(username, str) or not isinstance(email, str) or not isinstance(expires, int):
        return Outcome.INVALID, "", ""
    if not hmac.compare_digest(_signature(payload), signature):
        return Outcome.INVALID, "", ""
    if now.replace(tzinfo=dt.UTC).timestamp() > expires:
        return Outcome.EXPIRED, username, email
    return Outcome.VERIFIED, username, email


def verify(session: Session, token: str, now: dt.datetime) -> tuple[Outcome, str]:
    """Mark the address of a good token verified; (outcome, username) whatever happened."""
    outcome, username, email = read_token(token[:2000], now)
    if outcome is Outcome.VERIFIED and not accounts.mark_email_verified(session, username, email, now):
        outcome = Outcome.STALE
    return outcome, username


def link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}?token={token}"
