"""The forum calendar as every reader gets it: the events between two days, for a role.

One query for the staff reminders on Home, the monthly digest and the ``.ics`` feed.
Events hold no confidential data, but an event of a forum (or an event) that only
restricted records carry would name it: members and funders never get those
(``analytics.restricted_only_names``, the one rule). The coalition's own activities are
never part of the calendar; ``unlogged_only`` only asks whether any were logged.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from tracker.db.models import Activity, Forum, ForumEvent
from tracker.results.analytics import restricted_only_names
from tracker.text import formatting


@dataclass(frozen=True)
class CalendarEvent:
    id: int
    forum: str
    category: str
    name: str
    start_date: dt.date
    date_precision: str  # day, month or year: the calendar never invents a day
    end_date: dt.date | None
    place: str
    source: str
    status: str  # confirmed or expected
    verified: bool
    note: str

    @property
    def expected(self) -> bool:
        return self.status == "expected"

    def when(self, language: str | None = None) -> str:
        """The date as far as it is known, in the reader's language (``formatting.partial_date``)."""
        return formatting.partial_date(self.start_date, self.date_precision, language)


def events_between(
    session: Session,
    start: dt.date | None,
    end: dt.date | None,
    role: str | None,
    category: str | None = None,
    unlogged_only: bool = False,
) -> list[CalendarEvent]:
    """Events whose first day falls in [start, end] (either side open when None), in date
    order, less those ``role`` may not see by name. An event known only to its year has
    no place in a dated list (its 1 January is not its date) and is left out.
    ``unlogged_only``: only events with no live activity logged at them (restricted ones
    count as logged)."""
    query = (
        select(
            ForumEvent.id,
            Forum.name,
            Forum.category,
            ForumEvent.name,
            ForumEvent.start_date,
            ForumEvent.date_precision,
            ForumEvent.end_date,
            ForumEvent.place,
            ForumEvent.source,
            ForumEvent.status,
            ForumEvent.verified,
            ForumEvent.note,
        )
        .join(Forum, Forum.id == ForumEvent.forum_id)
        .where(ForumEvent.date_precision != "year")
        .order_by(ForumEvent.start_date, Forum.name, ForumEvent.name)
    )
    if start is not None:
        query = query.where(ForumEvent.start_date >= start)
    if end is not None:
        query = query.where(ForumEvent.start_date <= end)
    if category is not None:
        query = query.where(Forum.category == category)
    if unlogged_only:
        logged = exists().where(Activity.event_id == ForumEvent.id, Activity.deleted_at.is_(None))
        query = query.where(~logged)
    hidden = restricted_only_names(session, role)
    return [
        CalendarEvent(
            id=event_id,
            forum=forum,
            category=forum_category,
            name=name,
            start_date=first,
            date_precision=precision,
            end_date=last,
            place=place or "",
            source=source or "",
            status=status,
            verified=bool(verified),
            note=note or "",
        )
        for (
            event_id,
            forum,
            forum_category,
            name,
            first,
            precision,
            last,
            place,
            source,
            status,
            verified,
            note,
        ) in session.execute(query)
        if forum not in hidden.forums and event_id not in hidden.events
    ]
