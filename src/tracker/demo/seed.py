"""Illustrative demo data: a deterministic story of the coalition's shift away from the KP.

Until 2019 most effort goes to KP plenaries, intersessionals and working groups, mostly
on KP reform; after the March 2020 decision it moves to the UN, regional bodies, other
international initiatives and national work on the three themes. Every record says it is
illustrative demo data (description and ``external_id`` prefix), and none names a person.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.access.accounts import create_user, find_user
from tracker.db.demo_marker import DEMO_LABEL, DEMO_PREFIX, has_demo_data
from tracker.db.models import Forum, ForumEvent, Organisation
from tracker.demo import results as demo_results
from tracker.records.activities import create_activity
from tracker.records.validation import ActivityInput

DEMO_ACTOR = "demo-data"
SEED = 20200304
LAST_DEMO_DATE = dt.date(2026, 11, 20)

ACTIVITIES_PER_YEAR = {
    2015: 26,
    2016: 28,
    2017: 30,
    2018: 32,
    2019: 34,
    2020: 22,
    2021: 30,
    2022: 32,
    2023: 34,
    2024: 36,
    2025: 36,
    2026: 30,
}
KP_FRACTION = {
    2015: 0.70,
    2016: 0.70,
    2017: 0.68,
    2018: 0.70,
    2019: 0.72,
    2020: 0.10,
    2021: 0.25,
    2022: 0.20,
    2023: 0.18,
    2024: 0.15,
    2025: 0.15,
    2026: 0.12,
}
NATIONAL_FORUMS = (
    ("Parliamentary mining committees", "Hearings and briefings of national parliaments."),
    ("Ministries of mines", "Dialogue with national ministries in charge of mining."),
    ("Community land dialogues", "Meetings with diamond-mining communities on land and benefits."),
)
NON_KP_FORUMS = {
    "UN": (
        "UN General Assembly",
        "UN Human Rights Council",
        "UN Forum on Business and Human Rights",
    ),
    "Other international": (
        "OECD Forum on Responsible Mineral Supply Chains",
        "EITI",
        "Responsible Jewellery Council",
    ),
    "Regional": (
        "African Union: African Mining Vision / African Minerals Development Centre",
        "SADC Protocol on Mining",
        "ICGLR Regional Initiative against the Illegal Exploitation of Natural Resources",
        "Mano River Union",
    ),
    "National": tuple(name for name, _ in NATIONAL_FORUMS),
}
CATEGORY_WEIGHTS_BEFORE = {"UN": 3, "Other international": 3, "Regional": 2, "National": 2}
CATEGORY_WEIGHTS_AFTER = {"UN": 25, "Other international": 20, "Regional": 25, "National": 30}
SHIFT_THEMES = ("Benefit redistribution", "Reduction of violence", "Land rights")
TYPES = {
    "KP": ("meeting", "statement", "submission", "side_event"),
    "UN": ("statement", "side_event", "submission", "meeting"),
    "Other international": ("meeting", "submission", "publication", "side_event"),
    "Regional": ("meeting", "statement", "training", "submission"),
    "National": ("training", "field_visit", "meeting", "campaign", "media", "publication"),
}
TYPE_PHRASES = {
    "meeting": "Participation in",
    "statement": "Statement to",
    "submission": "Written submission to",
    "side_event": "Side event at",
    "publication": "Briefing paper for",
    "media": "Media work around",
    "training": "Training workshop with",
    "field_visit": "Field visit with",
    "campaign": "Campaign action towards",
    "other": "Engagement with",
}
OUTCOMES = (
    "Coalition language taken up in the meeting's final document.",
    "Follow-up meeting agreed with the secretariat.",
    "Government delegation committed to report back on community benefits.",
    "Issue placed on the agenda of the next session.",
    "No change obtained; positions recorded for the next cycle.",
)


@dataclass(frozen=True)
class _Context:
    events_by_year: dict[tuple[str, int], list[ForumEvent]]
    organisations: list[Organisation]


def _ensure_national_forums(session: Session) -> None:
    for name, description in NATIONAL_FORUMS:
        if session.scalar(select(Forum).where(Forum.name == name)) is None:
            session.add(Forum(name=name, category="National", description=f"{description} ({DEMO_LABEL})"))
    session.flush()


def _random_date(rng: random.Random, year: int) -> dt.date:
    start = dt.date(year, 1, 1)
    end = min(dt.date(year, 12, 31), LAST_DEMO_DATE)
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


def _event_date(rng: random.Random, event: ForumEvent) -> dt.date:
    if event.date_precision != "day":
        return event.start_date + dt.timedelta(days=rng.randrange(20))
    last = event.end_date or event.start_date
    return event.start_date + dt.timedelta(days=rng.randrange((last - event.start_date).days + 1))


def _kp_activity(rng: random.Random, year: int, ctx: _Context) -> tuple[str, ForumEvent | None, dt.date]:
    meetings = ctx.events_by_year.get(("KP Plenary", year), []) + ctx.events_by_year.get(
        ("KP Intersessional", year), []
    )
    meetings = [e for e in meetings if e.start_date <= LAST_DEMO_DATE and e.verified]
    if meetings and rng.random() < 0.75:
        event = rng.choice(meetings)
        return event.forum.name, event, _event_date(rng, event)
    return "KP working groups and committees", None, _random_date(rng, year)


def _other_activity(rng: random.Random, year: int, ctx: _Context) -> tuple[str, ForumEvent | None, dt.date]:
    weights = CATEGORY_WEIGHTS_BEFORE if year < 2020 else CATEGORY_WEIGHTS_AFTER
    category = rng.choices(list(weights), weights=list(weights.values()))[0]
    forum = rng.choice(NON_KP_FORUMS[category])
    events = [e for e in ctx.events_by_year.get((forum, year), []) if e.start_date <= LAST_DEMO_DATE]
    if events and rng.random() < 0.6:
        event = rng.choice(events)
        return forum, event, _event_date(rng, event)
    return forum, None, _random_date(rng, year)


def _themes(rng: random.Random, year: int, is_kp: bool) -> list[str]:
    if is_kp and (year < 2020 or rng.random() < 0.6):
        extra = [rng.choice(SHIFT_THEMES)] if rng.random() < 0.3 else []
        return ["KP reform", *extra]
    if year < 2020 and rng.random() < 0.3:
        return ["KP reform"]
    return rng.sample(SHIFT_THEMES, k=1 if rng.random() < 0.7 else 2)


def demo_activities(session: Session) -> list[ActivityInput]:
    """The demo records, the same on every run (fixed seed, no dependence on database ids)."""
    rng = random.Random(SEED)
    events_by_year: dict[tuple[str, int], list[ForumEvent]] = {}
    for known in session.scalars(select(ForumEvent).order_by(ForumEvent.start_date, ForumEvent.name)):
        events_by_year.setdefault((known.forum.name, known.start_date.year), []).append(known)
    organisations = list(session.scalars(select(Organisation).order_by(Organisation.name)))
    ctx = _Context(events_by_year, organisations)

    records: list[ActivityInput] = []
    for year, count in ACTIVITIES_PER_YEAR.items():
        for _index in range(count):
            is_kp = rng.random() < KP_FRACTION[year]
            forum, event, date = (_kp_activity if is_kp else _other_activity)(rng, year, ctx)
            category = "KP" if is_kp else next(c for c, names in NON_KP_FORUMS.items() if forum in names)
            activity_type = rng.choice(TYPES[category])
            themes = _themes(rng, year, is_kp)
            members = rng.sample(ctx.organisations, k=rng.choice((1, 1, 2, 3)))
            where = event.name if event else forum
            effort = rng.choice((0.5, 1, 1.5, 2, 3, 4, 5)) * (2 if event and category == "KP" else 1)
            cost = round(rng.uniform(0, 4000 if event else 1200), -1)
            sensitive = category == "National" and "Reduction of violence" in themes and rng.random() < 0.5
            confidentiality = "restricted" if sensitive else rng.choice(("public", "internal", "internal"))
            records.append(
                ActivityInput(
                    activity_date=date,
                    forum=forum,
                    event_id=event.id if event else None,
                    themes=themes,
                    activity_type=activity_type,
                    title=f"{TYPE_PHRASES[activity_type]} {where}: {themes[0].lower()}",
                    description=f"{DEMO_LABEL} Coalition engagement on {', '.join(themes).lower()}.",
                    organisations=[m.name for m in members],
                    country=members[0].country if category == "National" else None,
                    effort_days=effort,
                    cost_usd=cost,
                    outcome=rng.choice(OUTCOMES) if rng.random() < 0.35 else None,
                    evidence_urls=["https://www.kpcivilsociety.org/"] if confidentiality == "public" else [],
                    confidentiality=confidentiality,
                    external_id=f"{DEMO_PREFIX}{len(records) + 1:04d}",
                )
            )
    return records


# Published in the README: these accounts exist only where the demo data was loaded.
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", "Demo administrator", "demo-admin-password"),
    ("demo-staff", "staff", "Demo staff member", "demo-staff-password"),
    ("demo-member", "member", "Demo member organisation", "demo-member-password"),
    ("demo-funder", "funder", "Demo funder", "demo-funder-password"),
)


def seed_demo_accounts(session: Session) -> int:
    """One demo account per role, marked as demo (the app shows a banner while any exists)."""
    added = 0
    for username, role, display_name, password in DEMO_ACCOUNTS:
        if find_user(session, username) is None:
            create_user(
                session,
                username,
                password,
                role,
                DEMO_ACTOR,
                display_name=display_name,
                organisation="ZELA" if role in ("staff", "member") else None,
                is_demo=True,
            )
            added += 1
    return added


def seed_demo(session: Session) -> int:
    """Add the demo activities and accounts unless already there; returns activities added."""
    seed_demo_accounts(session)
    if has_demo_data(session):
        return 0
    _ensure_national_forums(session)
    # Grants first (activities are tagged with them), outcomes and targets after.
    records = demo_results.tag_with_grants(session, demo_activities(session))
    for record in records:
        create_activity(session, record, actor=DEMO_ACTOR)
    categories = {f.name: f.category for f in session.scalars(select(Forum))}
    demo_results.seed_demo_results(session, records, categories)
    return len(records)
