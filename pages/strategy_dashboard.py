"""Strategy: each target against its actual (met, not met or not yet) and the trend of each
target's measure; staff and admins also add, change, delete and import targets here."""

import streamlit as st

from tracker.access.permissions import EDITORS
from tracker.i18n import _, column_labels
from tracker.results.results_views import targets_list_html
from tracker.web import auth, reads, render
from tracker.web.target_form import editor

role = auth.require("strategy_dashboard")
st.title(_("Strategy"))
if role in EDITORS:
    editor()
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
# Short tables that fit a phone (year, target, actual, status), every column in the detail view.
st.html(targets_list_html(table))
with st.expander(_("Every column of the targets (scope, baseline, note)")):
    st.dataframe(table, hide_index=True, column_config=column_labels(table.columns))
st.header(_("Each measure over the years, against its targets"))
for index, trend in enumerate(reads.strategy_trends()):
    render.chart(
        trend.figure, trend.numbers, f"target_trend_{index}", f"targets-{trend.measure}-{index + 1}.csv"
    )
