"""Entry point: opens the database, checks who is signed in, then builds the navigation
for that role on every run.

``st.navigation`` is called on every run, even when the database cannot be opened, so
Streamlit never falls back to serving every file in ``pages/``; each page also checks
the role itself (``ui.require``).
"""

import streamlit as st

from tracker import ui
from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.plain_text import markdown_literal

st.set_page_config(page_title=_("KP CSC campaign tracker"), page_icon="◆", layout="wide")

try:
    ui.engine()
    account = ui.check_signed_in()
except TrackerError as problem:
    ui.show_problem(str(problem))
else:
    navigation = ui.navigation(account.role if account else None)
    if account is not None:
        with st.sidebar:
            st.caption(
                _("Signed in as {name} ({role})").format(
                    name=markdown_literal(account.display_name), role=_(account.role)
                )
            )
            if st.button(_("Log out"), key="logout"):
                ui.sign_out(_("You are logged out."))
                st.rerun()
        if ui.demo_accounts_exist():
            st.sidebar.warning(
                _("Demo accounts with published passwords exist: this is not a real deployment.")
            )
    ui.entered_through_app()
    navigation.run()
