"""AppTest of the home page on an empty and on the demo database."""

import pytest

from tests.apptest import clear_caches, metrics, open_page
from tracker.access import accounts
from tracker.db import database
from tracker.db.reference_data import load_reference_data


@pytest.fixture
def fresh_caches():
    clear_caches()
    yield
    clear_caches()


def _prepare(url: str, demo: bool, templates) -> None:
    templates.copy("demo" if demo else "migrated", url)
    if not demo:
        engine = database.open_database(url)
        with database.session_factory(engine).begin() as session:
            accounts.create_user(session, "reader", "a long enough password", "member", "test")
        engine.dispose()


def test_empty_database_shows_a_friendly_empty_state(use_database, fresh_caches, database_templates):
    _prepare(use_database, demo=False, templates=database_templates)
    at = open_page(username="reader")
    assert at.title[0].value.startswith("KP Civil Society Coalition")
    assert any("No activities recorded yet" in s.value for s in at.header)
    assert metrics(at) == {}


def test_demo_database_shows_headline_totals_and_the_demo_banner(
    use_database, fresh_caches, database_templates
):
    _prepare(use_database, demo=True, templates=database_templates)
    at = open_page(role="member")
    with database.session_factory(database.make_engine(use_database))() as session:
        expected = database.count_activities(session)
    shown = metrics(at)
    assert shown["Activities"] == f"{expected:,}"
    assert shown["KP share by activities, before"].endswith("%")
    assert any("illustrative demo data" in i.value for i in at.info)


def test_a_visitor_who_is_not_signed_in_sees_only_the_log_in_form(
    use_database, fresh_caches, database_templates
):
    _prepare(use_database, demo=False, templates=database_templates)
    at = open_page()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert [b.label for b in at.button] == ["Log in"]
    assert metrics(at) == {}


def test_unreachable_database_shows_one_sentence_not_a_traceback(monkeypatch, fresh_caches):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u:pw@127.0.0.1:1/x")
    at = open_page()
    assert "could not connect" in at.error[0].value
    assert at.title[0].value == "The tracker cannot start"


def test_the_interface_speaks_french_with_tracker_lang_fr(
    use_database, fresh_caches, monkeypatch, database_templates
):
    _prepare(use_database, demo=False, templates=database_templates)
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page()
    assert [t.label for t in at.text_input] == ["Nom d’utilisateur", "Mot de passe"]
    assert [b.label for b in at.button] == ["Se connecter"]
    at = open_page(username="reader")
    assert any("Connecté·e en tant que" in c.value for c in at.sidebar.caption)


def test_home_shows_the_static_shift_chart_above_the_figures(use_database, fresh_caches, database_templates):
    _prepare(use_database, demo=True, templates=database_templates)
    at = open_page(role="member")
    children = list(at.main.children.values())
    kinds = [type(c).__name__ for c in children]
    chart_at = next(i for i, c in enumerate(children) if str(getattr(c, "value", "")).startswith("<svg"))
    assert chart_at < kinds.index("Block")  # the metrics' columns come after the chart
    svg = children[chart_at].value
    assert "March 2020 decision" in svg and children[chart_at].proto.allow_html
    assert at.get("plotly_chart") == []


def _reminder_fixture(url: str) -> None:
    import datetime as dt

    from tests.factories import add_activity
    from tracker.db.models import Forum, ForumEvent

    today = dt.date.today()
    engine = database.open_database(url)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        accounts.create_user(session, "clerk", "a long enough password", "staff", "test")
        accounts.create_user(session, "reader", "a long enough password", "member", "test")
        forum = session.query(Forum).filter_by(category="UN").first()
        events = {
            name: ForumEvent(forum=forum, name=name, start_date=today + dt.timedelta(days=offset))
            for name, offset in [
                ("Soon session", 10),
                ("Far session", 75),
                ("Recent unlogged", -20),
                ("Recent logged", -30),
                ("Old unlogged", -120),
            ]
        }
        session.add_all(events.values())
        session.flush()
        add_activity(
            session,
            forum=forum.name,
            activity_date=today - dt.timedelta(days=30),
            event_id=events["Recent logged"].id,
        )
    engine.dispose()


def test_staff_reminders_list_upcoming_events_and_recent_ones_with_nothing_logged(session):
    import datetime as dt

    from tracker.results import home

    _reminder_fixture(str(session.get_bind().url.render_as_string(hide_password=False)))
    reminders = home.staff_reminders(session, dt.date.today())
    fixture = {"Soon session", "Far session", "Recent unlogged", "Recent logged", "Old unlogged"}
    # The shipped calendar's own events (reference data) may fall in the windows too.
    assert [e for e in reminders.upcoming.event if e in fixture] == ["Soon session"]
    assert [e for e in reminders.unlogged.event if e in fixture] == ["Recent unlogged"]


def test_reminders_on_a_day_inside_the_shipped_calendar(session):
    """The clock set to 7 December 2026: the real calendar feeds both lists."""
    import datetime as dt

    from tracker.results import home

    load_reference_data(session)
    reminders = home.staff_reminders(session, dt.date(2026, 12, 7))
    upcoming = dict(zip(reminders.upcoming.event, reminders.upcoming.status, strict=True))
    assert upcoming == {
        "AU Assembly, 40th ordinary session": "expected",
        "EITI Board meeting, February 2027": "expected",
    }
    assert list(reminders.upcoming.date) == [
        "February 2027",
        "February 2027",
    ]  # a month, never an invented day
    assert list(reminders.unlogged.event) == [
        "HRC 63rd regular session",
        "KP Plenary 2026",
        "15th UN Forum on Business and Human Rights",
    ]
    assert "expected date" in home.reminder_list_html(reminders.unlogged)


def test_home_shows_staff_their_reminders_and_members_none(use_database, fresh_caches):
    _reminder_fixture(use_database)
    at = open_page(username="clerk")
    shown = " ".join(h.proto.body for h in at.get("html"))
    assert "Soon session" in shown and "Recent unlogged" in shown
    assert "Recent logged" not in shown and "Far session" not in shown and "Old unlogged" not in shown
    at = open_page(username="reader")
    assert not any("Forum events" in s.value for s in at.header)
