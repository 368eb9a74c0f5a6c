"""User accounts: creation, passwords (argon2), roles, deactivation and logging in.

Passwords: 12 to 128 characters, at least 5 different characters, not the username
(whatever the case), not in the list of common passwords shipped with the app
(``data/common-passwords.txt.gz``, Django's list of 19,646, BSD licence).

The last active admin cannot be disabled or demoted.

Logging in (``authenticate``) asks ``tracker.access.throttle`` how long the attempt must
wait, and tells it about failures; the client's address comes from
``tracker.access.addresses``. A known and an unknown username get the same answer.
Passwords and hashes never leave this module except as a hash into the ``users`` table;
nothing here logs or prints them.
"""

from __future__ import annotations

import datetime as dt
import functools
import gzip
import logging
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.access import throttle
from tracker.access.permissions import ROLES
from tracker.db.models import AuditEntry, User, utcnow
from tracker.errors import ValidationFailed
from tracker.i18n import N_, _, ngettext

log = logging.getLogger(__name__)

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_MIN, PASSWORD_MAX = 12, 128
PASSWORD_DISTINCT = 5
COMMON_PASSWORDS_FILE = Path(__file__).parents[1] / "data" / "common-passwords.txt.gz"
LOGIN_FAILED = N_("The username or password is not right. Check both and try again.")
UNKNOWN_ACCOUNT = "(unknown account)"

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
    email_verified: bool = False


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
        bool(user.email and user.email_verified_at),
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


@functools.cache
def common_passwords() -> frozenset[str]:
    """The shipped list of common passwords, lowercased."""
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def check_password(password: str, username: str | None = None) -> str:
    if len(password) < PASSWORD_MIN:
        raise ValidationFailed(
            _("A password must have at least 12 characters: a short sentence is easy to remember.")
        )
    if len(password) > PASSWORD_MAX:
        raise ValidationFailed(_("A password has at most {n} characters.").format(n=PASSWORD_MAX))
    folded = password.strip().casefold()
    if username is not None and folded == normalise_username(username).casefold():
        raise ValidationFailed(_("A password must not be the username: choose another one."))
    if folded in common_passwords():
        raise ValidationFailed(
            _("This is one of the most common passwords, tried first by anyone guessing: choose another one.")
        )
    if len(set(password)) < PASSWORD_DISTINCT:
        raise ValidationFailed(
            _("A password needs at least {n} different characters: choose another one.").format(
                n=PASSWORD_DISTINCT
            )
        )
    reason = _guessable(password, username)
    if reason:
        raise ValidationFailed(
            _("This password is easy to guess ({reason}): add a few uncommon words.").format(reason=reason)
        )
    return password


# zxcvbn's estimate (a well-kept library: dictionaries, keyboard patterns, repeats, dates):
# a password must reach this score of 0-4 ("safely unguessable: moderate protection").
PASSWORD_MIN_SCORE = 3


def _guessable(password: str, username: str | None) -> str | None:
    """Why ``password`` is easy to guess, in the reader's language; None when it is not."""
    from zxcvbn import zxcvbn  # type: ignore[import-untyped]

    estimate = zxcvbn(password[:PASSWORD_MAX], user_inputs=[username] if username else [])
    if estimate["score"] >= PASSWORD_MIN_SCORE:
        return None
    warning = str(estimate["feedback"].get("warning") or "").lower()
    if "repeat" in warning:
        return _("it repeats itself")
    if "keyboard" in warning or "keys" in warning:
        return _("it follows the keyboard")
    if "sequence" in warning:
        return _("it is a sequence")
    if "date" in warning or "year" in warning:
        return _("it is a date or a year")
    if "common" in warning or "top" in warning:
        return _("it is close to a common password")
    return _("it is made of common words or patterns")


def check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationFailed(_("The role must be one of: {roles}.").format(roles=", ".join(ROLES)))
    return role


def _audit(
    session: Session, actor: str, action: str, user: User, before: dict[str, Any] | None = None
) -> None:
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


def user_snapshot(user: User) -> dict[str, Any]:
    """The account for the audit log: deliberately without the password hash."""
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "organisation": user.organisation,
        "email": user.email,
        "active": user.active,
        "language": user.language,
        "digest": user.digest,
        "review_digest": user.review_digest,
        "email_verified": bool(user.email and user.email_verified_at),
    }


def find_user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == normalise_username(username)))


def _existing(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=normalise_username(username)))
    return user


def check_display_name(display_name: str) -> str:
    """A display name goes into e-mail headers and onto pages: no control characters."""
    name = display_name.strip()
    if any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationFailed(
            _(
                "A display name cannot hold line breaks, tabs or other control characters: "
                "type it on one line."
            )
        )
    return name[:200]


def check_email(email: str) -> str:
    """The address, normalised, if it is a deliverable-looking address (email-validator's
    syntax rules; no DNS lookup, the server may be offline)."""
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise ValidationFailed(
            _("“{email}” is not an e-mail address: type it as name@example.org.").format(
                email=email.strip()[:320]
            )
        ) from None


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
    check_password(password, name)
    if find_user(session, name) is not None:
        raise ValidationFailed(_("The username “{name}” is taken.").format(name=name))
    user = User(
        username=name,
        display_name=check_display_name(display_name or name),
        role=role,
        organisation=(organisation or "").strip()[:200] or None,
        email=check_email(email) if email else None,
        # An address an administrator types is taken as verified (see ``set_email``).
        email_verified_at=utcnow() if email else None,
        password_hash=_hasher.hash(password),
        password_changed_at=utcnow(),
        is_demo=is_demo,
    )
    session.add(user)
    _audit(session, actor, "create", user)
    return _account(user)


def set_password(session: Session, username: str, password: str, actor: str) -> None:
    user = _existing(session, username)
    user.password_hash = _hasher.hash(check_password(password, user.username))
    user.password_changed_at = utcnow()
    _audit(session, actor, "set_password", user, before=user_snapshot(user))


def _keep_an_admin(session: Session, user: User) -> None:
    """Refuse to leave the tracker without an active admin."""
    if user.role != "admin" or not user.active:
        return
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == "admin", User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise ValidationFailed(
            _(
                "{name} is the last active admin: make another account admin first, or nobody "
                "could manage accounts."
            ).format(name=user.username)
        )


def set_active(session: Session, username: str, active: bool, actor: str) -> None:
    user = _existing(session, username)
    before = user_snapshot(user)
    if not active:
        _keep_an_admin(session, user)
    user.active = active
    _audit(session, actor, "enable" if active else "disable", user, before=before)


def set_role(session: Session, username: str, role: str, actor: str) -> None:
    user = _existing(session, username)
    before = user_snapshot(user)
    if check_role(role) != "admin":
        _keep_an_admin(session, user)
    user.role = role
    _audit(session, actor, "set_role", user, before=before)


SETTINGS = ("language", "digest")  # what an account's own preferences change (e-mail: set_own_email)


def update_settings(session: Session, user: User, actor: str, **values: str | None) -> User:
    """Change an account's own settings (``SETTINGS``: language, digest), audited
    as one ``update`` of the account. The caller has checked the values."""
    unknown = set(values) - set(SETTINGS)
    if unknown:
        raise ValueError(f"not an account setting: {sorted(unknown)}")
    before = user_snapshot(user)
    for name, value in values.items():
        setattr(user, name, value)
    _audit(session, actor, "update", user, before)
    return user


def set_organisation(session: Session, username: str, organisation: str | None, actor: str) -> None:
    """The member organisation an account belongs to (a member submits for it; None: none)."""
    user = _existing(session, username)
    before = user_snapshot(user)
    name = (organisation or "").strip()
    if len(name) > 200:
        raise ValidationFailed(_("An organisation name is at most 200 characters."))
    user.organisation = name or None
    _audit(session, actor, "update", user, before=before)


def _address_free(session: Session, user: User, email: str) -> None:
    taken = session.scalar(
        select(User.username).where(func.lower(User.email) == email.lower(), User.id != user.id)
    )
    if taken is not None:
        raise ValidationFailed(
            _("The address {email} belongs to another account: type another one.").format(email=email)
        )


def set_email(session: Session, username: str, email: str | None, actor: str) -> None:
    """An administrator sets (or, blank, removes) an account's e-mail address. The
    administrator vouches for it, so it counts as verified: the digest may go to it."""
    user = _existing(session, username)
    before = user_snapshot(user)
    address = check_email(email) if email and email.strip() else None
    if address:
        _address_free(session, user, address)
    user.email = address
    user.email_verified_at = utcnow() if address else None
    _audit(session, actor, "update", user, before=before)


def set_own_email(session: Session, username: str, email: str, actor: str) -> str:
    """A person sets their own address: stored unverified (no digest goes to it) until they
    open the signed link ``tracker.access.email_verification`` sends; returns the address."""
    user = _existing(session, username)
    before = user_snapshot(user)
    address = check_email(email)
    _address_free(session, user, address)
    if address != user.email or user.email_verified_at is None:
        user.email = address
        user.email_verified_at = None
        _audit(session, actor, "update", user, before=before)
    return address


def mark_email_verified(session: Session, username: str, email: str, when: dt.datetime) -> bool:
    """The account's address is ``email`` and its owner proved they read it: mark it verified.
    False when the account changed its address since (the link was for another one)."""
    user = find_user(session, username)
    if user is None or not user.active or (user.email or "").lower() != email.lower():
        return False
    if user.email_verified_at is None:
        before = user_snapshot(user)
        user.email_verified_at = when
        _audit(session, user.username, "verify_email", user, before=before)
    return True


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


def _login_event(session: Session, actor: str, action: str, client: str, failures: int) -> None:
    session.add(
        AuditEntry(
            actor=actor,
            action=action,
            entity="login",
            entity_id=0,
            before=None,
            after={"client": client, "failures": failures},
        )
    )


def authenticate(
    session: Session,
    username: str,
    password: str,
    client_address: str = "unknown",
    *,
    now: dt.datetime | None = None,
) -> LoginResult:
    """Check a log-in from ``client_address`` (see ``tracker.access.addresses``). The caller
    commits the session (failures are recorded either way)."""
    now = now or utcnow()
    key = normalise_username(username)[:320]
    client = (client_address or "unknown")[:64]
    keys = throttle.keys(key, client)
    user = find_user(session, key) if USERNAME.match(key) else None
    actor = user.username if user is not None else UNKNOWN_ACCOUNT
    refusal = throttle.refusal(session, keys, now)
    if refusal is not None:
        if refusal.first:  # one audit entry per wait, however many attempts are refused
            log.warning("log-in attempts slowed down for a client: wait %s s", refusal.seconds)
            _login_event(session, actor, "login_throttled", client, refusal.failures)
        return LoginResult(
            None,
            ngettext(
                "Too many failed attempts: wait {n} second, then try again.",
                "Too many failed attempts: wait {n} seconds, then try again.",
                refusal.seconds,
            ).format(n=refusal.seconds),
            refusal.seconds,
        )

    ok = False
    if len(password) <= PASSWORD_MAX:
        try:
            ok = _hasher.verify(user.password_hash if user and user.password_hash else _DUMMY_HASH, password)
            ok = ok and user is not None and bool(user.password_hash) and user.active
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
    if not ok:
        failures = throttle.record_failure(session, keys, now)
        _login_event(session, actor, "login_failed", client, failures)
        return LoginResult(None, _(LOGIN_FAILED))

    throttle.forget_after_success(session, keys)
    assert user is not None and user.password_hash is not None  # ok implies both
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    _audit(session, user.username, "login", user)
    return LoginResult(_account(user))
