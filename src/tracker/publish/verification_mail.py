"""The e-mail with a person's link to verify their own address, through the digest's mail
settings (``TRACKER_SMTP_URL``, ``TRACKER_MAIL_FROM``, ``tracker.publish.digest``).

``set_and_send`` stores the address unverified (``accounts.set_own_email``) and sends the
signed link (``tracker.access.email_verification``) in the account's language; when the
mail cannot go, it raises, so the caller's transaction stores nothing.
"""

from __future__ import annotations

import datetime as dt
import os
from email.message import EmailMessage
from email.utils import formataddr

from sqlalchemy.orm import Session

from tracker.access import accounts, email_verification
from tracker.i18n import _, use_language
from tracker.publish.digest import MailUnavailable
from tracker.publish.submission_mail import _send as send_messages
from tracker.text import formatting


def build_message(
    display_name: str, email: str, link: str, language: str | None, sender: str
) -> EmailMessage:
    with use_language(language):
        message = EmailMessage()
        message["Subject"] = _("Confirm your e-mail address for the coalition's tracker")
        message["From"] = sender
        message["To"] = formataddr((display_name, email))
        lines = [
            _("Open this link to confirm that {email} is your address:").format(email=email),
            "",
            link,
            "",
            _(
                "The link works for {hours} hours. Once the address is confirmed, the monthly digest "
                "goes to it if you chose it."
            ).format(hours=email_verification.LINK_HOURS),
            "",
            _("If you did not ask for this, ignore this message: nothing changes."),
        ]
        message.set_content("\n".join(lines) + "\n")
        message["Content-Language"] = formatting.locale().language
        return message


def set_and_send(session: Session, username: str, email: str, base_url: str, now: dt.datetime) -> str:
    """Store ``email`` as the account's own, unverified, and send it the link; returns the address."""
    smtp_url = os.environ.get("TRACKER_SMTP_URL", "")
    sender = os.environ.get("TRACKER_MAIL_FROM", "")
    if not smtp_url or not sender:
        raise MailUnavailable(
            _("Mail is not set up yet: ask an administrator to set it up, or to type your address.")
        )
    address = accounts.set_own_email(session, username, email, username)
    user = accounts.find_user(session, username)
    assert user is not None  # set_own_email found it
    token = email_verification.make_token(user.username, address, now)
    message = build_message(
        user.display_name, address, email_verification.link(base_url, token), user.language, sender
    )
    (delivery,) = send_messages([(user.username, address, message)], smtp_url)
    if not delivery.sent:
        raise MailUnavailable(
            _("The link could not be sent to {email} ({reason}): check the address and try again.").format(
                email=address, reason=delivery.message
            )
        )
    return address
