"""Import (staff): a CSV or XLSX file, previewed row by row, then written all or nothing."""

import streamlit as st

from tracker import importer, ui
from tracker.i18n import _
from tracker.plain_text import markdown_literal

ui.require("import_activities")
st.title(_("Import activities"))
st.write(
    _(
        "One row per activity. Required columns: date, forum, themes, activity_type, title. "
        "A file with any invalid row imports nothing. Rows whose external_id is already in the "
        "tracker update that activity."
    )
)
st.download_button(
    _("Download the template (CSV)"),
    importer.template_csv(),
    file_name="activities-template.csv",
    mime="text/csv",
    key="import_template",
)

done = st.session_state.pop("import_done", None)
if done:
    st.success(done)

upload = st.file_uploader(_("CSV (UTF-8) or XLSX file"), type=["csv", "xlsx"], key="import_upload")
if upload is None:
    st.stop()

data = upload.getvalue()
plan = ui.read(importer.plan_import, data, upload.name)
if plan.problems:
    st.error(
        _("{n} problems: nothing will be imported until the file is corrected.").format(n=len(plan.problems))
    )
    st.code("\n".join(str(p) for p in plan.problems[:500]), language=None)
else:
    st.success(
        _("All {n} rows are valid: {c} new activities, {u} updates, {k} unchanged.").format(
            n=len(plan.rows), c=plan.creates, u=plan.updates, k=plan.unchanged
        )
    )
if plan.lowered:
    st.warning(
        _("These rows lower an activity's confidentiality (check each is meant):")
        + "\n\n"
        + "\n".join(f"- {lowering}" for lowering in plan.lowered)
    )
if plan.new_forums:
    st.write(
        _("New forums that will be created: {names}").format(
            names=markdown_literal(", ".join(f"{n} ({c})" for n, c in plan.new_forums.items()))
        )
    )
if plan.new_themes:
    st.write(_("New themes that will be created: {names}").format(names=", ".join(plan.new_themes)))
if plan.new_organisations:
    st.write(
        _("New organisations that will be created: {names}").format(
            names=markdown_literal(", ".join(plan.new_organisations))
        )
    )
if plan.row_count:
    st.dataframe(plan.preview(), hide_index=True)

if plan.ok and st.button(
    _("Import {n} activities").format(n=len(plan.rows)), type="primary", key="import_go"
):
    progress = st.progress(0.0, text=_("Importing…"))
    ok, outcome = ui.write(
        importer.import_file,
        data,
        upload.name,
        ui.actor(),
        progress=lambda share: progress.progress(share, text=_("Importing…")),
    )
    if ok:
        checked, result = outcome
        if result is None:
            st.error(
                _("The file no longer fits the tracker (someone changed it meanwhile): nothing was imported.")
            )
            st.code("\n".join(str(p) for p in checked.problems[:500]), language=None)
        else:
            st.session_state["import_done"] = _("Imported: {c} created, {u} updated, {n} unchanged.").format(
                c=result.created, u=result.updated, n=result.unchanged
            )
            st.rerun()
