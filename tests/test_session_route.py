"""The cookie route (tracker.web.routes) called as Starlette calls it, on both databases."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from starlette.requests import Request

from tracker.access import accounts, sessions
from tracker.db.models import utcnow
from tracker.web import routes


def call(method: str, body: bytes = b"", headers: dict[str, str] | None = None, scheme: str = "http"):
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {
        "type": "http",
        "method": method,
        "path": routes.PATH,
        "headers": raw,
        "query_string": b"",
        "scheme": scheme,
        "server": ("127.0.0.1", 8501),
    }

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    # In a thread of its own: another test (Playwright) may leave an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, routes.session_cookie(Request(scope, receive))).result()


@pytest.fixture
def ticket(session, use_database):
    routes._engine.cache_clear()
    accounts.create_user(session, "alice", "correct horse battery", "staff", "admin")
    started = sessions.start(session, "alice", utcnow())
    session.commit()
    yield started
    routes._engine.cache_clear()


def test_a_ticket_becomes_an_httponly_strict_cookie_once(ticket, session):
    response = call("POST", ticket.ticket.encode(), {"Sec-Fetch-Site": "same-origin"})
    assert response.status_code == 204
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie
    assert f"Max-Age={int(sessions.absolute_limit().total_seconds())}" in cookie
    value = cookie.split(";")[0].split("=", 1)[1]
    session.expire_all()
    assert sessions.from_cookie(session, value, utcnow()) == ticket.session_id
    assert call("POST", ticket.ticket.encode()).status_code == 403  # one time only


def test_over_https_the_cookie_is_secure(ticket):
    response = call("POST", ticket.ticket.encode(), {"X-Forwarded-Proto": "https"})
    assert response.status_code == 204 and "Secure" in response.headers["set-cookie"]


def test_a_cross_site_or_unknown_ticket_is_refused(ticket):
    assert call("POST", ticket.ticket.encode(), {"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert call("POST", b"not-a-ticket").status_code == 403
    assert call("POST", b"").status_code == 403


def test_delete_drops_the_cookie_and_ends_its_session(ticket, session):
    value = call("POST", ticket.ticket.encode()).headers["set-cookie"].split(";")[0].split("=", 1)[1]
    response = call("DELETE", headers={"Cookie": f"{sessions.COOKIE_NAME}={value}"})
    assert response.status_code == 204
    assert "Max-Age=0" in response.headers["set-cookie"]
    session.expire_all()
    assert sessions.check(session, ticket.session_id, utcnow())[0] is sessions.Status.ENDED
