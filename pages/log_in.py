"""Log in: the only page a visitor who is not signed in can open."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads

auth.require("log_in")
st.title(_("KP Civil Society Coalition: campaign tracker"))

notice = auth.pop_notice()
if notice:
    st.info(notice)

with st.form("login_form"):
    username = st.text_input(_("Username"), key="login_username", autocomplete="username")
    password = st.text_input(
        _("Password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(_("Log in"))

if submitted:
    problem = auth.log_in(username, password)
    if problem:
        st.error(problem)
    else:
        st.rerun()

sso_problem = auth.single_sign_on_problem()
if sso_problem:
    st.warning(sso_problem)
elif auth.single_sign_on_configured():
    st.divider()
    if st.button(_("Log in with single sign-on"), key="login_sso"):
        st.login()

if reads.demo_accounts_exist():
    st.warning(
        _(
            "This installation has demo accounts with published passwords (see the README): "
            "demo-admin, demo-staff, demo-member and demo-funder. Do not store real records here."
        )
    )
