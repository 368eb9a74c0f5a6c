"""Numbers, money, shares and dates on the app's pages follow the reader's language (Babel),
and Home compares the year to date with the same days of the year before (the Overview's rule).

The fixture, by hand:

    a1        2025-03-10 KP Plenary            2.0 days   US$ 1,000
    a2        2025-06-01 UN General Assembly   3.0 days   US$   234
    a3        2025-12-15 KP Plenary            4.0 days   (after 29 Nov: outside the 2025 span)
    u1..u5    2026-02-01..05 UN General Assembly  245.0 days each, US$ 10,000 each
    a5        2026-11-29 KP Plenary            0.5 days

    totals: 9 activities, 1,234.5 staff-days, US$ 51,234
    Jan 1–Nov 29, 2026: 6 activities, 1,225.5 days, KP share 1/6 by count, 0.5/1225.5 by effort
    Jan 1–Nov 29, 2025: 2 activities,     5.0 days, KP share 1/2 by count, 2/5 by effort
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.apptest import chart_titles, figures, metrics, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.i18n import _, use_language
from tracker.results import charts, home, views
from tracker.results.filters import Filters
from tracker.text import formatting
from tracker.text.periods import Span, span_label
from tracker.web import render

D = dt.date
NNBSP = "\u202f"  # French thousands separator (CLDR): narrow no-break space
NBSP = "\u00a0"  # before % and the currency in French
TODAY = D(2026, 11, 29)


def add_fixture(session) -> None:
    add_activity(session, activity_date=D(2025, 3, 10), forum="KP Plenary", effort_days=2, cost_usd=1000)
    add_activity(
        session, activity_date=D(2025, 6, 1), forum="UN General Assembly", effort_days=3, cost_usd=234
    )
    add_activity(session, activity_date=D(2025, 12, 15), forum="KP Plenary", effort_days=4, cost_usd=0)
    for day in range(1, 6):
        add_activity(
            session,
            activity_date=D(2026, 2, day),
            forum="UN General Assembly",
            effort_days=245,
            cost_usd=10000,
            title=f"Side event {day}",
        )
    add_activity(session, activity_date=D(2026, 11, 29), forum="KP Plenary", effort_days=0.5, cost_usd=0)


# ---- the service: Home's comparison, hand-computed, with a fixed today ----------------


def test_home_compares_the_year_to_date_with_the_same_days_of_the_year_before(session):
    add_fixture(session)
    session.commit()
    summary = home.home_summary(session, TODAY)
    compared = summary.comparison
    assert compared is not None
    assert (compared.latest_span, compared.previous_span) == (
        Span(D(2026, 1, 1), D(2026, 11, 29)),
        Span(D(2025, 1, 1), D(2025, 11, 29)),
    )
    assert (compared.latest_label, compared.previous_label) == (
        "Jan 1 – Nov 29, 2026",
        "Jan 1 – Nov 29, 2025",
    )
    assert compared.latest == pytest.approx(
        {"activities": 6, "effort_days": 1225.5, "by_count": 1 / 6, "by_effort": 0.5 / 1225.5}
    )
    assert compared.previous == pytest.approx(
        {"activities": 2, "effort_days": 5.0, "by_count": 0.5, "by_effort": 0.4}
    )
    # One rule: the Overview by year, unfiltered, says the same.
    overview = views.overview(session, Filters(), "year", "activities", "member", today=TODAY)
    assert overview.latest_period == compared.latest_label
    assert overview.previous_period == compared.previous_label
    assert {k: c.value for k, c in overview.changes.items()} == compared.latest
    # A year that is over is compared whole with the whole year before.
    later = home.home_summary(session, D(2027, 2, 1)).comparison
    assert later is not None and (later.latest_label, later.previous_label) == ("2026", "2025")
    assert later.previous["activities"] == 3
    # Without today (the report, the digest) nothing is compared.
    assert home.home_summary(session).comparison is None


def test_spans_are_written_with_the_languages_month_names():
    span = Span(D(2026, 1, 1), D(2026, 11, 29))
    with use_language("fr"):
        assert span_label(span, "year") == "1 janv. – 29 nov. 2026"
        assert span_label(Span(D(2024, 5, 1), D(2024, 5, 15)), "month") == "1–15 mai 2024"
    with use_language("en"):
        assert span_label(span, "year") == "Jan 1 – Nov 29, 2026"


def test_render_formats_follow_the_language():
    with use_language("fr"):
        assert render.format_count(1234) == f"1{NNBSP}234"
        assert render.format_staff_days(1234.5) == f"1{NNBSP}234,5"
        assert render.format_money(51234) == f"51{NNBSP}234{NBSP}$US"
        assert render.format_share(0.62) == f"62{NBSP}%"
        assert render.format_share(None) == "–"
        assert render.format_date(D(2026, 3, 1)) == "1 mars 2026"
        assert render.format_delta(-1220.5, 1) == f"-1{NNBSP}220,5"
        assert render.format_points(-0.125) == "-12 points"
        assert charts.separators() == "," + NNBSP
        # Forum events known to the day, the month or the year (Home's reminders).
        assert formatting.partial_date(D(2026, 3, 1), "month") == "mars 2026"
        assert formatting.partial_date(D(2026, 3, 4), "day") == "4 mars 2026"
        assert formatting.partial_date(D(2026, 1, 1), "year") == "2026"
    with use_language("en"):
        assert render.format_count(1234) == "1,234"
        assert render.format_staff_days(1234.5) == "1,234.5"
        assert render.format_money(51234) == "$51,234"
        assert render.format_share(0.62) == "62%"
        assert render.format_delta(1220.5, 1) == "+1,220.5"
        assert render.format_delta(0) == "+0"
        assert charts.separators() == ".,"


# ---- the pages, in French and in English ----------------------------------------------


@pytest.fixture
def fixture_app(app_database):
    with database.session_factory(app_database).begin() as session:
        add_fixture(session)
    return app_database


def _expected_comparison(engine, language: str) -> tuple[str, str]:
    """The spans Home shows today (the page asks for the real today)."""
    with use_language(language), database.session_factory(engine)() as session:
        compared = home.home_summary(session, dt.date.today()).comparison
    assert compared is not None
    return compared.latest_label, compared.previous_label


def test_home_in_french_formats_numbers_money_and_dates(fixture_app, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page(role="member")
    shown = metrics(at)
    assert shown["Activités"] == "9"
    with use_language("fr"):
        assert shown[_("Staff-days")] == f"1{NNBSP}234,5"
        # Compact on screen (the currency is in the label), the exact amount in its help.
        assert shown[_("Cost (US$)")] == f"51,2{NBSP}k"
    [cost] = [m for m in at.metric if m.label == "Coût (US$)"]
    assert cost.help == f"Exactement 51{NNBSP}234{NBSP}$US."
    captions = [c.value for c in at.caption]
    assert "Activités du 10 mars 2025 au 29 novembre 2026." in captions
    # Below the totals: the latest period against the previous, labelled with both spans.
    assert "Dernière période par rapport à la précédente" in [s.value for s in at.header]
    latest, previous = _expected_comparison(fixture_app, "fr")
    assert f"{latest} par rapport à {previous}" in captions
    if dt.date.today().year == 2026:  # the session's own year: a part year, in French month names
        assert latest.startswith("1 janv. – ") and previous.endswith(" 2025")
        # The comparison's labels are short: its period is in the caption above.
        assert [m.value for m in at.metric if m.label == "Jours-personne"][1] == f"1{NNBSP}225,5"


def test_home_in_english_keeps_english_formats(fixture_app, monkeypatch):
    monkeypatch.delenv("TRACKER_LANG", raising=False)
    at = open_page(role="member")
    shown = metrics(at)
    assert (shown["Activities"], shown["Staff-days"], shown["Cost (US$)"]) == ("9", "1,234.5", "51.2K")
    captions = [c.value for c in at.caption]
    assert "Activities from March 10, 2025 to November 29, 2026." in captions
    latest, previous = _expected_comparison(fixture_app, "en")
    assert f"{latest} against {previous}" in captions
    assert "Latest period against the previous" in [s.value for s in at.header]


def test_overview_in_french_sets_plotly_separators_and_formats_hovers(fixture_app, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/overview_dashboard.py", role="member")
    shown = metrics(at)
    assert shown["Jours-personne"] == f"1{NNBSP}234,5"
    assert shown["Coût (US$)"] == f"51,2{NBSP}k"
    share_figure, engagement_figure = figures(at)
    for figure in (share_figure, engagement_figure):
        assert figure["layout"]["separators"] == "," + NNBSP
    # Shares in the hover and on the axis are Babel's: "17 %", never "17%" or "0.17".
    assert share_figure["layout"]["yaxis"]["ticktext"] == [f"{p}{NBSP}%" for p in (0, 20, 40, 60, 80, 100)]
    count_trace = share_figure["data"][0]
    assert [row[1] for row in count_trace["customdata"]] == [f"67{NBSP}%", f"17{NBSP}%"]
    assert "%{customdata[1]}" in count_trace["hovertemplate"]
    # Counts in the hovers go through d3 with the separators above: whole activities.
    assert all("%{y:,.0f}" in trace["hovertemplate"] for trace in engagement_figure["data"])
    assert engagement_figure["layout"]["xaxis"]["tickformat"] == "%Y"
    assert "par" in chart_titles(at)[1]


def test_overview_in_english_sets_english_separators(fixture_app, monkeypatch):
    monkeypatch.delenv("TRACKER_LANG", raising=False)
    at = open_page("pages/overview_dashboard.py", role="member")
    assert metrics(at)["Staff-days"] == "1,234.5"
    share_figure, engagement_figure = figures(at)
    assert engagement_figure["layout"]["separators"] == ".,"
    assert share_figure["layout"]["yaxis"]["ticktext"][1] == "20%"
    at.segmented_control(key="overview_measure").set_value("effort_days").run()
    engagement_figure = figures(at)[1]
    assert all("%{y:,.1f}" in trace["hovertemplate"] for trace in engagement_figure["data"])


def test_audit_log_in_french_shows_actions_and_record_types_as_words(fixture_app, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/audit_log.py", role="admin")
    table = at.dataframe[0].value
    # The fixture's nine activities (insert/activity) and the demo accounts (create/user).
    assert set(table.action) == {"création"} and set(table.entity) == {"activité", "compte"}
    assert at.caption[0].value == f"{len(table)} entrées{NBSP}; les plus récentes d’abord."
    assert at.selectbox(key="audit_entity").options == ["Tous", "activité", "compte", "connexion"]


def test_tables_write_dates_as_the_page_writes_them():
    """One date style per language: a table cell abbreviates the month of the prose date,
    in the same order; numbers and text are left alone (render.readable_dates)."""
    import pandas as pd

    frame = pd.DataFrame(
        {
            "day": [D(2015, 4, 15), None],
            "moment": pd.to_datetime(["2026-01-02 10:05", None]),
            "title": ["x", "y"],
            "count": [1, 2],
        }
    )
    with use_language("en"):
        shown = render.readable_dates(frame)
        assert list(shown.day) == ["Apr 15, 2015", ""]
        assert list(shown.moment) == ["Jan 2, 2026 10:05", ""]
        assert list(shown.title) == ["x", "y"] and list(shown["count"]) == [1, 2]
        assert formatting.date(D(2015, 4, 15)) == "April 15, 2015"
    with use_language("fr"):
        shown = render.readable_dates(frame)
        assert list(shown.day) == ["15 avr. 2015", ""]
        assert formatting.date(D(2015, 4, 15)) == "15 avril 2015"
        assert formatting.partial_date(D(2015, 4, 15), "day", short=True) == "15 avr. 2015"
        assert formatting.partial_date(D(2015, 4, 1), "month", short=True) == "avril 2015"


def test_the_activity_log_table_writes_its_dates_in_french(fixture_app, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/activity_log.py", role="member")
    dates = list(at.dataframe[0].value["date"])
    assert dates and all(re.fullmatch(r"\d{1,2} \w+\.? 20\d\d", d) for d in dates), dates
    assert "29 nov. 2026" in dates


# ---- patterns parsed once per locale (issue 21.1) write what Babel's own calls write -----


@pytest.mark.parametrize("language", ["en", "fr"])
@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(
        st.integers(min_value=-(10**9), max_value=10**9),
        st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False),
    ),
    digits=st.integers(min_value=0, max_value=2),
)
def test_compiled_formats_write_exactly_what_babel_writes(language, value, digits):
    from babel.numbers import format_currency, format_decimal, format_percent

    where = formatting.locale(language)
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    money_pattern = where.currency_formats["standard"].pattern.replace(".00", "")
    assert formatting.number(value, digits, language) == format_decimal(value, pattern, locale=where)
    assert formatting.share(value / 1000, language) == format_percent(value / 1000, locale=where)
    assert formatting.money(value, "USD", language) == format_currency(
        value, "USD", format=money_pattern, locale=where, currency_digits=False
    )


def test_the_compiled_formats_by_hand_in_both_languages():
    assert formatting.number(1234.5, 1, "en") == "1,234.5"
    assert formatting.number(1234.5, 1, "fr") == f"1{NNBSP}234,5"
    assert formatting.share(0.62, "en") == "62%" and formatting.share(0.62, "fr") == f"62{NBSP}%"
    assert formatting.money(51234, language="en") == "$51,234"
    assert formatting.money(51234, language="fr") == f"51{NNBSP}234{NBSP}$US"
    assert formatting.share(None, "fr") == "–"
    # An unknown language falls back to the source language, as before.
    assert formatting.number(1234.5, 1, "xx") == "1,234.5"
