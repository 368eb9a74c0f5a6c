"""Entry script: opens the database, checks who is signed in, then builds the navigation
for that role on every run. ``app.py`` serves it with the session-cookie route
(``streamlit run app.py``); AppTest runs this file directly.

``st.navigation`` is called on every run, even when the database cannot be opened, so
Streamlit never falls back to serving every file in ``pages/``; each page also checks
the role itself (``auth.require``). An unexpected exception in a page is logged by type
only (its message may hold record fields) and shown as one sentence.
"""

import logging

import streamlit as st

from tracker.access.permissions import EDITORS
from tracker.errors import TrackerError
from tracker.i18n import _
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, db, preferences, reads, render

st.set_page_config(page_title=_("KP CSC campaign tracker"), page_icon="◆", layout="wide")

try:
    db.engine()
    account = auth.check_signed_in()
    preferences.apply_account_language(account)
except TrackerError as problem:
    render.show_problem(str(problem))
else:
    navigation = auth.navigation(account.role if account else None)
    auth.cookie_script()
    if account is not None:
        with st.sidebar:
            st.caption(
                _("Signed in as {name} ({role})").format(
                    name=markdown_literal(account.display_name), role=_(account.role)
                )
            )
            preferences.language_choice(account)
            preferences.digest_choice(account)
            if account.role in EDITORS:
                preferences.review_digest_choice(account)
            if st.button(_("Log out"), key="logout"):
                auth.sign_out(_("You are logged out."))
                st.rerun()
        if reads.demo_accounts_exist():
            st.sidebar.warning(
                _("Demo accounts with published passwords exist: this is not a real deployment.")
            )
    auth.entered_through_app()
    try:
        navigation.run()
    except TrackerError as problem:
        st.error(str(problem))
    except Exception as error:  # noqa: BLE001 - the one guard: one sentence, no record fields logged
        logging.getLogger("tracker.web").error(
            "Unexpected %s on page %s (details withheld: they may name records)",
            type(error).__name__,
            navigation.url_path,
        )
        st.error(
            _("Something went wrong on this page: try again, and tell an administrator if it happens again.")
        )
