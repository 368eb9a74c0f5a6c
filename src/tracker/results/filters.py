"""What a view is filtered by, how a filter becomes SQL, and how it travels in a URL.

``conditions`` is the one translation of a ``Filters`` into WHERE clauses, used by every
aggregate and by the activity log. The row rules every other query shares live here too:
``live`` (soft-delete), ``dated`` (an inclusive date range), ``readable_by`` and ``public``
(confidentiality, by ``permissions.visible_confidentiality``) and ``year_bounds``; a
target's scope becomes a ``Filters`` in ``scope_filters``. No Streamlit here: ``tracker.web.sidebar`` binds
these to widgets and ``st.query_params``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVarTuple

from sqlalchemy import ColumnElement, Select, exists, func, or_
from sqlalchemy.orm import InstrumentedAttribute, aliased

from tracker.access.permissions import sees_restricted_names, visible_confidentiality
from tracker.db.models import (
    Activity,
    Forum,
    Grant,
    Organisation,
    Outcome,
    Theme,
    activity_grants,
    activity_organisations,
    activity_themes,
    outcome_activities,
    outcome_themes,
)
from tracker.i18n import N_, _
from tracker.vocabulary import ACTIVITY_TYPES, FORUM_CATEGORIES

PERIODS = (N_("year"), N_("quarter"), N_("month"))  # values; shown as _(period)
MEASURES = ("activities", "effort_days")

_Ts = TypeVarTuple("_Ts")


@dataclass(frozen=True)
class Filters:
    """A selection of live activities. Empty tuples mean "all"."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    themes: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    forums: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    activity_types: tuple[str, ...] = ()
    text: str = ""
    grants: tuple[str, ...] = ()  # grant_ids: activities tagged with any of them

    def with_(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self == Filters()

    @property
    def names_a_detail(self) -> bool:
        """Whether it selects by a detail a restricted record hides (forum, organisation,
        country, activity type, or words of its text)."""
        return bool(
            self.forums or self.organisations or self.countries or self.activity_types or self.text.strip()
        )


@dataclass
class ParsedQuery:
    filters: Filters
    problems: list[str] = field(default_factory=list)


def _date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def from_query(params: Mapping[str, str], known_themes: tuple[str, ...]) -> ParsedQuery:
    """Filters from URL parameters ``from``, ``to``, ``theme``, ``category`` (lists joined by ``,``).

    Anything malformed is dropped and named in ``problems``, never raised.
    """
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, attribute in (("from", "date_from"), ("to", "date_to")):
        if params.get(key):
            try:
                values[attribute] = _date(params[key])
            except ValueError:
                problems.append(_("“{key}” is not a date (YYYY-MM-DD)").format(key=key))
    for key, attribute, allowed in (
        ("theme", "themes", known_themes),
        ("category", "categories", FORUM_CATEGORIES),
        ("type", "activity_types", ACTIVITY_TYPES),
    ):
        if params.get(key):
            wanted = [v.strip() for v in params[key].split(",") if v.strip()]
            good = tuple(v for v in wanted if v in allowed)
            if len(good) != len(wanted):
                problems.append(_("unknown {key} ignored").format(key=key))
            values[attribute] = good
    if "date_from" in values and "date_to" in values and values["date_from"] > values["date_to"]:
        problems.append(_("“from” is after “to”"))
        values.pop("date_from"), values.pop("date_to")
    return ParsedQuery(Filters(**values), problems)


def to_query(filters: Filters) -> dict[str, str]:
    query: dict[str, str] = {}
    if filters.date_from:
        query["from"] = filters.date_from.isoformat()
    if filters.date_to:
        query["to"] = filters.date_to.isoformat()
    if filters.themes:
        query["theme"] = ",".join(filters.themes)
    if filters.categories:
        query["category"] = ",".join(filters.categories)
    if filters.activity_types:
        query["type"] = ",".join(filters.activity_types)
    return query


# ---- the row rules every query shares ------------------------------------------------------

Record = type[Activity] | type[Outcome]


def live(model: Record) -> ColumnElement[bool]:
    """Not soft-deleted: deleted records count nowhere."""
    return model.deleted_at.is_(None)


def dated(
    column: InstrumentedAttribute[dt.date], date_from: dt.date | None, date_to: dt.date | None
) -> list[ColumnElement[bool]]:
    """``column`` within the inclusive range (an open end: no bound)."""
    where: list[ColumnElement[bool]] = []
    if date_from is not None:
        where.append(column >= date_from)
    if date_to is not None:
        where.append(column <= date_to)
    return where


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of a calendar year."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def readable_by(model: Record, role: str | None) -> ColumnElement[bool]:
    """Records whose details ``role`` may read (``permissions.visible_confidentiality``)."""
    return model.confidentiality.in_(visible_confidentiality(role))


def public(model: Record) -> ColumnElement[bool]:
    """Public records only: what a funder, a report or an open file may name."""
    return model.confidentiality == "public"


def scope_filters(scope: str, year: int | None = None) -> Filters:
    """A target's scope (``all``, ``category:NAME``, ``theme:NAME``) over its calendar year."""
    first, last = year_bounds(year) if year is not None else (None, None)
    filters = Filters(date_from=first, date_to=last)
    if scope.startswith("category:"):
        return filters.with_(categories=(scope.removeprefix("category:"),))
    if scope.startswith("theme:"):
        return filters.with_(themes=(scope.removeprefix("theme:"),))
    return filters


# ---- filters as SQL --------------------------------------------------------------------

IS_RESTRICTED = Activity.confidentiality == "restricted"


def conditions(filters: Filters, role: str | None = None) -> list[ColumnElement[bool]]:
    """WHERE clauses selecting the live activities a filter describes (Forum must be joined).

    For a role that may not see the names restricted records carry (members, funders, and
    ``None``), a filter on such a detail leaves restricted records out: otherwise the count
    it returns would name the forum, organisation, country or type of a restricted record
    (see ``permissions.RESTRICTED_LABEL``). Date, theme and category filters keep them.
    """
    where: list[ColumnElement[bool]] = [live(Activity)]
    if filters.names_a_detail and not sees_restricted_names(role):
        where.append(~IS_RESTRICTED)
    where += dated(Activity.activity_date, filters.date_from, filters.date_to)
    if filters.categories:
        where.append(Forum.category.in_(filters.categories))
    if filters.forums:
        where.append(Forum.name.in_(filters.forums))
    if filters.countries:
        where.append(Activity.country.in_(filters.countries))
    if filters.activity_types:
        where.append(Activity.activity_type.in_(filters.activity_types))
    # Aliases keep these subqueries independent of views that join themes themselves.
    if filters.themes:
        theme, theme_link = aliased(Theme), activity_themes.alias()
        where.append(
            exists().where(
                theme_link.c.activity_id == Activity.id,
                theme_link.c.theme_id == theme.id,
                theme.name.in_(filters.themes),
            )
        )
    if filters.organisations:
        organisation, link = aliased(Organisation), activity_organisations.alias()
        where.append(
            exists().where(
                link.c.activity_id == Activity.id,
                link.c.organisation_id == organisation.id,
                organisation.name.in_(filters.organisations),
            )
        )
    if filters.grants:
        grant, grant_link = aliased(Grant), activity_grants.alias()
        where.append(
            exists().where(
                grant_link.c.activity_id == Activity.id,
                grant_link.c.grant_id == grant.id,
                grant.grant_id.in_(filters.grants),
            )
        )
    if filters.text.strip():
        pattern = f"%{filters.text.strip().lower()}%"
        where.append(
            or_(
                func.lower(Activity.title).like(pattern),
                func.lower(func.coalesce(Activity.description, "")).like(pattern),
                func.lower(func.coalesce(Activity.outcome, "")).like(pattern),
            )
        )
    return where


def filtered(query: Select[*_Ts], filters: Filters, role: str | None = None) -> Select[*_Ts]:
    """``query`` (over Activity) joined to its forum and narrowed to what ``filters`` selects."""
    return query.join(Forum, Activity.forum_id == Forum.id).where(*conditions(filters, role))


# ---- filters over outcomes ---------------------------------------------------------------

# Filters an outcome cannot answer (it has no organisations, type or text of that kind):
# they narrow the effort beside the outcomes only, and the page names them.
EFFORT_ONLY = (
    ("organisations", N_("Organisations")),
    ("activity_types", N_("Activity types")),
    ("text", N_("Search words")),
)


def effort_only(filters: Filters) -> list[str]:
    """The (translated) names of the filters set in ``filters`` that do not apply to outcomes."""
    return [
        _(label)
        for attribute, label in EFFORT_ONLY
        if (getattr(filters, attribute).strip() if attribute == "text" else getattr(filters, attribute))
    ]


def outcome_conditions(filters: Filters, role: str | None = None) -> list[ColumnElement[bool]]:
    """WHERE clauses selecting the live outcomes a filter describes (Forum outer-joined).

    The date range is the outcome's date; categories and forums its forum (an outcome with
    no forum has no category); themes its themes; countries its country; grants: outcomes
    linked to at least one activity tagged with them (the brief's grant rule). As for
    activities, a filter on a name (forum, country) leaves restricted outcomes out for a
    role that may not see the names they carry.
    """
    where: list[ColumnElement[bool]] = [live(Outcome)]
    if (filters.forums or filters.countries) and not sees_restricted_names(role):
        where.append(Outcome.confidentiality != "restricted")
    where += dated(Outcome.outcome_date, filters.date_from, filters.date_to)
    if filters.categories:
        where.append(Forum.category.in_(filters.categories))
    if filters.forums:
        where.append(Forum.name.in_(filters.forums))
    if filters.countries:
        where.append(Outcome.country.in_(filters.countries))
    if filters.themes:
        theme = aliased(Theme)
        where.append(
            exists().where(
                outcome_themes.c.outcome_id == Outcome.id,
                outcome_themes.c.theme_id == theme.id,
                theme.name.in_(filters.themes),
            )
        )
    if filters.grants:
        grant = aliased(Grant)
        where.append(
            exists().where(
                outcome_activities.c.outcome_id == Outcome.id,
                outcome_activities.c.activity_id == activity_grants.c.activity_id,
                activity_grants.c.grant_id == grant.id,
                grant.grant_id.in_(filters.grants),
            )
        )
    return where
