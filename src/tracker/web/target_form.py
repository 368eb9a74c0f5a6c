"""The staff and admin side of the Strategy page: add, edit, delete and import targets
(Streamlit). Every write goes through ``targets.save_target``/``delete_target`` (audited,
version-checked); the rules are ``targets.TargetInput`` and ``targets.record_problems``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st
from pydantic import ValidationError

from tracker.i18n import _, ngettext
from tracker.io.target_import import TargetImport
from tracker.records import targets
from tracker.records.validation import describe_errors
from tracker.results.target_text import target_text
from tracker.vocabulary import TARGET_DIRECTIONS, TARGET_MEASURES, label, labeller, scope_label
from tracker.web import auth, db
from tracker.web.upload import ImportScreen, import_flow

FIELDS = ("year", "measure", "scope", "direction", "target", "baseline_year", "baseline", "note")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _decimal(text: str) -> str:
    """Accept a decimal comma as people write it in French ("0,2")."""
    text = text.strip()
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text


def _fields(key: str, shown: dict[str, Any], scopes: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The target's widgets, each with an empty slot under it for its problems."""
    values: dict[str, Any] = {}
    slots: dict[str, Any] = {}
    left, right = st.columns(2)
    values["year"] = left.text_input(_("Year"), _text(shown.get("year")), key=f"{key}_year", help=_("YYYY"))
    slots["year"] = left.empty()
    values["measure"] = right.selectbox(
        _("Measure"),
        TARGET_MEASURES,
        index=TARGET_MEASURES.index(shown.get("measure") or "kp_share_by_effort"),
        format_func=labeller("measure"),
        key=f"{key}_measure",
    )
    slots["measure"] = right.empty()
    scope = shown.get("scope") or "all"
    options = scopes if scope in scopes else [*scopes, scope]
    values["scope"] = left.selectbox(
        _("Scope"),
        options,
        index=options.index(scope),
        format_func=scope_label,
        key=f"{key}_scope",
        help=_("A KP share takes all activities or a theme, not a forum category."),
    )
    slots["scope"] = left.empty()
    values["direction"] = right.radio(
        _("Direction"),
        TARGET_DIRECTIONS,
        index=TARGET_DIRECTIONS.index(shown.get("direction") or "at_most"),
        format_func=labeller("direction"),
        horizontal=True,
        key=f"{key}_direction",
    )
    slots["direction"] = right.empty()
    values["target"] = left.text_input(
        _("Target"),
        _text(shown.get("target")),
        key=f"{key}_target",
        help=_("A KP share is a fraction from 0 to 1: write 0.2 for 20 %."),
    )
    slots["target"] = left.empty()
    values["baseline_year"] = right.text_input(
        _("Baseline year"), _text(shown.get("baseline_year")), key=f"{key}_baseline_year"
    )
    slots["baseline_year"] = right.empty()
    values["baseline"] = left.text_input(
        _("Baseline"),
        _text(shown.get("baseline")),
        key=f"{key}_baseline",
        help=_("The value the target was set against, in the target's unit."),
    )
    slots["baseline"] = left.empty()
    values["note"] = st.text_area(_("Note"), shown.get("note") or "", key=f"{key}_note")
    slots["note"] = st.empty()
    return values, slots


def _checked(values: dict[str, Any], slots: dict[str, Any]) -> targets.TargetInput | None:
    """The target, or None with each problem shown under its field."""
    data = {**values, "target": _decimal(values["target"]), "baseline": _decimal(values["baseline"])}
    missing = [(c, _("Required.")) for c in ("year", "target") if not str(data[c]).strip()]
    try:
        record = targets.TargetInput(**data)
    except ValidationError as error:
        problems = missing + [p for p in describe_errors(error) if p[0] not in dict(missing)]
    else:
        problems = db.read(targets.record_problems, record)
        if not problems:
            return record
    by_field: dict[str, list[str]] = {}
    for column, message in problems:
        by_field.setdefault(column if column in slots else "note", []).append(message)
    for column, messages in by_field.items():
        slots[column].error("\n\n".join(messages))
    st.error(_("Please correct the fields marked above: nothing was saved."))
    return None


NOTICE_KEY = "target_notice"


def _done(message: str) -> None:
    """After a write: run the page again so every form shows the stored versions, and say so."""
    st.session_state[NOTICE_KEY] = message
    st.rerun()


def add_form(scopes: list[str]) -> None:
    """A new target; refused when its year, measure and scope already have one."""
    with st.form("target_add"):
        values, slots = _fields("target_add", {"year": dt.date.today().year}, scopes)
        submitted = st.form_submit_button(_("Add this target"), type="primary")
    if submitted:
        record = _checked(values, slots)
        if record is not None:
            ok, _saved = db.write(targets.save_target, record, auth.actor(), expected_version=targets.NEW)
            if ok:
                _done(_("Target saved."))


def _describe(stored: dict[str, Any]) -> str:
    return " · ".join(
        (
            str(stored["year"]),
            label("measure", stored["measure"]),
            scope_label(stored["scope"]),
            target_text(stored["measure"], stored["direction"], stored["target"]),
        )
    )


def edit_form(scopes: list[str]) -> None:
    """Change or delete one target, as it was when the person opened it: a change saved by
    someone else meanwhile is refused in one sentence (``targets.save_target``)."""
    stored = {t["id"]: t for t in db.read(targets.stored_targets)}
    if not stored:
        st.caption(_("No targets yet."))
        return
    chosen = st.selectbox(
        _("Target to change"), list(stored), format_func=lambda i: _describe(stored[i]), key="target_choice"
    )
    # The version shown is kept until it is saved or deleted, so a save names what was seen.
    shown = st.session_state.setdefault(f"target_shown_{chosen}", stored[chosen])
    if shown["version"] != stored[chosen]["version"]:
        st.warning(
            _(
                "Someone else saved this target after you opened it: "
                "show the latest version before changing it."
            )
        )
        if st.button(_("Show the latest version"), key=f"target_latest_{chosen}"):
            st.session_state.pop(f"target_shown_{chosen}", None)
            st.rerun()
    key = f"target_edit_{chosen}_{shown['version']}"
    with st.form(key):
        values, slots = _fields(key, shown, scopes)
        confirm = st.checkbox(_("Delete this target"), key=f"{key}_confirm")
        left, right = st.columns(2)
        save = left.form_submit_button(_("Save changes"), type="primary")
        delete = right.form_submit_button(_("Delete"))
    if delete:
        if not confirm:
            st.error(_("Tick “Delete this target” first, then press Delete."))
            return
        ok, _deleted = db.write(targets.delete_target, chosen, shown["version"], auth.actor())
        if ok:
            st.session_state.pop(f"target_shown_{chosen}", None)
            _done(_("Target deleted."))
    elif save:
        record = _checked(values, slots)
        if record is None:
            return
        ok, _saved = db.write(
            targets.save_target, record, auth.actor(), target_pk=chosen, expected_version=shown["version"]
        )
        if ok:
            st.session_state.pop(f"target_shown_{chosen}", None)
            _done(_("Target saved."))


def import_form() -> None:
    """A target file: checked and previewed (nothing written), then imported all or nothing."""
    st.caption(
        _(
            "Columns: year, measure, scope, direction, target, baseline_year, baseline, note "
            "(as for tracker import-targets). A row with the same year, measure and scope as a "
            "stored target updates it."
        )
    )
    import_flow(
        ImportScreen(
            TargetImport,
            "target_import",
            lambda n: ngettext("Import {n} target", "Import {n} targets", n).format(n=n),
        )
    )


def editor() -> None:
    """The three ways staff and admins write targets, each folded away until needed."""
    if notice := st.session_state.pop(NOTICE_KEY, None):
        st.success(notice)
    scopes = db.read(targets.scope_choices)
    with st.expander(_("Add a target")):
        add_form(scopes)
    with st.expander(_("Change or delete a target")):
        edit_form(scopes)
    with st.expander(_("Import targets from a file")):
        import_form()
