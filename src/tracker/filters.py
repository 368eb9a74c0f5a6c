"""What a view is filtered by, and how a filter travels in a shareable URL.

No Streamlit here: ``tracker.web.sidebar`` binds these to widgets and ``st.query_params``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from tracker.i18n import _
from tracker.vocabulary import ACTIVITY_TYPES, FORUM_CATEGORIES

PERIODS = ("year", "quarter", "month")
MEASURES = ("activities", "effort_days")


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

    def with_(self, **changes) -> Filters:
        return replace(self, **changes)

    @property
    def is_default(self) -> bool:
        return self == Filters()


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
    values: dict[str, object] = {}
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
