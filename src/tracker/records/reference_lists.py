"""Managing the reference lists: forums, events, themes, organisations, and merging duplicates.

A merge re-points every record that names the duplicate to the record kept, then removes
the duplicate: activities and events, outcomes (their forum and themes) and targets (a
``theme:NAME`` scope), each through its own write path, so every changed record gets a new
version and an audit entry. Grants name no forum, theme or organisation: a merge leaves them
as they are (their activities keep their grant links).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import (
    EVENT_STATUSES,
    Activity,
    Forum,
    ForumEvent,
    Organisation,
    Outcome,
    Theme,
    activity_organisations,
    activity_themes,
)
from tracker.errors import ValidationFailed
from tracker.i18n import _
from tracker.records import audit
from tracker.records.activities import change_activities
from tracker.records.outcomes import change_outcomes
from tracker.records.targets import rename_theme_scope
from tracker.records.validation import NAME_MAX, is_web_url, text_problem
from tracker.text.countries import display_name, to_alpha2
from tracker.text.periods import format_partial_date
from tracker.vocabulary import FORUM_CATEGORIES, match_case_insensitive

_Named = TypeVar("_Named", Forum, Theme, Organisation)


def _name(value: str, what: str, limit: int = NAME_MAX) -> str:
    problem = text_problem(value, name=True)
    if problem:
        raise ValidationFailed(_("The {what} name {problem}").format(what=what, problem=problem))
    name = " ".join(value.split())
    if not name or len(name) > limit:
        raise ValidationFailed(_("A {what} name is 1 to {n} characters.").format(what=what, n=limit))
    return name


def _text(value: str | None, what: str) -> str | None:
    """Free text beside a name (a place, a source, a description): the same character rule."""
    problem = text_problem(value) if value else None
    if problem:
        raise ValidationFailed(_("The {what} {problem}").format(what=what, problem=problem))
    return value or None


def _unique(session: Session, model: type[Forum | Theme | Organisation], name: str, what: str) -> None:
    if session.scalar(select(model.id).where(func.lower(model.name) == name.lower())) is not None:
        raise ValidationFailed(_("A {what} named “{name}” already exists.").format(what=what, name=name))


def _get(session: Session, model: type[_Named], name: str, what: str) -> _Named:
    found = session.scalar(select(model).where(func.lower(model.name) == name.strip().lower()))
    if found is None:
        raise ValidationFailed(_("There is no {what} named “{name}”.").format(what=what, name=name))
    return found


def add_forum(session: Session, name: str, category: str, parent: str | None = None) -> Forum:
    name = _name(name, _("forum"))
    _unique(session, Forum, name, _("forum"))
    canonical = match_case_insensitive(category, FORUM_CATEGORIES)
    if canonical is None:
        raise ValidationFailed(_("The category must be one of: {c}.").format(c=", ".join(FORUM_CATEGORIES)))
    forum = Forum(
        name=name, category=canonical, parent=_get(session, Forum, parent, _("forum")) if parent else None
    )
    session.add(forum)
    session.flush()
    return forum


EVENT_ENTITY = "forum_event"


def event_snapshot(event: ForumEvent) -> dict[str, Any]:
    """The event as plain JSON values for the audit log (the forum by name)."""
    return {
        "forum": event.forum.name if event.forum is not None else None,
        "name": event.name,
        "start_date": format_partial_date(event.start_date, event.date_precision),
        "end_date": event.end_date.isoformat() if event.end_date else None,
        "place": event.place,
        "source": event.source,
        "status": event.status,
        "verified": event.verified,
        "note": event.note,
    }


def _source(value: str | None, before: str | None) -> str | None:
    """A new or changed source is a link (http or https) that a reader can follow; an old
    row's text source (the shipped history) may stay as it is."""
    value = _text(value.strip() if value else None, _("source"))
    if value is None or value == before:
        return value
    if not is_web_url(value) or any(c.isspace() for c in value):
        raise ValidationFailed(_("The source must be a link starting with http:// or https://."))
    return value


def save_event(
    session: Session,
    actor: str,
    forum: str,
    name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    place: str | None = None,
    source: str | None = None,
    status: str = "confirmed",
    verified: bool = False,
    note: str | None = None,
    event_id: int | None = None,
    date_precision: str = "day",
) -> ForumEvent:
    """The one write path of forum events: add one (``event_id`` None) or correct one,
    audited with before and after. Names are unique per forum; the end is never before
    the start; a source is a link."""
    owner = _get(session, Forum, forum, _("forum"))
    name = _name(name, _("event"))
    event = session.get(ForumEvent, event_id) if event_id is not None else None
    if event_id is not None and event is None:
        raise ValidationFailed(_("That event no longer exists: reload the page."))
    clash = select(ForumEvent.id).where(
        ForumEvent.forum_id == owner.id, func.lower(ForumEvent.name) == name.lower()
    )
    if event is not None:
        clash = clash.where(ForumEvent.id != event.id)
    if session.scalar(clash):
        raise ValidationFailed(_("The forum already has an event named “{name}”.").format(name=name))
    if end_date is not None and end_date < start_date:
        raise ValidationFailed(_("The end date is before the start date."))
    if status not in EVENT_STATUSES:
        raise ValidationFailed(_("The status must be confirmed or expected."))
    if date_precision not in ("day", "month", "year"):
        date_precision = "day"
    before = event_snapshot(event) if event is not None else None
    values: dict[str, Any] = {
        "forum_id": owner.id,
        "name": name,
        "start_date": start_date,
        "date_precision": date_precision,
        "end_date": end_date,
        "place": _text(place.strip() if place else None, _("place")),
        "source": _source(source, event.source if event is not None else None),
        "status": status,
        "verified": verified,
        "note": _text(note.strip() if note else None, _("note")),
    }
    if event is None:
        event = ForumEvent(**values)
        session.add(event)
    else:
        for key, value in values.items():
            setattr(event, key, value)
    session.flush()
    session.refresh(event, ["forum"])
    after = event_snapshot(event)
    if before != after:
        audit.record_entry(
            session, actor, "insert" if before is None else "update", EVENT_ENTITY, event.id, before, after
        )
    return event


def set_event_verified(session: Session, event_id: int, actor: str, verified: bool = True) -> ForumEvent:
    """An administrator checked (or un-checked) the event against its source: through ``save_event``."""
    event = session.get(ForumEvent, event_id)
    if event is None:
        raise ValidationFailed(_("That event no longer exists: reload the page."))
    return save_event(
        session,
        actor,
        event.forum.name,
        event.name,
        event.start_date,
        event.end_date,
        event.place,
        event.source,
        status=event.status,
        verified=verified,
        note=event.note,
        event_id=event.id,
        date_precision=event.date_precision,
    )


def add_theme(session: Session, name: str, description: str | None = None) -> Theme:
    name = _name(name, _("theme"), 100)
    _unique(session, Theme, name, _("theme"))
    theme = Theme(name=name, description=_text(description, _("description")))
    session.add(theme)
    session.flush()
    return theme


def add_organisation(session: Session, name: str, country: str | None = None) -> Organisation:
    name = _name(name, _("organisation"))
    _unique(session, Organisation, name, _("organisation"))
    code = to_alpha2(country) if country else None
    if country and code is None:
        raise ValidationFailed(_("“{c}” is not a known country.").format(c=country))
    organisation = Organisation(name=name, country=code)
    session.add(organisation)
    session.flush()
    return organisation


def _repoint(
    session: Session, activities: list[Activity], actor: str, change: Callable[[Activity], None]
) -> int:
    return change_activities(session, activities, actor, change)


def merge_organisations(session: Session, duplicate: str, keep: str, actor: str) -> int:
    """Move every activity of ``duplicate`` to ``keep``, then delete ``duplicate``."""
    source, target = (
        _get(session, Organisation, duplicate, _("organisation")),
        _get(session, Organisation, keep, _("organisation")),
    )
    if source.id == target.id:
        raise ValidationFailed(_("Choose two different organisations."))
    affected = list(
        session.scalars(select(Activity).where(Activity.organisations.any(Organisation.id == source.id)))
    )

    def change(activity: Activity) -> None:
        kept = [o for o in activity.organisations if o.id != source.id]
        activity.organisations = sorted({*kept, target}, key=lambda o: o.name)

    count = _repoint(session, affected, actor, change)
    target.country = target.country or source.country
    session.delete(source)
    return count


def merge_themes(session: Session, duplicate: str, keep: str, actor: str) -> int:
    source, target = _get(session, Theme, duplicate, _("theme")), _get(session, Theme, keep, _("theme"))
    if source.id == target.id:
        raise ValidationFailed(_("Choose two different themes."))
    rename_theme_scope(session, source.name, target.name, actor)
    affected = list(session.scalars(select(Activity).where(Activity.themes.any(Theme.id == source.id))))

    def change(record: Activity | Outcome) -> None:
        kept = [t for t in record.themes if t.id != source.id]
        record.themes = sorted({*kept, target}, key=lambda t: t.name)

    count = _repoint(session, affected, actor, change)
    outcomes = list(session.scalars(select(Outcome).where(Outcome.themes.any(Theme.id == source.id))))
    change_outcomes(session, outcomes, actor, change)
    session.flush()
    session.delete(source)
    return count


def merge_forums(session: Session, duplicate: str, keep: str, actor: str) -> int:
    source, target = _get(session, Forum, duplicate, _("forum")), _get(session, Forum, keep, _("forum"))
    if source.id == target.id:
        raise ValidationFailed(_("Choose two different forums."))
    for event in session.scalars(select(ForumEvent).where(ForumEvent.forum_id == source.id)):
        event.forum = target
    for child in session.scalars(select(Forum).where(Forum.parent_id == source.id)):
        child.parent_id = target.id
    affected = list(session.scalars(select(Activity).where(Activity.forum_id == source.id)))
    count = _repoint(session, affected, actor, lambda a: setattr(a, "forum", target))
    outcomes = list(session.scalars(select(Outcome).where(Outcome.forum_id == source.id)))
    change_outcomes(session, outcomes, actor, lambda o: setattr(o, "forum", target))
    session.flush()
    session.delete(source)
    return count


def reference_tables(session: Session) -> dict[str, pd.DataFrame]:
    """The four lists with how many live activities use each entry."""
    live = Activity.deleted_at.is_(None)
    forums = session.execute(
        select(Forum.name, Forum.category, func.count(Activity.id))
        .outerjoin(Activity, (Activity.forum_id == Forum.id) & live)
        .group_by(Forum.id)
        .order_by(Forum.category, Forum.name)
    ).all()
    themes = session.execute(
        select(Theme.name, Theme.description, func.count(Activity.id))
        .outerjoin(activity_themes, activity_themes.c.theme_id == Theme.id)
        .outerjoin(Activity, (Activity.id == activity_themes.c.activity_id) & live)
        .group_by(Theme.id)
        .order_by(Theme.name)
    ).all()
    organisations = session.execute(
        select(Organisation.name, Organisation.country, func.count(Activity.id))
        .outerjoin(activity_organisations, activity_organisations.c.organisation_id == Organisation.id)
        .outerjoin(Activity, (Activity.id == activity_organisations.c.activity_id) & live)
        .group_by(Organisation.id)
        .order_by(Organisation.name)
    ).all()
    events = session.execute(
        select(
            ForumEvent.id,
            Forum.name,
            ForumEvent.name,
            ForumEvent.start_date,
            ForumEvent.date_precision,
            ForumEvent.end_date,
            ForumEvent.place,
            ForumEvent.status,
            ForumEvent.verified,
            ForumEvent.source,
            ForumEvent.note,
        )
        .join(Forum, Forum.id == ForumEvent.forum_id)
        .order_by(ForumEvent.start_date.desc())
    ).all()
    return {
        "forums": pd.DataFrame([tuple(r) for r in forums], columns=["forum", "category", "activities"]),
        "themes": pd.DataFrame([tuple(r) for r in themes], columns=["theme", "description", "activities"]),
        "organisations": pd.DataFrame(
            [(n, display_name(c), k) for n, c, k in organisations],
            columns=["organisation", "country", "activities"],
        ),
        "events": pd.DataFrame(
            [
                (
                    event_id,
                    forum,
                    name,
                    # As the admin types them in the correction form below the table.
                    format_partial_date(start, precision),
                    end.isoformat() if end else "",
                    place or "",
                    status,
                    verified,
                    source or "",
                    note or "",
                )
                for (
                    event_id,
                    forum,
                    name,
                    start,
                    precision,
                    end,
                    place,
                    status,
                    verified,
                    source,
                    note,
                ) in events
            ],
            columns=["id", "forum", "event", "start", "end", "place", "status", "verified", "source", "note"],
        ),
    }
