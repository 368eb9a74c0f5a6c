"""Strategy: each target against its actual: met, not met or not yet."""

import streamlit as st

from tracker.i18n import _, column_labels
from tracker.web import auth, reads, render

role = auth.require("strategy_dashboard")
st.title(_("Strategy"))
table = reads.strategy()
if table.empty:
    render.empty_state(_("No strategy targets are recorded yet (tracker import-targets FILE)."))
    st.stop()
st.caption(
    _(
        "Each target's actual counts the records of its whole calendar year within its scope; "
        "“not yet” means the year has no activities and no outcomes."
    )
)
st.dataframe(table, hide_index=True, column_config=column_labels(table.columns))
