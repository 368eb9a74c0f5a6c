"""The signed-in account's own settings in the sidebar: its language and the monthly digest.

Both are saved on the account (``users.language``, ``users.digest``; migration 0007).
"""

from __future__ import annotations

import streamlit as st

from tracker import i18n
from tracker.access.accounts import Account
from tracker.i18n import _
from tracker.publish import digest
from tracker.web import db

LANGUAGE_KEY = "account_language"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def apply_account_language(account: Account | None) -> None:
    """Speak the signed-in account's language for this run (else TRACKER_LANG)."""
    if account is None:
        i18n.set_language(None)
        return
    remembered = st.session_state.get(LANGUAGE_KEY)
    if not remembered or remembered[0] != account.username:
        prefs = db.read(digest.preferences, account.username)
        st.session_state[LANGUAGE_KEY] = (account.username, prefs.language)
    i18n.set_language(st.session_state[LANGUAGE_KEY][1])


def language_choice(account: Account) -> None:
    """The sidebar's language selector; the choice is saved on the account."""
    current = st.session_state.get(LANGUAGE_KEY, ("", None))[1] or i18n.current_language()
    languages = i18n.available_languages()
    chosen = st.selectbox(
        _("Language"),
        languages,
        index=languages.index(current) if current in languages else 0,
        format_func=lambda code: LANGUAGE_NAMES.get(code, code),
        key="sidebar_language",
    )
    if chosen != current:
        done, _result = db.write(digest.set_language, account.username, chosen, actor=account.username)
        if done:
            st.session_state[LANGUAGE_KEY] = (account.username, chosen)
            st.rerun()


def digest_choice(account: Account) -> None:
    """The sidebar's monthly-digest switch; the choice is saved on the account."""
    prefs = db.read(digest.preferences, account.username)
    wanted = st.toggle(_("Monthly digest by e-mail"), value=prefs.digest == "monthly", key="sidebar_digest")
    if wanted != (prefs.digest == "monthly"):
        db.write(digest.set_digest, account.username, "monthly" if wanted else "none", actor=account.username)
    if wanted and not prefs.email:
        st.caption(_("Your account has no e-mail address yet: ask an administrator to add one."))


def review_digest_choice(account: Account) -> None:
    """Staff and admins: the daily e-mail listing new member submissions (``users.review_digest``)."""
    from tracker.publish import submission_mail

    wanted_now = db.read(submission_mail.review_digest_wanted, account.username)
    wanted = st.toggle(_("Daily e-mail of new submissions"), value=wanted_now, key="sidebar_review_digest")
    if wanted != wanted_now:
        db.write(submission_mail.set_review_digest, account.username, wanted, account.username)
