"""Strategy targets: the import (one audited write path) and the ONE computation of each
target's actual and status, used by ``tracker summary --json`` and the pages.

The brief's rules: a target's actual is computed from the live records of its whole
calendar year within its scope (``all``, ``category:NAME`` or ``theme:NAME``); outcomes
count by their date, and a category scope counts the outcomes whose forum is in that
category. Shares are fractions rounded to 4 decimals, effort to 2. ``met`` compares the
rounded actual with the target (``at_most``: actual ≤ target; ``at_least``: actual ≥
target). ``actual`` and ``met`` are null for a KP share whose year has no activities in
scope (or, by effort, no effort in scope); ``met`` is null for any target whose year has
no activities and no outcomes at all (a year still to come).

Outcome counts (``outcome_counts``) also live here: the summary and the dashboards read
them from this one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, field_validator
from sqlalchemy import ColumnElement, case, exists, func, select
from sqlalchemy.orm import Session

from tracker.db.models import (
    Activity,
    Forum,
    Outcome,
    Target,
    Theme,
    activity_themes,
    outcome_activities,
    outcome_themes,
)
from tracker.errors import ValidationFailed, VersionConflict
from tracker.i18n import _
from tracker.io.importer import ImportRejected, Problem, read_table
from tracker.records import audit
from tracker.records.validation import describe_errors, text_problem
from tracker.vocabulary import (
    CHANGE_TYPES,
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


def _blank_to_none(value: Any) -> Any:
    if isinstance(value, str) and not value.strip():
        return None
    return value


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
    scope: Annotated[str, BeforeValidator(lambda v: "all" if _blank_to_none(v) is None else v)] = "all"
    direction: str
    target: Annotated[float, BeforeValidator(_number)]
    baseline_year: Annotated[int | None, BeforeValidator(_year)] = None
    baseline: Annotated[float | None, BeforeValidator(_number)] = None
    note: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, value: Any) -> str:
        found = match_case_insensitive(str(value or ""), TARGET_MEASURES)
        if found is None:
            raise ValueError(_("must be one of: {choices}").format(choices=", ".join(TARGET_MEASURES)))
        return found

    @field_validator("direction", mode="before")
    @classmethod
    def _direction(cls, value: Any) -> str:
        found = match_case_insensitive(str(value or ""), TARGET_DIRECTIONS)
        if found is None:
            raise ValueError(_("must be one of: {choices}").format(choices=", ".join(TARGET_DIRECTIONS)))
        return found

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


def _canonical_scope(session: Session, scope: str) -> str:
    if not scope.startswith("theme:"):
        return scope
    name = scope.removeprefix("theme:")
    for theme in session.scalars(select(Theme.name)):
        if theme.casefold() == name.casefold():
            return f"theme:{theme}"
    return scope


def snapshot(target: Any) -> dict[str, Any]:
    return {
        "id": target.id,
        "year": target.year,
        "measure": target.measure,
        "scope": target.scope,
        "direction": target.direction,
        "target": target.target,
        "baseline_year": target.baseline_year,
        "baseline": target.baseline,
        "note": target.note,
        "version": target.version,
    }


NEW = 0  # the expected version of a target that must not exist yet (the page's "Add")
_FIELDS = ("year", "measure", "scope", "direction", "target", "baseline_year", "baseline", "note")


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


def _same_key(session: Session, year: int, measure: str, scope: str) -> Target | None:
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
    scope = _canonical_scope(session, record.scope)
    values = {**record.model_dump(include=set(_FIELDS)), "scope": scope}
    same_key = _same_key(session, record.year, record.measure, scope)
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


@dataclass
class TargetPlan:
    rows: list[tuple[int, TargetInput]]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def plan_target_import(session: Session, data: bytes, filename: str) -> TargetPlan:
    """Check a whole target file; writes nothing. Each problem reads ``row N, column C: message``."""
    try:
        header, rows = read_table(data, filename, known_columns=tuple(COLUMNS), number_columns=NUMBER_COLUMNS)
    except ImportRejected as rejected:
        return TargetPlan([], rejected.problems)
    problems: list[Problem] = []
    for name in header:
        if name not in COLUMNS:
            problems.append(
                Problem(
                    None,
                    name or "(empty)",
                    _("is not a column of the import format (known columns: {names}).").format(
                        names=", ".join(COLUMNS)
                    ),
                )
            )
    problems += [
        Problem(None, c, _("is required but missing from the header."))
        for c in REQUIRED_COLUMNS
        if c not in header
    ]
    if len(set(header)) != len(header):
        problems.append(Problem(None, None, _("a column appears twice in the header.")))
    if problems:
        return TargetPlan([], problems)
    planned: list[tuple[int, TargetInput]] = []
    seen: dict[tuple[int, str, str], int] = {}
    for number, cells in enumerate(rows, start=1):
        if not any(c.strip() for c in cells):
            continue
        while len(cells) > len(header) and not cells[-1].strip():
            cells = cells[:-1]
        if len(cells) != len(header):
            problems.append(
                Problem(
                    number,
                    None,
                    _("has {n} cells where the header has {m}.").format(n=len(cells), m=len(header)),
                )
            )
            continue
        try:
            record = TargetInput(**dict(zip(header, (c.strip() for c in cells), strict=True)))
        except ValidationError as error:
            problems.extend(Problem(number, c, m) for c, m in describe_errors(error))
            continue
        row_problems = record_problems(session, record)
        if row_problems:
            problems.extend(Problem(number, c, m) for c, m in row_problems)
            continue
        key = (record.year, record.measure, _canonical_scope(session, record.scope).casefold())
        if key in seen:
            problems.append(
                Problem(
                    number,
                    "scope",
                    _("the same year, measure and scope are in row {other}.").format(other=seen[key]),
                )
            )
            continue
        seen[key] = number
        planned.append((number, record))
    if not planned and not problems:
        problems.append(Problem(None, None, _("the file has a header but no data rows.")))
    return TargetPlan(planned, problems)


def import_targets(session: Session, data: bytes, filename: str, actor: str) -> TargetPlan:
    """Check, then save every row (all or nothing, in the caller's transaction)."""
    plan = plan_target_import(session, data, filename)
    if plan.ok:
        for _number, record in plan.rows:
            save_target(session, record, actor)
    return plan


def scope_choices(session: Session) -> list[str]:
    """Every scope a target may take: all, each forum category, each theme."""
    themes = session.scalars(select(Theme.name).order_by(Theme.name))
    return ["all", *(f"category:{c}" for c in FORUM_CATEGORIES), *(f"theme:{t}" for t in themes)]


def plan_preview(session: Session, plan: TargetPlan) -> list[dict[str, Any]]:
    """The rows a target file would save, each marked new or an update in words (``result``)
    and as a flag (``updates``); writes nothing."""
    rows = []
    for number, record in plan.rows:
        scope = _canonical_scope(session, record.scope)
        stored = _same_key(session, record.year, record.measure, scope)
        rows.append(
            {
                "row": number,
                **record.model_dump(include=set(_FIELDS)),
                "scope": scope,
                "result": _("update") if stored is not None else _("new"),
                "updates": stored is not None,
            }
        )
    return rows


# ---- the computation -------------------------------------------------------------------


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _activity_scope(scope: str) -> list[ColumnElement[bool]]:
    if scope.startswith("category:"):
        return [Forum.category == scope.removeprefix("category:")]
    if scope.startswith("theme:"):
        return [
            exists().where(
                activity_themes.c.activity_id == Activity.id,
                activity_themes.c.theme_id == Theme.id,
                Theme.name == scope.removeprefix("theme:"),
            )
        ]
    return []


def _activity_measures(session: Session, year: int, scope: str) -> tuple[int, float, int, float]:
    """(activities, effort, KP activities, KP effort) of the live activities of ``year`` in scope."""
    first, last = _year_bounds(year)
    is_kp = Forum.category == "KP"
    row = session.execute(
        select(
            func.count(Activity.id),
            func.coalesce(func.sum(Activity.effort_days), 0.0),
            func.coalesce(func.sum(case((is_kp, 1), else_=0)), 0),
            func.coalesce(func.sum(case((is_kp, Activity.effort_days), else_=0.0)), 0.0),
        )
        .select_from(Activity)
        .join(Forum, Activity.forum_id == Forum.id)
        .where(
            Activity.deleted_at.is_(None),
            Activity.activity_date >= first,
            Activity.activity_date <= last,
            *_activity_scope(scope),
        )
    ).one()
    return int(row[0]), float(row[1]), int(row[2]), float(row[3])


def _outcome_count(session: Session, year: int, scope: str) -> int:
    first, last = _year_bounds(year)
    query = select(func.count(Outcome.id)).where(
        Outcome.deleted_at.is_(None), Outcome.outcome_date >= first, Outcome.outcome_date <= last
    )
    if scope.startswith("category:"):
        query = query.join(Forum, Outcome.forum_id == Forum.id).where(
            Forum.category == scope.removeprefix("category:")
        )
    elif scope.startswith("theme:"):
        query = query.where(
            exists().where(
                outcome_themes.c.outcome_id == Outcome.id,
                outcome_themes.c.theme_id == Theme.id,
                Theme.name == scope.removeprefix("theme:"),
            )
        )
    return int(session.scalar(query) or 0)


def _year_has_records(session: Session, year: int) -> bool:
    return _activity_measures(session, year, "all")[0] > 0 or _outcome_count(session, year, "all") > 0


def actual_of(session: Session, year: int, measure: str, scope: str) -> float | int | None:
    """The brief's actual of one target (rounded as the summary shows it)."""
    if measure == "outcomes":
        return _outcome_count(session, year, scope)
    count, effort, kp_count, kp_effort = _activity_measures(session, year, scope)
    if measure == "activities":
        return count
    if measure == "effort_days":
        return round(effort, 2)
    if measure == "kp_share_by_count":
        return round(kp_count / count, 4) if count else None
    return round(kp_effort / effort, 4) if effort else None


def met_of(direction: str, target: float, actual: float | None, year_has_records: bool) -> bool | None:
    if actual is None or not year_has_records:
        return None
    return actual <= target if direction == "at_most" else actual >= target


@dataclass(frozen=True)
class TargetStatus:
    id: int
    year: int
    measure: str
    scope: str
    direction: str
    target: float
    actual: float | int | None
    met: bool | None
    baseline_year: int | None
    baseline: float | None
    note: str | None

    def as_json(self) -> dict[str, Any]:
        """The brief's ``targets`` row."""
        return {
            "year": self.year,
            "measure": self.measure,
            "scope": self.scope,
            "direction": self.direction,
            "target": self.target,
            "actual": self.actual,
            "met": self.met,
        }


def target_statuses(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    measures: Iterable[str] | None = None,
) -> list[TargetStatus]:
    """Every target whose year meets the range (and of ``measures``, if given), sorted by
    year, measure, scope, with its actual and ``met``: THE computation (summary JSON,
    Strategy, Overview and Funder pages)."""
    query = select(Target)
    if measures is not None:
        query = query.where(Target.measure.in_(list(measures)))
    if date_from is not None:
        query = query.where(Target.year >= date_from.year)
    if date_to is not None:
        query = query.where(Target.year <= date_to.year)
    targets = sorted(session.scalars(query), key=lambda t: (t.year, t.measure, t.scope))
    has_records: dict[int, bool] = {}
    statuses = []
    for t in targets:
        if t.year not in has_records:
            has_records[t.year] = _year_has_records(session, t.year)
        actual = actual_of(session, t.year, t.measure, t.scope)
        statuses.append(
            TargetStatus(
                t.id,
                t.year,
                t.measure,
                t.scope,
                t.direction,
                t.target,
                actual,
                met_of(t.direction, t.target, actual, has_records[t.year]),
                t.baseline_year,
                t.baseline,
                t.note,
            )
        )
    return statuses


def stored_targets(session: Session) -> list[dict[str, Any]]:
    """Every target as stored (with its id and version), for the staff edit form: read
    uncached, so an edit starts from the latest version."""
    rows = session.scalars(select(Target))
    return [snapshot(t) for t in sorted(rows, key=lambda t: (t.year, t.measure, t.scope))]


def record_years(session: Session) -> list[int]:
    """Every calendar year with at least one live activity or live outcome, in order."""
    activity_year = func.extract("year", Activity.activity_date)
    outcome_year = func.extract("year", Outcome.outcome_date)
    years = set(
        session.scalars(select(activity_year).where(Activity.deleted_at.is_(None)).group_by(activity_year))
    )
    years |= set(
        session.scalars(select(outcome_year).where(Outcome.deleted_at.is_(None)).group_by(outcome_year))
    )
    return sorted(int(y) for y in years)


@dataclass(frozen=True)
class Trend:
    """One measure in one scope over time: its actual in every year with records (the same
    ``actual_of`` as each target's), its targets with their status, and their baselines."""

    measure: str
    scope: str
    actuals: list[tuple[int, float | int | None]]
    targets: list[TargetStatus]
    baselines: list[tuple[int | None, float]]  # distinct (baseline_year, baseline)


def target_trends(session: Session) -> list[Trend]:
    """A trend for each measure and scope that has targets, ordered by measure then scope."""
    statuses = target_statuses(session)
    years = record_years(session)
    groups: dict[tuple[str, str], list[TargetStatus]] = {}
    for status in statuses:
        groups.setdefault((status.measure, status.scope), []).append(status)
    order = {m: i for i, m in enumerate(TARGET_MEASURES)}
    trends = []
    for (measure, scope), group in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])):
        baselines = list(
            dict.fromkeys((s.baseline_year, s.baseline) for s in group if s.baseline is not None)
        )
        trends.append(
            Trend(
                measure,
                scope,
                [(year, actual_of(session, year, measure, scope)) for year in years],
                group,
                [(y, float(b)) for y, b in baselines if b is not None],
            )
        )
    return trends


# ---- outcome counts ----------------------------------------------------------------------


def outcome_counts(
    session: Session,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    activity_ids: Iterable[int] | None = None,
    where: Iterable[ColumnElement[bool]] = (),
) -> dict[str, Any]:
    """The brief's ``outcomes`` object: live outcomes dated in range (every confidentiality:
    aggregates count everything), by the five change types and the five categories, zeros
    included. With ``activity_ids``, only outcomes linked to at least one of them; ``where``:
    further conditions over Outcome and its (outer-joined) Forum."""
    clauses: list[ColumnElement[bool]] = [Outcome.deleted_at.is_(None), *where]
    if date_from is not None:
        clauses.append(Outcome.outcome_date >= date_from)
    if date_to is not None:
        clauses.append(Outcome.outcome_date <= date_to)
    if activity_ids is not None:
        ids = list(activity_ids)
        clauses.append(
            exists().where(
                outcome_activities.c.outcome_id == Outcome.id, outcome_activities.c.activity_id.in_(ids)
            )
            if ids
            else Outcome.id.is_(None)
        )
    rows = session.execute(
        select(Outcome.change_type, Forum.category, Outcome.substantiation, func.count(Outcome.id))
        .select_from(Outcome)
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(*clauses)
        .group_by(Outcome.change_type, Forum.category, Outcome.substantiation)
    ).all()
    by_type = dict.fromkeys(CHANGE_TYPES, 0)
    by_category = dict.fromkeys(FORUM_CATEGORIES, 0)
    count = substantiated = 0
    for change_type, category, substantiation, n in rows:
        count += n
        by_type[change_type] += n
        if category is not None:
            by_category[category] += n
        if substantiation == "substantiated":
            substantiated += n
    return {
        "count": count,
        "substantiated": substantiated,
        "by_change_type": [{"change_type": k, "outcomes": v} for k, v in by_type.items()],
        "by_category": [{"category": k, "outcomes": v} for k, v in by_category.items()],
    }
