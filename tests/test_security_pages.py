"""Issue 13 (item 9) on the Users page: the last active admin is kept, in one sentence."""

import pytest

from tests.apptest import clear_caches, open_page
from tracker.access import accounts
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo_accounts


@pytest.fixture
def one_admin(use_sqlite_database):
    clear_caches()
    engine = database.open_database(use_sqlite_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("change", ["disable", "role"])
def test_the_users_page_refuses_to_remove_the_last_active_admin(one_admin, change):
    at = open_page("pages/user_accounts.py", role="admin")
    at.selectbox(key="users_target").select("demo-admin")
    at.radio(key="users_change_kind").set_value(change)
    at.selectbox(key="users_change_role").select("member")
    at.button(key="FormSubmitter:users_change-Apply").click().run()
    assert not at.exception
    assert any("last active admin" in e.value for e in at.error)
    assert not at.success
    with database.session_factory(one_admin)() as session:
        account = accounts.active_account(session, "demo-admin")
        assert account is not None and account.role == "admin"
