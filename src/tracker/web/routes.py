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

``GET /verify-email?token=…`` opens the link that verifies an account's own e-mail address
(``tracker.access.email_verification``) and answers one sentence in the account's language.
"""

from __future__ import annotations

import functools
import html

from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from tracker import api, config
from tracker.access import accounts, sessions, tokens
from tracker.access.accounts import Account
from tracker.db import database
from tracker.db.models import utcnow
from tracker.i18n import _, current_language, use_language
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


def verify_email(request: Request) -> Response:
    """``GET /verify-email?token=…``: the link of ``tracker.access.email_verification``. One
    sentence in the account's language, and a link back to the app; no sign-in needed (the
    signed token is the proof)."""
    from tracker.access import email_verification
    from tracker.access.email_verification import Outcome

    token = request.query_params.get("token", "")
    engine = _engine(config.database_url())
    with database.writing(engine) as session:
        outcome, username = email_verification.verify(session, token, utcnow())
        user = accounts.find_user(session, username) if username else None
        language = user.language if user is not None else None
    with use_language(language):
        sentence = {
            Outcome.VERIFIED: _("Your e-mail address is confirmed: the monthly digest can go to it."),
            Outcome.EXPIRED: _("This link has expired: type your address again in the app to get a new one."),
            Outcome.STALE: _("This link is for an address the account no longer uses: nothing was changed."),
            Outcome.INVALID: _(
                "This link is not valid: copy the whole link from the e-mail, or ask for a new one."
            ),
        }[outcome]
        body = (
            f'<!doctype html><html lang="{html.escape(current_language())}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(_('E-mail address'))}</title></head>"
            f'<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto; padding: 0 1em">'
            f'<p>{html.escape(sentence)}</p><p><a href="/">{html.escape(_("Open the tracker"))}</a></p>'
            "</body></html>"
        )
    return HTMLResponse(
        body,
        status_code=200 if outcome is Outcome.VERIFIED else 400,
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


# The session cookie, the calendar feed, the map's boundaries, e-mail verification, then the
# HTTP API (/api/v1/…).
ROUTES = [
    Route(PATH, session_cookie, methods=["POST", "DELETE"]),
    Route(CALENDAR_PATH, calendar_ics, methods=["GET"]),
    Route(GEO_PATH, boundaries, methods=["GET"]),
    Route("/verify-email", verify_email, methods=["GET"]),
    *api.ROUTES,
]
