"""Issue 20, "Forms that forgive": validation messages in plain words naming the field's label
(both languages, every record type), the Users page (labels, blanks, a refused password keeps
what was typed, an admin sets e-mail and organisation), and a person's own e-mail address
verified by a signed link sent over a real SMTP server (aiosmtpd) before any digest goes to it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.apptest import assert_page_ran, open_page
from tests.test_digest import mail_env, smtp  # noqa: F401 (the real SMTP server's fixtures)
from tracker.access import accounts, email_verification
from tracker.db import database
from tracker.db.models import AuditEntry, User
from tracker.errors import ValidationFailed
from tracker.i18n import use_language
from tracker.publish import digest, verification_mail
from tracker.records import grants, outcomes, submissions, targets
from tracker.records.validation import ActivityInput, describe_errors, plain_message
from tracker.web import activity_form, routes

LIBRARY_WORDING = re.compile(
    r"List should|Value error|Field required|Input should|after validation|is not\)|String should|"
    r"valid number"
)
NOW = dt.datetime(2026, 12, 7, 12, 0)


def _activity_problems(**changes: object) -> dict[str, list[str]]:
    values = {
        "activity_date": dt.date(2026, 3, 1),
        "forum": "EITI",
        "themes": ["Land rights"],
        "activity_type": "meeting",
        "title": "A title",
        **changes,
    }
    return activity_form.field_problems(values)


# ---- messages ---------------------------------------------------------------------------


def test_activity_messages_are_plain_words_in_english():
    problems = activity_form.field_problems(
        {"activity_date": dt.date(2026, 3, 1), "forum": "", "themes": [], "activity_type": "meeting",
         "title": "", "evidence_urls": "not"}
    )  # fmt: skip
    assert problems["themes"] == ["choose at least one"]
    assert problems["forum"] == ["choose a forum"]
    assert problems["title"] == ["must not be empty"]
    assert problems["evidence_urls"] == [
        "“not” is not a web address: each link starts with http:// or https://"
    ]
    _record, lines = activity_form.to_input(
        {"activity_date": dt.date(2026, 3, 1), "forum": "EITI", "themes": [], "activity_type": "meeting",
         "title": "T"}
    )  # fmt: skip
    assert lines == ["Themes: choose at least one"]


def test_activity_messages_are_plain_words_in_french():
    with use_language("fr"):
        problems = _activity_problems(themes=[], evidence_urls="ftp://x")
        _record, lines = activity_form.to_input(
            {"activity_date": dt.date(2026, 3, 1), "forum": "EITI", "themes": [], "activity_type": "meeting",
             "title": "T", "evidence_urls": "ftp://x"}
        )  # fmt: skip
    assert problems["themes"] == ["choisissez-en au moins un"]
    assert "n’est pas une adresse web" in problems["evidence_urls"][0]
    assert lines[0] == "Thèmes\u00a0: choisissez-en au moins un"
    assert not any(LIBRARY_WORDING.search(m) for ms in problems.values() for m in ms)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_record_type_speaks_in_the_library_s_words(language):
    with use_language(language):
        messages: list[str] = []
        for model, values in [
            (ActivityInput, {"activity_date": "2026-01-01", "forum": "F", "themes": "",
                             "activity_type": "meeting", "title": "T", "effort_days": "lots",
                             "evidence_urls": "not"}),
            (outcomes.OutcomeInput, {"outcome_id": "O1", "outcome_date": "2026-01-01", "statement": "S",
                                     "social_actor": "A", "change_type": "policy", "themes": []}),
            (targets.TargetInput, {"year": "next", "measure": "activities", "direction": "at_least",
                                   "target": "many"}),
            (grants.GrantInput, {"grant_id": "G", "funder": "F", "title": "T", "start": "soon"}),
        ]:  # fmt: skip
            with pytest.raises(ValidationError) as caught:
                model(**values)
            messages += [m for _c, m in describe_errors(caught.value)]
        assert messages and not [m for m in messages if LIBRARY_WORDING.search(m)], messages


def test_pydantic_s_own_checks_get_our_words():
    assert plain_message({"type": "missing", "loc": ("title",), "msg": "Field required"}) == "is required"
    assert (
        plain_message({"type": "too_short", "input": [], "ctx": {"min_length": 1}})
        == "choose or type at least one"
    )
    assert plain_message({"type": "float_parsing", "input": "x"}) == "must be a number"
    with use_language("fr"):
        assert plain_message({"type": "missing"}) == "est obligatoire"
        assert plain_message({"type": "int_parsing"}) == "doit être un nombre entier"


def test_the_grant_form_names_fields_by_their_labels(session):
    with pytest.raises(ValidationFailed) as caught:
        grants.save_grant_values(
            session,
            {"grant_id": "G-1", "funder": "F", "title": "T", "start_date": "", "end_date": "2026-01-01"},
            "test",
        )
    assert caught.value.problems[0].startswith("First day of the grant: ")
    assert not LIBRARY_WORDING.search(" ".join(caught.value.problems))


def test_a_submission_s_problems_are_plain_words(session):
    with pytest.raises(ValidationFailed) as caught:
        submissions.check_fields(session, {"date": "2026-01-01", "forum": "EITI", "themes": "", "title": "T",
                                           "activity_type": "meeting"})  # fmt: skip
    assert caught.value.by_field["themes"] == ["choose or type at least one"]


# ---- the Users page ---------------------------------------------------------------------


def test_users_shows_labels_and_blanks_never_codes_or_none(app_database):
    at = open_page("pages/user_accounts.py", role="admin")
    table = at.dataframe[-1]
    frame = table.value
    assert "None" not in frame.astype(str).to_numpy().ravel().tolist()
    assert set(frame["role"]) == {"admin", "staff", "member", "funder"}  # the English labels
    config = str(table.proto)
    for label in ("Demo account", "Last log-in (UTC)", "E-mail confirmed", "Display name"):
        assert label in config


def test_a_refused_password_keeps_everything_else_typed(app_database):
    at = open_page("pages/user_accounts.py", role="admin")
    at.text_input(key="users_new_username").input("new.member")
    at.text_input(key="users_new_display").input("New Member")
    at.text_input(key="users_new_org").input("ZELA")
    at.text_input(key="users_new_email").input("new.member@example.org")
    at.text_input(key="users_new_password").input("short")
    at.button(key="FormSubmitter:users_create-Create the account").click().run()
    assert any("at least 12 characters" in e.value for e in at.error)
    assert at.text_input(key="users_new_username").value == "new.member"
    assert at.text_input(key="users_new_display").value == "New Member"
    assert at.text_input(key="users_new_org").value == "ZELA"
    assert at.text_input(key="users_new_email").value == "new.member@example.org"
    at.text_input(key="users_new_password").input("a fine long password for her")
    at.button(key="FormSubmitter:users_create-Create the account").click().run()
    assert_page_ran(at)
    assert [s.value for s in at.success] == ["Account new.member created."]
    assert at.text_input(key="users_new_username").value == ""  # emptied once created


def test_an_admin_sets_an_account_s_email_and_organisation_audited(app_database):
    at = open_page("pages/user_accounts.py", role="admin")
    at.selectbox(key="users_target").select("demo-member")
    at.radio(key="users_change_kind").set_value("email")
    at.text_input(key="users_change_email").input("Member@Example.org")
    at.button(key="FormSubmitter:users_change-Apply").click().run()
    assert_page_ran(at)
    at.radio(key="users_change_kind").set_value("organisation")
    at.text_input(key="users_change_organisation").input("Global Witness")
    at.button(key="FormSubmitter:users_change-Apply").click().run()
    at.radio(key="users_change_kind").set_value("email")
    at.text_input(key="users_change_email").input("not an address")
    at.button(key="FormSubmitter:users_change-Apply").click().run()
    assert any("is not an e-mail address" in re.sub(r"\\(.)", r"\1", e.value) for e in at.error)
    with database.session_factory(app_database)() as session:
        user = session.scalar(select(User).where(User.username == "demo-member"))
        assert (user.email, user.organisation) == ("member@example.org", "Global Witness")
        assert user.email_verified_at is not None  # an admin's address counts as verified
        entries = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.entity_id == user.id)
        ).all()
        assert any(e.actor == "demo-admin" and e.after["email"] == "member@example.org" for e in entries)


# ---- a person's own address, verified by a link ------------------------------------------


def _link(handler) -> tuple[str, email.message.EmailMessage]:
    ((_rcpt, raw),) = handler.messages
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0), message


def _client() -> TestClient:
    return TestClient(Starlette(routes=routes.ROUTES), raise_server_exceptions=False)


def test_the_link_round_trip_over_smtp_then_the_digest_goes(use_database, mail_env):  # noqa: F811
    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        accounts.create_user(session, "marie", "a long enough password", "member", "test")
        digest.set_language(session, "marie", "fr", actor="test")
        digest.set_digest(session, "marie", "monthly", actor="marie")
    with database.session_factory(engine).begin() as session:
        verification_mail.set_and_send(session, "marie", "Marie@Example.org", "http://tracker.test", NOW)
    url, message = _link(mail_env["handler"])
    assert message["To"].addresses[0].addr_spec == "marie@example.org"
    assert "Confirmez" in message["Subject"]  # in the account's language
    assert url.startswith("http://tracker.test/verify-email?token=")
    with database.session_factory(engine)() as session:
        # not verified yet: no digest to this address
        assert digest.preferences(session, "marie").email_verified is False
        assert [r.email for r in digest.subscribers(session) if r.username == "marie"] == [None]
    with _client() as client:
        answer = client.get(url.removeprefix("http://tracker.test"))
        assert answer.status_code == 200 and "confirmée" in answer.text
        assert client.get(url.removeprefix("http://tracker.test")[:-3] + "abc").status_code == 400
    with database.session_factory(engine)() as session:
        assert digest.preferences(session, "marie").email_verified is True
        assert [r.email for r in digest.subscribers(session) if r.username == "marie"] == [
            "marie@example.org"
        ]
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "verify_email")).one()
        assert (entry.actor, entry.before["email_verified"], entry.after["email_verified"]) == (
            "marie",
            False,
            True,
        )
    mail_env["handler"].messages.clear()
    deliveries = digest.send_digests(database.session_factory(engine)(), dt.date(2026, 12, 5))
    assert [(d.username, d.sent) for d in deliveries if d.username == "marie"] == [("marie", True)]
    engine.dispose()


def test_an_expired_altered_or_stale_link_verifies_nothing(session):
    accounts.create_user(session, "paul", "a long enough password", "member", "test")
    accounts.set_own_email(session, "paul", "paul@example.org", "paul")
    token = email_verification.make_token("paul", "paul@example.org", NOW)
    late = NOW + dt.timedelta(hours=email_verification.LINK_HOURS, minutes=1)
    assert email_verification.verify(session, token, late)[0] is email_verification.Outcome.EXPIRED
    forged = (
        email_verification.make_token("paul", "other@example.org", NOW).split(".")[0]
        + "."
        + token.split(".")[1]
    )
    assert email_verification.verify(session, forged, NOW)[0] is email_verification.Outcome.INVALID
    accounts.set_own_email(session, "paul", "paul.new@example.org", "paul")
    assert email_verification.verify(session, token, NOW)[0] is email_verification.Outcome.STALE
    assert digest.preferences(session, "paul").email_verified is False
    fresh = email_verification.make_token("paul", "paul.new@example.org", NOW)
    assert email_verification.verify(session, fresh, NOW)[0] is email_verification.Outcome.VERIFIED
    assert digest.preferences(session, "paul").email_verified is True


def test_a_member_sets_their_own_address_in_the_sidebar(app_database, mail_env):  # noqa: F811
    at = open_page(role="member")
    at.sidebar.text_input(key="sidebar_email").input("me@example.org")
    at.sidebar.button(key="FormSubmitter:sidebar_email_form-Send me the confirmation link").click().run()
    assert_page_ran(at)
    assert any("Sent: open the link" in s.value for s in at.sidebar.success)
    url, _message = _link(mail_env["handler"])
    assert "/verify-email?token=" in url
    with database.session_factory(app_database)() as session:
        prefs = digest.preferences(session, "demo-member")
        assert (prefs.email, prefs.email_verified) == ("me@example.org", False)
    at.sidebar.toggle(key="sidebar_digest").set_value(True).run()
    assert any("once you open the link" in c.value for c in at.sidebar.caption)


def test_without_mail_settings_the_address_is_not_stored_and_the_reason_is_one_sentence(
    app_database, monkeypatch
):
    monkeypatch.delenv("TRACKER_SMTP_URL", raising=False)
    at = open_page(role="member")
    at.sidebar.text_input(key="sidebar_email").input("me@example.org")
    at.sidebar.button(key="FormSubmitter:sidebar_email_form-Send me the confirmation link").click().run()
    assert any("Mail is not set up yet" in e.value for e in at.sidebar.error)
    with database.session_factory(app_database)() as session:
        assert digest.preferences(session, "demo-member").email is None


# ---- refused forms keep what was typed --------------------------------------------------


def test_a_refused_activity_keeps_what_was_typed(app_database):
    at = open_page("pages/add_activity.py", role="staff")
    at.text_input(key="add_0_0_title").input("Typed before the refusal")
    at.text_area(key="add_0_0_description").input("A long description")
    at.text_area(key="add_0_0_evidence").input("not a link")
    at.button(key="FormSubmitter:add_0_0-Save").click().run()
    assert any(e.value.startswith("Please correct") for e in at.error)
    assert at.text_input(key="add_0_0_title").value == "Typed before the refusal"
    assert at.text_area(key="add_0_0_description").value == "A long description"
    assert at.text_area(key="add_0_0_evidence").value == "not a link"


def test_a_refused_outcome_keeps_what_was_typed_and_names_fields_by_label(app_database):
    at = open_page("pages/outcome_list.py", role="staff")
    at.text_input(key="outcome_form_id").set_value("T-KEPT")
    at.text_input(key="outcome_form_actor").set_value("A UN working group")
    at.text_area(key="outcome_form_evidence").set_value("not a link")
    at.get("form_submit_button")[0].click().run()
    message = next(e.value for e in at.error if e.value.startswith("Please correct"))
    assert "Themes: choose or type at least one" in message and "is not a web address" in message
    assert not LIBRARY_WORDING.search(message)
    assert at.text_input(key="outcome_form_id").value == "T-KEPT"
    assert at.text_input(key="outcome_form_actor").value == "A UN working group"
    assert at.text_area(key="outcome_form_evidence").value == "not a link"
