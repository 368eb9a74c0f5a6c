"""The living forum calendar (issue 19): one audited write path for events (Reference
lists and ``tracker add-event``), and the digest's coming month from the real calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tracker import cli
from tracker.db.models import AuditEntry, ForumEvent
from tracker.errors import ValidationFailed
from tracker.publish import digest
from tracker.records import reference_lists


def test_adding_and_correcting_an_event_is_audited(session):
    event = reference_lists.save_event(
        session,
        "ada",
        "KP Plenary",
        "KP Plenary 2028",
        dt.date(2028, 11, 1),
        source="https://www.kimberleyprocess.com/en/news",
        status="expected",
        date_precision="month",
    )
    reference_lists.save_event(
        session,
        "ada",
        "KP Plenary",
        "KP Plenary 2028",
        dt.date(2028, 11, 13),
        dt.date(2028, 11, 17),
        "Accra, Ghana",
        "https://www.kimberleyprocess.com/en/news",
        status="confirmed",
        event_id=event.id,
    )
    reference_lists.set_event_verified(session, event.id, "ada")
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "forum_event", AuditEntry.entity_id == event.id)
    ).all()
    assert [e.action for e in entries] == ["insert", "update", "update"]
    assert entries[0].after["start_date"] == "2028-11" and entries[0].after["status"] == "expected"
    assert entries[1].before["place"] is None and entries[1].after["place"] == "Accra, Ghana"
    assert (entries[2].before["verified"], entries[2].after["verified"]) == (False, True)
    assert (event.start_date, event.date_precision, event.status) == (
        dt.date(2028, 11, 13),
        "day",
        "confirmed",
    )
    # Saving without a change writes no audit entry.
    reference_lists.set_event_verified(session, event.id, "ada")
    assert session.query(AuditEntry).filter_by(entity="forum_event", entity_id=event.id).count() == 3


@pytest.mark.parametrize(
    ("source", "end"),
    [("kimberleyprocess.com", None), ("javascript:alert(1)", None), (None, dt.date(2028, 1, 1))],
)
def test_a_bad_source_or_end_is_refused_and_nothing_is_written(session, source, end):
    with pytest.raises(ValidationFailed):
        reference_lists.save_event(
            session, "ada", "EITI", "Board 2028", dt.date(2028, 2, 1), end, None, source
        )
    assert session.scalar(select(ForumEvent).where(ForumEvent.name == "Board 2028")) is None


def test_add_event_on_the_command_line(use_database, session, capsys):
    code = cli.main(
        [
            "add-event",
            "eiti",
            "EITI Board meeting, March 2028",
            "2028-03",
            "--place",
            "Oslo, Norway",
            "--source",
            "https://eiti.org/board-meetings",
            "--expected",
        ]
    )
    assert code == 0 and "expected" in capsys.readouterr().out
    session.expire_all()
    event = session.scalar(select(ForumEvent).where(ForumEvent.name == "EITI Board meeting, March 2028"))
    assert (event.start_date, event.date_precision, event.status, event.verified) == (
        dt.date(2028, 3, 1),
        "month",
        "expected",
        False,
    )
    assert (
        session.query(AuditEntry).filter_by(entity="forum_event", entity_id=event.id, actor="cli").count()
        == 1
    )
    assert cli.main(["add-event", "EITI", "Later", "2028-03-05", "--end", "2028-03-01"]) == 1
    assert "before the start" in capsys.readouterr().err


def test_the_digest_lists_the_coming_month_of_the_real_calendar(session):
    """The clock on 10 January 2027: February's expected meetings are in the next 31 days."""
    content = digest.content(session, "member", dt.date(2027, 1, 10))
    names = [e.name for e in content.events]
    assert names == ["AU Assembly, 40th ordinary session", "EITI Board meeting, February 2027"]
    assert all(e.expected for e in content.events)
    assert digest._event_line(content.events[0]).startswith("February 2027 (expected)")


def test_an_admin_marks_an_event_verified_on_reference_lists_and_staff_cannot(app_database):
    from tests.apptest import open_page
    from tracker.db import database

    with database.session_factory(app_database)() as session:
        event_id = session.scalar(select(ForumEvent.id).where(ForumEvent.name == "KP Plenary 2027"))
    staff = open_page("pages/reference_lists.py", role="staff")
    assert not [s for s in staff.selectbox if s.key == "lists_fix_event"]
    at = open_page("pages/reference_lists.py", role="admin")
    at.selectbox(key="lists_fix_event").select(event_id).run()
    at.button(key="lists_verify_event").click().run()
    assert not at.exception
    assert any("marked verified" in s.value for s in at.success)
    with database.session_factory(app_database)() as session:
        assert session.get(ForumEvent, event_id).verified is True
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "forum_event"))
        assert entry.actor == "demo-admin" and entry.after["verified"] is True
