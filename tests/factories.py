"""Small builders for hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.records.activities import create_activity
from tracker.records.validation import ActivityInput


def activity_input(**overrides: Any) -> ActivityInput:
    values: dict[str, Any] = {
        "activity_date": dt.date(2021, 6, 21),
        "forum": "KP Intersessional",
        "themes": ["KP reform"],
        "activity_type": "statement",
        "title": "Statement on the conflict-diamond definition",
        "effort_days": 1.5,
        "cost_usd": 100.0,
    }
    values.update(overrides)
    return ActivityInput(**values)


SECRET_FORUM = "Zq Secret Forum"
SECRET_EVENT = "Zq Secret Event 2024"
SECRET_ORGANISATION = "Zq Secret Organisation"
SECRET_DAY = dt.date(2024, 3, 7)


def add_activity(session, actor: str = "tester", **overrides: Any):
    return create_activity(session, activity_input(**overrides), actor=actor)


def add_restricted_records(session, grant_id: str, funder: str, **secret: Any) -> Any:
    """The restricted-names world (tests/test_restricted_names.py, the API's walk): one
    restricted activity and one restricted outcome carrying a forum, an event, an
    organisation and a country (Tuvalu) no other record carries, tagged with ``grant_id``
    (``funder`` is linked to it); a public and an internal activity at KP Plenary; a
    public outcome the restricted activity contributed to. ``secret``: more fields of the
    restricted activity. Returns the restricted activity."""
    from tracker.db.models import Forum, ForumEvent
    from tracker.records import grants, outcomes

    forum = Forum(name=SECRET_FORUM, category="Other international")
    session.add(forum)
    session.flush()
    event = ForumEvent(forum_id=forum.id, name=SECRET_EVENT, start_date=SECRET_DAY, verified=True)
    session.add(event)
    session.flush()
    grants.save_grant(
        session,
        grants.GrantInput(
            grant_id=grant_id,
            funder="Fund",
            title="Test grant",
            start_date="2024-01-01",
            end_date="2024-12-31",
        ),
        "tester",
    )
    grants.link_user(session, funder, grant_id, "tester")
    restricted = {
        "grants": [grant_id],
        "activity_date": SECRET_DAY,
        "forum": SECRET_FORUM,
        "event_id": event.id,
        "organisations": [SECRET_ORGANISATION],
        "country": "TV",
        "activity_type": "field_visit",
        "confidentiality": "restricted",
        "effort_days": 4,
        "title": "restricted title",
    }
    secret = add_activity(session, **{**restricted, **secret})
    for day, confidentiality in ((dt.date(2024, 2, 1), "public"), (dt.date(2024, 5, 1), "internal")):
        add_activity(
            session,
            activity_date=day,
            forum="KP Plenary",
            organisations=["IPIS"],
            country="BE",
            confidentiality=confidentiality,
            effort_days=1,
        )
    # Outcomes (Outcomes dashboard): a restricted one carrying the secret forum and
    # country, and a public one the restricted activity contributed to.
    for outcome_id, confidentiality in (("OUT-SECRET", "restricted"), ("OUT-PUBLIC", "public")):
        outcomes.create_outcome(
            session,
            outcomes.OutcomeInput(
                outcome_id=outcome_id,
                outcome_date=SECRET_DAY,
                statement=f"{confidentiality} outcome statement",
                social_actor="A ministry",
                change_type="practice",
                themes=["Land rights"],
                forum=SECRET_FORUM if confidentiality == "restricted" else "KP Plenary",
                country="TV" if confidentiality == "restricted" else None,
                confidentiality=confidentiality,
                activity_ids=[secret.id],
            ),
            "tester",
        )
    return secret
