"""What changes so the tracker reads on a 390 px phone (issue 20; docs/phone.md), checked
without a browser: compact headline numbers in both languages, chart titles as wrapping
text, long names wrapped on bar-chart axes, the Strategy targets and Activity log lists,
and the Outcomes list a page at a time with its count. The browser side (no sideways
scroll, nothing cut) is tests/browser/test_phone.py."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import plotly.graph_objects as go
import pytest

from tests.apptest import chart_titles, clear_caches, figures, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.i18n import use_language
from tracker.records import outcomes
from tracker.results import charts, results_views
from tracker.results.activity_log import log_list_html
from tracker.text import formatting
from tracker.web import render

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "english", "french"),
    [
        (0, "0", "0"),
        (9_999, "9,999", f"9{chr(0x202F)}999"),  # under 10,000: in full
        (20_780, "20.8K", f"20,8{NBSP}k"),  # two whole digits: one decimal
        (388_620, "389K", f"389{NBSP}k"),  # three whole digits: none
        (390_100, "390K", f"390{NBSP}k"),
        (1_234_567, "1.2M", f"1,2{NBSP}M"),
    ],
)
def test_compact_numbers_by_hand_in_both_languages(value, english, french):
    assert formatting.compact(value, "en") == english
    assert formatting.compact(value, "fr") == french


def test_split_title_moves_the_title_out_of_the_figure_as_plain_text():
    figure = go.Figure(go.Bar(x=[1], y=["KP"]), layout={"title": {"text": "A &amp; B<br>per year"}})
    title, untitled = render.split_title(figure.to_dict())
    assert title == "A & B per year"
    assert untitled.layout.title.text is None
    assert untitled.layout.margin.t == render.CHART_TOP_MARGIN
    # French no-break spaces stay as they are.
    assert render.split_title({"layout": {"title": {"text": f"Cibles{NBSP}: réalisé"}}})[0] == (
        f"Cibles{NBSP}: réalisé"
    )
    assert render.split_title({"data": [], "layout": {}})[0] == ""


def test_render_config_hides_the_plotly_mode_bar():
    assert render.PLOTLY_CONFIG["displayModeBar"] is False


def test_long_names_wrap_on_bar_chart_axes_and_the_data_keep_them_whole():
    name = "African Union: African Mining Vision / African Minerals Development Centre"
    assert charts.wrapped_label(name) == (
        "African Union: African<br>Mining Vision /<br>African Minerals<br>Development Centre"
    )
    assert charts.wrapped_label("EITI") == "EITI"
    table = pd.DataFrame({"forum": [name, "EITI"], "category": ["Regional", "Other international"]})
    table["activities"] = [3, 1]
    figure = charts.top_forums_chart(table, "activities")
    assert figure.layout.yaxis.tickvals == (name, "EITI")
    assert figure.layout.yaxis.ticktext[0].count("<br>") == 3
    assert {name, "EITI"} == {y for trace in figure.data for y in trace.y}


def test_the_targets_list_keeps_year_target_actual_and_status_per_measure():
    table = pd.DataFrame(
        [
            [2024, "Activities", "all records", "at least 4", "6", "met", "", ""],
            [2025, "Activities", "all records", "at least 5", "1", "not met", "", "a <note>"],
            [2024, "KP share of staff-days", "KP", "at most 30%", "33%", "not met", "", ""],
        ],
        columns=["year", "measure", "scope", "target", "actual", "status", "baseline", "note"],
    )
    html = results_views.targets_list_html(table)
    assert html.count("<table") == 2
    assert "Activities, all records</caption>" in html
    assert '<td>2025</td><td>at least 5</td><td class="tracker-number">1</td><td><b>not met</b></td>' in html
    assert "<note>" not in html  # notes are in the full table, and escaped wherever shown


def test_the_log_list_shows_date_and_full_title_and_escapes_every_text():
    rows = pd.DataFrame(
        [
            {
                "id": 7,
                "date": dt.date(2026, 3, 1),
                "title": "<script>x</script> A very long title that must never be cut on a phone",
                "forum": "EITI",
                "effort_days": 1.5,
                "cost_usd": None,
            }
        ]
    )
    with use_language("fr"):
        html = log_list_html(rows)
    assert (
        '<summary><span class="tracker-when">1 mars 2026</span> <b>&lt;script&gt;x&lt;/script&gt; A very long'
        in html
    )
    assert "<dt>Forum</dt><dd>EITI</dd>" in html and "<dd>1,5</dd>" in html
    assert "<script>" not in html and "Coût" not in html  # an empty cell is left out


@pytest.fixture
def many_outcomes(app_database):
    """25 public outcomes, one activity each (through the one write path): three pages of 10."""
    with database.session_factory(app_database).begin() as session:
        for number in range(25):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=number)
            add_activity(session, activity_date=day, confidentiality="public", external_id=f"a{number}")
            outcomes.create_outcome(
                session,
                outcomes.OutcomeInput(
                    outcome_id=f"OUT-{number:02d}",
                    outcome_date=day,
                    statement=f"Change number {number}",
                    social_actor="The board",
                    change_type="policy",
                    themes=["KP reform"],
                    confidentiality="public",
                    activities=[f"a{number}"],
                ),
                "tester",
            )
    clear_caches()
    return app_database


def _listed(at) -> list[str]:
    return [m for h in at.get("html") for m in re.findall(r'data-outcome="([^"]+)"', h.proto.body)]


@pytest.mark.parametrize("role", ["member", "staff", "admin"])
def test_the_outcomes_list_comes_a_page_at_a_time_with_its_count(many_outcomes, role):
    at = open_page("pages/outcomes_dashboard.py", role=role)
    assert "25 outcomes listed; page 1 of 3." in [c.value for c in at.caption]
    assert _listed(at) == [f"OUT-{n:02d}" for n in range(24, 14, -1)]  # newest first, ten
    at.number_input(key="outcomes_page").set_value(3).run()
    assert "25 outcomes listed; page 3 of 3." in [c.value for c in at.caption]
    assert _listed(at) == [f"OUT-{n:02d}" for n in range(4, -1, -1)]


def test_the_outcomes_count_in_french(many_outcomes, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/outcomes_dashboard.py", role="member")
    assert "25 résultats listés\u00a0; page 1 sur 3." in [c.value for c in at.caption]


def test_outcome_pages_of_ten():
    from tracker.results.results_views import outcomes_page

    assert (outcomes_page(7, 1).pages, outcomes_page(7, 1).stop) == (1, 7)
    assert outcomes_page(25, 9).page == 3  # a stale page number after the filters narrowed the list
    assert (outcomes_page(25, 3).start, outcomes_page(25, 3).stop) == (20, 25)
    assert outcomes_page(0, 1).pages == 1


def test_the_overview_shows_chart_titles_as_text_and_a_compact_cost(many_outcomes):
    at = open_page("pages/overview_dashboard.py", role="member")
    titles = chart_titles(at)
    assert len(titles) == len(figures(at)) == 2
    assert all("title" not in figure["layout"] for figure in figures(at))
    assert titles[0].startswith("Share of the coalition's engagement spent in KP forums")
