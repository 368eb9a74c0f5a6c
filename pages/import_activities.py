"""Import (staff): a CSV or XLSX file of activities or of outcomes (the person says which),
previewed row by row, then written all or nothing. The outcome side is
``tracker.web.outcome_import``.

The file is parsed once per content (the plan is kept in the session by content hash,
not re-read on every rerun); after a successful import the upload is cleared and the
result stays on screen, so a second click cannot import the file again.
"""

import hashlib

import streamlit as st

from tracker.i18n import _, column_labels, ngettext
from tracker.io import importer
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, db
from tracker.web.outcome_import import outcome_import
from tracker.web.render import format_count

auth.require("import_activities")
heading = st.empty()
kinds = {"activities": _("Activities"), "outcomes": _("Outcomes")}
kind = st.radio(
    _("What does the file hold?"), list(kinds), format_func=kinds.get, horizontal=True, key="import_kind"
)
heading.title(_("Import activities") if kind == "activities" else _("Import outcomes"))
if kind == "outcomes":
    outcome_import()
    st.stop()
st.write(
    _(
        "One row per activity. Required columns: date, forum, themes, activity_type, title. "
        "A file with any invalid row imports nothing. Rows whose external_id is already in the "
        "tracker update that activity, changing only the columns the file has."
    )
)
st.download_button(
    _("Download the template (CSV)"),
    importer.template_csv(),
    file_name="activities-template.csv",
    mime="text/csv",
    key="import_template",
)

# A new uploader key after each successful import clears the upload.
generation = st.session_state.setdefault("import_generation", 0)
upload_key = "import_upload" if generation == 0 else f"import_upload_{generation}"
done = st.session_state.get("import_done")
upload = st.file_uploader(_("CSV (UTF-8) or XLSX file"), type=["csv", "xlsx"], key=upload_key)
if upload is None:
    if done:
        st.success(done[0])
        for line in done[1]:
            st.warning(line)
    st.stop()
st.session_state.pop("import_done", None)

data = upload.getvalue()
digest = hashlib.sha256(data).hexdigest()
cached = st.session_state.get("import_plan")
if cached is None or cached[0] != digest:
    cached = (digest, db.read(importer.plan_import, data, upload.name))
    st.session_state["import_plan"] = cached
plan = cached[1]

for previous in plan.already_imported:
    st.warning(
        _("This file was already imported on {at} by {who} (as “{file}”).").format(
            at=previous.imported_at.strftime("%Y-%m-%d %H:%M UTC"),
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
        ).format(n=len(plan.problems))
    )
    st.code("\n".join(str(p) for p in plan.problems[:500]), language=None)
else:
    st.success(
        ngettext("The file's {n} row is valid.", "All {n} rows are valid.", len(plan.rows)).format(
            n=format_count(len(plan.rows))
        )
        + " "
        + _("New activities: {c}; updates: {u}; unchanged: {k}.").format(
            c=format_count(plan.creates), u=format_count(plan.updates), k=format_count(plan.unchanged)
        )
    )
if plan.lowered:
    st.warning(
        _("These rows lower an activity's confidentiality (check each is meant):")
        + "\n\n"
        + "\n".join(f"- {lowering}" for lowering in plan.lowered)
    )
confirmed = True
if plan.duplicates and plan.ok:
    st.warning(
        _("These rows look like likely duplicates of activities already in the tracker:")
        + "\n\n"
        + "\n".join(f"- {d}" for d in plan.duplicates[:200])
    )
    confirmed = st.checkbox(_("Import them anyway"), key="import_confirm_duplicates")
if plan.new_forums:
    st.write(
        _("New forums that will be created: {names}").format(
            names=markdown_literal(", ".join(f"{n} ({c})" for n, c in plan.new_forums.items()))
        )
    )
if plan.new_themes:
    st.write(
        _("New themes that will be created: {names}").format(
            names=", ".join(markdown_literal(n) for n in plan.new_themes)
        )
    )
if plan.new_organisations:
    st.write(
        _("New organisations that will be created: {names}").format(
            names=markdown_literal(", ".join(plan.new_organisations))
        )
    )
if plan.row_count:
    preview = plan.preview()
    st.dataframe(preview, hide_index=True, column_config=column_labels(preview.columns))

if plan.ok and st.button(
    ngettext("Import {n} activity", "Import {n} activities", len(plan.rows)).format(n=len(plan.rows)),
    type="primary",
    key="import_go",
    disabled=not confirmed,
):
    progress = st.progress(0.0, text=_("Importing…"))
    ok, outcome = db.write(
        importer.import_file,
        data,
        upload.name,
        auth.actor(),
        progress=lambda share: progress.progress(share, text=_("Importing…")),
        confirm_duplicates=confirmed,
    )
    if ok:
        checked, result = outcome
        if result is None:
            st.error(
                _("The file no longer fits the tracker (someone changed it meanwhile): nothing was imported.")
            )
            st.code("\n".join(str(p) for p in checked.problems[:500]), language=None)
        else:
            summary = _("Imported. New: {c}; updated: {u}; unchanged: {n}.").format(
                c=format_count(result.created),
                u=format_count(result.updated),
                n=format_count(result.unchanged),
            )
            st.session_state["import_done"] = (summary, [str(lowering) for lowering in result.lowered])
            st.session_state["import_generation"] = generation + 1
            st.session_state.pop("import_plan", None)
            st.session_state.pop("import_confirm_duplicates", None)
            st.rerun()
