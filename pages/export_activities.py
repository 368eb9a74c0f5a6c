"""Export (staff): every activity in the import format, as CSV, XLSX or JSON."""

import streamlit as st

from tracker import ui
from tracker.filters import Filters
from tracker.i18n import _

ui.require("export_activities")
st.title(_("Export activities"))
st.write(
    _(
        "Every activity that is not deleted, restricted ones included, in the import format: a file "
        "exported here and imported into another tracker gives the same records. Cells that a "
        "spreadsheet would run as a formula start with an apostrophe; the import removes it."
    )
)
everything = Filters()
cols = st.columns(3)
cols[0].download_button(
    _("CSV"),
    ui.activity_download(everything, "csv"),
    file_name="activities.csv",
    mime="text/csv",
    key="export_csv",
)
cols[1].download_button(
    _("XLSX"),
    ui.activity_download(everything, "xlsx"),
    file_name="activities.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="export_xlsx",
)
cols[2].download_button(
    _("JSON"),
    ui.activity_download(everything, "json"),
    file_name="activities.json",
    mime="application/json",
    key="export_json",
)
st.caption(_("The same from the command line: tracker export --format csv|xlsx|json --out FILE"))
