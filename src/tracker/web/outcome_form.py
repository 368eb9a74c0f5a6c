"""The staff form that records an outcome (Streamlit); the rules are ``outcomes.OutcomeInput``."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from pydantic import ValidationError

from tracker import outcome_fields
from tracker.i18n import _
from tracker.outcomes import STATEMENT_MAX, OutcomeInput, input_problems
from tracker.results_views import OutcomeFormOptions
from tracker.vocabulary import CHANGE_TYPES, CONFIDENTIALITY_LEVELS, SUBSTANTIATION_LEVELS


def outcome_form(key: str, options: OutcomeFormOptions, linked: list[int]) -> tuple[bool, dict]:
    """Render the form; returns whether it was submitted, and its values."""
    label = outcome_fields.label
    with st.form(key):
        left, right = st.columns(2)
        values: dict = {
            "outcome_id": left.text_input(label("outcome_id"), key=f"{key}_id", help=_("e.g. OUT-2024-03")),
            "outcome_date": right.date_input(
                label("date"), value=dt.date.today(), min_value=dt.date(1990, 1, 1), key=f"{key}_date"
            ),
            "statement": st.text_area(
                label("statement"),
                max_chars=STATEMENT_MAX,
                key=f"{key}_statement",
                help=_("Who changed what, when and where."),
            ),
            "social_actor": left.text_input(label("social_actor"), key=f"{key}_actor"),
            "change_type": right.selectbox(label("change_type"), CHANGE_TYPES, key=f"{key}_type"),
            "themes": left.multiselect(label("themes"), options.themes, key=f"{key}_themes"),
            "forum": right.selectbox(
                label("forum"), options.forums, index=None, placeholder=_("(none)"), key=f"{key}_forum"
            ),
            "significance": st.text_area(label("significance"), key=f"{key}_significance"),
            "contribution": st.text_area(label("contribution"), key=f"{key}_contribution"),
            "activity_ids": st.multiselect(
                label("activities"),
                list(options.activities),
                default=[i for i in linked if i in options.activities],
                format_func=lambda i: options.activities[i],
                key=f"{key}_activities",
                help=_("Type to search the contributing activities by date or title."),
            ),
        }
        left, right = st.columns(2)
        values["substantiation"] = left.selectbox(
            label("substantiation"), SUBSTANTIATION_LEVELS, key=f"{key}_substantiation"
        )
        values["confidentiality"] = right.radio(
            label("confidentiality"),
            CONFIDENTIALITY_LEVELS,
            index=1,
            horizontal=True,
            key=f"{key}_confidentiality",
            help=_("Restricted: names people at risk; only staff see its details."),
        )
        values["positive"] = left.checkbox(label("positive"), value=True, key=f"{key}_positive")
        values["intended"] = right.checkbox(label("intended"), value=True, key=f"{key}_intended")
        submitted = st.form_submit_button(_("Save the outcome"))
    return submitted, values


def to_input(values: dict) -> tuple[OutcomeInput | None, list[str]]:
    try:
        return OutcomeInput(**values), []
    except ValidationError as error:
        return None, [f"{outcome_fields.label(c)}: {m}" for c, m in input_problems(error)]
