"""Audit log (admins): who changed what and when."""

import streamlit as st

from tracker.i18n import N_, _, ngettext
from tracker.records import audit
from tracker.web import auth, db, render

# The log stores codes (exports and tests read them); the screen shows them in the reader's
# language. A code not listed here is shown as stored.
ACTION_LABELS = {
    "insert": N_("created"),
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "restore": N_("restored"),
    "set_password": N_("password set"),
    "enable": N_("account enabled"),
    "disable": N_("account disabled"),
    "set_role": N_("role changed"),
    "login": N_("logged in"),
    "login_failed": N_("log-in failed"),
    "login_throttled": N_("log-in slowed down"),
    "export": N_("downloaded"),
    "link": N_("linked"),
}
ENTITY_LABELS = {
    "activity": N_("activity"),
    "user": N_("account"),
    "login": N_("log-in"),
    "export": N_("download"),
    "outcome": N_("outcome"),
    "grant": N_("grant"),
    "target": N_("target"),
    "forum_event": N_("forum event"),
}


def shown(labels: dict[str, str], code: object) -> str:
    return _(labels[code]) if isinstance(code, str) and code in labels else str(code)


auth.require("audit_log")
st.title(_("Audit log"))
cols = st.columns(3)
entity = cols[0].selectbox(
    _("Record type"),
    ["", "activity", "user", "login"],
    key="audit_entity",
    format_func=lambda e: shown(ENTITY_LABELS, e) if e else _("All"),
)
actor = cols[1].text_input(_("Who (username)"), key="audit_actor")
page = cols[2].number_input(_("Page"), min_value=1, value=1, key="audit_page")
rows, total, page = db.read(audit.audit_page, entity or None, actor.strip() or None, page)
st.caption(
    ngettext("{total} entry; newest first.", "{total} entries; newest first.", total).format(
        total=render.format_count(total)
    )
)
rows = rows.assign(
    action=[shown(ACTION_LABELS, a) for a in rows["action"]],
    entity=[shown(ENTITY_LABELS, e) for e in rows["entity"]],
)
render.data_table(rows)
