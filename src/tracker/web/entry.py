"""What ``streamlit_app.py`` runs on every script run.

``run()`` opens the database, checks who is signed in, builds the navigation for that
role (on every run, even when the database cannot be opened, so Streamlit never falls
back to serving every file in ``pages/``), then runs the page inside the one guard.

The guard turns an unexpected exception into one sentence for the user and logs its type
only (its message may hold record fields). With ``TRACKER_PAGE_ERRORS=raise`` (set by the
test suite, never in a deployment: Streamlit would then show the exception) it lets the
exception through, so a page that crashes fails its test.
"""

from __future__ import annotations

import logging
import os

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from tracker.access.permissions import EDITORS
from tracker.errors import TrackerError
from tracker.i18n import N_, _
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, db, phone, preferences, reads, render

PAGE_ERRORS_VARIABLE = "TRACKER_PAGE_ERRORS"
UNEXPECTED_ERROR = N_(
    "Something went wrong on this page: try again, and tell an administrator if it happens again."
)
_LOG = logging.getLogger("tracker.web")


def page_errors_raise() -> bool:
    """True only in the test suite: the guard lets a page's exception through."""
    return os.environ.get(PAGE_ERRORS_VARIABLE, "").strip().lower() == "raise"


def run_page(navigation: StreamlitPage) -> None:
    """Run the chosen page inside the one guard: a tracker error is its own sentence, anything
    else one generic sentence (and a log line naming only the exception's type)."""
    try:
        navigation.run()
    except TrackerError as problem:
        st.error(str(problem))
    except Exception as error:  # noqa: BLE001 - the one guard: one sentence, no record fields logged
        if page_errors_raise():
            raise
        _LOG.error(
            "Unexpected %s on page %s (details withheld: they may name records)",
            type(error).__name__,
            navigation.url_path,
        )
        st.error(_(UNEXPECTED_ERROR))


def run() -> None:
    """One script run of the app: database, signed-in account, sidebar, navigation, page."""
    st.set_page_config(page_title=_("KP CSC campaign tracker"), page_icon="◆", layout="wide")
    phone.styles()
    try:
        db.engine()
        account = auth.check_signed_in()
        preferences.apply_account_language(account)
    except TrackerError as problem:
        render.show_problem(str(problem))
        return
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
    run_page(navigation)
