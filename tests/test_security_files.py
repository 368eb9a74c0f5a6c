"""Issue 13 (item 7): every CSV and XLSX the app produces is neutralised against formula
injection, chart numbers included; the table toolbar's download is off."""

import csv
import datetime as dt
import io
import re
import tomllib
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from tests.factories import add_activity
from tracker.access.permissions import ADMIN
from tracker.config import PROJECT_ROOT
from tracker.io import cells, exports, importer
from tracker.publish import reports
from tracker.results import views
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters

HOSTILE_FORUM = '=HYPERLINK("http://example.invalid/x","click")'
HOSTILE_ORG = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_TITLE = "-2+3+cmd|' /C calc'!A0"
HOSTILE_OUTCOME = "+1+1"
FORMULA = re.compile(r"^[=+\-@\t\r]")


@pytest.fixture
def hostile(session):
    add_activity(
        session,
        forum=HOSTILE_FORUM,
        forum_category="National",
        organisations=[HOSTILE_ORG],
        title=HOSTILE_TITLE,
        outcome=HOSTILE_OUTCOME,
        confidentiality="public",
        activity_date=dt.date(2026, 1, 5),
    )
    session.commit()
    return session


def _csv_cells(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [value for row in csv.reader(io.StringIO(text)) for value in row]


def _xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                found.append(cell.value)
    return found


def _assert_no_formula(values, *hostile_texts) -> None:
    texts = [v for v in values if isinstance(v, str)]
    assert not [v for v in texts if FORMULA.match(v)], [v for v in texts if FORMULA.match(v)]
    for text in hostile_texts:
        assert "'" + text in texts


def test_activity_csv_and_xlsx_exports_are_neutralised(hostile):
    rows = list(iter_visible_activities(hostile, Filters(), ADMIN))
    _assert_no_formula(_csv_cells(exports.to_csv(rows)), HOSTILE_FORUM, HOSTILE_ORG, HOSTILE_TITLE)
    _assert_no_formula(_xlsx_cells(exports.to_xlsx(rows)), HOSTILE_FORUM, HOSTILE_ORG, HOSTILE_TITLE)


def test_funder_report_xlsx_is_neutralised(hostile):
    report = reports.build(hostile, dt.date(2025, 6, 1), dt.date(2026, 6, 1))
    _assert_no_formula(
        _xlsx_cells(reports.xlsx_report(report, "en")), HOSTILE_FORUM, HOSTILE_TITLE, HOSTILE_OUTCOME
    )


def _frames(view) -> list[pd.DataFrame]:
    return [v for v in vars(view).values() if isinstance(v, pd.DataFrame)]


def test_every_chart_numbers_csv_is_neutralised(hostile):
    """The "Numbers behind this chart" CSV of every screen, the funder's included."""
    filters = Filters()
    screens = [
        views.funder_summary(hostile, dt.date(2025, 6, 1), dt.date(2026, 6, 1)),
        views.overview(hostile, filters, "year", "activities", ADMIN),
        views.forums(hostile, filters, "activities", HOSTILE_FORUM, ADMIN),
        views.themes(hostile, filters, "year", "activities", ADMIN),
        views.participation(hostile, filters, "activities", "organisation", ADMIN),
    ]
    produced = []
    for view in screens:
        for data in _frames(view):
            produced.extend(_csv_cells(cells.csv_bytes(data)))
    _assert_no_formula(produced, HOSTILE_FORUM, HOSTILE_ORG)


def test_a_hostile_column_heading_is_neutralised_too():
    data = pd.DataFrame({"=1+1": ["=2+2", "plain"], "n": [-5, 3]})
    values = _csv_cells(cells.csv_bytes(data))
    assert values == ["'=1+1", "n", "'=2+2", "-5", "plain", "3"]


def test_the_import_template_is_neutralised():
    _assert_no_formula(_csv_cells(importer.template_csv()))


def test_export_then_import_gives_back_the_hostile_text(hostile):
    rows = list(iter_visible_activities(hostile, Filters(), ADMIN))
    assert cells.restore(cells.neutralise(HOSTILE_TITLE)) == HOSTILE_TITLE
    assert exports.neutralise is cells.neutralise and exports.restore is cells.restore
    assert "'" + HOSTILE_TITLE in exports.to_csv(rows).decode("utf-8-sig")


def test_no_producer_bypasses_the_neutralising_function():
    """Every CSV and XLSX writer goes through tracker.io.cells: no other to_csv, csv.writer or
    openpyxl append of raw values in the app's code."""
    offenders = []
    sources = [*Path(PROJECT_ROOT, "src", "tracker").rglob("*.py"), *Path(PROJECT_ROOT, "pages").glob("*.py")]
    for path in sources:
        if path.name == "cells.py" or "migrations" in path.parts:
            continue
        text = path.read_text()
        for pattern in (r"\.to_csv\(", r"\.to_excel\(", r"csv\.(Dict)?[Ww]riter\("):
            if re.search(pattern, text):
                offenders.append(f"{path.name}: {pattern}")
        for line in re.findall(r".*\.append\(.*", text):
            if "sheet" in line and "cells." not in line:
                offenders.append(f"{path.name}: {line.strip()}")
    assert offenders == []


def test_the_table_toolbar_download_is_off():
    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["disableDataExport"] is True


# --- exports and report downloads are audited (item 9) ----------------------------------


def test_page_downloads_are_audited_with_who_what_and_rows(hostile, engine):
    from sqlalchemy import select

    from tracker.db.models import AuditEntry
    from tracker.records import audit

    add_activity(hostile, title="A restricted meeting", confidentiality="restricted")
    hostile.commit()
    data = exports.audited_export(engine, "demo-member", "member", Filters(), "csv")
    assert len(_csv_cells(data)) == 2 * len(exports.EXPORT_COLUMNS)  # header and the one public row
    view = views.funder_summary(hostile, dt.date(2025, 6, 1), dt.date(2026, 6, 1))
    audit.audited_download(engine, "demo-funder", "funder-summary.xlsx", lambda: b"x", len(view.outcomes))
    hostile.commit()  # a new snapshot, after both downloads
    entries = hostile.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id))
    assert [(e.actor, e.after["what"], e.after["rows"]) for e in entries] == [
        ("demo-member", "activities.csv", 1),
        ("demo-funder", "funder-summary.xlsx", 1),
    ]


def test_the_single_sign_on_secrets_file_is_ignored_by_git():
    import shutil
    import subprocess

    if shutil.which("git") is None or not (PROJECT_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", ".streamlit/secrets.toml"], cwd=PROJECT_ROOT, check=False
    )
    assert ignored.returncode == 0
