"""API tokens: every signed-in account creates (shown once), lists and revokes its own."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth
from tracker.web.tokens_panel import token_panel

auth.require("api_tokens")
account = auth.current_account()
assert account is not None  # require() let only a signed-in account through
st.title(_("API tokens"))
token_panel(account)
