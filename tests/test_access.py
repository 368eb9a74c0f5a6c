"""Every page x every role: what navigation offers, and what each page itself refuses."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import open_page, open_page_file, sign_in_state
from tracker.access import accounts, sessions
from tracker.access.permissions import PAGES, ROLES, may_open
from tracker.db import database
from tracker.db.models import BrowserSession
from tracker.web import auth

READER_PAGES = {
    "home_page",
    "funder_summary",
    "overview_dashboard",
    "forum_calendar",
    "theme_dashboard",
    "participation_dashboard",
    "activity_log",
    "about_tracker",
    "outcomes_dashboard",
    "strategy_dashboard",
    "api_tokens",
}
STAFF_PAGES = {
    "add_activity",
    "edit_activity",
    "import_activities",
    "export_activities",
    "reference_lists",
    "outcome_list",
    "edit_outcome",
}
EXPECTED = {
    None: {"log_in"},
    "funder": {"funder_summary", "about_tracker", "api_tokens"},
    "member": READER_PAGES,
    "staff": READER_PAGES | STAFF_PAGES,
    "admin": READER_PAGES | STAFF_PAGES | {"user_accounts", "audit_log"},
}


@pytest.fixture
def accounts_db(app_database):
    return app_database


def test_the_rules_say_what_the_brief_says():
    for role, pages in EXPECTED.items():
        assert {rule.name for rule in PAGES if may_open(role, rule.name)} == pages


def test_streamlit_is_the_release_the_role_guard_is_tested_with():
    """The guard in ``tracker.web.auth.require`` leans on Streamlit 1.67's legacy pages mode (a private
    attribute, and url paths that never equal a file name): pyproject.toml pins 1.67.x,
    and an upgrade must come with a fresh look at the page-refusal tests below."""
    import streamlit
    from streamlit.runtime.pages_manager import PagesManager

    assert streamlit.__version__.startswith("1.67.")
    assert hasattr(PagesManager, "uses_pages_directory")
    assert all(rule.url_path != rule.name for rule in PAGES)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_navigation_offers_exactly_the_pages_of_the_role(accounts_db, role):
    at = open_page(role=role)
    for rule in PAGES:
        path = f"pages/{rule.name}.py"
        if rule.name in EXPECTED[role]:
            at.switch_page(path).run()
            assert not at.exception
            assert not any("not available" in e.value or "Log in to see" in e.value for e in at.error), (
                rule.name
            )
        else:
            with pytest.raises(ValueError):
                at.switch_page(path)


@pytest.mark.parametrize("role", [None, *ROLES])
@pytest.mark.parametrize("page", [rule.name for rule in PAGES])
def test_every_page_refuses_a_role_it_does_not_serve(accounts_db, role, page):
    """A page opened on its own (as a direct URL to its file would), without the
    navigation, still refuses a role it does not serve and serves the others."""
    at = open_page_file(f"pages/{page}.py", role)
    refused = any("not available" in e.value or "Log in to see" in e.value for e in at.error)
    assert refused == (page not in EXPECTED[role])


def test_a_forged_role_in_session_state_is_ignored(accounts_db):
    at = open_page(role="member")
    at.session_state[auth.ACCOUNT_KEY] = accounts.Account(
        1, "demo-member", "x", "admin", None, None, True, True, None
    )
    at.run()
    with pytest.raises(ValueError):
        at.switch_page("pages/user_accounts.py")


def test_an_unknown_session_id_logs_the_session_out(accounts_db):
    at = open_page(role="member")
    at.session_state[auth.SESSION_KEY] = "made-up-session-id"
    at.run()
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    assert any("logged out" in i.value for i in at.info)


def _age_sessions(engine, **ages) -> None:
    with database.session_factory(engine).begin() as session:
        for row in session.scalars(select(BrowserSession)):
            for column, age in ages.items():
                setattr(row, column, getattr(row, column) - age)


def test_an_idle_session_expires(accounts_db):
    at = open_page(role="member")
    _age_sessions(accounts_db, last_seen_at=sessions.idle_limit() * 2)
    at.run()
    assert any("period without activity" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["Log in"]


def test_a_session_ends_after_its_absolute_lifetime_however_active(accounts_db):
    at = open_page(role="member")
    _age_sessions(accounts_db, created_at=sessions.absolute_limit() + dt.timedelta(minutes=1))
    at.run()
    assert any("maximum length" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["Log in"]


def test_a_disabled_account_is_logged_out_at_its_next_click(accounts_db):
    at = open_page(role="staff")
    with database.session_factory(accounts_db).begin() as session:
        accounts.set_active(session, "demo-staff", False, "test")
    at.run()
    assert any("disabled" in i.value for i in at.info)


def test_log_in_and_log_out_through_the_form(accounts_db):
    at = open_page()
    at.text_input(key="login_username").input("demo-funder")
    at.text_input(key="login_password").input("demo-funder-password")
    at.button[0].click().run()
    assert at.title[0].value == "Funder summary"
    at.button(key="logout").click().run()
    assert any("logged out" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["Log in"]


def test_a_wrong_password_shows_one_sentence(accounts_db):
    at = open_page()
    at.text_input(key="login_username").input("demo-funder")
    at.text_input(key="login_password").input("wrong password!")
    at.button[0].click().run()
    assert at.error[0].value == accounts.LOGIN_FAILED
    assert auth.SESSION_KEY not in at.session_state


def test_the_admin_creates_an_account_on_the_users_page(accounts_db):
    at = open_page("pages/user_accounts.py", role="admin")
    at.text_input(key="users_new_username").input("new.member")
    at.text_input(key="users_new_password").input("a fine long password")
    at.button[0].click().run()
    assert any("Account created" in s.value for s in at.success)
    assert "new.member" in set(at.dataframe[0].value.username)


def test_the_audit_log_page_lists_account_changes(accounts_db):
    at = open_page("pages/audit_log.py", role="admin")
    table = at.dataframe[0].value
    assert "created" in set(table.action) and "account" in set(table.entity)  # codes shown as words
    assert not any("$argon2" in str(v) for v in table.to_numpy().ravel())


def test_sign_in_state_helper_matches_a_real_log_in(accounts_db):
    at = open_page()
    sign_in_state(at, "demo-admin")
    at.run()
    assert any("Signed in as Demo administrator" in c.value for c in at.sidebar.caption)
