"""Illustrative demo results: two grants, about 40 outcomes and targets for 2020-2027.

Deterministic (fixed seed, no database ids), written through the one write paths
(``grants``, ``outcomes``, ``targets``), and labelled: outcome ids start ``demo-``,
grant ids ``DEMO-``, and every significance says it is illustrative demo data.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from tracker.db.demo_marker import DEMO_LABEL
from tracker.records import grants, outcomes, targets
from tracker.records.validation import ActivityInput

SEED = 20240601
DEMO_GRANTS = (
    (
        "DEMO-GRANT-1",
        "Illustrative Foundation (demo)",
        "Beyond the KP: engagement 2021-2023",
        "2021-01-01",
        "2023-12-31",
        240000,
        "USD",
    ),
    (
        "DEMO-GRANT-2",
        "Illustrative Trust (demo)",
        "Land, violence and benefits 2024-2026",
        "2024-01-01",
        "2026-12-31",
        180000,
        "EUR",
    ),
)
CHANGES = {
    "policy": "{actor} adopted a decision that takes up the coalition's proposal on {theme}",
    "practice": "{actor} changed how it works: it now consults affected communities on {theme}",
    "behaviour": "{actor} raised {theme} in its own statement for the first time",
    "relationship": "{actor} invited the coalition to work with it on {theme}",
    "discourse": "{actor} used the coalition's language on {theme} in a published report",
}
ACTORS = {
    "KP": ("The KP Working Group on Monitoring", "The KP plenary", "The KP ad hoc committee on review"),
    "UN": ("A UN special rapporteur", "The UN Human Rights Council", "A UN working group"),
    "Other international": ("The OECD working party", "The EITI board", "An industry standard body"),
    "Regional": ("A regional economic community", "An African Union body", "A regional parliament"),
    "National": ("A ministry of mines", "A parliamentary mining committee", "A district land board"),
}
TARGETS = (
    # measure, scope, direction, per-year targets 2020..2027, baseline year, baseline
    ("kp_share_by_effort", "all", "at_most", (0.5, 0.4, 0.35, 0.3, 0.25, 0.2, 0.2, 0.15), 2019, 0.7),
    ("outcomes", "category:UN", "at_least", (1, 1, 2, 2, 2, 3, 3, 3), 2019, 0),
    ("activities", "category:National", "at_least", (2, 3, 4, 4, 5, 5, 6, 6), 2019, 1),
)


def tag_with_grants(session: Session, records: list[ActivityInput]) -> list[ActivityInput]:
    """Create the demo grants and tag every other non-KP demo activity in each grant's period."""
    periods = []
    for grant_id, funder, title, start, end, amount, currency in DEMO_GRANTS:
        grants.save_grant(
            session,
            grants.GrantInput(
                grant_id=grant_id,
                funder=funder,
                title=title,
                start_date=start,
                end_date=end,
                amount=amount,
                currency=currency,
            ),
            "demo-data",
        )
        periods.append((grant_id, dt.date.fromisoformat(start), dt.date.fromisoformat(end)))
    tagged, flip = [], False
    kp = {"KP Plenary", "KP Intersessional", "KP working groups and committees", "Kimberley Process"}
    for record in records:
        grant_ids = [g for g, start, end in periods if start <= record.activity_date <= end]
        if grant_ids and record.forum not in kp:
            flip = not flip
            if flip:
                record = record.model_copy(update={"grants": grant_ids})
        tagged.append(record)
    return tagged


def demo_outcomes(records: list[ActivityInput], categories: dict[str, str]) -> list[outcomes.OutcomeInput]:
    """About 40 outcomes, each contributed to by one or two demo activities of its year and category."""
    rng = random.Random(SEED)
    by_year_category: dict[tuple[int, str], list[ActivityInput]] = {}
    for record in records:
        category = categories.get(record.forum)
        if category is not None and record.external_id:
            by_year_category.setdefault((record.activity_date.year, category), []).append(record)
    plan = [(2016, "KP"), (2017, "KP"), (2018, "KP"), (2019, "KP")]
    for year in range(2020, 2027):
        plan += [(year, "UN"), (year, "Regional"), (year, "National"), (year, "Other international")]
        plan += [(year, rng.choice(("UN", "National", "KP")))]
    made = []
    for number, (year, category) in enumerate(plan, start=1):
        pool = by_year_category.get((year, category))
        if not pool:
            continue
        contributors = rng.sample(pool, k=min(len(pool), rng.choice((1, 1, 2))))
        last = max(a.activity_date for a in contributors)
        day = min(last + dt.timedelta(days=rng.randrange(20, 120)), dt.date(2026, 11, 20))
        change_type = rng.choice(tuple(CHANGES))
        theme = contributors[0].themes[0]
        actor = rng.choice(ACTORS[category])
        restricted = category == "National" and any(a.confidentiality == "restricted" for a in contributors)
        made.append(
            outcomes.OutcomeInput(
                outcome_id=f"demo-OUT-{year}-{number:02d}",
                outcome_date=day,
                statement=CHANGES[change_type].format(actor=actor, theme=theme.lower()) + f" ({day:%B %Y}).",
                social_actor=actor,
                change_type=change_type,
                themes=[theme],
                forum=contributors[0].forum,
                country=contributors[0].country,
                significance=f"{DEMO_LABEL} Shows the shift's effect on {theme.lower()}.",
                contribution="Statements, submissions and meetings by the coalition (linked activities).",
                evidence_urls=["https://www.kpcivilsociety.org/"],
                substantiation=rng.choice(("unverified", "substantiated", "substantiated", "disputed")),
                positive=rng.random() > 0.1,
                intended=rng.random() > 0.15,
                activities=[a.external_id for a in contributors if a.external_id],
                confidentiality="restricted" if restricted else rng.choice(("public", "public", "internal")),
            )
        )
    return made


def seed_demo_results(session: Session, records: list[ActivityInput], categories: dict[str, str]) -> int:
    """Outcomes and targets after the demo activities exist; returns the outcomes added."""
    session.flush()
    made = demo_outcomes(records, categories)
    for record in made:
        outcomes.create_outcome(session, record, "demo-data")
    for measure, scope, direction, values, baseline_year, baseline in TARGETS:
        for year, value in zip(range(2020, 2028), values, strict=True):
            targets.save_target(
                session,
                targets.TargetInput(
                    year=year,
                    measure=measure,
                    scope=scope,
                    direction=direction,
                    target=value,
                    baseline_year=baseline_year,
                    baseline=baseline,
                    note=DEMO_LABEL,
                ),
                "demo-data",
            )
    return len(made)
