"""The outcome import on the Import page (Streamlit side): upload, dry run (the preview),
then import all or nothing. The checks and the write are ``tracker.results.outcome_records``
(``outcomes.plan_outcome_import`` / ``apply_outcome_import``)."""

from __future__ import annotations

import hashlib

import streamlit as st

from tracker.i18n import _, column_labels, ngettext
from tracker.results import outcome_records
from tracker.text import formatting
from tracker.web import auth, db


def outcome_import() -> None:
    st.write(
        _(
            "One row per outcome, in the outcome import format. Required columns for a new outcome: "
            "outcome_id, date, statement, social_actor, change_type, themes. A file with any invalid row "
            "imports nothing. Rows whose outcome_id is already in the tracker update that outcome, "
            "changing only the columns the file has."
        )
    )
    st.download_button(
        _("Download the outcome template (CSV)"),
        outcome_records.outcome_template_csv(),
        file_name="outcomes-template.csv",
        mime="text/csv",
        key="outcome_import_template",
    )
    # A new uploader key after each successful import clears the upload.
    generation = st.session_state.setdefault("outcome_import_generation", 0)
    upload_key = "outcome_import_upload" if generation == 0 else f"outcome_import_upload_{generation}"
    done = st.session_state.get("outcome_import_done")
    upload = st.file_uploader(_("CSV (UTF-8) or XLSX file"), type=["csv", "xlsx"], key=upload_key)
    if upload is None:
        if done:
            st.success(done[0])
            for line in done[1]:
                st.warning(line)
        return
    st.session_state.pop("outcome_import_done", None)

    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    cached = st.session_state.get("outcome_import_plan")
    if cached is None or cached[0] != digest:
        cached = (digest, db.read(outcome_records.plan_outcome_file, data, upload.name))
        st.session_state["outcome_import_plan"] = cached
    checked: outcome_records.OutcomeFilePlan = cached[1]
    plan = checked.plan

    for previous in checked.already_imported:
        st.warning(
            _("This file was already imported on {at} by {who} (as “{file}”).").format(
                at=f"{formatting.date(previous.imported_at.date())} {previous.imported_at:%H:%M} UTC",
                who=previous.imported_by,
                file=previous.filename,
            )
        )
    if plan.problems:
        st.error(
            ngettext(
                "{n} problem: nothing will be imported until the file is corrected.",
                "{n} problems: nothing will be imported until the file is corrected.",
                len(plan.problems),
            ).format(n=formatting.number(len(plan.problems)))
        )
        st.code("\n".join(str(p) for p in plan.problems[:500]), language=None)
    else:
        st.success(
            _(
                "Dry run, nothing written yet: all {n} rows are valid: {c} new outcomes, {u} updates, "
                "{k} unchanged."
            ).format(
                n=formatting.number(len(plan.rows)),
                c=formatting.number(plan.creates),
                u=formatting.number(plan.updates),
                k=formatting.number(plan.unchanged),
            )
        )
    if plan.lowered:
        st.warning(
            _("These rows lower an outcome's confidentiality (check each is meant):")
            + "\n\n"
            + "\n".join(f"- {lowering}" for lowering in plan.lowered)
        )
    if plan.rows:
        preview = checked.preview()
        st.dataframe(preview, hide_index=True, column_config=column_labels(preview.columns))

    if plan.ok and st.button(
        ngettext("Import {n} outcome", "Import {n} outcomes", len(plan.rows)).format(
            n=formatting.number(len(plan.rows))
        ),
        type="primary",
        key="outcome_import_go",
    ):
        ok, written = db.write(outcome_records.import_outcome_file, data, upload.name, auth.actor())
        if not ok:
            return
        again, result = written
        if result is None:
            st.error(
                _("The file no longer fits the tracker (someone changed it meanwhile): nothing was imported.")
            )
            st.code("\n".join(str(p) for p in again.problems[:500]), language=None)
            return
        summary = _("Imported. New: {c}; updated: {u}; unchanged: {n}.").format(
            c=formatting.number(result.created),
            u=formatting.number(result.updated),
            n=formatting.number(result.unchanged),
        )
        st.session_state["outcome_import_done"] = (summary, [str(lowering) for lowering in result.lowered])
        st.session_state["outcome_import_generation"] = generation + 1
        st.session_state.pop("outcome_import_plan", None)
        st.rerun()
