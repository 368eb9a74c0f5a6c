"""The Streamlit side of the tracker: the only package under ``src/`` that imports Streamlit.

- ``entry``: what ``streamlit_app.py`` runs on every script run, and the one page guard.
- ``db``: the cached engine, uncached reads and the one write helper (clears the caches).
- ``cache``: one cached-read decorator (ttl, keyed by database URL and every argument).
- ``reads``: the cached reads the pages call; a read whose output differs by role takes
  the role as an explicit argument, so a cache entry never serves another role.
- ``auth``: sign-in state, browser sessions (cookie), navigation and the role guard.
- ``sidebar``: the shared filters (mirrored in the URL) and the small view controls.
- ``render``: charts with their numbers, headline figures, downloads, problem pages.
- ``activity_form``: the form shared by the Add and Edit pages.
- ``legacy_pages``: the one switch out of Streamlit's legacy ``pages/`` mode.
- ``routes``: ``ROUTES``, every HTTP route added to Streamlit's server (the session cookie,
  the calendar feed, the map's boundaries and the HTTP API of ``tracker.api``).
- ``tokens_panel``: create, list and revoke API tokens (the API tokens and Users pages).
"""

import os
from collections.abc import Awaitable, Callable

# Streamlit 1.67 serves the app with uvicorn, which rewrites the client's address from
# X-Forwarded-For whenever the peer is in FORWARDED_ALLOW_IPS (by default 127.0.0.1): a
# local user could forge an address per log-in attempt, escape the throttle and write any
# address into the audit log. The tracker reads that header itself, and only from
# TRACKER_TRUSTED_PROXIES (``access.accounts.client_address``): uvicorn must trust no one.
# Its Config reads the variable before it imports the app, and wraps the app in
# ProxyHeadersMiddleware just after: so the variable is set for any later server, and the
# middleware that is about to wrap this app is pinned to trust nobody.
os.environ["FORWARDED_ALLOW_IPS"] = ""


def _pin_uvicorn_forwarded_trust() -> None:
    try:
        from uvicorn import config as uvicorn_config
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
    except ImportError:  # another server: nothing of uvicorn's to pin
        return

    class TrustNoForwardedHeader(ProxyHeadersMiddleware):
        def __init__(self, app: Callable[..., Awaitable[None]], trusted_hosts: list[str] | str = "") -> None:
            super().__init__(app, trusted_hosts="")

    uvicorn_config.ProxyHeadersMiddleware = TrustNoForwardedHeader  # type: ignore[misc]


_pin_uvicorn_forwarded_trust()


def _warn_without_secret_key() -> None:
    from tracker import config

    warning = config.secret_key_warning()
    if warning:
        import logging

        logging.getLogger("tracker").warning(warning)


_warn_without_secret_key()  # at start-up: the entry module imports tracker.web
