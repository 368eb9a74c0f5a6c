"""Log-in throttling (``docs/security.md``): how long a log-in attempt must wait.

It slows guessing with delays, never lockouts, and cannot be turned against the real user.
Failures are counted in the database (so every replica sees them) under three keys, each a
keyed hash (HMAC with the server key) so no typed username is stored: the username with the
client address (3 free failures), the client address alone, across usernames (10 free
failures), and the username alone across addresses (10 free failures, applied only to
clients that have themselves failed, and at most ``USER_MAX_WAIT``). Past the free failures
each attempt must wait, the wait doubling from one second. A correct password after the wait
works; someone guessing from another address never makes the real user wait. Rows are
pruned after ``THROTTLE_FORGET`` and capped at ``THROTTLE_MAX_ROWS``.

``tracker.access.accounts.authenticate`` is the one caller: it asks for a ``refusal``
before checking the password, then reports a failure (``record_failure``) or a success
(``forget_after_success``). Usernames arrive normalised (``accounts.normalise_username``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from tracker.db.models import LoginThrottle, utcnow

# Free failures per key, then a wait doubling from FIRST_WAIT up to the cap.
PAIR_FREE, CLIENT_FREE, USER_FREE = 3, 10, 10
FIRST_WAIT = dt.timedelta(seconds=1)
MAX_WAIT = dt.timedelta(minutes=15)
USER_MAX_WAIT = dt.timedelta(seconds=60)
THROTTLE_FORGET = dt.timedelta(hours=24)
THROTTLE_MAX_ROWS = 10_000
_PROCESS_KEY = secrets.token_bytes(32)


def _throttle_key(kind: str, *parts: str) -> str:
    secret = os.environ.get("TRACKER_SECRET_KEY", "").encode() or _PROCESS_KEY
    message = "\n".join((kind, *parts)).encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Keys:
    """The three counters one attempt touches (keyed hashes, never the typed username)."""

    pair: str
    client: str
    user: str


@dataclass(frozen=True)
class Refusal:
    """An attempt that must wait: ``seconds`` (rounded up); ``first`` when it is the first
    attempt refused in this wait (one audit entry per wait); ``failures``, the largest count."""

    seconds: int
    first: bool
    failures: int


def keys(username: str, client: str) -> Keys:
    """The counters of a (normalised) ``username`` trying from ``client``."""
    return Keys(
        _throttle_key("pair", username, client),
        _throttle_key("client", client),
        _throttle_key("user", username),
    )


def _row(session: Session, key: str, now: dt.datetime) -> LoginThrottle | None:
    row = session.get(LoginThrottle, key)
    if row is not None and now - row.last_failure_at > THROTTLE_FORGET:
        return None
    return row


def _wait_for(row: LoginThrottle | None, free: int, cap: dt.timedelta, now: dt.datetime) -> dt.timedelta:
    if row is None or row.failures < free:
        return dt.timedelta(0)
    wait = min(FIRST_WAIT * 2 ** min(row.failures - free, 30), cap)
    return max(dt.timedelta(0), row.last_failure_at + wait - now)


def _waits(session: Session, keys: Keys, now: dt.datetime) -> tuple[dt.timedelta, list[LoginThrottle]]:
    pair, client, user = (_row(session, k, now) for k in (keys.pair, keys.client, keys.user))
    wait = max(_wait_for(pair, PAIR_FREE, MAX_WAIT, now), _wait_for(client, CLIENT_FREE, MAX_WAIT, now))
    # Guesses spread over many addresses slow one username down, but only for clients that
    # have failed themselves: the real user at a clean address never waits for them.
    # And it reaches a client in proportion to that client's own failures: a short delay that
    # doubles with each (1 s after one typo, 2 s after two ...) up to the whole username's
    # wait, so the real user who mistypes once during an attack waits a second, not a minute,
    # while an address that keeps guessing soon waits it all.
    mine = [r for r in (pair, client) if r is not None and r.failures]
    if mine:
        own = max(r.failures for r in mine)
        last = max(r.last_failure_at for r in mine)
        share = last + min(FIRST_WAIT * 2 ** min(own - 1, 30), USER_MAX_WAIT) - now
        wait = max(wait, min(_wait_for(user, USER_FREE, USER_MAX_WAIT, now), share))
    return wait, [r for r in (pair, client, user) if r is not None]


def throttle_wait(session: Session, username: str, client: str, now: dt.datetime | None = None) -> int:
    """Seconds the next attempt for (normalised) ``username`` from ``client`` must wait (0: none)."""
    now = now or utcnow()
    wait, _rows = _waits(session, keys(username[:320], client), now)
    return _seconds(wait)


def _seconds(wait: dt.timedelta) -> int:
    if wait <= dt.timedelta(0):
        return 0
    whole = int(wait.total_seconds())
    return whole if whole == wait.total_seconds() else whole + 1


def refusal(session: Session, keys: Keys, now: dt.datetime) -> Refusal | None:
    """None when the attempt may go ahead; else how long it must wait (the attempt counts
    as refused on every counter, so the next refusal in the same wait is not the first)."""
    wait, rows = _waits(session, keys, now)
    if wait <= dt.timedelta(0):
        return None
    first = not any(r.refused for r in rows)
    for row in rows:
        row.refused += 1
    return Refusal(_seconds(wait), first, max(r.failures for r in rows))


def _prune(session: Session, now: dt.datetime) -> None:
    """Forget old failures and keep at most THROTTLE_MAX_ROWS rows (the newest)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - THROTTLE_FORGET))
    session.flush()
    count = session.scalar(select(func.count()).select_from(LoginThrottle)) or 0
    if count > THROTTLE_MAX_ROWS:
        excess = count - THROTTLE_MAX_ROWS
        oldest = select(LoginThrottle.key).order_by(LoginThrottle.last_failure_at).limit(excess)
        session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(list(session.scalars(oldest)))))


def record_failure(session: Session, keys: Keys, now: dt.datetime) -> int:
    """Count a wrong password on every counter; the failures of the username from this client."""
    for key, kind in ((keys.pair, "pair"), (keys.client, "client"), (keys.user, "user")):
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, kind=kind, failures=0, refused=0, last_failure_at=now)
            session.add(row)
        elif now - row.last_failure_at > THROTTLE_FORGET:
            row.failures = 0
        row.failures += 1
        row.refused = 0
        row.last_failure_at = now
    session.flush()
    _prune(session, now)
    pair = session.get(LoginThrottle, keys.pair)
    return pair.failures if pair else 1


def forget_after_success(session: Session, keys: Keys) -> None:
    """The real user proved who they are: their own and their username's counts start again
    (the client's count does not, or one valid account would reset a guesser's)."""
    for stale in (keys.pair, keys.user):
        counted = session.get(LoginThrottle, stale)
        if counted is not None:
            session.delete(counted)
