"""What ``streamlit run app.py`` (``make run``) serves: ``streamlit_app.py`` plus the
tracker's own routes (the session cookie, ``tracker.web.routes``).

Streamlit finds the ``st.App`` assigned to ``app`` here (its ASGI app discovery) and
serves it with its own server and every usual option. ``streamlit_app.py`` stays the
script: AppTest runs it directly.
"""

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from tracker.web.routes import ROUTES

# Every run goes through streamlit_app.py's st.navigation, from the first request on:
# without this, Streamlit 1.67 starts in its legacy mode that serves the files of pages/
# (a shared link opened first after a restart showed "Page not found"). The same
# switch as tracker.web.auth.require; the browser and access tests cover both.
PagesManager.uses_pages_directory = False

app = st.App("streamlit_app.py", routes=ROUTES)
