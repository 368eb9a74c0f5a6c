"""The activity form shared by the Add and Edit pages (Streamlit), and its defaults.

The form collects plain values; ``to_input`` runs them through the one rule set
(``validation.ActivityInput``) and returns every problem by field label.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st
from pydantic import ValidationError

from tracker.activity_fields import FIELDS, form_defaults
from tracker.entry import EventChoice, FormOptions
from tracker.i18n import _
from tracker.validation import TITLE_MAX, ActivityInput, describe_errors
from tracker.vocabulary import ACTIVITY_TYPES, CONFIDENTIALITY_LEVELS

# Field labels by import column, declared once in ``activity_fields``.
LABELS = {f.column: f.label for f in FIELDS if f.column}


def new_activity_defaults(
    options: FormOptions, event: EventChoice | None, organisation: str | None, sticky: dict | None = None
) -> dict:
    """Today, the user's organisation, internal; an event fills its forum and date."""
    defaults = form_defaults(dt.date.today(), [organisation] if organisation in options.organisations else [])
    defaults.update(sticky or {})
    if event is not None:
        defaults.update(activity_date=event.start_date, forum=event.forum, event_id=event.id)
    return defaults


def _index(choices: list, value) -> int | None:
    return choices.index(value) if value in choices else None


def activity_form(
    key: str, options: FormOptions, defaults: dict, buttons: list[str]
) -> tuple[str | None, dict]:
    """Render the form; returns the label of the button pressed (or None) and the values."""
    with st.form(key):
        left, right = st.columns(2)
        values = {
            "activity_date": left.date_input(
                _(LABELS["date"]),
                value=defaults["activity_date"],
                min_value=dt.date(1990, 1, 1),
                key=f"{key}_date",
            ),
            "forum": right.selectbox(
                _(LABELS["forum"]),
                options.forums,
                index=_index(options.forums, defaults["forum"]),
                placeholder=_("Choose a forum"),
                key=f"{key}_forum",
            ),
            "themes": left.multiselect(
                _(LABELS["themes"]), options.themes, default=defaults["themes"], key=f"{key}_themes"
            ),
            "activity_type": right.selectbox(
                _(LABELS["activity_type"]),
                ACTIVITY_TYPES,
                index=_index(list(ACTIVITY_TYPES), defaults["activity_type"]),
                key=f"{key}_type",
            ),
            "title": st.text_input(
                _(LABELS["title"]), value=defaults["title"], max_chars=TITLE_MAX, key=f"{key}_title"
            ),
            "description": st.text_area(
                _(LABELS["description"]), value=defaults["description"], key=f"{key}_description"
            ),
        }
        left, right = st.columns(2)
        organisations = left.multiselect(
            _(LABELS["organisations"]),
            options.organisations,
            default=[o for o in defaults["organisations"] if o in options.organisations],
            key=f"{key}_organisations",
        )
        others = right.text_input(
            _("Other organisations, separated by ;"),
            key=f"{key}_new_organisations",
            help=_("New organisations are added to the list."),
        )
        values["organisations"] = [*organisations, *[o.strip() for o in others.split(";") if o.strip()]]
        codes = ["", *sorted(options.countries, key=options.countries.get)]
        values["country"] = (
            left.selectbox(
                _(LABELS["country"]),
                codes,
                index=codes.index(defaults["country"] or ""),
                format_func=lambda c: options.countries.get(c, _("(none)")),
                key=f"{key}_country",
            )
            or None
        )
        values["effort_days"] = right.number_input(
            _(LABELS["effort_days"]),
            min_value=0.0,
            step=0.5,
            value=float(defaults["effort_days"]),
            key=f"{key}_effort",
        )
        values["cost_usd"] = left.number_input(
            _(LABELS["cost_usd"]),
            min_value=0.0,
            step=10.0,
            value=float(defaults["cost_usd"]),
            key=f"{key}_cost",
        )
        values["confidentiality"] = right.radio(
            _(LABELS["confidentiality"]),
            CONFIDENTIALITY_LEVELS,
            horizontal=True,
            index=list(CONFIDENTIALITY_LEVELS).index(defaults["confidentiality"]),
            key=f"{key}_confidentiality",
            help=_("Restricted: names people at risk; only staff see its details."),
        )
        values["outcome"] = st.text_area(
            _(LABELS["outcome"]), value=defaults["outcome"], key=f"{key}_outcome"
        )
        values["evidence_urls"] = st.text_area(
            _("Evidence links (http:// or https://, one per line)"),
            value=defaults["evidence_urls"],
            key=f"{key}_evidence",
        )
        values["external_id"] = st.text_input(
            _(LABELS["external_id"]),
            value=defaults["external_id"],
            key=f"{key}_external_id",
            help=_("The id of this record in another system, if any."),
        )
        values["event_id"] = defaults["event_id"]
        columns = st.columns(len(buttons) + 2)
        pressed = None
        for column, label in zip(columns, buttons, strict=False):
            if column.form_submit_button(label):
                pressed = label
    return pressed, values


def to_input(values: dict) -> tuple[ActivityInput | None, list[str]]:
    """The form's values checked by the shared rule set, or every problem by field label."""
    fields = dict(values)
    if fields.get("forum") is None:
        fields["forum"] = ""
    try:
        return ActivityInput(**fields), []
    except ValidationError as error:
        return None, [
            f"{_(LABELS.get(column, column))}: {message}" for column, message in describe_errors(error)
        ]
