"""The funder report as HTML, PDF and XLSX: small, self-contained, paged, in the reader's language."""

import datetime as dt
import io
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser

import openpyxl
import pytest
from sqlalchemy import select

from tests.factories import add_activity
from tracker import cli
from tracker.db import database
from tracker.db.models import AuditEntry
from tracker.publish import reports
from tracker.results import static_charts
from tracker.text import formatting

WHEN = dt.datetime(2026, 1, 5, 9, 30)
RESTRICTED = "RESTRICTED-NAMES-A-DEFENDER"
INTERNAL = "INTERNAL-PLANNING-NOTE"
PUBLIC = "PUBLIC-OUTCOME-ADOPTED"


@pytest.fixture
def demo_url(database_url, database_templates):
    database_templates.copy("demo", database_url)
    engine = database.open_database(database_url)
    with database.session_factory(engine).begin() as session:
        add_activity(
            session,
            activity_date=dt.date(2024, 3, 1),
            title=RESTRICTED,
            outcome=RESTRICTED,
            confidentiality="restricted",
        )
        add_activity(
            session,
            activity_date=dt.date(2024, 4, 1),
            title=INTERNAL,
            outcome=INTERNAL,
            confidentiality="internal",
        )
        add_activity(
            session,
            activity_date=dt.date(2024, 5, 1),
            title="Public",
            outcome=PUBLIC,
            confidentiality="public",
        )
    engine.dispose()
    return database_url


@pytest.fixture
def report(demo_url):
    engine = database.open_database(demo_url)
    with database.session_factory(engine)() as session:
        built = reports.build(session, dt.date(2015, 1, 1), dt.date(2026, 12, 31))
    engine.dispose()
    return built


class Resources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.loaded: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        for name in ("src", "href", "data", "action", "srcset", "poster"):
            if attrs.get(name):
                self.loaded.append(attrs[name])


def test_html_report_is_small_self_contained_and_public_only(report):
    page = reports.html_report(report, WHEN, "en")
    assert len(page.encode("utf-8")) <= 600_000
    parser = Resources()
    parser.feed(page)
    assert parser.loaded == []  # nothing fetched: no src, href, data, srcset
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)  # nor from CSS
    assert "@import" not in page and "<script" not in page and "<link" not in page
    assert parser.lang == "en"
    assert RESTRICTED not in page and INTERNAL not in page and PUBLIC in page
    assert "@page" in page and "counter(page)" in page  # A4 with page numbers
    assert 'name="viewport"' in page  # laid out for a phone


def test_the_report_follows_the_readers_language(report):
    page = reports.html_report(report, WHEN, "fr")
    parser = Resources()
    parser.feed(page)
    assert parser.lang == "fr"
    assert "Part du PK sur la période" in page
    assert "\u00a0%" in page  # French writes 62 %, formatted by Babel


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")
def test_pdf_report_is_the_same_document_with_page_numbers(report, tmp_path):
    pdf = reports.pdf_report(report, WHEN, "en")
    assert pdf[:5] == b"%PDF-"
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    pages = text.count("\f")
    assert pages >= 2
    assert f"Page 1 / {pages}" in text and f"Page {pages} / {pages}" in text
    assert "The shift away from the Kimberley Process" in text and "Before March 2020" in text
    assert "March 2020 decision" in text  # the chart's own labels are drawn as text
    assert RESTRICTED not in text and INTERNAL not in text and PUBLIC in text


def test_xlsx_report_writes_every_share_as_a_percentage(report):
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(report, "en")))
    share_cells = []
    for sheet in book:
        headers = [c.value for c in sheet[1]]
        for index, header in enumerate(headers):
            if header and "share" in str(header).lower():
                share_cells += [row[index] for row in sheet.iter_rows(min_row=2)]
    summary = book["Summary"]
    share_cells += [row[1] for row in summary.iter_rows() if "share" in str(row[0].value).lower()]
    assert len(share_cells) > 10
    for cell in share_cells:
        assert cell.value is None or (isinstance(cell.value, float) and 0 <= cell.value <= 1), cell.value
        assert cell.number_format == "0.0%"
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert RESTRICTED not in cells and INTERNAL not in cells and PUBLIC in cells


@pytest.mark.parametrize("fmt", ["html", "pdf", "xlsx"])
def test_tracker_report_writes_the_file(demo_url, monkeypatch, tmp_path, capsys, fmt):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / f"report.{fmt}"
    code = cli.main(
        ["report", "--format", fmt, "--from", "2024-01-01", "--to", "2024-12-31", "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    magic = {"html": b"<!DOCTYPE html>", "pdf": b"%PDF-", "xlsx": b"PK"}[fmt]
    assert out.read_bytes().startswith(magic)


def test_tracker_report_refuses_a_language_without_a_catalogue(demo_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / "r.html"
    code = cli.main(
        [
            "report",
            "--format",
            "html",
            "--from",
            "2024-01-01",
            "--to",
            "2024-12-31",
            "--out",
            str(out),
            "--language",
            "xx",
        ]
    )
    assert code == 1 and not out.exists()
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no xx translation" in err


def test_tracker_report_refuses_an_inverted_period(demo_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    code = cli.main(
        [
            "report",
            "--format",
            "html",
            "--from",
            "2024-12-31",
            "--to",
            "2024-01-01",
            "--out",
            str(tmp_path / "r"),
        ]
    )
    assert code == 1 and "--from must not be after --to" in capsys.readouterr().err


def test_the_funder_summary_page_draws_static_charts_only(demo_url, monkeypatch):
    from tests.apptest import clear_caches, open_page
    from tracker.demo.seed import seed_demo_accounts

    engine = database.open_database(demo_url)
    with database.session_factory(engine).begin() as session:
        seed_demo_accounts(session)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", demo_url)
    clear_caches()
    at = open_page("pages/funder_summary.py", role="funder")
    at.date_input(key="summary_from").set_value(dt.date(2024, 1, 1))
    at.date_input(key="summary_to").set_value(dt.date(2024, 12, 31))
    next(b for b in at.button if b.label == "Show this period").click().run()
    svgs = [m.value for m in at.markdown if m.value.startswith("<svg")]
    # The shift (the chosen period shaded), the period's own KP share, categories and themes.
    assert len(svgs) == 4 and "March 2020 decision" in svgs[0]
    assert f'fill="{static_charts.HIGHLIGHT_COLOUR}"' in svgs[0]  # the chosen period, shaded
    assert "KP share per quarter in this period" in svgs[1]
    assert at.get("plotly_chart") == []  # the first screen does not need the Plotly bundle
    assert at.dataframe.len == 0  # nor the data-grid scripts: the numbers are plain tables
    assert any("<table>" in h.proto.body for h in at.get("html"))
    assert [b.label for b in at.get("download_button")][:3] == [
        "Download the report (HTML, opens offline)",
        "Download the report (PDF)",
        "Download the figures (XLSX)",
    ]
    clear_caches()


def test_tracker_report_for_a_grant_names_it_and_counts_only_its_activities(
    demo_url, monkeypatch, tmp_path, capsys
):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    assert cli.main(["summary", "--json", "--grant", "DEMO-GRANT-1"]) == 0
    expected = json.loads(capsys.readouterr().out)
    out = tmp_path / "grant.html"
    code = cli.main(["report", "--format", "html", "--grant", "DEMO-GRANT-1", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    page = out.read_text(encoding="utf-8")
    assert "Grant DEMO-GRANT-1:" in page
    # the headline count is the grant's (the same number as summary --json --grant)
    assert f"Activities<b>{formatting.number(expected['activities'])}</b>" in page
    assert RESTRICTED not in page and INTERNAL not in page
    assert out.stat().st_mode & 0o077 == 0  # written readable by its owner only
    engine = database.open_database(demo_url)
    with database.session_factory(engine)() as session:
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id.desc())
        ).first()
    engine.dispose()
    assert entry is not None and entry.after is not None
    assert (entry.after["what"], entry.after["grant"]) == ("funder-summary.html", "DEMO-GRANT-1")


def test_tracker_report_refuses_a_grant_with_a_period_or_neither(demo_url, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DATABASE_URL", demo_url)
    out = tmp_path / "r.html"
    both = [
        "report",
        "--format",
        "html",
        "--grant",
        "DEMO-GRANT-1",
        "--from",
        "2024-01-01",
        "--out",
        str(out),
    ]
    assert cli.main(both) == 1
    assert cli.main(["report", "--format", "html", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and not out.exists()
