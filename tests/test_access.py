"""Every page x every role: what navigation offers, and what each page itself refuses."""

import datetime as dt

import pytest
from sqlalchemy import select

from tests.apptest import assert_page_ran, open_page, open_page_file, sign_in_state
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
    "review_submissions",
}
EXPECTED = {
    None: {"log_in"},
    "funder": {"funder_summary", "about_tracker", "api_tokens"},
    "member": READER_PAGES | {"report_activity"},
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


def test_the_legacy_pages_switch_lives_in_one_place_and_turns_the_mode_off():
    """``PagesManager.uses_pages_directory`` is private: one function sets it
    (``legacy_pages.navigate_through_entry_script``), called by the entry script when the
    server imports it and by the role guard; nothing else in the app assigns it."""
    from streamlit.runtime.pages_manager import PagesManager

    from tracker.config import PROJECT_ROOT
    from tracker.web import legacy_pages

    sources = [*(PROJECT_ROOT / "src").rglob("*.py"), *(PROJECT_ROOT / "pages").glob("*.py")]
    sources += list(PROJECT_ROOT.glob("*.py"))
    assigning = [
        str(path.relative_to(PROJECT_ROOT))
        for path in sources
        if "uses_pages_directory =" in path.read_text(encoding="utf-8")
    ]
    assert assigning == ["src/tracker/web/legacy_pages.py"]
    entry_script = (PROJECT_ROOT / "streamlit_app.py").read_text(encoding="utf-8")
    assert "legacy_pages.navigate_through_entry_script()" in entry_script
    assert "navigate_through_entry_script()" in (PROJECT_ROOT / "src/tracker/web/auth.py").read_text()
    before = PagesManager.uses_pages_directory
    try:
        PagesManager.uses_pages_directory = True
        legacy_pages.navigate_through_entry_script()
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = before


def open_every_page(role: str | None) -> None:
    """The smoke test: every page the role's navigation offers opens without an error (a
    crash fails it: see test_the_smoke_test_fails_when_a_page_crashes), and every other
    page is not offered."""
    at = open_page(role=role)
    for rule in PAGES:
        path = f"pages/{rule.name}.py"
        if rule.name in EXPECTED[role]:
            at.switch_page(path).run()
            assert_page_ran(at)
            assert not any("not available" in e.value or "Log in to see" in e.value for e in at.error), (
                rule.name
            )
        else:
            with pytest.raises(ValueError):
                at.switch_page(path)


@pytest.mark.parametrize("role", [None, *ROLES])
def test_navigation_offers_exactly_the_pages_of_the_role(accounts_db, role):
    open_every_page(role)


def test_the_smoke_test_fails_when_a_page_crashes(accounts_db, monkeypatch):
    """An error injected into a page the member opens (a service it calls raises) makes the
    every-page smoke test fail, while the pages themselves stay unchanged."""
    from tracker.web import reads

    def broken(*_args, **_kwargs):
        raise RuntimeError("injected")

    monkeypatch.setattr(reads, "overview", broken)
    with pytest.raises(AssertionError):
        open_every_page("member")
    with pytest.raises(AssertionError):
        open_page_file("pages/overview_dashboard.py", "member")


def test_the_smoke_test_fails_on_the_guard_sentence_too(accounts_db, monkeypatch):
    """Even where the guard is in its users' mode (the sentence instead of the exception),
    the helpers see the crash."""
    from tracker.web import reads
    from tracker.web.entry import PAGE_ERRORS_VARIABLE

    def broken(*_args, **_kwargs):
        raise RuntimeError("injected")

    monkeypatch.delenv(PAGE_ERRORS_VARIABLE)
    monkeypatch.setattr(reads, "overview", broken)
    with pytest.raises(AssertionError, match="Something went wrong"):
        open_page("pages/overview_dashboard.py", role="member")


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
    assert any("Account new.member created." in s.value for s in at.success)
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
