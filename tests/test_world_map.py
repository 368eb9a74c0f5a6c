"""The engagement map (issue 19): its numbers are the Participation table's, a country
only restricted records carry is never named or coloured for members and funders, the
boundaries ship with the app, and the static SVG is well-formed and small."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pytest

from tests.factories import add_activity
from tracker.access.permissions import RESTRICTED_LABEL
from tracker.publish import reports
from tracker.results import views, world_map
from tracker.results.filters import Filters

SECRET = "ZW"  # a country that only the restricted record carries; drawn on the 110m map


@pytest.fixture
def world(session):
    day = dt.date(2025, 3, 1)
    for forum, country, effort, confidentiality in (
        ("KP Plenary", "BE", 2.0, "public"),
        ("UN Human Rights Council", "BE", 1.0, "internal"),
        ("UN Human Rights Council", "BE", 1.0, "public"),
        ("KP Plenary", "CD", 3.0, "public"),
        ("EITI", "CD", 0.5, "internal"),
        ("KP Plenary", SECRET, 4.0, "restricted"),
        ("EITI", "CD", 2.0, "restricted"),  # restricted, in a country others name too
        ("EITI", None, 9.0, "public"),  # no country: not on the map
    ):
        add_activity(
            session,
            forum=forum,
            country=country,
            effort_days=effort,
            confidentiality=confidentiality,
            activity_date=day,
        )
    session.commit()
    return session


@pytest.mark.parametrize("role", ["admin", "staff", "member", "funder"])
@pytest.mark.parametrize("measure", ["activities", "effort_days"])
def test_the_maps_numbers_equal_the_participation_table(world, role, measure):
    participation = views.participation(world, Filters(), measure, "countries", role).table
    shown = world_map.country_map(world, Filters(), role, measure)
    named = participation[participation.country_code != ""]
    assert dict(zip(shown.table.country_code, shown.table.activities, strict=True)) == dict(
        zip(named.country_code, named.activities, strict=True)
    )
    assert dict(zip(shown.table.country_code, shown.table.effort_days, strict=True)) == dict(
        zip(named.country_code, named.effort_days, strict=True)
    )
    restricted = participation[participation.country_code == ""]
    assert shown.restricted_activities == int(restricted.activities.sum())
    # Restricted records count in every role's totals: the same 7 activities with a country.
    assert int(shown.table.activities.sum()) + shown.restricted_activities == 7


def test_kp_share_per_country_by_hand(world):
    staff = world_map.country_map(world, Filters(), "staff", "effort_days").table.set_index("country_code")
    assert staff.loc["BE", "kp_share"] == pytest.approx(2.0 / 4.0)
    assert staff.loc["CD", "kp_share"] == pytest.approx(3.0 / 5.5)
    assert staff.loc[SECRET, "kp_share"] == 1.0
    member = world_map.country_map(world, Filters(), "member", "activities").table.set_index("country_code")
    assert member.loc["CD", "kp_share"] == pytest.approx(1 / 2)  # the restricted EITI record is apart
    only_un = world_map.country_map(world, Filters(categories=("UN",)), "staff", "activities").table
    assert set(only_un.country_code) == {"BE"} and list(only_un.kp_share) == [0.0]


@pytest.mark.parametrize("role", ["member", "funder"])
def test_a_country_only_restricted_records_carry_is_never_named_or_coloured(world, role):
    view = world_map.country_map(world, Filters(), role, "activities")
    assert SECRET not in set(view.table.country_code)
    assert (view.restricted_activities, view.restricted_effort_days) == (2, 6.0)
    line = world_map.restricted_line(view)
    assert line is not None and line.startswith(RESTRICTED_LABEL)
    figure = world_map.map_figure(view)
    coloured = figure.data[1]
    assert SECRET not in coloured.locations and "Zimbabwe" not in json.dumps(list(coloured.text))
    assert "Zimbabwe" not in "".join(coloured.text)
    svg = world_map.map_svg(view)
    titles = [t.text for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}title")]
    assert titles and not any("Zimbabwe" in t for t in titles)
    assert any(t.startswith("Belgium") for t in titles)
    assert RESTRICTED_LABEL in svg


def test_staff_see_every_country_by_name(world):
    view = world_map.country_map(world, Filters(), "staff", "activities")
    assert SECRET in set(view.table.country_code) and view.restricted_activities == 0
    assert world_map.restricted_line(view) is None
    titles = [
        t.text for t in ET.fromstring(world_map.map_svg(view)).iter("{http://www.w3.org/2000/svg}title")
    ]
    assert any(t.startswith("Zimbabwe") for t in titles)


def test_the_boundaries_ship_with_the_app_and_the_figure_loads_nothing():
    world = world_map.world_geojson()
    codes = {f["id"] for f in world["features"]}
    assert len(codes) > 170 and {"BE", "CD", "ZW", "SL", "CI", "GN", "LR", "CM", "CF", "BW"} <= codes
    assert "AQ" not in codes
    view = world_map.country_map_from(
        pd.DataFrame(
            {"country_code": ["BE"], "country": ["Belgium"], "activities": [2], "effort_days": [1.0]}
        ),
        pd.DataFrame(columns=["country_code", "country", "activities", "effort_days"]),
        "activities",
    )
    spec = world_map.map_figure(view).to_plotly_json()
    geo = spec["layout"]["geo"]
    # No base layer of plotly.js's own: it would fetch topojson from a CDN.
    for layer in ("showland", "showocean", "showlakes", "showrivers", "showcountries", "showcoastlines"):
        assert geo[layer] is False, layer
    assert all(trace["geojson"]["type"] == "FeatureCollection" for trace in spec["data"])
    assert "http" not in json.dumps(spec)


def test_country_names_follow_the_readers_language(world):
    from tracker.i18n import use_language

    with use_language("fr"):
        view = world_map.country_map(world, Filters(), "staff", "activities")
        assert "Belgique" in set(view.table.country)
        assert "Belgique" in world_map.map_svg(view)


def test_the_svg_escapes_names_and_stays_small(world):
    table = pd.DataFrame(
        {"country_code": ["BE"], "country": ["<b>B&E</b>"], "activities": [1], "effort_days": [1.0]}
    )
    view = world_map.country_map_from(table, table.iloc[0:0], "activities")
    svg = world_map.map_svg(view, title='A "title" <script>')
    ET.fromstring(svg)  # well-formed XML
    assert "<script>" not in svg and "&#60;script&#62;" in svg  # svg_text: numeric references
    assert len(svg.encode()) < 120_000


def test_the_report_has_the_map_of_the_funders_view(world):
    report = reports.build(world, dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    page = reports.html_report(report, dt.datetime(2026, 12, 7, 12, 0))
    assert "Where the coalition works" in page and "<svg" in page
    assert "Zimbabwe" not in page  # the funder's rule, whoever downloads it
    assert "Belgium" in page
    assert len(page.encode("utf-8")) <= 600_000


def test_the_app_serves_the_boundaries_plotly_asks_for():
    from starlette.requests import Request

    from tracker.web import routes

    def get(name: str):
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"/tracker-geo/{name}",
            "path_params": {"name": name},
        }
        return routes.boundaries(Request(scope))

    served = get(world_map.PLOTLY_TOPOJSON_NAME)
    assert served.status_code == 200 and json.loads(served.body)["type"] == "Topology"
    assert get("world_50m.json").status_code == 404
    assert world_map.PLOTLY_GEO_CONFIG["topojsonURL"] == "/tracker-geo/"
