"""User accounts: creation, passwords (argon2), roles, deactivation and logging in.

Log-in failures are counted per username, known or not, in the database (so every app
replica sees them): after ``THROTTLE_AFTER`` failures each further attempt must wait,
the wait doubling up to ``MAX_WAIT``. A known and an unknown username get the same
answer. Passwords and hashes never leave this module except as a hash into the
``users`` table; nothing here logs or prints them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.errors import ValidationFailed
from tracker.i18n import N_, _, ngettext
from tracker.models import AuditEntry, LoginThrottle, User, utcnow
from tracker.permissions import ROLES

log = logging.getLogger(__name__)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_MIN, PASSWORD_MAX = 10, 128
THROTTLE_AFTER = 5
FIRST_WAIT = dt.timedelta(seconds=30)
MAX_WAIT = dt.timedelta(minutes=15)
LOGIN_FAILED = N_("The username or password is not right. Check both and try again.")

_hasher = PasswordHasher()
# Verifying against this keeps an unknown username as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, only for equal timing")


@dataclass(frozen=True)
class Account:
    """What the rest of the app may know about a user: never the hash."""

    id: int
    username: str
    display_name: str
    role: str
    organisation: str | None
    email: str | None
    active: bool
    is_demo: bool
    last_login_at: dt.datetime | None


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    message: str | None = None
    wait_seconds: int = 0


def _account(user: User) -> Account:
    return Account(
        user.id,
        user.username,
        user.display_name,
        user.role,
        user.organisation,
        user.email,
        user.active,
        user.is_demo,
        user.last_login_at,
    )


def normalise_username(username: str) -> str:
    return username.strip().lower()


def check_username(username: str) -> str:
    name = normalise_username(username)
    if not USERNAME.match(name):
        raise ValidationFailed(
            _(
                "A username is 2 to 64 characters: lowercase letters, digits, dot, dash or underscore, "
                "starting with a letter or digit."
            )
        )
    return name


def check_password(password: str) -> str:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise ValidationFailed(
            _("A password is {low} to {high} characters long.").format(low=PASSWORD_MIN, high=PASSWORD_MAX)
        )
    return password


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationFailed(_("The role must be one of: {roles}.").format(roles=", ".join(ROLES)))
    return role


def _audit(session: Session, actor: str, action: str, user: User, before: dict | None = None) -> None:
    session.flush()
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity="user",
            entity_id=user.id,
            before=before,
            after=user_snapshot(user),
        )
    )


def user_snapshot(user: User) -> dict:
    """The account for the audit log: deliberately without the password hash."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "organisation": user.organisation,
        "email": user.email,
        "active": user.active,
    }


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def _existing(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=normalise_username(username)))
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str,
    actor: str,
    *,
    display_name: str | None = None,
    organisation: str | None = None,
    email: str | None = None,
    is_demo: bool = False,
) -> Account:
    name = check_username(username)
    check_role(role)
    check_password(password)
    if find_user(session, name) is not None:
        raise ValidationFailed(_("The username “{name}” is taken.").format(name=name))
    user = User(
        username=name,
        display_name=(display_name or name).strip()[:200],
        role=role,
        organisation=organisation,
        email=email.strip().lower() if email else None,
        password_hash=_hasher.hash(password),
        password_changed_at=utcnow(),
        is_demo=is_demo,
    )
    session.add(user)
    _audit(session, actor, "create", user)
    return _account(user)


def set_password(session: Session, username: str, password: str, actor: str) -> None:
    user = _existing(session, username)
    user.password_hash = _hasher.hash(check_password(password))
    user.password_changed_at = utcnow()
    _audit(session, actor, "set_password", user, before=user_snapshot(user))


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    user = _existing(session, username)
    before = user_snapshot(user)
    user.active = active
    _audit(session, actor, "enable" if active else "disable", user, before=before)


def set_role(session: Session, username: str, role: str, actor: str) -> None:
    user = _existing(session, username)
    before = user_snapshot(user)
    user.role = check_role(role)
    _audit(session, actor, "set_role", user, before=before)


def list_accounts(session: Session) -> list[Account]:
    return [_account(u) for u in session.scalars(select(User).order_by(User.username))]


def active_account(session: Session, username: str) -> Account | None:
    """The account behind a session, or None if it was removed or disabled since."""
    user = find_user(session, username)
    return _account(user) if user is not None and user.active else None


def account_for_email(session: Session, email: str) -> Account | None:
    """The active account a single-sign-on e-mail maps to."""
    user = session.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    return _account(user) if user is not None and user.active else None


def has_real_accounts(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.is_demo.is_(False)).limit(1)) is not None


def has_demo_accounts(session: Session) -> bool:
    return session.scalar(select(User.id).where(User.is_demo.is_(True)).limit(1)) is not None


def _wait(throttle: LoginThrottle | None, now: dt.datetime) -> dt.timedelta:
    if throttle is None or throttle.failures < THROTTLE_AFTER or throttle.last_failure_at is None:
        return dt.timedelta(0)
    wait = min(FIRST_WAIT * 2 ** (throttle.failures - THROTTLE_AFTER), MAX_WAIT)
    return max(dt.timedelta(0), throttle.last_failure_at + wait - now)


def _login_event(session: Session, key: str, action: str, failures: int) -> None:
    session.add(
        AuditEntry(
            actor=_login_actor(key),
            action=action,
            entity="login",
            entity_id=0,
            before=None,
            after={"failures": failures},
        )
    )


def _login_actor(key: str) -> str:
    # A name that is not a valid username (HTML, SQL, 1,000 characters) is not stored.
    return key if USERNAME.match(key) else "(invalid username)"


def authenticate(
    session: Session, username: str, password: str, now: dt.datetime | None = None
) -> LoginResult:
    """Check a log-in. The caller commits the session (failures are recorded either way)."""
    now = now or utcnow()
    key = normalise_username(username)[:320]
    throttle = session.get(LoginThrottle, key)
    wait = _wait(throttle, now)
    if wait > dt.timedelta(0):
        seconds = int(wait.total_seconds()) + 1
        assert throttle is not None  # a wait implies a throttle row
        log.warning("log-in throttled for a username after %s failures", throttle.failures)
        _login_event(session, key, "login_throttled", throttle.failures)
        return LoginResult(
            None,
            ngettext(
                "Too many failed attempts: wait {n} second, then try again.",
                "Too many failed attempts: wait {n} seconds, then try again.",
                seconds,
            ).format(n=seconds),
            seconds,
        )

    user = find_user(session, key) if USERNAME.match(key) else None
    ok = False
    if len(password) <= PASSWORD_MAX:
        try:
            ok = _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
            ok = ok and user is not None and bool(user.password_hash) and user.active
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if not ok:
        throttle = throttle or LoginThrottle(username=key, failures=0)
        throttle.failures += 1
        throttle.last_failure_at = now
        session.add(throttle)
        if throttle.failures >= THROTTLE_AFTER:
            log.warning("log-in failure %s in a row for one username: throttling", throttle.failures)
            _login_event(session, key, "login_failures", throttle.failures)
        return LoginResult(None, _(LOGIN_FAILED))

    if throttle is not None:
        session.delete(throttle)
    assert user is not None and user.password_hash is not None  # ok implies both
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    _audit(session, user.username, "login", user)
    return LoginResult(_account(user))
