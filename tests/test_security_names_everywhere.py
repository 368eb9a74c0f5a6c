"""Issue 22 (item 5): the injection payloads in every name field, as plain text on the pages
(AppTest) and in the static SVG charts (escaped for XML and out of Markdown's reach)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.apptest import open_page
from tests.factories import add_activity
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import User
from tracker.records import reference_lists, submissions
from tracker.text import plain_text

PAYLOADS = (
    "![x](http://example.invalid/x.png)",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "http://example.invalid/",
    "*a*_b_",
)
ACTIVE = ("![", "](", "<img", "http://", "*a*", "_b_")


def _unescaped(markdown: str) -> str:
    return re.sub(r"\\.", "", markdown)


def _inert(markdown: str) -> None:
    for active in ACTIVE:
        assert active not in _unescaped(markdown), (active, markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_svg_text_leaves_no_character_markdown_or_html_could_read(payload):
    text = plain_text.svg_text(payload + "\nline")
    assert "\n" not in text
    assert not re.search(r"[!\[\]()<>*_:/]", text.replace("&#", "").replace(";", ""))
    decoded = re.sub(r"&#(\d+);", lambda m: chr(int(m.group(1))), text)
    assert decoded.replace(plain_text.WORD_JOINER, "") == payload + " line"


def test_theme_names_in_the_funder_summary_svg_charts_are_out_of_markdowns_reach(app_database):
    with database.session_factory(app_database).begin() as session:
        for payload in PAYLOADS:
            reference_lists.add_theme(session, payload)
        add_activity(
            session,
            themes=list(PAYLOADS),
            confidentiality="public",
            title="Plain",
            activity_date=dt.date.today() - dt.timedelta(days=10),
        )
    at = open_page("pages/funder_summary.py", role="funder")
    drawings = [m.value for m in at.markdown if "<svg" in m.value]
    assert drawings
    for drawing in drawings:
        for active in ACTIVE + ("javascript:",):
            assert active not in drawing.replace("<svg", "").replace("http://www.w3.org", ""), active
    assert any("&#42;a&#42;&#95;b&#95;" in drawing for drawing in drawings)


def test_an_unknown_link_parameter_named_in_the_notice_is_text(app_database):
    at = open_page("pages/overview_dashboard.py", role="member", query={"[x](javascript:alert(1))": "1"})
    notices = [w.value for w in at.warning if "not understood" in w.value]
    assert notices
    for notice in notices:
        _inert(notice)
        assert "javascript" in notice


def test_organisation_and_new_names_on_the_review_page_are_text(app_database):
    fields = {
        "date": "2026-10-02",
        "forum": PAYLOADS[1],
        "forum_category": "National",
        "themes": "Land rights",
        "activity_type": "meeting",
        "title": "Plain title",
        "effort_days": "2",
        "organisations": PAYLOADS[0],
    }
    with database.session_factory(app_database).begin() as session:
        staff = session.scalars(select(User).where(User.username == "demo-staff")).one()
        del staff
        reviewer = accounts.create_user(session, "pay-staff", "a long password here", "staff", "test")
        submissions.submit(session, reviewer, fields, organisation=PAYLOADS[2])
    review = open_page("pages/review_submissions.py", role="staff")
    captions = [c.value for c in review.caption if "Approving adds" in c.value or "sent by" in c.value]
    assert len(captions) == 2
    for caption in captions:
        _inert(caption)
    assert any("javascript" in caption for caption in captions)
