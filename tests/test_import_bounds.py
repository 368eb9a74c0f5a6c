# ruff: noqa: E501  (the zip-bomb workbook parts are literal XML lines)
"""Imports are bounded while streaming (rows, cells, uncompressed size); a zip bomb is
refused within seconds in bounded memory; malformed XLSX is one sentence; the Import
page parses a file once."""

import io
import subprocess
import sys
import textwrap
import time
import zipfile

import openpyxl
import pytest

from tests.apptest import clear_caches, open_page
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo_accounts
from tracker.io import importer, tables

HEADER = "date,forum,themes,activity_type,title"
ROW = "2021-06-21,KP Intersessional,KP reform,statement,T{n}"


def _csv(rows: int) -> bytes:
    return ("\n".join([HEADER, *[ROW.format(n=n) for n in range(rows)]]) + "\n").encode()


def _problems(data: bytes, filename: str) -> list[str]:
    with pytest.raises(importer.ImportRejected) as caught:
        importer.read_table(data, filename)
    return [str(p) for p in caught.value.problems]


def test_more_rows_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MAX_ROWS", "5")
    assert importer.read_table(_csv(5), "f.csv")[1][-1][-1] == "T4"
    assert _problems(_csv(6), "f.csv") == [
        "file: the file has more than 5 data rows; split it into smaller files."
    ]


def test_more_cells_than_the_limit_are_refused(monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MAX_CELLS", "12")
    assert _problems(_csv(3), "f.csv") == [
        "file: the file has more than 12 cells; split it into smaller files."
    ]


def _xlsx(rows: int) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    for n in range(rows):
        sheet.append(ROW.format(n=n).split(","))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_an_xlsx_over_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MAX_ROWS", "5")
    assert _problems(_xlsx(6), "f.xlsx") == [
        "file: the file has more than 5 data rows; split it into smaller files."
    ]


def test_an_xlsx_whose_members_unpack_beyond_the_limit_is_refused_before_parsing(monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MAX_UNCOMPRESSED_MB", "1")
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(_xlsx_bytes_io(), "r") as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out,
    ):
        for item in source.infolist():
            out.writestr(item, source.read(item.filename))
        out.writestr("xl/media/padding.bin", b"\0" * (2 * 1024 * 1024))
    assert _problems(buffer.getvalue(), "f.xlsx") == [
        "file: the workbook unpacks to more than 1 MB; split it into smaller files."
    ]


def _xlsx_bytes_io() -> io.BytesIO:
    return io.BytesIO(_xlsx(1))


def test_malformed_xml_inside_an_xlsx_is_one_sentence():
    buffer = io.BytesIO()
    with zipfile.ZipFile(_xlsx_bytes_io(), "r") as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2] + b"<broken"
            out.writestr(item, data)
    assert _problems(buffer.getvalue(), "f.xlsx") == [
        "file: the file could not be read as an Excel workbook (.xlsx)."
    ]


BOMB = textwrap.dedent(
    """
    import io, resource, sys, time, zipfile
    resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))
    rows = 500_000
    sheet = io.BytesIO()
    sheet.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
    row = b'<row><c t="inlineStr"><is><t>2021-06-21</t></is></c><c t="inlineStr"><is><t>EITI</t></is></c></row>'
    sheet.write(row * rows)
    sheet.write(b"</sheetData></worksheet>")
    parts = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet.getvalue(),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    data = buffer.getvalue()
    del sheet, parts
    assert len(data) < 2 * 1024 * 1024, len(data)
    from tracker.io import importer
    print("BEFORE_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
    start = time.monotonic()
    try:
        importer.read_table(data, "bomb.xlsx")
    except importer.ImportRejected as rejected:
        print("REFUSED", time.monotonic() - start, rejected.problems[0])
    else:
        print("ACCEPTED")
    print("MAXRSS_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    """
)


def test_a_zip_bomb_is_refused_within_seconds_in_bounded_memory():
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", BOMB], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[0].startswith("REFUSED"), done.stdout
    seconds = float(lines[0].split()[1])
    assert seconds < 5, seconds
    assert "200,000" in lines[0] or "unpacks" in lines[0]
    # Under the 1 GiB address-space cap the refusal cannot take more; and it raises the
    # process's peak (set by building the bomb in the test itself) by less than 150 MB.
    before = int(next(line for line in done.stderr.splitlines() if line.startswith("BEFORE_KB")).split()[1])
    assert int(lines[1].split()[1]) - before < 150 * 1024
    assert time.monotonic() - started < 60


@pytest.fixture
def staff_db(use_sqlite_database):
    clear_caches()
    engine = database.open_database(use_sqlite_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
    yield engine
    engine.dispose()


def test_the_import_page_parses_a_file_once(staff_db, monkeypatch):
    calls = []
    real = tables.read_table

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(tables, "read_table", counting)
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload("two.csv", _csv(2), "text/csv").run()
    at.run()
    at.run()
    assert any("All 2 rows are valid" in s.value for s in at.success)
    assert len(calls) == 1
