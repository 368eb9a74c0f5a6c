"""The Streamlit side (tracker.web): sessions across tabs, single sign-on without its
package, the top-level error guard, the funder period (issues 9.6, 9.7, 9.9, 13.3, 13.5)."""

import datetime as dt
import logging

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, metrics, open_page, sign_in_state, start_session
from tracker.access import accounts
from tracker.db import database
from tracker.results import views
from tracker.web import auth, reads
from tracker.web.entry import PAGE_ERRORS_VARIABLE


@pytest.fixture
def demo_db(use_sqlite_database, demo_app_database):
    return use_sqlite_database


def tab(session_id: str) -> AppTest:
    """Another tab of the same browser: its cookie led it to the same server-side session."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state[auth.SESSION_KEY] = session_id
    at.run()
    assert not at.exception
    return at


def signed_in(at: AppTest) -> bool:
    return any("Signed in as" in c.value for c in at.sidebar.caption)


def test_logging_out_in_one_tab_ends_the_session_in_every_tab(demo_db):
    session_id = start_session("demo-member")
    first, second = tab(session_id), tab(session_id)
    assert signed_in(first) and signed_in(second)
    first.button(key="logout").click().run()
    second.run()
    assert not signed_in(second)
    assert [t.label for t in second.text_input] == ["Username", "Password"]
    assert any("logged out" in i.value for i in second.info)


@pytest.mark.parametrize("change", ["password", "role", "disable"])
def test_an_admin_changing_an_account_ends_its_sessions(demo_db, change):
    staff = tab(start_session("demo-staff"))
    assert signed_in(staff)
    admin = open_page("pages/user_accounts.py", role="admin")
    admin.selectbox(key="users_target").set_value("demo-staff")
    admin.radio(key="users_change_kind").set_value(change)
    admin.selectbox(key="users_change_role").set_value("member")
    admin.text_input(key="users_change_password").input("a brand new long password")
    admin.button[1].click().run()
    assert any("Saved" in s.value for s in admin.success)
    staff.run()
    assert not signed_in(staff)
    assert [t.label for t in staff.text_input] == ["Username", "Password"]


def test_a_log_in_prepares_the_cookie_ticket_and_keeps_no_secret_in_the_url(demo_db):
    at = open_page()
    at.text_input(key="login_username").input("demo-member")
    at.text_input(key="login_password").input("demo-member-password")
    at.button[0].click().run()
    assert signed_in(at)
    assert dict(at.query_params) == {}
    assert auth.COOKIE_TICKET_KEY not in at.session_state  # handed to the page script once


def test_single_sign_on_configured_without_authlib_says_so_in_one_sentence(demo_db, monkeypatch):
    monkeypatch.setattr(auth, "single_sign_on_installed", lambda: False)
    at = AppTest.from_file(APP, default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "x" * 32}
    at.run()
    assert not at.exception
    assert any("pip install .[sso]" in w.value for w in at.warning)
    assert "Log in with single sign-on" not in [b.label for b in at.button]
    assert [t.label for t in at.text_input] == ["Username", "Password"]


def test_an_unexpected_error_in_a_page_is_one_sentence_and_logs_no_record_field(demo_db, monkeypatch, caplog):
    def broken(*_args):
        raise RuntimeError("Restricted title naming a person at risk")

    monkeypatch.delenv(PAGE_ERRORS_VARIABLE)  # the users' mode: the test suite's is "raise"
    monkeypatch.setattr(reads, "overview", broken)
    with caplog.at_level(logging.DEBUG):
        at = AppTest.from_file(APP, default_timeout=60)
        sign_in_state(at, "demo-member")
        at.run()
        at.switch_page("pages/overview_dashboard.py").run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Something went wrong on this page: try again, and tell an administrator if it happens again."
    ]
    assert "Restricted title" not in caplog.text
    assert "RuntimeError" in caplog.text


@pytest.fixture
def download_names(monkeypatch):
    """The file name of every download button drawn (a spy on Streamlit's own method)."""
    from streamlit.delta_generator import DeltaGenerator

    names: list[str] = []
    original = DeltaGenerator.download_button

    def spy(self, label, data, file_name=None, *args, **kwargs):
        names.append(file_name)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    return names


def test_the_funder_period_applies_when_shown_and_names_every_download(demo_db, download_names):
    at = open_page("pages/funder_summary.py", role="funder")
    assert download_names and not any("2019-01-01" in name for name in download_names)
    at.date_input(key="summary_from").set_value(dt.date(2019, 1, 1))
    at.date_input(key="summary_to").set_value(dt.date(2019, 12, 31))
    download_names.clear()
    # The picked days apply only with "Show this period" (the period form).
    next(b for b in at.button if b.label == "Show this period").click().run()
    assert len(download_names) == 7  # the report as HTML, PDF and XLSX, and four chart CSVs (the map too)
    assert all(name.startswith("funder-summary-2019-01-01-2019-12-31") for name in download_names), (
        download_names
    )
    assert any("Showing January 1, 2019 to December 31, 2019" in c.value for c in at.caption)
    engine = database.make_engine(demo_db)
    with database.session_factory(engine)() as session:
        expected = views.funder_summary(session, dt.date(2019, 1, 1), dt.date(2019, 12, 31))
    engine.dispose()
    assert metrics(at)["Activities"] == f"{expected.totals.activities:,}"


def test_a_reversed_funder_period_is_one_sentence(demo_db):
    at = open_page("pages/funder_summary.py", role="funder")
    at.date_input(key="summary_from").set_value(dt.date(2020, 1, 1))
    at.date_input(key="summary_to").set_value(dt.date(2019, 1, 1))
    next(b for b in at.button if b.label == "Show this period").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "The first day of the period is after the last: swap them, then show this period."
    ]


def test_accounts_module_is_untouched_by_the_web_side():
    assert not hasattr(accounts, "st")
