"""The signed-in account's own settings in the sidebar: its language, the monthly digest and
its own e-mail address (verified by a signed link before any digest goes to it).

Both are saved on the account (``users.language``, ``users.digest``; migration 0007).
They are read from the database once per session (the sidebar draws them on every rerun)
and the session's copy is replaced whenever this session saves a change.
"""

from __future__ import annotations

import dataclasses
import os
from typing import Any
from urllib.parse import urlsplit

import streamlit as st

from tracker import i18n
from tracker.access.accounts import Account
from tracker.db.models import utcnow
from tracker.i18n import _
from tracker.publish import digest, verification_mail
from tracker.text.plain_text import markdown_literal
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


def _remember(account: Account, **changed: Any) -> None:
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
    """The sidebar's monthly-digest switch; the choice is saved on the account. The digest
    goes only to a verified address: ``email_choice`` below sets and verifies one."""
    prefs = account_preferences(account)
    wanted = st.toggle(_("Monthly digest by e-mail"), value=prefs.digest == "monthly", key="sidebar_digest")
    if wanted != (prefs.digest == "monthly"):
        chosen = "monthly" if wanted else "none"
        done, _result = db.write(digest.set_digest, account.username, chosen, actor=account.username)
        if done:
            _remember(account, digest=chosen)
    if wanted and not prefs.email:
        st.caption(_("Your account has no e-mail address yet: type yours below, then open the link we send."))
    elif wanted and not prefs.email_verified:
        st.caption(
            _("The digest goes to {email} once you open the link sent there.").format(
                email=markdown_literal(prefs.email or "")
            )
        )
    email_choice(account)


def app_address() -> str:
    """The address people open the app at, for links in e-mail: ``TRACKER_PUBLIC_URL`` if set
    (behind a proxy that rewrites the host), else the address this browser used."""
    configured = os.environ.get("TRACKER_PUBLIC_URL", "").strip()
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(st.context.url or "")
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else "http://localhost:8501"


def email_choice(account: Account) -> None:
    """The account's own e-mail address: typed here, verified by a signed link sent to it
    (``tracker.publish.verification_mail``; the link opens ``/verify-email``)."""
    prefs = account_preferences(account)
    with st.expander(_("Your e-mail address"), key="sidebar_email_panel", on_change="rerun"):
        if prefs.email and prefs.email_verified:
            st.caption(_("{email} (confirmed)").format(email=markdown_literal(prefs.email)))
        elif prefs.email:
            st.caption(_("{email} (not confirmed yet)").format(email=markdown_literal(prefs.email)))
        with st.form("sidebar_email_form", border=False):
            typed = st.text_input(_("E-mail address"), value=prefs.email or "", key="sidebar_email")
            if st.form_submit_button(_("Send me the confirmation link")):
                done, address = db.write(
                    verification_mail.set_and_send, account.username, typed, app_address(), utcnow()
                )
                if done:
                    _remember(account, email=address, email_verified=False)
                    st.success(
                        _("Sent: open the link in the e-mail to {email} to confirm it.").format(
                            email=markdown_literal(address)
                        )
                    )


def review_digest_choice(account: Account) -> None:
    """Staff and admins: the daily e-mail listing new member submissions (``users.review_digest``)."""
    from tracker.publish import submission_mail

    wanted_now = db.read(submission_mail.review_digest_wanted, account.username)
    wanted = st.toggle(_("Daily e-mail of new submissions"), value=wanted_now, key="sidebar_review_digest")
    if wanted != wanted_now:
        db.write(submission_mail.set_review_digest, account.username, wanted, account.username)
