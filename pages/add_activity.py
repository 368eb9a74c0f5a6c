"""Add activity (staff): one form with every field; an event fills forum and date."""

import streamlit as st

from tracker.i18n import _
from tracker.records.activities import check_record, create_activity, likely_duplicates
from tracker.text.plain_text import markdown_literal
from tracker.web import activity_form, auth, db, reads

auth.require("add_activity")
st.title(_("Add an activity"))

saved = st.session_state.pop("add_saved", None)
if saved:
    # The title is shown as code text so no Markdown in it renders; the link opens the record.
    st.success(_("Saved: activity {id}, `{title}`.").format(id=saved[0], title=saved[1].replace("`", "'")))
    st.page_link(
        "pages/edit_activity.py",
        label=_("Open activity {id}").format(id=saved[0]),
        query_params={"id": str(saved[0])},
    )

options = reads.form_options()
event = st.selectbox(
    _("Forum event (optional: fills the forum and the date)"),
    options.events,
    index=None,
    format_func=lambda e: e.label,
    placeholder=_("No particular event"),
    key="add_event",
)
account = auth.current_account()
defaults = activity_form.new_activity_defaults(
    options, event, account.organisation if account else None, st.session_state.get("add_sticky")
)
number = st.session_state.setdefault("add_form_number", 0)
save, save_another = _("Save"), _("Save and add another")
slots: activity_form.Slots = {}
pressed, values = activity_form.activity_form(
    f"add_{number}_{event.id if event else 0}", options, defaults, [save, save_another], slots=slots
)
duplicates = st.session_state.get("add_duplicates")
confirmed = False
if duplicates:
    st.warning(
        _(
            "This looks like a likely duplicate of activity {ids} (same date, forum and title): "
            "tick the box, then save again, to add it anyway."
        ).format(ids=", ".join(str(i) for i in duplicates))
    )
    confirmed = st.checkbox(_("Yes, add it anyway"), key="add_confirm_duplicate")
if pressed:
    problems = activity_form.show_problems(slots, values, options)
    if problems:
        st.error(
            _("Please correct these fields:")
            + "\n\n"
            + "\n".join(f"- {markdown_literal(p)}" for p in problems)
        )
    else:
        record, _problems = activity_form.to_input(values, options)
        assert record is not None  # no problems: the input is complete
        rules = db.read(check_record, record)
        if rules:
            lines = activity_form.show_problems(slots, values, options, rules)
            st.error(_("Please correct these fields:") + "\n\n" + "\n".join(f"- {p}" for p in lines))
            st.stop()
        found = db.read(likely_duplicates, record.activity_date, record.forum, record.title)
        if found and not (confirmed and found == duplicates):
            st.session_state["add_duplicates"] = found
            st.rerun()
        ok, result = db.write(create_activity, record, auth.actor())
        if ok:
            st.session_state.pop("add_duplicates", None)
            st.session_state.pop("add_confirm_duplicate", None)
            st.session_state["add_form_number"] = number + 1
            st.session_state["add_saved"] = (result.id, result.title)
            keep = {"activity_date": record.activity_date, "forum": record.forum, "themes": record.themes}
            st.session_state["add_sticky"] = keep if pressed == save_another else None
            # Both buttons stay here and confirm "Saved" with a link to the record.
            st.rerun()
