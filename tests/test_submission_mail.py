"""E-mail about submissions over a real SMTP server (aiosmtpd): the organisation's contacts
on return, approval and rejection, in each reader's language; the reviewers' daily list."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest

from benchmarks.proxy import free_port
from tracker import cli
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import utcnow
from tracker.publish import digest, submission_mail
from tracker.records import submissions

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")

PASSWORD = "correct horse battery staple"
FIELDS = {
    "date": "2026-10-02",
    "forum": "KP Intersessional",
    "themes": "Land rights",
    "activity_type": "meeting",
    "title": "Village land meeting",
}


class Handler:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"


@pytest.fixture(scope="module")
def relay():
    handler = Handler()
    port = free_port()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield {"port": port, "handler": handler}
    controller.stop()


@pytest.fixture
def mail_env(relay, monkeypatch):
    relay["handler"].messages.clear()
    monkeypatch.setenv("TRACKER_SMTP_URL", f"smtp+relay://127.0.0.1:{relay['port']}")
    monkeypatch.setenv("TRACKER_MAIL_FROM", "Coalition tracker <tracker@coalition.example>")
    return relay["handler"]


def received(handler) -> dict[str, email.message.EmailMessage]:
    return {r[0]: email.message_from_bytes(raw, policy=email.policy.default) for r, raw in handler.messages}


@pytest.fixture
def people(session):
    made = {
        "en": accounts.create_user(
            session, "zela-en", PASSWORD, "member", "t", organisation="ZELA", email="en@zela.example"
        ),
        "fr": accounts.create_user(
            session, "zela-fr", PASSWORD, "member", "t", organisation="ZELA", email="fr@zela.example"
        ),
        "other": accounts.create_user(
            session, "cnrg", PASSWORD, "member", "t", organisation="CNRG", email="x@cnrg.example"
        ),
        "staff": accounts.create_user(session, "rev", PASSWORD, "staff", "t", email="rev@coalition.example"),
        "quiet": accounts.create_user(session, "quiet", PASSWORD, "staff", "t", email="q@coalition.example"),
    }
    digest.set_language(session, "zela-fr", "fr", "t")
    session.commit()
    return made


def test_the_organisation_hears_of_each_review_in_its_language(session, people, mail_env):
    first = submissions.submit(session, people["en"], FIELDS)
    second = submissions.submit(session, people["en"], {**FIELDS, "title": "Second"})
    session.commit()
    assert mail_env.messages == []  # submitting sends nothing to the organisation
    submissions.return_to_member(session, first.id, people["staff"], "Give the effort in days.")
    session.commit()
    got = received(mail_env)
    assert set(got) == {"en@zela.example", "fr@zela.example"}  # not CNRG, not staff
    english, french = got["en@zela.example"], got["fr@zela.example"]
    assert english["Subject"] == f"Submission {first.id} returned: please fix it and send it again"
    assert "Give the effort in days." in english.get_content()
    assert "Village land meeting" in english.get_content()
    assert french["Content-Language"] == "fr" and "renvoyée" in french["Subject"]
    mail_env.messages.clear()
    activity = submissions.approve(session, second.id, people["staff"])
    session.commit()
    got = received(mail_env)
    assert f"activity {activity.id}" in got["en@zela.example"].get_content()
    mail_env.messages.clear()
    submissions.reject(session, first.id, people["staff"], "Not our work.")
    session.commit()
    assert "Not our work." in received(mail_env)["en@zela.example"].get_content()


def test_a_rolled_back_review_sends_nothing_and_restricted_titles_stay_home(session, people, mail_env):
    secret = submissions.submit(
        session, people["en"], {**FIELDS, "title": "DEFENDER NAME", "confidentiality": "restricted"}
    )
    session.commit()
    submissions.return_to_member(session, secret.id, people["staff"], "Check the date.")
    session.rollback()
    assert mail_env.messages == []
    submissions.return_to_member(session, secret.id, people["staff"], "Check the date.")
    session.commit()
    bodies = [m.get_content() + str(m["Subject"]) for m in received(mail_env).values()]
    assert bodies and all("DEFENDER NAME" not in b for b in bodies)


def test_reviewers_who_opted_in_get_the_day_s_new_submissions(session, people, mail_env):
    submission_mail.set_review_digest(session, "rev", True, "t")
    with pytest.raises(Exception, match="Only staff and admins"):
        submission_mail.set_review_digest(session, "zela-en", True, "t")
    session.commit()
    now = utcnow()
    assert submission_mail.send_review_digests(session, now) == []  # nothing new, nothing sent
    new = submissions.submit(session, people["en"], FIELDS)
    old = submissions.submit(session, people["other"], {**FIELDS, "title": "Old one"})
    old.submitted_at = now - dt.timedelta(days=3)
    session.commit()
    deliveries = submission_mail.send_review_digests(session, utcnow())
    assert [(d.username, d.sent) for d in deliveries] == [("rev", True)]
    [message] = received(mail_env).values()
    text = message.get_content()
    assert f"{new.id} ·" in text and "Village land meeting" in text and "Old one" not in text
    assert "2 submissions wait in all" in text


def test_send_review_digest_command(use_database, mail_env, capsys):
    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        from tracker.db.reference_data import load_reference_data

        load_reference_data(session)
        member = accounts.create_user(session, "m1", PASSWORD, "member", "t", organisation="ZELA")
        accounts.create_user(session, "s1", PASSWORD, "staff", "t", email="s@coalition.example")
        submissions.submit(session, member, FIELDS)
    engine.dispose()
    assert cli.main(["set-review-digest", "s1", "daily"]) == 0
    assert cli.main(["send-review-digest"]) == 0
    assert "s@coalition.example" in capsys.readouterr().out
    assert [r for r, _raw in mail_env.messages] == [["s@coalition.example"]]
