"""The monthly digest over a real SMTP server (aiosmtpd, STARTTLS and login), per role
and language; one recipient's failure does not stop the others."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import ssl
import subprocess

import pytest
from sqlalchemy import select

from benchmarks.proxy import free_port
from tests.factories import add_activity
from tracker import cli
from tracker.access import accounts
from tracker.publish import digest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult  # noqa: E402

TODAY = dt.date(2026, 12, 5)  # the digest covers November 2026
PUBLIC, INTERNAL, RESTRICTED = "PUBLIC-TITLE-NOV", "INTERNAL-TITLE-NOV", "RESTRICTED-DEFENDER-NOV"
REFUSED = "nobody@refused.example"


class Handler:
    def __init__(self):
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == REFUSED:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((list(envelope.rcpt_tos), envelope.original_content or envelope.content))
        return "250 Message accepted"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = auth_data.login == b"tracker" and auth_data.password == b"s3cret pass"
    # handled=False: aiosmtpd answers a refusal with 535 itself (with the default, True, it
    # answers nothing and the client waits for its 30 s timeout).
    return AuthResult(success=ok, handled=False)


@pytest.fixture(scope="module")
def smtp(tmp_path_factory):
    folder = tmp_path_factory.mktemp("smtp")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    handler = Handler()
    port = free_port()
    controller = aiosmtpd_controller.Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        authenticator=_authenticate,
        auth_require_tls=True,
    )
    controller.start()
    yield {"port": port, "cert": cert, "handler": handler}
    controller.stop()


@pytest.fixture
def mail_env(smtp, monkeypatch):
    smtp["handler"].messages.clear()
    monkeypatch.setenv("TRACKER_SMTP_URL", f"smtp://tracker:s3cret%20pass@127.0.0.1:{smtp['port']}")
    monkeypatch.setenv("TRACKER_SMTP_CA_FILE", str(smtp["cert"]))
    monkeypatch.setenv("TRACKER_MAIL_FROM", "Coalition tracker <tracker@coalition.example>")
    return smtp


@pytest.fixture
def subscribed(session):
    for name, role, address, language in [
        ("funder1", "funder", "funder1@example.org", None),
        ("member1", "member", "member1@example.org", None),
        ("staff1", "staff", "staff1@example.org", "fr"),
        ("noaddress", "member", None, None),
        ("refused", "member", REFUSED, None),
        ("quiet", "member", "quiet@example.org", None),
    ]:
        accounts.create_user(session, name, "a long enough password", role, "test", email=address)
        if name != "quiet":
            digest.set_digest(session, name, "monthly", actor="test")
        if language:
            digest.set_language(session, name, language, actor="test")
    for title, level in [(PUBLIC, "public"), (INTERNAL, "internal"), (RESTRICTED, "restricted")]:
        add_activity(
            session,
            activity_date=dt.date(2026, 11, 10),
            title=title,
            outcome=f"{title} outcome",
            confidentiality=level,
        )
    add_activity(
        session, activity_date=dt.date(2026, 10, 10), title="OCTOBER-TITLE", confidentiality="public"
    )
    session.commit()
    return session


def _parsed(handler) -> dict[str, email.message.EmailMessage]:
    return {
        rcpt[0]: email.message_from_bytes(raw, policy=email.policy.default) for rcpt, raw in handler.messages
    }


def test_each_role_gets_its_month_in_its_language_over_starttls(subscribed, mail_env):
    deliveries = digest.send_digests(subscribed, TODAY)
    result = {d.username: (d.sent, d.message) for d in deliveries}
    assert result["funder1"] == (True, "sent") and result["member1"] == (True, "sent")
    assert result["staff1"] == (True, "sent")
    assert result["noaddress"] == (False, "no verified e-mail address on the account")
    assert result["refused"] == (False, "the mail server refused this address")
    assert "quiet" not in result
    messages = _parsed(mail_env["handler"])
    assert set(messages) == {"funder1@example.org", "member1@example.org", "staff1@example.org"}

    def text_of(message):
        return message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()

    funder, member, staff = (messages[f"{n}@example.org"] for n in ("funder1", "member1", "staff1"))
    assert PUBLIC in text_of(funder) and INTERNAL not in text_of(funder)
    assert PUBLIC in text_of(member) and INTERNAL in text_of(member)
    for message in (funder, member, staff):
        body = text_of(message)
        assert RESTRICTED not in body and "OCTOBER-TITLE" not in body
    assert "November 2026" in funder["Subject"]
    assert "novembre 2026" in staff["Subject"] and staff["Content-Language"] == "fr"
    assert 'lang="fr"' in staff.get_body(("html",)).get_content()


def test_the_message_is_multipart_small_with_the_chart_inline_and_no_remote_image(subscribed, mail_env):
    digest.send_digests(subscribed, TODAY)
    raw = dict((rcpt[0], data) for rcpt, data in mail_env["handler"].messages)["member1@example.org"]
    assert len(raw) <= 300_000
    message = email.message_from_bytes(raw, policy=email.policy.default)
    types = [part.get_content_type() for part in message.walk()]
    assert types[0] == "multipart/alternative" and "text/plain" in types and "text/html" in types
    image = next(part for part in message.walk() if part.get_content_type() == "image/png")
    html = message.get_body(("html",)).get_content()
    assert f"cid:{image['Content-ID'].strip('<>')}" in html
    assert "http://" not in html and "https://" not in html


def test_dry_run_sends_nothing_and_reports_each_size(subscribed, mail_env):
    deliveries = digest.send_digests(subscribed, TODAY, dry_run=True)
    assert mail_env["handler"].messages == []
    assert all(0 < d.size <= 300_000 for d in deliveries if d.email)


def test_an_unreachable_mail_server_is_one_sentence(subscribed, monkeypatch, capsys):
    monkeypatch.setenv("TRACKER_SMTP_URL", f"smtp://u:p@127.0.0.1:{free_port()}")
    monkeypatch.setenv("TRACKER_MAIL_FROM", "tracker@coalition.example")
    monkeypatch.setenv("DATABASE_URL", subscribed.get_bind().url.render_as_string(hide_password=False))
    code = cli.main(["send-digest", "--today", TODAY.isoformat()])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "cannot be reached" in err and "nothing was sent" in err


def test_a_wrong_password_is_one_sentence(subscribed, mail_env, monkeypatch):
    monkeypatch.setenv("TRACKER_SMTP_URL", f"smtp://tracker:wrong@127.0.0.1:{mail_env['port']}")
    with pytest.raises(digest.MailUnavailable, match="refused the user name or password"):
        digest.send_digests(subscribed, TODAY)
    assert mail_env["handler"].messages == []


def test_set_digest_and_language_through_the_cli(subscribed, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", subscribed.get_bind().url.render_as_string(hide_password=False))
    assert cli.main(["set-digest", "quiet", "monthly"]) == 0
    assert cli.main(["set-language", "quiet", "fr"]) == 0
    assert cli.main(["set-language", "quiet", "xx"]) == 1
    assert "no xx translation" in capsys.readouterr().err
    subscribed.expire_all()
    prefs = digest.preferences(subscribed, "quiet")
    assert prefs == digest.Preferences("fr", "monthly", "quiet@example.org", email_verified=True)
    assert cli.main(["set-digest", "noaddress", "monthly"]) == 0
    assert "has no e-mail address yet" in capsys.readouterr().err


def test_one_unwritable_recipient_never_stops_the_others(subscribed, mail_env):
    """A display name stored with CR/LF before the rule refused it (issue 22.6): that
    recipient is reported in one sentence and everyone else still gets the digest."""
    from tracker.db.models import User

    user = subscribed.scalar(select(User).where(User.username == "member1"))
    user.display_name = "Evil\r\nBcc: victim@example.org"
    subscribed.commit()
    deliveries = {d.username: d for d in digest.send_digests(subscribed, TODAY)}
    assert deliveries["member1"].sent is False
    assert "cannot be written in an e-mail header" in deliveries["member1"].message
    assert deliveries["funder1"].sent and deliveries["staff1"].sent
    assert "victim@example.org" not in {
        rcpt for rcpts, _raw in mail_env["handler"].messages for rcpt in rcpts
    }
