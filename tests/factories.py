"""Small builders for hand-computed fixtures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tracker.records.activities import create_activity
from tracker.records.validation import ActivityInput


def activity_input(**overrides: Any) -> ActivityInput:
    values: dict[str, Any] = {
        "activity_date": dt.date(2021, 6, 21),
        "forum": "KP Intersessional",
        "themes": ["KP reform"],
        "activity_type": "statement",
        "title": "Statement on the conflict-diamond definition",
        "effort_days": 1.5,
        "cost_usd": 100.0,
    }
    values.update(overrides)
    return ActivityInput(**values)


def add_activity(session, actor: str = "tester", **overrides: Any):
    return create_activity(session, activity_input(**overrides), actor=actor)
