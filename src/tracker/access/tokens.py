"""Bearer tokens for the HTTP API (scope ``api``) and the calendar feed (scope ``calendar``).

A token is ``trk_`` and 43 URL-safe characters (32 random bytes from ``secrets``). It is
shown once, when it is created; the database keeps its first characters (``prefix``, to
tell tokens apart in a list) and an HMAC-SHA256 of the whole token, never the token.

Why a fast keyed hash and not argon2 as for passwords: a password is short and guessable,
so its hash must be slow to make each guess expensive. A token carries 256 random bits:
nobody can guess it, however fast the hash, so a slow hash would only slow every API call.
The key (``TRACKER_SECRET_KEY``, else a fixed application key) means a copy of the
database alone does not even let one test candidate tokens. Changing ``TRACKER_SECRET_KEY``
therefore invalidates every token (documented in docs/security.md).

A token stops working when it is revoked, when it expires, when its account is disabled
or removed, and for any other scope than its own. Every use is rate-limited per token
(``RATE_PER_MINUTE``, ``TRACKER_API_RATE_PER_MINUTE``) with a sliding-window counter kept
on the token's row, so every process serving the app counts the same uses. Creating and
revoking a token are audited (entity ``api_token``; the snapshot never holds the hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.access.accounts import Account, _account, find_user, normalise_username
from tracker.db.models import ApiToken, User, utcnow
from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.records import audit

SCOPES = ("api", "calendar")
TOKEN_PREFIX = "trk_"
SHOWN_PREFIX = 12  # "trk_" and 8 characters: enough to tell tokens apart, useless to guess
NAME_MAX = 100
WINDOW = dt.timedelta(minutes=1)
DEFAULT_RATE_PER_MINUTE = 120
# A fixed key when TRACKER_SECRET_KEY is not set: tokens must survive restarts and be
# shared by the CLI (which creates them) and the server (which checks them).
_FALLBACK_KEY = b"tracker api token v1"


def rate_per_minute() -> int:
    """``TRACKER_API_RATE_PER_MINUTE`` (default 120): uses a token may make in any minute."""
    try:
        return max(1, int(os.environ.get("TRACKER_API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)))
    except ValueError:
        return DEFAULT_RATE_PER_MINUTE


def token_hash(raw_token: str) -> str:
    key = os.environ.get("TRACKER_SECRET_KEY", "").encode() or _FALLBACK_KEY
    return hmac.new(key, raw_token.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class TokenInfo:
    """A token as lists show it: never the token nor its hash."""

    id: int
    username: str
    name: str
    prefix: str
    scope: str
    created_at: dt.datetime
    created_by: str
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None

    def status(self, now: dt.datetime | None = None) -> str:
        """``active``, ``expired`` or ``revoked`` (stored words, shown as ``_(status)``)."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= (now or utcnow()):
            return "expired"
        return "active"


@dataclass(frozen=True)
class CreatedToken:
    info: TokenInfo
    raw: str  # shown once, then forgotten


@dataclass(frozen=True)
class TokenUse:
    """What checking a token found: the account it acts for (None: refuse with 401), or
    how many seconds to wait when it is used too often (then ``account`` is None)."""

    account: Account | None
    token_id: int | None = None
    retry_after: int = 0


def _info(token: ApiToken) -> TokenInfo:
    return TokenInfo(
        id=token.id,
        username=token.user.username,
        name=token.name,
        prefix=token.prefix,
        scope=token.scope,
        created_at=token.created_at,
        created_by=token.created_by,
        last_used_at=token.last_used_at,
        expires_at=token.expires_at,
        revoked_at=token.revoked_at,
    )


def _snapshot(token: ApiToken) -> dict[str, object]:
    return {
        "username": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "scope": token.scope,
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked_at": token.revoked_at.isoformat() if token.revoked_at else None,
    }


def _audit(session: Session, actor: str, action: str, token: ApiToken, before: dict[str, Any] | None) -> None:
    session.flush()
    audit.record_entry(session, actor, action, "api_token", token.id, before, _snapshot(token))


def create_token(
    session: Session,
    username: str,
    name: str,
    actor: str,
    *,
    expires_days: int | None = None,
    scope: str = "api",
    now: dt.datetime | None = None,
) -> CreatedToken:
    """A new token for ``username``'s account; the raw token is in the result only."""
    user = find_user(session, username)
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=normalise_username(username)))
    label = " ".join(name.split())
    if not label or len(label) > NAME_MAX:
        raise ValidationFailed(
            _("Give the token a name of 1 to {limit} characters, e.g. the tool that will use it.").format(
                limit=NAME_MAX
            )
        )
    if scope not in SCOPES:
        raise ValidationFailed(_("The scope must be one of: {scopes}.").format(scopes=", ".join(SCOPES)))
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationFailed(_("A token expires after 1 to 3650 days; leave it out for no expiry."))
    now = now or utcnow()
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=label,
        prefix=raw[:SHOWN_PREFIX],
        token_hash=token_hash(raw),
        scope=scope,
        created_at=now,
        created_by=actor,
        expires_at=now + dt.timedelta(days=expires_days) if expires_days else None,
    )
    session.add(token)
    _audit(session, actor, "create", token, None)
    return CreatedToken(_info(token), raw)


def list_tokens(session: Session, username: str | None = None) -> list[TokenInfo]:
    """Every token (or one account's), newest first."""
    query = select(ApiToken).join(User, ApiToken.user_id == User.id)
    if username is not None:
        query = query.where(User.username == normalise_username(username))
    return [_info(t) for t in session.scalars(query.order_by(ApiToken.created_at.desc(), ApiToken.id.desc()))]


def find_token(session: Session, token_id: int) -> TokenInfo | None:
    token = session.get(ApiToken, token_id)
    return _info(token) if token is not None else None


def revoke_token(
    session: Session, token_id: int, actor: str, *, owner: str | None = None, now: dt.datetime | None = None
) -> TokenInfo:
    """Revoke a token for good. With ``owner``, only that account's own token (the account page)."""
    token = session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user.username != normalise_username(owner)):
        raise ValidationFailed(
            _("There is no token {id}; list the tokens to find its number.").format(id=token_id)
        )
    if token.revoked_at is None:
        before = _snapshot(token)
        token.revoked_at = now or utcnow()
        _audit(session, actor, "revoke", token, before)
    return _info(token)


def _window_wait(token: ApiToken, now: dt.datetime, limit: int) -> int:
    """Count this use in the token's sliding window; the seconds to wait if it is one too many.

    The estimate is the uses of the current minute plus those of the minute before it,
    weighted by how much of that minute still lies within the last 60 seconds.
    """
    minute = now.replace(second=0, microsecond=0)
    if token.window_start != minute:
        recent = token.window_start is not None and minute - token.window_start == WINDOW
        token.previous_window_uses = token.window_uses if recent else 0
        token.window_uses = 0
        token.window_start = minute
    elapsed = (now - minute).total_seconds()
    window = WINDOW.total_seconds()
    previous = token.previous_window_uses or 0
    current = token.window_uses or 0
    # previous * (window - elapsed) / window + current + 1 <= limit, multiplied out by
    # ``window`` so that whole seconds compare exactly.
    if previous * (window - elapsed) + (current + 1) * window <= limit * window:
        token.window_uses = current + 1
        return 0
    if current + 1 > limit or previous == 0:
        return max(1, math.ceil(window - elapsed))
    # Wait until the previous minute's weight has fallen enough for one more use.
    wait = window - elapsed - (limit - current - 1) * window / previous
    return max(1, math.ceil(wait))


def use_token(
    session: Session, raw_token: str, scope: str = "api", now: dt.datetime | None = None
) -> TokenUse:
    """Check a presented token and count its use (call inside a writing transaction).

    ``TokenUse.account`` is None for a missing, unknown, expired, revoked or wrong-scope
    token, or a disabled account (answer 401); ``retry_after`` > 0 when the token was used
    more than its rate allows (answer 429 with ``Retry-After``)."""
    if not raw_token or not raw_token.startswith(TOKEN_PREFIX) or len(raw_token) > 200:
        return TokenUse(None)
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(raw_token)))
    now = now or utcnow()
    if (
        token is None
        or token.scope != scope
        or token.revoked_at is not None
        or (token.expires_at is not None and token.expires_at <= now)
        or not token.user.active
    ):
        return TokenUse(None)
    wait = _window_wait(token, now, rate_per_minute())
    if wait:
        return TokenUse(None, token.id, wait)
    token.last_used_at = now
    return TokenUse(_account(token.user), token.id)


def authenticate(session: Session, raw_token: str, scope: str = "api") -> Account | None:
    """The account a token acts for, or None (bad, expired, revoked, disabled account, wrong
    scope, or used too often). Counts the use: call it inside a writing transaction. Callers
    that must tell "too often" (429) from "not valid" (401) use ``use_token``."""
    return use_token(session, raw_token, scope).account
