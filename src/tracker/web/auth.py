"""Who is signed in: log-in and log-out, the browser session cookie, navigation and the role guard.

Sessions live in the database (``tracker.access.sessions``). This browser tab keeps only the
session id in Streamlit's server-side session state; a new tab or a reload finds its
session through the HttpOnly cookie (``st.context.cookies``), which
``tracker.web.routes`` sets after a log-in. Nothing secret ever goes into the URL.
"""

from __future__ import annotations

import importlib.util
import json
import logging

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from tracker.access import accounts, addresses, sessions
from tracker.access.accounts import Account
from tracker.access.permissions import PAGES, PageRule, may_open, pages_for
from tracker.db.models import utcnow
from tracker.i18n import N_, _
from tracker.web import db
from tracker.web.legacy_pages import navigate_through_entry_script
from tracker.web.sidebar import FILTERS_KEY, URL_NOTICE_KEY

SESSION_KEY = "auth_session"
ACCOUNT_KEY = "auth_account"
NOTICE_KEY = "auth_notice"
COOKIE_TICKET_KEY = "auth_cookie_ticket"
COOKIE_DROP_KEY = "auth_cookie_drop"
COOKIE_REFUSED_KEY = "auth_cookie_refused"
ENTRY_KEY = "_entered_through_app"
REROUTED_KEY = "_rerouted_to_app"
SESSION_ROUTE = "/tracker-session"
_LOG = logging.getLogger(__name__)

ENDED_NOTICES = {
    sessions.Status.ENDED: N_("You are logged out (from this or another tab): log in again."),
    sessions.Status.IDLE: N_("You were logged out after a period without activity: log in again."),
    sessions.Status.EXPIRED: N_("Your session reached its maximum length: log in again."),
    sessions.Status.CHANGED: N_("Your account's password or role changed: log in again."),
    sessions.Status.DISABLED: N_("This account is disabled or no longer exists: ask an administrator."),
}


def entered_through_app() -> None:
    """Called by ``streamlit_app.py`` on every run, just before the page runs."""
    st.session_state[ENTRY_KEY] = True


def navigation(role: str | None) -> st.Page:
    """The pages this role may open, in their order, built on every run.

    One flat list, no sections: Streamlit draws a section as a header and a ``<div>`` inside
    the navigation's ``<ul>``, which screen readers cannot read as a list (axe-core's
    list/listitem rules, serious; docs/accessibility.md). ``PageRule.section`` still orders them.

    A visitor who is not signed in gets the log-in page, also under every other page's
    address (hidden): a shared link such as ``/overview?theme=...`` shows the log-in
    form instead of "Page not found", and after logging in the same address (with its
    query) opens the page itself, since Streamlit identifies a page by its address.
    """
    from tracker.config import PROJECT_ROOT

    def page(rule: PageRule, title: str, url_path: str, default: bool, visible: bool = True) -> st.Page:
        return st.Page(
            str(PROJECT_ROOT / "pages" / f"{rule.name}.py"),
            title=title,
            url_path=url_path,
            default=default,
            visibility="visible" if visible else "hidden",
        )

    if role is None:
        login = [rule for rule in PAGES if may_open(None, rule.name)][0]
        visitor = [page(login, _(login.title), login.url_path, True)]
        visitor += [page(login, _(login.title), rule.url_path, False) for rule in PAGES if rule is not login]
        return st.navigation(visitor, position="hidden")
    # Streamlit serves the default page only at the root (its public address is ""), so the
    # role's first page is also registered, hidden, under its own address: a shared link such
    # as the funder's /funder-summary opens it instead of "Page not found" over the page.
    rules = pages_for(role)
    pages = [
        page(rule, _(rule.title), "" if index == 0 else rule.url_path, index == 0)
        for index, rule in enumerate(rules)
    ]
    if rules:
        pages.append(page(rules[0], _(rules[0].title), rules[0].url_path, False, visible=False))
    return st.navigation(pages, expanded=True)


def current_account() -> Account | None:
    """The account checked by ``streamlit_app.py`` at the start of this run."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def current_role() -> str | None:
    account = current_account()
    return account.role if account else None


def actor() -> str:
    account = current_account()
    return account.username if account else "(unknown)"


def require(page: str) -> str | None:
    """First statement of every page: refuse a role the page does not serve; returns the role.

    Until some session has run ``st.navigation``, Streamlit 1.67 serves files in
    ``pages/`` directly (its legacy multipage mode), bypassing ``streamlit_app.py``.
    A page reached that way switches the server to ``st.navigation`` and starts the
    run again through the entry script, so no page ever runs without it.
    """
    if not st.session_state.pop(ENTRY_KEY, False):
        if not st.session_state.pop(REROUTED_KEY, False):
            navigate_through_entry_script()
            st.session_state[REROUTED_KEY] = True
            st.rerun()
        # Still run on its own (e.g. a test opening the file as the app): check here.
        check_signed_in()
    role = current_role()
    if not may_open(role, page):
        if role is None:
            st.error(_("Log in to see this page."))
        else:
            st.error(_("This page is not available to your account."))
        st.stop()
    return role


# ---- signing in and out --------------------------------------------------------------


def _cookie() -> str | None:
    try:
        return st.context.cookies.get(sessions.COOKIE_NAME)
    except Exception:  # noqa: BLE001 - no request context (e.g. AppTest): no cookie
        return None


def check_signed_in() -> Account | None:
    """Called by the entry script on every run: the signed-in account, re-read from the
    database, or None (with a notice) if the session ended, idled out or was altered."""
    state = st.session_state
    state[ACCOUNT_KEY] = None
    now = utcnow()
    session_id = state.get(SESSION_KEY)
    if session_id is None:
        cookie = _cookie()
        if cookie and cookie != state.get(COOKIE_REFUSED_KEY):
            with db.writing() as session:
                session_id = sessions.from_cookie(session, cookie, now)
            if session_id is None:
                state[COOKIE_REFUSED_KEY] = cookie  # not re-checked on every run
            else:
                state[SESSION_KEY] = session_id
    if session_id is None:
        account = _single_sign_on_account()
        if account is not None:
            sign_in(account)
        return account
    status, account, must_write = db.read(sessions.peek, session_id, now)
    if must_write:  # ended (delete its record) or due its last-seen update
        with db.writing() as session:
            status, account = sessions.check(session, session_id, now)
    if account is None:
        sign_out(_(ENDED_NOTICES[status]))
        return None
    state[ACCOUNT_KEY] = account
    return account


def single_sign_on_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def single_sign_on_installed() -> bool:
    """Authlib, the optional extra ``pip install .[sso]``, is what ``st.login`` needs."""
    return importlib.util.find_spec("authlib") is not None


def single_sign_on_problem() -> str | None:
    """One sentence when single sign-on is configured but cannot work, else None."""
    if single_sign_on_configured() and not single_sign_on_installed():
        return _(
            "Single sign-on is configured but its package is not installed: ask the administrator "
            "to run `pip install .[sso]`; until then, log in with a password."
        )
    return None


def _single_sign_on_account() -> Account | None:
    """The account mapped to the e-mail of a completed single sign-on, if any."""
    if not single_sign_on_configured() or not single_sign_on_installed() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    account = db.read(accounts.account_for_email, email) if email else None
    if account is None:
        st.session_state[NOTICE_KEY] = _("No active account uses this e-mail address: ask an administrator.")
        st.logout()
    return account


def sign_in(account: Account) -> None:
    """A new server-side session for this tab; its cookie is set by the next run's page."""
    with db.writing() as session:
        started = sessions.start(session, account.username, utcnow())
    state = st.session_state
    state[SESSION_KEY] = started.session_id
    state[COOKIE_TICKET_KEY] = started.ticket
    state[ACCOUNT_KEY] = account
    state.pop(COOKIE_REFUSED_KEY, None)
    state.pop(COOKIE_DROP_KEY, None)


def sign_out(notice: str | None = None) -> None:
    """End the session in the database (so in every tab) and drop the cookie."""
    state = st.session_state
    session_id = state.pop(SESSION_KEY, None)
    if session_id is not None:
        with db.writing() as session:
            sessions.end(session, session_id)
        state[COOKIE_DROP_KEY] = True
    for key in (ACCOUNT_KEY, COOKIE_TICKET_KEY, FILTERS_KEY, URL_NOTICE_KEY):
        state.pop(key, None)
    cookie = _cookie()
    if cookie:
        state[COOKIE_REFUSED_KEY] = cookie
    if single_sign_on_configured() and single_sign_on_installed() and st.user.is_logged_in:
        st.logout()
    if notice:
        state[NOTICE_KEY] = notice
    return None


def pop_notice() -> str | None:
    return st.session_state.pop(NOTICE_KEY, None)


def client_address() -> str:
    """The visitor's address; X-Forwarded-For counts only from a proxy in TRACKER_TRUSTED_PROXIES."""
    return addresses.client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"))


def log_in(username: str, password: str) -> str | None:
    """Try a log-in; on success sign the session in and return None, else the message."""
    with db.writing() as session:
        result = accounts.authenticate(session, username, password, client_address())
    if result.account is None:
        return result.message
    sign_in(result.account)
    return None


def cookie_script() -> None:
    """After a log-in (or log-out), have the browser set (or drop) the session cookie.

    The one-time ticket travels in a same-origin ``fetch`` body, never in the URL; the
    cookie is HttpOnly, so no script can read it afterwards.
    """
    state = st.session_state
    ticket = state.pop(COOKIE_TICKET_KEY, None)
    drop = state.pop(COOKIE_DROP_KEY, False)
    if ticket is None and not drop:
        return
    method, body = ("POST", ticket) if ticket else ("DELETE", "")
    script = (
        f"<script>fetch({json.dumps(SESSION_ROUTE)}, {{method: {json.dumps(method)}, "
        f"body: {json.dumps(body)}, credentials: 'same-origin', "
        "headers: {'Content-Type': 'text/plain'}});</script>"
    )
    st.sidebar.html(script, unsafe_allow_javascript=True)
