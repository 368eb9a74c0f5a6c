"""``tracker summary --json``: outcomes and targets in two date ranges and by grant.

On top of the fixture of ``test_targets`` (its docstring), this adds:
  A5 2024-06-15 KP Intersessional (KP)  KP reform    1.5 days  grant G-1
  A6 2025-01-10 UN General Assembly (UN) Land rights 2.0 days  grant G-1 (after the grant)
  O6 2024-11-01 KP Intersessional relationship substantiated, contributed to by A5
  grant G-1: 2024-04-01 to 2024-12-31; A2 is tagged with it too.
Targets: 2024 kp_share_by_effort all at_most 0.5; 2025 activities all at_least 2.
Every activity costs US$ 100.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from tracker.errors import ValidationFailed
from tracker.records import grants, targets
from tracker.records.activities import get_live_activity, update_activity
from tracker.records.activity_fields import form_values
from tracker.records.validation import ActivityInput
from tracker.results.summary import summary

from .factories import add_activity
from .test_targets import _outcome, fixture  # noqa: F401  (the fixture is used by name)


@pytest.fixture
def world(fixture):  # noqa: F811
    session = fixture
    grants.save_grant(
        session,
        grants.GrantInput(
            grant_id="G-1",
            funder="Example Foundation",
            title="Shift",
            start_date="2024-04-01",
            end_date="2024-12-31",
            amount=50000,
            currency="usd",
        ),
        "t",
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 6, 15),
        forum="KP Intersessional",
        themes=["KP reform"],
        effort_days=1.5,
        external_id="A5",
        grants="G-1",
    )
    add_activity(
        session,
        activity_date=dt.date(2025, 1, 10),
        forum="UN General Assembly",
        themes=["Land rights"],
        effort_days=2.0,
        grants=["G-1"],
    )
    session.flush()
    a2 = next(a for a in _activities(session) if a.external_id == "A2")
    values = form_values(a2) | {"grants": ["G-1"]}
    update_activity(session, a2.id, ActivityInput(**values), a2.version, "t")
    _outcome(
        session,
        "O6",
        dt.date(2024, 11, 1),
        "KP Intersessional",
        "relationship",
        ["KP reform"],
        substantiation="substantiated",
        activities=["A5"],
    )
    for year, measure, direction, target in (
        (2024, "kp_share_by_effort", "at_most", 0.5),
        (2025, "activities", "at_least", 2),
    ):
        targets.save_target(
            session, targets.TargetInput(year=year, measure=measure, direction=direction, target=target), "t"
        )
    session.commit()
    return session


def _activities(session):
    from sqlalchemy import select

    from tracker.db.models import Activity

    return list(session.scalars(select(Activity)))


def _types(policy=0, practice=0, behaviour=0, relationship=0, discourse=0):
    return [
        {"change_type": "policy", "outcomes": policy},
        {"change_type": "practice", "outcomes": practice},
        {"change_type": "behaviour", "outcomes": behaviour},
        {"change_type": "relationship", "outcomes": relationship},
        {"change_type": "discourse", "outcomes": discourse},
    ]


def _categories(kp=0, un=0):
    return [
        {"category": "KP", "outcomes": kp},
        {"category": "UN", "outcomes": un},
        {"category": "Other international", "outcomes": 0},
        {"category": "Regional", "outcomes": 0},
        {"category": "National", "outcomes": 0},
    ]


def test_summary_json_for_2024(world):
    result = summary(world, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert (result["activities"], result["effort_days"], result["cost_usd"]) == (4, 7.5, 400.0)
    assert result["outcomes"] == {
        "count": 4,
        "substantiated": 2,
        "by_change_type": _types(policy=1, practice=1, relationship=1, discourse=1),
        "by_category": _categories(kp=2, un=1),
    }
    assert result["targets"] == [
        {
            "year": 2024,
            "measure": "kp_share_by_effort",
            "scope": "all",
            "direction": "at_most",
            "target": 0.5,
            "actual": 0.4667,
            "met": True,
        }
    ]
    json.dumps(result)  # plain JSON values only


def test_summary_json_for_2025(world):
    result = summary(world, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert (result["activities"], result["effort_days"]) == (1, 2.0)
    assert result["outcomes"] == {
        "count": 1,
        "substantiated": 0,
        "by_change_type": _types(behaviour=1),
        "by_category": _categories(un=1),
    }
    assert result["targets"] == [
        {
            "year": 2025,
            "measure": "activities",
            "scope": "all",
            "direction": "at_least",
            "target": 2.0,
            "actual": 1,
            "met": False,
        }
    ]


def test_summary_json_by_grant(world):
    result = summary(world, grant_id="g-1")
    # A2 and A5 are tagged and in the period; A6 is tagged but after it; A1 and A3 are not tagged.
    assert (result["activities"], result["effort_days"], result["cost_usd"]) == (2, 4.5, 200.0)
    assert [r for r in result["by_year"] if r["activities"]] == [
        {"year": 2024, "category": "KP", "activities": 1, "effort_days": 1.5},
        {"year": 2024, "category": "UN", "activities": 1, "effort_days": 3.0},
    ]
    assert result["kp_share"] == [{"year": 2024, "by_count": 0.5, "by_effort": 0.3333}]
    themes = {r["theme"]: (r["activities"], r["effort_days"]) for r in result["by_theme"]}
    assert themes["KP reform"] == (2, 4.5) and themes["Land rights"] == (1, 3.0)
    # O1 is linked to A2 but dated before the grant; O6 is linked to A5.
    assert result["outcomes"] == {
        "count": 1,
        "substantiated": 1,
        "by_change_type": _types(relationship=1),
        "by_category": _categories(kp=1),
    }
    assert [t["year"] for t in result["targets"]] == [2024]


def test_unknown_grant_is_one_sentence(world):
    with pytest.raises(ValidationFailed, match="no grant “G-9”"):
        summary(world, grant_id="G-9")


def test_activity_grants_round_trip_in_the_import_format(world):
    from tracker.records.activity_fields import import_format_row

    a5 = next(a for a in _activities(world) if a.external_id == "A5")
    assert import_format_row(get_live_activity(world, a5.id))["grants"] == "G-1"
    with pytest.raises(ValidationFailed, match="not a known grant"):
        add_activity(world, grants="G-2")


def test_grant_rules_and_funder_links(world):
    from tracker.access.accounts import create_user

    with pytest.raises(ValueError, match="ISO 4217"):
        grants.GrantInput(
            grant_id="G-2",
            funder="F",
            title="T",
            start_date="2024-01-01",
            end_date="2024-02-01",
            currency="XXY",
        )
    with pytest.raises(ValidationFailed, match="before the start"):
        grants.save_grant(
            world,
            grants.GrantInput(
                grant_id="G-2", funder="F", title="T", start_date="2024-03-01", end_date="2024-02-01"
            ),
            "t",
        )
    create_user(world, "fund", "a long enough password 1", "funder", "t")
    create_user(world, "mem", "a long enough password 1", "member", "t")
    grants.link_user(world, "fund", "G-1", "t")
    assert [g.grant_id for g in grants.grants_of_user(world, "fund")] == ["G-1"]
    with pytest.raises(ValidationFailed, match="only funder accounts"):
        grants.link_user(world, "mem", "G-1", "t")


def test_cli_summary_json_by_grant_and_grant_commands(use_database, tmp_path, capsys):
    from tracker.cli import main

    main(["init-db"])
    grant_file = tmp_path / "g.csv"
    grant_file.write_text(
        "grant_id;funder;title;start;end;amount;currency\nG-1;F;T;2024-01-01;2024-12-31;1500,5;EUR\n"
    )
    assert main(["import-grants", str(grant_file)]) == 0
    target_file = tmp_path / "t.csv"
    target_file.write_text("year,measure,scope,direction,target\n2024,activities,category:KP,at_least,1\n")
    assert main(["import-targets", str(target_file)]) == 0
    capsys.readouterr()
    assert main(["summary", "--json", "--grant", "G-1"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["activities"] == 0 and result["outcomes"]["count"] == 0
    assert result["targets"] == [
        {
            "year": 2024,
            "measure": "activities",
            "scope": "category:KP",
            "direction": "at_least",
            "target": 1.0,
            "actual": 0,
            "met": None,
        }
    ]
    assert main(["summary", "--json", "--grant", "G-1", "--from", "2024-01-01"]) == 1
    assert main(["link-grant", "nobody", "G-1"]) == 1
    assert "no account" in capsys.readouterr().err
