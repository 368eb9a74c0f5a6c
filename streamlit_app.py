"""Entry point: opens the database, then builds the navigation on every run.

``st.navigation`` is called on every run, even when the database cannot be opened,
so Streamlit never falls back to serving every file in ``pages/``.
"""

import streamlit as st

from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.ui import engine, entered_through_app, show_problem

st.set_page_config(page_title=_("KP CSC campaign tracker"), page_icon="◆", layout="wide")

try:
    engine()
except TrackerError as problem:
    show_problem(str(problem))
else:
    navigation = st.navigation(
        [
            st.Page("pages/home.py", title=_("Home"), default=True),
            st.Page("pages/overview.py", title=_("Overview"), url_path="overview"),
            st.Page("pages/forums.py", title=_("Forums"), url_path="forums"),
            st.Page("pages/themes.py", title=_("Themes"), url_path="themes"),
            st.Page("pages/participation.py", title=_("Participation"), url_path="participation"),
            st.Page("pages/activity_log.py", title=_("Activity log"), url_path="log"),
        ]
    )
    entered_through_app()
    navigation.run()
