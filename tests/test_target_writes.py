"""Targets' one write path (add, edit, delete: audited and version-checked) and the trend
of each target's measure, on the hand-computed fixture of ``tests.test_targets``."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tracker.db.models import AuditEntry, Target
from tracker.errors import ValidationFailed, VersionConflict
from tracker.i18n import use_language
from tracker.records import audit, targets
from tracker.results import result_figures, results_views, target_status

from .test_targets import fixture  # noqa: F401  (the shared hand-computed records)


def _input(**overrides):
    values = {"year": 2026, "measure": "kp_share_by_effort", "direction": "at_most", "target": 0.2}
    values.update(overrides)
    return targets.TargetInput(**values)


def _entries(session) -> int:
    return session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.entity == "target"))


def test_adding_a_target_whose_year_measure_and_scope_exist_is_refused(session):
    targets.save_target(session, _input(), "a", expected_version=targets.NEW)
    session.commit()
    with pytest.raises(ValidationFailed, match="exists already: edit it"):
        targets.save_target(session, _input(target=0.1), "b", expected_version=targets.NEW)
    session.rollback()
    [stored] = targets.stored_targets(session)
    assert (stored["target"], stored["version"]) == (0.2, 1)


def test_an_edit_saves_a_new_version_and_may_change_year_measure_and_scope(session):
    target = targets.save_target(session, _input(baseline_year=2019, baseline=0.61), "a", expected_version=0)
    session.commit()
    targets.save_target(
        session,
        _input(year=2027, scope="theme:kp reform", target=0.15),
        "b",
        target_pk=target.id,
        expected_version=1,
    )
    session.commit()
    [stored] = targets.stored_targets(session)
    assert stored == {
        "id": target.id,
        "year": 2027,
        "measure": "kp_share_by_effort",
        "scope": "theme:KP reform",
        "direction": "at_most",
        "target": 0.15,
        "baseline_year": None,
        "baseline": None,
        "note": None,
        "version": 2,
    }
    history = audit.history(session, target.id, "target")
    assert [(e.action, e.actor) for e in history] == [("insert", "a"), ("update", "b")]
    assert history[1].before["version"] == 1 and history[1].after["version"] == 2


def test_a_stale_edit_or_delete_is_refused_in_one_sentence_and_writes_nothing(session):
    target = targets.save_target(session, _input(), "a", expected_version=targets.NEW)
    session.commit()
    targets.save_target(session, _input(target=0.25), "b", target_pk=target.id, expected_version=1)
    session.commit()
    entries = _entries(session)
    with pytest.raises(VersionConflict) as stale:
        targets.save_target(session, _input(target=0.3), "c", target_pk=target.id, expected_version=1)
    assert str(stale.value) == (
        "Someone else saved this target (now version 2) after you opened version 1: "
        "reload the page, then make your change again."
    )
    session.rollback()
    with pytest.raises(VersionConflict, match="now version 2"):
        targets.delete_target(session, target.id, 1, "c")
    session.rollback()
    assert [(t["target"], t["version"]) for t in targets.stored_targets(session)] == [(0.25, 2)]
    assert _entries(session) == entries


def test_delete_of_the_version_shown_is_audited_and_a_second_delete_is_told(session):
    target = targets.save_target(session, _input(note="Shift"), "a", expected_version=targets.NEW)
    session.commit()
    targets.delete_target(session, target.id, 1, "b")
    session.commit()
    assert session.scalar(select(func.count(Target.id))) == 0
    [_insert, deleted] = audit.history(session, target.id, "target")
    assert (deleted.action, deleted.actor, deleted.before["note"], deleted.after) == (
        "delete",
        "b",
        "Shift",
        None,
    )
    with pytest.raises(VersionConflict, match="deleted by someone else"):
        targets.delete_target(session, target.id, 1, "c")
    with pytest.raises(VersionConflict, match="deleted by someone else"):
        targets.save_target(session, _input(), "c", target_pk=target.id, expected_version=1)


def test_an_edit_onto_another_targets_year_measure_and_scope_is_refused(session):
    targets.save_target(session, _input(), "a", expected_version=targets.NEW)
    other = targets.save_target(session, _input(year=2027), "a", expected_version=targets.NEW)
    session.commit()
    with pytest.raises(ValidationFailed, match="Another target has this year"):
        targets.save_target(session, _input(year=2026), "b", target_pk=other.id, expected_version=1)


def test_saving_what_is_stored_changes_nothing(session):
    target = targets.save_target(session, _input(), "a", expected_version=targets.NEW)
    session.commit()
    entries = _entries(session)
    targets.save_target(session, _input(), "b", target_pk=target.id, expected_version=1)
    session.commit()
    assert targets.stored_targets(session)[0]["version"] == 1 and _entries(session) == entries


def _trend_targets(session):
    for year, measure, scope, direction, value, baseline in (
        (2024, "kp_share_by_effort", "all", "at_most", 0.3, 0.61),
        (2026, "kp_share_by_effort", "all", "at_most", 0.2, 0.61),
        (2025, "outcomes", "category:UN", "at_least", 1, None),
    ):
        targets.save_target(
            session,
            _input(
                year=year,
                measure=measure,
                scope=scope,
                direction=direction,
                target=value,
                baseline_year=2019 if baseline else None,
                baseline=baseline,
            ),
            "t",
        )
    session.commit()


def test_the_trend_of_each_measure_and_scope_by_hand(fixture):  # noqa: F811
    # Years with records: 2024 (activities, outcomes) and 2025 (outcome O5 only).
    # KP share by effort, all: 2024 2.0/6.0 = 0.3333; 2025 no activities -> None.
    # Outcomes in UN forums: 2024 O1 (O4 deleted) = 1; 2025 O5 = 1.
    _trend_targets(fixture)
    share, outcomes = target_status.target_trends(fixture)
    assert (share.measure, share.scope, share.actuals) == (
        "kp_share_by_effort",
        "all",
        [(2024, 0.3333), (2025, None)],
    )
    assert [(t.year, t.actual, t.met) for t in share.targets] == [(2024, 0.3333, False), (2026, None, None)]
    assert share.baselines == [(2019, 0.61)]
    assert (outcomes.scope, outcomes.actuals, outcomes.baselines) == (
        "category:UN",
        [(2024, 1), (2025, 1)],
        [],
    )
    assert [(t.year, t.met) for t in outcomes.targets] == [(2025, True)]


def test_the_trend_chart_and_its_numbers(fixture):  # noqa: F811
    _trend_targets(fixture)
    share_chart, outcome_chart = results_views.strategy_trends(fixture)
    traces = {t.name: t for t in share_chart.figure.data}
    assert list(traces) == ["Actual", "Baseline (2019)", "Target: not met", "Target: not yet"]
    assert (list(traces["Actual"].x), list(traces["Actual"].y)) == ([2024, 2025], [0.3333, None])
    assert (list(traces["Baseline (2019)"].x), list(traces["Baseline (2019)"].y)) == (
        [2019, 2026],
        [0.61, 0.61],
    )
    assert list(traces["Target: not met"].customdata) == [
        "2024 · target: at most 30% · actual: 33% · not met"
    ]
    assert traces["Target: not yet"].marker.color == result_figures.STATUS_COLOURS[None]
    assert (
        share_chart.figure.layout.title.text
        == "KP share of staff-days, all records: actual per year against the targets"
    )
    numbers = share_chart.numbers.astype(object)
    assert numbers.where(numbers.notna(), None).to_dict("records") == [
        {"Year": 2024, "Actual": 0.3333, "Direction": "at most", "Target": 0.3, "Status": "not met"},
        {"Year": 2025, "Actual": None, "Direction": "", "Target": None, "Status": ""},
        {"Year": 2026, "Actual": None, "Direction": "at most", "Target": 0.2, "Status": "not yet"},
    ]
    assert [t.name for t in outcome_chart.figure.data] == ["Actual", "Target: met"]
    with use_language("fr"):
        [french, _o] = results_views.strategy_trends(fixture)
    names = [t.name for t in french.figure.data]
    assert names == [
        "Réalisé",
        "Valeur de référence (2019)",
        "Cible\u00a0: non atteinte",
        "Cible\u00a0: pas encore",
    ]
    assert (
        french.figure.data[2].customdata[0]
        == "2024 · cible\u00a0: au plus 30\u00a0% · réalisé\u00a0: 33\u00a0% · non atteinte"
    )
    assert french.figure.layout.separators == ",\u202f"


def test_overview_share_targets_follow_the_filters(session):
    from tracker.results import views
    from tracker.results.filters import Filters

    for scope in ("all", "theme:KP reform"):
        targets.save_target(session, _input(year=2025, scope=scope), "t")
    targets.save_target(session, _input(year=2025, measure="outcomes", target=3), "t")
    session.commit()

    def scopes(filters):
        return [(r.year, r.target) for r in views.share_targets(session, filters).itertuples()]

    assert scopes(Filters()) == [(2025, 0.2)]
    assert len(views.share_targets(session, Filters(themes=("KP reform",)))) == 1
    assert scopes(Filters(date_from=dt.date(2026, 1, 1))) == []
    assert scopes(Filters(categories=("UN",))) == []
    assert scopes(Filters(themes=("KP reform", "Land rights"))) == []


def test_the_trend_charts_share_axis_reads_like_the_tables_in_french():
    trend = target_status.Trend("kp_share_by_count", "all", [(2024, 0.5)], [], [])
    with use_language("fr"):
        figure = result_figures.trend_figure(trend)
    assert list(figure.layout.yaxis.ticktext) == [
        "0\u00a0%",
        "20\u00a0%",
        "40\u00a0%",
        "60\u00a0%",
        "80\u00a0%",
        "100\u00a0%",
    ]
    assert figure.layout.yaxis.tickformat is None
