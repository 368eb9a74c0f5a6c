"""Import (staff): a CSV or XLSX file of activities or of outcomes (the person says which),
previewed row by row, then written all or nothing. The flow (upload, preview, import,
upload cleared, result kept on screen) is ``tracker.web.upload``, shared with every page
that imports; the outcome side is ``tracker.web.outcome_import``.
"""

import streamlit as st

from tracker.i18n import _, ngettext
from tracker.io import importer
from tracker.web import auth
from tracker.web.outcome_import import outcome_import
from tracker.web.upload import ImportScreen, import_flow

auth.require("import_activities")
heading = st.empty()
kinds = {"activities": _("Activities"), "outcomes": _("Outcomes")}
kind = st.radio(
    _("What does the file hold?"), list(kinds), format_func=kinds.get, horizontal=True, key="import_kind"
)
heading.title(_("Import activities") if kind == "activities" else _("Import outcomes"))
if kind == "outcomes":
    outcome_import()
    st.stop()
st.write(
    _(
        "One row per activity. Required columns: date, forum, themes, activity_type, title. "
        "A file with any invalid row imports nothing. Rows whose external_id is already in the "
        "tracker update that activity, changing only the columns the file has."
    )
)
st.download_button(
    _("Download the template (CSV)"),
    importer.template_csv(),
    file_name="activities-template.csv",
    mime="text/csv",
    key="import_template",
)
import_flow(
    ImportScreen(
        importer.ActivityImport,
        "import",
        lambda n: ngettext("Import {n} activity", "Import {n} activities", n).format(n=n),
        _("These rows lower an activity's confidentiality (check each is meant):"),
        confirm_duplicates=True,
    )
)
