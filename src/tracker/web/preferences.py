"""The signed-in account's own settings in the sidebar: its language and the monthly digest.

Both are saved on the account (``users.language``, ``users.digest``; migration 0007).
They are read from the database once per session (the sidebar draws them on every rerun)
and the session's copy is replaced whenever this session saves a change.
"""

from __future__ import annotations

import dataclasses

import streamlit as st

from tracker import i18n
from tracker.access.accounts import Account
from tracker.i18n import _
from tracker.publish import digest
from tracker.web import db
from tracker.web.auth import SESSION_KEY

PREFERENCES_KEY = "account_preferences"
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}


def _signed_in_as(account: Account) -> tuple[str, object]:
    # A new log-in (even of the same account) reads the settings again.
    return account.username, st.session_state.get(SESSION_KEY)


def account_preferences(account: Account) -> digest.Preferences:
    """The account's saved settings: read once per log-in, not on every rerun."""
    remembered = st.session_state.get(PREFERENCES_KEY)
    if not remembered or remembered[0] != _signed_in_as(account):
        remembered = (_signed_in_as(account), db.read(digest.preferences, account.username))
        st.session_state[PREFERENCES_KEY] = remembered
    return remembered[1]


def _remember(account: Account, **changed: str) -> None:
    """The session's copy after this session saved ``changed`` on the account."""
    updated = dataclasses.replace(account_preferences(account), **changed)
    st.session_state[PREFERENCES_KEY] = (_signed_in_as(account), updated)


def apply_account_language(account: Account | None) -> None:
    """Speak the signed-in account's language for this run (else TRACKER_LANG)."""
    i18n.set_language(None if account is None else account_preferences(account).language)


def language_choice(account: Account) -> None:
    """The sidebar's language selector; the choice is saved on the account."""
    current = account_preferences(account).language or i18n.current_language()
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
            _remember(account, language=chosen)
            st.rerun()


def digest_choice(account: Account) -> None:
    """The sidebar's monthly-digest switch; the choice is saved on the account."""
    prefs = account_preferences(account)
    wanted = st.toggle(_("Monthly digest by e-mail"), value=prefs.digest == "monthly", key="sidebar_digest")
    if wanted != (prefs.digest == "monthly"):
        chosen = "monthly" if wanted else "none"
        done, _result = db.write(digest.set_digest, account.username, chosen, actor=account.username)
        if done:
            _remember(account, digest=chosen)
    if wanted and not prefs.email:
        st.caption(_("Your account has no e-mail address yet: ask an administrator to add one."))


def review_digest_choice(account: Account) -> None:
    """Staff and admins: the daily e-mail listing new member submissions (``users.review_digest``)."""
    from tracker.publish import submission_mail

    wanted_now = db.read(submission_mail.review_digest_wanted, account.username)
    wanted = st.toggle(_("Daily e-mail of new submissions"), value=wanted_now, key="sidebar_review_digest")
    if wanted != wanted_now:
        db.write(submission_mail.set_review_digest, account.username, wanted, account.username)
