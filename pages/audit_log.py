"""Audit log (admins): who changed what and when."""

import streamlit as st

from tracker import audit
from tracker.i18n import _, column_labels, ngettext
from tracker.web import auth, db, render

auth.require("audit_log")
st.title(_("Audit log"))
cols = st.columns(3)
entity = cols[0].selectbox(
    _("Record type"),
    ["", "activity", "user", "login"],
    key="audit_entity",
    format_func=lambda e: e or _("All"),
)
actor = cols[1].text_input(_("Who (username)"), key="audit_actor")
page = cols[2].number_input(_("Page"), min_value=1, value=1, key="audit_page")
rows, total, page = db.read(audit.audit_page, entity or None, actor.strip() or None, page)
st.caption(
    ngettext("{total} entry; newest first.", "{total} entries; newest first.", total).format(
        total=render.format_count(total)
    )
)
st.dataframe(rows, hide_index=True, column_config=column_labels(rows.columns))
