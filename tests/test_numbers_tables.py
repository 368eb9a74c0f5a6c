"""The numbers behind the charts as light HTML tables (render.numbers_table): no data-grid
scripts on a slow link, every record's text shown literally, the role rules unchanged."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from tests.apptest import numbers_tables, open_page
from tests.factories import add_activity
from tracker.access.permissions import RESTRICTED_LABEL
from tracker.db import database
from tracker.publish import reports

HOSTILE = "<script>alert(1)</script> **bold** [link](https://example.org) <b>x</b>"


@pytest.fixture
def hostile_world(app_database):
    with database.session_factory(app_database).begin() as session:
        for confidentiality, organisation in (("public", HOSTILE), ("restricted", "Zq Hidden Org")):
            add_activity(
                session,
                activity_date=dt.date(2024, 5, 2),
                forum="KP Plenary",
                organisations=[organisation],
                country="BE",
                confidentiality=confidentiality,
                effort_days=2,
            )
    return app_database


def test_a_name_with_html_or_markdown_is_shown_literally(hostile_world):
    at = open_page("pages/participation_dashboard.py", role="member")
    *_map, box = [h.value for h in at.html if "<table" in h.value]
    assert "<script>" not in box and "<b>x</b>" not in box
    assert "&lt;script&gt;alert(1)&lt;/script&gt; **bold** [link](https://example.org)" in box
    assert "&lt;b&gt;x&lt;/b&gt;" in box
    table = numbers_tables(at)[-1]  # parsed back, the text is the organisation's own
    assert HOSTILE in set(table.organisation)


def test_the_role_rules_hold_in_the_html_tables(hostile_world):
    at = open_page("pages/participation_dashboard.py", role="member")
    table = numbers_tables(at)[-1]  # the countries of the map come first
    assert dict(zip(table.organisation, table.activities, strict=True)) == {HOSTILE: 1, RESTRICTED_LABEL: 1}
    assert "Zq Hidden Org" not in "".join(h.value for h in at.html)
    staff = open_page("pages/participation_dashboard.py", role="staff")
    assert "Zq Hidden Org" in set(numbers_tables(staff)[-1].organisation)


def test_the_overview_loads_no_data_grid_for_its_numbers(hostile_world):
    at = open_page("pages/overview_dashboard.py", role="member")
    assert len(at.dataframe) == 0
    assert len(numbers_tables(at)) == 2 and len(at.get("download_button")) == 2


def test_numbers_follow_the_language_and_headings_are_escaped():
    frame = pd.DataFrame({"<th>": ["a&b"], "activities": [1234], "share": [0.25]})
    english = reports.table_html(frame)
    assert "&lt;th&gt;" in english and "a&amp;b" in english
    assert ">1,234<" in english and ">0.25<" in english
    from tracker.i18n import use_language

    with use_language("fr"):
        french = reports.table_html(frame)
    assert ">1\u202f234<" in french and ">0,25<" in french
