"""Forums: per category and forum, the real event calendar with the coalition's activities."""

import streamlit as st

from tracker import vocabulary
from tracker.i18n import _, ngettext
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, reads, render, sidebar

role = auth.require("forum_calendar")
st.title(_("Forums"))
filters = sidebar.shared_filters(role)
measure = sidebar.measure_control("forums")
forum = st.selectbox(
    _("Show the event calendar of"),
    reads.filter_options(role).forums,
    index=None,
    placeholder=_("Choose a forum"),
    key="forums_forum",
)

view = reads.forums(filters, measure, forum, role)
if view.is_empty:
    render.empty_state()
else:
    render.chart(view.top_figure, view.top, "top_forums")

if view.calendar is not None:
    st.header(_("Calendar of {forum}").format(forum=markdown_literal(view.forum)))
    if view.calendar.empty:
        st.info(_("No dated events are recorded for this forum."))
    else:
        st.caption(
            _(
                "Real meeting dates from public sources; a date written YYYY-MM or YYYY is only "
                "known to that month or year. Activities counts the coalition's activities "
                "recorded at each event."
            )
        )
        render.data_table(
            view.calendar,
            {
                "source": st.column_config.TextColumn(_("Source")),
                "verified": st.column_config.CheckboxColumn(_("Verified")),
            },
        )

st.header(_("Subscribe to the forum calendar"))
st.markdown(render.calendar_links())
st.caption(
    _(
        "These links open the calendar in this browser (you are signed in). A calendar application "
        "(Outlook, Google Calendar, Thunderbird) fetches it without your session: ask an administrator "
        "for a calendar token and subscribe to the address with ?token=… added (see docs/calendar.md). "
        "Dates marked expected appear as tentative."
    )
)

st.header(_("Forums by category"))
for category, table in view.by_category.items():
    n = int(table.activities.sum())
    count = ngettext("{n} activity", "{n} activities", n).format(n=render.format_count(n))
    with st.expander(f"{vocabulary.label('forum_category', category)} ({count})") as box:
        # A light HTML table: long forum names wrap on a phone (a data grid cut them).
        render.numbers_table(table, box)
