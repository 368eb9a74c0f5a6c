"""The one rule set for an activity, shared by the entry form, the import and the CLI.

``ActivityInput`` (pydantic) checks the shape and vocabulary of one record; resolving
names to forums, themes and organisations in the database is the service's job.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from typing import Annotated, Any
from urllib.parse import urlparse

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
)

from tracker.i18n import N_, _
from tracker.text.countries import to_alpha2
from tracker.vocabulary import (
    ACTIVITY_TYPES,
    CONFIDENTIALITY_LEVELS,
    DEFAULT_CONFIDENTIALITY,
    FORUM_CATEGORIES,
    code_of,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_iso_date(value: Any) -> dt.date:
    """The one date rule of every import and form: a real calendar date written YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip() if value is not None else ""
    if not ISO_DATE.match(text):
        raise ValueError(_("must be a date written YYYY-MM-DD"))
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(_("is not a real calendar date")) from None


TITLE_MAX = 200
NAME_MAX = 200
THEME_MAX = 100
TEXT_MAX = 20_000
EXTERNAL_ID_MAX = 200
# NUL and the other C0 controls except tab and newline, DEL, zero-width and directional
# marks, bidirectional embeddings, overrides and isolates, and the byte-order mark.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
FORBIDDEN_MESSAGE = N_(
    "contains a character that is not allowed (a control, invisible or right-to-left override character): "
    "retype it."
)


TEXT_FIELDS = ("title", "description", "outcome", "external_id", "evidence_urls")
NAME_FIELDS = ("forum", "forum_category", "themes", "organisations", "country", "grants")


def text_problem(value: str, name: bool = False) -> str | None:
    """Why ``value`` cannot be stored as text (a name when ``name``), or None."""
    if FORBIDDEN.search(value) or (name and ("\n" in value or "\t" in value)):
        return _(FORBIDDEN_MESSAGE)
    if name and ";" in value:
        return _("must not contain “;” (it separates names in files).")
    if name and len(value) > NAME_MAX:
        return _("must be at most {n} characters").format(n=NAME_MAX)
    return None


def _newlines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


def blank_to_none(value: Any) -> Any:
    """A blank cell or field as ``None`` (the "before" validator of every optional field)."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def split_list(separator: str | None) -> Callable[[Any], Any]:
    """A "before" validator splitting a text cell into trimmed, non-blank names."""

    def split(value: Any) -> Any:
        if value is None:
            return []
        if isinstance(value, str):
            parts = value.split(separator) if separator else value.split()
            return [p.strip() for p in parts if p.strip()]
        return value

    return split


def one_of(value: str, choices: tuple[str, ...]) -> str:
    """The canonical spelling of ``value`` among ``choices``; a ``ValueError`` naming them otherwise."""
    found = code_of(value, choices)
    if found is None:
        raise ValueError(_("must be one of: {choices}").format(choices=", ".join(choices)))
    return found


def one_of_or_default(value: Any, choices: tuple[str, ...], default: str) -> str:
    """Like ``one_of``, with a blank or missing value read as ``default``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    return one_of(str(value), choices)


def country_code(value: str | None) -> str | None:
    """The ISO alpha-2 code of a country given by code or English name; a ``ValueError`` otherwise."""
    if value is None:
        return None
    code = to_alpha2(value)
    if code is None:
        raise ValueError(_("is not a known country (use an ISO code such as ZW or ZWE, or the English name)"))
    return code


OptionalText = Annotated[str | None, BeforeValidator(blank_to_none)]


class ActivityInput(BaseModel):
    """One activity as a person or a file states it (names, not database ids)."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    activity_date: dt.date
    forum: str = Field(min_length=1)
    forum_category: OptionalText = None
    event_id: int | None = None
    themes: Annotated[list[str], BeforeValidator(split_list(";"))] = Field(min_length=1)
    activity_type: str
    title: str
    description: OptionalText = None
    organisations: Annotated[list[str], BeforeValidator(split_list(";"))] = []
    country: OptionalText = None
    effort_days: float = 0.0
    cost_usd: float = 0.0
    outcome: OptionalText = None
    evidence_urls: Annotated[list[str], BeforeValidator(split_list(None))] = []
    confidentiality: str = DEFAULT_CONFIDENTIALITY
    external_id: OptionalText = None
    # grant_ids of the grants that fund the activity
    grants: Annotated[list[str], BeforeValidator(split_list(";"))] = []

    @field_validator(*TEXT_FIELDS, mode="before")
    @classmethod
    def _line_ends(cls, value: Any) -> Any:
        return _newlines(value) if isinstance(value, str) and "\r" in value else value

    @field_validator(*TEXT_FIELDS, *NAME_FIELDS, mode="after")
    @classmethod
    def _characters(cls, value: Any, info: ValidationInfo) -> Any:
        names = info.field_name in NAME_FIELDS
        items = value if isinstance(value, list) else [value]
        # One quick scan of the whole value; the precise check only when something looks off.
        joined = "\x1e".join(i for i in items if isinstance(i, str))
        if FORBIDDEN.search(joined.replace("\x1e", "")) or (
            names and (";" in joined or "\n" in joined or "\t" in joined or len(joined) > NAME_MAX)
        ):
            for item in items:
                if isinstance(item, str):
                    problem = text_problem(item, name=names)
                    if problem:
                        raise ValueError(problem)
        if info.field_name == "themes" and any(len(t) > THEME_MAX for t in value):
            raise ValueError(_("must be at most {n} characters").format(n=THEME_MAX))
        limit = {"external_id": EXTERNAL_ID_MAX, "description": TEXT_MAX, "outcome": TEXT_MAX}.get(
            info.field_name or ""
        )
        if limit and isinstance(value, str) and len(value) > limit:
            raise ValueError(_("must be at most {n} characters").format(n=limit))
        return value

    @field_validator("activity_date", mode="before")
    @classmethod
    def _iso_date(cls, value: Any) -> Any:
        return parse_iso_date(value)

    @field_validator("forum_category", mode="after")
    @classmethod
    def _category(cls, value: str | None) -> str | None:
        if value is None:
            return None
        return one_of(value, FORUM_CATEGORIES)

    @field_validator("activity_type", mode="after")
    @classmethod
    def _activity_type(cls, value: str) -> str:
        return one_of(value, ACTIVITY_TYPES)

    @field_validator("confidentiality", mode="before")
    @classmethod
    def _confidentiality(cls, value: Any) -> str:
        return one_of_or_default(value, CONFIDENTIALITY_LEVELS, DEFAULT_CONFIDENTIALITY)

    @field_validator("title", mode="after")
    @classmethod
    def _title(cls, value: str) -> str:
        if not value:
            raise ValueError(_("must not be empty"))
        if len(value) > TITLE_MAX:
            raise ValueError(_("must be at most {n} characters").format(n=TITLE_MAX))
        return value

    @field_validator("country", mode="after")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return country_code(value)

    @field_validator("effort_days", "cost_usd", mode="before")
    @classmethod
    def _number(cls, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            return 0.0
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError(_("must be a number")) from None
        if not math.isfinite(number):
            raise ValueError(_("must be a finite number"))
        if number < 0:
            raise ValueError(_("must not be negative"))
        return number

    @field_validator("evidence_urls", mode="after")
    @classmethod
    def _urls(cls, value: list[str]) -> list[str]:
        return check_web_urls(value)

    @field_validator("themes", "organisations", "grants", mode="after")
    @classmethod
    def _distinct(cls, value: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for name in value:
            seen.setdefault(name.casefold(), name)
        return list(seen.values())


def is_web_url(url: str) -> bool:
    """An ``http://`` or ``https://`` address with a host: evidence links, event sources."""
    parsed = urlparse(url)
    return parsed.scheme.lower() in ("http", "https") and bool(parsed.netloc)


FIELD_LABELS = {
    "activity_date": "date",
    "evidence_urls": "evidence_url",
}


def web_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be an evidence or source link, in plain words; None when it can."""
    if is_web_url(url):
        return None
    return _("“{url}” is not a web address: each link starts with http:// or https://").format(url=url[:200])


def check_web_urls(value: list[str]) -> list[str]:
    """The ``after`` validator of every list of evidence links (activities, outcomes)."""
    for url in value:
        problem = web_url_problem(url)
        if problem:
            raise ValueError(problem)
    return value


def _number_limit(context: dict[str, Any], key: str) -> str:
    from tracker.text import formatting

    limit = context.get(key)
    if isinstance(limit, int | float):
        return formatting.number(float(limit), 0 if float(limit).is_integer() else 2)
    return str(limit)


def plain_message(item: Mapping[str, Any]) -> str:
    """One pydantic error in plain words of the reader's language (never the library's wording).

    Our own validators raise ``ValueError`` with a translated sentence, passed on as is;
    pydantic's built-in checks (required, list length, number, date, yes/no) are reworded
    here, the one place for them, for activities, outcomes, targets, grants and submissions."""
    kind = str(item.get("type", ""))
    context: dict[str, Any] = dict(item.get("ctx") or {})
    if kind == "value_error":
        error = context.get("error")
        return str(error) if error is not None else str(item.get("msg", "")).removeprefix("Value error, ")
    if kind == "missing":
        return _("is required")
    if kind == "too_short":
        value = item.get("input")
        if isinstance(value, list | tuple | set | dict):
            return _("choose or type at least one")
        return _("must not be empty")
    if kind == "too_long":
        return _("must be at most {n} characters").format(n=context.get("max_length", ""))
    if kind == "string_too_short":
        return _("must not be empty")
    if kind == "string_too_long":
        return _("must be at most {n} characters").format(n=context.get("max_length", ""))
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("must be a whole number")
    if kind.startswith(("float_", "decimal_")) or kind in ("finite_number",):
        return _("must be a number")
    if kind.startswith("bool_"):
        return _("must be yes or no")
    if kind.startswith(("date_", "datetime_")):
        return _("must be a date written YYYY-MM-DD")
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least {n}").format(n=_number_limit(context, "ge" if "ge" in context else "gt"))
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most {n}").format(n=_number_limit(context, "le" if "le" in context else "lt"))
    if kind in ("literal_error", "enum"):
        return _("must be one of: {choices}").format(choices=context.get("expected", ""))
    if kind == "extra_forbidden":
        return _("is not a field of this record: remove it")
    if kind in ("string_type", "list_type"):
        return _("is not in the expected form: retype it")
    return _("is not valid: check it and try again")


def labelled(label: str, problem: str) -> str:
    """One problem naming its field by label ("Themes: choose at least one"), in the reader's
    typography (French puts a no-break space before the colon)."""
    return _("{field}: {problem}").format(field=label, problem=problem)


def describe_errors(error: ValidationError) -> list[tuple[str, str]]:
    """(column, message) pairs in the import file's column names, each message in plain words."""
    problems = []
    for item in error.errors():
        column = str(item["loc"][0]) if item["loc"] else "row"
        problems.append((FIELD_LABELS.get(column, column), plain_message(item)))
    return problems
