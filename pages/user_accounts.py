"""Users (admins): accounts, roles, passwords and deactivation."""

import streamlit as st

from tracker.access import accounts
from tracker.access.permissions import ROLES
from tracker.i18n import _
from tracker.records import grants
from tracker.vocabulary import labeller
from tracker.web import auth, db, reads, render
from tracker.web.tokens_panel import token_panel

auth.require("user_accounts")
admin = auth.current_account()
assert admin is not None  # require() let only a signed-in admin through
st.title(_("Users"))

# The create form keeps what was typed when the account is refused (a weak password, a taken
# name); only a created account empties it, before its widgets are drawn on the next run.
CREATE_KEYS = (
    "users_new_username",
    "users_new_display",
    "users_new_org",
    "users_new_email",
    "users_new_password",
)
created = st.session_state.pop("users_created", None)
if created:
    for widget_key in CREATE_KEYS:
        st.session_state.pop(widget_key, None)
    st.success(_("Account {name} created.").format(name=created))

st.header(_("Create an account"))
with st.form("users_create"):
    cols = st.columns(2)
    username = cols[0].text_input(_("Username"), key="users_new_username")
    display_name = cols[1].text_input(_("Display name"), key="users_new_display")
    organisation = cols[0].text_input(_("Organisation"), key="users_new_org")
    email = cols[1].text_input(_("E-mail (for single sign-on, optional)"), key="users_new_email")
    role = cols[0].selectbox(
        _("Role"), ROLES, index=ROLES.index("member"), format_func=labeller("role"), key="users_new_role"
    )
    password = cols[1].text_input(_("Password"), type="password", key="users_new_password")
    if st.form_submit_button(_("Create the account")):
        ok, _account = db.write(
            accounts.create_user,
            username,
            password,
            role,
            admin.username,
            display_name=display_name or None,
            organisation=organisation or None,
            email=email or None,
        )
        if ok:
            st.session_state["users_created"] = _account.username
            st.rerun()

st.header(_("Change an account"))
names = list(reads.account_list().get("username", []))
with st.form("users_change"):
    target = st.selectbox(_("Account"), names, key="users_target")
    change = st.radio(
        _("Change"),
        ("role", "organisation", "email", "password", "disable", "enable"),
        horizontal=True,
        format_func=lambda c: {
            "role": _("Set the role"),
            "organisation": _("Set the organisation"),
            "email": _("Set the e-mail address"),
            "password": _("Set a new password"),
            "disable": _("Disable"),
            "enable": _("Enable"),
        }[c],
        key="users_change_kind",
    )
    new_role = st.selectbox(_("New role"), ROLES, format_func=labeller("role"), key="users_change_role")
    new_organisation = st.text_input(
        _("Organisation (a member reports for it; empty: none)"), key="users_change_organisation"
    )
    new_email = st.text_input(_("E-mail address (taken as confirmed; empty: none)"), key="users_change_email")
    new_password = st.text_input(_("New password"), type="password", key="users_change_password")
    if st.form_submit_button(_("Apply")) and target:
        if change == "role":
            ok, _r = db.write(accounts.set_role, target, new_role, admin.username)
        elif change == "organisation":
            ok, _r = db.write(accounts.set_organisation, target, new_organisation, admin.username)
        elif change == "email":
            ok, _r = db.write(accounts.set_email, target, new_email, admin.username)
        elif change == "password":
            ok, _r = db.write(accounts.set_password, target, new_password, admin.username)
        else:
            ok, _r = db.write(accounts.set_active, target, change == "enable", admin.username)
        if ok:
            st.success(_("Saved."))

st.header(_("Funders' grants"))
st.caption(
    _(
        "A funder account linked to grants may open only those grants' summaries, and its Funder "
        "summary opens on its most recent grant. A funder with no grant sees the coalition-wide summary."
    )
)
funder_names = [n for n, r in zip(names, reads.account_list().get("role", []), strict=False) if r == "funder"]
grant_ids = [g.grant_id for g in reads.visible_grants(admin.username, admin.role)]
links = reads.grant_links()
if links:
    st.dataframe(
        {_("Funder account"): [u for u, _g in links], _("Grant"): [g for _u, g in links]}, hide_index=True
    )
else:
    st.info(_("No funder account is linked to a grant yet."))
if funder_names and grant_ids:
    with st.form("users_grants"):
        cols = st.columns(2)
        funder = cols[0].selectbox(_("Funder account"), funder_names, key="users_grant_account")
        grant_id = cols[1].selectbox(_("Grant"), grant_ids, key="users_grant_id")
        link = st.radio(
            _("Change"),
            ("link", "unlink"),
            horizontal=True,
            format_func=lambda c: _("Link to the grant") if c == "link" else _("Unlink from the grant"),
            key="users_grant_change",
        )
        if st.form_submit_button(_("Apply"), key="users_grant_apply") and funder and grant_id:
            action = grants.link_user if link == "link" else grants.unlink_user
            ok, _r = db.write(action, funder, grant_id, admin.username)
            if ok:
                st.success(_("Saved."))
else:
    st.caption(_("Linking needs at least one funder account and one grant (Reference lists, Grants)."))

st.header(_("API tokens"))
token_panel(admin, names)

st.header(_("Accounts"))
accounts_table = reads.account_table()
render.data_table(accounts_table)
