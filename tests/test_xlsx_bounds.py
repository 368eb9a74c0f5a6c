# ruff: noqa: E501  (workbook parts are literal XML lines)
"""Small XLSX files that unpack to gigabytes (issue 22.2): shared strings, styles and one
very wide row are refused in seconds, within 1 GB, by the one reader the CLI, the Import
page and the API call (``importer.read_table`` -> ``xlsx_bounds``). Each bomb is built
here and read in a subprocess whose address space is capped at 1 GB."""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tests.apptest import open_page
from tracker import cli
from tracker.io import importer, xlsx_bounds

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET_ROWS = b'<row r="1"><c t="inlineStr"><is><t>date</t></is></c></row>'


def _workbook(parts: dict[str, object], path: Path | None = None) -> bytes:
    """A minimal workbook; a part given as (chunk, times) is streamed, never held whole."""
    base: dict[str, object] = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode(),
        "xl/_rels/workbook.xml.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        + SHEET_ROWS
        + b"</sheetData></worksheet>",
    }
    base.update(parts)
    target = path if path is not None else io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, content in base.items():
            if isinstance(content, bytes):
                out.writestr(name, content)
                continue
            head, chunk, times, tail = content  # type: ignore[misc]
            with out.open(name, "w", force_zip64=True) as stream:
                stream.write(head)
                block = chunk * 10_000
                for _ in range(times // 10_000):
                    stream.write(block)
                stream.write(tail)
    return path.read_bytes() if path is not None else target.getvalue()  # type: ignore[union-attr]


def _shared_strings(times: int) -> tuple:
    return (f'<sst xmlns="{MAIN}">'.encode(), b"<si><t>x</t></si>", times, b"</sst>")


def _styles(times: int) -> tuple:
    return (
        f'<styleSheet xmlns="{MAIN}"><cellXfs>'.encode(),
        b'<xf numFmtId="0"/>',
        times,
        b"</cellXfs></styleSheet>",
    )


def _wide_row(times: int) -> tuple:
    return (
        f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'.encode(),
        b"<c><v>1</v></c>",
        times,
        b"</row></sheetData></worksheet>",
    )


BOMBS = {
    # each about 200 MB unpacked, under the overall 256 MB bound: only the part bounds catch them
    "shared strings": {"xl/sharedStrings.xml": _shared_strings(12_000_000)},
    "styles": {"xl/styles.xml": _styles(11_000_000)},
    "wide row": {"xl/worksheets/sheet1.xml": _wide_row(13_000_000)},
}

READ = textwrap.dedent(
    """
    import resource, sys, time
    from tracker.io import importer
    data = open(sys.argv[1], "rb").read()
    resource.setrlimit(resource.RLIMIT_AS, (1024 ** 3, 1024 ** 3))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.process_time()  # CPU seconds: the test machine is shared
    try:
        importer.read_table(data, "bomb.xlsx")
    except importer.ImportRejected as rejected:
        print("REFUSED", time.process_time() - start, rejected.problems[0])
    except MemoryError:
        print("MEMORY")
    else:
        print("ACCEPTED")
    print("GROWTH_KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)
    """
)


@pytest.mark.parametrize("kind", list(BOMBS))
def test_a_bomb_of_each_kind_is_refused_in_seconds_within_one_gigabyte(kind, tmp_path):
    path = tmp_path / "bomb.xlsx"
    data = _workbook(BOMBS[kind], path)
    assert len(data) < 1024 * 1024, len(data)  # a small file ...
    done = subprocess.run(
        [sys.executable, "-c", READ, str(path)], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    verdict, growth = done.stdout.splitlines()
    assert verdict.startswith("REFUSED"), verdict
    assert float(verdict.split()[1]) < 5  # ... refused in seconds
    assert "split" in verdict or "no spreadsheet" in verdict  # one sentence that says what to do
    assert int(growth.split()[1]) < 150 * 1024  # ... and in bounded memory


def _problem(data: bytes) -> str:
    with pytest.raises(importer.ImportRejected) as caught:
        importer.read_table(data, "f.xlsx")
    assert len(caught.value.problems) == 1
    return str(caught.value.problems[0])


def test_parts_within_their_bounds_are_still_counted_while_they_stream(monkeypatch):
    """The counts refuse what the sizes let through: too many cell formats, shared
    strings, cells in a row, characters in a cell."""
    assert "more than 64,000 cell formats" in _problem(_workbook({"xl/styles.xml": _styles(70_000)}))
    monkeypatch.setenv("TRACKER_IMPORT_MAX_CELLS", "1000")
    assert "more than 1,000 shared strings" in _problem(
        _workbook({"xl/sharedStrings.xml": _shared_strings(10_000)})
    )
    assert "more than 16,384 cells" in _problem(_workbook({"xl/worksheets/sheet1.xml": _wide_row(20_000)}))
    long_cell = f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>{"x" * 40_000}</t></is></c></row></sheetData></worksheet>'
    assert "more than 32,767 characters" in _problem(
        _workbook({"xl/worksheets/sheet1.xml": long_cell.encode()})
    )


def test_cells_past_the_column_cap_are_never_built():
    row = "".join(f'<c r="{openpyxl.utils.get_column_letter(n)}1"><v>{n}</v></c>' for n in range(1, 200))
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">{row}</row></sheetData></worksheet>'.encode()
    rows = list(xlsx_bounds.read_rows(_workbook({"xl/worksheets/sheet1.xml": sheet}), 10**8, 5, 100))
    assert rows == [[1, 2, 3, 4, 5]]


def test_a_document_type_declaration_is_refused():
    laughs = f'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]><worksheet xmlns="{MAIN}"><sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    assert _problem(_workbook({"xl/worksheets/sheet1.xml": laughs.encode()})) == (
        "file: the file could not be read as an Excel workbook (.xlsx)."
    )


def test_values_read_as_openpyxl_reads_them():
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "title", "effort_days", "flag"])
    sheet.append([dt.date(2024, 1, 2), "Café ünïcode", 1.5, True])
    sheet["A4"] = dt.datetime(2024, 1, 2, 10, 30)
    sheet["B4"] = 3
    book.create_sheet("second")["A1"] = "not read"
    buffer = io.BytesIO()
    book.save(buffer)
    header, rows = importer.read_table(buffer.getvalue(), "f.xlsx")
    assert header[:4] == ["date", "title", "effort_days", "flag"]
    assert rows == [
        ["2024-01-02", "Café ünïcode", "1.5", "True"],
        ["", "", "", ""],
        ["2024-01-02T10:30:00", "3", "", ""],
    ]


def test_the_cli_and_the_import_page_refuse_a_bomb_in_one_sentence(app_database, tmp_path, capsys):
    bomb = _workbook({"xl/styles.xml": _styles(70_000)})
    path = tmp_path / "styles.xlsx"
    path.write_bytes(bomb)
    assert cli.main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "more than 64,000 cell formats" in err and "Traceback" not in err
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload("styles.xlsx", bomb, "application/octet-stream").run()
    assert not at.exception
    assert any("nothing will be imported" in e.value for e in at.error)
    assert any("more than 64,000 cell formats" in c.value for c in at.code)
