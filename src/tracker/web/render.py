"""Render helpers shared by the pages: charts with their numbers, headline figures,
downloads, empty states and the page shown when the app cannot start."""

from __future__ import annotations

import datetime as dt
import functools
import gc
import html
import re
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any, TypeVar, cast

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from tracker.db.models import utcnow
from tracker.i18n import _, column_labels, current_language
from tracker.io import cells, exports
from tracker.publish import reports
from tracker.records import audit
from tracker.results import world_map
from tracker.results.analytics import KpShare, Totals
from tracker.results.filters import Filters
from tracker.text import formatting
from tracker.vocabulary import labeller
from tracker.web import db

# Where an element is written: ``st`` itself (the main area) or a column, container or placeholder.
Container = DeltaGenerator | ModuleType
_Option = TypeVar("_Option")


def label_from(labels: Mapping[_Option, str]) -> Callable[[_Option], str]:
    """A choice widget's ``format_func`` for options that are the keys of ``labels``
    (``labels.get`` itself: a stale value Streamlit still holds gets no label and is reset)."""
    return cast("Callable[[_Option], str]", labels.get)


# No mode bar: on a phone it covered every chart's title, and its PNG download and zoom
# buttons add nothing the "numbers behind this chart" (table and CSV) do not give.
PLOTLY_CONFIG = {"displaylogo": False, "displayModeBar": False}
DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html",
}


def chart(
    figure: go.Figure | Mapping[str, Any] | None,
    numbers: pd.DataFrame,
    key: str,
    file_name: str | None = None,
) -> None:
    """A chart with the numbers behind it, as a table and a CSV download (``key``.csv by default).
    ``figure`` is a Plotly figure or, from a cached read, its dict (``cache.for_screen``)."""
    if figure is not None:
        title, untitled = split_title(figure)
        if title:
            st.html(f'<p class="tracker-chart-title">{html.escape(title)}</p>')
        st.plotly_chart(untitled, config=PLOTLY_CONFIG, key=f"{key}_chart")
    static_numbers(numbers, key, file_name)


CHART_TOP_MARGIN = 36  # px above the plot once the title is out: room for subplot titles


def split_title(figure: go.Figure | Mapping[str, Any]) -> tuple[str, go.Figure]:
    """The figure's title as plain text, and the figure without it (``screen_figure``).

    Plotly draws a title on one line and cuts it on a phone; shown as text above the chart
    (``render.chart``) it wraps at any width, and a screen reader reads it. Plotly's
    own markup in the title (``<br>``, entities) is turned back into plain text."""
    spec = figure.to_dict() if isinstance(figure, go.Figure) else dict(figure)
    spec_layout = dict(spec.get("layout") or {})
    title = spec_layout.pop("title", None)
    text = title.get("text") if isinstance(title, Mapping) else title
    margin = dict(spec_layout.get("margin") or {})
    margin["t"] = min(int(margin.get("t", CHART_TOP_MARGIN)), CHART_TOP_MARGIN)
    spec_layout["margin"] = margin
    spec["layout"] = spec_layout
    plain = html.unescape(re.sub(r"<[^>]*>", " ", str(text or ""))) if text else ""
    # Only ASCII spaces collapse: the no-break spaces of French typography stay.
    return re.sub(r"[ \t\r\n]+", " ", plain).strip(), screen_figure(spec)


def screen_figure(figure: go.Figure | Mapping[str, Any]) -> go.Figure:
    """A figure for ``st.plotly_chart``. A dict comes from a figure validated when it was
    built, so it is not validated again: that is the cost the cached dict saves. (Given a
    dict, Streamlit would rebuild and validate a ``Figure`` itself.)"""
    if isinstance(figure, go.Figure):
        return figure
    return go.Figure(dict(figure), _validate=False)


def static_numbers(numbers: pd.DataFrame, key: str, file_name: str | None = None) -> None:
    """The numbers behind a chart, in a collapsed box: a light HTML table and a CSV download."""
    with st.expander(_("Numbers behind this chart")) as numbers_box:
        numbers_table(numbers, numbers_box)
        numbers_box.download_button(
            _("Download these numbers (CSV)"),
            # Deferred: the file is written when someone clicks, not on every rerun.
            functools.partial(cells.csv_bytes, numbers),
            file_name=file_name or f"{key}.csv",
            mime="text/csv",
            key=f"{key}_download",
        )


def numbers_table(numbers: pd.DataFrame, container: Container | None = None) -> None:
    """A table that is only read, as plain HTML (every cell and heading escaped, so a
    record's name shows literally), not ``st.dataframe``: its data-grid scripts (about
    0.2 MB) would load on every page that shows one (docs/performance.md). The HTML is
    cached per table and language: every number cell goes through Babel."""
    (container or st).html(table_html(numbers, current_language()))


@st.cache_data(show_spinner=False, max_entries=256)
def table_html(numbers: pd.DataFrame, language: str) -> str:
    """``reports.table_html`` of ``numbers`` in ``language`` (the cache key: the frame's
    content, hashed by Streamlit, and the language its numbers are written in)."""
    return reports.table_html(numbers)


def headline(totals: Totals, share: KpShare) -> None:
    """The five headline figures shared by the Overview and the Funder summary."""
    cols = st.columns(5)
    cols[0].metric(_("Activities"), format_count(totals.activities))
    cols[1].metric(_("Staff-days"), format_staff_days(totals.effort_days))
    money_metric(cols[2], totals.cost_usd)
    cols[3].metric(_("KP share by activities"), format_share(share.by_count))
    cols[4].metric(_("KP share by staff-days"), format_share(share.by_effort))


def money_metric(container: Container, cost_usd: float) -> None:
    """The cost as a headline figure: compact (``389K`` / ``389 k``, the currency is in the
    label) so it fits a fifth of a screen or a phone; the exact amount is in its help."""
    container.metric(
        _("Cost (US$)"),
        formatting.compact(cost_usd),
        help=_("Exactly {amount}.").format(amount=format_money(cost_usd)),
    )


COMPARED = ("activities", "effort_days", "by_count", "by_effort")


def comparison(
    latest: str,
    previous: str,
    figures: dict[str, tuple[float | None, float | None]],
    heading: str | None = None,
) -> None:
    """The latest period (to date) against the same span one period earlier, labelled with
    both spans: activities, staff-days and the KP share both ways (Overview and Home).
    ``figures`` maps each of ``COMPARED`` to (latest, previous)."""
    against = _("{latest} against {previous}").format(latest=latest, previous=previous)
    if heading is None:
        st.header(against)
    else:
        st.header(heading)
        st.caption(against)
    cols = st.columns(4)
    # Short labels: the period is in the heading or caption above, not in each label
    # (a label with the period was cut on every screen).
    for col, key, label, digits in (
        (cols[0], "activities", _("Activities"), 0),
        (cols[1], "effort_days", _("Staff-days"), 1),
    ):
        value, before = figures[key]
        col.metric(
            label,
            "–" if value is None else formatting.number(value, digits),
            delta=None if value is None or before is None else format_delta(value - before, digits),
        )
    for col, key, label in (
        (cols[2], "by_count", _("KP share by activities")),
        (cols[3], "by_effort", _("KP share by staff-days")),
    ):
        value, before = figures[key]
        # A falling KP share is the shift the coalition decided on, not a loss.
        col.metric(
            label,
            format_share(value),
            delta=None if value is None or before is None else format_points(value - before),
            delta_color="off",
        )


def empty_state(hint: str | None = None) -> None:
    st.info(
        hint
        or _(
            "No activities match these filters. Widen the date range or clear the "
            "theme and category filters in the sidebar."
        )
    )


# Numbers and dates on screen, in the reader's language (Babel, ``tracker.text.formatting``):
# French ``1 234,5`` (narrow no-break space), ``62 %``, ``51 234 $US``, ``1 mars 2026``.


def format_count(value: float) -> str:
    """A whole count: ``1,234`` in English, ``1 234`` in French."""
    return formatting.number(value)


def format_staff_days(value: float) -> str:
    """Staff-days with one decimal: ``1,234.5`` / ``1 234,5``."""
    return formatting.number(value, 1)


def format_money(value: float) -> str:
    """US$ in whole units: ``$51,234`` / ``51 234 $US``."""
    return formatting.money(value)


def format_share(value: float | None) -> str:
    """A whole percentage (``62%`` / ``62 %``); no share is a dash, never 0 %."""
    return formatting.share(value)


def format_date(value: dt.date | None) -> str:
    """A date written out: ``March 1, 2026`` / ``1 mars 2026``."""
    return formatting.date(value)


def _cell_date(value: object) -> object:
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return f"{formatting.short_date(value.date())} {value:%H:%M}"
    if isinstance(value, dt.date):
        return formatting.short_date(value)
    return value


def readable_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its dates written as the page writes them (``Apr 15, 2015`` / ``15 avr.
    2015``; a moment with its time, ``Apr 15, 2015 14:05``) instead of the grid's ISO. Only
    the cells change: a column of text or numbers is left as it is."""
    dated = [
        column
        for column in frame.columns
        if pd.api.types.is_datetime64_any_dtype(frame[column])
        or (frame[column].dtype == object and any(isinstance(v, dt.date) for v in frame[column].head(20)))
    ]
    if not dated:
        return frame
    return frame.assign(**{str(c): frame[c].map(_cell_date) for c in dated})


def data_table(
    frame: pd.DataFrame,
    column_config: Mapping[str, Any] | None = None,
    vocabulary: Mapping[str, str] | None = None,
) -> None:
    """A table of records (``st.dataframe``, sortable): headers in the reader's language
    (``i18n.column_labels``, then ``column_config``), no index, dates written the reader's way,
    and the stored codes of each ``vocabulary`` column (``{column: kind}``) by their labels."""
    shown = frame.assign(
        **{column: frame[column].map(labeller(kind)) for column, kind in (vocabulary or {}).items()}
    )
    st.dataframe(
        readable_dates(shown),
        hide_index=True,
        column_config={**column_labels(frame.columns), **(column_config or {})},
    )


def date_input_format() -> str:
    """How a date picker writes its date for the reader: day first in French (``31/01/2025``),
    ISO in English (``2025-01-31``): both unambiguous where they are read."""
    return "DD/MM/YYYY" if current_language() == "fr" else "YYYY-MM-DD"


def format_delta(value: float, digits: int = 0) -> str:
    """A signed change for ``st.metric(delta=...)``: ``+1,234.5`` / ``-3``. The minus stays
    an ASCII hyphen in every language, as Streamlit reads it to point the arrow down."""
    text = formatting.number(abs(value), digits)
    return ("-" if round(value, digits) < 0 else "+") + text


def format_points(value: float) -> str:
    """A change of share in percentage points: ``+5 points`` / ``-12 points``."""
    return _("{points} points").format(points=format_delta(value * 100))


def format_days(value: float) -> str:
    return _("{value} staff-days").format(value=format_staff_days(value))


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return str(value)


def changes_table(
    changes: dict[str, tuple[object, object]], label: Callable[[str], str] | None = None
) -> pd.DataFrame:
    """The concurrent-edit comparison: each field by its label (``label``: the record type's
    ``activity_fields.label`` or ``outcome_fields.label``), blanks for nothing."""
    return pd.DataFrame(
        [
            (label(field) if label else field, _shown(before), _shown(after))
            for field, (before, after) in changes.items()
        ],
        columns=[_("Field"), _("In the version you opened"), _("Now")],
    )


def activity_download(filters: Filters, role: str | None, fmt: str = "csv") -> Callable[[], bytes]:
    """Deferred: the file (rows this role may read, in the import format) is built only
    when the person clicks download, and recorded in the audit log (who, what, rows)."""
    from tracker.web import auth

    who = auth.actor()
    return lambda: exports.audited_export(db.engine(), who, role, filters, fmt)


def activity_download_button(
    container: Container, label: str, filters: Filters, role: str | None, fmt: str
) -> None:
    """A download of the activities this role may read, in the import format."""
    container.download_button(
        label,
        activity_download(filters, role, fmt),
        file_name=f"activities.{fmt}",
        mime=DOWNLOAD_TYPES[fmt],
        key=f"download_{fmt}",
    )


def funder_report_file(report: reports.FunderReport, fmt: str) -> Callable[[], bytes]:
    """Deferred: the HTML, PDF or XLSX report is built only when the person clicks download,
    in the reader's language, and recorded in the audit log (who, what, how many outcomes)."""
    from tracker.i18n import current_language
    from tracker.web import auth

    language = current_language()
    view = report.view
    who = auth.actor()
    details = {"period": f"{view.date_from}/{view.date_to}", "activities": view.totals.activities}
    if report.grant is not None:
        details["grant"] = report.grant[0]
    return lambda: audit.audited_download(
        db.engine(),
        who,
        f"funder-summary.{fmt}",
        lambda: reports.render(report, fmt, utcnow(), language),
        len(view.outcomes),
        details,
    )


def show_problem(message: str) -> None:
    """A page that only says what went wrong and what to do, never a traceback."""

    def problem_page() -> None:
        st.title(_("The tracker cannot start"))
        st.error(message)

    st.navigation([st.Page(problem_page, title=_("Problem"), default=True)]).run()


# Streamlit sweeps every generation of garbage after each run (``gc.collect(2)``,
# ``runner.postScriptGC``), scanning every object alive, the libraries' included: about
# 200k objects, half of a click's CPU (docs/performance.md). What is alive when the pages'
# helpers are first imported (the libraries' modules, classes and constants) lives as long
# as the process: freezing it moves it out of the collector's sight, so the sweep after each
# run scans only what the sessions made. Cycles the sessions leave are still collected.
gc.freeze()


def country_map(view: world_map.CountryMap, key: str, height: int = 380) -> None:
    """The engagement map (boundaries shipped with the app, no tiles), the Restricted
    records line beside it, and the numbers behind it: the table is the fallback on a
    phone or a screen reader."""
    if not view.table.empty:
        st.plotly_chart(
            world_map.map_figure(view, height),
            config={
                **PLOTLY_CONFIG,
                **world_map.PLOTLY_GEO_CONFIG,
                "scrollZoom": False,
                "displayModeBar": False,
            },
            key=f"{key}_map",
        )
    line = world_map.restricted_line(view)
    if line:
        st.caption(line)
    static_numbers(view.table, f"{key}_countries")


def static_map(view: world_map.CountryMap, file_name: str) -> None:
    """The light static map (SVG, no Plotly), with its numbers: the Funder summary's."""
    # Inline through st.markdown: st.html strips SVG. The map's text is escaped by its builder.
    st.markdown(f'<div style="max-width:640px">{world_map.map_svg(view)}</div>', unsafe_allow_html=True)
    static_numbers(view.table, "funder_countries", file_name)


def calendar_links() -> str:
    """Markdown links to the forum calendar feed (``GET /calendar.ics``), all forums and
    one per forum category; the browser's session cookie opens them."""
    from urllib.parse import quote

    from tracker.vocabulary import FORUM_CATEGORIES

    links = [f"[{_('All forums (.ics)')}](/calendar.ics)"]
    links += [f"[{_(c)}](/calendar.ics?category={quote(c)})" for c in FORUM_CATEGORIES]
    return " · ".join(links)
