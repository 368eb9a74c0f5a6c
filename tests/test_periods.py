"""Property tests for the period rules."""

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import analytics, periods
from tracker.vocabulary import FORUM_CATEGORIES

dates = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))
PERIODS = st.sampled_from(["year", "quarter", "month"])


@given(dates, dates, PERIODS)
def test_period_range_is_contiguous_and_covers_both_ends(a, b, period):
    first, last = min(a, b), max(a, b)
    starts = periods.period_range(first, last, period)
    assert starts[0] == periods.period_start(first.year, first.month, period)
    assert starts[-1] == periods.period_start(last.year, last.month, period)
    assert len(set(starts)) == len(starts) and starts == sorted(starts)
    labels = [periods.period_label(s, period) for s in starts]
    assert len(set(labels)) == len(labels)


monthly_rows = st.lists(
    st.tuples(
        st.integers(2015, 2026),
        st.integers(1, 12),
        st.sampled_from(FORUM_CATEGORIES),
        st.integers(0, 50),
        st.floats(0, 100, allow_nan=False),
    ),
    min_size=1,
    max_size=40,
)


@settings(deadline=None)  # pandas per example: slow on a shared machine, not wrong
@given(monthly_rows, PERIODS)
def test_shares_are_fractions_or_gaps_and_counts_add_up(rows, period):
    monthly = pd.DataFrame(
        [(f"{y}-{m:02d}", c, a, e) for y, m, c, a, e in rows],
        columns=["month", "category", "activities", "effort_days"],
    )
    frame = analytics._to_periods(monthly, period, ["category"], [list(FORUM_CATEGORIES)])
    assert frame.activities.sum() == monthly.activities.sum()
    shares = analytics.kp_share_by_period(frame)
    for row in shares.itertuples():
        assert (row.by_count is None) == (row.activities == 0)
        if row.by_count is not None:
            assert 0 <= row.by_count <= 1
        if row.by_effort is not None:
            assert 0 <= row.by_effort <= 1 + 1e-9
