"""Property tests for the period rules."""

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.results import analytics
from tracker.text import periods
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


# ---- like-for-like comparisons (hand-computed) -------------------------------------------


def test_a_part_year_is_compared_with_the_same_days_a_year_earlier():
    latest, previous = periods.like_for_like(dt.date(2026, 1, 1), "year", dt.date(2026, 11, 29))
    assert (latest.start, latest.end) == (dt.date(2026, 1, 1), dt.date(2026, 11, 29))
    assert (previous.start, previous.end) == (dt.date(2025, 1, 1), dt.date(2025, 11, 29))
    assert periods.span_label(latest, "year") == "Jan 1 – Nov 29, 2026"
    assert periods.span_label(previous, "year") == "Jan 1 – Nov 29, 2025"


def test_a_complete_period_is_compared_with_the_complete_period_before():
    latest, previous = periods.like_for_like(dt.date(2025, 1, 1), "year", dt.date(2026, 11, 29))
    assert (periods.span_label(latest, "year"), periods.span_label(previous, "year")) == ("2025", "2024")
    latest, previous = periods.like_for_like(dt.date(2024, 3, 1), "month", dt.date(2024, 3, 31))
    assert (previous.start, previous.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert periods.span_label(previous, "month") == "2024-02"
    latest, previous = periods.like_for_like(dt.date(2024, 4, 1), "quarter", dt.date(2024, 7, 2))
    assert (previous.start, previous.end) == (dt.date(2024, 1, 1), dt.date(2024, 3, 31))
    assert periods.span_label(latest, "quarter") == "2024-Q2"


def test_month_ends_are_kept_within_the_month():
    latest, previous = periods.like_for_like(dt.date(2024, 3, 1), "month", dt.date(2024, 3, 30))
    assert (previous.start, previous.end) == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert periods.span_label(latest, "month") == "Mar 1 – 30, 2024"
    latest, previous = periods.like_for_like(dt.date(2024, 10, 1), "quarter", dt.date(2024, 11, 15))
    assert (previous.start, previous.end) == (dt.date(2024, 7, 1), dt.date(2024, 8, 15))
    assert periods.span_label(previous, "quarter") == "Jul 1 – Aug 15, 2024"


def test_the_selected_range_trims_both_spans_alike():
    latest, previous = periods.like_for_like(
        dt.date(2026, 1, 1), "year", dt.date(2026, 11, 29), dt.date(2025, 3, 1)
    )
    assert (latest.start, previous.start) == (dt.date(2026, 3, 1), dt.date(2025, 3, 1))
    assert periods.span_label(previous, "year") == "Mar 1 – Nov 29, 2025"
    assert (
        periods.like_for_like(dt.date(2026, 1, 1), "year", dt.date(2026, 11, 29), dt.date(2026, 2, 1)) is None
    )


def test_a_latest_period_after_today_is_taken_whole():
    latest, _previous = periods.like_for_like(dt.date(2027, 1, 1), "year", dt.date(2026, 11, 29))
    assert (latest.start, latest.end) == (dt.date(2027, 1, 1), dt.date(2027, 12, 31))
