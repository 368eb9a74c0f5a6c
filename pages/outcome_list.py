"""Outcome list (staff, admins): record an outcome, find outcomes with the sidebar filters
(restricted and, when asked, deleted ones included), open one to edit it, and download the
filtered ones. ``?activity=ID`` pre-links a contributing activity."""

import streamlit as st

from tracker.access.permissions import PAGE_RULES
from tracker.i18n import _, ngettext
from tracker.io.outcome_exports import audited_outcome_export
from tracker.records import outcomes
from tracker.results.outcome_records import outcome_form_options
from tracker.results.outcome_search import OutcomeFilters
from tracker.text import formatting
from tracker.web import auth, db, reads, render
from tracker.web.outcome_filters import outcome_filters
from tracker.web.outcome_form import outcome_form, to_input

role = auth.require("outcome_list")
st.title(_("Outcome list"))

linked = [int(v) for v in [st.query_params.get("activity", "")] if v.isdigit()]
options = db.read(outcome_form_options, role)
with st.expander(_("Record an outcome"), expanded=bool(linked)):
    submitted, values = outcome_form("outcome_form", options, linked)
    if submitted:
        record, problems = to_input(values)
        if record is None:
            st.error(_("Please correct these fields:") + "\n\n" + "\n".join(f"- {p}" for p in problems))
        else:
            ok, saved = db.write(outcomes.create_outcome, record, auth.actor())
            if ok:
                st.success(_("Saved outcome {id}.").format(id=saved.outcome_id))
                st.page_link(
                    "pages/edit_outcome.py", label=_("Open it to edit"), query_params={"id": str(saved.id)}
                )

filters = outcome_filters(options.themes, reads.outcome_years())
table = reads.staff_outcome_list(role, filters)
if table.empty:
    st.info(
        _("No outcome matches: clear the search or widen the filters in the sidebar.")
        if filters != OutcomeFilters()
        else _("No outcomes are recorded yet: record one above, or import a file on the Import page.")
    )
    st.stop()

st.caption(
    ngettext("{n} outcome matches.", "{n} outcomes match.", len(table)).format(
        n=formatting.number(len(table))
    )
)
edit_path = PAGE_RULES["edit_outcome"].url_path
table.insert(1, "edit", [f"{edit_path}?id={pk}" for pk in table["id"]])
render.data_table(
    table,
    {
        "id": None,
        "edit": st.column_config.LinkColumn(_("Edit"), display_text=_("Edit")),
    },
)

live = int((~table["deleted"]).sum())
if filters.include_deleted and live < len(table):
    st.caption(_("Deleted outcomes are never in the downloads."))
if live:
    who = auth.actor()
    engine = db.engine()
    cols = st.columns(2)
    cols[0].download_button(
        ngettext(
            "Download the {n} matching outcome (CSV)", "Download the {n} matching outcomes (CSV)", live
        ).format(n=formatting.number(live)),
        lambda: audited_outcome_export(engine, who, role, filters, "csv"),
        "outcomes.csv",
        "text/csv",
        key="outcomes_download_csv",
    )
    cols[1].download_button(
        ngettext(
            "Download the {n} matching outcome (XLSX)", "Download the {n} matching outcomes (XLSX)", live
        ).format(n=formatting.number(live)),
        lambda: audited_outcome_export(engine, who, role, filters, "xlsx"),
        "outcomes.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="outcomes_download_xlsx",
    )
