"""Writing activities: create, update, soft-delete and restore, single or bulk, each audited.

Every write goes through here (entry form, import, reference-list merges, CLI, demo data),
so the audit log, the optimistic-locking rule and the record rules hold whatever the
entry point. A record is first turned into a ``Draft`` (names resolved to forums,
events, themes and organisations); the ORM row, the bulk insert and the audit snapshot
(``activity_fields.snapshot``, the only snapshot builder) are all made from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.orm import Session, selectinload

from tracker.db import database
from tracker.db.models import (
    Activity,
    AuditEntry,
    Forum,
    ForumEvent,
    Grant,
    Organisation,
    Theme,
    activity_grants,
    activity_organisations,
    activity_themes,
    utcnow,
)
from tracker.errors import ValidationFailed
from tracker.i18n import N_, _
from tracker.records import activity_fields, audit
from tracker.records.validation import ActivityInput

BATCH = 2000


# ---- names to records ----------------------------------------------------------------


class References:
    """Forums, events, themes and organisations by lower-case name, read once.

    With ``create=True`` a new forum (with its category) or organisation is added to the
    session; without, it is a transient object, enough to preview a snapshot.
    """

    def __init__(self, session: Session, create: bool = True):
        self.session = session
        self.create = create
        self.forums = {f.name.casefold(): f for f in session.scalars(select(Forum))}
        self.themes = {t.name.casefold(): t for t in session.scalars(select(Theme))}
        self.organisations = {o.name.casefold(): o for o in session.scalars(select(Organisation))}
        self.events = {e.id: e for e in session.scalars(select(ForumEvent))}
        self.grants = {g.grant_id.casefold(): g for g in session.scalars(select(Grant))}
        # external_id -> (id, deleted_at), or None once looked up and not found
        self._external_ids: dict[str, tuple[int, dt.datetime | None] | None] = {}

    def forum(self, name: str, category: str | None) -> Forum | None:
        found = self.forums.get(name.casefold())
        if found is None and category is not None:
            found = Forum(name=name, category=category)
            if self.create:
                self.session.add(found)
            self.forums[name.casefold()] = found
        return found

    def organisation(self, name: str) -> Organisation:
        found = self.organisations.get(name.casefold())
        if found is None:
            found = Organisation(name=name)
            if self.create:
                self.session.add(found)
            self.organisations[name.casefold()] = found
        return found

    def theme(self, name: str) -> Theme:
        found = self.themes.get(name.casefold())
        if found is None:
            found = Theme(name=name)
            if self.create:
                self.session.add(found)
            self.themes[name.casefold()] = found
        return found

    def load_external_ids(self, external_ids: Iterable[str]) -> None:
        wanted = [e for e in set(external_ids) if e and e not in self._external_ids]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            self._external_ids.update(dict.fromkeys(chunk))
            for activity_id, external_id, deleted_at in self.session.execute(
                select(Activity.id, Activity.external_id, Activity.deleted_at).where(
                    Activity.external_id.in_(chunk)
                )
            ):
                if external_id is not None:
                    self._external_ids[external_id] = (activity_id, deleted_at)

    def owner(self, external_id: str) -> tuple[int, dt.datetime | None] | None:
        """(id, deleted_at) of the activity holding ``external_id``, if any."""
        self.load_external_ids([external_id])
        return self._external_ids.get(external_id)

    def claim(self, external_id: str, activity_id: int) -> None:
        self._external_ids[external_id] = (activity_id, None)


@dataclass
class Draft:
    """An activity as it will be stored: the attributes ``activity_fields`` reads."""

    activity_date: dt.date
    forum: Forum
    event: ForumEvent | None
    themes: list[Theme]
    activity_type: str
    title: str
    description: str | None
    organisations: list[Organisation]
    country: str | None
    effort_days: float
    cost_usd: float
    outcome: str | None
    evidence_urls: str | None
    confidentiality: str
    external_id: str | None
    grants: list[Grant] = field(default_factory=list)
    id: int | None = None
    version: int = 1
    deleted_at: dt.datetime | None = None
    event_id: int | None = field(default=None)

    def snapshot(self) -> dict[str, Any]:
        return activity_fields.snapshot(self)


EVENT_OF_OTHER_FORUM = N_(
    "The event “{event}” belongs to another forum than “{forum}”: choose one of its events or none."
)
EXTERNAL_ID_TAKEN = N_(
    "“{id}” is already the external id of activity {other}: give another one or leave it empty."
)


def record_problems(
    refs: References, record: ActivityInput, activity_id: int | None = None, new_themes: bool = False
) -> list[tuple[str, str]]:
    """Every rule the database would check, as (field, message), before anything is written.

    Unknown themes are refused unless ``new_themes`` (an import, whose preview lists them).
    """
    problems: list[tuple[str, str]] = []
    forum = refs.forums.get(record.forum.casefold())
    if forum is None and record.forum_category is None:
        problems.append(
            (
                "forum_category",
                _("The forum “{name}” is new: give its forum category to create it.").format(
                    name=record.forum
                ),
            )
        )
    for name in record.themes:
        if not new_themes and name.casefold() not in refs.themes:
            problems.append(
                (
                    "themes",
                    _("“{name}” is not a known theme: an admin can add it to the theme list.").format(
                        name=name
                    ),
                )
            )
    if record.event_id is not None:
        event = refs.events.get(record.event_id)
        if event is None:
            problems.append(("event_id", _("The chosen forum event no longer exists: choose another.")))
        elif forum is None or event.forum_id != forum.id:
            problems.append(
                (
                    "event_id",
                    _(EVENT_OF_OTHER_FORUM).format(event=event.name, forum=record.forum),
                )
            )
    for grant_id in record.grants:
        if grant_id.casefold() not in refs.grants:
            problems.append(
                (
                    "grants",
                    _("“{id}” is not a known grant: add the grant first (tracker add-grant).").format(
                        id=grant_id
                    ),
                )
            )
    if record.external_id:
        owner = refs.owner(record.external_id)
        if owner is not None and owner[0] != activity_id:
            problems.append(
                (
                    "external_id",
                    _(EXTERNAL_ID_TAKEN).format(id=record.external_id, other=owner[0]),
                )
            )
    return problems


def check_record(
    session: Session, record: ActivityInput, activity_id: int | None = None
) -> dict[str, list[str]]:
    """The database rules for a record, by field, before any write (for the form to show beside fields)."""
    found: dict[str, list[str]] = {}
    for name, message in record_problems(References(session, create=False), record, activity_id):
        found.setdefault(name, []).append(message)
    return found


def _check(
    refs: References, record: ActivityInput, activity_id: int | None = None, new_themes: bool = False
) -> None:
    problems = record_problems(refs, record, activity_id, new_themes)
    if problems:
        raise ValidationFailed(problems[0][1], [m for _f, m in problems])


def draft(
    refs: References,
    record: ActivityInput,
    activity_id: int | None = None,
    version: int = 1,
    new_themes: bool = False,
) -> Draft:
    """The record resolved to reference rows (checked first: raises ValidationFailed)."""
    _check(refs, record, activity_id, new_themes)
    forum = refs.forum(record.forum, record.forum_category)
    assert forum is not None
    event = refs.events.get(record.event_id) if record.event_id is not None else None
    return Draft(
        activity_date=record.activity_date,
        forum=forum,
        event=event,
        event_id=event.id if event else None,
        themes=sorted({refs.theme(n) for n in record.themes}, key=lambda t: t.name),
        activity_type=record.activity_type,
        title=record.title,
        description=record.description,
        organisations=sorted({refs.organisation(n) for n in record.organisations}, key=lambda o: o.name),
        country=record.country,
        effort_days=record.effort_days,
        cost_usd=record.cost_usd,
        outcome=record.outcome,
        evidence_urls="\n".join(record.evidence_urls) or None,
        confidentiality=record.confidentiality,
        external_id=record.external_id,
        grants=sorted({refs.grants[g.casefold()] for g in record.grants}, key=lambda g: g.grant_id),
        id=activity_id,
        version=version,
    )


def changes(activity: Activity, new: Draft) -> dict[str, tuple[Any, Any]]:
    """What saving ``new`` over ``activity`` would change (empty: nothing)."""
    return audit.changed_fields(activity_fields.snapshot(activity), new.snapshot())


SCALARS = activity_fields.SCALARS  # the fields stored in columns of their own


def _apply(activity: Activity, new: Draft, actor: str) -> None:
    activity.forum = new.forum
    activity.event = new.event
    activity.themes = list(new.themes)
    activity.organisations = list(new.organisations)
    activity.grants = list(new.grants)
    for name in activity_fields.SCALARS:
        setattr(activity, name, getattr(new, name))
    # Touching the row on every save makes the ORM bump the version even when only
    # the themes or organisations changed.
    activity.updated_at = utcnow()
    activity.updated_by = actor


def likely_duplicates(session: Session, activity_date: dt.date, forum: str, title: str) -> list[int]:
    """Live activities with the same date, forum and title (case-insensitively), by id."""
    return list(
        session.scalars(
            select(Activity.id)
            .join(Forum, Forum.id == Activity.forum_id)
            .where(
                Activity.deleted_at.is_(None),
                Activity.activity_date == activity_date,
                func.lower(Forum.name) == forum.strip().lower(),
                func.lower(Activity.title) == title.strip().lower(),
            )
            .order_by(Activity.id)
        )
    )


# ---- single writes -------------------------------------------------------------------


def create_activity(
    session: Session, data: ActivityInput, actor: str, *, submitted_by: str | None = None
) -> Activity:
    """A new activity. ``submitted_by``: approving a member's submission, so its history
    names the submitter ("submit") and the reviewer, ``actor`` ("approve")."""
    refs = References(session)
    new = draft(refs, data)
    activity = Activity(created_by=actor, created_at=utcnow())
    _apply(activity, new, actor)
    session.add(activity)
    if submitted_by is not None:
        audit.record(session, submitted_by, "submit", activity, before=None)
    audit.record(session, actor, "approve" if submitted_by is not None else "insert", activity, before=None)
    return activity


def get_live_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise ValidationFailed(_("Activity {id} does not exist.").format(id=activity_id))
    return activity


def _check_version(session: Session, activity: Activity, expected_version: int) -> None:
    audit.check_version(
        session,
        "activity",
        activity.id,
        activity.version,
        expected_version,
        lambda: activity_fields.snapshot(activity),
        _(
            "Someone else saved this activity (now version {now}) after you opened version {yours}: "
            "reload it, then make your change again."
        ),
    )


def update_activity(
    session: Session, activity_id: int, data: ActivityInput, expected_version: int, actor: str
) -> Activity:
    """Save a new version; saving what is already stored changes nothing (no version, no entry)."""
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    if activity.deleted_at is not None:
        raise ValidationFailed(_("This activity is deleted: restore it before changing it."))
    new = draft(References(session), data, activity.id, activity.version)
    if not changes(activity, new):
        return activity
    before = activity_fields.snapshot(activity)
    _apply(activity, new, actor)
    audit.record(session, actor, "update", activity, before=before)
    return activity


def delete_activity(session: Session, activity_id: int, expected_version: int, actor: str) -> Activity:
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    before = activity_fields.snapshot(activity)
    activity.deleted_at = utcnow()
    activity.deleted_by = actor
    activity.updated_at = activity.deleted_at
    activity.updated_by = actor
    audit.record(session, actor, "delete", activity, before=before)
    return activity


def restore_activity(session: Session, activity_id: int, expected_version: int, actor: str) -> Activity:
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    before = activity_fields.snapshot(activity)
    activity.deleted_at = None
    activity.deleted_by = None
    activity.updated_at = utcnow()
    activity.updated_by = actor
    audit.record(session, actor, "restore", activity, before=before)
    return activity


def change_activities(
    session: Session, activities: list[Activity], actor: str, change: Callable[[Activity], None]
) -> int:
    """Apply ``change`` to each activity as one audited new version (reference-list merges)."""
    befores = {a.id: activity_fields.snapshot(a) for a in activities}
    for activity in activities:
        change(activity)
        activity.updated_at = utcnow()
        activity.updated_by = actor
    session.flush()
    for activity in activities:
        audit.record(session, actor, "update", activity, before=befores[activity.id])
    return len(activities)


# ---- bulk writes (the import) --------------------------------------------------------


def _row(new: Draft, actor: str, now: dt.datetime) -> dict[str, Any]:
    values = {name: getattr(new, name) for name in activity_fields.SCALARS}
    values.update(
        forum_id=new.forum.id,
        event_id=new.event.id if new.event else None,
        created_at=now,
        created_by=actor,
        updated_at=now,
        updated_by=actor,
        version=1,
    )
    return values


def create_activities(
    session: Session,
    records: list[ActivityInput],
    actor: str,
    progress: Callable[[int], None] | None = None,
    new_themes: bool = False,
) -> list[int]:
    """Insert many activities in bulk, each checked and audited like ``create_activity``."""
    refs = References(session)
    refs.load_external_ids(r.external_id for r in records if r.external_id)
    drafts = []
    for record in records:
        new = draft(refs, record, new_themes=new_themes)
        if record.external_id:
            refs.claim(record.external_id, -1)
        drafts.append(new)
    session.flush()  # new forums and organisations get their ids
    now = utcnow()
    table = cast(Table, Activity.__table__)
    ids: list[int] = []
    for start in range(0, len(drafts), BATCH):
        batch = drafts[start : start + BATCH]
        batch_ids = database.insert_many_returning_ids(session, table, [_row(d, actor, now) for d in batch])
        theme_links, organisation_links, grant_links, entries = [], [], [], []
        for activity_id, new in zip(batch_ids, batch, strict=True):
            new.id = activity_id
            theme_links += [{"activity_id": activity_id, "theme_id": t.id} for t in new.themes]
            organisation_links += [
                {"activity_id": activity_id, "organisation_id": o.id} for o in new.organisations
            ]
            grant_links += [{"activity_id": activity_id, "grant_id": g.id} for g in new.grants]
            entries.append(
                {
                    "at": now,
                    "actor": actor,
                    "action": "insert",
                    "entity": "activity",
                    "entity_id": activity_id,
                    "before": None,
                    "after": new.snapshot(),
                }
            )
        session.execute(insert(activity_themes), theme_links)
        if organisation_links:
            session.execute(insert(activity_organisations), organisation_links)
        if grant_links:
            session.execute(insert(activity_grants), grant_links)
        session.execute(insert(cast(Table, AuditEntry.__table__)), entries)
        ids += batch_ids
        if progress:
            progress(len(batch))
    return ids


def update_activities(
    session: Session,
    updates: list[tuple[int, ActivityInput]],
    actor: str,
    progress: Callable[[int], None] | None = None,
    new_themes: bool = False,
) -> int:
    """Save new versions of many live activities; unchanged ones get no version. Returns how many changed."""
    refs = References(session)
    refs.load_external_ids(r.external_id for _i, r in updates if r.external_id)
    changed = 0
    for start in range(0, len(updates), BATCH):
        batch = updates[start : start + BATCH]
        activities = {
            a.id: a
            for a in session.scalars(
                select(Activity)
                .where(Activity.id.in_([i for i, _r in batch]))
                .options(
                    selectinload(Activity.themes),
                    selectinload(Activity.organisations),
                    selectinload(Activity.forum),
                    selectinload(Activity.event),
                    selectinload(Activity.grants),
                )
            )
        }
        befores: dict[int, dict[str, Any]] = {}
        for activity_id, record in batch:
            activity = activities.get(activity_id)
            if activity is None:
                raise ValidationFailed(_("Activity {id} does not exist.").format(id=activity_id))
            if activity.deleted_at is not None:
                raise ValidationFailed(
                    _("Activity {id} is deleted: restore it first.").format(id=activity_id)
                )
            new = draft(refs, record, activity.id, activity.version, new_themes)
            if not changes(activity, new):
                continue
            befores[activity.id] = activity_fields.snapshot(activity)
            _apply(activity, new, actor)
        session.flush()
        for activity_id, before in befores.items():
            audit.record(session, actor, "update", activities[activity_id], before=before)
        changed += len(befores)
        if progress:
            progress(len(batch))
    return changed
