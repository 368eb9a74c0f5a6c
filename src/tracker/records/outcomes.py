"""Outcomes (Outcome Harvesting): the rules of one record and the one write path.

Every write of an outcome goes through ``create_outcome``, ``update_outcome``,
``delete_outcome``, ``restore_outcome`` or ``write_outcomes`` (the bulk path of the
import, ``tracker.io.outcome_import``), so
each is checked, audited (entity ``outcome``, snapshot ``outcome_fields.snapshot``) and
version-checked like an activity. Soft-deleting an activity keeps its outcomes and the
link (``contributing_activities`` marks it deleted).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, AuditEntry, Forum, Outcome, Theme, utcnow
from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.records import audit, outcome_fields
from tracker.records.validation import (
    blank_to_none,
    check_web_urls,
    country_code,
    describe_errors,
    one_of,
    one_of_or_default,
    parse_iso_date,
    split_list,
    text_problem,
)
from tracker.vocabulary import (
    CHANGE_TYPES,
    CONFIDENTIALITY_LEVELS,
    DEFAULT_CONFIDENTIALITY,
    DEFAULT_SUBSTANTIATION,
    SUBSTANTIATION_LEVELS,
    match_case_insensitive,
)

STATEMENT_MAX = 1000
ACTOR_MAX = 200
OUTCOME_ID_MAX = 100
TEXT_MAX = 20_000
ENTITY = "outcome"
RANK = {level: n for n, level in enumerate(CONFIDENTIALITY_LEVELS)}


# ---- the rules for one record --------------------------------------------------------


def _yes_no(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if isinstance(value, bool):
        return value
    found = match_case_insensitive(str(value), ("yes", "no"))
    if found is None:
        raise ValueError(_("must be yes or no"))
    return found == "yes"


OptionalText = Annotated[str | None, BeforeValidator(blank_to_none)]
Names = Annotated[list[str], BeforeValidator(split_list(";"))]


class OutcomeInput(BaseModel):
    """One outcome as a person or a file states it (names and external ids, not database ids)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    outcome_id: str
    outcome_date: dt.date
    statement: str
    social_actor: str
    change_type: str
    themes: Names = Field(min_length=1)
    forum: OptionalText = None
    country: OptionalText = None
    significance: OptionalText = None
    contribution: OptionalText = None
    evidence_urls: Annotated[list[str], BeforeValidator(split_list(None))] = []
    substantiation: str = DEFAULT_SUBSTANTIATION
    positive: Annotated[bool, BeforeValidator(_yes_no)] = True
    intended: Annotated[bool, BeforeValidator(_yes_no)] = True
    activities: Names = []
    confidentiality: str = DEFAULT_CONFIDENTIALITY
    # The form names contributing activities by id (an activity may have no external id);
    # when given, they and ``activities`` are the whole set of links.
    activity_ids: list[int] | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _line_ends(cls, value: Any) -> Any:
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value

    @field_validator("*", mode="after")
    @classmethod
    def _characters(cls, value: Any, info: ValidationInfo) -> Any:
        names = info.field_name in ("outcome_id", "social_actor", "forum", "themes", "country", "activities")
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                problem = text_problem(item, name=names and info.field_name != "social_actor")
                if problem:
                    raise ValueError(problem)
        limit = {
            "outcome_id": OUTCOME_ID_MAX,
            "statement": STATEMENT_MAX,
            "social_actor": ACTOR_MAX,
            "significance": TEXT_MAX,
            "contribution": TEXT_MAX,
        }.get(info.field_name or "")
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValueError(_("must be at most {n} characters").format(n=limit))
        return value

    @field_validator("outcome_id", "statement", "social_actor", mode="after")
    @classmethod
    def _not_empty(cls, value: str) -> str:
        if not value:
            raise ValueError(_("must not be empty"))
        return value

    @field_validator("outcome_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return parse_iso_date(value)

    @field_validator("change_type", mode="before")
    @classmethod
    def _change_type(cls, value: Any) -> str:
        return one_of(str(value or ""), CHANGE_TYPES)

    @field_validator("substantiation", mode="before")
    @classmethod
    def _substantiation(cls, value: Any) -> str:
        return one_of_or_default(value, SUBSTANTIATION_LEVELS, DEFAULT_SUBSTANTIATION)

    @field_validator("confidentiality", mode="before")
    @classmethod
    def _confidentiality(cls, value: Any) -> str:
        return one_of_or_default(value, CONFIDENTIALITY_LEVELS, DEFAULT_CONFIDENTIALITY)

    @field_validator("country", mode="after")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    @field_validator("evidence_urls", mode="after")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return check_web_urls(value)

    @field_validator("themes", "activities", mode="after")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for name in value:
            seen.setdefault(name.casefold(), name)
        return list(seen.values())


COLUMN_FOR_FIELD = {f.name: f.column for f in outcome_fields.FIELDS}
FIELD_FOR_COLUMN = {f.column: f.name for f in outcome_fields.FIELDS}


def input_problems(error: ValidationError) -> list[tuple[str, str]]:
    """(column, message) pairs in the import file's column names."""
    return [(COLUMN_FOR_FIELD.get(c, c), m) for c, m in describe_errors(error)]


# ---- names to records ----------------------------------------------------------------


class References:
    """Forums, themes and activities (by external id), read once."""

    def __init__(self, session: Session):
        self.session = session
        self.forums = {f.name.casefold(): f for f in session.scalars(select(Forum))}
        self.themes = {t.name.casefold(): t for t in session.scalars(select(Theme))}
        self.activities: dict[str, Activity] = {}

    def load_activities(self, external_ids: Iterable[str]) -> None:
        wanted = sorted({e for e in external_ids if e and e not in self.activities})
        for start in range(0, len(wanted), 500):
            for activity in self.session.scalars(
                select(Activity).where(Activity.external_id.in_(wanted[start : start + 500]))
            ):
                self.activities[activity.external_id or ""] = activity


@dataclass
class Draft:
    """An outcome as it will be stored: the attributes ``outcome_fields`` reads."""

    outcome_id: str
    outcome_date: dt.date
    statement: str
    social_actor: str
    change_type: str
    themes: list[Theme]
    forum: Forum | None
    country: str | None
    significance: str | None
    contribution: str | None
    evidence_urls: str | None
    substantiation: str
    positive: bool
    intended: bool
    activities: list[Activity]
    confidentiality: str
    id: int | None = None
    version: int = 1
    deleted_at: dt.datetime | None = None

    def snapshot(self) -> dict[str, Any]:
        return outcome_fields.snapshot(self)


SCALARS = outcome_fields.SCALARS  # the fields stored in columns of their own


def record_problems(
    session: Session,
    refs: References,
    record: OutcomeInput,
    outcome_pk: int | None = None,
    new_themes: bool = False,
) -> list[tuple[str, str]]:
    """Every rule the database would check, as (column, message), before anything is written.

    Unknown themes are refused unless ``new_themes`` (an import, whose planner has its own rule)."""
    problems: list[tuple[str, str]] = []
    if record.forum and record.forum.casefold() not in refs.forums:
        problems.append(
            (
                "forum",
                _("“{name}” is not a known forum: choose one of the forum list.").format(name=record.forum),
            )
        )
    for name in record.themes:
        if not new_themes and name.casefold() not in refs.themes:
            problems.append(
                (
                    "themes",
                    _("“{name}” is not a known theme: an admin can add it to the theme list.").format(
                        name=name
                    ),
                )
            )
    refs.load_activities(record.activities)
    for key in record.activities:
        if key not in refs.activities:
            problems.append(
                (
                    "activities",
                    _(
                        "no activity has the external id “{id}”: check it or import that activity first."
                    ).format(id=key),
                )
            )
    for activity_id in record.activity_ids or []:
        if session.get(Activity, activity_id) is None:
            problems.append(("activities", _("Activity {id} does not exist.").format(id=activity_id)))
    owner = session.scalar(select(Outcome.id).where(Outcome.outcome_id == record.outcome_id))
    if owner is not None and owner != outcome_pk:
        problems.append(
            (
                "outcome_id",
                _("“{id}” is already the id of another outcome: give another one.").format(
                    id=record.outcome_id
                ),
            )
        )
    return problems


def draft(
    session: Session,
    refs: References,
    record: OutcomeInput,
    outcome_pk: int | None = None,
    version: int = 1,
    keep: Iterable[Activity] = (),
) -> Draft:
    """The record resolved to rows (checked first: raises ValidationFailed).

    ``keep``: linked activities the record cannot name (no external id), kept as they are.
    """
    problems = record_problems(session, refs, record, outcome_pk)
    if problems:
        raise ValidationFailed(problems[0][1], [m for _c, m in problems])
    linked = {a.id: a for a in keep} if record.activity_ids is None else {}
    for activity_id in record.activity_ids or []:
        found = session.get(Activity, activity_id)
        assert found is not None  # checked above
        linked[found.id] = found
    for key in record.activities:
        activity = refs.activities[key]
        linked[activity.id] = activity
    return Draft(
        outcome_id=record.outcome_id,
        outcome_date=record.outcome_date,
        statement=record.statement,
        social_actor=record.social_actor,
        change_type=record.change_type,
        themes=sorted({refs.themes[n.casefold()] for n in record.themes}, key=lambda t: t.name),
        forum=refs.forums[record.forum.casefold()] if record.forum else None,
        country=record.country,
        significance=record.significance,
        contribution=record.contribution,
        evidence_urls="\n".join(record.evidence_urls) or None,
        substantiation=record.substantiation,
        positive=record.positive,
        intended=record.intended,
        activities=sorted(linked.values(), key=lambda a: a.id),
        confidentiality=record.confidentiality,
        id=outcome_pk,
        version=version,
    )


def _apply(outcome: Outcome, new: Draft, actor: str) -> None:
    outcome.forum = new.forum
    outcome.themes = list(new.themes)
    outcome.activities = list(new.activities)
    for name in SCALARS:
        setattr(outcome, name, getattr(new, name))
    outcome.updated_at = utcnow()  # bumps the version even when only links changed
    outcome.updated_by = actor


def _record(
    session: Session, actor: str, action: str, outcome: Outcome, before: dict[str, Any] | None
) -> None:
    session.flush()
    audit.record_entry(session, actor, action, ENTITY, outcome.id, before, outcome_fields.snapshot(outcome))


# ---- single writes -------------------------------------------------------------------


def create_outcome(session: Session, data: OutcomeInput, actor: str) -> Outcome:
    new = draft(session, References(session), data)
    outcome = Outcome(created_by=actor, created_at=utcnow())
    _apply(outcome, new, actor)
    session.add(outcome)
    _record(session, actor, "insert", outcome, None)
    return outcome


def get_outcome(session: Session, outcome_pk: int) -> Outcome:
    outcome = session.get(Outcome, outcome_pk)
    if outcome is None:
        raise ValidationFailed(_("Outcome {id} does not exist.").format(id=outcome_pk))
    return outcome


def _check_version(session: Session, outcome: Outcome, expected_version: int) -> None:
    audit.check_version(
        session,
        ENTITY,
        outcome.id,
        outcome.version,
        expected_version,
        lambda: outcome_fields.snapshot(outcome),
        _(
            "Someone else saved this outcome (now version {now}) after you opened version {yours}: "
            "reload it, then make your change again."
        ),
    )


def unnamed_links(outcome: Outcome) -> list[Activity]:
    return [a for a in outcome.activities if not a.external_id]


def update_outcome(
    session: Session, outcome_pk: int, data: OutcomeInput, expected_version: int, actor: str
) -> Outcome:
    """Save a new version; saving what is stored changes nothing (no version, no entry)."""
    outcome = get_outcome(session, outcome_pk)
    _check_version(session, outcome, expected_version)
    if outcome.deleted_at is not None:
        raise ValidationFailed(_("This outcome is deleted: restore it before changing it."))
    new = draft(session, References(session), data, outcome.id, outcome.version, unnamed_links(outcome))
    before = outcome_fields.snapshot(outcome)
    if not audit.changed_fields(before, new.snapshot()):
        return outcome
    _apply(outcome, new, actor)
    _record(session, actor, "update", outcome, before)
    return outcome


def delete_outcome(session: Session, outcome_pk: int, expected_version: int, actor: str) -> Outcome:
    outcome = get_outcome(session, outcome_pk)
    _check_version(session, outcome, expected_version)
    before = outcome_fields.snapshot(outcome)
    outcome.deleted_at = utcnow()
    outcome.deleted_by = actor
    outcome.updated_at = outcome.deleted_at
    outcome.updated_by = actor
    _record(session, actor, "delete", outcome, before)
    return outcome


def restore_outcome(session: Session, outcome_pk: int, expected_version: int, actor: str) -> Outcome:
    outcome = get_outcome(session, outcome_pk)
    _check_version(session, outcome, expected_version)
    before = outcome_fields.snapshot(outcome)
    outcome.deleted_at = None
    outcome.deleted_by = None
    outcome.updated_at = utcnow()
    outcome.updated_by = actor
    _record(session, actor, "restore", outcome, before)
    return outcome


def change_outcomes(
    session: Session, outcomes: list[Outcome], actor: str, change: Callable[[Outcome], None]
) -> int:
    """Apply ``change`` to each outcome as one audited new version (reference-list merges)."""
    befores = {o.id: outcome_fields.snapshot(o) for o in outcomes}
    for outcome in outcomes:
        change(outcome)
        outcome.updated_at = utcnow()  # bumps the version even when only links changed
        outcome.updated_by = actor
    session.flush()
    for outcome in outcomes:
        _record(session, actor, "update", outcome, befores[outcome.id])
    return len(outcomes)


def history(session: Session, outcome_pk: int) -> list[AuditEntry]:
    return audit.history(session, outcome_pk, ENTITY)


@dataclass(frozen=True)
class Contribution:
    """One contributing activity as an outcome shows it."""

    activity_id: int
    date: dt.date
    title: str
    confidentiality: str
    deleted: bool


def contributing_activities(outcome: Outcome) -> list[Contribution]:
    """Every linked activity, a soft-deleted one marked ``deleted`` (the link stays)."""
    return [
        Contribution(a.id, a.activity_date, a.title, a.confidentiality, a.deleted_at is not None)
        for a in sorted(outcome.activities, key=lambda a: (a.activity_date, a.id))
    ]


# ---- the bulk write (imports) ----------------------------------------------------------


def write_outcomes(
    session: Session,
    creates: list[OutcomeInput],
    updates: list[tuple[int, OutcomeInput]],
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Create and update many outcomes in the caller's transaction, each checked, audited
    and versioned as a single write is (the import's write path). Returns (created, updated)."""
    refs = References(session)
    for record in creates:
        new = draft(session, refs, record)
        outcome = Outcome(created_by=actor, created_at=utcnow())
        _apply(outcome, new, actor)
        session.add(outcome)
        _record(session, actor, "insert", outcome, None)
        if progress:
            progress(1)
    for outcome_pk, record in updates:
        outcome = get_outcome(session, outcome_pk)
        update_outcome(session, outcome.id, record, outcome.version, actor)
        if progress:
            progress(1)
    return len(creates), len(updates)
