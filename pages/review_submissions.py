"""Review (staff, admins): the queue of member submissions, oldest first; one beside what
approving it would save; edit, approve, return with a comment, reject with a reason."""

import pandas as pd
import streamlit as st

from tracker.db.models import SUBMISSION_STATUSES
from tracker.i18n import _, ngettext
from tracker.records import activity_fields, submissions
from tracker.results import submission_options
from tracker.text.plain_text import markdown_literal
from tracker.web import activity_form, auth, db, render

auth.require("review_submissions")
reviewer = auth.current_account()
assert reviewer is not None  # require() let only a signed-in reviewer through
st.title(_("Review member submissions"))

done = st.session_state.pop("review_done", None)
if done:
    st.success(done)

cols = st.columns(3)
status = cols[0].selectbox(
    _("Status"),
    ["", *SUBMISSION_STATUSES],
    index=1,
    format_func=lambda s: _(submissions.STATUS_LABELS[s]) if s else _("All"),
    key="review_status",
)
organisation = cols[1].selectbox(
    _("Organisation"),
    ["", *db.read(submissions.organisations_with_submissions)],
    format_func=lambda o: o or _("All"),
    key="review_organisation",
)
older_than = cols[2].number_input(_("Waiting at least (days)"), min_value=0, step=1, key="review_age")
rows = db.read(submissions.queue, reviewer, status or None, organisation or None, int(older_than) or None)

if not rows:
    st.info(_("No submission matches: nothing waits for review."))
    st.stop()

table = pd.DataFrame(rows)
st.caption(
    ngettext("{n} submission, oldest first.", "{n} submissions, oldest first.", len(rows)).format(n=len(rows))
)
render.data_table(
    table.assign(status=[_(submissions.STATUS_LABELS[s]) for s in table.status]),
    {
        "id": _("Id"),
        "status": _("Status"),
        "organisation": _("Organisation"),
        "submitted_by": _("Submitted by"),
        "submitted_at": _("Submitted (UTC)"),
        "age_days": _("Days waiting"),
        "date": _("Date"),
        "forum": _("Forum"),
        "title": _("Title"),
        "confidentiality": _("Confidentiality"),
    },
    vocabulary={"confidentiality": "confidentiality"},
)

waiting_ids = [r["id"] for r in rows if r["status"] == "submitted"]
if len(waiting_ids) > 1:
    with st.form("review_many"):
        chosen = st.multiselect(
            _("Approve several as they are"),
            waiting_ids,
            key="review_many_ids",
            placeholder=_("Choose submissions"),
        )
        if st.form_submit_button(_("Approve the chosen submissions")) and chosen:
            ok, result = db.write(submissions.approve_many, chosen, reviewer)
            if ok:
                st.session_state["review_done"] = ngettext(
                    "Approved {n} submission.", "Approved {n} submissions.", len(result)
                ).format(n=len(result))
                st.rerun()

labels = {r["id"]: f"{r['id']} · {r['organisation']} · {r['title']}" for r in rows}
picked = st.selectbox(_("Submission"), list(labels), format_func=lambda i: labels[i], key="review_pick")
view = db.read(submissions.review_view, reviewer, picked)
item = view.submission
st.header(_("Submission {id}").format(id=item["id"]))
st.caption(
    _("From {organisation}, sent by {who} on {when}; status: {status}.").format(
        organisation=markdown_literal(item["organisation"]),
        who=markdown_literal(item["submitted_by"]),
        when=item["submitted_at"][:10],
        status=_(submissions.STATUS_LABELS[item["status"]]),
    )
)
if item["comment"]:
    st.caption(_("Comment when returned: {text}").format(text=markdown_literal(item["comment"])))
if item["reason"]:
    st.caption(_("Reason: {reason}").format(reason=markdown_literal(item["reason"])))
if view.duplicates:
    st.warning(
        _("Likely duplicate of activity {ids} (same date, forum and title).").format(
            ids=", ".join(str(i) for i in view.duplicates)
        )
    )
if view.problems:
    st.error(
        _("As sent, this would not save:")
        + "\n\n"
        + "\n".join(f"- {markdown_literal(p)}" for p in view.problems)
    )
if view.new_names:
    st.caption(_("Approving adds: {names}.").format(names=markdown_literal("; ".join(view.new_names))))

left, right = st.columns(2)
left.markdown("**" + _("As submitted") + "**")
left.dataframe(
    pd.DataFrame(
        [(activity_fields.label(k), v) for k, v in item["activity"].items()], columns=[_("Field"), _("Value")]
    ),
    hide_index=True,
)
right.markdown("**" + _("What approving saves") + "**")
if view.would_save is not None:
    right.dataframe(
        pd.DataFrame(
            [(activity_fields.label(k), activity_fields.plain(v)) for k, v in view.would_save.items()],
            columns=[_("Field"), _("Value")],
        ),
        hide_index=True,
    )

if item["status"] not in ("submitted", "returned"):
    st.stop()

if item["status"] == "submitted":
    st.subheader(_("Edit, then approve"))
    st.caption(
        _("The member chose {level}. You may raise it; lowering it needs a note the member reads.").format(
            level=item["confidentiality"]
        )
    )
    note = st.text_input(_("Note to the member (optional)"), key=f"review_note_{picked}")
    options = db.read(submission_options.form_options_for, reviewer.role, item["activity"])
    defaults = submissions.form_values_from(item["activity"], submissions.event_ids(options))
    slots: activity_form.Slots = {}
    pressed, values = activity_form.activity_form(
        f"review_form_{picked}_{item['version']}", options, defaults, [_("Approve")], slots=slots
    )
    if pressed:
        problems = activity_form.show_problems(slots, values, options)
        if problems:
            st.error(
                _("Please correct these fields:")
                + "\n\n"
                + "\n".join(f"- {markdown_literal(p)}" for p in problems)
            )
        else:
            changes = submissions.cells_from_form(values, submissions.event_names(options))
            ok, result = db.write(
                submissions.approve, picked, reviewer, changes, note=note or None, version=item["version"]
            )
            if ok:
                st.session_state["review_done"] = _("Approved: it is now activity {id}.").format(id=result.id)
                st.rerun()

    with st.form(f"review_return_{picked}"):
        comment = st.text_area(_("Comment to the member"), key=f"review_comment_{picked}")
        if st.form_submit_button(_("Return with this comment")):
            ok, _result = db.write(submissions.return_to_member, picked, reviewer, comment)
            if ok:
                st.session_state["review_done"] = _("Returned to {organisation}.").format(
                    organisation=markdown_literal(item["organisation"])
                )
                st.rerun()

with st.form(f"review_reject_{picked}"):
    reason = st.text_area(_("Reason for rejecting"), key=f"review_reason_{picked}")
    if st.form_submit_button(_("Reject with this reason")):
        ok, _result = db.write(submissions.reject, picked, reviewer, reason)
        if ok:
            st.session_state["review_done"] = _("Rejected submission {id}.").format(id=picked)
            st.rerun()
