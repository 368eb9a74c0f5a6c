"""Import in the brief's format (every bad input refused whole) and export -> import round trips."""

import csv
import io
import json

import openpyxl
import pytest
from sqlalchemy import func, select

from tests.factories import add_activity
from tracker.cli import main
from tracker.db import database
from tracker.db.models import Activity, AuditEntry, Forum, Organisation
from tracker.io import exports, importer
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters
from tracker.results.summary import summary

HEADER = "date,forum,themes,activity_type,title"
GOOD = "2021-06-21,KP Intersessional,KP reform,statement,Statement on the definition"


def _csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(Activity))


def _problems(session, data: bytes, filename: str = "file.csv", **kwargs) -> list[str]:
    before = _count(session)
    plan, result = importer.import_file(session, data, filename, "tester", **kwargs)
    session.flush()
    assert result is None and not plan.ok
    assert _count(session) == before
    return [str(p) for p in plan.problems]


def _ok(session, data: bytes, filename: str = "file.csv"):
    plan, result = importer.import_file(session, data, filename, "tester")
    assert plan.ok, [str(p) for p in plan.problems]
    session.commit()
    return plan, result


@pytest.mark.parametrize(
    ("extra_header", "row", "expected"),
    [
        (
            "",
            "03/04/2020,KP Plenary,KP reform,meeting,T",
            "row 3, column date: must be a date written YYYY-MM-DD",
        ),
        (
            "",
            "2020-3-4,KP Plenary,KP reform,meeting,T",
            "row 3, column date: must be a date written YYYY-MM-DD",
        ),
        ("", "2020-02-30,KP Plenary,KP reform,meeting,T", "row 3, column date: is not a real calendar date"),
        (
            "",
            "2020-01-01,KP Plenary,Land; rights‮,meeting,T",
            "row 3, column themes: contains a character that is not allowed",
        ),
        ("", "2020-01-01,KP Plenary,KP reform,lobbying,T", "row 3, column activity_type: must be one of"),
        (
            ",forum_category",
            "2020-01-01,New body,KP reform,meeting,T,Global",
            "row 3, column forum_category: must be",
        ),
        (
            "",
            "2020-01-01,New body,KP reform,meeting,T",
            "row 3, column forum_category: The forum “New body” is new",
        ),
        (
            ",confidentiality",
            "2020-01-01,KP Plenary,KP reform,meeting,T,secret",
            "row 3, column confidentiality",
        ),
        (
            ",effort_days",
            "2020-01-01,KP Plenary,KP reform,meeting,T,-1",
            "row 3, column effort_days: must not be negative",
        ),
        (
            ",effort_days",
            "2020-01-01,KP Plenary,KP reform,meeting,T,abc",
            "row 3, column effort_days: must be a number",
        ),
        (
            ",cost_usd",
            "2020-01-01,KP Plenary,KP reform,meeting,T,NaN",
            "row 3, column cost_usd: must be a finite number",
        ),
        (
            ",cost_usd",
            "2020-01-01,KP Plenary,KP reform,meeting,T,inf",
            "row 3, column cost_usd: must be a finite number",
        ),
        (
            ",evidence_url",
            "2020-01-01,KP Plenary,KP reform,meeting,T,javascript:alert(1)",
            "row 3, column evidence_url",
        ),
        (
            ",evidence_url",
            "2020-01-01,KP Plenary,KP reform,meeting,T,ftp://x.org/a",
            "row 3, column evidence_url",
        ),
        ("", "2020-01-01,KP Plenary,KP reform,meeting,", "row 3, column title: must not be empty"),
        (
            "",
            "2020-01-01,KP Plenary,KP reform,meeting," + "x" * 201,
            "row 3, column title: must be at most 200",
        ),
        (
            ",country",
            "2020-01-01,KP Plenary,KP reform,meeting,T,Atlantis",
            "row 3, column country: is not a known",
        ),
    ],
)
def test_each_bad_value_is_reported_by_row_and_column_and_nothing_is_written(
    session, extra_header, row, expected
):
    problems = _problems(session, _csv(HEADER + extra_header, GOOD + ("," * extra_header.count(",")), row))
    assert any(p.startswith(expected) for p in problems), problems
    assert not any(p.startswith("row 2") for p in problems)  # the good first row is not blamed


def test_rows_are_numbered_from_one_and_every_error_is_listed(session):
    problems = _problems(session, _csv(HEADER + ",effort_days", GOOD + ",1", "bad,KP Plenary,,nope,,x"))
    assert {p.split(":")[0] for p in problems} == {
        "row 3, column date",
        "row 3, column themes",
        "row 3, column activity_type",
        "row 3, column title",
        "row 3, column effort_days",
    }


def test_duplicate_external_id_within_one_file(session):
    problems = _problems(session, _csv(HEADER + ",external_id", GOOD + ",X1", GOOD + ",X1"))
    assert problems == ["row 3, column external_id: “X1” also appears in row 2."]


def test_missing_required_columns_and_unknown_columns(session):
    problems = _problems(session, _csv("date,forum,titel", "2020-01-01,KP Plenary,T"))
    assert "column titel: is not a column of the import format" in problems[0] or any(
        p.startswith("column titel:") for p in problems
    )
    for column in ("themes", "activity_type", "title"):
        assert f"column {column}: is required but missing from the header." in problems


def test_ragged_rows(session):
    problems = _problems(session, _csv(HEADER, GOOD, "2021-01-01,KP Plenary,KP reform"))
    assert problems == ["row 3: has 3 cells where the header has 5."]


@pytest.mark.parametrize(
    ("data", "filename", "fragment"),
    [
        (b"", "empty.csv", "the file is empty"),
        (b"  \n\n", "blank.csv", "the file is empty"),
        (_csv(HEADER), "header-only.csv", "header but no data rows"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "picture.csv", "binary data"),
        ("date,forum\n\u00e9t\u00e9".encode("latin-1"), "latin1.csv", "not UTF-8"),
        (b"PK\x03\x04 not really a zip", "fake.xlsx", "could not be read as an Excel workbook"),
    ],
)
def test_unreadable_files(session, data, filename, fragment):
    problems = _problems(session, data, filename)
    assert len(problems) == 1 and problems[0].startswith("file:") and fragment in problems[0]


def test_files_over_the_size_limit_are_refused(session, monkeypatch):
    monkeypatch.setenv("TRACKER_IMPORT_MAX_MB", "0.001")
    problems = _problems(session, _csv(HEADER, *[GOOD] * 40))
    assert problems == ["file: the file is larger than 0 MB; split it into smaller files."]


def test_html_and_script_are_stored_exactly_as_typed(session):
    title = '<script>alert("x")</script> & <b>bold</b>'
    _ok(
        session,
        _csv(HEADER, f'2021-01-01,KP Plenary,KP reform,meeting,"{title.replace(chr(34), chr(34) * 2)}"'),
    )
    assert session.scalar(select(Activity.title)) == title


def test_header_is_case_insensitive_order_free_with_bom_and_new_names_are_created(session):
    data = (
        "\ufeffTitle,THEMES,Forum,Forum_Category,date,Activity_Type,organisations\n"
        "Regional talk,land rights; Benefit redistribution ,Lusaka talks,regional,2022-05-01,Meeting,"
        "zela;New NGO\n"
    )
    plan, result = _ok(session, data.encode("utf-8"))
    assert (result.created, result.updated) == (1, 0)
    assert plan.new_forums == {"Lusaka talks": "Regional"} and plan.new_organisations == ["New NGO"]
    activity = session.scalar(select(Activity))
    assert [t.name for t in activity.themes] == ["Benefit redistribution", "Land rights"]
    assert [o.name for o in activity.organisations] == ["New NGO", "ZELA"]
    assert session.scalar(select(Forum.category).where(Forum.name == "Lusaka talks")) == "Regional"
    assert (
        session.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == "New NGO"))
        == 1
    )


def test_preview_says_what_each_row_will_do(session):
    add_activity(session, external_id="KNOWN")
    session.commit()
    plan = importer.plan_import(
        session,
        _csv(
            HEADER + ",external_id",
            GOOD + ",KNOWN",
            GOOD + ",NEW",
            "2021-01-01,KP Plenary,KP reform,meeting,,X",
        ),
        "f.csv",
    )
    preview = plan.preview()
    assert list(preview.result) == ["update", "create", "error"]
    assert "title" in preview.problems[2]


def test_reimport_by_external_id_updates_instead_of_duplicating(session):
    data = _csv(
        HEADER + ",external_id,effort_days", GOOD + ",A-1,2", "2021-07-01,EITI,Land rights,meeting,Two,A-2,1"
    )
    _ok(session, data)
    plan, result = _ok(session, data.replace(b",A-1,2", b",A-1,5"))
    # A-2 is unchanged: it gets no new version
    assert (result.created, result.updated) == (0, 1)
    assert _count(session) == 2
    assert session.scalar(select(Activity.effort_days).where(Activity.external_id == "A-1")) == 5
    actions = [
        a for (a,) in session.execute(select(AuditEntry.action).where(AuditEntry.entity == "activity"))
    ]
    assert sorted(actions) == ["insert", "insert", "update"]


def test_xlsx_import_reads_date_and_number_cells(session):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["date", "forum", "themes", "activity_type", "title", "effort_days"])
    sheet.append([dt.datetime(2023, 6, 13), "EITI", "Land rights", "side_event", "Dakar side event", 2.5])
    sheet.append([None, None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    _, result = _ok(session, buffer.getvalue(), "sheet.xlsx")
    activity = session.scalar(select(Activity))
    assert (result.created, activity.activity_date.isoformat(), activity.effort_days) == (
        1,
        "2023-06-13",
        2.5,
    )


def _records(session) -> list[dict]:
    rows = [exports.import_format_row(a) for a in iter_visible_activities(session, Filters(), "admin")]
    return sorted(rows, key=lambda r: (r["external_id"], r["date"], r["title"]))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_into_an_empty_database_reproduces_records_and_summary(
    demo_session, fmt, tmp_path
):
    session = demo_session
    tricky = ['=HYPERLINK("http://evil")', "-5 reasons", "+1 vote", "@SUM(A1)", "\tTabbed", "'quoted", "''=x"]
    for index, title in enumerate(tricky):
        add_activity(session, title=title, outcome=title, external_id=f"tricky-{index}", effort_days=index)
    session.commit()
    data = exports.FORMATS[fmt](iter_visible_activities(session, Filters(), "admin"))
    if fmt == "csv":
        text = data.decode("utf-8-sig")
        assert "\n=HYPERLINK" not in text and ",=HYPERLINK" not in text and "'=HYPERLINK" in text
    expected_records, expected_summary = _records(session), summary(session)

    other_url = f"sqlite:///{tmp_path / 'other.db'}"
    other = database.open_database(other_url)
    from tracker.db.reference_data import load_reference_data
    from tracker.records import grants

    grant_records = [
        grants.GrantInput(
            grant_id=g.grant_id,
            funder=g.funder,
            title=g.title,
            start_date=g.start_date,
            end_date=g.end_date,
            amount=g.amount,
            currency=g.currency,
        )
        for g in grants.all_grants(session)
    ]
    with database.session_factory(other).begin() as target:
        load_reference_data(target)
        for record in grant_records:  # grants travel in their own file (tracker import-grants)
            grants.save_grant(target, record, "tester")
        plan, result = importer.import_file(target, data, f"export.{fmt}", "tester")
        assert plan.ok, [str(p) for p in plan.problems][:5]
    with database.session_factory(other)() as target:
        assert _records(target) == expected_records
        # Outcomes and targets travel in their own files; the activities' figures must match.
        activity_figures = {k: v for k, v in summary(target).items() if k not in ("outcomes", "targets")}
        assert activity_figures == {
            k: v for k, v in expected_summary.items() if k not in ("outcomes", "targets")
        }
    other.dispose()


def test_json_export_has_the_import_columns(session):
    add_activity(session, themes=["Land rights", "KP reform"], evidence_urls="https://a.org https://b.org")
    session.commit()
    [record] = json.loads(exports.to_json(iter_visible_activities(session, Filters(), "admin")))
    assert set(record) == set(exports.EXPORT_COLUMNS)
    assert record["themes"] == ["KP reform", "Land rights"] and record["evidence_url"] == [
        "https://a.org",
        "https://b.org",
    ]


def test_cli_import_and_export(use_database, tmp_path, capsys):
    main(["init-db"])
    good = tmp_path / "good.csv"
    good.write_bytes(_csv(HEADER + ",external_id", GOOD + ",C-1"))
    assert main(["import", str(good), "--dry-run"]) == 0
    assert "Dry run: 1 would be created" in capsys.readouterr().out
    assert main(["import", str(good)]) == 0
    assert "Imported: 1 created, 0 updated, 0 unchanged." in capsys.readouterr().out
    assert main(["import", str(good)]) == 0
    assert "0 created, 0 updated, 1 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(
        _csv(HEADER, "2021-01-01,KP Plenary,KP reform,meeting,", "2021-13-01,KP Plenary,KP reform,meeting,x")
    )
    assert main(["import", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "row 2, column title: must not be empty" in err and "row 3, column date" in err
    assert "Nothing was imported." in err
    out = tmp_path / "all.csv"
    assert main(["export", "--format", "csv", "--out", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert [r["external_id"] for r in rows] == ["C-1"]
    assert main(["import", str(tmp_path / "missing.csv")]) == 1
