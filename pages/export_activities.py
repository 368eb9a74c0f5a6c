"""Export (staff): every activity in the import format, as CSV, XLSX or JSON."""

import streamlit as st

from tracker.i18n import _
from tracker.results.filters import Filters
from tracker.web import auth, render

role = auth.require("export_activities")
st.title(_("Export activities"))
st.write(
    _(
        "Every activity that is not deleted, restricted ones included, in the import format: a file "
        "exported here and imported into another tracker gives the same records. Cells that a "
        "spreadsheet would run as a formula start with an apostrophe; the import removes it."
    )
)
for column, fmt in zip(st.columns(3), ("csv", "xlsx", "json"), strict=True):
    render.activity_download_button(column, fmt.upper(), Filters(), role, fmt)
st.caption(_("The same from the command line: tracker export --format csv|xlsx|json --out FILE"))
