"""The forum calendar as an iCalendar feed (RFC 5545), built with the ``icalendar`` library.

``GET /calendar.ics`` (``tracker.web.routes``) answers with ``feed_bytes``: every dated
forum event from a year ago on, per forum category on request. All-day events (DTSTART
and an exclusive DTEND as dates), a stable UID per event, SUMMARY, LOCATION, the source
as URL, STATUS CONFIRMED or TENTATIVE (dates only expected). An event known only to its
month is one all-day entry on the month's first day, and says so in its summary and
description. The coalition's own activities are never in the feed; events a role may not
see by name (``forum_events.events_between``) are left out.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.records.validation import is_web_url
from tracker.results import forum_events
from tracker.vocabulary import FORUM_CATEGORIES, match_case_insensitive

MEDIA_TYPE = "text/calendar; charset=utf-8"
PAST_DAYS = 365  # how far back the feed reaches: a year of recent events, then everything to come
UID_DOMAIN = "forum-calendar.kp-csc-tracker"
PRODID = "-//KP Civil Society Coalition//Campaign tracker forum calendar//EN"


def category_code(value: str | None) -> str | None:
    """The stored forum category for a ``category`` parameter (any case), else None."""
    return match_case_insensitive(value, FORUM_CATEGORIES) if value else None


def _event(event: forum_events.CalendarEvent, stamp: dt.datetime) -> Event:
    entry = Event()
    entry.add("uid", f"forum-event-{event.id}@{UID_DOMAIN}")
    entry.add("dtstamp", stamp)
    last = event.end_date if event.end_date and event.date_precision == "day" else event.start_date
    entry.add("dtstart", event.start_date)
    entry.add("dtend", last + dt.timedelta(days=1))  # DTEND of an all-day event is exclusive
    summary = event.name
    if event.date_precision == "month":
        summary = _("{name} (in {month}; day not yet known)").format(name=event.name, month=event.when())
    entry.add("summary", summary)
    if event.place:
        entry.add("location", event.place)
    if is_web_url(event.source):
        entry.add("url", event.source)
    description = [f"{event.forum} ({event.category})"]
    if event.expected:
        description.append(_("Expected dates: not yet announced by the body; check the source."))
    if event.note:
        description.append(event.note)
    if event.source:
        description.append(_("Source: {source}").format(source=event.source))
    entry.add("description", "\n".join(description))
    entry.add("categories", [event.category])
    entry.add("status", "TENTATIVE" if event.expected else "CONFIRMED")
    entry.add("transp", "TRANSPARENT")
    return entry


def feed(session: Session, role: str, category: str | None = None, today: dt.date | None = None) -> Calendar:
    """The calendar ``role`` may read, for one forum category or all."""
    today = today or dt.date.today()
    stamp = dt.datetime.now(dt.UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    name = _("KP CSC forum calendar")
    calendar.add("x-wr-calname", f"{name} · {category}" if category else name)
    calendar.add("x-published-ttl", "PT12H")
    calendar.add("refresh-interval", dt.timedelta(hours=12), parameters={"VALUE": "DURATION"})
    since = today - dt.timedelta(days=PAST_DAYS)
    for event in forum_events.events_between(session, since, None, role, category):
        calendar.add_component(_event(event, stamp))
    return calendar


def feed_bytes(
    session: Session, role: str, category: str | None = None, today: dt.date | None = None
) -> bytes:
    return feed(session, role, category, today).to_ical()
