"""Home: what the tracker is, the shift chart, the headline figures, and staff reminders."""

import datetime as dt

import streamlit as st

from tracker.access.permissions import ADMIN, STAFF
from tracker.i18n import _, ngettext
from tracker.records import submissions
from tracker.results import home
from tracker.web import auth, db, reads, render
from tracker.web.render import format_share

role = auth.require("home_page")

st.title(_("KP Civil Society Coalition: campaign tracker"))
st.write(
    _(
        "Where the coalition records its engagements in Kimberley Process meetings, the UN, "
        "regional bodies, other international initiatives and national work, per theme, "
        "and shows where its effort goes."
    )
)

today = dt.date.today()
summary = reads.home_summary(today)

if summary.demo_data:
    st.info(_("This database holds illustrative demo data, not the coalition's real records."))

if summary.is_empty:
    st.header(_("No activities recorded yet"))
    st.write(
        _(
            "Once staff add activities or import a spreadsheet, the totals appear here. "
            "To explore the tracker with sample records, run `tracker seed-demo`."
        )
    )
else:
    st.header(_("The shift away from the Kimberley Process"))
    st.write(
        _(
            "Share of the coalition's engagement spent in KP forums, before and since its decision of "
            "March 2020."
        )
    )
    # A static SVG: the first screen does not wait for the Plotly bundle. Inline through
    # st.markdown (st.html strips SVG); its text is escaped by the chart builder.
    st.markdown(summary.shift_chart(format_share), unsafe_allow_html=True)
    before, since = summary.kp_share_before_shift, summary.kp_share_since_shift
    cols = st.columns(4)
    cols[0].metric(_("KP share by activities, before"), format_share(before.by_count))
    cols[1].metric(_("KP share by activities, since"), format_share(since.by_count))
    cols[2].metric(_("KP share by effort, before"), format_share(before.by_effort))
    cols[3].metric(_("KP share by effort, since"), format_share(since.by_effort))

    totals = summary.totals
    cols = st.columns(4)
    cols[0].metric(_("Activities"), render.format_count(totals.activities))
    cols[1].metric(_("Staff-days"), render.format_staff_days(totals.effort_days))
    render.money_metric(cols[2], totals.cost_usd)
    cols[3].metric(_("Forums engaged"), render.format_count(totals.forums))
    st.caption(
        _("Activities from {first} to {last}.").format(
            first=render.format_date(totals.first_date), last=render.format_date(totals.last_date)
        )
    )

    # Like with like: the year to date against the same days of the year before (the
    # Overview's rule, analytics.latest_against_previous).
    compared = summary.comparison
    if compared is not None:
        render.comparison(
            compared.latest_label,
            compared.previous_label,
            {key: (compared.latest[key], compared.previous[key]) for key in render.COMPARED},
            heading=_("Latest period against the previous"),
        )

if role in (STAFF, ADMIN):
    waiting = db.read(submissions.waiting_count)
    if waiting:
        st.info(
            ngettext(
                "{n} member submission waits for review.", "{n} member submissions wait for review.", waiting
            ).format(n=waiting)
        )
        st.page_link("pages/review_submissions.py", label=_("Open the Review page"))
    reminders = db.read(home.staff_reminders, today)
    st.header(_("Forum events of the next 60 days"))
    if reminders.upcoming.empty:
        st.caption(_("No forum event in the calendar for the next 60 days."))
    else:
        st.html(home.reminder_list_html(reminders.upcoming))
    st.header(_("Past events of the last 90 days with nothing logged"))
    if reminders.unlogged.empty:
        st.caption(_("Every forum event of the last 90 days has at least one activity logged."))
    else:
        st.caption(_("Log what the coalition did at these events, or note that it did not take part."))
        st.html(home.reminder_list_html(reminders.unlogged))
