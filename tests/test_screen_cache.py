"""What a click costs (issue 21.1): cached reads hold what the screen sends, not objects
rebuilt on every rerun, and the sidebar reads the account's settings once per log-in.

The figures here are the cached values themselves; their cost is measured by
``make bench`` (benchmarks/clicks.py), never in a test.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pandas as pd
import plotly.graph_objects as go
import plotly.io

from tests.apptest import chart_titles, figures, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.i18n import use_language
from tracker.publish import digest, reports
from tracker.results import views
from tracker.results.filters import Filters
from tracker.web import reads, render
from tracker.web.cache import for_screen


def a_figure(title: str) -> go.Figure:
    return go.Figure(go.Bar(x=["KP", "UN"], y=[2, 3]), layout={"title": {"text": title}})


@dataclasses.dataclass(frozen=True)
class Inner:
    figure: go.Figure | None
    table: pd.DataFrame


@dataclasses.dataclass(frozen=True)
class Outer:
    name: str
    inner: Inner
    charts: tuple[Inner, ...]


def test_every_figure_in_a_view_becomes_its_plain_dict_and_nothing_else_changes():
    table = pd.DataFrame({"forum": ["KP"], "activities": [2]})
    view = Outer("v", Inner(a_figure("one"), table), (Inner(a_figure("two"), table), Inner(None, table)))
    plain = for_screen(view)
    assert plain.inner.figure == a_figure("one").to_dict()
    assert [chart.figure for chart in plain.charts] == [a_figure("two").to_dict(), None]
    assert plain.name == "v" and plain.inner.table is table and plain.charts[1].table is table
    # The service's own value is untouched (a report built from it still has figures).
    assert isinstance(view.inner.figure, go.Figure)


def test_a_value_without_figures_is_returned_as_it_is():
    table = pd.DataFrame({"a": [1]})
    value = Inner(None, table)
    assert for_screen(value) is value
    assert for_screen((1, "a")) == (1, "a")


def test_the_chart_sent_from_a_cached_dict_is_the_chart_of_the_figure():
    figure = a_figure("Engagement")
    sent = plotly.io.to_json(render.screen_figure(figure.to_dict()), validate=False)
    assert json.loads(sent) == json.loads(plotly.io.to_json(figure, validate=False))
    assert render.screen_figure(figure) is figure


def test_a_cached_overview_read_returns_the_same_dicts_as_the_service_builds(app_database):
    with database.session_factory(app_database).begin() as session:
        add_activity(session, activity_date=dt.date(2025, 3, 10), forum="KP Plenary", effort_days=2)
        add_activity(session, activity_date=dt.date(2026, 2, 1), forum="UN General Assembly", effort_days=3)
    first = reads.overview(Filters(), "year", "activities", "member")
    again = reads.overview(Filters(), "year", "activities", "member")
    assert isinstance(first.share_figure, dict) and isinstance(first.engagement_figure, dict)
    assert again.share_figure == first.share_figure and again.engagement_figure == first.engagement_figure
    with database.session_factory(app_database)() as session:
        built = views.overview(session, Filters(), "year", "activities", "member")
    assert first.engagement_figure == built.engagement_figure.to_dict()
    assert first.totals == built.totals
    pd.testing.assert_frame_equal(first.engagement, built.engagement)


def test_the_overview_page_sends_the_services_charts(app_database):
    with database.session_factory(app_database).begin() as session:
        add_activity(session, activity_date=dt.date(2025, 3, 10), forum="KP Plenary", effort_days=2)
    at = open_page("pages/overview_dashboard.py", role="member")
    with database.session_factory(app_database)() as session:
        built = views.overview(session, Filters(), "year", "activities", "member")
    # What the service built, less the title: it is text above the chart (render.split_title).
    expected = [
        json.loads(plotly.io.to_json(render.split_title(f)[1], validate=False))
        for f in (built.share_figure, built.engagement_figure)
    ]
    assert figures(at) == expected
    assert chart_titles(at) == [
        render.split_title(f)[0] for f in (built.share_figure, built.engagement_figure)
    ]


def test_a_numbers_table_is_cached_per_language():
    table = pd.DataFrame({"forum": ["KP Plenary"], "effort_days": [1234.5]})
    with use_language("en"):
        english = render.table_html(table, "en")
        assert english == reports.table_html(table)
        assert render.table_html(table, "en") == english
    with use_language("fr"):
        french = render.table_html(table, "fr")
        assert french == reports.table_html(table)
    assert "1,234.5" in english and "1\u202f234,5" in french


def count_preference_reads(monkeypatch) -> list[str]:
    read: list[str] = []
    original = digest.preferences

    def counting(session, username):
        read.append(username)
        return original(session, username)

    monkeypatch.setattr(digest, "preferences", counting)
    return read


def test_the_sidebar_reads_the_account_settings_once_per_log_in(app_database, monkeypatch):
    read = count_preference_reads(monkeypatch)
    at = open_page(role="member")
    at.run()
    at.run()
    assert read == ["demo-member"]


def test_a_changed_setting_shows_at_once_and_is_saved(app_database, monkeypatch):
    read = count_preference_reads(monkeypatch)
    at = open_page(role="member")
    at.sidebar.toggle(key="sidebar_digest").set_value(True).run()
    at.run()
    assert at.sidebar.toggle(key="sidebar_digest").value is True
    at.sidebar.selectbox(key="sidebar_language").set_value("fr").run()
    assert any("Connecté·e en tant que" in c.value for c in at.sidebar.caption)
    assert read == ["demo-member"]
    with database.session_factory(app_database)() as session:
        saved = digest.preferences(session, "demo-member")
    assert (saved.digest, saved.language) == ("monthly", "fr")


def test_the_objects_alive_when_the_page_helpers_load_are_frozen_out_of_the_sweep():
    import gc

    # tracker.web.render freezes what is alive at its import (the libraries), so Streamlit's
    # full sweep after each run scans only what the sessions made (docs/performance.md).
    assert gc.get_freeze_count() > 10_000
