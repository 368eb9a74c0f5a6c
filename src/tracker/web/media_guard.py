"""Streamlit's ``/media/…`` files (download buttons) only for a signed-in browser.

Streamlit 1.67 serves a download button's file at ``/media/<id>.<ext>`` to anyone who has
the address while the page that made it is open (``runtime/media_file_manager.py``; the
file is dropped after the session's next runs). The address can reach a proxy's access
log or a browser history. This ASGI middleware, installed on the app's server by
``streamlit_app.py``, answers 403 to a ``/media/`` request that carries no valid tracker
session cookie (signed, HttpOnly, SameSite=Strict; idle, expired and changed sessions
count as signed out), so a copied or logged address is useless on its own.
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any

import anyio

from tracker import config
from tracker.access import sessions
from tracker.db import database
from tracker.db.models import utcnow
from tracker.i18n import N_, _

MEDIA_PREFIX = "/media/"
_REFUSED = N_("Sign in to the tracker to download this file.")


def _cookie(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed header is no session
                return None
            morsel = jar.get(sessions.COOKIE_NAME)
            return morsel.value if morsel is not None else None
    return None


def signed_in(cookie: str | None) -> bool:
    """True when ``cookie`` is a live tracker session (read in a worker thread: it queries)."""
    if not cookie:
        return False
    from tracker.web.routes import _engine

    with database.writing(_engine(config.database_url())) as session:
        return sessions.account_from_cookie(session, cookie, utcnow()) is not None


class MediaGuard:
    """Pure ASGI middleware: everything but ``/media/`` passes untouched."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        # Streamlit serves downloads at {base}/media/… and its own files at {base}/static/….
        if scope.get("type") == "http" and MEDIA_PREFIX in path and "/static/" not in path:
            if not await anyio.to_thread.run_sync(signed_in, _cookie(scope)):
                await send(
                    {
                        "type": "http.response.start",
                        "status": 403,
                        "headers": [
                            (b"content-type", b"text/plain; charset=utf-8"),
                            (b"cache-control", b"no-store"),
                        ],
                    }
                )
                await send({"type": "http.response.body", "body": _(_REFUSED).encode("utf-8")})
                return
        await self.app(scope, receive, send)
