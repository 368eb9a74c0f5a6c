"""Merging duplicates on Reference lists re-points every record that names the duplicate:
activities, events, outcomes (forum, themes) and targets (``theme:NAME``), each audited;
grants keep their links. Runs on SQLite and PostgreSQL (the ``session`` fixture)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.factories import add_activity
from tracker.db.models import AuditEntry, ForumEvent, Outcome, Target, Theme
from tracker.errors import ValidationFailed
from tracker.records import audit, grants, outcomes, reference_lists, targets


def _outcome(session, **overrides) -> Outcome:
    values = {
        "outcome_id": "OUT-1",
        "outcome_date": dt.date(2024, 3, 2),
        "statement": "The working group adopted the rule",
        "social_actor": "KP Working Group on Monitoring",
        "change_type": "policy",
        "themes": ["KP reform"],
    }
    values.update(overrides)
    return outcomes.create_outcome(session, outcomes.OutcomeInput(**values), "tester")


def _target(session, scope: str, measure: str = "activities", year: int = 2024) -> Target:
    record = targets.TargetInput(year=year, measure=measure, scope=scope, direction="at_least", target=3)
    return targets.save_target(session, record, "tester", expected_version=targets.NEW)


def _grant(session) -> None:
    grants.save_grant(
        session,
        grants.GrantInput(
            grant_id="G-1", funder="Alpha Fund", title="Core", start_date="2024-01-01", end_date="2024-12-31"
        ),
        "tester",
    )


def _entries(session, entity: str, entity_id: int) -> list[AuditEntry]:
    return audit.history(session, entity_id, entity)


def test_merging_themes_repoints_activities_outcomes_and_a_theme_scoped_target(session):
    reference_lists.add_theme(session, "Land right")
    _grant(session)
    activity = add_activity(session, themes=["Land right", "KP reform"], grants=["G-1"])
    outcome = _outcome(session, themes=["Land right"])
    target = _target(session, "theme:Land right")
    session.commit()

    assert reference_lists.merge_themes(session, "Land right", "Land rights", "admin") == 1
    session.commit()

    assert session.scalar(select(Theme).where(Theme.name == "Land right")) is None
    assert [t.name for t in activity.themes] == ["KP reform", "Land rights"]
    assert [t.name for t in outcome.themes] == ["Land rights"] and outcome.version == 2
    assert target.scope == "theme:Land rights"
    assert [g.grant_id for g in activity.grants] == ["G-1"]
    [_, outcome_update] = _entries(session, "outcome", outcome.id)
    assert outcome_update.action == "update" and outcome_update.after["themes"] == ["Land rights"]
    [_, target_update] = _entries(session, "target", target.id)
    assert (target_update.before["scope"], target_update.after["scope"]) == (
        "theme:Land right",
        "theme:Land rights",
    )


def test_a_theme_merge_that_would_give_two_targets_one_scope_is_refused_and_changes_nothing(session):
    reference_lists.add_theme(session, "Land right")
    activity = add_activity(session, themes=["Land right"])
    _target(session, "theme:Land right")
    _target(session, "theme:Land rights")
    session.commit()

    with pytest.raises(ValidationFailed, match="delete one of the two targets"):
        reference_lists.merge_themes(session, "Land right", "Land rights", "admin")
    session.rollback()
    assert [t.name for t in activity.themes] == ["Land right"] and activity.version == 1
    scopes = sorted(session.scalars(select(Target.scope)))
    assert scopes == ["theme:Land right", "theme:Land rights"]


def test_merging_forums_repoints_activities_events_and_outcomes(session):
    reference_lists.add_forum(session, "KP Plenary dup", "KP")
    event = reference_lists.save_event(
        session, "test", "KP Plenary dup", "Extra session", dt.date(2024, 5, 1)
    )
    activity = add_activity(session, forum="KP Plenary dup", event_id=event.id)
    outcome = _outcome(session, forum="KP Plenary dup")
    category_target = _target(session, "category:KP")
    session.commit()

    assert reference_lists.merge_forums(session, "KP Plenary dup", "KP Plenary", "admin") == 1
    session.commit()

    assert activity.forum.name == "KP Plenary" and activity.event.name == "Extra session"
    assert session.get(ForumEvent, event.id).forum.name == "KP Plenary"
    assert outcome.forum.name == "KP Plenary" and outcome.version == 2
    [_, update] = _entries(session, "outcome", outcome.id)
    assert (update.before["forum"], update.after["forum"]) == ("KP Plenary dup", "KP Plenary")
    assert category_target.scope == "category:KP" and category_target.version == 1


def test_merging_organisations_leaves_outcomes_targets_and_grants_as_they_are(session):
    reference_lists.add_organisation(session, "Zela dup")
    _grant(session)
    activity = add_activity(session, organisations=["Zela dup"], grants=["G-1"])
    outcome = _outcome(session, activity_ids=[activity.id])
    target = _target(session, "all")
    session.commit()

    assert reference_lists.merge_organisations(session, "Zela dup", "ZELA", "admin") == 1
    session.commit()

    assert [o.name for o in activity.organisations] == ["ZELA"]
    assert [g.grant_id for g in activity.grants] == ["G-1"]
    assert [a.id for a in outcome.activities] == [activity.id] and outcome.version == 1
    assert target.version == 1
