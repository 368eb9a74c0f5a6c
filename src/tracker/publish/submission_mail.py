"""E-mail about member submissions, through the digest's mail settings (``TRACKER_SMTP_URL``,
``TRACKER_MAIL_FROM``; see ``tracker.publish.digest``).

- The submitter's organisation contacts (its active member accounts with an e-mail) get
  one message when a submission is returned, approved or rejected, each in its own
  language. Sent after the review is committed (``records.submissions``); without mail
  settings nothing is sent and the review still stands.
- Reviewers who opted in (``users.review_digest``: staff and admins) get one message a
  day listing the submissions of the last day (``tracker send-review-digest``, for cron).

A restricted submission's title never travels by e-mail: the message gives its number
and points to the tracker.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.access.permissions import EDITORS, MEMBER
from tracker.db.models import Submission, User
from tracker.errors import ValidationFailed
from tracker.i18n import _, available_languages, ngettext, use_language
from tracker.publish.digest import Delivery, MailUnavailable, _connect, _user
from tracker.text import formatting

log = logging.getLogger(__name__)
DIGEST_WINDOW = dt.timedelta(days=1)


@dataclass(frozen=True)
class Notice:
    """One message to one organisation contact about one submission (plain values: it is
    built inside the review's transaction and sent after the commit)."""

    username: str
    display_name: str
    email: str
    language: str | None
    kind: str  # returned, approved, rejected
    submission_id: int
    title: str | None  # None for a restricted submission
    text: str | None  # the comment or the reason
    activity_id: int | None


def _language(language: str | None) -> str | None:
    return language if language in available_languages() else None


def _title(submission: Submission) -> str | None:
    if submission.confidentiality == "restricted":
        return None
    return str(submission.fields.get("title", "")) or None


def notices_for(session: Session, submission: Submission, kind: str) -> list[Notice]:
    """The messages a review sends: one per contact of the submitting organisation."""
    contacts = session.scalars(
        select(User)
        .where(
            User.role == MEMBER,
            User.active.is_(True),
            User.email.is_not(None),
            func.lower(User.organisation) == submission.organisation.lower(),
        )
        .order_by(User.username)
    )
    text = submission.comment if kind == "returned" else submission.reason if kind == "rejected" else None
    return [
        Notice(
            u.username,
            u.display_name,
            u.email or "",
            _language(u.language),
            kind,
            submission.id,
            _title(submission),
            text or submission.note,
            submission.activity_id,
        )
        for u in contacts
    ]


def build_notice(notice: Notice, sender: str) -> EmailMessage:
    with use_language(notice.language):
        what = _("your submission {id}").format(id=notice.submission_id)
        if notice.title:
            what += f" “{notice.title}”"
        subject, line = {
            "returned": (
                _("Submission {id} returned: please fix it and send it again").format(
                    id=notice.submission_id
                ),
                _(
                    "A reviewer returned {what} with a comment. Fix it on the page “Report an activity”, "
                    "then send it again."
                ).format(what=what),
            ),
            "approved": (
                _("Submission {id} approved").format(id=notice.submission_id),
                _("A reviewer approved {what}: it is now activity {activity} in the tracker.").format(
                    what=what, activity=notice.activity_id
                ),
            ),
            "rejected": (
                _("Submission {id} rejected").format(id=notice.submission_id),
                _("A reviewer rejected {what}.").format(what=what),
            ),
        }[notice.kind]
        lines = [line]
        if notice.text:
            label = {"returned": _("Comment"), "rejected": _("Reason")}.get(notice.kind, _("Note"))
            lines += ["", f"{label}: {notice.text}"]
        lines += ["", _("You receive this message because your organisation submitted this activity.")]
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = sender
        message["To"] = formataddr((notice.display_name, notice.email))
        message.set_content("\n".join(lines) + "\n")
        message["Content-Language"] = formatting.locale().language
        return message


def _send(messages: Iterable[tuple[str, str, EmailMessage]], smtp_url: str) -> list[Delivery]:
    """Send (username, email, message) triples over one connection; one failure stops no other."""
    prepared = list(messages)
    if not prepared:
        return []
    deliveries = []
    server = _connect(smtp_url)
    try:
        for username, address, message in prepared:
            size = len(message.as_bytes())
            try:
                server.send_message(message)
                deliveries.append(Delivery(username, address, True, _("sent"), size))
            except smtplib.SMTPRecipientsRefused:
                deliveries.append(
                    Delivery(username, address, False, _("the mail server refused this address"), size)
                )
            except (smtplib.SMTPException, OSError) as error:
                deliveries.append(
                    Delivery(
                        username,
                        address,
                        False,
                        _("the mail server did not accept the message ({reason})").format(
                            reason=type(error).__name__
                        ),
                        size,
                    )
                )
    finally:
        try:
            server.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return deliveries


def deliver_notices(notices: list[Notice]) -> list[Delivery]:
    """Send the organisation's notices if mail is set up; a failure is logged, never raised
    (the review is already saved)."""
    smtp_url = os.environ.get("TRACKER_SMTP_URL", "")
    sender = os.environ.get("TRACKER_MAIL_FROM", "")
    if not smtp_url or not sender:
        log.info(
            "mail is not set up (TRACKER_SMTP_URL, TRACKER_MAIL_FROM): %d notices not sent", len(notices)
        )
        return []
    try:
        return _send(((n.username, n.email, build_notice(n, sender)) for n in notices), smtp_url)
    except MailUnavailable as problem:
        log.warning("submission notices not sent: %s", problem)
        return []


# ---- the reviewers' daily message ----------------------------------------------------


def set_review_digest(session: Session, username: str, wanted: bool, actor: str) -> str | None:
    """Opt a staff or admin account in or out of the daily list of new submissions."""
    from tracker.access import accounts

    user = _user(session, username)
    if wanted and user.role not in EDITORS:
        raise ValidationFailed(_("Only staff and admins review submissions, so only they can receive this."))
    before = accounts.user_snapshot(user)
    user.review_digest = wanted
    accounts._audit(session, actor, "update", user, before)
    if wanted and not user.email:
        return _("{name} has no e-mail address yet: the message goes out once one is set.").format(
            name=user.username
        )
    return None


def review_digest_wanted(session: Session, username: str) -> bool:
    return bool(_user(session, username).review_digest)


@dataclass(frozen=True)
class NewSubmission:
    id: int
    organisation: str
    submitted_at: dt.datetime
    title: str | None  # None when restricted


def new_submissions(session: Session, now: dt.datetime) -> list[NewSubmission]:
    """Submissions waiting for review that arrived in the day before ``now``, oldest first."""
    rows = session.scalars(
        select(Submission)
        .where(Submission.status == "submitted", Submission.submitted_at > now - DIGEST_WINDOW)
        .order_by(Submission.submitted_at, Submission.id)
    )
    return [NewSubmission(s.id, s.organisation, s.submitted_at, _title(s)) for s in rows]


def build_review_digest(user: User, items: list[NewSubmission], waiting: int, sender: str) -> EmailMessage:
    with use_language(_language(user.language)):
        subject = ngettext(
            "{n} new member submission to review", "{n} new member submissions to review", len(items)
        ).format(n=len(items))
        lines = [subject, ""]
        for item in items:
            title = item.title or _("(restricted: read it in the tracker)")
            lines.append(
                f"- {item.id} · {formatting.date(item.submitted_at.date())} · {item.organisation}: {title}"
            )
        lines += [
            "",
            ngettext(
                "{n} submission waits in all: open the Review page to approve, return or reject it.",
                "{n} submissions wait in all: open the Review page to approve, return or reject them.",
                waiting,
            ).format(n=waiting),
            "",
            _("You receive this message because your account asked for the daily list of new submissions."),
        ]
        message = EmailMessage()
        message["Subject"] = subject
        message["From"] = sender
        message["To"] = formataddr((user.display_name, user.email or ""))
        message.set_content("\n".join(lines) + "\n")
        message["Content-Language"] = formatting.locale().language
        return message


def send_review_digests(
    session: Session,
    now: dt.datetime,
    *,
    dry_run: bool = False,
    smtp_url: str | None = None,
    sender: str | None = None,
) -> list[Delivery]:
    """One message to each opted-in, active staff or admin account with an e-mail, listing the
    submissions of the last day; nothing when none arrived."""
    sender = sender or os.environ.get("TRACKER_MAIL_FROM", "")
    smtp_url = smtp_url or os.environ.get("TRACKER_SMTP_URL", "")
    if not dry_run and not sender:
        raise MailUnavailable(_("Set TRACKER_MAIL_FROM to the sender's address, then try again."))
    if not dry_run and not smtp_url:
        raise MailUnavailable(_("Set TRACKER_SMTP_URL to the mail server, then try again."))
    items = new_submissions(session, now)
    if not items:
        return []
    waiting = session.scalar(
        select(func.count()).select_from(Submission).where(Submission.status == "submitted")
    )
    reviewers = list(
        session.scalars(
            select(User)
            .where(User.review_digest.is_(True), User.active.is_(True), User.role.in_(EDITORS))
            .order_by(User.username)
        )
    )
    deliveries = [
        Delivery(u.username, None, False, _("no e-mail address on the account"))
        for u in reviewers
        if not u.email
    ]
    messages = [
        (
            u.username,
            u.email or "",
            build_review_digest(u, items, waiting or 0, sender or "tracker@localhost"),
        )
        for u in reviewers
        if u.email
    ]
    if dry_run:
        return deliveries + [
            Delivery(name, address, False, _("not sent (dry run)"), len(m.as_bytes()))
            for name, address, m in messages
        ]
    return deliveries + _send(messages, smtp_url)
