"""Grants: the records (one audited write path; the import is ``tracker.io.grant_import``)
and funder accounts' links.

A grant has a ``grant_id``, a funder, a title, a period (start and end dates, inclusive),
an optional amount and its ISO 4217 currency (checked with pycountry). Activities carry
grants through the ``grants`` column of the activity import (``activity_fields``); the
funder summary and ``tracker summary --json --grant`` read a grant's period and the
activities tagged with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import pandas as pd
import pycountry
from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, ValidationInfo, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, Grant, User, activity_grants, user_grants
from tracker.errors import ValidationFailed
from tracker.i18n import N_, _
from tracker.records import audit
from tracker.records.validation import blank_to_none, labelled, parse_iso_date, plain_message, text_problem
from tracker.text import formatting

ENTITY = "grant"
COLUMNS = ["grant_id", "funder", "title", "start", "end", "amount", "currency"]
REQUIRED_COLUMNS = ("grant_id", "funder", "title", "start", "end")
FIELD_FOR_COLUMN = {"start": "start_date", "end": "end_date"}
COLUMN_FOR_FIELD = {v: k for k, v in FIELD_FOR_COLUMN.items()}
# The grant form's labels by field (Reference lists, Grants): problems name the field so.
FIELD_LABELS = {
    "grant_id": N_("Grant id"),
    "funder": N_("Funder"),
    "title": N_("Grant title"),
    "start_date": N_("First day of the grant"),
    "end_date": N_("Last day of the grant"),
    "amount": N_("Amount (optional)"),
    "currency": N_("Currency (ISO 4217, e.g. USD)"),
}


def _date(value: Any) -> Any:
    return parse_iso_date(value)


class GrantInput(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    grant_id: str
    funder: str
    title: str
    start_date: Annotated[dt.date, BeforeValidator(_date)]
    end_date: Annotated[dt.date, BeforeValidator(_date)]
    amount: Annotated[float | None, BeforeValidator(blank_to_none)] = None
    currency: Annotated[str | None, BeforeValidator(blank_to_none)] = None

    @field_validator("grant_id", "funder", "title", mode="after")
    @classmethod
    def _text(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            raise ValueError(_("must not be empty"))
        problem = text_problem(value, name=info.field_name == "grant_id")
        if problem:
            raise ValueError(problem)
        limit = 100 if info.field_name == "grant_id" else 200
        if len(value) > limit:
            raise ValueError(_("must be at most {n} characters").format(n=limit))
        return value

    @field_validator("amount", mode="after")
    @classmethod
    def _amount(cls, value: float | None) -> float | None:
        if value is not None and (value < 0 or value != value or value == float("inf")):
            raise ValueError(_("must not be negative"))
        return value

    @field_validator("currency", mode="after")
    @classmethod
    def _currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        found = pycountry.currencies.get(alpha_3=value.upper())
        if found is None:
            raise ValueError(_("is not an ISO 4217 currency code (such as USD, EUR or GBP)"))
        return found.alpha_3


def record_problems(record: GrantInput) -> list[tuple[str, str]]:
    problems = []
    if record.end_date < record.start_date:
        problems.append(("end", _("must not be before the start date")))
    if record.amount is not None and record.currency is None:
        problems.append(("currency", _("is needed with an amount (an ISO 4217 code such as USD)")))
    return problems


def snapshot(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.id,
        "grant_id": grant.grant_id,
        "funder": grant.funder,
        "title": grant.title,
        "start": grant.start_date.isoformat(),
        "end": grant.end_date.isoformat(),
        "amount": grant.amount,
        "currency": grant.currency,
    }


def save_grant(session: Session, record: GrantInput, actor: str) -> Grant:
    """Create the grant, or update the one with this ``grant_id``: the one write path, audited."""
    problems = record_problems(record)
    if problems:
        raise ValidationFailed(problems[0][1], [m for _c, m in problems])
    grant = find_grant(session, record.grant_id)
    before = snapshot(grant) if grant is not None else None
    if grant is None:
        grant = Grant(grant_id=record.grant_id)
        session.add(grant)
    for name in ("funder", "title", "start_date", "end_date", "amount", "currency"):
        setattr(grant, name, getattr(record, name))
    session.flush()
    after = snapshot(grant)
    if before != after:
        audit.record_entry(
            session, actor, "insert" if before is None else "update", ENTITY, grant.id, before, after
        )
    return grant


def find_grant(session: Session, grant_id: str) -> Grant | None:
    wanted = grant_id.strip().casefold()
    return next((g for g in session.scalars(select(Grant)) if g.grant_id.casefold() == wanted), None)


def get_grant(session: Session, grant_id: str) -> Grant:
    grant = find_grant(session, grant_id)
    if grant is None:
        raise ValidationFailed(
            _("There is no grant “{id}”: check the id (tracker import-grants adds grants).").format(
                id=grant_id
            )
        )
    return grant


def all_grants(session: Session) -> list[Grant]:
    return list(session.scalars(select(Grant).order_by(Grant.start_date, Grant.grant_id)))


def link_user(session: Session, username: str, grant_id: str, actor: str) -> None:
    """Link a funder account to a grant it funds (its summary then opens on that grant)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=username))
    if user.role != "funder":
        raise ValidationFailed(
            _("{name} is a {role} account: only funder accounts are linked to grants.").format(
                name=username, role=user.role
            )
        )
    grant = get_grant(session, grant_id)
    linked = session.execute(
        select(user_grants).where(user_grants.c.user_id == user.id, user_grants.c.grant_id == grant.id)
    ).first()
    if linked is None:
        session.execute(user_grants.insert().values(user_id=user.id, grant_id=grant.id))
        audit.record_entry(
            session, actor, "link", ENTITY, grant.id, None, {"user": username, "grant_id": grant.grant_id}
        )


def grants_of_user(session: Session, username: str) -> list[Grant]:
    return list(
        session.scalars(
            select(Grant)
            .join(user_grants, user_grants.c.grant_id == Grant.id)
            .join(User, User.id == user_grants.c.user_id)
            .where(User.username == username)
            .order_by(Grant.start_date.desc(), Grant.grant_id)
        )
    )


def grant_activity_ids(session: Session, grant: Grant) -> list[int]:
    """Live activities tagged with the grant, dated within its period."""
    return list(
        session.scalars(
            select(Activity.id)
            .join(activity_grants, activity_grants.c.activity_id == Activity.id)
            .where(
                activity_grants.c.grant_id == grant.id,
                Activity.deleted_at.is_(None),
                Activity.activity_date >= grant.start_date,
                Activity.activity_date <= grant.end_date,
            )
            .order_by(Activity.id)
        )
    )


def unlink_user(session: Session, username: str, grant_id: str, actor: str) -> None:
    """Undo ``link_user`` (audited); unlinking a grant that is not linked changes nothing."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=username))
    grant = get_grant(session, grant_id)
    removed = session.execute(
        user_grants.delete().where(user_grants.c.user_id == user.id, user_grants.c.grant_id == grant.id)
    )
    if getattr(removed, "rowcount", 0):
        audit.record_entry(
            session, actor, "unlink", ENTITY, grant.id, {"user": username, "grant_id": grant.grant_id}, None
        )


# ---- who may choose which grant (the one rule: docs/confidentiality.md) --------------------


@dataclass(frozen=True)
class GrantChoice:
    """A grant as the Funder summary offers it (plain values: cached and compared safely)."""

    grant_id: str
    title: str
    funder: str
    start_date: dt.date
    end_date: dt.date


def _choice(grant: Grant) -> GrantChoice:
    return GrantChoice(grant.grant_id, grant.title, grant.funder, grant.start_date, grant.end_date)


def grants_visible_to(session: Session, username: str | None, role: str | None) -> list[GrantChoice]:
    """The grants whose summary this account may open: every grant for admins, staff and
    members; a funder account only the grants it is linked to (most recent first, so its
    summary opens on the first); nobody signed out. Every grant choice (page widget, URL
    parameter, session state) is checked against this list (``visible_grant``)."""
    if role in ("admin", "staff", "member"):
        return [_choice(g) for g in sorted(all_grants(session), key=lambda g: (g.start_date, g.grant_id))]
    if role == "funder" and username:
        return [_choice(g) for g in grants_of_user(session, username)]
    return []


def visible_grant(session: Session, username: str | None, role: str | None, grant_id: str) -> GrantChoice:
    """The grant ``grant_id`` if this account may open it (``pick_grant``)."""
    return pick_grant(grants_visible_to(session, username, role), grant_id)


def pick_grant(choices: list[GrantChoice], grant_id: str) -> GrantChoice:
    """The grant ``grant_id`` among an account's ``grants_visible_to``; otherwise one sentence,
    the same whether the grant exists or not (a funder learns nothing of another's grants)."""
    wanted = str(grant_id).strip().casefold()
    for choice in choices:
        if choice.grant_id.casefold() == wanted:
            return choice
    raise ValidationFailed(
        _("The grant “{id}” is not among the grants you may open: choose one from the list.").format(
            id=grant_id
        )
    )


def choice_label(choices: list[GrantChoice], grant_id: str) -> str:
    """How the Funder summary names a grant in its list: id, title, funder and period."""
    choice = pick_grant(choices, grant_id)
    return _("{id}: {title} ({funder}), {first} to {last}").format(
        id=choice.grant_id,
        title=choice.title,
        funder=choice.funder,
        first=formatting.date(choice.start_date),
        last=formatting.date(choice.end_date),
    )


def default_grant(choices: list[GrantChoice], role: str | None) -> str | None:
    """What the Funder summary opens on: a funder linked to grants, its own most recent grant;
    everyone else, the coalition-wide period."""
    return choices[0].grant_id if role == "funder" and choices else None


def user_grant_links(session: Session) -> list[tuple[str, str]]:
    """Every (username, grant_id) link, for the admins' User accounts page."""
    rows = session.execute(
        select(User.username, Grant.grant_id)
        .join(user_grants, user_grants.c.user_id == User.id)
        .join(Grant, Grant.id == user_grants.c.grant_id)
        .order_by(User.username, Grant.grant_id)
    )
    return [(u, g) for u, g in rows]


def save_grant_values(session: Session, values: dict[str, Any], actor: str) -> Grant:
    """``save_grant`` from a form's values: a broken rule is one sentence naming the field."""
    try:
        record = GrantInput(**values)
    except ValidationError as error:
        problems = [
            labelled(_(FIELD_LABELS[f]) if f in FIELD_LABELS else f, plain_message(item))
            for item in error.errors()
            for f in [str(item["loc"][0]) if item["loc"] else "grant_id"]
        ]
        raise ValidationFailed(
            _("The grant was not saved ({problem}): correct it and save again.").format(problem=problems[0]),
            problems,
        ) from None
    return save_grant(session, record, actor)


def all_grants_table(session: Session) -> pd.DataFrame:
    """Every grant in the import format's columns, for staff and admins."""
    return pd.DataFrame(
        [
            (g.grant_id, g.funder, g.title, g.start_date, g.end_date, g.amount, g.currency)
            for g in all_grants(session)
        ],
        columns=COLUMNS,
    )
