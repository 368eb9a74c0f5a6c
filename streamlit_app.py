"""The app's one entry point: ``streamlit run streamlit_app.py`` (what ``make run`` does).

This file is read two ways (docs/architecture.md, "Entry point"):

- ``streamlit run`` finds the assignment ``app = st.App(...)`` below by parsing the file
  (Streamlit's ASGI app discovery, without running it), then its server imports this file
  as the module ``streamlit_app``: that import builds the one ``st.App``, with the
  tracker's HTTP routes (``tracker.web.routes.ROUTES``: the session cookie), once per
  server process, and leaves Streamlit's legacy ``pages/`` mode (``tracker.web.legacy_pages``).
- Every script run (each visit, click, rerun; AppTest too) executes this file as
  ``__main__``: it runs the app (``tracker.web.entry.run``) and never builds the
  ``st.App`` again.
"""

import streamlit as st

from tracker.web import legacy_pages
from tracker.web.routes import ROUTES

if __name__ == "__main__":
    from tracker.web import entry  # the pages' side: only script runs load it

    entry.run()
else:
    from starlette.middleware import Middleware

    from tracker.web.media_guard import MediaGuard

    legacy_pages.navigate_through_entry_script()
    app = st.App("streamlit_app.py", routes=ROUTES, middleware=[Middleware(MediaGuard)])
