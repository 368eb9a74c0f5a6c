"""Activity log: search and filter the coalition's activities, page by page, and download them."""

import streamlit as st

from tracker.i18n import _, ngettext
from tracker.results.activity_log import log_list_html
from tracker.web import auth, reads, render, sidebar

role = auth.require("activity_log")
st.title(_("Activity log"))
filters = sidebar.shared_filters(role)
filters = sidebar.log_search_form(filters, role)
page_number = st.session_state.get("log_page", 1)
page = reads.activity_log(filters, role, page_number)

if page.total == 0:
    render.empty_state(_("No activities match. Clear the search or widen the filters in the sidebar."))
    st.stop()

st.caption(
    ngettext(
        "{total} activity matches; page {page} of {pages}.",
        "{total} activities match; page {page} of {pages}.",
        page.total,
    ).format(total=render.format_count(page.total), page=page.page, pages=page.pages)
)
# A list that reads on a phone (date and full title; tap for the rest), and the same page
# of rows as a table, with every column, in a detail view.
st.caption(_("Tap an activity to see its details."))
st.html(log_list_html(page.rows))
with st.expander(_("This page as a table (every column)")):
    render.data_table(
        page.rows,
        {
            "id": None,
            "effort_days": st.column_config.NumberColumn(_("Staff-days"), format="%.1f"),
            "cost_usd": st.column_config.NumberColumn(_("Cost (US$)"), format="%.0f"),
        },
    )
cols = st.columns([1, 2, 2])
cols[0].number_input(_("Page"), min_value=1, max_value=page.pages, value=page.page, key="log_page")
render.activity_download_button(
    cols[1],
    ngettext(
        "Download the {total} matching activity (CSV)",
        "Download the {total} matching activities (CSV)",
        page.total,
    ).format(total=render.format_count(page.total)),
    filters,
    role,
    "csv",
)
render.activity_download_button(cols[2], _("Download them as XLSX"), filters, role, "xlsx")
