"""What the home page says: the shift chart, headline totals, the KP share before and after
the shift, and for staff the forum events to prepare or to log."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.orm import Session

from tracker.access.permissions import STAFF
from tracker.db.demo_marker import has_demo_data
from tracker.i18n import _
from tracker.results import analytics, forum_events, static_charts
from tracker.results.filters import Filters
from tracker.vocabulary import SHIFT_DECISION_DATE

UPCOMING_DAYS = 60
UNLOGGED_DAYS = 90
REMINDER_COLUMNS = ["event", "forum", "category", "date", "place", "status"]


@dataclass(frozen=True)
class HomeSummary:
    totals: analytics.Totals
    kp_share_before_shift: analytics.KpShare
    kp_share_since_shift: analytics.KpShare
    yearly_shares: pd.DataFrame
    demo_data: bool
    # The year to date against the same days of the year before (the Overview's rule,
    # ``analytics.latest_against_previous``); None when not asked for or nothing to compare.
    comparison: analytics.Comparison | None = None

    @property
    def is_empty(self) -> bool:
        return self.totals.activities == 0

    def shift_chart(
        self,
        share_format: Callable[[float | None], str] = static_charts.format_share,
        highlight: tuple[dt.date, dt.date] | None = None,
    ) -> str:
        """The light static shift chart (SVG text), in the reader's number format; with
        ``highlight``, that period (a summary's) shaded."""
        before, since = self.kp_share_before_shift, self.kp_share_since_shift
        return static_charts.shift_chart_svg(
            static_charts.points_from_shares(self.yearly_shares),
            (before.by_count, before.by_effort),
            (since.by_count, since.by_effort),
            share_format=share_format,
            highlight=highlight,
        )


def home_summary(session: Session, today: dt.date | None = None) -> HomeSummary:
    """The whole record's shift and totals; with ``today``, also the latest year to date
    against the same span of the year before, by the Overview's one rule."""
    shift = dt.date.fromisoformat(SHIFT_DECISION_DATE)
    cube = analytics.activity_cube(session)
    yearly = analytics.kp_share_by_period(analytics.engagement_from(cube, "year"))
    totals = analytics.totals_from(cube)
    comparison = None
    if today is not None and totals.last_date is not None:
        comparison = analytics.latest_against_previous(
            session, Filters(), "year", today, totals.last_date, None
        )
    return HomeSummary(
        totals=totals,
        kp_share_before_shift=analytics.kp_share(session, Filters(date_to=shift - dt.timedelta(days=1))),
        kp_share_since_shift=analytics.kp_share(session, Filters(date_from=shift)),
        yearly_shares=yearly,
        demo_data=has_demo_data(session),
        comparison=comparison,
    )


@dataclass(frozen=True)
class StaffReminders:
    """Forum events coming up, and recent ones with no activity logged against them."""

    upcoming: pd.DataFrame
    unlogged: pd.DataFrame


def _events(session: Session, start: dt.date, end: dt.date, unlogged_only: bool) -> pd.DataFrame:
    rows = [
        (event.name, event.forum, event.category, event.when(), event.place, event.status)
        for event in forum_events.events_between(session, start, end, STAFF, unlogged_only=unlogged_only)
    ]
    return pd.DataFrame(rows, columns=REMINDER_COLUMNS)


def staff_reminders(session: Session, today: dt.date) -> StaffReminders:
    """Events of the next 60 days (from today), and events of the last 90 days (before
    today) with no live activity logged at them. Staff only: restricted activities count
    as logged, and the page shows this to staff and admins alone."""
    return StaffReminders(
        upcoming=_events(session, today, today + dt.timedelta(days=UPCOMING_DAYS), unlogged_only=False),
        unlogged=_events(
            session,
            today - dt.timedelta(days=UNLOGGED_DAYS),
            today - dt.timedelta(days=1),
            unlogged_only=True,
        ),
    )


def reminder_list_html(frame: pd.DataFrame) -> str:
    """Events as an HTML list (reads on a phone where a table would scroll sideways);
    every name escaped, so nothing in a name renders as markup."""
    expected = " · " + html.escape(_("expected date")) if "status" in frame else ""
    items = "".join(
        f"<li><b>{html.escape(str(row.date))}</b> · {html.escape(str(row.event))} "
        f"({html.escape(str(row.forum))}{', ' + html.escape(str(row.place)) if row.place else ''})"
        f"{expected if getattr(row, 'status', '') == 'expected' else ''}</li>"
        for row in frame.itertuples()
    )
    return f'<ul class="tracker-reminders">{items}</ul>'
