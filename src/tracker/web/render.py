"""Render helpers shared by the pages: charts with their numbers, headline figures,
downloads, empty states and the page shown when the app cannot start."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from tracker import audit, cells, exports, reports
from tracker.filters import Filters
from tracker.i18n import _
from tracker.models import utcnow
from tracker.web import db

PLOTLY_CONFIG = {"displaylogo": False}
DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "html": "text/html",
}


def chart(figure: go.Figure | None, numbers: pd.DataFrame, key: str, file_name: str | None = None) -> None:
    """A chart with the numbers behind it, as a table and a CSV download (``key``.csv by default)."""
    if figure is not None:
        st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{key}_chart")
    with st.expander(_("Numbers behind this chart")) as numbers_box:
        numbers_box.dataframe(numbers, hide_index=True)
        numbers_box.download_button(
            _("Download these numbers (CSV)"),
            cells.csv_bytes(numbers),
            file_name=file_name or f"{key}.csv",
            mime="text/csv",
            key=f"{key}_download",
        )


def static_numbers(numbers: pd.DataFrame, key: str, file_name: str | None = None) -> None:
    """The numbers behind a static chart: a plain HTML table (escaped) and the same CSV
    download as ``chart``; no data-grid scripts to load on a slow link."""
    with st.expander(_("Numbers behind this chart")) as numbers_box:
        numbers_box.html(reports.table_html(numbers))
        numbers_box.download_button(
            _("Download these numbers (CSV)"),
            cells.csv_bytes(numbers),
            file_name=file_name or f"{key}.csv",
            mime="text/csv",
            key=f"{key}_download",
        )


def headline(totals, share) -> None:
    """The five headline figures shared by the Overview and the Funder summary."""
    cols = st.columns(5)
    cols[0].metric(_("Activities"), f"{totals.activities:,}")
    cols[1].metric(_("Staff-days"), f"{totals.effort_days:,.1f}")
    cols[2].metric(_("Cost (US$)"), f"{totals.cost_usd:,.0f}")
    cols[3].metric(_("KP share by activities"), format_share(share.by_count))
    cols[4].metric(_("KP share by staff-days"), format_share(share.by_effort))


def empty_state(hint: str | None = None) -> None:
    st.info(
        hint
        or _(
            "No activities match these filters. Widen the date range or clear the "
            "theme and category filters in the sidebar."
        )
    )


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_days(value: float) -> str:
    return _("{value:,.1f} staff-days").format(value=value)


def changes_table(changes: dict[str, tuple[object, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(field, str(before), str(after)) for field, (before, after) in changes.items()],
        columns=[_("Field"), _("In the version you opened"), _("Now")],
    )


def activity_download(filters: Filters, role: str | None, fmt: str = "csv") -> Callable[[], bytes]:
    """Deferred: the file (rows this role may read, in the import format) is built only
    when the person clicks download, and recorded in the audit log (who, what, rows)."""
    from tracker.web import auth

    who = auth.actor()
    return lambda: exports.audited_export(db.engine(), who, role, filters, fmt)


def activity_download_button(container, label: str, filters: Filters, role: str | None, fmt: str) -> None:
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
