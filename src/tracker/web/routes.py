"""HTTP routes added to Streamlit's server (``st.App`` in ``app.py``): the session cookie,
and the HTTP API (``tracker.api.ROUTES``).

``POST /tracker-session`` swaps a one-time log-in ticket (the request body, never the
URL) for the session cookie: signed, HttpOnly, SameSite=Strict, Secure when the app is
served over https, lasting at most the absolute session lifetime. ``DELETE`` drops the
cookie and ends its session. The page scripts call these with a same-origin ``fetch``.
"""

from __future__ import annotations

import functools

from sqlalchemy import Engine
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tracker import api, config
from tracker.access import sessions
from tracker.db import database
from tracker.db.models import utcnow

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


SESSION_ROUTES = [Route(PATH, session_cookie, methods=["POST", "DELETE"])]
# The session cookie, then the HTTP API (tracker.api: /api/v1/…).
ROUTES = [*SESSION_ROUTES, *api.ROUTES]
