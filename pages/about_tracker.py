"""About: what the tracker is, how its numbers are counted, and who to ask."""

import streamlit as st

from tracker import __version__
from tracker.i18n import _
from tracker.web import auth

auth.require("about_tracker")
st.title(_("About this tracker"))
st.markdown(
    _(
        "The campaign tracker of the **Kimberley Process Civil Society Coalition** records the "
        "coalition's engagements in Kimberley Process meetings, the UN, regional bodies, other "
        "international initiatives and national work, per theme. In March 2020 the coalition decided "
        "to shift its effort away from the KP; the tracker shows whether and how that shift happens."
    )
)
st.header(_("How the numbers are counted"))
st.markdown(
    _(
        "- Engagement is shown two ways: by number of activities and by effort in staff-days.\n"
        "- KP share of a period is the measure in KP forums divided by the measure for all activities "
        "in that period. A period without activities has no share (a gap), never 0 %.\n"
        "- An activity with several themes counts once under each of its themes, with its full effort, "
        "so theme totals add up to more than the overall total.\n"
        "- Deleted activities count nowhere. Restricted activities count in every total, but only staff "
        "see their details.\n"
        "- Money is in US dollars; effort in staff-days."
    )
)
st.caption(
    _("Version {version}. Forum dates come from public sources named in the reference data.").format(
        version=__version__
    )
)
