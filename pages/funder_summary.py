"""Funder summary: a period's or a grant's figures, the shift chart, themes, public outcomes
and the strategy targets, to download."""

import datetime as dt

import streamlit as st

from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.publish import reports
from tracker.records import grants
from tracker.results import views
from tracker.text import formatting
from tracker.text.plain_text import markdown_literal
from tracker.web import auth, reads, render

role = auth.require("funder_summary")
account = auth.current_account()
username = account.username if account is not None else None
st.title(_("Funder summary"))

# Which grants this account may choose: the one rule, grants.grants_visible_to. Every
# choice (the widget, ?grant= in the URL, session state) is checked by grants.pick_grant.
choices = reads.visible_grants(username, role)
COALITION = ""  # the option for the coalition-wide period view
if "summary_grant" not in st.session_state:
    st.session_state["summary_grant"] = st.query_params.get("grant") or (
        grants.default_grant(choices, role) or COALITION
    )
if st.session_state["summary_grant"]:
    try:  # kept in the list's own spelling (a URL may write it in another case)
        picked = grants.pick_grant(choices, st.session_state["summary_grant"])
        st.session_state["summary_grant"] = picked.grant_id
    except ValidationFailed as refused:
        st.warning(markdown_literal(str(refused)))
        st.session_state["summary_grant"] = COALITION
if choices:
    st.selectbox(
        _("Summary of"),
        [COALITION, *(c.grant_id for c in choices)],
        format_func=lambda g: (
            grants.choice_label(choices, g) if g else _("The whole coalition, for a period")
        ),
        key="summary_grant",
    )
chosen_id = st.session_state["summary_grant"]
chosen_grant = grants.pick_grant(choices, chosen_id) if chosen_id else None
if chosen_grant is not None:
    st.query_params["grant"] = chosen_grant.grant_id
elif "grant" in st.query_params:
    del st.query_params["grant"]

today = dt.date.today()
if chosen_grant is not None:
    # A grant's summary: its own period and the activities tagged with it.
    date_from, date_to = chosen_grant.start_date, chosen_grant.end_date
    st.caption(
        _("Grant {id}: {title} ({funder}), {first} to {last}; activities tagged with this grant.").format(
            id=markdown_literal(chosen_grant.grant_id),
            title=markdown_literal(chosen_grant.title),
            funder=markdown_literal(chosen_grant.funder),
            first=formatting.date(date_from),
            last=formatting.date(date_to),
        )
    )
    report = reads.funder_report(date_from, date_to, chosen_grant.grant_id)
else:
    # Dates are picked (a calendar, or typed in the reader's order), or set by a quick choice.
    # The pickers are a form: nothing else on the page (figures, downloads, file names)
    # changes until the period is applied, so every download is of the period shown on screen.
    options = reads.filter_options(role)
    quick = views.summary_period_choices(
        today,
        [(c.grant_id, c.start_date, c.end_date) for c in choices],
        options.first_date,
        options.last_date,
    )
    by_key = {choice.key: choice for choice in quick}
    st.session_state.setdefault("summary_applied", views.last_twelve_months(today))
    st.session_state.setdefault("summary_from", st.session_state["summary_applied"][0])
    st.session_state.setdefault("summary_to", st.session_state["summary_applied"][1])

    # Both ways of choosing apply in a callback, before the page runs, so the quick choice
    # below already names the period this run shows.
    def apply_quick_choice() -> None:
        picked = by_key.get(st.session_state.get("summary_quick") or "")
        if picked is not None:
            applied = (picked.date_from, picked.date_to)
            st.session_state["summary_applied"] = applied
            st.session_state["summary_from"], st.session_state["summary_to"] = applied

    def apply_picked_dates() -> None:
        first, last = st.session_state.get("summary_from"), st.session_state.get("summary_to")
        if first is None or last is None:
            st.session_state["summary_refused"] = _(
                "Pick both days of the period, then press “Show this period”."
            )
        elif first > last:
            st.session_state["summary_refused"] = _(
                "The first day of the period is after the last: swap them, then show this period."
            )
        else:
            st.session_state["summary_applied"] = (first, last)

    date_from, date_to = st.session_state["summary_applied"]
    # The quick choice names the applied period when one matches it, and is empty otherwise.
    st.session_state["summary_quick"] = next(
        (c.key for c in quick if (c.date_from, c.date_to) == (date_from, date_to)), None
    )
    st.selectbox(
        _("Quick choice of period"),
        list(by_key),
        format_func=render.label_from({c.key: c.label for c in quick}),
        index=None,
        placeholder=_("Choose a period, or pick the dates below"),
        key="summary_quick",
        on_change=apply_quick_choice,
    )
    # The calendars reach five years around every activity, grant and the applied period.
    first_year = (options.first_date or today).year
    earliest = min([dt.date(first_year - 5, 1, 1), date_from] + [c.date_from for c in quick])
    latest = max([dt.date(today.year + 5, 12, 31), date_to] + [c.date_to for c in quick])
    with st.form("summary_period_form", border=False):
        left, right, button = st.columns([2, 2, 1], vertical_alignment="bottom")
        for column, label, key in ((left, _("From"), "summary_from"), (right, _("To"), "summary_to")):
            column.date_input(
                label, min_value=earliest, max_value=latest, format=render.date_input_format(), key=key
            )
        button.form_submit_button(_("Show this period"), on_click=apply_picked_dates)
    problem = st.session_state.pop("summary_refused", None)
    if problem:
        st.error(problem)
        st.stop()
    shown = {"first": render.format_date(date_from), "last": render.format_date(date_to)}
    st.caption(_("Showing {first} to {last}.").format(**shown))
    report = reads.funder_report(date_from, date_to)
view = report.view
if view.demo_data:
    st.info(_("Illustrative demo data, not the coalition's real records."))
if view.is_empty:
    render.empty_state(
        _("No activities tagged with this grant yet.")
        if chosen_grant is not None
        else _("No activities in this period. Choose a wider period.")
    )
    st.header(_("Strategy targets"))
    st.html(reports.targets_html(report))
    st.stop()

render.headline(view.totals, view.kp_share)
# The shift as a static SVG: shown before the Plotly bundle has loaded (or without it).
# Inline through st.markdown (st.html strips SVG); its text is escaped by the chart builder.
# The period shown here is the shaded band.
st.markdown(reports.shift_chart_svg(report), unsafe_allow_html=True)

# Every download of this page is named with the grant (if one is chosen) and the period it holds.
named = reports.file_stem(report)
downloads = st.columns(3)
for column, fmt, label in (
    (downloads[0], "html", _("Download the report (HTML, opens offline)")),
    (downloads[1], "pdf", _("Download the report (PDF)")),
    (downloads[2], "xlsx", _("Download the figures (XLSX)")),
):
    column.download_button(
        label,
        render.funder_report_file(report, fmt),
        file_name=reports.file_name(report, fmt),
        mime=reports.MEDIA_TYPES[fmt],
        key=f"summary_{fmt}",
    )

# Static SVG charts, as in the report: the funder's first screen never waits for the
# Plotly bundle (docs/performance.md). The numbers behind each are beside it.
st.header(_("KP share in this period"))
st.markdown(reports.period_share_chart_svg(view), unsafe_allow_html=True)
render.static_numbers(view.shares, "summary_kp_share", f"{named}-kp-share.csv")
st.header(_("Engagement per forum category"))
st.markdown(reports.category_chart_svg(view), unsafe_allow_html=True)
render.static_numbers(view.engagement, "summary_engagement", f"{named}-engagement.csv")
st.header(_("Engagement per theme"))
st.caption(_("An activity with several themes counts once under each of its themes, with its full effort."))
st.markdown(reports.themes_chart_svg(view), unsafe_allow_html=True)
render.static_numbers(view.theme_matrix, "summary_themes", f"{named}-themes.csv")
if report.countries is not None and not report.countries.is_empty:
    st.header(_("Where the coalition works"))
    render.static_map(report.countries, f"{named}-countries.csv")
st.header(_("Outcome records"))
st.html(reports.outcome_records_html(report))
st.header(_("Outcomes of public activities"))
if view.outcomes.empty:
    st.info(_("No public outcome recorded in this period."))
else:
    # A list, not a table: it reads on a phone without sideways scrolling.
    st.html(reports.outcomes_list_html(view))
st.header(_("Strategy targets"))
st.html(reports.targets_html(report))
