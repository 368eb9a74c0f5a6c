"""The running server believes X-Forwarded-For only from TRACKER_TRUSTED_PROXIES (issue
22.4): a local client that forges the header on every attempt is still one client to the
log-in throttle, and the audit log records its real address."""

from __future__ import annotations

from sqlalchemy import select

from tests.browser.test_browser import idle
from tracker.db import database
from tracker.db.models import AuditEntry


def _fail_log_in(browser, app, forged: str) -> None:
    context = browser.new_context(extra_http_headers={"X-Forwarded-For": forged})
    try:
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(app["url"])
        idle(page)
        page.get_by_role("textbox", name="Username").fill("demo-admin")
        page.get_by_role("textbox", name="Password").fill("not the password at all")
        page.get_by_role("button", name="Log in").click()
        idle(page)
        page.get_by_text("wait", exact=False).or_(
            page.get_by_text("is not right", exact=False)
        ).first.wait_for()
    finally:
        context.close()


def test_a_forged_forwarded_for_reaches_neither_the_throttle_nor_the_audit_log(browser, app):
    forged = ["203.0.113.7", "198.51.100.23"]
    for address in forged:
        _fail_log_in(browser, app, address)
    engine = database.open_database(app["database"])
    try:
        with database.session_factory(engine)() as session:
            clients = [
                entry.after["client"]
                for entry in session.scalars(
                    select(AuditEntry).where(AuditEntry.entity == "login").order_by(AuditEntry.id)
                )
                if entry.after and entry.actor == "demo-admin"
            ]
    finally:
        engine.dispose()
    assert clients[-2:] == ["127.0.0.1", "127.0.0.1"], clients
    assert not set(forged) & set(clients)
