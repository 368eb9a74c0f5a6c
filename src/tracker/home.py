"""What the home page says: headline totals and the KP share before and after the shift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tracker import analytics
from tracker.demo_marker import has_demo_data
from tracker.filters import Filters
from tracker.vocabulary import SHIFT_DECISION_DATE


@dataclass(frozen=True)
class HomeSummary:
    totals: analytics.Totals
    kp_share_before_shift: analytics.KpShare
    kp_share_since_shift: analytics.KpShare
    demo_data: bool

    @property
    def is_empty(self) -> bool:
        return self.totals.activities == 0


def home_summary(session: Session) -> HomeSummary:
    shift = dt.date.fromisoformat(SHIFT_DECISION_DATE)
    return HomeSummary(
        totals=analytics.totals(session),
        kp_share_before_shift=analytics.kp_share(session, Filters(date_to=shift - dt.timedelta(days=1))),
        kp_share_since_shift=analytics.kp_share(session, Filters(date_from=shift)),
        demo_data=has_demo_data(session),
    )
