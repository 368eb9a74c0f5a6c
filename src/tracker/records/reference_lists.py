"""Managing the reference lists: forums, events, themes, organisations, and merging duplicates.

A merge re-points every record that names the duplicate to the record kept, then removes
the duplicate: activities and events, outcomes (their forum and themes) and targets (a
``theme:NAME`` scope), each through its own write path, so every changed record gets a new
version and an audit entry. Grants name no forum, theme or organisation: a merge leaves them
as they are (their activities keep their grant links).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.db.models import (
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
from tracker.records.activities import change_activities
from tracker.records.outcomes import change_outcomes
from tracker.records.targets import rename_theme_scope
from tracker.records.validation import NAME_MAX, text_problem
from tracker.text.countries import display_name, to_alpha2
from tracker.vocabulary import FORUM_CATEGORIES, match_case_insensitive


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


def _unique(session: Session, model, name: str, what: str) -> None:
    if session.scalar(select(model.id).where(func.lower(model.name) == name.lower())) is not None:
        raise ValidationFailed(_("A {what} named “{name}” already exists.").format(what=what, name=name))


def _get(session: Session, model, name: str, what: str):
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


def add_event(
    session: Session,
    forum: str,
    name: str,
    start_date: dt.date,
    end_date: dt.date | None = None,
    place: str | None = None,
    source: str | None = None,
    verified: bool = True,
) -> ForumEvent:
    owner = _get(session, Forum, forum, _("forum"))
    name = _name(name, _("event"))
    if session.scalar(
        select(ForumEvent.id).where(
            ForumEvent.forum_id == owner.id, func.lower(ForumEvent.name) == name.lower()
        )
    ):
        raise ValidationFailed(_("The forum already has an event named “{name}”.").format(name=name))
    if end_date is not None and end_date < start_date:
        raise ValidationFailed(_("The end date is before the start date."))
    event = ForumEvent(
        forum_id=owner.id,
        name=name,
        start_date=start_date,
        end_date=end_date,
        place=_text(place, _("place")),
        source=_text(source, _("source")),
        verified=verified,
        date_precision="day",
    )
    session.add(event)
    session.flush()
    return event


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


def _repoint(session: Session, activities: list[Activity], actor: str, change) -> int:
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
        event.forum_id = target.id
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
        select(Forum.name, ForumEvent.name, ForumEvent.start_date, ForumEvent.place, ForumEvent.verified)
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
            [tuple(r) for r in events], columns=["forum", "event", "start", "place", "verified"]
        ),
    }
