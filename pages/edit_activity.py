"""Edit activity (staff): find an activity, edit it, delete or restore it, read its history."""

import streamlit as st

from tracker.errors import VersionConflict
from tracker.i18n import _
from tracker.records import activity_fields, entry
from tracker.records.activities import delete_activity, restore_activity, update_activity
from tracker.text.plain_text import markdown_literal
from tracker.web import activity_form, auth, db, reads, render

auth.require("edit_activity")
st.title(_("Edit an activity"))

# One slot for the confirmation, drawn on every run, so the elements below keep their places
# (and the delete panel its open state) whether or not a message shows.
saved_slot = st.empty()
saved = st.session_state.pop("edit_saved", None)
if saved:
    saved_slot.success(saved)

search = st.text_input(_("Find by title or id"), value=st.query_params.get("id", ""), key="edit_search")
matches = db.read(entry.find_activities, search, True)
if not matches:
    st.info(_("No activity matches. Try another word of its title, or its id."))
    st.stop()
choice = st.selectbox(_("Activity"), list(matches), format_func=render.label_from(matches), key="edit_choice")

# The version this person opened stays fixed until they save or reload, so saving
# over someone else's newer version is refused instead of silently discarded.
current = st.session_state.get("edit_opened")
if current is None or current.id != choice:
    current = st.session_state["edit_opened"] = db.read(entry.activity_form, choice)
if current.deleted:
    st.warning(_("This activity is deleted: it counts nowhere until it is restored."))
    if st.button(_("Restore it"), key="edit_restore"):
        ok, _result = db.write(restore_activity, current.id, current.version, auth.actor())
        if ok:
            st.session_state.pop("edit_opened", None)
            st.session_state["edit_saved"] = _("Restored.")
            st.rerun()
else:
    options = reads.form_options()
    slots: activity_form.Slots = {}
    pressed, values = activity_form.activity_form(
        f"edit_{current.id}_{current.version}",
        options,
        current.values,
        [_("Save changes")],
        choose_event=True,
        slots=slots,
    )
    if pressed:
        activity_form.show_problems(slots, values, options)
        record, problems = activity_form.to_input(values, options)
        if problems:
            st.error(
                _("Please correct these fields:")
                + "\n\n"
                + "\n".join(f"- {markdown_literal(p)}" for p in problems)
            )
        else:
            ok, result = db.write(update_activity, current.id, record, current.version, auth.actor())
            if ok:
                st.session_state.pop("edit_opened", None)
                st.session_state["edit_saved"] = (
                    _("Saved version {v}.").format(v=result.version)
                    if result.version != current.version
                    else _("Nothing changed: no new version was saved.")
                )
                st.rerun()
            elif isinstance(result, VersionConflict):
                if result.changes:
                    st.write(_("What the other person changed (your edits were not saved):"))
                    st.dataframe(render.changes_table(result.changes, activity_fields.label), hide_index=True)
                if st.button(_("Load the latest version"), key="edit_reload"):
                    st.session_state.pop("edit_opened", None)
                    st.rerun()

    # A key and on_change keep the panel's open state across reruns (ticking the box reruns).
    with st.expander(_("Delete this activity"), key="edit_delete_panel", on_change="rerun"):
        st.write(_("Deleting hides the activity from every view and total; it can be restored."))
        confirmed = st.checkbox(_("Yes, delete it"), key="edit_confirm_delete")
        if st.button(_("Delete"), disabled=not confirmed, key="edit_delete"):
            ok, _result = db.write(delete_activity, current.id, current.version, auth.actor())
            if ok:
                st.session_state.pop("edit_opened", None)
                st.session_state["edit_saved"] = _("Deleted. Find it again here to restore it.")
                st.rerun()

if not current.deleted:
    st.page_link(
        "pages/outcome_list.py",
        label=_("Record an outcome this activity contributed to"),
        query_params={"activity": str(current.id)},
    )

with st.expander(_("History"), expanded=False):
    render.data_table(db.read(entry.history, current.id))

with st.expander(_("Deleted activities")):
    deleted = db.read(entry.deleted_activities)
    render.data_table(deleted)
