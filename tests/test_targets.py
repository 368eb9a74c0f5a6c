"""Strategy targets and outcome counts on a hand-computed fixture.

2024 live activities (A4 is deleted and counts nowhere):
  A1 2024-02-01 KP Plenary (KP)               KP reform              2.0 days
  A2 2024-05-01 UN Human Rights Council (UN)  KP reform, Land rights 3.0 days
  A3 2024-09-01 UN General Assembly (UN)      Land rights            1.0 day
  all: 3 activities, 6.0 days; KP 1 activity, 2.0 days -> shares 1/3 = 0.3333 both ways
  theme KP reform: 2, 5.0 days, KP 1 / 2.0 -> by count 0.5, by effort 0.4
  theme Land rights: 2, 4.0 days, KP 0 -> 0.0
  category UN: 2, 4.0 days; category KP: 1, 2.0 days
2024 live outcomes (O4 deleted): O1 UN policy substantiated (Land rights), O2 KP practice
  (KP reform), O3 no forum discourse (Land rights). 2025: O5 UN behaviour, no activities.
2026: nothing at all.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.errors import ValidationFailed
from tracker.io import target_import
from tracker.records import outcomes, targets
from tracker.records.activities import delete_activity
from tracker.records.outcomes import OutcomeInput
from tracker.results import target_status

from .factories import add_activity


def _outcome(session, key, day, forum, change_type, themes, **extra):
    return outcomes.create_outcome(
        session,
        OutcomeInput(
            outcome_id=key,
            outcome_date=day,
            statement=f"Statement {key}",
            social_actor="Someone",
            change_type=change_type,
            themes=themes,
            forum=forum,
            **extra,
        ),
        "t",
    )


@pytest.fixture
def fixture(session):
    add_activity(
        session, activity_date=dt.date(2024, 2, 1), forum="KP Plenary", themes=["KP reform"], effort_days=2.0
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 5, 1),
        forum="UN Human Rights Council",
        themes=["KP reform", "Land rights"],
        effort_days=3.0,
        external_id="A2",
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 9, 1),
        forum="UN General Assembly",
        themes=["Land rights"],
        effort_days=1.0,
    )
    gone = add_activity(session, activity_date=dt.date(2024, 10, 1), forum="KP Plenary", effort_days=10.0)
    session.flush()
    delete_activity(session, gone.id, gone.version, "t")
    _outcome(
        session,
        "O1",
        dt.date(2024, 3, 1),
        "UN Human Rights Council",
        "policy",
        ["Land rights"],
        substantiation="substantiated",
        activities=["A2"],
    )
    _outcome(session, "O2", dt.date(2024, 6, 1), "KP Plenary", "practice", ["KP reform"])
    _outcome(session, "O3", dt.date(2024, 7, 1), None, "discourse", ["Land rights"])
    o4 = _outcome(session, "O4", dt.date(2024, 8, 1), "UN General Assembly", "policy", ["Land rights"])
    session.flush()
    outcomes.delete_outcome(session, o4.id, o4.version, "t")
    _outcome(session, "O5", dt.date(2025, 4, 1), "UN General Assembly", "behaviour", ["Land rights"])
    session.commit()
    return session


TARGETS = [
    # year, measure, scope, direction, target, expected actual, expected met
    (2024, "kp_share_by_effort", "all", "at_most", 0.3, 0.3333, False),
    (2024, "kp_share_by_count", "all", "at_most", 0.5, 0.3333, True),
    (2024, "kp_share_by_effort", "theme:KP reform", "at_least", 0.4, 0.4, True),
    (2024, "kp_share_by_count", "theme:KP reform", "at_least", 0.6, 0.5, False),
    (2024, "kp_share_by_count", "theme:Land rights", "at_most", 0.0, 0.0, True),
    (2024, "activities", "category:UN", "at_least", 3, 2, False),
    (2024, "activities", "theme:Land rights", "at_least", 2, 2, True),
    (2024, "effort_days", "category:KP", "at_most", 2, 2.0, True),
    (2024, "effort_days", "all", "at_least", 6.5, 6.0, False),
    (2024, "outcomes", "category:UN", "at_least", 1, 1, True),
    (2024, "outcomes", "theme:Land rights", "at_least", 3, 2, False),
    (2024, "outcomes", "all", "at_most", 3, 3, True),
    (2025, "kp_share_by_count", "all", "at_most", 0.2, None, None),
    (2025, "outcomes", "category:UN", "at_least", 1, 1, True),
    (2025, "activities", "all", "at_least", 1, 0, False),
    (2026, "activities", "all", "at_least", 5, 0, None),
    (2026, "kp_share_by_effort", "theme:Land rights", "at_most", 0.2, None, None),
]


def _load_targets(session):
    for year, measure, scope, direction, target, _a, _m in TARGETS:
        targets.save_target(
            session,
            targets.TargetInput(year=year, measure=measure, scope=scope, direction=direction, target=target),
            "t",
        )
    session.commit()


def test_every_measure_scope_and_direction_against_hand_computed_actuals(fixture):
    _load_targets(fixture)
    got = [s.as_json() for s in target_status.target_statuses(fixture)]
    expected = sorted(
        (
            {"year": y, "measure": m, "scope": s, "direction": d, "target": float(t), "actual": a, "met": met}
            for y, m, s, d, t, a, met in TARGETS
        ),
        key=lambda r: (r["year"], r["measure"], r["scope"]),
    )
    assert got == expected


def test_targets_in_a_range_are_those_whose_year_meets_it(fixture):
    _load_targets(fixture)
    years = {
        s.year for s in target_status.target_statuses(fixture, dt.date(2025, 6, 1), dt.date(2026, 1, 31))
    }
    assert years == {2025, 2026}


def test_outcome_counts_by_change_type_and_category(fixture):
    counts = target_status.outcome_counts(fixture, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert counts == {
        "count": 3,
        "substantiated": 1,
        "by_change_type": [
            {"change_type": "policy", "outcomes": 1},
            {"change_type": "practice", "outcomes": 1},
            {"change_type": "behaviour", "outcomes": 0},
            {"change_type": "relationship", "outcomes": 0},
            {"change_type": "discourse", "outcomes": 1},
        ],
        "by_category": [
            {"category": "KP", "outcomes": 1},
            {"category": "UN", "outcomes": 1},
            {"category": "Other international", "outcomes": 0},
            {"category": "Regional", "outcomes": 0},
            {"category": "National", "outcomes": 0},
        ],
    }
    everything = target_status.outcome_counts(fixture)
    assert everything["count"] == 4 and everything["by_category"][1] == {"category": "UN", "outcomes": 2}
    linked = target_status.outcome_counts(fixture, activity_ids=[])
    assert linked["count"] == 0


def test_import_refuses_a_kp_share_with_a_category_scope_by_row(session):
    data = (
        b"year;measure;scope;direction;target;baseline_year;baseline;note\n"
        b"2026;kp_share_by_effort;;at_most;0,2;2019;0,61;Shift\n"
        b"2026;kp_share_by_count;category:UN;at_most;0,2;;;\n"
        b"2026;outcomes;category:un;at_least;6;;;\n"
        b"2026;activities;theme:Nothing;sideways;x;;;\n"
    )
    plan, _result = target_import.import_targets(session, data, "t.csv", "t")
    assert [str(p) for p in plan.problems] == [
        "row 3, column scope: a KP share takes the scope all or a theme, not a forum category.",
        "row 5, column direction: must be one of: at_most, at_least",
        "row 5, column target: must be a number",
    ]
    assert target_status.target_statuses(session) == []


def test_import_creates_then_updates_by_year_measure_scope_and_audits(session):
    from tracker.records import audit

    data = (
        b"year,measure,scope,direction,target,baseline_year,baseline\n"
        b"2026,kp_share_by_effort,,at_most,0.2,2019,0.61\n"
        b"2026,outcomes,theme:land rights,at_least,6,,\n"
    )
    plan, _result = target_import.import_targets(session, data, "t.csv", "t")
    assert plan.problems == [] and len(plan.rows) == 2
    session.commit()
    again = data.replace(b"0.2,2019", b"0.25,2019")
    target_import.import_targets(session, again, "t.csv", "u")
    session.commit()
    statuses = target_status.target_statuses(session)
    assert [(s.measure, s.scope, s.target, s.baseline) for s in statuses] == [
        ("kp_share_by_effort", "all", 0.25, 0.61),
        ("outcomes", "theme:Land rights", 6.0, None),
    ]
    share = statuses[0]
    assert [e.action for e in audit.history(session, share.id, "target")] == ["insert", "update"]


def test_a_share_target_must_be_a_fraction(session):
    with pytest.raises(ValidationFailed, match="fraction"):
        targets.save_target(
            session,
            targets.TargetInput(year=2026, measure="kp_share_by_count", direction="at_most", target=20),
            "t",
        )
