"""The forum calendar feed (issue 19): ``GET /calendar.ics`` as Starlette calls it.

Parsed by ``icalendar`` and by ``vobject`` (an independent parser); who may read it (a
signed-in browser's cookie, or a calendar token in the address; 401 otherwise); what a
member's or funder's feed leaves out (the restricted-names fixture); and that the
calendar's coming events have sources.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import icalendar
import pytest
import vobject
from sqlalchemy import select
from starlette.requests import Request

from tests.test_restricted_names import SECRET_DAY, SECRET_EVENT, SECRET_FORUM, restricted_world  # noqa: F401
from tracker import cli
from tracker.access import accounts, sessions
from tracker.db import database
from tracker.db.models import Forum, ForumEvent, utcnow
from tracker.publish import calendar_feed
from tracker.records.validation import is_web_url
from tracker.results import forum_events
from tracker.web import routes

TODAY = dt.date(2026, 12, 7)


def get(query: str = "", cookie: str | None = None):
    headers = [(b"cookie", f"{sessions.COOKIE_NAME}={cookie}".encode())] if cookie else []
    scope = {
        "type": "http",
        "method": "GET",
        "path": routes.CALENDAR_PATH,
        "headers": headers,
        "query_string": query.encode(),
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
    }

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    # The handler is sync (Starlette runs it in a thread): run it in one of ours.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(routes.calendar_ics, Request(scope, receive)).result()


@pytest.fixture
def signed_in(session, use_database):
    routes._engine.cache_clear()
    accounts.create_user(session, "alice", "correct horse battery", "staff", "admin")
    started = sessions.start(session, "alice", utcnow())
    session.commit()
    # The cookie the browser holds after the one-time ticket (tracker.web.routes.session_cookie).
    cookie = sessions.redeem_ticket(session, started.ticket, utcnow())
    session.commit()
    yield cookie
    routes._engine.cache_clear()


def events_of(body: bytes) -> list[icalendar.Event]:
    return list(icalendar.Calendar.from_ical(body).walk("VEVENT"))


def test_without_a_cookie_or_a_token_the_feed_answers_401(signed_in):
    response = get()
    assert response.status_code == 401
    assert b"token" in response.body and b"Traceback" not in response.body
    assert get(cookie="forged.value").status_code == 401


def test_a_signed_in_browser_reads_the_feed_and_both_parsers_agree(signed_in):
    response = get(cookie=signed_in)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    body = response.body
    parsed = icalendar.Calendar.from_ical(body)
    assert str(parsed["version"]) == "2.0" and "prodid" in parsed
    ours = {str(e["uid"]): e for e in parsed.walk("VEVENT")}
    assert len(ours) > 5
    for event in ours.values():
        for field in ("uid", "dtstamp", "dtstart", "dtend", "summary", "status"):
            assert field in event, field
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        assert type(start) is dt.date and type(end) is dt.date and end > start  # all-day, exclusive end
    # vobject reads the same events, with the same dates and statuses.
    other = vobject.readOne(io.StringIO(body.decode("utf-8")))
    theirs = {e.uid.value: e for e in other.vevent_list}
    assert set(theirs) == set(ours)
    for uid, event in theirs.items():
        assert event.dtstart.value == ours[uid].decoded("dtstart")
        assert event.status.value == str(ours[uid]["status"])
        assert event.summary.value == str(ours[uid]["summary"])


def test_expected_dates_are_tentative_and_month_only_dates_say_so(signed_in):
    events = {str(e["summary"]): e for e in events_of(get(cookie=signed_in).body)}
    hrc = events["HRC 64th regular session"]
    assert str(hrc["status"]) == "TENTATIVE"
    assert (hrc.decoded("dtstart"), hrc.decoded("dtend")) == (dt.date(2027, 2, 22), dt.date(2027, 4, 2))
    assert str(hrc["location"]) == "Geneva, Switzerland"
    assert str(hrc["url"]).startswith("https://www.ohchr.org/")
    plenary = next(e for s, e in events.items() if s.startswith("KP Plenary 2027"))
    assert "day not yet known" in str(plenary["summary"])
    assert plenary.decoded("dtstart") == dt.date(2027, 11, 1)


def test_a_category_feed_has_that_category_only_and_a_wrong_one_is_refused(signed_in):
    un = events_of(get("category=un", cookie=signed_in).body)
    assert un and all(str(e["categories"].cats[0]) == "UN" for e in un)
    assert any("HRC" in str(e["summary"]) for e in un)
    kp = events_of(get("category=KP", cookie=signed_in).body)
    assert kp and not any("HRC" in str(e["summary"]) for e in kp)
    assert get("category=Nowhere", cookie=signed_in).status_code == 400


def test_the_coalitions_own_activities_are_not_in_the_feed(session):
    from tests.factories import add_activity

    add_activity(session, title="Our private lobbying lunch", activity_date=TODAY + dt.timedelta(days=3))
    session.commit()
    body = calendar_feed.feed_bytes(session, "staff", today=TODAY)
    assert b"lobbying lunch" not in body


@pytest.mark.parametrize("role", ["member", "funder"])
def test_an_event_only_restricted_records_carry_is_not_in_a_member_or_funder_feed(
    restricted_world,  # noqa: F811
    role,
):
    with database.session_factory(restricted_world)() as session:
        on_the_day = SECRET_DAY - dt.timedelta(days=1)
        for who in ("staff", "admin"):
            assert SECRET_EVENT.encode() in calendar_feed.feed_bytes(session, who, today=on_the_day)
        body = calendar_feed.feed_bytes(session, role, today=on_the_day)
        assert SECRET_EVENT.encode() not in body and SECRET_FORUM.encode() not in body
        assert events_of(body)  # the rest of the calendar is still there
        category = session.scalar(select(Forum.category).where(Forum.name == SECRET_FORUM))
        assert SECRET_EVENT.encode() not in calendar_feed.feed_bytes(session, role, category, on_the_day)


def test_the_calendars_coming_events_have_sources_that_are_links(session):
    coming = forum_events.events_between(session, TODAY, None, "staff")
    assert len(coming) >= 12
    assert all(is_web_url(event.source) for event in coming), [e.name for e in coming if not e.source]
    un = {e.name for e in coming if e.forum == "UN Human Rights Council"}
    assert {"HRC 64th regular session", "HRC 65th regular session", "HRC 66th regular session"} <= un
    forums = {e.forum for e in coming}
    for needed in (
        "UN General Assembly",
        "OECD Forum on Responsible Mineral Supply Chains",
        "EITI",
        "African Union: African Mining Vision / African Minerals Development Centre",
        "SADC Protocol on Mining",
        "KP Intersessional",
        "KP Plenary",
    ):
        assert needed in forums, needed
    dated = session.scalars(select(ForumEvent).where(ForumEvent.start_date >= TODAY)).all()
    assert all(e.source for e in dated)
    assert all(e.status == "expected" and not e.verified for e in dated)


# ---- calendar tokens (lane E2's tracker.access.tokens) ---------------------------------


def _create_token(username: str, scope: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["create-token", username, "--name", "my calendar", "--scope", scope]) == 0
    # The token is printed once: the longest word of what the command says.
    return max(out.getvalue().split(), key=len).strip("“”\"'.,:")


@pytest.fixture
def token_world(session, use_database):
    pytest.importorskip("tracker.access.tokens")
    routes._engine.cache_clear()
    for username, role in (("alice", "staff"), ("mo", "member"), ("fay", "funder")):
        accounts.create_user(session, username, "correct horse battery", role, "admin")
    session.commit()
    yield session
    routes._engine.cache_clear()


def test_a_calendar_token_opens_the_feed_and_a_wrong_one_does_not(token_world):
    token = _create_token("alice", "calendar")
    response = get(f"token={token}")
    assert response.status_code == 200 and events_of(response.body)
    assert get(f"token={token}x").status_code == 401
    assert get("token=").status_code == 401


def test_an_api_token_is_not_a_calendar_token(token_world):
    token = _create_token("alice", "api")
    assert get(f"token={token}").status_code == 401


@pytest.mark.parametrize("username", ["mo", "fay"])
def test_a_member_or_funder_token_leaves_out_forums_only_restricted_records_carry(token_world, username):
    from tests.factories import add_activity

    session = token_world
    forum = Forum(name="Zq Hidden Forum", category="Regional")
    session.add(forum)
    session.flush()
    session.add(
        ForumEvent(forum_id=forum.id, name="Zq Hidden Meeting", start_date=TODAY + dt.timedelta(days=9))
    )
    add_activity(session, forum=forum.name, confidentiality="restricted", activity_date=TODAY)
    session.commit()
    assert b"Zq Hidden Meeting" not in get(f"token={_create_token(username, 'calendar')}").body
    assert b"Zq Hidden Meeting" in get(f"token={_create_token('alice', 'calendar')}").body
