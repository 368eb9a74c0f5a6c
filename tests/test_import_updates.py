"""Import updates by external_id follow the brief's "Updating by external_id"."""

import datetime as dt

from sqlalchemy import select

from tests.factories import add_activity
from tracker.cli import main
from tracker.db.models import Activity
from tracker.io import importer
from tracker.records.activities import delete_activity

FULL = (
    "date,forum,themes,activity_type,title,organisations,country,effort_days,cost_usd,outcome,"
    "confidentiality,external_id"
)
ROW = (
    "2021-06-21,KP Intersessional,KP reform,statement,Original,ZELA;IPIS,ZW,2.5,300,Agreed text,"
    "restricted,U-1"
)


def _import(session, text: str, **kwargs):
    plan, result = importer.import_file(session, text.encode("utf-8"), "f.csv", "tester", **kwargs)
    assert plan.ok, [str(p) for p in plan.problems]
    session.commit()
    return plan, result


def _stored(session) -> Activity:
    session.expire_all()
    return session.scalar(select(Activity).where(Activity.external_id == "U-1"))


def test_an_update_changes_only_the_columns_the_file_has(session):
    _import(session, f"{FULL}\n{ROW}\n")
    plan, result = _import(session, "external_id,title\nU-1,Renamed\n")
    assert (result.created, result.updated) == (0, 1)
    stored = _stored(session)
    assert stored.title == "Renamed"
    assert stored.confidentiality == "restricted"  # never lowered by omission
    assert (stored.outcome, stored.effort_days, stored.cost_usd, stored.country) == (
        "Agreed text",
        2.5,
        300,
        "ZW",
    )
    assert [o.name for o in stored.organisations] == ["IPIS", "ZELA"]
    assert [t.name for t in stored.themes] == ["KP reform"] and stored.forum.name == "KP Intersessional"


def test_an_empty_cell_in_a_present_column_clears_an_optional_field(session):
    _import(session, f"{FULL}\n{ROW}\n")
    _import(session, "external_id,outcome,country,organisations\nU-1,,,\n")
    stored = _stored(session)
    assert (stored.outcome, stored.country, stored.organisations) == (None, None, [])
    assert stored.confidentiality == "restricted" and stored.effort_days == 2.5


def test_an_empty_confidentiality_cell_does_not_lower_it(session):
    _import(session, f"{FULL}\n{ROW}\n")
    plan, _result = _import(session, "external_id,confidentiality\nU-1,\n")
    assert _stored(session).confidentiality == "restricted" and plan.lowered == []


def test_lowering_confidentiality_is_listed_by_row(session):
    _import(session, f"{FULL}\n{ROW}\n")
    text = "external_id,confidentiality\nU-1,public\n"
    plan = importer.plan_import(session, text.encode(), "f.csv")
    assert [(r.row, r.before, r.after) for r in plan.lowered] == [(2, "restricted", "public")]
    preview = plan.preview()
    assert "Confidentiality: restricted → public" in preview.loc[0, "changes"]
    assert "lowered" in preview.loc[0, "result"]
    _plan, result = _import(session, text)
    assert [(r.row, r.before, r.after) for r in result.lowered] == [(2, "restricted", "public")]
    assert _stored(session).confidentiality == "public"


def test_the_cli_dry_run_and_result_list_every_lowering(use_database, tmp_path, capsys):
    main(["init-db"])
    first = tmp_path / "first.csv"
    first.write_text(f"{FULL}\n{ROW}\n", encoding="utf-8")
    assert main(["import", str(first)]) == 0
    lower = tmp_path / "lower.csv"
    lower.write_text("external_id,confidentiality\nU-1,internal\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["import", str(lower), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "row 2 (U-1): confidentiality lowered from restricted to internal" in out
    assert main(["import", str(lower)]) == 0
    assert "row 2 (U-1): confidentiality lowered from restricted to internal" in capsys.readouterr().out


def test_the_preview_shows_what_changes_for_each_updated_record(session):
    _import(session, f"{FULL}\n{ROW}\n")
    plan = importer.plan_import(session, b"external_id,title,effort_days\nU-1,Renamed,2.5\n", "f.csv")
    preview = plan.preview()
    assert preview.loc[0, "result"] == "update"
    assert preview.loc[0, "changes"] == "Title: Original → Renamed"


def test_a_row_naming_a_deleted_activity_is_refused_with_the_date_it_was_deleted(session):
    activity = add_activity(session, external_id="D-1")
    session.commit()
    delete_activity(session, activity.id, 1, "staff")
    session.commit()
    day = activity.deleted_at.date().isoformat()
    plan = importer.plan_import(session, b"external_id,title\nD-1,Back\n", "f.csv")
    assert [str(p) for p in plan.problems] == [
        f"row 2, column external_id: “D-1” names activity {activity.id}, deleted on {day}: "
        "restore it first, then import again."
    ]


def test_a_new_row_in_a_file_without_the_required_columns_is_refused_by_row(session):
    plan = importer.plan_import(session, b"external_id,title\nNEW-1,New\n", "f.csv")
    assert [str(p) for p in plan.problems] == [
        "row 2: “NEW-1” is not in the tracker, so this row creates an activity: "
        "the file needs the columns date, forum, themes, activity_type."
    ]


def test_a_semicolon_csv_with_decimal_commas_imports_like_a_comma_csv(session):
    text = (
        "date;forum;themes;activity_type;title;effort_days;cost_usd;organisations\n"
        "2021-06-21;KP Intersessional;KP reform;statement;Statement, with a comma;1,5;1200,75;ZELA\n"
    )
    plan, result = _import(session, "\ufeff" + text)
    assert result.created == 1
    stored = session.scalar(select(Activity))
    assert (stored.title, stored.effort_days, stored.cost_usd) == ("Statement, with a comma", 1.5, 1200.75)
    assert stored.activity_date == dt.date(2021, 6, 21)


def test_the_templates_example_row_cannot_be_imported_by_accident(session):
    plan = importer.plan_import(session, importer.template_csv(), "activities-template.csv")
    assert not plan.ok
    assert [str(p) for p in plan.problems] == [
        "row 2: this is the template's example row: delete it, then add your own rows."
    ]
    assert session.scalar(select(Activity)) is None


def test_a_new_forum_and_a_new_theme_named_in_several_rows_are_planned_once(session):
    text = (
        "date,forum,forum_category,themes,activity_type,title\n"
        "2021-01-01,New body,Regional,New theme,meeting,One\n"
        "2021-01-02,New body,,New theme,meeting,Two\n"
    )
    plan = importer.plan_import(session, text.encode(), "f.csv", create_themes=True)
    assert plan.ok, [str(p) for p in plan.problems]
    assert (plan.new_forums, plan.new_themes) == ({"New body": "Regional"}, ["New theme"])
    importer.apply_import(session, plan, "tester")
    session.commit()
    assert {a.forum.name for a in session.scalars(select(Activity))} == {"New body"}
