"""The outcome import on the Import page (Streamlit side): the template, then the shared
upload -> preview -> import flow (``tracker.web.upload``) with the outcome record type
(``tracker.io.outcome_import``)."""

from __future__ import annotations

import streamlit as st

from tracker.i18n import _, ngettext
from tracker.io import outcome_import as outcome_file
from tracker.text import formatting
from tracker.web.upload import ImportScreen, import_flow


def outcome_import() -> None:
    st.write(
        _(
            "One row per outcome, in the outcome import format. Required columns for a new outcome: "
            "outcome_id, date, statement, social_actor, change_type, themes. A file with any invalid row "
            "imports nothing. Rows whose outcome_id is already in the tracker update that outcome, "
            "changing only the columns the file has."
        )
    )
    st.download_button(
        _("Download the outcome template (CSV)"),
        outcome_file.outcome_template_csv(),
        file_name="outcomes-template.csv",
        mime="text/csv",
        key="outcome_import_template",
    )
    import_flow(
        ImportScreen(
            outcome_file.OutcomeImport,
            "outcome_import",
            lambda n: ngettext("Import {n} outcome", "Import {n} outcomes", n).format(n=formatting.number(n)),
            _("These rows lower an outcome's confidentiality (check each is meant):"),
        )
    )
