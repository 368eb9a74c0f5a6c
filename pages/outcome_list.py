"""Outcome list (staff, admins): record an outcome, see every outcome (restricted and deleted
ones included) and download them. ``?activity=ID`` pre-links a contributing activity."""

import streamlit as st

from tracker import outcomes
from tracker.i18n import _, column_labels
from tracker.results_views import outcome_form_options
from tracker.web import auth, db, reads, render
from tracker.web.outcome_form import outcome_form, to_input

role = auth.require("outcome_list")
st.title(_("Outcome list"))

linked = [int(v) for v in [st.query_params.get("activity", "")] if v.isdigit()]
with st.expander(_("Record an outcome"), expanded=bool(linked)):
    options = db.read(outcome_form_options, role)
    submitted, values = outcome_form("outcome_form", options, linked)
    if submitted:
        record, problems = to_input(values)
        if record is None:
            st.error(_("Please correct these fields:") + "\n\n" + "\n".join(f"- {p}" for p in problems))
        else:
            ok, saved = db.write(outcomes.create_outcome, record, auth.actor())
            if ok:
                st.success(_("Saved outcome {id}.").format(id=saved.outcome_id))

table = reads.staff_outcomes(role)
if table.empty:
    render.empty_state(_("No outcomes are recorded yet: import them with tracker import-outcomes FILE."))
    st.stop()
st.dataframe(table, hide_index=True, column_config={**column_labels(table.columns), "id": None})
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
