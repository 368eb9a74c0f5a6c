"""HTTP routes added to Streamlit's server (``st.App`` in ``streamlit_app.py``): ``ROUTES``,
the one list every route of the app is appended to. Today: the session cookie,
the forum calendar feed, the map's boundaries and the HTTP API (``tracker.api.ROUTES``).

``POST /tracker-session`` swaps a one-time log-in ticket (the request body, never the
URL) for the session cookie: signed, HttpOnly, SameSite=Strict, Secure when the app is
served over https, lasting at most the absolute session lifetime. ``DELETE`` drops the
cookie and ends its session. The page scripts call these with a same-origin ``fetch``.

``GET /calendar.ics`` (``?category=UN`` for one forum category) answers the forum calendar
as iCalendar (``tracker.publish.calendar_feed``) to a reader recognised by a valid session
cookie (a signed-in browser following the Forums page's link: the cookie is SameSite=Strict,
sent on same-site navigation) or by a calendar token in the address (``?token=TOKEN``,
``tracker create-token USERNAME --name LABEL --scope calendar``; calendar applications fetch
without cookies). A token in the address is the only credential looked at when present.
Anyone else gets 401, with one sentence.
"""

from __future__ import annotations

import functools

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from tracker import api, config
from tracker.access import sessions, tokens
from tracker.access.accounts import Account
from tracker.db import database
from tracker.db.models import utcnow
from tracker.i18n import _
from tracker.publish import calendar_feed
from tracker.results import world_map

PATH = "/tracker-session"


@functools.cache
def _engine(url: str) -> Engine:
    return database.open_database(url)


def _same_origin(request: Request) -> bool:
    site = request.headers.get("sec-fetch-site")
    return site in (None, "same-origin")


def _secure(request: Request) -> bool:
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip()
    return request.url.scheme == "https" or forwarded == "https"


def _set_cookie(response: Response, request: Request, value: str, max_age: int) -> None:
    response.set_cookie(
        sessions.COOKIE_NAME,
        value,
        max_age=max_age,
        path="/",
        secure=_secure(request),
        httponly=True,
        samesite="strict",
    )


async def session_cookie(request: Request) -> Response:
    if not _same_origin(request):
        return Response(status_code=403)
    engine = _engine(config.database_url())
    if request.method == "POST":
        ticket = (await request.body()).decode("utf-8", "replace")[:200]
        with database.writing(engine) as session:
            value = sessions.redeem_ticket(session, ticket, utcnow())
        if value is None:
            return Response(status_code=403)
        response = Response(status_code=204)
        _set_cookie(response, request, value, int(sessions.absolute_limit().total_seconds()))
        return response
    with database.writing(engine) as session:
        sessions.end_by_cookie(session, request.cookies.get(sessions.COOKIE_NAME))
    response = Response(status_code=204)
    _set_cookie(response, request, "", 0)
    return response


CALENDAR_PATH = "/calendar.ics"


def _calendar_reader(session: Session, request: Request) -> Account | None:
    token = request.query_params.get("token")
    if token is not None:
        return tokens.authenticate(session, token[:512], scope="calendar")
    return sessions.account_from_cookie(session, request.cookies.get(sessions.COOKIE_NAME), utcnow())


def calendar_ics(request: Request) -> Response:
    """The forum calendar feed (sync: Starlette runs it in its thread pool, off the event loop)."""
    asked = request.query_params.get("category")
    category = calendar_feed.category_code(asked)
    if asked is not None and category is None:
        return PlainTextResponse(
            _("Unknown forum category: use KP, UN, Other international, Regional or National."),
            status_code=400,
        )
    engine = _engine(config.database_url())
    with database.writing(engine) as session:
        account = _calendar_reader(session, request)
        if account is None:
            return PlainTextResponse(
                _("Sign in, or add a valid calendar token to the address (?token=…), to read this calendar."),
                status_code=401,
                headers={"Cache-Control": "no-store"},
            )
        body = calendar_feed.feed_bytes(session, account.role, category)
    return Response(
        body,
        media_type=calendar_feed.MEDIA_TYPE,
        headers={
            "Content-Disposition": 'inline; filename="forum-calendar.ics"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


# plotly.js fetches a topojson for any geo subplot (even with every base layer hidden and
# the boundaries given as GeoJSON in the figure); ``topojsonURL`` in the chart's config
# (``world_map.PLOTLY_GEO_CONFIG``) points it here instead of its CDN: the shipped
# Natural Earth file, public domain, so no sign-in is asked for.
GEO_PATH = "/tracker-geo/{name}"


def boundaries(request: Request) -> Response:
    if request.path_params.get("name") != world_map.PLOTLY_TOPOJSON_NAME:
        return Response(status_code=404)
    return Response(
        world_map.boundaries_bytes(),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=604800", "X-Content-Type-Options": "nosniff"},
    )


# The session cookie, the calendar feed, the map's boundaries, then the HTTP API (/api/v1/…).
ROUTES = [
    Route(PATH, session_cookie, methods=["POST", "DELETE"]),
    Route(CALENDAR_PATH, calendar_ics, methods=["GET"]),
    Route(GEO_PATH, boundaries, methods=["GET"]),
    *api.ROUTES,
]
