"""The API tokens panel: create (the token shown once), list and revoke.

On the "API tokens" page every account manages its own tokens; on the Users page an admin
manages every account's. Both call ``tracker.access.tokens``, as ``tracker create-token``,
``list-tokens`` and ``revoke-token`` do.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from tracker.access import tokens
from tracker.access.accounts import Account
from tracker.i18n import N_, _
from tracker.web import db, render

STATUS_LABELS = {"active": N_("active"), "expired": N_("expired"), "revoked": N_("revoked")}
TOKEN_COLUMNS = {
    "id": N_("Id"),
    "username": N_("Account"),
    "name": N_("Name"),
    "prefix": N_("Starts with"),
    "scope": N_("Scope"),
    "created": N_("Created"),
    "last_used": N_("Last used"),
    "expires": N_("Expires"),
    "status": N_("Status"),
}
SCOPE_LABELS = {
    "api": N_("HTTP API"),
    "calendar": N_("Calendar feed only"),
}


def token_table(found: list[tokens.TokenInfo], with_account: bool) -> pd.DataFrame:
    rows = [
        {
            "id": t.id,
            **({"username": t.username} if with_account else {}),
            "name": t.name,
            "prefix": t.prefix + "…",
            "scope": _(SCOPE_LABELS[t.scope]),
            "created": render.format_date(t.created_at.date()),
            "last_used": render.format_date(t.last_used_at.date()) if t.last_used_at else "–",
            "expires": render.format_date(t.expires_at.date()) if t.expires_at else _("never"),
            "status": _(STATUS_LABELS[t.status()]),
        }
        for t in found
    ]
    columns = ["id", *(["username"] if with_account else []), "name", "prefix", "scope", "created"]
    return pd.DataFrame(rows, columns=[*columns, "last_used", "expires", "status"])


def token_panel(actor: Account, usernames: list[str] | None = None) -> None:
    """``usernames`` None: the actor's own tokens; a list: an admin choosing among accounts."""
    key = "all" if usernames is not None else "own"
    st.caption(
        _(
            "A token lets another tool (a website, a spreadsheet, a calendar) read the tracker "
            "with this account's role, through the HTTP API (docs/api.md). It is shown once: "
            "copy it when it is created. Revoke it as soon as the tool no longer needs it."
        )
    )
    with st.form(f"tokens_create_{key}", clear_on_submit=True):
        cols = st.columns(2)
        owner = (
            cols[0].selectbox(_("Account"), usernames, key=f"tokens_owner_{key}")
            if usernames is not None
            else actor.username
        )
        name = cols[1].text_input(_("Token name (the tool that will use it)"), key=f"tokens_name_{key}")
        days = cols[0].number_input(
            _("Expires after (days; 0 for never)"), 0, 3650, 365, step=1, key=f"tokens_days_{key}"
        )
        scope = cols[1].radio(
            _("Scope"), tokens.SCOPES, format_func=lambda s: _(SCOPE_LABELS[s]), key=f"tokens_scope_{key}"
        )
        created = None
        if st.form_submit_button(_("Create the token")) and owner:
            ok, result = db.write(
                tokens.create_token, owner, name, actor.username, expires_days=int(days) or None, scope=scope
            )
            created = result if ok else None
    if created is not None:
        # Shown during this run only: nothing keeps the raw token (not even session state).
        st.success(_("Token created. Copy it now: it is not shown again."))
        st.code(created.raw, language=None)
    owner_filter = None if usernames is not None else actor.username
    found = db.read(tokens.list_tokens, owner_filter)
    if not found:
        st.info(_("No token yet."))
        return
    table = token_table(found, with_account=usernames is not None)
    st.dataframe(table, hide_index=True, column_config={c: _(TOKEN_COLUMNS[c]) for c in table.columns})
    active = {t.id: t for t in found if t.status() == "active"}
    if not active:
        return
    with st.form(f"tokens_revoke_{key}"):
        chosen = st.selectbox(
            _("Token to revoke"),
            list(active),
            format_func=lambda i: f"{i} · {active[i].name} · {active[i].prefix}…",
            key=f"tokens_revoke_id_{key}",
        )
        if st.form_submit_button(_("Revoke")) and chosen is not None:
            owner_only = None if usernames is not None else actor.username
            ok, _info = db.write(tokens.revoke_token, int(chosen), actor.username, owner=owner_only)
            if ok:
                st.success(_("Token revoked: it no longer works."))
