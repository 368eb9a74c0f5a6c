"""Home: what the tracker is and the headline figures."""

import streamlit as st

from tracker.i18n import _
from tracker.web import auth, reads
from tracker.web.render import format_share

auth.require("home_page")

st.title(_("KP Civil Society Coalition: campaign tracker"))
st.write(
    _(
        "Where the coalition records its engagements in Kimberley Process meetings, the UN, "
        "regional bodies, other international initiatives and national work, per theme, "
        "and shows where its effort goes."
    )
)

summary = reads.home_summary()

if summary.demo_data:
    st.info(_("This database holds illustrative demo data, not the coalition's real records."))

if summary.is_empty:
    st.subheader(_("No activities recorded yet"))
    st.write(
        _(
            "Once staff add activities or import a spreadsheet, the totals appear here. "
            "To explore the tracker with sample records, run `tracker seed-demo`."
        )
    )
    st.stop()

totals = summary.totals
cols = st.columns(4)
cols[0].metric(_("Activities"), f"{totals.activities:,}")
cols[1].metric(_("Staff-days"), f"{totals.effort_days:,.1f}")
cols[2].metric(_("Cost (US$)"), f"{totals.cost_usd:,.0f}")
cols[3].metric(_("Forums engaged"), f"{totals.forums:,}")
st.caption(_("Activities from {first} to {last}.").format(first=totals.first_date, last=totals.last_date))

st.subheader(_("The shift away from the Kimberley Process"))
st.write(
    _("Share of the coalition's engagement spent in KP forums, before and since its decision of March 2020.")
)
before, since = summary.kp_share_before_shift, summary.kp_share_since_shift
cols = st.columns(4)
cols[0].metric(_("KP share by activities, before"), format_share(before.by_count))
cols[1].metric(_("KP share by activities, since"), format_share(since.by_count))
cols[2].metric(_("KP share by effort, before"), format_share(before.by_effort))
cols[3].metric(_("KP share by effort, since"), format_share(since.by_effort))
