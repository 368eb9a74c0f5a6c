"""The funder summary as files to forward: one self-contained HTML page and an XLSX workbook.

The HTML carries Plotly's JavaScript inline and loads nothing from the network, so it
opens offline and prints cleanly. Every piece of user text is escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import io

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from plotly.offline import get_plotlyjs

from tracker import cells
from tracker.charts import MULTI_THEME_NOTE
from tracker.i18n import _
from tracker.views import FunderSummaryView

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2rem auto;
       max-width: 60rem; color: #222; line-height: 1.45; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; }
.muted { color: #666; font-size: .9rem; } .demo { background: #fff4d6; padding: .5rem .8rem; }
.figures { display: flex; flex-wrap: wrap; gap: 1.5rem; margin: 1rem 0; }
.figures div { min-width: 9rem; } .figures b { display: block; font-size: 1.5rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; margin: .5rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: .3rem .4rem; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; }
.chart { height: 380px; page-break-inside: avoid; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; }
               tr, .figures { page-break-inside: avoid; } }
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value))


def _share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _table(frame: pd.DataFrame, numeric: set[str]) -> str:
    head = "".join(f'<th class="{"n" if c in numeric else ""}">{_e(c)}</th>' for c in frame.columns)
    body = "".join(
        "<tr>"
        + "".join(f'<td class="{"n" if c in numeric else ""}">{_e(v)}</td>' for c, v in row.items())
        + "</tr>"
        for row in frame.to_dict("records")
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(figure) -> str:
    if figure is None:
        return ""
    return (
        '<div class="chart">'
        + figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            config={"displaylogo": False, "responsive": True},
            default_height="380px",
        )
        + "</div>"
    )


def share_table(view: FunderSummaryView) -> pd.DataFrame:
    return pd.DataFrame(
        {
            _("Period"): view.shares.period,
            _("Activities"): view.shares.activities,
            _("Staff-days"): view.shares.effort_days.round(2),
            _("KP share by activities"): [_share(v) for v in view.shares.by_count],
            _("KP share by staff-days"): [_share(v) for v in view.shares.by_effort],
        }
    )


def html_report(view: FunderSummaryView, generated_at: dt.datetime) -> str:
    t = view.totals
    demo = (
        f'<p class="demo">{_e(_("Illustrative demo data, not the coalition’s real records."))}</p>'
        if view.demo_data
        else ""
    )
    outcomes = (
        _table(view.outcomes.rename(columns=str.capitalize), set())
        if not view.outcomes.empty
        else f"<p>{_e(_('No public outcome recorded in this period.'))}</p>"
    )
    themes = view.themes.rename(
        columns={"theme": _("Theme"), "activities": _("Activities"), "effort_days": _("Staff-days")}
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{_e(_("Funder summary"))} {view.date_from} – {view.date_to}</title>
<style>{CSS}</style>
<script>{get_plotlyjs()}</script>
</head><body>
<h1>{_e(_("KP Civil Society Coalition: funder summary"))}</h1>
<p class="muted">{
        _e(
            _("Activities from {start} to {end}; generated {when} UTC.").format(
                start=view.date_from, end=view.date_to, when=generated_at.strftime("%Y-%m-%d %H:%M")
            )
        )
    }</p>
{demo}
<div class="figures">
<div>{_e(_("Activities"))}<b>{t.activities:,}</b></div>
<div>{_e(_("Staff-days"))}<b>{t.effort_days:,.1f}</b></div>
<div>{_e(_("Cost (US$)"))}<b>{t.cost_usd:,.0f}</b></div>
<div>{_e(_("KP share by activities"))}<b>{_share(view.kp_share.by_count)}</b></div>
<div>{_e(_("KP share by staff-days"))}<b>{_share(view.kp_share.by_effort)}</b></div>
</div>
<h2>{_e(_("The shift away from the Kimberley Process"))}</h2>
<p>{
        _e(
            _(
                "Since March 2020 the coalition has moved its effort from KP meetings to the UN, regional "
                "bodies, other international initiatives and national work. A period without activities has "
                "no share (a gap), not 0 %."
            )
        )
    }</p>
{_figure(view.share_figure)}
{_table(share_table(view), {_("Activities"), _("Staff-days")})}
{_figure(view.engagement_figure)}
<h2>{_e(_("Engagement per theme"))}</h2>
<p class="muted">{_e(_(MULTI_THEME_NOTE))}</p>
{_figure(view.themes_figure)}
{_table(themes, {_("Activities"), _("Staff-days")})}
<h2>{_e(_("Outcomes of public activities"))}</h2>
{outcomes}
</body></html>
"""


def xlsx_report(view: FunderSummaryView) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Summary")
    rows = [
        (_("Funder summary"), f"{view.date_from} – {view.date_to}"),
        (_("Activities"), view.totals.activities),
        (_("Staff-days"), round(view.totals.effort_days, 2)),
        (_("Cost (US$)"), round(view.totals.cost_usd, 2)),
        (
            _("KP share by activities"),
            None if view.kp_share.by_count is None else round(view.kp_share.by_count, 4),
        ),
        (
            _("KP share by staff-days"),
            None if view.kp_share.by_effort is None else round(view.kp_share.by_effort, 4),
        ),
    ]
    if view.demo_data:
        rows.append((_("Note"), _("Illustrative demo data, not the coalition’s real records.")))
    for row in rows:
        sheet.append(cells.row(row))
    sheet["A1"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 28
    _sheet(book, _("KP share"), share_table(view))
    _sheet(book, _("By category"), view.engagement.drop(columns="period_start"))
    _sheet(book, _("By theme"), view.theme_matrix)
    _sheet(book, _("Public outcomes"), view.outcomes)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet(book: Workbook, title: str, frame: pd.DataFrame) -> None:
    sheet = book.create_sheet(title)
    sheet.append(cells.row(str(c) for c in frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in frame.itertuples(index=False):
        sheet.append(cells.row(row))
