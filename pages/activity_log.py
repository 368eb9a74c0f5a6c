"""Activity log: search and filter the coalition's activities, page by page, and download them."""

import streamlit as st

from tracker import ui
from tracker.i18n import _
from tracker.vocabulary import ACTIVITY_TYPES

ui.require("activity_log")
st.title(_("Activity log"))
filters = ui.shared_filters()
options = ui.filter_options()

with st.form("log_search"):
    text = st.text_input(_("Search titles, descriptions and outcomes"), key="log_text")
    cols = st.columns(4)
    forums = cols[0].multiselect(_("Forums"), options.forums, key="log_forums")
    organisations = cols[1].multiselect(_("Organisations"), options.organisations, key="log_organisations")
    countries = cols[2].multiselect(
        _("Countries"), list(options.countries), format_func=options.countries.get, key="log_countries"
    )
    types = cols[3].multiselect(_("Activity types"), ACTIVITY_TYPES, key="log_types")
    st.form_submit_button(_("Search"))

filters = filters.with_(
    text=text,
    forums=tuple(forums),
    organisations=tuple(organisations),
    countries=tuple(countries),
    activity_types=tuple(types),
)
page_number = st.session_state.get("log_page", 1)
page = ui.activity_log(filters, page_number)

if page.total == 0:
    ui.empty_state(_("No activities match. Clear the search or widen the filters in the sidebar."))
    st.stop()

st.caption(
    _("{total} activities match; page {page} of {pages}.").format(
        total=f"{page.total:,}", page=page.page, pages=page.pages
    )
)
st.dataframe(
    page.rows,
    hide_index=True,
    column_config={
        "id": None,
        "effort_days": st.column_config.NumberColumn(_("Staff-days"), format="%.1f"),
        "cost_usd": st.column_config.NumberColumn(_("Cost (US$)"), format="%.0f"),
    },
)
cols = st.columns([1, 2, 2])
cols[0].number_input(_("Page"), min_value=1, max_value=page.pages, value=page.page, key="log_page")
cols[1].download_button(
    _("Download the {total} matching activities (CSV)").format(total=f"{page.total:,}"),
    ui.activity_download(filters, "csv"),
    file_name="activities.csv",
    mime="text/csv",
    key="log_download",
)
cols[2].download_button(
    _("Download them as XLSX"),
    ui.activity_download(filters, "xlsx"),
    file_name="activities.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="log_download_xlsx",
)
