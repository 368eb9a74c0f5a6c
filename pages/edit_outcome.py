"""Edit outcome (staff, admins): open an outcome (``?id=N``), edit it, delete or restore it,
read its history. Every write goes through ``tracker.records.outcomes``."""

import streamlit as st

from tracker.errors import VersionConflict
from tracker.i18n import _
from tracker.records.outcomes import delete_outcome, restore_outcome, update_outcome
from tracker.results import outcome_records
from tracker.text import formatting
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, db, render
from tracker.web.outcome_form import outcome_form, to_input

role = auth.require("edit_outcome")
st.title(_("Edit an outcome"))

saved_slot = st.empty()  # drawn on every run: the elements below keep their places
saved = st.session_state.pop("edit_outcome_saved", None)
if saved:
    saved_slot.success(saved)

choices = db.read(outcome_records.outcome_choices, role)
if not choices:
    render.empty_state(_("No outcomes are recorded yet: record one on the Outcome list."))
    st.stop()
wanted = st.query_params.get("id", "")
ids = list(choices)
if wanted and not (wanted.isdigit() and int(wanted) in choices):
    st.warning(_("There is no outcome {id}: choose one below.").format(id=markdown_literal(wanted[:20])))
choice = st.selectbox(
    _("Outcome"),
    ids,
    index=ids.index(int(wanted)) if wanted.isdigit() and int(wanted) in choices else 0,
    format_func=render.label_from(choices),
    key="edit_outcome_choice",
)
st.query_params["id"] = str(choice)

# The version this person opened stays fixed until they save or reload, so saving
# over someone else's newer version is refused instead of silently discarded.
current = st.session_state.get("edit_outcome_opened")
if current is None or current.id != choice:
    current = st.session_state["edit_outcome_opened"] = db.read(outcome_records.open_outcome, role, choice)


def _done(message: str) -> None:
    st.session_state.pop("edit_outcome_opened", None)
    st.session_state.pop("edit_outcome_conflict", None)
    st.session_state["edit_outcome_saved"] = message
    st.rerun()


if current.deleted:
    st.warning(
        _("This outcome was deleted on {day}: it counts nowhere until it is restored.").format(
            day=formatting.date(current.deleted_on)
        )
    )
    if st.button(_("Restore it"), key="edit_outcome_restore"):
        ok, _result = db.write(restore_outcome, current.id, current.version, auth.actor())
        if ok:
            _done(_("Restored."))
else:
    options = db.read(outcome_records.edit_form_options, role, current.id)
    submitted, values = outcome_form(
        f"edit_outcome_{current.id}_{current.version}",
        options,
        [],
        initial=current.values,
        submit_label=_("Save changes"),
    )
    if submitted:
        record, problems = to_input(values)
        if record is None:
            st.error(
                _("Please correct these fields:")
                + "\n\n"
                + "\n".join(f"- {markdown_literal(p)}" for p in problems)
            )
        else:
            ok, result = db.write(update_outcome, current.id, record, current.version, auth.actor())
            if ok:
                _done(
                    _("Saved version {v}.").format(v=result.version)
                    if result.version != current.version
                    else _("Nothing changed: no new version was saved.")
                )
            elif isinstance(result, VersionConflict):
                st.session_state["edit_outcome_conflict"] = current.id
                if result.changes:
                    st.write(_("What the other person changed (your edits were not saved):"))
                    st.dataframe(
                        render.changes_table(outcome_records.labelled_changes(result.changes)),
                        hide_index=True,
                    )
    # Offered on every run after a conflict, so the click reaches it.
    if st.session_state.get("edit_outcome_conflict") == current.id and st.button(
        _("Load the latest version"), key="edit_outcome_reload"
    ):
        st.session_state.pop("edit_outcome_conflict", None)
        st.session_state.pop("edit_outcome_opened", None)
        st.rerun()

    # A key and on_change keep the panel's open state across reruns (ticking the box reruns).
    with st.expander(_("Delete this outcome"), key="edit_outcome_delete_panel", on_change="rerun"):
        st.write(_("Deleting hides the outcome from every view and total; it can be restored."))
        confirmed = st.checkbox(_("Yes, delete it"), key="edit_outcome_confirm_delete")
        if st.button(_("Delete"), disabled=not confirmed, key="edit_outcome_delete"):
            ok, _result = db.write(delete_outcome, current.id, current.version, auth.actor())
            if ok:
                _done(_("Deleted. Choose it again here to restore it."))

st.header(_("Contributing activities"))
contributions = outcome_records.contributions_table(current.contributions)
if contributions.empty:
    st.caption(_("No contributing activity is linked."))
else:
    render.data_table(contributions, {"id": None}, vocabulary={"confidentiality": "confidentiality"})

with st.expander(_("History"), expanded=False):
    render.data_table(db.read(outcome_records.outcome_history, role, current.id))
