"""The activity form shared by the Add and Edit pages (Streamlit), and its defaults.

The form collects plain values; ``to_input`` runs them through the one rule set
(``validation.ActivityInput``) and returns every problem by field label.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import streamlit as st
from pydantic import ValidationError
from streamlit.delta_generator import DeltaGenerator

from tracker.i18n import _
from tracker.records import activity_fields
from tracker.records.activity_fields import FIELDS, form_defaults
from tracker.records.entry import EventChoice, FormOptions
from tracker.records.validation import TITLE_MAX, ActivityInput, labelled, plain_message
from tracker.text.plain_text import markdown_literal
from tracker.vocabulary import ACTIVITY_TYPES, CONFIDENTIALITY_LEVELS, labeller
from tracker.web.render import Container

# The form's widget values by field name (``ActivityInput`` field names), and the
# placeholder under each field where its problems are written.
FormValues = dict[str, Any]
Slots = dict[str, DeltaGenerator]

# Field labels by import column, declared once in ``activity_fields``.
LABELS = {f.column: f.label for f in FIELDS if f.column}


def new_activity_defaults(
    options: FormOptions,
    event: EventChoice | None,
    organisation: str | None,
    sticky: FormValues | None = None,
) -> FormValues:
    """Today, the user's organisation, internal; an event fills its forum and date."""
    defaults = form_defaults(dt.date.today(), [organisation] if organisation in options.organisations else [])
    defaults.update(sticky or {})
    if event is not None:
        defaults.update(activity_date=event.start_date, forum=event.forum, event_id=event.id)
    return defaults


def _index(choices: Sequence[object], value: object) -> int | None:
    return choices.index(value) if value in choices else None


def _plain_widget(field: activity_fields.ActivityField, default: object, key: str) -> object:
    """The widget of a declared field by its kind (text, long text, number, date)."""
    label = _(field.label)
    if field.kind == "longtext":
        return st.text_area(label, value=str(default or ""), key=key)
    if field.kind == "number":
        return st.number_input(label, min_value=0.0, value=float(default or 0.0), key=key)  # type: ignore[arg-type]
    if field.kind == "date":
        return st.date_input(label, value=default if isinstance(default, dt.date) else None, key=key)
    return st.text_input(label, value=str(default or ""), key=key)


def activity_form(
    key: str,
    options: FormOptions,
    defaults: FormValues,
    buttons: list[str],
    choose_event: bool = False,
    slots: Slots | None = None,
) -> tuple[str | None, FormValues]:
    """Render the form; returns the label of the button pressed (or None) and the values.

    With ``choose_event`` the form has its own event choice (the Edit page: set or clear
    it). ``slots``, when given, is filled with one placeholder under each field, where
    ``show_problems`` writes that field's problems.
    """
    slots = {} if slots is None else slots

    def under(container: Container, name: str) -> None:
        slots[name] = container.empty()

    with st.form(key):
        left, right = st.columns(2)
        values: FormValues = {}
        values["activity_date"] = left.date_input(
            _(LABELS["date"]),
            value=defaults["activity_date"],
            min_value=dt.date(1990, 1, 1),
            key=f"{key}_date",
        )
        under(left, "activity_date")
        values["forum"] = right.selectbox(
            _(LABELS["forum"]),
            options.forums,
            index=_index(options.forums, defaults["forum"]),
            placeholder=_("Choose a forum"),
            key=f"{key}_forum",
        )
        under(right, "forum")
        if choose_event:
            # 0 stands for "no event" (ids start at 1).
            labels: dict[int, str] = {0: _("No particular event")}
            labels.update({e.id: f"{e.forum} · {e.label}" for e in options.events})
            ids = list(labels)
            values["event_id"] = (
                st.selectbox(
                    _(LABELS["event"]),
                    ids,
                    index=_index(ids, defaults["event_id"]) or 0,
                    format_func=lambda i: labels.get(i, str(i)),
                    key=f"{key}_event",
                    help=_("An event of the activity's forum; clear it for none."),
                )
                or None
            )
        else:
            values["event_id"] = defaults["event_id"]
        under(st, "event_id")
        values["themes"] = left.multiselect(
            _(LABELS["themes"]),
            options.themes,
            default=defaults["themes"],
            key=f"{key}_themes",
            placeholder=_("Choose one or more themes"),
        )
        under(left, "themes")
        values["activity_type"] = right.selectbox(
            _(LABELS["activity_type"]),
            ACTIVITY_TYPES,
            format_func=labeller("activity_type"),
            index=_index(list(ACTIVITY_TYPES), defaults["activity_type"]),
            key=f"{key}_type",
        )
        under(right, "activity_type")
        values["title"] = st.text_input(
            _(LABELS["title"]), value=defaults["title"], max_chars=TITLE_MAX, key=f"{key}_title"
        )
        under(st, "title")
        values["description"] = st.text_area(
            _(LABELS["description"]), value=defaults["description"], key=f"{key}_description"
        )
        under(st, "description")
        left, right = st.columns(2)
        organisations = left.multiselect(
            _(LABELS["organisations"]),
            options.organisations,
            default=[o for o in defaults["organisations"] if o in options.organisations],
            key=f"{key}_organisations",
            placeholder=_("Choose organisations"),
        )
        others = right.text_input(
            _("Other organisations, separated by ;"),
            key=f"{key}_new_organisations",
            help=_("New organisations are added to the list."),
        )
        values["organisations"] = [*organisations, *[o.strip() for o in others.split(";") if o.strip()]]
        under(left, "organisations")
        codes = ["", *sorted(options.countries, key=lambda code: options.countries[code])]
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
        under(left, "country")
        values["effort_days"] = right.number_input(
            _(LABELS["effort_days"]),
            min_value=0.0,
            step=0.5,
            value=float(defaults["effort_days"]),
            key=f"{key}_effort",
        )
        under(right, "effort_days")
        values["cost_usd"] = left.number_input(
            _(LABELS["cost_usd"]),
            min_value=0.0,
            step=10.0,
            value=float(defaults["cost_usd"]),
            key=f"{key}_cost",
        )
        under(left, "cost_usd")
        values["confidentiality"] = right.radio(
            _(LABELS["confidentiality"]),
            CONFIDENTIALITY_LEVELS,
            format_func=labeller("confidentiality"),
            horizontal=True,
            index=list(CONFIDENTIALITY_LEVELS).index(defaults["confidentiality"]),
            key=f"{key}_confidentiality",
            help=_("Restricted: names people at risk; only staff see its details."),
        )
        under(right, "confidentiality")
        values["outcome"] = st.text_area(
            _(LABELS["outcome"]), value=defaults["outcome"], key=f"{key}_outcome"
        )
        under(st, "outcome")
        values["evidence_urls"] = st.text_area(
            _("Evidence links (http:// or https://, one per line)"),
            value=defaults["evidence_urls"],
            key=f"{key}_evidence",
        )
        under(st, "evidence_urls")
        values["external_id"] = st.text_input(
            _(LABELS["external_id"]),
            value=defaults["external_id"],
            key=f"{key}_external_id",
            help=_("The id of this record in another system, if any."),
        )
        under(st, "external_id")
        stored_grants = list(defaults.get("grants", []))
        values["grants"] = (
            st.multiselect(
                _(LABELS["grants"]),
                sorted(set(options.grants) | set(stored_grants)),
                default=stored_grants,
                key=f"{key}_grants",
                placeholder=_("No grant"),
                help=_("The grants that fund this activity."),
            )
            if options.grants or stored_grants
            else stored_grants
        )
        # A field declared in ``activity_fields`` with no widget of its own above gets the
        # plain widget of its kind, in declaration order: a new field needs no form edit.
        for declared in activity_fields.FIELDS:
            if declared.name not in values:
                values[declared.name] = _plain_widget(
                    declared, defaults.get(declared.name), f"{key}_{declared.name}"
                )
                under(st, declared.name)
        columns = st.columns(len(buttons) + 2)
        pressed = None
        for column, label in zip(columns, buttons, strict=False):
            if column.form_submit_button(label):
                pressed = label
    return pressed, values


def field_problems(values: FormValues, options: FormOptions | None = None) -> dict[str, list[str]]:
    """Every problem of the form's values, by field name, in plain words."""
    fields = dict(values)
    if fields.get("forum") is None:
        fields["forum"] = ""
    problems: dict[str, list[str]] = {}
    try:
        ActivityInput(**fields)
    except ValidationError as error:
        for item in error.errors():
            name = str(item["loc"][0]) if item["loc"] else "title"
            message = plain_message(item)
            if item["type"].endswith("too_short") and name in ("forum", "themes"):
                message = _("choose at least one") if name == "themes" else _("choose a forum")
            problems.setdefault(name, []).append(message)
    event_id = fields.get("event_id")
    if options is not None and event_id is not None and fields["forum"]:
        event = next((e for e in options.events if e.id == event_id), None)
        if event is not None and event.forum.casefold() != fields["forum"].casefold():
            problems.setdefault("event_id", []).append(
                _(
                    "“{event}” is an event of {other}, not of {forum}: choose one of its events or none."
                ).format(
                    event=markdown_literal(event.name),
                    other=markdown_literal(event.forum),
                    forum=markdown_literal(fields["forum"]),
                )
            )
    return problems


def to_input(
    values: FormValues, options: FormOptions | None = None
) -> tuple[ActivityInput | None, list[str]]:
    """The form's values checked by the shared rule set, or every problem by field label."""
    problems = field_problems(values, options)
    if problems:
        return None, [
            labelled(activity_fields.label(name), message)
            for name, messages in problems.items()
            for message in messages
        ]
    fields = dict(values)
    return ActivityInput(**fields), []


def show_problems(
    slots: Slots,
    values: FormValues,
    options: FormOptions | None = None,
    problems: dict[str, list[str]] | None = None,
) -> list[str]:
    """Write each field's problems under it; returns them all (empty: the values are valid).

    ``problems`` (by field name) are shown instead of the form's own checks, e.g. the
    service's ``activities.check_record``."""
    problems = field_problems(values, options) if problems is None else problems
    for name, messages in problems.items():
        slot = slots.get(name)
        if slot is not None:
            slot.error("\n\n".join(messages))
    return [labelled(activity_fields.label(n), m) for n, messages in problems.items() for m in messages]
