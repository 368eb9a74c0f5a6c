import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.factories import activity_input, add_activity
from tracker.db.models import Activity, AuditEntry, Forum, Organisation
from tracker.errors import ValidationFailed, VersionConflict
from tracker.records import audit
from tracker.records.activities import delete_activity, restore_activity, update_activity


def test_new_activity_is_stored_with_its_themes_organisations_and_an_insert_audit(session):
    activity = add_activity(session, themes=["land rights", "KP reform"], organisations=["zela", "New Org"])
    session.commit()
    assert [t.name for t in activity.themes] == ["KP reform", "Land rights"]
    assert [o.name for o in activity.organisations] == ["New Org", "ZELA"]
    assert activity.version == 1 and activity.created_by == "tester"
    [entry] = audit.history(session, activity.id)
    assert (entry.action, entry.actor, entry.before) == ("insert", "tester", None)
    assert entry.after["title"] == activity.title and entry.after["version"] == 1
    assert (
        session.scalar(select(func.count()).select_from(Organisation).where(Organisation.name == "New Org"))
        == 1
    )


def test_update_bumps_the_version_and_logs_before_and_after(session):
    activity = add_activity(session)
    session.commit()
    update_activity(
        session, activity.id, activity_input(title="Revised", themes=["Land rights"]), 1, "editor"
    )
    session.commit()
    assert activity.version == 2 and activity.updated_by == "editor"
    entries = audit.history(session, activity.id)
    assert [e.action for e in entries] == ["insert", "update"]
    assert entries[1].before["title"] != "Revised" and entries[1].after["title"] == "Revised"
    assert audit.changed_fields(entries[1].before, entries[1].after) == {
        "themes": (["KP reform"], ["Land rights"]),
        "title": ("Statement on the conflict-diamond definition", "Revised"),
    }


def test_changing_only_the_themes_still_counts_as_a_new_version(session):
    activity = add_activity(session)
    session.commit()
    update_activity(session, activity.id, activity_input(themes=["Land rights"]), 1, "editor")
    session.commit()
    assert activity.version == 2


def test_saving_over_a_newer_version_is_refused_with_what_changed(session):
    activity = add_activity(session)
    session.commit()
    update_activity(session, activity.id, activity_input(title="First editor"), 1, "first")
    session.commit()
    with pytest.raises(VersionConflict) as conflict:
        update_activity(session, activity.id, activity_input(title="Second editor"), 1, "second")
    session.rollback()
    assert conflict.value.changes["title"][1] == "First editor"
    stored = session.get(Activity, activity.id)
    assert stored.title == "First editor" and stored.version == 2
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 2


def test_soft_delete_and_restore_are_audited(session):
    activity = add_activity(session)
    session.commit()
    delete_activity(session, activity.id, 1, "staff")
    session.commit()
    assert activity.deleted_at is not None and activity.deleted_by == "staff"
    restore_activity(session, activity.id, 2, "staff")
    session.commit()
    assert activity.deleted_at is None and activity.version == 3
    assert [e.action for e in audit.history(session, activity.id)] == [
        "insert",
        "delete",
        "restore",
    ]


def test_unknown_theme_is_refused_and_nothing_is_written(session):
    with pytest.raises(ValidationFailed, match="not a known theme"):
        add_activity(session, themes=["Astrology"])
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Activity)) == 0


def test_new_forum_needs_a_category(session):
    with pytest.raises(ValidationFailed, match="give its forum category"):
        add_activity(session, forum="Brand new forum")
    session.rollback()
    activity = add_activity(session, forum="Brand new forum", forum_category="regional")
    assert activity.forum.category == "Regional"
    assert session.scalar(select(Forum).where(Forum.name == "Brand new forum")) is not None


def test_database_refuses_negative_effort_even_past_validation(session):
    activity = add_activity(session)
    session.commit()
    activity.effort_days = -1
    with pytest.raises(Exception):  # noqa: B017 - the CHECK constraint, raised as IntegrityError
        session.commit()
    session.rollback()
    assert session.get(Activity, activity.id).effort_days == 1.5


def test_activity_date_and_country_are_stored_as_given(session):
    activity = add_activity(session, country="Zimbabwe", activity_date=dt.date(2020, 3, 3))
    session.commit()
    assert (activity.country, activity.activity_date) == ("ZW", dt.date(2020, 3, 3))
