"""Users (admins): accounts, roles, passwords and deactivation."""

import streamlit as st

from tracker import accounts
from tracker.i18n import _, column_labels
from tracker.permissions import ROLES
from tracker.web import auth, db, reads

auth.require("user_accounts")
admin = auth.current_account()
assert admin is not None  # require() let only a signed-in admin through
st.title(_("Users"))

st.subheader(_("Create an account"))
with st.form("users_create", clear_on_submit=True):
    cols = st.columns(2)
    username = cols[0].text_input(_("Username"), key="users_new_username")
    display_name = cols[1].text_input(_("Display name"), key="users_new_display")
    organisation = cols[0].text_input(_("Organisation"), key="users_new_org")
    email = cols[1].text_input(_("E-mail (for single sign-on, optional)"), key="users_new_email")
    role = cols[0].selectbox(
        _("Role"), ROLES, index=ROLES.index("member"), format_func=_, key="users_new_role"
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
            st.success(_("Account created."))

st.subheader(_("Change an account"))
names = list(reads.account_list().get("username", []))
with st.form("users_change"):
    target = st.selectbox(_("Account"), names, key="users_target")
    change = st.radio(
        _("Change"),
        ("role", "password", "disable", "enable"),
        horizontal=True,
        format_func=lambda c: {
            "role": _("Set the role"),
            "password": _("Set a new password"),
            "disable": _("Disable"),
            "enable": _("Enable"),
        }[c],
        key="users_change_kind",
    )
    new_role = st.selectbox(_("New role"), ROLES, format_func=_, key="users_change_role")
    new_password = st.text_input(_("New password"), type="password", key="users_change_password")
    if st.form_submit_button(_("Apply")) and target:
        if change == "role":
            ok, _r = db.write(accounts.set_role, target, new_role, admin.username)
        elif change == "password":
            ok, _r = db.write(accounts.set_password, target, new_password, admin.username)
        else:
            ok, _r = db.write(accounts.set_active, target, change == "enable", admin.username)
        if ok:
            st.success(_("Saved."))

st.subheader(_("Accounts"))
accounts_table = reads.account_list()
st.dataframe(accounts_table, hide_index=True, column_config=column_labels(accounts_table.columns))
