"""A restricted record's details reach no output a member or funder can get."""

import datetime as dt
import io
from html.parser import HTMLParser

import openpyxl
import pytest

from tests.apptest import open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.db.models import utcnow
from tracker.io.exports import to_csv
from tracker.publish import reports
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters

SECRET = "SECRET-RESTRICTED-TITLE"
SECRET_OUTCOME = "SECRET-RESTRICTED-OUTCOME"
INTERNAL = "INTERNAL-ONLY-TITLE"
PUBLIC_OUTCOME = "PUBLIC-OUTCOME-TEXT"
SCRIPT_TITLE = "<script>alert('x')</script>"
RANGE = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))


@pytest.fixture
def records(app_database):
    engine = app_database
    with database.session_factory(engine).begin() as session:
        add_activity(
            session,
            activity_date=dt.date(2024, 3, 1),
            title=SECRET,
            outcome=SECRET_OUTCOME,
            confidentiality="restricted",
            forum="Mano River Union",
            effort_days=2,
        )
        add_activity(
            session,
            activity_date=dt.date(2024, 4, 1),
            title=INTERNAL,
            outcome="internal outcome",
            confidentiality="internal",
        )
        add_activity(
            session,
            activity_date=dt.date(2024, 5, 1),
            title=SCRIPT_TITLE,
            outcome=PUBLIC_OUTCOME,
            confidentiality="public",
        )
    return engine


def _page_text(at) -> str:
    parts = [str(node.proto) for node in at._tree if getattr(node, "proto", None) is not None]
    parts += [df.value.to_csv() for df in at.dataframe]
    return "\n".join(parts)


def test_member_log_hides_restricted_while_staff_sees_it(records):
    member = _page_text(open_page("pages/activity_log.py", role="member"))
    staff = _page_text(open_page("pages/activity_log.py", role="staff"))
    assert SECRET not in member and INTERNAL in member
    assert SECRET in staff


def test_csv_downloads_follow_the_role(records):
    with database.session_factory(records)() as session:
        member = to_csv(iter_visible_activities(session, Filters(), "member")).decode()
        funder = to_csv(iter_visible_activities(session, Filters(), "funder")).decode()
        staff = to_csv(iter_visible_activities(session, Filters(), "staff")).decode()
    assert SECRET not in member and INTERNAL in member
    assert SECRET not in funder and INTERNAL not in funder and PUBLIC_OUTCOME in funder
    assert SECRET in staff


@pytest.mark.parametrize("role", ["member", "funder"])
def test_funder_summary_page_shows_public_outcomes_only(records, role):
    at = open_page("pages/funder_summary.py", role=role)
    at.date_input(key="summary_from").set_value(RANGE[0])
    at.date_input(key="summary_to").set_value(RANGE[1])
    next(b for b in at.button if b.label == "Show this period").click().run()
    text = _page_text(at)
    assert PUBLIC_OUTCOME in text
    assert SECRET not in text and SECRET_OUTCOME not in text and INTERNAL not in text
    assert {m.label: m.value for m in at.metric}["Activities"] == "3"  # restricted still counts


def _view(engine):
    with database.session_factory(engine)() as session:
        return reports.build(session, *RANGE)


def test_html_report_is_self_contained_escaped_and_public_only(records):
    page = reports.html_report(_view(records), utcnow())
    assert SECRET not in page and SECRET_OUTCOME not in page and INTERNAL not in page
    assert "Mano River Union" not in page  # a forum named only by a restricted record
    assert PUBLIC_OUTCOME in page
    assert SCRIPT_TITLE not in page and "&lt;script&gt;alert(" in page

    class Links(HTMLParser):
        found: list[str] = []

        def handle_starttag(self, tag, attrs):
            for name, value in attrs:
                if name in ("src", "href", "data", "action") and value:
                    self.found.append(value)

    parser = Links()
    parser.feed(page)
    assert [v for v in parser.found if v.startswith(("http:", "https:", "//"))] == []
    assert "<script" not in page and "<link" not in page
    assert page.count("<svg") == 4  # static charts: shift, the period's KP share, categories, themes


def test_xlsx_report_is_public_only(records):
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(_view(records))))
    cells = " ".join(str(c.value) for sheet in book for row in sheet.iter_rows() for c in row)
    assert SECRET not in cells and INTERNAL not in cells and "Mano River Union" not in cells
    assert PUBLIC_OUTCOME in cells
    assert book["Summary"]["B2"].value == 3


def test_no_page_a_member_or_funder_can_open_shows_a_restricted_record(records):
    from tracker.access.permissions import pages_for

    for role in ("member", "funder"):
        for rule in pages_for(role):
            text = _page_text(open_page(f"pages/{rule.name}.py", role=role))
            assert SECRET not in text and SECRET_OUTCOME not in text, (role, rule.name)


def test_xlsx_downloads_follow_the_role(records):
    from tracker.io.exports import to_xlsx

    def cells(role):
        with database.session_factory(records)() as session:
            book = openpyxl.load_workbook(
                io.BytesIO(to_xlsx(iter_visible_activities(session, Filters(), role)))
            )
        return " ".join(str(c.value) for row in book.active.iter_rows() for c in row)

    assert SECRET not in cells("member") and INTERNAL in cells("member")
    assert SECRET in cells("staff")
