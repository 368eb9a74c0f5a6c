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
