"""Reference lists (staff): forums, events, themes and organisations; merge duplicates."""

import datetime as dt
from collections.abc import Callable

import streamlit as st
from sqlalchemy.orm import Session

from tracker.access.permissions import ADMIN
from tracker.i18n import _, ngettext
from tracker.records import grants, reference_lists
from tracker.text.periods import parse_partial_date
from tracker.text.plain_text import markdown_literal
from tracker.vocabulary import FORUM_CATEGORIES, labeller
from tracker.web import auth, db, reads, render

SOURCE_LABEL = _("Source (a link to where the date comes from)")

role = auth.require("reference_lists")
st.title(_("Reference lists"))
done = st.session_state.pop("lists_done", None)
if done:
    st.success(done)
tables = db.read(reference_lists.reference_tables)


def saved(message: str, form_keys: str | None = None) -> None:
    """Say ``message`` on the next run, with the saved add form emptied (its widgets' keys
    start with ``form_keys``). A refused form keeps what was typed: the add forms here do
    not clear on submit."""
    if form_keys:
        for key in [k for k in st.session_state if str(k).startswith(form_keys)]:
            del st.session_state[key]
    st.session_state["lists_done"] = message
    st.rerun()


def merge_form(key: str, names: list[str], merge: Callable[[Session, str, str, str], int], what: str) -> None:
    with st.form(f"lists_merge_{key}"):
        st.write(
            _("Merge two spellings of one {what}: every activity moves to the one kept.").format(what=what)
        )
        cols = st.columns(2)
        duplicate = cols[0].selectbox(
            _("Duplicate (removed)"),
            names,
            index=None,
            key=f"lists_dup_{key}",
            placeholder=_("Choose a name"),
        )
        keep = cols[1].selectbox(
            _("Keep"), names, index=None, key=f"lists_keep_{key}", placeholder=_("Choose a name")
        )
        if st.form_submit_button(_("Merge")) and duplicate and keep:
            ok, moved = db.write(merge, duplicate, keep, auth.actor())
            if ok:
                saved(
                    ngettext(
                        "Merged “{a}” into “{b}”: {n} activity moved.",
                        "Merged “{a}” into “{b}”: {n} activities moved.",
                        moved,
                    ).format(a=markdown_literal(duplicate), b=markdown_literal(keep), n=moved)
                )


forums_tab, events_tab, themes_tab, organisations_tab, grants_tab = st.tabs(
    [_("Forums"), _("Events"), _("Themes"), _("Organisations"), _("Grants")]
)

with forums_tab:
    render.data_table(tables["forums"], vocabulary={"category": "forum_category"})
    with st.form("lists_add_forum"):
        cols = st.columns(3)
        name = cols[0].text_input(_("New forum"), key="lists_forum_name")
        category = cols[1].selectbox(
            _("Category"),
            FORUM_CATEGORIES,
            format_func=labeller("forum_category"),
            key="lists_forum_category",
        )
        parent = cols[2].selectbox(
            _("Part of (optional)"),
            list(tables["forums"].forum),
            index=None,
            key="lists_forum_parent",
            placeholder=_("None: a forum of its own"),
        )
        if st.form_submit_button(_("Add the forum")):
            ok, _forum = db.write(reference_lists.add_forum, name, category, parent)
            if ok:
                saved(_("Forum added."), "lists_forum_")
    merge_form("forums", list(tables["forums"].forum), reference_lists.merge_forums, _("forum"))

with events_tab:
    render.data_table(
        tables["events"],
        {
            "source": st.column_config.LinkColumn(_("Source")),
            "verified": st.column_config.CheckboxColumn(_("Verified")),
        },
        vocabulary={"status": "event_status"},
    )
    with st.form("lists_add_event"):
        cols = st.columns(3)
        forum = cols[0].selectbox(
            _("Forum"),
            list(tables["forums"].forum),
            index=None,
            key="lists_event_forum",
            placeholder=_("Choose a forum"),
        )
        name = cols[1].text_input(_("Event name"), key="lists_event_name")
        place = cols[2].text_input(_("Place"), key="lists_event_place")
        start = cols[0].date_input(_("First day"), value=dt.date.today(), key="lists_event_start")
        end = cols[1].date_input(_("Last day"), value=None, key="lists_event_end")
        source = cols[2].text_input(SOURCE_LABEL, key="lists_event_source")
        expected = st.checkbox(_("Dates only expected (not yet announced)"), key="lists_event_expected")
        verified = st.checkbox(_("Date verified against its source"), value=True, key="lists_event_verified")
        if st.form_submit_button(_("Add the event")) and forum:
            ok, _event = db.write(
                reference_lists.save_event,
                auth.actor(),
                forum,
                name,
                start,
                end,
                place,
                source,
                status="expected" if expected else "confirmed",
                verified=verified,
            )
            if ok:
                saved(_("Event added."), "lists_event_")
    if role == ADMIN:
        st.markdown("**" + _("Correct an event, or mark it verified") + "**")
        events = tables["events"]
        labels = {int(r.id): f"{r.start} · {r.forum} · {r.event}" for r in events.itertuples()}
        chosen = st.selectbox(
            _("Event"),
            list(labels),
            index=None,
            format_func=lambda i: labels[i],
            key="lists_fix_event",
            placeholder=_("Choose an event"),
        )
        if chosen is not None:
            row = events[events.id == chosen].iloc[0]
            first, precision = parse_partial_date(row.start)
            with st.form(f"lists_fix_event_{chosen}"):
                cols = st.columns(3)
                fix_forum = cols[0].selectbox(
                    _("Forum"),
                    list(tables["forums"].forum),
                    index=list(tables["forums"].forum).index(row.forum),
                )
                fix_name = cols[1].text_input(_("Event name"), value=row.event)
                fix_place = cols[2].text_input(_("Place"), value=row.place)
                fix_start = cols[0].date_input(_("First day"), value=first)
                fix_end = cols[1].date_input(
                    _("Last day"), value=dt.date.fromisoformat(row.end) if row.end else None
                )
                fix_source = cols[2].text_input(SOURCE_LABEL, value=row.source)
                fix_note = st.text_input(_("Note"), value=row.note)
                fix_expected = st.checkbox(
                    _("Dates only expected (not yet announced)"), value=row.status == "expected"
                )
                fix_verified = st.checkbox(_("Date verified against its source"), value=bool(row.verified))
                if precision != "day":
                    st.caption(
                        _(
                            "Only the month or year of this event is known: "
                            "change the first day to set its day."
                        )
                    )
                if st.form_submit_button(_("Save the event")):
                    ok, _event = db.write(
                        reference_lists.save_event,
                        auth.actor(),
                        fix_forum,
                        fix_name,
                        fix_start,
                        fix_end,
                        fix_place,
                        fix_source,
                        status="expected" if fix_expected else "confirmed",
                        verified=fix_verified,
                        note=fix_note,
                        event_id=chosen,
                        date_precision=precision if fix_start == first else "day",
                    )
                    if ok:
                        saved(_("Event saved."))
            if not row.verified and st.button(_("Mark this event verified"), key="lists_verify_event"):
                ok, _event = db.write(reference_lists.set_event_verified, chosen, auth.actor())
                if ok:
                    saved(_("Event marked verified."))

with themes_tab:
    render.data_table(tables["themes"])
    with st.form("lists_add_theme"):
        name = st.text_input(_("New theme"), key="lists_theme_name")
        description = st.text_input(_("Description"), key="lists_theme_description")
        if st.form_submit_button(_("Add the theme")):
            ok, _theme = db.write(reference_lists.add_theme, name, description)
            if ok:
                saved(_("Theme added."), "lists_theme_")
    merge_form("themes", list(tables["themes"].theme), reference_lists.merge_themes, _("theme"))

with organisations_tab:
    render.data_table(tables["organisations"])
    with st.form("lists_add_organisation"):
        left, right = st.columns(2)
        name = left.text_input(_("New organisation"), key="lists_org_name")
        country = right.text_input(_("Country (ISO code or English name)"), key="lists_org_country")
        if st.form_submit_button(_("Add the organisation")):
            ok, _organisation = db.write(reference_lists.add_organisation, name, country or None)
            if ok:
                saved(_("Organisation added."), "lists_org_")
    merge_form(
        "organisations",
        list(tables["organisations"].organisation),
        reference_lists.merge_organisations,
        _("organisation"),
    )

with grants_tab:
    grant_table = reads.grant_list()
    render.data_table(grant_table)
    st.caption(
        _(
            "Add a grant, or change one by giving its grant id again. Tag activities with grants "
            "on the Add activity and Edit activity pages; link a funder's account to its grants "
            "on the Users page."
        )
    )
    with st.form("lists_add_grant"):
        cols = st.columns(3)
        grant_id = cols[0].text_input(_("Grant id"), key="lists_grant_id")
        funder = cols[1].text_input(_("Funder"), key="lists_grant_funder")
        title = cols[2].text_input(_("Grant title"), key="lists_grant_title")
        grant_start = cols[0].date_input(_("First day of the grant"), value=None, key="lists_grant_start")
        grant_end = cols[1].date_input(_("Last day of the grant"), value=None, key="lists_grant_end")
        amount = cols[2].number_input(
            _("Amount (optional)"), min_value=0.0, value=None, key="lists_grant_amount"
        )
        currency = cols[2].text_input(_("Currency (ISO 4217, e.g. USD)"), key="lists_grant_currency")
        if st.form_submit_button(_("Save the grant")):
            values = {
                "grant_id": grant_id,
                "funder": funder,
                "title": title,
                "start_date": grant_start.isoformat() if grant_start else "",
                "end_date": grant_end.isoformat() if grant_end else "",
                "amount": amount,
                "currency": currency,
            }
            ok, _grant = db.write(grants.save_grant_values, values, auth.actor())
            if ok:
                saved(_("Grant saved."), "lists_grant_")
