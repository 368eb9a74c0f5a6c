"""What ``streamlit run app.py`` (``make run``) serves: ``streamlit_app.py`` plus the
tracker's own routes (the session cookie, ``tracker.web.routes``).

Streamlit finds the ``st.App`` assigned to ``app`` here (its ASGI app discovery) and
serves it with its own server and every usual option. ``streamlit_app.py`` stays the
script: AppTest runs it directly.
"""

import streamlit as st

from tracker.web.routes import ROUTES

app = st.App("streamlit_app.py", routes=ROUTES)
