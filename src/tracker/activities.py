"""Writing activities: create, update, soft-delete and restore, each audited.

Every write goes through here (entry form, import, CLI, demo data), so the audit log
and the optimistic-locking rule hold whatever the entry point.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker import audit
from tracker.errors import ValidationFailed, VersionConflict
from tracker.i18n import _
from tracker.models import Activity, Forum, ForumEvent, Organisation, Theme, utcnow
from tracker.validation import ActivityInput


def _by_name(session: Session, model, name: str):
    return session.scalar(select(model).where(func.lower(model.name) == name.strip().lower()))


def resolve_forum(session: Session, data: ActivityInput) -> Forum:
    forum = _by_name(session, Forum, data.forum)
    if forum is not None:
        return forum
    if data.forum_category is None:
        raise ValidationFailed(
            _("The forum “{name}” is new: give its forum category to create it.").format(name=data.forum)
        )
    forum = Forum(name=data.forum, category=data.forum_category)
    session.add(forum)
    return forum


def resolve_themes(session: Session, names: list[str]) -> list[Theme]:
    themes = []
    for name in names:
        theme = _by_name(session, Theme, name)
        if theme is None:
            raise ValidationFailed(
                _("“{name}” is not a known theme: an admin can add it to the theme list.").format(name=name)
            )
        themes.append(theme)
    return themes


def resolve_organisations(session: Session, names: list[str]) -> list[Organisation]:
    organisations = []
    for name in names:
        organisation = _by_name(session, Organisation, name)
        if organisation is None:
            organisation = Organisation(name=name)
            session.add(organisation)
        organisations.append(organisation)
    return organisations


def _apply(session: Session, activity: Activity, data: ActivityInput, actor: str) -> None:
    activity.forum = resolve_forum(session, data)
    activity.event = session.get(ForumEvent, data.event_id) if data.event_id else None
    # Sorted as the relationships load them, so snapshots compare equal across sessions.
    activity.themes = sorted(resolve_themes(session, data.themes), key=lambda t: t.name)
    activity.organisations = sorted(resolve_organisations(session, data.organisations), key=lambda o: o.name)
    activity.activity_date = data.activity_date
    activity.activity_type = data.activity_type
    activity.title = data.title
    activity.description = data.description
    activity.country = data.country
    activity.effort_days = data.effort_days
    activity.cost_usd = data.cost_usd
    activity.outcome = data.outcome
    activity.evidence_urls = "\n".join(data.evidence_urls) or None
    activity.confidentiality = data.confidentiality
    activity.external_id = data.external_id
    # Touching the row on every save makes the ORM bump the version even when only
    # the themes or organisations changed.
    activity.updated_at = utcnow()
    activity.updated_by = actor


def create_activity(session: Session, data: ActivityInput, actor: str) -> Activity:
    activity = Activity(created_by=actor, created_at=utcnow())
    _apply(session, activity, data, actor)
    session.add(activity)
    audit.record(session, actor, "insert", activity, before=None)
    return activity


def get_live_activity(session: Session, activity_id: int) -> Activity:
    activity = session.get(Activity, activity_id)
    if activity is None:
        raise ValidationFailed(_("Activity {id} does not exist.").format(id=activity_id))
    return activity


def _check_version(session: Session, activity: Activity, expected_version: int) -> None:
    if activity.version == expected_version:
        return
    seen = next(
        (
            e.after
            for e in audit.history(session, activity.id)
            if e.after and e.after.get("version") == expected_version
        ),
        None,
    )
    changes = audit.changed_fields(seen, audit.activity_snapshot(activity)) if seen else {}
    raise VersionConflict(
        _(
            "Someone else saved this activity (now version {now}) after you opened version {yours}: "
            "reload it, then make your change again."
        ).format(now=activity.version, yours=expected_version),
        changes,
    )


def update_activity(
    session: Session, activity_id: int, data: ActivityInput, expected_version: int, actor: str
) -> Activity:
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    before = audit.activity_snapshot(activity)
    _apply(session, activity, data, actor)
    audit.record(session, actor, "update", activity, before=before)
    return activity


def delete_activity(session: Session, activity_id: int, expected_version: int, actor: str) -> Activity:
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    before = audit.activity_snapshot(activity)
    activity.deleted_at = utcnow()
    activity.deleted_by = actor
    activity.updated_at = activity.deleted_at
    activity.updated_by = actor
    audit.record(session, actor, "delete", activity, before=before)
    return activity


def restore_activity(session: Session, activity_id: int, expected_version: int, actor: str) -> Activity:
    activity = get_live_activity(session, activity_id)
    _check_version(session, activity, expected_version)
    before = audit.activity_snapshot(activity)
    activity.deleted_at = None
    activity.deleted_by = None
    activity.updated_at = utcnow()
    activity.updated_by = actor
    audit.record(session, actor, "restore", activity, before=before)
    return activity
