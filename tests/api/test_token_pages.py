"""The API tokens page (every role, its own tokens) and the Users page's token panel (an
admin, every account's): created and shown once, listed, revoked."""

from __future__ import annotations

import pytest

from tests.apptest import open_page
from tracker.access import tokens
from tracker.db import database


@pytest.fixture
def tokens_db(app_database):
    return app_database


def _create(at, name: str, key: str = "own") -> str:
    at.text_input(key=f"tokens_name_{key}").input(name)
    next(b for b in at.button if b.label == "Create the token").click().run()
    assert not at.exception, at.exception
    assert any("not shown again" in s.value for s in at.success)
    [code] = [c.value for c in at.code]
    assert code.startswith("trk_")
    return code


@pytest.mark.parametrize("role", ["admin", "staff", "member", "funder"])
def test_every_role_creates_lists_and_revokes_its_own_tokens(tokens_db, role):
    at = open_page("pages/api_tokens.py", role=role)
    assert any("No token yet" in i.value for i in at.info)
    raw = _create(at, "My spreadsheet")
    with database.session_factory(tokens_db)() as session:
        assert tokens.authenticate(session, raw).username == f"demo-{role}"
        session.commit()
    table = at.dataframe[0].value
    assert list(table.name) == ["My spreadsheet"] and table.prefix[0] == raw[:12] + "…"
    assert raw not in str({key: at.session_state[key] for key in at.session_state})
    at.run()  # shown once: the next run no longer shows it
    assert [c.value for c in at.code] == []
    next(b for b in at.button if b.label == "Revoke").click().run()
    assert any("no longer works" in s.value for s in at.success)
    with database.session_factory(tokens_db)() as session:
        assert tokens.authenticate(session, raw) is None


def test_a_role_sees_only_its_own_tokens(tokens_db):
    with database.writing(tokens_db) as session:
        tokens.create_token(session, "demo-staff", "Staff tool", "demo-admin")
    at = open_page("pages/api_tokens.py", role="member")
    assert any("No token yet" in i.value for i in at.info) and len(at.dataframe) == 0


def test_an_admin_manages_every_account_s_tokens_on_the_users_page(tokens_db):
    at = open_page("pages/user_accounts.py", role="admin")
    at.selectbox(key="tokens_owner_all").set_value("demo-member")
    raw = _create(at, "Member website", key="all")
    table = at.dataframe[0].value
    assert list(table.username) == ["demo-member"] and list(table.name) == ["Member website"]
    with database.session_factory(tokens_db)() as session:
        assert tokens.authenticate(session, raw).username == "demo-member"
        session.commit()
    next(b for b in at.button if b.label == "Revoke").click().run()
    with database.session_factory(tokens_db)() as session:
        assert tokens.authenticate(session, raw) is None
