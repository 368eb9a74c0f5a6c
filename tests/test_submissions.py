"""Member submissions (issue 18): the states and who may move them, organisation isolation,
approval through the activity write path, and that nothing counts before approval."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from tests.factories import add_activity
from tracker import cli
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import Activity, Outcome, Submission
from tracker.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from tracker.io import exports, submission_import
from tracker.records import entry, submissions
from tracker.results import analytics, views
from tracker.results.filters import Filters
from tracker.results.summary import summary

PASSWORD = "correct horse battery staple"
FIELDS = {
    "date": "2026-10-02",
    "forum": "KP Intersessional",
    "themes": "Land rights",
    "activity_type": "meeting",
    "title": "Village land meeting in Marange",
    "effort_days": "2",
}


def make(session, username: str, role: str, organisation: str | None = None, email: str | None = None):
    account = accounts.create_user(
        session, username, PASSWORD, role, "test", organisation=organisation, email=email
    )
    session.commit()
    return account


@pytest.fixture
def people(session):
    return {
        "zela": make(session, "zela-member", "member", "ZELA", "zela@example.org"),
        "cnrg": make(session, "cnrg-member", "member", "CNRG"),
        "nobody": make(session, "loose-member", "member"),
        "staff": make(session, "staff-reviewer", "staff"),
        "admin": make(session, "admin-reviewer", "admin"),
        "funder": make(session, "a-funder", "funder"),
    }


def test_a_member_submits_for_its_own_organisation_and_sees_only_its_own(session, people):
    mine = submissions.submit(session, people["zela"], FIELDS)
    theirs = submissions.submit(session, people["cnrg"], {**FIELDS, "title": "Other"})
    session.commit()
    assert mine.status == "submitted" and mine.organisation == "ZELA"
    assert mine.fields["organisations"] == "ZELA"  # the organisation is filled in
    assert mine.confidentiality == "internal"
    assert [s.id for s in submissions.list_for(session, people["zela"])] == [mine.id]
    assert [s.id for s in submissions.list_for(session, people["staff"])] == [mine.id, theirs.id]
    with pytest.raises(NotFound):
        submissions.get_for(session, people["zela"], theirs.id)
    with pytest.raises(PermissionDenied):
        submissions.submit(session, people["zela"], FIELDS, organisation="CNRG")
    with pytest.raises(PermissionDenied):
        submissions.submit(session, people["nobody"], FIELDS)
    with pytest.raises(PermissionDenied):
        submissions.submit(session, people["funder"], FIELDS, organisation="ZELA")
    with pytest.raises(PermissionDenied):
        submissions.list_for(session, people["funder"])
    assert submissions.list_for(session, people["nobody"]) == []
    staff_made = submissions.submit(session, people["staff"], FIELDS, organisation="CNRG")
    assert staff_made.organisation == "CNRG"
    with pytest.raises(ValidationFailed):
        submissions.submit(session, people["staff"], FIELDS)


def test_problems_name_each_field_in_the_import_format(session, people):
    with pytest.raises(ValidationFailed) as caught:
        submissions.submit(
            session,
            people["zela"],
            {
                "date": "02/10/2026",
                "forum": "KP Intersessional",
                "themes": "Galaxy",
                "title": "",
                "colour": "x",
            },
        )
    assert set(caught.value.by_field) == {"colour"}
    with pytest.raises(ValidationFailed) as caught:
        submissions.submit(
            session, people["zela"], {**FIELDS, "date": "02/10/2026", "title": "", "effort_days": "-1"}
        )
    assert {"date", "title", "effort_days"} <= set(caught.value.by_field)
    with pytest.raises(ValidationFailed) as caught:
        submissions.submit(session, people["zela"], {**FIELDS, "themes": "Galaxy"})
    assert "themes" in caught.value.by_field
    assert session.scalars(select(Submission)).all() == []


def test_approval_goes_through_the_activity_write_path_naming_both(session, people):
    submission = submissions.submit(session, people["zela"], FIELDS)
    session.commit()
    activity = submissions.approve(session, submission.id, people["staff"])
    session.commit()
    assert submission.status == "approved" and submission.activity_id == activity.id
    assert submission.reviewer == "staff-reviewer" and submission.reviewed_at is not None
    table = entry.history(session, activity.id)
    assert list(table["Who"]) == ["zela-member", "staff-reviewer"]
    assert list(table["What"]) == ["Submitted by a member organisation", "Approved and created"]
    assert activity.title == FIELDS["title"] and [o.name for o in activity.organisations] == ["ZELA"]
    with pytest.raises(ValidationFailed):
        submissions.approve(session, submission.id, people["staff"])  # already approved
    data = submissions.as_dict(submission)
    assert data["status"] == "approved" and data["reviewed_by"] == "staff-reviewer"
    assert data["activity"]["title"] == FIELDS["title"] and data["activity_id"] == activity.id
    json.dumps(data)


def test_the_reviewer_edits_before_approving_and_never_silently_lowers_confidentiality(session, people):
    submission = submissions.submit(session, people["zela"], {**FIELDS, "confidentiality": "restricted"})
    session.commit()
    with pytest.raises(ValidationFailed) as caught:
        submissions.approve(session, submission.id, people["staff"], {"confidentiality": "internal"})
    assert "confidentiality" in caught.value.by_field
    session.rollback()
    activity = submissions.approve(
        session,
        submission.id,
        people["staff"],
        {"confidentiality": "internal", "title": "Edited title"},
        note="No one at risk is named.",
    )
    session.commit()
    assert activity.confidentiality == "internal" and activity.title == "Edited title"
    assert submission.note == "No one at risk is named."
    raised = submissions.submit(session, people["zela"], FIELDS)
    assert submissions.approve(session, raised.id, people["admin"], {"confidentiality": "restricted"})


def test_return_resubmit_reject_and_the_version_check(session, people):
    submission = submissions.submit(session, people["zela"], FIELDS)
    session.commit()
    with pytest.raises(ValidationFailed):
        submissions.return_to_member(session, submission.id, people["staff"], "  ")
    submissions.return_to_member(session, submission.id, people["staff"], "Add the effort, please.")
    session.commit()
    assert submission.status == "returned" and submission.comment == "Add the effort, please."
    with pytest.raises(VersionConflict):
        submissions.resubmit(session, people["zela"], submission.id, FIELDS, version=1)
    with pytest.raises(NotFound):
        submissions.resubmit(session, people["cnrg"], submission.id, FIELDS, version=submission.version)
    submissions.resubmit(
        session, people["zela"], submission.id, {**FIELDS, "effort_days": "3"}, version=submission.version
    )
    session.commit()
    assert submission.status == "submitted" and submission.fields["effort_days"] == "3"
    submissions.reject(session, submission.id, people["admin"], "Not coalition work.")
    session.commit()
    assert submission.status == "rejected" and submission.reason == "Not coalition work."
    actions = [e.action for e in submissions.history(session, submission.id)]
    assert actions == ["submit", "return", "resubmit", "reject"]


MOVES = ("approve", "return", "reject", "resubmit")
ROLES = ("zela", "cnrg", "staff", "admin", "funder")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(MOVES), st.sampled_from(ROLES)), min_size=1, max_size=6))
def test_only_staff_and_admins_move_a_submission_and_only_along_the_states(session, people, steps):
    submission = submissions.submit(session, people["zela"], {**FIELDS, "title": f"T {dt.datetime.now()}"})
    session.commit()
    allowed = {
        "approve": {"submitted"},
        "return": {"submitted"},
        "reject": {"submitted", "returned"},
        "resubmit": {"returned"},
    }
    for move, who in steps:
        account, before = people[who], submission.status
        reviewer = account.role in ("staff", "admin")
        may = before in allowed[move] and (
            reviewer if move != "resubmit" else who != "cnrg" and who != "funder"
        )
        try:
            if move == "approve":
                submissions.approve(session, submission.id, account)
            elif move == "return":
                submissions.return_to_member(session, submission.id, account, "fix it")
            elif move == "reject":
                submissions.reject(session, submission.id, account, "no")
            else:
                submissions.resubmit(session, account, submission.id, FIELDS, submission.version)
            session.commit()
            assert may, (move, who, before)
        except (PermissionDenied, ValidationFailed, NotFound):
            session.rollback()
            assert not may, (move, who, before)
            assert submission.status == before


def test_a_pending_submission_counts_nowhere(session, people):
    add_activity(session, title="Already logged")
    session.commit()
    before = (
        summary(session, None, None),
        analytics.totals(session),
        views.activity_log(session, Filters(), "staff", 1).total,
        exports.to_csv(session.scalars(select(Activity)).all()),
    )
    for n in range(3):
        submissions.submit(session, people["zela"], {**FIELDS, "title": f"Pending {n}", "effort_days": "9"})
    pending = submissions.submit(session, people["zela"], {**FIELDS, "title": "To return"})
    session.commit()
    submissions.return_to_member(session, pending.id, people["staff"], "fix")
    session.commit()
    after = (
        summary(session, None, None),
        analytics.totals(session),
        views.activity_log(session, Filters(), "staff", 1).total,
        exports.to_csv(session.scalars(select(Activity)).all()),
    )
    assert after == before
    first = submissions.list_for(session, people["staff"], "submitted")[0]
    submissions.approve(session, first.id, people["staff"])
    session.commit()
    assert analytics.totals(session).activities == before[1].activities + 1
    assert summary(session, None, None)["effort_days"] == before[0]["effort_days"] + 9


def test_likely_duplicates_are_flagged_on_review(session, people):
    existing = add_activity(
        session, activity_date=dt.date(2026, 10, 2), forum="KP Intersessional", title=FIELDS["title"]
    )
    session.commit()
    submission = submissions.submit(session, people["zela"], {**FIELDS, "title": FIELDS["title"].upper()})
    session.commit()
    view = submissions.review_view(session, people["staff"], submission.id)
    assert view.duplicates == [existing.id]
    assert view.would_save is not None and view.would_save["organisations"] == ["ZELA"]
    with pytest.raises(PermissionDenied):
        submissions.review_view(session, people["zela"], submission.id)


def test_an_outcome_linked_to_the_submission_is_created_on_approval(session, people):
    submission = submissions.submit(
        session,
        people["zela"],
        FIELDS,
        outcome={
            "date": "2026-11-01",
            "statement": "The district recognised communal land",
            "social_actor": "District council",
            "change_type": "policy",
            "themes": "Land rights",
        },
    )
    session.commit()
    activity = submissions.approve(session, submission.id, people["staff"])
    session.commit()
    outcome = session.scalar(select(Outcome).where(Outcome.outcome_id == f"SUB-{submission.id}"))
    assert outcome is not None and [a.id for a in outcome.activities] == [activity.id]


def test_a_spreadsheet_becomes_submissions_all_or_nothing(session, people):
    good = (
        b"date,forum,themes,activity_type,title\n"
        b"2026-10-01,KP Intersessional,Land rights,meeting,First\n"
        b"2026-10-02,KP Intersessional,Land rights,meeting,Second\n"
    )
    plan, created = submission_import.submit_file(session, people["zela"], good, "mine.csv", dry_run=True)
    assert plan.ok and created == [] and len(plan.rows) == 2
    plan, created = submission_import.submit_file(session, people["zela"], good, "mine.csv")
    session.commit()
    assert [s.fields["title"] for s in created] == ["First", "Second"]
    assert all(s.organisation == "ZELA" for s in created)
    bad = good + b"2026-10-03,KP Intersessional,Galaxy,meeting,Third\n"
    plan, created = submission_import.submit_file(session, people["zela"], bad, "mine.csv")
    assert not plan.ok and created == []
    assert any(p.row == 4 and p.column == "themes" for p in plan.problems)
    assert len(session.scalars(select(Submission)).all()) == 2


def test_cli_lists_and_moves_submissions(use_database, capsys, monkeypatch):
    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        from tracker.db.reference_data import load_reference_data

        load_reference_data(session)
        member = accounts.create_user(session, "m-one", PASSWORD, "member", "t", organisation="ZELA")
        accounts.create_user(session, "s-one", PASSWORD, "staff", "t")
        ids = [submissions.submit(session, member, {**FIELDS, "title": f"T{n}"}).id for n in range(3)]
    engine.dispose()
    assert cli.main(["submissions", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["id"] for r in listed] == ids and listed[0]["activity"]["title"] == "T0"
    assert cli.main(["submissions", "approve", str(ids[0]), "--by", "s-one"]) == 0
    assert cli.main(["submissions", "return", str(ids[1]), "--by", "s-one", "--comment", "Date?"]) == 0
    assert cli.main(["submissions", "reject", str(ids[2]), "--by", "s-one", "--reason", "Dup"]) == 0
    capsys.readouterr()
    assert cli.main(["submissions", "list", "--status", "returned", "--json"]) == 0
    assert [r["comment"] for r in json.loads(capsys.readouterr().out)] == ["Date?"]
    assert cli.main(["submissions", "approve", str(ids[1]), "--by", "m-one"]) == 1
    assert "Only staff and admins" in capsys.readouterr().err
    assert cli.main(["submissions", "approve", "999", "--by", "s-one"]) == 1
    assert "no submission 999" in capsys.readouterr().err


def test_create_user_and_set_organisation_store_the_organisation(use_database, capsys, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert cli.main(["create-user", "orgy", "--role", "member", "--organisation", "CNRG"]) == 0
    assert cli.main(["set-organisation", "orgy", "ZELA"]) == 0
    engine = database.open_database(use_database)
    with database.session_factory(engine)() as session:
        assert accounts.find_user(session, "orgy").organisation == "ZELA"
    engine.dispose()
