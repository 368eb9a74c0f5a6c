"""Strategy targets: the rules of one target and its one audited, version-checked write path
(``save_target``, ``delete_target``, ``rename_theme_scope``). The import is
``tracker.io.target_import``.

The computation of each target's actual and status lives in
``tracker.results.target_status``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator
from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.db.models import (
    Target,
    Theme,
)
from tracker.errors import ValidationFailed, VersionConflict
from tracker.i18n import _
from tracker.records import audit
from tracker.records.validation import blank_to_none, one_of, text_problem
from tracker.vocabulary import (
    FORUM_CATEGORIES,
    SHARE_MEASURES,
    TARGET_DIRECTIONS,
    TARGET_MEASURES,
    match_case_insensitive,
)

ENTITY = "target"
COLUMNS = ["year", "measure", "scope", "direction", "target", "baseline_year", "baseline", "note"]
REQUIRED_COLUMNS = ("year", "measure", "direction", "target")
NUMBER_COLUMNS = ("target", "baseline")


def _year(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if not (len(text) == 4 and text.isdigit()):
        raise ValueError(_("must be a year written YYYY"))
    return int(text)


def _number(value: Any) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(_("must be a number")) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError(_("must be a finite number"))
    return number


class TargetInput(BaseModel):
    """One target as a person or a file states it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    year: Annotated[int, BeforeValidator(_year)]
    measure: str
    scope: Annotated[str, BeforeValidator(lambda v: "all" if blank_to_none(v) is None else v)] = "all"
    direction: str
    target: Annotated[float, BeforeValidator(_number)]
    baseline_year: Annotated[int | None, BeforeValidator(_year)] = None
    baseline: Annotated[float | None, BeforeValidator(_number)] = None
    note: Annotated[str | None, BeforeValidator(blank_to_none)] = None

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, value: Any) -> str:
        return one_of(str(value or ""), TARGET_MEASURES)

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> str:
        return one_of(str(value or ""), TARGET_DIRECTIONS)

    @field_validator("scope", mode="after")
    @classmethod
    def _scope(cls, value: str) -> str:
        if value.casefold() == "all":
            return "all"
        kind, sep, name = value.partition(":")
        kind, name = kind.strip().casefold(), name.strip()
        if not sep or kind not in ("category", "theme") or not name:
            raise ValueError(_("must be all, category:NAME or theme:NAME"))
        if kind == "category":
            found = match_case_insensitive(name, FORUM_CATEGORIES)
            if found is None:
                raise ValueError(
                    _("names no forum category (one of: {choices})").format(
                        choices=", ".join(FORUM_CATEGORIES)
                    )
                )
            return f"category:{found}"
        problem = text_problem(name, name=True)
        if problem:
            raise ValueError(problem)
        return f"theme:{name}"

    @field_validator("note", mode="after")
    @classmethod
    def _note(cls, value: str | None) -> str | None:
        if value is not None:
            problem = text_problem(value)
            if problem:
                raise ValueError(problem)
        return value


def record_problems(session: Session, record: TargetInput) -> list[tuple[str, str]]:
    """Rules across fields and against the database, as (column, message)."""
    problems: list[tuple[str, str]] = []
    if record.measure in SHARE_MEASURES:
        if record.scope.startswith("category:"):
            problems.append(("scope", _("a KP share takes the scope all or a theme, not a forum category.")))
        for column, value in (("target", record.target), ("baseline", record.baseline)):
            if value is not None and not 0 <= value <= 1:
                problems.append((column, _("a KP share is a fraction from 0 to 1 (write 0.2 for 20 %).")))
    else:
        for column, value in (("target", record.target), ("baseline", record.baseline)):
            if value is not None and value < 0:
                problems.append((column, _("must not be negative")))
    if record.scope.startswith("theme:"):
        name = record.scope.removeprefix("theme:")
        known = {t.casefold() for t in session.scalars(select(Theme.name))}
        if name.casefold() not in known:
            problems.append(
                (
                    "scope",
                    _("“{name}” is not a known theme: an admin can add it to the theme list.").format(
                        name=name
                    ),
                )
            )
    return problems


def canonical_scope(session: Session, scope: str) -> str:
    if not scope.startswith("theme:"):
        return scope
    name = scope.removeprefix("theme:")
    for theme in session.scalars(select(Theme.name)):
        if theme.casefold() == name.casefold():
            return f"theme:{theme}"
    return scope


_FIELDS = ("year", "measure", "scope", "direction", "target", "baseline_year", "baseline", "note")


def snapshot(target: Any) -> dict[str, Any]:
    return audit.columns_snapshot(target, ("id", *_FIELDS, "version"))


NEW = 0  # the expected version of a target that must not exist yet (the page's "Add")


def _stored(session: Session, target_pk: int) -> Target:
    target = session.get(Target, target_pk)
    if target is None:
        raise VersionConflict(
            _("This target was deleted by someone else after you opened it: reload the page.")
        )
    return target


def _check_version(target: Target, expected_version: int) -> None:
    if target.version != expected_version:
        raise VersionConflict(
            _(
                "Someone else saved this target (now version {now}) after you opened version {yours}: "
                "reload the page, then make your change again."
            ).format(now=target.version, yours=expected_version)
        )


def target_with_key(session: Session, year: int, measure: str, scope: str) -> Target | None:
    return session.scalar(
        select(Target).where(Target.year == year, Target.measure == measure, Target.scope == scope)
    )


def save_target(
    session: Session,
    record: TargetInput,
    actor: str,
    *,
    target_pk: int | None = None,
    expected_version: int | None = None,
) -> Target:
    """The one write path of targets, audited and version-checked.

    - ``target_pk`` and ``expected_version``: edit that target (its year, measure and scope
      may change); a target saved or deleted by someone else since is refused.
    - ``expected_version=NEW``: add a target; refused when its year, measure and scope have one.
    - neither: the import's rule, the target of (year, measure, scope) is created or updated.
    Saving what is stored changes nothing (no version, no audit entry).
    """
    problems = record_problems(session, record)
    if problems:
        raise ValidationFailed(problems[0][1], [m for _c, m in problems])
    scope = canonical_scope(session, record.scope)
    values = {**record.model_dump(include=set(_FIELDS)), "scope": scope}
    same_key = target_with_key(session, record.year, record.measure, scope)
    if target_pk is not None:
        if expected_version is None:
            raise ValueError("an edit names the version it started from")
        target: Target | None = _stored(session, target_pk)
        assert target is not None
        _check_version(target, expected_version)
        if same_key is not None and same_key.id != target.id:
            raise ValidationFailed(
                _("Another target has this year, measure and scope: edit that one instead.")
            )
    else:
        target = same_key
        if target is not None and expected_version == NEW:
            raise ValidationFailed(
                _("A target for this year, measure and scope exists already: edit it instead of adding one.")
            )
    before = snapshot(target) if target is not None else None
    if target is not None and all(getattr(target, k) == v for k, v in values.items()):
        return target
    if target is None:
        target = Target(**values)
        session.add(target)
    else:
        for name, value in values.items():
            setattr(target, name, value)
    session.flush()
    audit.record_entry(
        session, actor, "insert" if before is None else "update", ENTITY, target.id, before, snapshot(target)
    )
    return target


def delete_target(session: Session, target_pk: int, expected_version: int, actor: str) -> None:
    """Delete a target (audited), only the version the person saw."""
    target = _stored(session, target_pk)
    _check_version(target, expected_version)
    audit.record_entry(session, actor, "delete", ENTITY, target.id, snapshot(target), None)
    session.delete(target)
    session.flush()


def rename_theme_scope(session: Session, old: str, new: str, actor: str) -> int:
    """Point every target scoped ``theme:old`` at ``theme:new`` (a theme merge), audited.

    Refused, before anything changes, when the kept theme already has a target of the same
    year and measure: two targets cannot share a year, measure and scope.
    """
    moving = list(session.scalars(select(Target).where(Target.scope == f"theme:{old}")))
    for target in moving:
        clash = target_with_key(session, target.year, target.measure, f"theme:{new}")
        if clash is not None:
            raise ValidationFailed(
                _(
                    "Both themes have a {year} target for the same measure: delete one of the two "
                    "targets on the Strategy page, then merge again."
                ).format(year=target.year)
            )
    for target in moving:
        before = snapshot(target)
        target.scope = f"theme:{new}"
        session.flush()
        audit.record_entry(session, actor, "update", ENTITY, target.id, before, snapshot(target))
    return len(moving)


def scope_choices(session: Session) -> list[str]:
    """Every scope a target may take: all, each forum category, each theme."""
    themes = session.scalars(select(Theme.name).order_by(Theme.name))
    return ["all", *(f"category:{c}" for c in FORUM_CATEGORIES), *(f"theme:{t}" for t in themes)]


def stored_targets(session: Session) -> list[dict[str, Any]]:
    """Every target as stored (with its id and version), for the staff edit form: read
    uncached, so an edit starts from the latest version."""
    rows = session.scalars(select(Target))
    return [snapshot(t) for t in sorted(rows, key=lambda t: (t.year, t.measure, t.scope))]
