"""One write path: the form service and the import leave the same audit entry; merges and
no-op saves go through ``activities``."""

import datetime as dt

from sqlalchemy import func, select

from tests.factories import activity_input
from tracker.db.models import Activity, AuditEntry, ForumEvent
from tracker.io import importer
from tracker.records import activity_fields, audit
from tracker.records.activities import create_activity, update_activity
from tracker.records.reference_lists import add_organisation, merge_organisations

HEADER = (
    "date,forum,forum_category,themes,activity_type,title,description,organisations,country,"
    "effort_days,cost_usd,outcome,evidence_url,confidentiality,external_id,event"
)


def _comparable(entry: AuditEntry) -> dict:
    after = dict(entry.after)
    after.pop("id")
    return after


def test_the_form_and_the_import_leave_the_same_audit_entry(session):
    event = session.scalar(select(ForumEvent).where(ForumEvent.name == "KP Plenary 2019"))
    record = activity_input(
        activity_date=dt.date(2019, 11, 18),
        forum="KP Plenary",
        event_id=event.id,
        themes=["Land rights", "KP reform"],
        title="Plenary statement",
        description="Read by the coordinator",
        organisations=["ZELA", "IPIS"],
        country="ZW",
        effort_days=2.5,
        cost_usd=1200.0,
        outcome="Quoted in the communiqué",
        evidence_urls=["https://example.org/a", "https://example.org/b"],
        confidentiality="restricted",
        external_id="form-1",
    )
    by_form = create_activity(session, record, "tester")
    session.flush()
    row = (
        "2019-11-18,KP Plenary,KP,KP reform;Land rights,statement,Plenary statement,Read by the coordinator,"
        "IPIS;ZELA,ZW,2.5,1200,Quoted in the communiqué,https://example.org/a https://example.org/b,"
        "restricted,import-1,KP Plenary 2019"
    )
    plan, result = importer.import_file(session, f"{HEADER}\n{row}\n".encode(), "f.csv", "tester")
    assert result is not None, [str(p) for p in plan.problems]
    session.flush()
    by_import = session.scalar(select(Activity).where(Activity.external_id == "import-1"))
    [form_entry] = audit.history(session, by_form.id)
    [import_entry] = audit.history(session, by_import.id)
    form_after, import_after = _comparable(form_entry), _comparable(import_entry)
    assert form_after.pop("external_id") == "form-1" and import_after.pop("external_id") == "import-1"
    assert form_after == import_after
    assert form_after["themes"] == ["KP reform", "Land rights"] and form_after["event"] == "KP Plenary 2019"
    # and the stored rows read back as the snapshot the log recorded
    assert activity_fields.snapshot(by_import) == import_entry.after


def test_a_merge_writes_new_versions_through_the_one_write_path(session):
    activity = create_activity(session, activity_input(organisations=["Zela dup"]), "tester")
    add_organisation(session, "Another")
    session.commit()
    assert merge_organisations(session, "Zela dup", "ZELA", "admin") == 1
    session.commit()
    entries = audit.history(session, activity.id)
    assert [e.action for e in entries] == ["insert", "update"]
    assert entries[1].after == activity_fields.snapshot(activity)
    assert entries[1].after["organisations"] == ["ZELA"] and activity.version == 2


def test_saving_an_edit_that_changes_nothing_creates_no_version(session):
    activity = create_activity(session, activity_input(), "tester")
    session.commit()
    update_activity(session, activity.id, activity_input(), 1, "editor")
    session.commit()
    assert activity.version == 1
    assert session.scalar(select(func.count()).select_from(AuditEntry)) == 1
