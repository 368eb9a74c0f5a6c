"""Where the coalition works: engagement per country, as a map that needs no internet.

The boundaries are Natural Earth 1:110m (public domain) as TopoJSON from the npm package
``world-atlas`` (``tracker/data/countries-110m.json``, licence note beside it), shipped
with the app and converted once per process into GeoJSON keyed by ISO alpha-2 code. The
Plotly map carries that GeoJSON in the figure and draws no base layer of its own; as
plotly.js still fetches a topojson for any map, its ``topojsonURL`` points at the app,
which serves the same shipped file (no CDN, no tiles); the report's and the Funder
summary's map is a static SVG drawn from the same shapes (``map_svg``).

The numbers are the Participation table's (``analytics.activities_by_country``), so
both agree by construction: for members and funders restricted records are one
"Restricted records" row (they count in the totals), shown beside the map, and a
country only restricted records carry is never named or coloured. KP share per country
is the same table again with the KP category only, the brief's definition.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import pycountry
from sqlalchemy.orm import Session

from tracker.i18n import _
from tracker.results import analytics
from tracker.results.filters import Filters
from tracker.text import formatting
from tracker.text.countries import local_name
from tracker.text.plain_text import plotly_literal
from tracker.text.plain_text import svg_text as escape

BOUNDARIES = "countries-110m.json"
MAP_COLUMNS = ["country_code", "country", "activities", "effort_days", "kp_share"]
# Sequential, colour-blind-safe blues (ColorBrewer "Blues", its 5 darkest of 7 classes, so
# the lightest still stands out from the land colour).
SCALE = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
LAND = "#e4e4e4"
BORDER = "#ffffff"
LEFT_OUT = {"AQ"}  # Antarctica: no engagement there, and it eats a third of the height


# ---- boundaries ------------------------------------------------------------------------

# plotly.js asks for ``{topojsonURL}world_110m.json`` whatever the figure holds; the app
# serves its own file there (``tracker.web.routes``), so the chart's config names the app.
PLOTLY_TOPOJSON_NAME = "world_110m.json"
PLOTLY_GEO_CONFIG = {"topojsonURL": "/tracker-geo/"}


@functools.cache
def boundaries_bytes() -> bytes:
    """The shipped TopoJSON file as it is (for plotly.js's own fetch)."""
    return (files("tracker") / "data" / BOUNDARIES).read_bytes()


def _decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs (quantized, delta-encoded) as longitude/latitude points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((round(x * sx + tx, 2), round(y * sy + ty, 2)))
        arcs.append(points)
    return arcs


def _ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[list[float]]:
    ring: list[list[float]] = []
    for index in indexes:
        points = arcs[index] if index >= 0 else arcs[~index][::-1]
        ring.extend([list(p) for p in (points[1:] if ring else points)])
    return ring


def _alpha2(numeric_id: object) -> str | None:
    found = pycountry.countries.get(numeric=str(numeric_id).zfill(3)) if numeric_id is not None else None
    return found.alpha_2 if found is not None else None


@functools.cache
def world_geojson() -> dict[str, Any]:
    """Every country as a GeoJSON feature whose ``id`` is its ISO alpha-2 code (converted
    once per process from the shipped TopoJSON; disputed areas without a code are drawn
    as land but never coloured)."""
    topology = json.loads((files("tracker") / "data" / BOUNDARIES).read_text(encoding="utf-8"))
    arcs = _decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = _alpha2(geometry.get("id")) or f"x-{geometry['properties']['name']}"
        if code in LEFT_OUT or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        coordinates = [[_ring(ring, arcs) for ring in polygon] for polygon in polygons]
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {"name": geometry["properties"]["name"]},
                "geometry": {"type": "MultiPolygon", "coordinates": coordinates},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def mapped_codes() -> frozenset[str]:
    return frozenset(f["id"] for f in world_geojson()["features"])


# ---- numbers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CountryMap:
    """Per country as ``role`` may see it, with the Restricted records row apart."""

    table: pd.DataFrame  # MAP_COLUMNS, busiest first: named countries only
    restricted_activities: int
    restricted_effort_days: float
    measure: str

    @property
    def is_empty(self) -> bool:
        return self.table.empty and not self.restricted_activities


def _kp_share(measure: float, kp_measure: float) -> float | None:
    return kp_measure / measure if measure else None


def country_map(
    session: Session, filters: Filters, role: str | None, measure: str = "activities"
) -> CountryMap:
    """The Participation table per country, plus each country's KP share for ``measure``."""
    table = analytics.activities_by_country(session, filters, role)
    kp_filters = filters.with_(categories=tuple(c for c in (filters.categories or ("KP",)) if c == "KP"))
    kp = (
        analytics.activities_by_country(session, kp_filters, role)
        if kp_filters.categories
        else table.iloc[0:0]
    )
    return country_map_from(table, kp, measure)


def country_map_from(table: pd.DataFrame, kp: pd.DataFrame, measure: str) -> CountryMap:
    named = table[table.country_code != ""]
    secret = table[table.country_code == ""]
    kp_by_code = kp[kp.country_code != ""].set_index("country_code")[measure]
    shares = [
        _kp_share(float(value), float(kp_by_code.get(code, 0.0)))
        for code, value in zip(named.country_code, named[measure], strict=True)
    ]
    shown = named.assign(country=[local_name(code) for code in named.country_code], kp_share=shares)[
        MAP_COLUMNS
    ]
    shown = shown.sort_values([measure, "country"], ascending=[False, True], ignore_index=True)
    return CountryMap(
        table=shown,
        restricted_activities=int(secret.activities.sum()),
        restricted_effort_days=float(secret.effort_days.sum()),
        measure=measure,
    )


def restricted_line(view: CountryMap) -> str | None:
    """The sentence beside the map for records whose countries are not shown, else None."""
    if not view.restricted_activities:
        return None
    return _("{label}: {n} activities, {days} staff-days (their countries are not shown).").format(
        label=analytics.restricted_label(),
        n=formatting.number(view.restricted_activities),
        days=formatting.number(view.restricted_effort_days, 1),
    )


def _hover(row: Any) -> str:
    share = formatting.share(row.kp_share) if row.kp_share is not None else "–"
    return "<br>".join(
        [
            f"<b>{plotly_literal(row.country)}</b>",
            f"{plotly_literal(_('Activities'))}: {formatting.number(int(row.activities))}",
            f"{plotly_literal(_('Staff-days'))}: {formatting.number(float(row.effort_days), 1)}",
            f"{plotly_literal(_('KP share'))}: {share}",
        ]
    )


def measure_title(measure: str) -> str:
    return _("Staff-days per country") if measure == "effort_days" else _("Activities per country")


# ---- the interactive map (Plotly) --------------------------------------------------------


def map_figure(view: CountryMap, height: int = 380) -> go.Figure:
    """A choropleth of ``view.measure`` per country; every other country is plain land.
    The GeoJSON rides in the figure: plotly.js loads no boundaries from anywhere."""
    world = world_geojson()
    drawn = view.table[view.table.country_code.isin(mapped_codes())]
    fig = go.Figure()
    fig.add_trace(
        go.Choropleth(
            geojson=world,
            locations=[f["id"] for f in world["features"]],
            z=[0] * len(world["features"]),
            featureidkey="id",
            colorscale=[[0, LAND], [1, LAND]],
            showscale=False,
            hoverinfo="skip",
            marker_line_color=BORDER,
            marker_line_width=0.4,
        )
    )
    if not drawn.empty:
        fig.add_trace(
            go.Choropleth(
                geojson={
                    "type": "FeatureCollection",
                    "features": [f for f in world["features"] if f["id"] in set(drawn.country_code)],
                },
                locations=list(drawn.country_code),
                z=[float(v) for v in drawn[view.measure]],
                featureidkey="id",
                zmin=0,
                colorscale=[[i / (len(SCALE) - 1), c] for i, c in enumerate(SCALE)],
                marker_line_color="#555555",
                marker_line_width=0.5,
                text=[_hover(row) for row in drawn.itertuples()],
                hovertemplate="%{text}<extra></extra>",
                colorbar={
                    "title": {"text": measure_title(view.measure), "side": "right"},
                    "orientation": "h",
                    "thickness": 10,
                    "len": 0.8,
                    "y": -0.02,
                    "yanchor": "top",
                },
            )
        )
    fig.update_geos(
        visible=False,
        showland=False,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showcountries=False,
        showcoastlines=False,
        showframe=False,
        showsubunits=False,
        projection_type="natural earth",
        lataxis_range=[-58, 84],
        bgcolor="rgba(0,0,0,0)",
    )
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 30, "b": 10},
        title={"text": measure_title(view.measure), "x": 0, "font": {"size": 14}},
        dragmode=False,
        paper_bgcolor="rgba(0,0,0,0)",
    )
    return fig


# ---- the static map (SVG: report, Funder summary) ---------------------------------------


def _natural_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Natural Earth projection (Šavrič et al. 2011), as Plotly's map uses: x, y in radians."""
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


SVG_WIDTH = 480
_X_MAX = _natural_earth(180, 0)[0]
_Y_TOP, _Y_BOTTOM = _natural_earth(0, 84)[1], _natural_earth(0, -58)[1]
_MAP_HEIGHT = round(SVG_WIDTH * (_Y_TOP - _Y_BOTTOM) / (2 * _X_MAX))


def _point(lon: float, lat: float) -> tuple[int, int]:
    x, y = _natural_earth(lon, lat)
    return round((x + _X_MAX) / (2 * _X_MAX) * SVG_WIDTH), round(
        (_Y_TOP - y) / (_Y_TOP - _Y_BOTTOM) * _MAP_HEIGHT
    )


def _one_side(ring: list[list[float]]) -> list[list[float]]:
    """A ring that crosses the 180th meridian (Russia's far east, Fiji) kept on the side
    where most of it lies: a flat projection would draw a line across the whole map."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in zip(ring, ring[1:], strict=False)):
        return ring
    east = sum(1 for lon, _lat in ring if lon > 0) * 2 >= len(ring)
    return [[180.0 if east else -180.0, lat] if (lon < 0) == east else [lon, lat] for lon, lat in ring]


@functools.cache
def _paths() -> dict[str, str]:
    """Each country's outline as SVG path data, projected once per process (whole pixels,
    repeated points dropped: small enough for the report's size budget)."""
    paths = {}
    for feature in world_geojson()["features"]:
        parts = []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                points: list[tuple[int, int]] = []
                for lon, lat in _one_side(ring):
                    p = _point(lon, lat)
                    if not points or points[-1] != p:
                        points.append(p)
                if len(points) >= 3:
                    parts.append("M" + "L".join(f"{x} {y}" for x, y in points) + "Z")
        paths[feature["id"]] = "".join(parts)
    return paths


def bins(values: list[float]) -> list[float]:
    """Upper bounds of the colour classes: equal steps from 0 to the largest value."""
    top = max(values, default=0.0)
    return [top * (i + 1) / len(SCALE) for i in range(len(SCALE))] if top > 0 else []


def _colour(value: float, bounds: list[float]) -> str:
    for colour, bound in zip(SCALE, bounds, strict=True):
        if value <= bound:
            return colour
    return SCALE[-1]


def map_svg(view: CountryMap, title: str | None = None) -> str:
    """The map as SVG text: engaged countries coloured in five classes, each with a
    ``<title>`` (its name and numbers: the hover of a browser, read by screen readers),
    a legend, and the Restricted records line. Pure: data in, text out; all text escaped."""
    paths = _paths()
    values = dict(zip(view.table.country_code, view.table[view.measure], strict=True))
    rows = {row.country_code: row for row in view.table.itertuples()}
    bounds = bins([float(v) for v in values.values() if v])
    heading = title or measure_title(view.measure)
    shapes = []
    for code, path in paths.items():
        if code in values and values[code]:
            row = rows[code]
            share = formatting.share(row.kp_share) if row.kp_share is not None else "–"
            tip = (
                f"{row.country}: {_('Activities')} {formatting.number(int(row.activities))}, "
                f"{_('Staff-days')} {formatting.number(float(row.effort_days), 1)}, {_('KP share')} {share}"
            )
            shapes.append(
                f'<path d="{path}" fill="{_colour(float(values[code]), bounds)}" stroke="#555" '
                f'stroke-width="0.4"><title>{escape(tip)}</title></path>'
            )
        else:
            shapes.append(f'<path d="{path}" fill="{LAND}" stroke="{BORDER}" stroke-width="0.3"/>')
    top = 22
    legend_y = top + _MAP_HEIGHT + 14
    legend = []
    decimals = 1 if view.measure == "effort_days" else 0
    lower = 0.0
    for i, (colour, bound) in enumerate(zip(SCALE[: len(bounds)], bounds, strict=True)):
        x = 8 + i * 90
        label = f"{formatting.number(lower, decimals)}–{formatting.number(bound, decimals)}"
        legend.append(
            f'<rect x="{x}" y="{legend_y}" width="14" height="10" fill="{colour}" '
            'stroke="#555" stroke-width="0.4"/>'
            f'<text x="{x + 18}" y="{legend_y + 9}" font-size="10">{escape(label)}</text>'
        )
        lower = bound
    note = restricted_line(view)
    height = legend_y + 20 + (16 if note else 0)
    note_text = f'<text x="8" y="{legend_y + 32}" font-size="10">{escape(note)}</text>' if note else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {SVG_WIDTH} {height}" width="100%" '
        f'role="img" aria-label="{escape(heading)}" '
        f'style="max-width:{SVG_WIDTH * 1.5:.0f}px;font-family:system-ui, Arial, sans-serif">'
        f'<text x="8" y="15" font-size="12" font-weight="bold">{escape(heading)}</text>'
        f'<g transform="translate(0 {top})">{"".join(shapes)}</g>'
        f"{''.join(legend)}{note_text}</svg>"
    )
