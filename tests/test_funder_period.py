"""The Funder summary's period (issue 20, section 5): date pickers and quick choices (last 12
months, each grant's period the reader may open, each calendar year), the shift chart with
the period shaded and the period's own KP share chart; the report laid out for print (no
heading alone at a page foot, the shift chart on page 1), tagged as PDF/UA with its language
and title, reading on a phone; the XLSX headings in the reader's language."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.apptest import open_page
from tests.test_grant_summary import grant_app  # noqa: F401 - the fixture: funder-alpha funds DEMO-GRANT-1
from tracker.i18n import use_language
from tracker.publish import reports
from tracker.results import static_charts, views
from tracker.text import formatting

WHEN = dt.datetime(2026, 1, 5, 9, 30)
TODAY = dt.date(2026, 3, 15)


# ---- quick choices --------------------------------------------------------------------------


def test_quick_choices_are_the_last_12_months_the_readers_grants_and_each_year():
    grant_periods = [("G-1", dt.date(2021, 1, 1), dt.date(2023, 12, 31))]
    choices = views.summary_period_choices(TODAY, grant_periods, dt.date(2023, 5, 2), dt.date(2025, 11, 20))
    assert [(c.key, c.date_from, c.date_to) for c in choices] == [
        ("last-12-months", dt.date(2025, 3, 15), dt.date(2026, 3, 15)),
        ("grant:G-1", dt.date(2021, 1, 1), dt.date(2023, 12, 31)),
        ("year:2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
        ("year:2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("year:2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        ("year:2023", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
    ]
    assert [c.label for c in choices][:3] == [
        "Last 12 months",
        "Grant G-1’s period (January 1, 2021 to December 31, 2023)",
        "Year 2026",
    ]
    with use_language("fr"):
        french = views.summary_period_choices(TODAY, grant_periods, None, None)
    assert [c.label for c in french] == [
        "12 derniers mois",
        "Période de la subvention G-1 (du 1 janvier 2021 au 31 décembre 2023)",
        "Année 2026",
    ]


# ---- the charts -----------------------------------------------------------------------------

POINTS = [static_charts.ShiftPoint(year, 0.5, 0.4) for year in range(2016, 2026)]


def band(svg: str) -> tuple[float, float] | None:
    """The shaded band's left and right edge, if the chart has one (after the legend's swatch)."""
    fill = static_charts.HIGHLIGHT_COLOUR
    shaded = re.findall(rf'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="{fill}"', svg)
    if len(shaded) < 2:
        return None
    left, width = (float(v) for v in shaded[1])
    return left, left + width


def test_the_shift_chart_shades_the_chosen_period_and_names_it():
    plain = static_charts.shift_chart_svg(POINTS, (0.6, 0.6), (0.3, 0.3))
    assert band(plain) is None
    year = static_charts.shift_chart_svg(
        POINTS, (0.6, 0.6), (0.3, 0.3), highlight=(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    )
    two_years = static_charts.shift_chart_svg(
        POINTS, (0.6, 0.6), (0.3, 0.3), highlight=(dt.date(2023, 1, 1), dt.date(2024, 12, 31))
    )
    one_left, one_right = band(year) or (0, 0)
    two_left, two_right = band(two_years) or (0, 0)
    assert one_right > one_left and abs(two_right - one_right) < 0.2  # both end with 2024
    assert abs((two_right - two_left) - 2 * (one_right - one_left)) < 0.5  # two years, twice as wide
    assert "Shaded" in year and "Shaded" not in plain
    # A period before the first year drawn is clipped away, not drawn outside the plot.
    assert (
        band(
            static_charts.shift_chart_svg(
                POINTS, (0.6, 0.6), (0.3, 0.3), highlight=(dt.date(2001, 1, 1), dt.date(2001, 12, 31))
            )
        )
        is None
    )


def test_the_period_chart_draws_two_bars_per_period_and_a_gap_where_there_is_none():
    svg = static_charts.period_share_chart_svg(
        "KP share per quarter in this period", [("2024-Q1", 0.5, 0.25), ("2024-Q2", None, None)]
    )
    bars = re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="9.0" fill="(#\w+)"', svg)
    assert [colour for _width, colour in bars] == [static_charts.COUNT_COLOUR, static_charts.EFFORT_COLOUR]
    assert float(bars[0][0]) == pytest.approx(2 * float(bars[1][0]), abs=0.2)  # 50 % against 25 %
    assert "no activities" in svg and ">0%<" not in svg  # a gap, never 0 %


# ---- the report -----------------------------------------------------------------------------


@pytest.fixture
def demo_report(demo_session):
    return reports.build(demo_session, dt.date(2024, 1, 1), dt.date(2024, 12, 31))


def test_the_report_css_keeps_headings_with_what_follows_and_tables_and_figures_whole():
    rules: dict[str, str] = {}
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", reports.CSS):
        for selector in selectors.split(","):
            rules[selector.strip()] = rules.get(selector.strip(), "") + body
    for heading in ("h1", "h2", "h3"):
        assert "break-after: avoid" in rules[heading]
    for whole in ("table", "figure", ".chart"):
        assert "break-inside: avoid" in rules[whole]
    assert "overflow-x: auto" in rules[".table-box"]  # a wide table scrolls in its own box


def pdf_pages(pdf: bytes, folder: Path) -> list[str]:
    path = folder / "report.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def pdf_info(pdf: bytes, folder: Path) -> dict[str, str]:
    path = folder / "info.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _sep, v in (line.partition(":") for line in out.splitlines())}


def catalogue_language(pdf: bytes) -> list[bytes]:
    """The document catalogue's /Lang, wherever WeasyPrint put it (plain or in a compressed stream)."""
    import zlib

    texts = [pdf]
    for stream in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            texts.append(zlib.decompress(stream[1]))
        except zlib.error:
            continue
    return [found for text in texts for found in re.findall(rb"/Lang\s*\(([^)]*)\)", text)]


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="pdfinfo (poppler-utils) is missing")
@pytest.mark.parametrize(
    ("language", "title", "headings", "decision"),
    [
        (
            "en",
            "Funder summary: January 1, 2024 to December 31, 2024",
            ("The shift away from the Kimberley Process", "KP share in this period", "Strategy targets"),
            "March 2020 decision",
        ),
        (
            "fr",
            "Synthèse pour les bailleurs\u00a0: du 1 janvier 2024 au 31 décembre 2024",
            (
                "Le recentrage hors du Processus de Kimberley",
                "Part du PK sur la période",
                "Cibles stratégiques",
            ),
            "Décision de mars 2020",
        ),
    ],
)
def test_the_pdf_is_tagged_in_its_language_with_its_title_and_laid_out(
    demo_report, tmp_path, language, title, headings, decision
):
    pdf = reports.pdf_report(demo_report, WHEN, language)
    info = pdf_info(pdf, tmp_path)
    assert info["Tagged"] == "yes"
    assert info["Title"] == title
    assert catalogue_language(pdf) == [language.encode()]
    pages = pdf_pages(pdf, tmp_path)
    assert len(pages) >= 2
    # The shift chart is on page 1, drawn below its heading: no half-empty first page.
    assert headings[0] in pages[0] and decision in pages[0]
    for page in pages:
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        body = [line for line in lines if not re.fullmatch(r"Page \d+ / \d+", line)]
        assert body[-1] not in headings, f"a heading alone at the foot of a page: {body[-1]}"


def test_the_xlsx_headings_are_in_the_readers_language(demo_report):
    codes = {"effort_days", "change_type", "social_actor", "substantiation", "period", "category", "theme"}
    for language, expected in (
        ("en", {"Staff-days", "Type of change", "Social actor", "Substantiation", "Category"}),
        ("fr", {"Jours-personne", "Type de changement", "Acteur social", "Corroboration", "Catégorie"}),
    ):
        book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(demo_report, language)))
        headings = {cell.value for sheet in book.worksheets[1:] for cell in sheet[1]}
        assert not headings & codes, headings & codes
        assert expected <= headings
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(demo_report, "fr")))
    records = book.worksheets[-2]  # the public outcome records: their codes as French labels
    assert records.title == "Fiches de résultats publiques"
    types = {row[1] for row in records.iter_rows(min_row=2, values_only=True)}
    assert types and types <= {"politique", "pratique", "comportement", "relation", "discours"}


# ---- the page -------------------------------------------------------------------------------


def quick_box(at):
    return next(s for s in at.selectbox if s.key == "summary_quick")


def caption_of(at, first: dt.date, last: dt.date) -> bool:
    wanted = f"Showing {formatting.date(first)} to {formatting.date(last)}."
    return any(c.value == wanted for c in at.caption)


@pytest.mark.usefixtures("grant_app")
def test_quick_choices_set_the_period_and_the_pickers():
    at = open_page("pages/funder_summary.py", username="funder-alpha")
    next(s for s in at.selectbox if s.key == "summary_grant").select("").run()  # the period view
    box = quick_box(at)
    # Only the grants this funder may open; the page opens on the last 12 months.
    labels = " / ".join(box.options)
    assert box.options[0] == "Last 12 months" and "Year 2019" in box.options
    assert "DEMO-GRANT-1’s period" in labels and "DEMO-GRANT-2" not in labels
    assert box.value == "last-12-months"
    first, last = views.last_twelve_months(dt.date.today())
    assert caption_of(at, first, last)

    box.select("year:2019").run()
    assert caption_of(at, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    assert at.date_input(key="summary_from").value == dt.date(2019, 1, 1)
    assert at.date_input(key="summary_to").value == dt.date(2019, 12, 31)
    assert quick_box(at).value == "year:2019"

    quick_box(at).select("grant:DEMO-GRANT-1").run()
    assert caption_of(at, dt.date(2021, 1, 1), dt.date(2023, 12, 31))
    # A period picked by hand matches no quick choice: the box empties.
    at.date_input(key="summary_from").set_value(dt.date(2022, 2, 1))
    next(b for b in at.button if b.label == "Show this period").click().run()
    assert caption_of(at, dt.date(2022, 2, 1), dt.date(2023, 12, 31))
    assert quick_box(at).value is None
    assert not [w for w in at.warning if "Session State" in w.value]  # Streamlit's own notice
    # Under "KP share in this period", the period's own chart.
    headings = [h.value for h in at.header]
    assert "KP share in this period" in headings
    svgs = [m.value for m in at.markdown if m.value.startswith("<svg")]
    assert "KP share per quarter in this period" in svgs[1]
    assert f'fill="{static_charts.HIGHLIGHT_COLOUR}"' in svgs[0]
