"""Outcome list (staff, admins): every outcome, restricted and deleted ones included, and downloads."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads, render

role = auth.require("outcome_list")
st.title(_("Outcome list"))
table = reads.staff_outcomes(role)
if table.empty:
    render.empty_state(_("No outcomes are recorded yet: import them with tracker import-outcomes FILE."))
    st.stop()
st.dataframe(table, hide_index=True, column_config={"id": None})
cols = st.columns(2)
cols[0].download_button(
    _("Download every outcome (CSV)"), reads.outcome_export("csv"), "outcomes.csv", "text/csv"
)
cols[1].download_button(
    _("Download every outcome (XLSX)"),
    reads.outcome_export("xlsx"),
    "outcomes.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
