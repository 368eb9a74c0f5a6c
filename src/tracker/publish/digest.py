"""The monthly digest by e-mail, and each account's language and subscription.

``tracker send-digest`` sends every subscribed, active account the past calendar month in
its language and for its role: the headline figures, the shift chart as an inline image
(a PNG attached by Content-ID: no remote image), the month's new activities and
outcomes it may read, and the forum events of the coming weeks. Restricted records are
never e-mailed in detail, whatever the role (they count in the figures, as everywhere);
funders get public records only, everyone else public and internal ones.

Mail goes through ``TRACKER_SMTP_URL``:

- ``smtp://USER:PASSWORD@HOST:587``: STARTTLS (required), then log in;
- ``smtps://USER:PASSWORD@HOST:465``: TLS from the start, then log in;
- ``smtp+relay://HOST:25``: a local relay without TLS and without login.

``TRACKER_MAIL_FROM`` is the sender; ``TRACKER_SMTP_CA_FILE`` names a CA bundle for a
server with a private certificate. One recipient's failure is reported in one sentence
and the others still go.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import smtplib
import ssl
from dataclasses import dataclass
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.access import accounts
from tracker.access.permissions import email_confidentiality
from tracker.db.models import Activity, Forum, User
from tracker.errors import TrackerError, ValidationFailed
from tracker.i18n import _, available_languages, use_language
from tracker.results import analytics, forum_events, home, static_charts
from tracker.results.filters import Filters, dated, live
from tracker.text import formatting

DIGEST_CHOICES = ("monthly", "none")
MAX_ITEMS = 25
MAX_BYTES = 300_000
EVENT_DAYS = 31


class MailUnavailable(TrackerError):
    """The mail server cannot be used at all (nothing was sent)."""


# ---- preferences ---------------------------------------------------------------------


@dataclass(frozen=True)
class Preferences:
    language: str | None
    digest: str
    email: str | None
    email_verified: bool = False


def _user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise ValidationFailed(_("There is no account “{name}”.").format(name=username.strip().lower()))
    return user


def preferences(session: Session, username: str) -> Preferences:
    user = _user(session, username)
    return Preferences(
        user.language, user.digest or "none", user.email, bool(user.email and user.email_verified_at)
    )


def check_language(language: str) -> str:
    if language not in available_languages():
        raise ValidationFailed(
            _("There is no {language} translation; choose one of {languages}.").format(
                language=language, languages=", ".join(available_languages())
            )
        )
    return language


def set_language(session: Session, username: str, language: str | None, actor: str) -> None:
    user = _user(session, username)
    accounts.update_settings(session, user, actor, language=check_language(language) if language else None)


def set_digest(
    session: Session, username: str, choice: str, actor: str, email: str | None = None
) -> str | None:
    """Subscribe (``monthly``) or not (``none``); returns a warning sentence, if any."""
    if choice not in DIGEST_CHOICES:
        raise ValidationFailed(_("Choose monthly or none."))
    user = _user(session, username)
    if email is not None:  # the command line's --email: an administrator's address, verified
        accounts.set_email(session, username, email, actor)
    accounts.update_settings(session, user, actor, digest=choice)
    if choice == "monthly" and not user.email:
        return _("{name} has no e-mail address yet: the digest goes out once one is set (--email).").format(
            name=user.username
        )
    if choice == "monthly" and user.email_verified_at is None:
        return _("The e-mail address of {name} is not verified yet: the digest goes out once it is.").format(
            name=user.username
        )
    return None


# ---- content -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    username: str
    display_name: str
    email: str | None
    role: str
    language: str | None


def subscribers(session: Session) -> list[Recipient]:
    users = session.scalars(
        select(User).where(User.digest == "monthly", User.active.is_(True)).order_by(User.username)
    )
    # An address its owner has not verified yet gets nothing (it may be mistyped, or someone else's).
    return [
        Recipient(u.username, u.display_name, u.email if u.email_verified_at else None, u.role, u.language)
        for u in users
    ]


def previous_month(today: dt.date) -> tuple[dt.date, dt.date]:
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


@dataclass(frozen=True)
class DigestContent:
    start: dt.date
    end: dt.date
    totals: analytics.Totals
    share: analytics.KpShare
    activities: list[tuple[dt.date, str, str, str | None]]  # date, forum, title, outcome
    more: int
    events: list[forum_events.CalendarEvent]  # the coming month, as far as each date is known
    shift: home.HomeSummary


def content(session: Session, role: str, today: dt.date) -> DigestContent:
    start, end = previous_month(today)
    cube = analytics.activity_cube(session, Filters(date_from=start, date_to=end))
    rows = session.execute(
        select(Activity.activity_date, Forum.name, Activity.title, Activity.outcome)
        .join(Forum, Forum.id == Activity.forum_id)
        .where(
            live(Activity),
            *dated(Activity.activity_date, start, end),
            Activity.confidentiality.in_(email_confidentiality(role)),
        )
        .order_by(Activity.activity_date, Activity.id)
    ).all()
    events = forum_events.events_between(session, today, today + dt.timedelta(days=EVENT_DAYS), role)
    return DigestContent(
        start=start,
        end=end,
        totals=analytics.totals_from(cube),
        share=analytics.kp_share_from(cube),
        activities=[(day, forum, title, outcome) for day, forum, title, outcome in rows[:MAX_ITEMS]],
        more=max(0, len(rows) - MAX_ITEMS),
        events=events,
        shift=home.home_summary(session),
    )


def _month(day: dt.date) -> str:
    from babel.dates import format_date

    return format_date(day, "LLLL y", locale=formatting.locale())


def _event_when(event: forum_events.CalendarEvent) -> str:
    """The date as far as it is known; an expected one says so (the body has not announced it)."""
    when = event.when()
    return _("{date} (expected)").format(date=when) if event.expected else when


def _event_line(event: forum_events.CalendarEvent) -> str:
    return f"{_event_when(event)} · {event.name} ({event.forum}{', ' + event.place if event.place else ''})"


def build_message(recipient: Recipient, digest: DigestContent, sender: str) -> EmailMessage:
    """The e-mail for one recipient, in the recipient's language: text and HTML, the chart inline."""
    if not recipient.email:
        raise ValidationFailed(_("{name} has no e-mail address.").format(name=recipient.username))
    with use_language(recipient.language):
        return _message(recipient, digest, sender)


def _message(recipient: Recipient, digest: DigestContent, sender: str) -> EmailMessage:
    month = _month(digest.start)
    subject = _("KP Civil Society Coalition: the tracker's digest for {month}").format(month=month)
    t, share = digest.totals, digest.share
    figures = [
        (_("Activities"), formatting.number(t.activities)),
        (_("Staff-days"), formatting.number(t.effort_days, 1)),
        (_("KP share by activities"), formatting.share(share.by_count)),
        (_("KP share by staff-days"), formatting.share(share.by_effort)),
    ]
    before, since = digest.shift.kp_share_before_shift, digest.shift.kp_share_since_shift
    shift_line = _(
        "KP share of all engagement: {before_count} of activities and {before_effort} of staff-days before "
        "March 2020; {since_count} and {since_effort} since."
    ).format(
        before_count=formatting.share(before.by_count),
        before_effort=formatting.share(before.by_effort),
        since_count=formatting.share(since.by_count),
        since_effort=formatting.share(since.by_effort),
    )
    activities_title = _("New activities in {month}").format(month=month)
    events_title = _("Forum events of the coming weeks")
    more = _("… and {n} more in the tracker.").format(n=formatting.number(digest.more)) if digest.more else ""
    # Plain text.
    lines = [subject, "", *(f"{k}: {v}" for k, v in figures), "", shift_line, "", activities_title]
    if not digest.activities:
        lines.append(_("No activity recorded this month."))
    for day, forum, title, outcome in digest.activities:
        lines.append(f"- {formatting.date(day)} · {forum}: {title}")
        if outcome:
            lines.append(f"  {_('Outcome')}: {outcome}")
    if more:
        lines.append(more)
    lines += ["", events_title]
    if not digest.events:
        lines.append(_("No forum event in the calendar for these weeks."))
    for event in digest.events:
        lines.append(f"- {_event_line(event)}")
    lines += ["", _("You receive this digest because your tracker account subscribed to it.")]
    text = "\n".join(lines) + "\n"

    footer = _("You receive this digest because your tracker account subscribed to it.")
    # HTML, with the chart attached as a related PNG.
    e = html.escape
    chart_id = make_msgid(domain="tracker.invalid")
    items = (
        "".join(
            f"<li><b>{e(formatting.date(day))}</b> · {e(forum)}: {e(title)}"
            + (f"<br><i>{e(_('Outcome'))}:</i> {e(outcome)}" if outcome else "")
            + "</li>"
            for day, forum, title, outcome in digest.activities
        )
        or f"<li>{e(_('No activity recorded this month.'))}</li>"
    )
    events = (
        "".join(
            f"<li><b>{e(_event_when(event))}</b> · {e(event.name)} "
            f"({e(event.forum)}{', ' + e(event.place) if event.place else ''})</li>"
            for event in digest.events
        )
        or f"<li>{e(_('No forum event in the calendar for these weeks.'))}</li>"
    )
    figure_cells = "".join(
        f'<td style="padding:4px 12px 4px 0">{e(k)}<br><b style="font-size:20px">{e(v)}</b></td>'
        for k, v in figures
    )
    language = formatting.locale().language
    body = f"""<!DOCTYPE html><html lang="{e(language)}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{e(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:640px;margin:0 auto;padding:12px">
<h1 style="font-size:20px">{e(subject)}</h1>
<table role="presentation"><tr>{figure_cells}</tr></table>
<p>{e(shift_line)}</p>
<img src="cid:{chart_id[1:-1]}" width="600" style="max-width:100%;height:auto"
 alt="{e(_("KP share of the coalition's engagement, per year"))}">
<h2 style="font-size:17px">{e(activities_title)}</h2><ul>{items}</ul>{f"<p>{e(more)}</p>" if more else ""}
<h2 style="font-size:17px">{e(events_title)}</h2><ul>{events}</ul>
<p style="color:#666;font-size:12px">{e(footer)}</p>
</body></html>"""
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = formataddr((recipient.display_name, recipient.email or ""))
    message.set_content(text)
    message.add_alternative(body, subtype="html")
    png = static_charts.svg_to_png(digest.shift.shift_chart(formatting.share), scale=1.0)
    html_part: EmailMessage = message.get_payload()[1]  # type: ignore[index,assignment]
    html_part.add_related(png, "image", "png", cid=chart_id, filename="shift-chart.png")
    message["Content-Language"] = language  # after set_content, which clears Content-* headers
    return message


# ---- sending -------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    username: str
    email: str | None
    sent: bool
    message: str
    size: int = 0


def _connect(url: str, timeout: float = 30) -> smtplib.SMTP:
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps", "smtp+relay") or not parts.hostname:
        raise MailUnavailable(
            _("TRACKER_SMTP_URL must look like smtp://user:password@host:587; set it and try again.")
        )
    context = ssl.create_default_context(cafile=os.environ.get("TRACKER_SMTP_CA_FILE") or None)
    host = parts.hostname
    try:
        if parts.scheme == "smtps":
            server: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
        else:
            server = smtplib.SMTP(
                host, parts.port or (25 if parts.scheme == "smtp+relay" else 587), timeout=timeout
            )
            if parts.scheme == "smtp":
                server.ehlo()
                if not server.has_extn("starttls"):
                    server.quit()
                    raise MailUnavailable(
                        _(
                            "The mail server {host} does not offer STARTTLS: the password would travel "
                            "in clear."
                        ).format(host=host)
                    )
                server.starttls(context=context)
                server.ehlo()
    except MailUnavailable:
        raise
    except (OSError, smtplib.SMTPException) as error:
        raise MailUnavailable(
            _("The mail server {host} cannot be reached ({reason}); nothing was sent.").format(
                host=host, reason=type(error).__name__
            )
        ) from None
    if parts.username:
        try:
            server.login(unquote(parts.username), unquote(parts.password or ""))
        except (OSError, smtplib.SMTPException):
            # A refused login (some servers also hang up after it).
            raise MailUnavailable(
                _("The mail server {host} refused the user name or password in TRACKER_SMTP_URL.").format(
                    host=host
                )
            ) from None
    return server


def send_digests(
    session: Session,
    today: dt.date,
    *,
    dry_run: bool = False,
    smtp_url: str | None = None,
    sender: str | None = None,
) -> list[Delivery]:
    """Build and send every subscriber's digest; one Delivery per subscriber."""
    sender = sender or os.environ.get("TRACKER_MAIL_FROM", "")
    smtp_url = smtp_url or os.environ.get("TRACKER_SMTP_URL", "")
    if not dry_run and not sender:
        raise MailUnavailable(_("Set TRACKER_MAIL_FROM to the sender's address, then try again."))
    if not dry_run and not smtp_url:
        raise MailUnavailable(_("Set TRACKER_SMTP_URL to the mail server, then try again."))
    by_role: dict[str, DigestContent] = {}
    prepared: list[tuple[Recipient, EmailMessage | None, Delivery | None]] = []
    for recipient in subscribers(session):
        message: EmailMessage | None
        if not recipient.email:
            prepared.append(
                (
                    recipient,
                    None,
                    Delivery(recipient.username, None, False, _("no verified e-mail address on the account")),
                )
            )
            continue
        if recipient.language and recipient.language not in available_languages():
            recipient = Recipient(
                recipient.username, recipient.display_name, recipient.email, recipient.role, None
            )
        digest = by_role.get(recipient.role) or by_role.setdefault(
            recipient.role, content(session, recipient.role, today)
        )
        try:
            message = build_message(recipient, digest, sender or "tracker@localhost")
        except (ValueError, TypeError, UnicodeError, MessageError):
            # An address or a name no header can carry (stored before the rules were
            # tightened): this recipient is reported, the others still get theirs.
            prepared.append(
                (
                    recipient,
                    None,
                    Delivery(
                        recipient.username,
                        recipient.email,
                        False,
                        _("the account's name or e-mail address cannot be written in an e-mail header"),
                    ),
                )
            )
            continue
        prepared.append((recipient, message, None))
    deliveries: list[Delivery] = []
    server = None if dry_run or not any(m for _r, m, _d in prepared) else _connect(smtp_url)
    try:
        for recipient, message, refused in prepared:
            if refused is not None:
                deliveries.append(refused)
                continue
            assert message is not None
            size = len(message.as_bytes())
            if dry_run:
                deliveries.append(
                    Delivery(recipient.username, recipient.email, False, _("not sent (dry run)"), size)
                )
                continue
            try:
                assert server is not None
                server.send_message(message)
                deliveries.append(Delivery(recipient.username, recipient.email, True, _("sent"), size))
            except smtplib.SMTPRecipientsRefused:
                deliveries.append(
                    Delivery(
                        recipient.username,
                        recipient.email,
                        False,
                        _("the mail server refused this address"),
                        size,
                    )
                )
            except (smtplib.SMTPException, OSError) as error:
                deliveries.append(
                    Delivery(
                        recipient.username,
                        recipient.email,
                        False,
                        _("the mail server did not accept the message ({reason})").format(
                            reason=type(error).__name__
                        ),
                        size,
                    )
                )
                if isinstance(error, smtplib.SMTPServerDisconnected):
                    server = _connect(smtp_url)
    finally:
        if server is not None:
            try:
                server.quit()
            except (smtplib.SMTPException, OSError):
                pass
    return deliveries
