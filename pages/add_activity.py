"""Add activity (staff): one form with every field; an event fills forum and date."""

import streamlit as st

from tracker import activity_form, ui
from tracker.activities import create_activity
from tracker.i18n import _
from tracker.plain_text import markdown_literal

ui.require("add_activity")
st.title(_("Add an activity"))

saved = st.session_state.pop("add_saved", None)
if saved:
    st.success(_("Saved activity {id}: {title}").format(id=saved[0], title=markdown_literal(saved[1])))

options = ui.form_options()
event = st.selectbox(
    _("Forum event (optional: fills the forum and the date)"),
    options.events,
    index=None,
    format_func=lambda e: e.label,
    placeholder=_("No particular event"),
    key="add_event",
)
account = ui.current_account()
defaults = activity_form.new_activity_defaults(
    options, event, account.organisation if account else None, st.session_state.get("add_sticky")
)
number = st.session_state.setdefault("add_form_number", 0)
save, save_another = _("Save"), _("Save and add another")
pressed, values = activity_form.activity_form(
    f"add_{number}_{event.id if event else 0}", options, defaults, [save, save_another]
)
if pressed:
    record, problems = activity_form.to_input(values)
    if problems:
        st.error(
            _("Please correct these fields:")
            + "\n\n"
            + "\n".join(f"- {markdown_literal(p)}" for p in problems)
        )
    else:
        ok, result = ui.write(create_activity, record, ui.actor())
        if ok:
            st.session_state["add_form_number"] = number + 1
            st.session_state["add_saved"] = (result.id, result.title)
            keep = {"activity_date": record.activity_date, "forum": record.forum, "themes": record.themes}
            st.session_state["add_sticky"] = keep if pressed == save_another else None
            if pressed == save:
                st.switch_page("pages/edit_activity.py", query_params={"id": str(result.id)})
            st.rerun()
