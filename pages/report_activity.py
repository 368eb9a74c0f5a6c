"""Report an activity (members): propose an activity for the member's organisation, follow
what the reviewers did with it, fix and resend a returned one, or send a spreadsheet."""

import streamlit as st

from tracker.errors import ValidationFailed
from tracker.i18n import _, ngettext
from tracker.io import submission_import
from tracker.records import submissions
from tracker.results import submission_options
from tracker.text.plain_text import markdown_literal
from tracker.web import activity_form, auth, db, render

auth.require("report_activity")
account = auth.current_account()
assert account is not None  # require() let only a signed-in member through
st.title(_("Report an activity"))

if not account.organisation:
    st.warning(_("Your account has no organisation yet: ask an admin to set it on the Users page."))
    st.stop()

st.write(
    _(
        "Report what {organisation} did: staff review each report, and it counts in the tracker's "
        "figures only once they approve it."
    ).format(organisation=markdown_literal(account.organisation))
)

sent = st.session_state.pop("report_sent", None)
if sent:
    st.success(_("Sent for review: submission {id}.").format(id=sent))

options = db.read(submission_options.form_options_for, account.role)
mine = db.read(submissions.list_for, account)
editing_id = st.session_state.get("report_editing")
editing = next((s for s in mine if s.id == editing_id and s.status == "returned"), None)

if editing is not None:
    st.header(_("Fix submission {id} and send it again").format(id=editing.id))
    st.info(_("The reviewer's comment: {comment}").format(comment=markdown_literal(editing.comment or "")))
    defaults = submissions.form_values_from(editing.fields, submissions.event_ids(options))
    options = db.read(submission_options.form_options_for, account.role, editing.fields)
else:
    st.header(_("A new activity"))
    defaults = activity_form.new_activity_defaults(options, None, account.organisation)
st.caption(
    _(
        "Confidentiality: internal (the default) lets members and staff read it; restricted is for a "
        "record that names people at risk: only staff read its details, everyone else sees it only "
        "in totals; public lets funders read its title too."
    )
)
number = st.session_state.setdefault("report_form_number", 0)
send = _("Send for review")
slots: activity_form.Slots = {}
pressed, values = activity_form.activity_form(
    f"report_{number}_{editing.id if editing else 0}", options, defaults, [send], slots=slots
)
if pressed:
    problems = activity_form.show_problems(slots, values, options)
    if problems:
        st.error(
            _("Please correct these fields:")
            + "\n\n"
            + "\n".join(f"- {markdown_literal(p)}" for p in problems)
        )
        st.stop()
    cells = submissions.cells_from_form(values, submissions.event_names(options))
    if editing is not None:
        ok, result = db.write(submissions.resubmit, account, editing.id, cells, editing.version)
    else:
        ok, result = db.write(submissions.submit, account, cells)
    if ok:
        st.session_state["report_sent"] = result.id
        st.session_state["report_form_number"] = number + 1
        st.session_state.pop("report_editing", None)
        st.rerun()
    elif isinstance(result, ValidationFailed) and result.by_field:
        activity_form.show_problems(slots, values, options, submissions.form_problems(result))

if editing is not None and st.button(_("Cancel the fix"), key="report_cancel"):
    st.session_state.pop("report_editing", None)
    st.rerun()

st.header(_("Your organisation's submissions"))
if not mine:
    st.caption(_("Nothing reported yet."))
for submission in reversed(mine):
    with st.container(border=True):
        title = markdown_literal(str(submission.fields.get("title", "")))
        st.markdown(
            f"**{submission.id}** · {render.format_date(submission.submitted_at.date())} · {title}  \n"
            + _("Status: **{status}**").format(status=_(submissions.STATUS_LABELS[submission.status]))
        )
        if submission.status == "returned" and submission.comment:
            st.markdown(
                _("The reviewer's comment: {comment}").format(comment=markdown_literal(submission.comment))
            )
        if submission.status == "rejected" and submission.reason:
            st.markdown(_("Reason: {reason}").format(reason=markdown_literal(submission.reason)))
        if submission.note:
            st.markdown(_("The reviewer's note: {note}").format(note=markdown_literal(submission.note)))
        if submission.status == "approved":
            st.caption(_("Now activity {id} in the tracker.").format(id=submission.activity_id))
        if submission.status == "returned" and st.button(
            _("Fix and send again"), key=f"report_fix_{submission.id}"
        ):
            st.session_state["report_editing"] = submission.id
            st.rerun()

st.header(_("Send a spreadsheet"))
st.caption(
    _(
        "A file in the activity import format (CSV or XLSX) becomes one submission per row, all or "
        "nothing: a file with any problem sends nothing."
    )
)
upload = st.file_uploader(_("Spreadsheet"), type=["csv", "xlsx"], key="report_upload")
if upload is not None:
    data = upload.getvalue()
    plan, _created = db.read(submission_import.submit_file, account, data, upload.name, None, True)
    if plan.problems:
        st.error(_("Nothing was sent; correct these rows, then upload the file again:"))
        st.code("\n".join(str(p) for p in plan.problems[:200]), language=None)
    elif plan.ok:
        st.dataframe(plan.preview(), hide_index=True)
        if plan.duplicates:
            st.warning("\n".join(f"- {markdown_literal(str(d))}" for d in plan.duplicates))
        if st.button(
            ngettext(
                "Send {n} activity for review", "Send these {n} activities for review", len(plan.rows)
            ).format(n=len(plan.rows)),
            key="report_upload_send",
        ):
            ok, result = db.write(submission_import.submit_file_count, account, data, upload.name)
            if ok:
                st.success(
                    ngettext(
                        "Sent {n} activity for review.", "Sent {n} activities for review.", result
                    ).format(n=result)
                )
