"""The staff form that records an outcome (Streamlit); the rules are ``outcomes.OutcomeInput``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st
from pydantic import ValidationError

from tracker.i18n import _
from tracker.records import outcome_fields
from tracker.records.outcomes import STATEMENT_MAX, OutcomeInput, input_problems
from tracker.records.validation import labelled
from tracker.results.outcome_records import OutcomeFormOptions
from tracker.vocabulary import CHANGE_TYPES, CONFIDENTIALITY_LEVELS, SUBSTANTIATION_LEVELS, labeller


def outcome_form(
    key: str,
    options: OutcomeFormOptions,
    linked: list[int],
    initial: dict[str, Any] | None = None,
    submit_label: str | None = None,
) -> tuple[bool, dict[str, Any]]:
    """Render the form; returns whether it was submitted, and its values.

    ``initial``: the values to start from (``outcome_records.form_values``, the Edit page);
    a new outcome starts empty, dated today. Use a ``key`` that changes with the version
    opened, so a reload shows the stored values."""
    label = outcome_fields.label
    start = initial or {}

    def pick(choices: Sequence[object], name: str, default: int | None = 0) -> int | None:
        value = start.get(name)
        return list(choices).index(value) if value in choices else default

    with st.form(key):
        left, right = st.columns(2)
        values: dict[str, Any] = {
            "outcome_id": left.text_input(
                label("outcome_id"),
                value=start.get("outcome_id", ""),
                key=f"{key}_id",
                help=_("e.g. OUT-2024-03"),
            ),
            "outcome_date": right.date_input(
                label("date"),
                value=start.get("outcome_date", dt.date.today()),
                min_value=dt.date(1990, 1, 1),
                key=f"{key}_date",
            ),
            "statement": st.text_area(
                label("statement"),
                value=start.get("statement", ""),
                max_chars=STATEMENT_MAX,
                key=f"{key}_statement",
                help=_("Who changed what, when and where."),
            ),
            "social_actor": left.text_input(
                label("social_actor"), value=start.get("social_actor", ""), key=f"{key}_actor"
            ),
            "change_type": right.selectbox(
                label("change_type"),
                CHANGE_TYPES,
                index=pick(CHANGE_TYPES, "change_type"),
                format_func=labeller("change_type"),
                key=f"{key}_type",
            ),
            "themes": left.multiselect(
                label("themes"),
                options.themes,
                default=[t for t in start.get("themes", []) if t in options.themes],
                key=f"{key}_themes",
                placeholder=_("Choose one or more themes"),
            ),
            "forum": right.selectbox(
                label("forum"),
                options.forums,
                index=pick(options.forums, "forum", None),
                placeholder=_("(none)"),
                key=f"{key}_forum",
            ),
            "country": left.text_input(
                label("country"),
                value=start.get("country", ""),
                key=f"{key}_country",
                help=_("An ISO code such as ZW or ZWE, or the English name; empty for none."),
            ),
            "evidence_urls": right.text_area(
                label("evidence_urls"),
                value=start.get("evidence_urls", ""),
                key=f"{key}_evidence",
                help=_("One http:// or https:// address per line."),
            ),
            "significance": st.text_area(
                label("significance"), value=start.get("significance", ""), key=f"{key}_significance"
            ),
            "contribution": st.text_area(
                label("contribution"), value=start.get("contribution", ""), key=f"{key}_contribution"
            ),
            "activity_ids": st.multiselect(
                label("activities"),
                list(options.activities),
                default=[i for i in start.get("activity_ids", linked) if i in options.activities],
                format_func=lambda i: options.activities[i],
                key=f"{key}_activities",
                placeholder=_("Choose activities"),
                help=_("Type to search the contributing activities by date or title."),
            ),
        }
        left, right = st.columns(2)
        values["substantiation"] = left.selectbox(
            label("substantiation"),
            SUBSTANTIATION_LEVELS,
            format_func=labeller("substantiation"),
            index=pick(SUBSTANTIATION_LEVELS, "substantiation"),
            key=f"{key}_substantiation",
        )
        values["confidentiality"] = right.radio(
            label("confidentiality"),
            CONFIDENTIALITY_LEVELS,
            format_func=labeller("confidentiality"),
            index=pick(CONFIDENTIALITY_LEVELS, "confidentiality", 1),
            horizontal=True,
            key=f"{key}_confidentiality",
            help=_("Restricted: names people at risk; only staff see its details."),
        )
        values["positive"] = left.checkbox(
            label("positive"), value=start.get("positive", True), key=f"{key}_positive"
        )
        values["intended"] = right.checkbox(
            label("intended"), value=start.get("intended", True), key=f"{key}_intended"
        )
        submitted = st.form_submit_button(submit_label or _("Save the outcome"))
    return submitted, values


def to_input(values: dict[str, Any]) -> tuple[OutcomeInput | None, list[str]]:
    try:
        return OutcomeInput(**values), []
    except ValidationError as error:
        return None, [labelled(outcome_fields.label(c), m) for c, m in input_problems(error)]
