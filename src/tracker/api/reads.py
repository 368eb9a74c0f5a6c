"""The API's read endpoints: summary, activities, outcomes, targets, forums.

Each calls the service behind the matching page, with the caller's role, so a token sees
exactly what its role's pages show: the summary as ``tracker summary --json``
(``results.summary``; a funder only its own grants, ``records.grants.grants_visible_to``),
activities as the Activity log reads them (``results.activity_log``), outcomes as the
Outcomes dashboard lists them (``results.results_views.readable_outcomes``), targets as
Strategy and the summary compute them (``results.target_status``), and forums as the Forums page
offers them (never a name only restricted records carry: ``analytics.restricted_only_names``).
Lists use the import formats' field names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tracker.access.permissions import READERS, SIGNED_IN, visible_confidentiality
from tracker.api.core import ApiError, Caller, endpoint, engine
from tracker.db import database
from tracker.db.models import Forum, ForumEvent, Outcome
from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.io.exports import json_record
from tracker.records import grants as grant_records
from tracker.records import outcome_fields
from tracker.results import activity_log, analytics, results_views, target_status
from tracker.results.filters import Filters
from tracker.results.summary import summary
from tracker.vocabulary import FORUM_CATEGORIES

DEFAULT_LIMIT, MAX_LIMIT = 100, 500

# Who may call each read: the roles of the page it mirrors (tracker.access.permissions).
SUMMARY_ROLES = SIGNED_IN  # the Funder summary
ACTIVITY_ROLES = SIGNED_IN  # the Activity log; a funder the public records of its summary
OUTCOME_ROLES = SIGNED_IN  # the Outcomes dashboard; a funder the public outcomes of its summary
TARGET_ROLES = SIGNED_IN  # Strategy, and the targets of the Funder summary
FORUM_ROLES = READERS  # the Forums page


def _values(request: Request, key: str) -> list[str]:
    """A parameter given once with commas, or repeated (``?theme=A&theme=B``)."""
    return [v.strip() for raw in request.query_params.getlist(key) for v in raw.split(",") if v.strip()]


def _date(request: Request, key: str) -> dt.date | None:
    text = request.query_params.get(key, "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ApiError(
            422, _("“{key}” must be a date written YYYY-MM-DD.").format(key=key), {key: _("not a date")}
        ) from None


def _filters(request: Request, session: Session) -> Filters:
    """The sidebar's filters from ``from``, ``to``, ``theme`` and ``category``; 422 for a
    malformed or unknown value (a typo must not silently widen the answer)."""
    date_from, date_to = _date(request, "from"), _date(request, "to")
    if date_from and date_to and date_from > date_to:
        raise ApiError(422, _("“from” must not be after “to”."), {"from": _("after “to”")})
    themes, categories = _values(request, "theme"), _values(request, "category")
    known = set(analytics.theme_names(session))
    unknown_themes = [t for t in themes if t not in known]
    if unknown_themes:
        raise ApiError(
            422,
            _("Unknown theme: {names}.").format(names=", ".join(unknown_themes)),
            {"theme": _("not a theme of the tracker")},
        )
    unknown_categories = [c for c in categories if c not in FORUM_CATEGORIES]
    if unknown_categories:
        raise ApiError(
            422,
            _("Unknown category: {names}; use one of {allowed}.").format(
                names=", ".join(unknown_categories), allowed=", ".join(FORUM_CATEGORIES)
            ),
            {"category": _("not a forum category")},
        )
    return Filters(date_from=date_from, date_to=date_to, themes=tuple(themes), categories=tuple(categories))


def _reading() -> Session:
    return database.session_factory(engine())()


@endpoint(SUMMARY_ROLES)
def summary_endpoint(request: Request, caller: Caller, body: bytes) -> Response:
    with _reading() as session:
        filters = _filters(request, session)
        grant_id = request.query_params.get("grant", "").strip() or None
        if grant_id is not None:
            if filters.date_from or filters.date_to:
                raise ApiError(
                    422,
                    _("A grant gives its own period: leave out “from” and “to”."),
                    {"grant": _("with a period")},
                )
            try:
                grant_id = grant_records.visible_grant(
                    session, caller.username, caller.role, grant_id
                ).grant_id
            except ValidationFailed as refused:
                raise ApiError(404, str(refused)) from None
        result = summary(
            session,
            filters.date_from,
            filters.date_to,
            grant_id=grant_id,
            themes=filters.themes,
            categories=filters.categories,
        )
    return JSONResponse(result)


def _limit(request: Request) -> int:
    text = request.query_params.get("limit", "").strip()
    if not text:
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiError(
            422,
            _("“limit” must be a whole number from 1 to {max}.").format(max=MAX_LIMIT),
            {"limit": _("1 to {max}").format(max=MAX_LIMIT)},
        )
    return int(text)


def _cursor(request: Request) -> int:
    text = request.query_params.get("cursor", "").strip()
    if not text:
        return 0
    if not text.isdigit():
        raise ApiError(
            422, _("“cursor” must be the value from a “next” link."), {"cursor": _("not a cursor")}
        )
    return int(text)


def _updated_since(request: Request) -> dt.datetime | None:
    text = request.query_params.get("updated_since", "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ApiError(
            422,
            _("“updated_since” must be a date or time in ISO 8601, e.g. 2026-01-31T12:00:00Z."),
            {"updated_since": _("not a date or time")},
        ) from None
    # Stored times are UTC without a zone.
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo else moment


@endpoint(ACTIVITY_ROLES)
def activities_endpoint(request: Request, caller: Caller, body: bytes) -> Response:
    limit, cursor, since = _limit(request), _cursor(request), _updated_since(request)
    with _reading() as session:
        filters = _filters(request, session)
        found = activity_log.visible_after(session, filters, caller.role, cursor, limit + 1, since)
        page = found[:limit]
        records = [{"id": a.id, "updated_at": a.updated_at.isoformat() + "Z", **json_record(a)} for a in page]
    next_link = None
    if len(found) > limit:
        next_link = str(request.url.include_query_params(cursor=str(page[-1].id)))
    return JSONResponse({"activities": records, "next": next_link})


def _outcome_record(outcome: Outcome, readable: tuple[str, ...]) -> dict[str, Any]:
    row: dict[str, Any] = dict(outcome_fields.import_format_row(outcome))
    # Only the contributing activities this role may read are named (by external id).
    row["activities"] = sorted(
        a.external_id
        for a in outcome.activities
        if a.external_id and a.deleted_at is None and a.confidentiality in readable
    )
    row["themes"] = sorted(t.name for t in outcome.themes)
    row["evidence_url"] = row["evidence_url"].split()
    row["positive"], row["intended"] = bool(outcome.positive), bool(outcome.intended)
    return row


@endpoint(OUTCOME_ROLES)
def outcomes_endpoint(request: Request, caller: Caller, body: bytes) -> Response:
    with _reading() as session:
        filters = _filters(request, session)
        readable = visible_confidentiality(caller.role)
        records = [
            _outcome_record(o, readable)
            for o in results_views.readable_outcomes(session, filters, caller.role)
        ]
    return JSONResponse({"outcomes": records})


@endpoint(TARGET_ROLES)
def targets_endpoint(request: Request, caller: Caller, body: bytes) -> Response:
    with _reading() as session:
        filters = _filters(request, session)
        statuses = target_status.target_statuses(session, filters.date_from, filters.date_to)
        return JSONResponse({"targets": [s.as_json() for s in statuses]})


def _event(event: ForumEvent) -> dict[str, Any]:
    return {
        "name": event.name,
        "start_date": event.start_date.isoformat(),
        "date_precision": event.date_precision,
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "place": event.place,
        "source": event.source,
        "verified": event.verified,
    }


@endpoint(FORUM_ROLES)
def forums_endpoint(request: Request, caller: Caller, body: bytes) -> Response:
    categories = _values(request, "category")
    if any(c not in FORUM_CATEGORIES for c in categories):
        raise ApiError(
            422, _("Unknown category; use one of {allowed}.").format(allowed=", ".join(FORUM_CATEGORIES))
        )
    with _reading() as session:
        hidden = analytics.restricted_only_names(session, caller.role)
        query = (
            select(Forum).options(selectinload(Forum.events), selectinload(Forum.parent)).order_by(Forum.name)
        )
        if categories:
            query = query.where(Forum.category.in_(categories))
        forums = [
            {
                "forum": forum.name,
                "forum_category": forum.category,
                "parent": forum.parent.name
                if forum.parent and forum.parent.name not in hidden.forums
                else None,
                "source": forum.source,
                "events": [
                    _event(e)
                    for e in sorted(forum.events, key=lambda e: (e.start_date, e.name))
                    if e.id not in hidden.events
                ],
            }
            for forum in session.scalars(query)
            if forum.name not in hidden.forums
        ]
    return JSONResponse({"forums": forums})
