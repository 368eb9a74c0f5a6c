"""Each account has a language: chosen in the sidebar, saved on the account, followed by
the interface; TRACKER_LANG stays the default for everyone else."""

import pytest

from tests.apptest import clear_caches, open_page
from tracker.access import accounts
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.publish import digest


@pytest.fixture
def two_readers(use_database):
    clear_caches()
    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        accounts.create_user(session, "amina", "a long enough password", "member", "test")
        accounts.create_user(session, "brian", "a long enough password", "member", "test")
        digest.set_language(session, "amina", "fr", actor="test")
    yield engine
    engine.dispose()
    clear_caches()


def test_each_account_reads_the_app_in_its_own_language(two_readers):
    french = open_page(username="amina")
    assert any("Connecté·e en tant que" in c.value for c in french.sidebar.caption)
    english = open_page(username="brian")
    assert any("Signed in as" in c.value for c in english.sidebar.caption)


def test_choosing_a_language_in_the_sidebar_saves_it_on_the_account(two_readers):
    at = open_page(username="brian")
    at.sidebar.selectbox(key="sidebar_language").set_value("fr").run()
    assert any("Connecté·e en tant que" in c.value for c in at.sidebar.caption)
    with database.session_factory(two_readers)() as session:
        assert digest.preferences(session, "brian").language == "fr"


def test_subscribing_to_the_digest_in_the_sidebar(two_readers):
    at = open_page(username="brian")
    at.sidebar.toggle(key="sidebar_digest").set_value(True).run()
    with database.session_factory(two_readers)() as session:
        assert digest.preferences(session, "brian").digest == "monthly"
    assert any("no e-mail address yet" in c.value for c in at.sidebar.caption)
