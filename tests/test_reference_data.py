import datetime as dt

import pytest
from sqlalchemy import func, select

from tracker.db.models import Forum, ForumEvent, Organisation, Theme
from tracker.db.reference_data import load_reference_data
from tracker.text.periods import format_partial_date, parse_partial_date
from tracker.vocabulary import DEFAULT_THEMES, FORUM_CATEGORIES


def _counts(session):
    return {
        m.__tablename__: session.scalar(select(func.count()).select_from(m))
        for m in (Forum, ForumEvent, Theme, Organisation)
    }


def test_loading_twice_creates_nothing_the_second_time(session):
    before = _counts(session)
    report = load_reference_data(session)
    session.commit()
    assert report.created == {} and report.updated == {}
    assert _counts(session) == before


def test_reference_lists_hold_the_brief_vocabulary(session):
    assert {t.name for t in session.scalars(select(Theme))} == set(DEFAULT_THEMES)
    categories = {f.category for f in session.scalars(select(Forum))}
    assert categories <= set(FORUM_CATEGORIES)
    assert {"KP", "UN", "Other international", "Regional"} <= categories
    assert session.scalar(select(func.count()).select_from(Organisation)) == 11


def test_kp_plenaries_cover_every_year_but_2020(session):
    held = (
        select(func.extract("year", ForumEvent.start_date))
        .join(Forum)
        .where(Forum.name == "KP Plenary", ForumEvent.status == "confirmed")
    )
    assert {int(y) for y in session.scalars(held)} == set(range(2003, 2026)) - {2020}
    expected = (
        select(ForumEvent.name).join(Forum).where(Forum.name == "KP Plenary", ForumEvent.status == "expected")
    )
    assert set(session.scalars(expected)) == {"KP Plenary 2026", "KP Plenary 2027"}


def test_month_only_dates_keep_the_month_and_are_not_given_a_day(session):
    delhi = session.scalar(select(ForumEvent).where(ForumEvent.name == "KP Plenary 2008"))
    assert (delhi.start_date, delhi.date_precision, delhi.verified) == (
        dt.date(2008, 11, 1),
        "month",
        False,
    )
    assert format_partial_date(delhi.start_date, delhi.date_precision) == "2008-11"


def test_every_event_has_a_source_and_unverified_rows_are_marked(session):
    events = list(session.scalars(select(ForumEvent)))
    assert all(e.source for e in events)
    unverified = {e.name for e in events if not e.verified}
    assert "KP Intersessional 2004" in unverified
    assert "Resolution 74/268" not in unverified


def test_a_corrected_csv_updates_the_existing_row(session, tmp_path):
    from tracker.config import REFERENCE_DIR

    for name in ("themes.csv", "organisations.csv", "forums.csv", "forum_events.csv"):
        (tmp_path / name).write_text((REFERENCE_DIR / name).read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "organisations.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("IPIS,BE", "IPIS,NL"), encoding="utf-8")
    report = load_reference_data(session, tmp_path)
    assert report.updated == {"organisations": 1} and report.created == {}
    assert session.scalar(select(Organisation.country).where(Organisation.name == "IPIS")) == "NL"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2019-11-18", (dt.date(2019, 11, 18), "day")),
        ("2016-05", (dt.date(2016, 5, 1), "month")),
        ("2004", (dt.date(2004, 1, 1), "year")),
    ],
)
def test_partial_dates(text, expected):
    assert parse_partial_date(text) == expected
    assert format_partial_date(*expected) == text
