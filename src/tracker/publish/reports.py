"""The funder summary as files to forward: one self-contained HTML page, the same page as
PDF, and an XLSX workbook.

The HTML carries its charts as static SVG (no JavaScript, no Plotly bundle), loads
nothing from the network, reads on a phone and prints on A4 with margins and page
numbers. The PDF is that same HTML printed by WeasyPrint (a Python library: no browser
needed where the report is made). Every piece of user text is escaped. Only aggregates
and public records' text reach a funder report; the report speaks the reader's language
(``language``) and declares it in ``<html lang>``.
"""

from __future__ import annotations

import datetime as dt
import html
import io
from dataclasses import dataclass
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tracker.access.permissions import FUNDER
from tracker.db.models import Forum, Outcome, outcome_activities
from tracker.i18n import N_, _, column_labels, current_language, ngettext, use_language
from tracker.io import cells
from tracker.results import home, static_charts, target_status, world_map
from tracker.results.charts import CATEGORY_COLOURS, MULTI_THEME_NOTE
from tracker.results.filters import Filters, dated, live, public
from tracker.results.target_text import status_text, target_text, value_text
from tracker.results.views import FunderSummaryView, funder_summary
from tracker.text import formatting
from tracker.vocabulary import FORUM_CATEGORIES, SHARE_MEASURES, scope_label
from tracker.vocabulary import label as vocabulary_label

FORMATS = ("html", "pdf", "xlsx")
MEDIA_TYPES = {
    "html": "text/html",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
PERCENT_FORMAT = "0.0%"

CSS = """
html { -webkit-text-size-adjust: 100%; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
       margin: 1.5rem auto; max-width: 46rem; color: #222; line-height: 1.45; padding: 0 1rem;
       overflow-wrap: break-word; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 1.8rem; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
.muted { color: #555; font-size: .9rem; } .demo { background: #fff4d6; padding: .5rem .8rem; }
.lead { break-after: avoid; page-break-after: avoid; }
.figures { display: flex; flex-wrap: wrap; gap: .8rem 1.5rem; margin: 1rem 0; }
.figures div { min-width: 8.5rem; } .figures b { display: block; font-size: 1.4rem; }
.table-box { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .88rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .35rem; text-align: left; vertical-align: top;
         overflow-wrap: break-word; }
td.n, th.n, table.periods td:first-child { text-align: right; white-space: nowrap; }
table.periods td:first-child { text-align: left; }
thead { display: table-header-group; }
table, figure, .chart, .panel, .figures, tr, ul.outcomes li { break-inside: avoid; page-break-inside: avoid; }
.chart { margin: .8rem 0; }
.chart svg { width: 100%; height: auto; max-width: 640px; }
.panel { display: flex; flex-wrap: wrap; gap: .5rem 2rem; border: 1px solid #ddd; padding: .6rem .9rem; }
.panel div { min-width: 12rem; } .panel b { font-size: 1.2rem; }
ul.outcomes { padding-left: 1.1rem; } ul.outcomes li { margin-bottom: .6rem; }
@media (max-width: 30rem) { body { padding: 0 .6rem; margin: .8rem auto; } table { font-size: .8rem; }
                            th, td { padding: .25rem .2rem; } td.n, th.n { white-space: normal; }
                            .figures div, .panel div { min-width: 0; flex: 1 1 8rem; } }
@page { size: A4; margin: 15mm 15mm 18mm 15mm;
        @bottom-center { content: "PAGE_LABEL " counter(page) " / " counter(pages);
                         font-size: 9pt; color: #555; } }
@media print { body { margin: 0; max-width: none; padding: 0; font-size: 10pt; line-height: 1.35; }
               h1 { font-size: 17pt; } h2 { font-size: 13pt; margin-top: 1.2rem; }
               .figures { margin: .6rem 0; gap: .4rem 1.2rem; } .figures b { font-size: 14pt; }
               .table-box { overflow: visible; }
               .panel { padding: .4rem .8rem; } .panel div { min-width: 0; flex: 1 1 16rem; }
               /* Sized so the shift chart stays on page 1 in both languages (drawn 350 units wide,
                  so its 11-unit text prints at about 8.5 pt). */
               .chart svg { max-width: 95mm !important; } .chart.small svg { max-width: 110mm !important; } }
"""


@dataclass(frozen=True)
class FunderReport:
    """Everything a funder report shows: the period's summary and the whole record's shift."""

    view: FunderSummaryView
    shift: home.HomeSummary
    grant: tuple[str, str, str] | None = None  # id, title, funder: a grant's report
    # The targets of the years the period (or grant) covers, with actual and status:
    # ``target_status.target_statuses``, the same numbers as the Strategy page and summary JSON.
    targets: tuple[target_status.TargetStatus, ...] = ()
    # Outcome records (Outcome Harvesting) of the period, or linked to the grant's activities:
    # counts of every live outcome (an aggregate, as ``outcomes`` in the summary JSON) and
    # the list of the public ones only.
    outcome_counts: dict[str, Any] | None = None
    outcome_records: pd.DataFrame | None = None
    # Staff-days per country as a funder may read them (a country only restricted records
    # carry is never named: ``world_map``), for the small map and its table.
    countries: world_map.CountryMap | None = None


def _countries(session: Session, filters: Filters) -> world_map.CountryMap:
    """The report is the funder's document: its map follows the funder's rules for every reader."""
    return world_map.country_map(session, filters, FUNDER, "effort_days")


def build(
    session: Session, date_from: dt.date, date_to: dt.date, grant_id: str | None = None
) -> FunderReport:
    """The report of a period, or of a grant: its period and the activities tagged with it."""
    if grant_id is None:
        view = funder_summary(session, date_from, date_to)
        statuses = tuple(target_status.target_statuses(session, date_from, date_to))
        return FunderReport(
            view=view,
            shift=home.home_summary(session),
            targets=statuses,
            outcome_counts=target_status.outcome_counts(session, date_from, date_to),
            outcome_records=public_outcome_records(session, date_from, date_to),
            countries=_countries(session, Filters(date_from=date_from, date_to=date_to)),
        )
    from tracker.records import grants

    grant = grants.get_grant(session, grant_id)
    first, last = grant.start_date, grant.end_date
    view = funder_summary(session, first, last, grants=(grant.grant_id,))
    activity_ids = grants.grant_activity_ids(session, grant)
    return FunderReport(
        view=view,
        shift=home.home_summary(session),
        grant=(grant.grant_id, grant.title, grant.funder),
        targets=tuple(target_status.target_statuses(session, first, last)),
        outcome_counts=target_status.outcome_counts(session, first, last, activity_ids),
        outcome_records=public_outcome_records(session, first, last, activity_ids),
        countries=_countries(session, Filters(date_from=first, date_to=last, grants=(grant.grant_id,))),
    )


OUTCOME_RECORD_COLUMNS = [
    "date",
    "change_type",
    "forum",
    "category",
    "social_actor",
    "statement",
    "substantiation",
]


def public_outcome_records(
    session: Session, date_from: dt.date, date_to: dt.date, activity_ids: list[int] | None = None
) -> pd.DataFrame:
    """Live PUBLIC outcome records dated in the range, newest first (at most 100); with
    ``activity_ids`` (a grant's), only those linked to at least one of them."""
    query = (
        select(
            Outcome.outcome_date,
            Outcome.change_type,
            Forum.name,
            Forum.category,
            Outcome.social_actor,
            Outcome.statement,
            Outcome.substantiation,
        )
        .outerjoin(Forum, Outcome.forum_id == Forum.id)
        .where(
            live(Outcome),
            public(Outcome),
            *dated(Outcome.outcome_date, date_from, date_to),
        )
        .order_by(Outcome.outcome_date.desc(), Outcome.outcome_id)
        .limit(100)
    )
    if activity_ids is not None:
        query = query.where(
            exists().where(
                outcome_activities.c.outcome_id == Outcome.id,
                outcome_activities.c.activity_id.in_(activity_ids or [-1]),
            )
        )
    rows = [tuple(row) for row in session.execute(query)]
    frame = pd.DataFrame(rows, columns=OUTCOME_RECORD_COLUMNS)
    return frame.fillna({"forum": "", "category": ""})


def outcome_records_html(report: FunderReport) -> str:
    """How many outcome records the period (or grant) has, and the public ones as a list."""
    counts = report.outcome_counts or {"count": 0, "substantiated": 0}
    records = report.outcome_records if report.outcome_records is not None else pd.DataFrame()
    summary = ngettext(
        "{n} outcome recorded ({s} substantiated); the public ones are listed.",
        "{n} outcomes recorded ({s} substantiated); the public ones are listed.",
        counts["count"],
    ).format(n=formatting.number(counts["count"]), s=formatting.number(counts["substantiated"]))
    if records.empty:
        return f"<p>{_e(summary)}</p><p>{_e(_('No public outcome record in this period.'))}</p>"
    items = "".join(
        f"<li><b>{_e(formatting.date(row.date))}</b> · {_e(vocabulary_label('change_type', row.change_type))}"
        + (
            f" · {_e(row.forum)} ({_e(vocabulary_label('forum_category', row.category))})"
            if row.forum
            else ""
        )
        + f"<br><i>{_e(row.social_actor)}</i><br>{_e(row.statement)}</li>"
        for row in records.itertuples()
    )
    return f'<p>{_e(summary)}</p><ul class="outcomes">{items}</ul>'


def file_stem(report: FunderReport) -> str:
    """``funder-summary-[GRANT-]FROM-TO``: every file of a report names its grant and period."""
    grant = f"{_safe_name(report.grant[0])}-" if report.grant is not None else ""
    return f"funder-summary-{grant}{report.view.date_from}-{report.view.date_to}"


def file_name(report: FunderReport, fmt: str) -> str:
    return f"{file_stem(report)}.{fmt}"


def _safe_name(text: str) -> str:
    """A grant id as a file-name part: letters, digits, dot, dash and underscore only."""
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)


# ---- targets with their status ------------------------------------------------------------


def targets_table(report: FunderReport) -> pd.DataFrame:
    """The report's targets as text in the reader's language (page, HTML and PDF)."""
    return pd.DataFrame(
        {
            _("Year"): [str(s.year) for s in report.targets],
            _("Measure"): [vocabulary_label("measure", s.measure) for s in report.targets],
            _("Scope"): [scope_label(s.scope) for s in report.targets],
            _("Target"): [target_text(s.measure, s.direction, s.target) for s in report.targets],
            _("Actual"): [value_text(s.measure, s.actual) for s in report.targets],
            _("Status"): [status_text(s.met) for s in report.targets],
        },
        columns=[_("Year"), _("Measure"), _("Scope"), _("Target"), _("Actual"), _("Status")],
    )


TARGETS_NOTE = N_(
    "The coalition's targets for the years this period covers. Each actual counts all the "
    "coalition's records of the target's whole calendar year, as on the Strategy page; "
    "“not yet” means the year has no records so far."
)


def targets_html(report: FunderReport) -> str:
    """The targets section's body: a note and the table, or one sentence when there are none."""
    if not report.targets:
        return f"<p>{_e(_('No strategy target for the years of this period.'))}</p>"
    return f'<p class="muted lead">{_e(_(TARGETS_NOTE))}</p>{_table(targets_table(report), set())}'


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _table(frame: pd.DataFrame, numeric: set[str], css_class: str = "") -> str:
    head = "".join(f'<th class="{"n" if c in numeric else ""}">{_e(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if c in numeric else ""}">{_e(v)}</td>' for c, v in row.items())
        + "</tr>"
        for row in frame.to_dict("records")
    )
    # In its own box: a table wider than a phone scrolls inside it, never the page.
    attribute = f' class="{css_class}"' if css_class else ""
    table = f"<table{attribute}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    # Focusable and named: a box that scrolls must be reachable from the keyboard (WCAG 2.1.1).
    name = _e(_("Table (scrolls sideways on a narrow screen)"))
    return f'<div class="table-box" tabindex="0" role="region" aria-label="{name}">{table}</div>'


def table_html(frame: pd.DataFrame) -> str:
    """A frame as a small scrollable HTML table, every cell escaped (for the app's pages);
    numbers in the reader's language, fractions with two decimals."""
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    shown = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_bool_dtype(frame[column]):
            shown[column] = [_cell(value) for value in frame[column]]
    # Headings in the reader's language, as st.dataframe's column_config showed them.
    labels = column_labels(frame.columns)
    shown = shown.rename(columns=labels)
    numeric = {labels.get(c, c) for c in numeric}
    return f'<div style="overflow-x:auto;max-width:100%">{_table(shown, numeric)}</div>'


def _cell(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    if pd.isna(value):
        return ""
    return formatting.number(value, 0 if isinstance(value, int) else 2)


def share_table(view: FunderSummaryView) -> pd.DataFrame:
    """The period's shares as text in the reader's language (for HTML and PDF)."""
    return pd.DataFrame(
        {
            _("Period"): view.shares.period,
            _("Activities"): [formatting.number(v) for v in view.shares.activities],
            _("Staff-days"): [formatting.number(v, 1) for v in view.shares.effort_days],
            _("KP share by activities"): [formatting.share(v) for v in view.shares.by_count],
            _("KP share by staff-days"): [formatting.share(v) for v in view.shares.by_effort],
        }
    )


def _share_or_none(value: object) -> float | None:
    return None if value is None or pd.isna(value) else float(value)  # type: ignore[arg-type]


def period_share_chart_svg(view: FunderSummaryView) -> str:
    """The KP share of each quarter (or year) of the period, both ways, as a static SVG."""
    title = (
        _("KP share per quarter in this period")
        if view.period == "quarter"
        else _("KP share per year in this period")
    )
    rows = [
        (str(period), _share_or_none(count), _share_or_none(effort))
        for period, count, effort in zip(
            view.shares.period, view.shares.by_count, view.shares.by_effort, strict=True
        )
    ]
    return static_charts.period_share_chart_svg(title, rows, formatting.share)


def shift_chart_svg(report: FunderReport) -> str:
    """The whole record's shift, per year, with the report's period shaded."""
    view = report.view
    highlight = (view.date_from, view.date_to) if view.date_from and view.date_to else None
    return report.shift.shift_chart(formatting.share, highlight)


def category_totals(view: FunderSummaryView) -> pd.DataFrame:
    """Activities and staff-days per forum category over the whole period, in brief order."""
    summed = view.engagement.groupby("category")[["activities", "effort_days"]].sum()
    summed = summed.reindex(list(FORUM_CATEGORIES), fill_value=0)
    return summed.reset_index()


def category_chart_svg(view: FunderSummaryView) -> str:
    """Staff-days per forum category in the period, as a static SVG (no JavaScript)."""
    categories = category_totals(view)
    return static_charts.bar_chart_svg(
        _("Staff-days per forum category in this period"),
        [
            (vocabulary_label("forum_category", c), float(v))
            for c, v in zip(categories.category, categories.effort_days, strict=True)
        ],
        value_format=lambda v: formatting.number(v, 1),
        colours=[CATEGORY_COLOURS[c] for c in categories.category],
    )


def themes_chart_svg(view: FunderSummaryView) -> str:
    """Staff-days per theme in the period (an activity counts under each of its themes)."""
    return static_charts.bar_chart_svg(
        _("Staff-days per theme in this period"),
        [(_(t), float(v)) for t, v in zip(view.themes.theme, view.themes.effort_days, strict=True)],
        value_format=lambda v: formatting.number(v, 1),
    )


def _figures(view: FunderSummaryView) -> str:
    t = view.totals
    items = [
        (_("Activities"), formatting.number(t.activities)),
        (_("Staff-days"), formatting.number(t.effort_days, 1)),
        (_("Cost (US$)"), formatting.money(t.cost_usd)),
        (_("KP share by activities"), formatting.share(view.kp_share.by_count)),
        (_("KP share by staff-days"), formatting.share(view.kp_share.by_effort)),
    ]
    return '<div class="figures">' + "".join(f"<div>{_e(k)}<b>{_e(v)}</b></div>" for k, v in items) + "</div>"


def _shift_panel(report: FunderReport) -> str:
    shift = report.shift
    before, since = shift.kp_share_before_shift, shift.kp_share_since_shift
    first, last = shift.totals.first_date, shift.totals.last_date
    span = (
        _("All the coalition's records, {first} to {last}.").format(
            first=formatting.date(first), last=formatting.date(last)
        )
        if first and last
        else ""
    )
    cells = [
        (_("Before March 2020"), before),
        (_("Since March 2020"), since),
    ]
    panel = "".join(
        f"<div>{_e(label)}<br><b>{_e(formatting.share(share.by_count))}</b> "
        f"{_e(_('of activities'))} · <b>{_e(formatting.share(share.by_effort))}</b> "
        f"{_e(_('of staff-days'))}</div>"
        for label, share in cells
    )
    return f'<p class="muted">{_e(span)}</p><div class="panel">{panel}</div>'


def outcomes_list_html(view: FunderSummaryView) -> str:
    """Public outcomes as a list (a table would scroll sideways on a phone), every text escaped."""
    return _outcomes(view)


def _outcomes(view: FunderSummaryView) -> str:
    if view.outcomes.empty:
        return f"<p>{_e(_('No public outcome recorded in this period.'))}</p>"
    items = "".join(
        f"<li><b>{_e(formatting.date(row.date))}</b> · {_e(row.forum)} "
        f"({_e(vocabulary_label('forum_category', row.category))})<br>"
        f"<i>{_e(row.title)}</i><br>{_e(row.outcome)}</li>"
        for row in view.outcomes.itertuples()
    )
    return f'<ul class="outcomes">{items}</ul>'


def html_report(report: FunderReport, generated_at: dt.datetime, language: str | None = None) -> str:
    """The report as one self-contained HTML page in ``language`` (default: the app's)."""
    with use_language(language):
        return _html(report, generated_at)


def _html(report: FunderReport, generated_at: dt.datetime) -> str:
    view = report.view
    language = formatting.locale().language
    demo = (
        f'<p class="demo">{_e(_("Illustrative demo data, not the coalition’s real records."))}</p>'
        if view.demo_data
        else ""
    )
    shift_chart = shift_chart_svg(report)
    categories = category_totals(view)
    category_chart = category_chart_svg(view)
    category_table = pd.DataFrame(
        {
            _("Forum category"): [vocabulary_label("forum_category", c) for c in categories.category],
            _("Activities"): [formatting.number(v) for v in categories.activities],
            _("Staff-days"): [formatting.number(v, 1) for v in categories.effort_days],
        }
    )
    themes = view.themes
    themes_chart = themes_chart_svg(view)
    theme_table = pd.DataFrame(
        {
            _("Theme"): [_(t) for t in themes.theme],
            _("Activities"): [formatting.number(v) for v in themes.activities],
            _("Staff-days"): [formatting.number(v, 1) for v in themes.effort_days],
        }
    )
    numeric = {_("Activities"), _("Staff-days"), _("KP share by activities"), _("KP share by staff-days")}
    period = _("{start} to {end}").format(
        start=formatting.date(view.date_from), end=formatting.date(view.date_to)
    )
    css = CSS.replace("PAGE_LABEL", _("Page").replace('"', ""))
    grant_line = ""
    if report.grant is not None:
        grant_id, title, funder = report.grant
        label = _("Grant {id}: {title} ({funder})").format(id=grant_id, title=title, funder=funder)
        grant_line = f"<p><strong>{_e(label)}</strong></p>\n"
    return f"""<!DOCTYPE html>
<html lang="{_e(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(_("Funder summary: {period}").format(period=period))}</title>
<style>{css}</style>
</head><body>
<h1>{_e(_("KP Civil Society Coalition: funder summary"))}</h1>
<p class="muted">{
        _e(
            _("Activities from {start} to {end}; generated {when} UTC.").format(
                start=formatting.date(view.date_from),
                end=formatting.date(view.date_to),
                when=generated_at.strftime("%Y-%m-%d %H:%M"),
            )
        )
    }</p>
{grant_line}{demo}
{_figures(view)}
<h2>{_e(_("The shift away from the Kimberley Process"))}</h2>
<p class="lead">{
        _e(
            _(
                "Since March 2020 the coalition has moved its effort from KP meetings to the UN, regional "
                "bodies, other international initiatives and national work. A period without activities has "
                "no share (a gap), not 0 %."
            )
        )
    }</p>
{_shift_panel(report)}
<div class="chart">{shift_chart}</div>
<h2>{_e(_("KP share in this period"))}</h2>
<div class="chart small">{period_share_chart_svg(view)}</div>
{_table(share_table(view), numeric, "periods")}
<h2>{_e(_("Engagement per forum category"))}</h2>
<div class="chart small">{category_chart}</div>
{_table(category_table, numeric)}
<h2>{_e(_("Engagement per theme"))}</h2>
<p class="muted lead">{_e(_(MULTI_THEME_NOTE))}</p>
<div class="chart small">{themes_chart}</div>
{_table(theme_table, numeric)}
{countries_html(report)}
<h2>{_e(_("Outcome records"))}</h2>
{outcome_records_html(report)}
<h2>{_e(_("Outcomes of public activities"))}</h2>
{_outcomes(view)}
<h2>{_e(_("Strategy targets"))}</h2>
{targets_html(report)}
</body></html>
"""


def countries_html(report: FunderReport) -> str:
    """The small static map of staff-days per country and its table (empty when no
    activity of the period names a country)."""
    if report.countries is None or report.countries.is_empty:
        return ""
    table = report.countries.table
    shown = pd.DataFrame(
        {
            _("Country"): list(table.country),
            _("Activities"): [formatting.number(v) for v in table.activities],
            _("Staff-days"): [formatting.number(v, 1) for v in table.effort_days],
            _("KP share"): [formatting.share(v) for v in table.kp_share],
        }
    )
    numeric = {_("Activities"), _("Staff-days"), _("KP share")}
    return (
        f"<h2>{_e(_('Where the coalition works'))}</h2>\n"
        f'<div class="chart">{world_map.map_svg(report.countries)}</div>\n{_table(shown, numeric)}'
    )


PDF_VARIANT = "pdf/ua-1"  # WeasyPrint's PDF/UA: a tagged PDF (screen readers follow its structure)


def pdf_report(report: FunderReport, generated_at: dt.datetime, language: str | None = None) -> bytes:
    """The same document as the HTML report, printed on A4 by WeasyPrint as a tagged PDF
    (PDF/UA-1) whose language and title are the HTML's ``lang`` and ``<title>``."""
    from weasyprint import HTML

    return HTML(string=html_report(report, generated_at, language)).write_pdf(pdf_variant=PDF_VARIANT)


def _fraction(value: float | None) -> float | None:
    return None if value is None or pd.isna(value) else round(float(value), 4)


def xlsx_report(report: FunderReport, language: str | None = None) -> bytes:
    """Figures as numbers; every share is a fraction shown as a percentage (format 0.0%)."""
    with use_language(language):
        return _xlsx(report)


def _xlsx(report: FunderReport) -> bytes:
    view = report.view
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")
    before, since = report.shift.kp_share_before_shift, report.shift.kp_share_since_shift
    rows: list[tuple[str, object, bool]] = [
        (_("Funder summary"), f"{view.date_from} – {view.date_to}", False),
        (_("Activities"), view.totals.activities, False),
        (_("Staff-days"), round(view.totals.effort_days, 2), False),
        (_("Cost (US$)"), round(view.totals.cost_usd, 2), False),
        (_("KP share by activities"), _fraction(view.kp_share.by_count), True),
        (_("KP share by staff-days"), _fraction(view.kp_share.by_effort), True),
        (_("KP share by activities, before March 2020 (all records)"), _fraction(before.by_count), True),
        (_("KP share by activities, since March 2020 (all records)"), _fraction(since.by_count), True),
        (_("KP share by staff-days, before March 2020 (all records)"), _fraction(before.by_effort), True),
        (_("KP share by staff-days, since March 2020 (all records)"), _fraction(since.by_effort), True),
    ]
    if report.grant is not None:
        grant_id, title, funder = report.grant
        label = _("Grant {id}: {title} ({funder})").format(id=grant_id, title=title, funder=funder)
        rows.insert(1, (_("Grant"), label, False))
    if report.outcome_counts is not None:
        rows.append((_("Outcome records"), report.outcome_counts["count"], False))
        rows.append((_("Substantiated outcome records"), report.outcome_counts["substantiated"], False))
    if view.demo_data:
        rows.append((_("Note"), _("Illustrative demo data, not the coalition’s real records."), False))
    for label, value, is_share in rows:
        sheet.append(cells.row((label, value)))
        if is_share:
            sheet.cell(row=sheet.max_row, column=2).number_format = PERCENT_FORMAT
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 52
    sheet.column_dimensions["B"].width = 24
    shares = pd.DataFrame(
        {
            _("Period"): view.shares.period,
            _("Activities"): view.shares.activities,
            _("Staff-days"): view.shares.effort_days.round(2),
            _("KP share by activities"): [_fraction(v) for v in view.shares.by_count],
            _("KP share by staff-days"): [_fraction(v) for v in view.shares.by_effort],
        }
    )
    _sheet(book, _("KP share"), shares, percent_columns={3, 4})
    yearly = report.shift.yearly_shares
    _sheet(
        book,
        _("KP share per year"),
        pd.DataFrame(
            {
                _("Year"): yearly.period,
                _("Activities"): yearly.activities,
                _("Staff-days"): yearly.effort_days.round(2),
                _("KP share by activities"): [_fraction(v) for v in yearly.by_count],
                _("KP share by staff-days"): [_fraction(v) for v in yearly.by_effort],
            }
        ),
        percent_columns={3, 4},
    )
    _sheet(book, _("By category"), readable(view.engagement.drop(columns="period_start")))
    _sheet(book, _("By theme"), readable(view.theme_matrix))
    _sheet(book, _("Public outcomes"), readable(view.outcomes))
    if report.outcome_records is not None:
        _sheet(book, _("Public outcome records"), readable(report.outcome_records))
    _targets_sheet(book, report)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# Columns whose values are stored codes, shown by their label in the reader's language.
VOCABULARY_COLUMNS = {
    "category": "forum_category",
    "change_type": "change_type",
    "substantiation": "substantiation",
}


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for a person to read (the report's XLSX): headings and vocabulary values in the
    reader's language, themes by their translated name. Files meant for re-import (the
    activity and outcome exports, the chart CSVs) keep their stored column names and codes."""
    shown = frame.copy()
    for column, kind in VOCABULARY_COLUMNS.items():
        if column in shown:
            shown[column] = [vocabulary_label(kind, value) if value else "" for value in shown[column]]
    if "theme" in shown:
        shown["theme"] = [_(value) for value in shown["theme"]]
    return shown.rename(columns=column_labels(shown.columns))


def _sheet(
    book: Workbook, title: str, frame: pd.DataFrame, percent_columns: frozenset[int] | set[int] = frozenset()
) -> None:
    sheet = book.create_sheet(title)
    sheet.append(cells.row(str(c) for c in frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append(cells.row(row))
    for index in percent_columns:
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = PERCENT_FORMAT


def _targets_sheet(book: Workbook, report: FunderReport) -> None:
    """Targets as numbers: a share's target and actual are fractions shown as percentages."""
    sheet = book.create_sheet(_("Targets"))
    header = (_("Year"), _("Measure"), _("Scope"), _("Direction"), _("Target"), _("Actual"), _("Status"))
    sheet.append(cells.row(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for s in report.targets:
        measure, direction, status = (
            vocabulary_label("measure", s.measure),
            vocabulary_label("direction", s.direction),
            status_text(s.met),
        )
        values = (s.year, measure, scope_label(s.scope), direction, s.target, s.actual, status)
        sheet.append(cells.row(values))
        if s.measure in SHARE_MEASURES:
            for column in (5, 6):
                sheet.cell(row=sheet.max_row, column=column).number_format = PERCENT_FORMAT


def render(report: FunderReport, fmt: str, generated_at: dt.datetime, language: str | None = None) -> bytes:
    """The report file in ``fmt`` (html, pdf or xlsx), in ``language``."""
    language = language or current_language()
    if fmt == "html":
        return html_report(report, generated_at, language).encode("utf-8")
    if fmt == "pdf":
        return pdf_report(report, generated_at, language)
    if fmt == "xlsx":
        return xlsx_report(report, language)
    raise ValueError(fmt)
