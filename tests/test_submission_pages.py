"""AppTest of "Report an activity" (members) and "Review" (staff, admins) for every role, and
the whole round: report, return with a comment, fix and resend, approve; Home's count; Users."""

import pytest
from sqlalchemy import select

from tests.apptest import open_page, open_page_file
from tracker import vocabulary
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import Activity, Submission, User
from tracker.i18n import use_language
from tracker.records import submissions


@pytest.fixture
def db(app_database):
    return app_database


def _fill(at, key, title="Side event on land rights"):
    at.selectbox(key=f"{key}_forum").select("EITI")
    at.multiselect(key=f"{key}_themes").set_value(["Land rights"])
    at.text_input(key=f"{key}_title").input(title)
    at.number_input(key=f"{key}_effort").set_value(2.5)


def _submissions(engine) -> list[Submission]:
    with database.session_factory(engine)() as session:
        return list(session.scalars(select(Submission).order_by(Submission.id)))


@pytest.mark.parametrize("role", ["staff", "admin", "funder"])
def test_report_is_for_members_only(db, role):
    at = open_page_file("pages/report_activity.py", role)
    assert any("not available" in e.value for e in at.error)
    assert not at.get("form")


@pytest.mark.parametrize("role", ["member", "funder"])
def test_review_is_for_staff_and_admins_only(db, role):
    at = open_page_file("pages/review_submissions.py", role)
    assert any("not available" in e.value for e in at.error)
    assert len(at.dataframe) == 0


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_review_opens_for_reviewers_with_an_empty_queue(db, role):
    at = open_page("pages/review_submissions.py", role=role)
    assert at.title[0].value == "Review member submissions"
    assert any("nothing waits" in i.value for i in at.info)


def test_the_whole_round_on_the_pages(db, monkeypatch):
    at = open_page("pages/report_activity.py", role="member")
    assert at.title[0].value == "Report an activity"
    assert at.multiselect(key="report_0_0_organisations").value == ["ZELA"]
    assert at.radio(key="report_0_0_confidentiality").value == "internal"
    assert any("restricted is for a record that names people at risk" in c.value for c in at.caption)
    _fill(at, "report_0_0")
    at.button(key="FormSubmitter:report_0_0-Send for review").click().run()
    assert not at.exception
    [sent] = _submissions(db)
    assert sent.status == "submitted" and sent.organisation == "ZELA" and sent.fields["forum"] == "EITI"
    assert any(f"Sent for review: submission {sent.id}" in s.value for s in at.success)
    assert any("Status: **submitted**" in m.value for m in at.markdown)

    home = open_page("pages/home_page.py", role="staff")
    assert any("1 member submission waits for review" in i.value for i in home.info)

    review = open_page("pages/review_submissions.py", role="staff")
    assert list(review.dataframe[0].value.id) == [sent.id]
    with use_language("fr"):  # the stored code, shown by its label (render.data_table vocabulary=)
        label = vocabulary.label("confidentiality", sent.fields["confidentiality"])
    monkeypatch.setenv("TRACKER_LANG", "fr")
    french = open_page("pages/review_submissions.py", role="staff")
    assert list(french.dataframe[0].value.confidentiality) == [label]
    monkeypatch.delenv("TRACKER_LANG")
    review.text_area(key=f"review_comment_{sent.id}").input("Give the date of the side event.")
    review.button(key=f"FormSubmitter:review_return_{sent.id}-Return with this comment").click().run()
    assert not review.exception
    assert _submissions(db)[0].status == "returned"

    at = open_page("pages/report_activity.py", role="member")
    assert any("Give the date of the side event" in m.value for m in at.markdown)
    at.button(key=f"report_fix_{sent.id}").click().run()
    key = f"report_0_{sent.id}"
    assert at.text_input(key=f"{key}_title").value == "Side event on land rights"
    at.text_input(key=f"{key}_title").input("Side event on land rights, Kimberley")
    at.button(key=f"FormSubmitter:{key}-Send for review").click().run()
    assert not at.exception
    [again] = _submissions(db)
    assert again.status == "submitted" and again.fields["title"].endswith("Kimberley")

    review = open_page("pages/review_submissions.py", role="admin")
    form = f"review_form_{sent.id}_{again.version}"
    review.button(key=f"FormSubmitter:{form}-Approve").click().run()
    assert not review.exception
    [done] = _submissions(db)
    assert done.status == "approved" and done.reviewer == "demo-admin"
    with database.session_factory(db)() as session:
        activity = session.get(Activity, done.activity_id)
        assert activity is not None and activity.title.endswith("Kimberley")


def test_a_member_sees_only_its_organisation_and_an_account_without_one_is_told(db):
    with database.session_factory(db).begin() as session:
        other = accounts.create_user(
            session, "cnrg-member", "correct horse battery staple", "member", "t", organisation="CNRG"
        )
        submissions.submit(
            session,
            other,
            {"date": "2026-10-01", "forum": "EITI", "themes": "Land rights", "activity_type": "meeting",
             "title": "CNRG ONLY TITLE"},
        )  # fmt: skip
        session.scalar(select(User).where(User.username == "demo-member")).organisation = None
    at = open_page("pages/report_activity.py", role="member")
    assert any("no organisation yet" in w.value for w in at.warning)
    with database.session_factory(db).begin() as session:
        session.scalar(select(User).where(User.username == "demo-member")).organisation = "ZELA"
    at = open_page("pages/report_activity.py", role="member")
    assert not any("CNRG ONLY TITLE" in m.value for m in at.markdown)
    assert any("Nothing reported yet" in c.value for c in at.caption)


def test_a_member_sends_a_spreadsheet_after_its_preview(db):
    at = open_page("pages/report_activity.py", role="member")
    data = (
        b"date,forum,themes,activity_type,title\n"
        b"2026-10-01,EITI,Land rights,meeting,From the sheet one\n"
        b"2026-10-02,EITI,Land rights,meeting,From the sheet two\n"
    )
    at.file_uploader(key="report_upload").upload("mine.csv", data, "text/csv").run()
    assert list(at.dataframe[0].value.result) == ["create", "create"]
    assert _submissions(db) == []  # the preview writes nothing
    at.button(key="report_upload_send").click().run()
    assert any("Sent 2 activities for review." in s.value for s in at.success)
    assert [s.fields["title"] for s in _submissions(db)] == ["From the sheet one", "From the sheet two"]
    bad = data + b"2026-10-03,EITI,Galaxy,meeting,Three\n"
    at.file_uploader(key="report_upload").upload("bad.csv", bad, "text/csv").run()
    assert any("Nothing was sent" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "report_upload_send"]


def test_admins_set_an_account_organisation_on_the_users_page(db):
    at = open_page("pages/user_accounts.py", role="admin")
    at.selectbox(key="users_target").select("demo-funder")
    at.radio(key="users_change_kind").set_value("organisation")
    at.text_input(key="users_change_organisation").input("Global Witness")
    at.button(key="FormSubmitter:users_change-Apply").click().run()
    assert not at.exception
    with database.session_factory(db)() as session:
        assert (
            session.scalar(select(User.organisation).where(User.username == "demo-funder"))
            == "Global Witness"
        )
