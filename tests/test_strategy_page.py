"""AppTest of the Strategy page per role: staff and admins add, change, delete and import
targets (problems under fields, a stale edit refused); members see the table and the trend
charts with no form; funders cannot open it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from tests.apptest import chart_titles, clear_caches, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.db.models import Target
from tracker.records import audit, targets

PAGE = "pages/strategy_dashboard.py"


def _session(engine):
    return database.session_factory(engine)()


def _stored(engine) -> list[tuple]:
    with _session(engine) as session:
        return [
            (t["year"], t["measure"], t["scope"], t["direction"], t["target"], t["version"])
            for t in targets.stored_targets(session)
        ]


def _save(engine, **values) -> int:
    with _session(engine) as session:
        target = targets.save_target(session, targets.TargetInput(**values), "setup")
        session.commit()
        return target.id


def _submit(at, form: str, label: str):
    return at.button(key=f"FormSubmitter:{form}-{label}").click().run()


def _texts(at, kind: str) -> list[str]:
    """Messages as read (``db.write`` escapes a sentence's Markdown characters)."""
    return [e.value.replace("\\", "") for e in at.get(kind)]


@pytest.fixture
def strategy_db(app_database):
    # 2024: two activities, 3.0 days, one in a KP forum (1.0 day): KP share by effort 1/3.
    with _session(app_database) as session:
        add_activity(session, activity_date=dt.date(2024, 3, 1), forum="KP Plenary", effort_days=1.0)
        add_activity(session, activity_date=dt.date(2024, 6, 1), forum="UN General Assembly", effort_days=2.0)
        session.commit()
    return app_database


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_and_admins_add_a_target_through_the_one_write_path(strategy_db, role):
    at = open_page(PAGE, role=role)
    assert [e.label for e in at.expander][:3] == [
        "Add a target",
        "Change or delete a target",
        "Import targets from a file",
    ]
    at.text_input(key="target_add_year").input("2026")
    at.selectbox(key="target_add_measure").set_value("kp_share_by_count")
    at.radio(key="target_add_direction").set_value("at_most")
    at.text_input(key="target_add_target").input("0,25")
    at.text_input(key="target_add_baseline_year").input("2019")
    at.text_input(key="target_add_baseline").input("0.6")
    _submit(at, "target_add", "Add this target")
    assert not at.exception
    assert "Target saved." in _texts(at, "success")
    assert _stored(strategy_db) == [(2026, "kp_share_by_count", "all", "at_most", 0.25, 1)]
    with _session(strategy_db) as session:
        [entry] = audit.history(session, session.scalar(select(Target.id)), "target")
    assert (entry.action, entry.actor) == ("insert", f"demo-{role}")
    # The same year, measure and scope again: refused in one sentence, nothing written.
    _submit(at, "target_add", "Add this target")
    assert any("exists already: edit it" in e for e in _texts(at, "error"))
    assert len(_stored(strategy_db)) == 1


def test_problems_are_shown_under_their_fields_and_nothing_is_saved(strategy_db):
    at = open_page(PAGE, role="staff")
    at.text_input(key="target_add_year").input("26")
    at.selectbox(key="target_add_measure").set_value("kp_share_by_effort")
    at.selectbox(key="target_add_scope").set_value("category:UN")
    at.text_input(key="target_add_target").input("lots")
    _submit(at, "target_add", "Add this target")
    errors = _texts(at, "error")
    assert errors == [
        "must be a year written YYYY",
        "must be a number",
        "Please correct the fields marked above: nothing was saved.",
    ]
    at.text_input(key="target_add_year").input("2026")
    at.text_input(key="target_add_target").input("20")
    _submit(at, "target_add", "Add this target")
    assert _texts(at, "error") == [
        "a KP share takes the scope all or a theme, not a forum category.",
        "a KP share is a fraction from 0 to 1 (write 0.2 for 20 %).",
        "Please correct the fields marked above: nothing was saved.",
    ]
    assert _stored(strategy_db) == []


def test_staff_change_then_delete_a_target(strategy_db):
    _save(strategy_db, year=2026, measure="activities", direction="at_least", target=10)
    at = open_page(PAGE, role="staff")
    [key] = [t.key for t in at.text_input if t.key.endswith("_target") and t.key.startswith("target_edit_")]
    form = key.removesuffix("_target")
    at.text_input(key=key).input("12")
    _submit(at, form, "Save changes")
    assert "Target saved." in _texts(at, "success")
    assert _stored(strategy_db) == [(2026, "activities", "all", "at_least", 12.0, 2)]
    form = form.removesuffix("_1") + "_2"
    _submit(at, form, "Delete")
    assert _texts(at, "error") == ["Tick “Delete this target” first, then press Delete."]
    assert len(_stored(strategy_db)) == 1
    at.checkbox(key=f"{form}_confirm").check()
    _submit(at, form, "Delete")
    assert "Target deleted." in _texts(at, "success")
    assert _stored(strategy_db) == []


def test_a_stale_edit_is_refused_in_one_sentence_and_writes_nothing(strategy_db):
    pk = _save(strategy_db, year=2026, measure="activities", direction="at_least", target=10)
    at = open_page(PAGE, role="staff")
    with _session(strategy_db) as session:  # someone else saves version 2 meanwhile
        targets.save_target(
            session,
            targets.TargetInput(year=2026, measure="activities", direction="at_least", target=11),
            "someone",
            target_pk=pk,
            expected_version=1,
        )
        session.commit()
    at.text_input(key=f"target_edit_{pk}_1_target").input("12")
    _submit(at, f"target_edit_{pk}_1", "Save changes")
    assert _texts(at, "error") == [
        "Someone else saved this target (now version 2) after you opened version 1: "
        "reload the page, then make your change again."
    ]
    assert _stored(strategy_db) == [(2026, "activities", "all", "at_least", 11.0, 2)]
    assert any("show the latest version" in w for w in _texts(at, "warning"))
    at.button(key=f"target_latest_{pk}").click().run()
    assert at.text_input(key=f"target_edit_{pk}_2_target").value == "11"
    at.text_input(key=f"target_edit_{pk}_2_target").input("12")
    _submit(at, f"target_edit_{pk}_2", "Save changes")
    assert _stored(strategy_db) == [(2026, "activities", "all", "at_least", 12.0, 3)]


GOOD = b"year,measure,scope,direction,target,baseline_year,baseline,note\n" + (
    b"2025,kp_share_by_effort,,at_most,0.3,2019,0.61,\n2026,outcomes,category:UN,at_least,4,,,UN\n"
)
BAD = GOOD + b"2026,kp_share_by_count,category:UN,at_most,0.2,,,\n2027,activities,all,upwards,x,,,\n"


def test_import_previews_problems_then_imports_all_or_nothing(strategy_db):
    at = open_page(PAGE, role="admin")
    at.file_uploader(key="target_import_upload").upload("targets.csv", BAD, "text/csv").run()
    assert _texts(at, "error") == ["3 problems: nothing will be imported until the file is corrected."]
    assert at.code[0].value.splitlines() == [
        "row 4, column scope: a KP share takes the scope all or a theme, not a forum category.",
        "row 5, column direction: must be one of: at_most, at_least",
        "row 5, column target: must be a number",
    ]
    assert not [b for b in at.button if b.key == "target_import_go"]
    at.file_uploader(key="target_import_upload").upload("targets.csv", GOOD, "text/csv").run()
    assert "All 2 rows are valid. Dry run, nothing written yet. New: 2; updates: 0; unchanged: 0." in _texts(
        at, "success"
    )
    assert _stored(strategy_db) == []
    at.button(key="target_import_go").click().run()
    assert not at.exception
    assert "Imported. New: 2; updated: 0; unchanged: 0." in _texts(at, "success")
    assert _stored(strategy_db) == [
        (2025, "kp_share_by_effort", "all", "at_most", 0.3, 1),
        (2026, "outcomes", "category:UN", "at_least", 4.0, 1),
    ]


def test_members_see_targets_and_trends_but_no_form(strategy_db):
    _save(
        strategy_db, year=2024, measure="kp_share_by_effort", direction="at_most", target=0.3, baseline=0.61
    )
    _save(strategy_db, year=2026, measure="activities", direction="at_least", target=4)
    clear_caches()
    at = open_page(PAGE, role="member")
    assert not at.get("file_uploader") and not at.main.text_input
    assert not [b for b in at.button if b.key.startswith("FormSubmitter:target")]
    assert not [e for e in at.expander if e.label in ("Add a target", "Import targets from a file")]
    [table] = [d for d in at.dataframe if "status" in d.value.columns]
    assert table.value.to_dict("records") == [
        {
            "year": 2024,
            "measure": "KP share of staff-days",
            "scope": "all records",
            "target": "at most 30%",
            "actual": "33%",
            "status": "not met",
            "baseline": "61%",
            "note": "",
        },
        {
            "year": 2026,
            "measure": "Activities",
            "scope": "all records",
            "target": "at least 4",
            "actual": "0",
            "status": "not yet",
            "baseline": "",
            "note": "",
        },
    ]
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert chart_titles(at) == [
        "KP share of staff-days, all records: actual per year against the targets",
        "Activities, all records: actual per year against the targets",
    ]
    share = {t["name"]: t for t in specs[0]["data"]}
    assert share["Actual"]["x"] == [2024] and share["Actual"]["y"] == [0.3333]
    assert share["Target: not met"]["customdata"] == ["2024 · target: at most 30% · actual: 33% · not met"]


def test_funders_cannot_open_the_strategy_page(strategy_db):
    at = open_page(role="funder")
    with pytest.raises(ValueError):
        at.switch_page(PAGE)


def _share_traces(at) -> dict[str, dict]:
    # The Overview's share chart: the one whose title (above it) names the KP forums.
    titles = chart_titles(at)
    [spec] = [
        json.loads(c.proto.spec)
        for title, c in zip(titles, at.get("plotly_chart"), strict=True)
        if "KP forums" in title
    ]
    return {t["name"]: t for t in spec["data"]}


def test_the_overview_shift_chart_draws_the_kp_share_targets(strategy_db):
    at = open_page("pages/overview_dashboard.py", role="member")
    assert not [n for n in _share_traces(at) if n.startswith("Target")]  # only when targets exist
    _save(strategy_db, year=2024, measure="kp_share_by_effort", direction="at_most", target=0.3)
    _save(strategy_db, year=2026, measure="kp_share_by_count", direction="at_most", target=0.25)
    _save(strategy_db, year=2026, measure="activities", direction="at_least", target=4)
    _save(
        strategy_db,
        year=2026,
        measure="kp_share_by_count",
        scope="theme:Land rights",
        direction="at_most",
        target=0.1,
    )
    clear_caches()
    at = open_page("pages/overview_dashboard.py", role="member")
    traces = _share_traces(at)
    assert [n for n in traces if n.startswith("Target")] == [
        "Target, KP share by number of activities",
        "Target, KP share by staff-days",
    ]
    effort = traces["Target, KP share by staff-days"]
    assert (effort["x"], effort["y"], effort["text"]) == (["2024-01-01"], [0.3], ["Target"])
    assert effort["customdata"] == [
        "Target 2024 (KP share of staff-days): at most 30% · actual: 33% · not met"
    ]
    count = traces["Target, KP share by number of activities"]
    assert (count["x"], count["y"]) == (["2026-01-01"], [0.25])
    assert count["customdata"] == ["Target 2026 (KP share of activities): at most 25% · actual: – · not yet"]


def test_the_strategy_page_in_french(strategy_db, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    _save(
        strategy_db, year=2024, measure="kp_share_by_effort", direction="at_most", target=0.3, baseline=0.61
    )
    clear_caches()
    at = open_page(PAGE, role="staff")
    assert at.title[0].value == "Stratégie"
    assert [e.label for e in at.expander][:3] == [
        "Ajouter une cible",
        "Modifier ou supprimer une cible",
        "Importer des cibles depuis un fichier",
    ]
    [table] = [d for d in at.dataframe if "status" in d.value.columns]
    assert table.value.iloc[0][["target", "actual", "status"]].tolist() == [
        "au plus 30\u00a0%",
        "33\u00a0%",
        "non atteinte",
    ]
    [spec] = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert chart_titles(at) == [
        "Part du PK dans les jours-personne, tous les enregistrements\u00a0: "
        "réalisé par année face aux cibles"
    ]
    assert spec["layout"]["separators"] == ",\u202f"
