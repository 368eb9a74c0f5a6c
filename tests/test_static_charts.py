"""The light static shift chart: an SVG built by a pure function, with nothing clipped."""

import io
import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from PIL import Image

from tracker.i18n import use_language
from tracker.results import static_charts
from tracker.results.static_charts import ShiftPoint, shift_chart_svg, text_width

SVG = "{http://www.w3.org/2000/svg}"


def _points():
    return [
        ShiftPoint(2018, 0.8, 0.75),
        ShiftPoint(2019, 0.6, None),
        ShiftPoint(2020, None, None),
        ShiftPoint(2021, 0.25, 0.2),
        ShiftPoint(2022, 0.1, 0.05),
    ]


def test_the_chart_is_valid_svg_with_the_before_and_since_shares_in_its_legend():
    svg = shift_chart_svg(_points(), (0.7, 0.75), (0.175, 0.125))
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter(f"{SVG}text")]
    legend = " ".join(texts)  # a long legend wraps onto several lines
    assert "By number of activities: 70% before March 2020, 18% since" in legend
    assert "By staff-days: 75% before March 2020, 12% since" in legend
    assert "March 2020 decision" in texts
    assert [t for t in texts if re.fullmatch(r"20\d\d", t or "")] == ["2018", "2019", "2020", "2021", "2022"]
    assert "<script" not in svg


def test_a_year_without_activities_is_a_gap_not_zero():
    root = ET.fromstring(shift_chart_svg(_points(), (0.7, 0.75), (0.175, 0.125)))
    lines = root.findall(f"{SVG}polyline")
    # By count: 2018-2019, then 2021-2022 (2020 is a gap); by effort: 2021-2022 only.
    assert [len(line.get("points").split()) for line in lines] == [2, 2, 2]
    # 2019 by effort stands alone: a marker without a line.
    assert len(root.findall(f"{SVG}rect")) == 1 + 3  # background + three effort markers


def test_every_label_fits_inside_the_view_box_even_in_long_french():
    svg = shift_chart_svg(
        _points(),
        (0.7, 0.75),
        (0.175, 0.125),
        share_format=lambda v: "–" if v is None else f"{v * 100:.0f}\u202f%",
    )
    root = ET.fromstring(svg)
    _x, _y, width, height = (float(v) for v in root.get("viewBox").split())
    for text in root.iter(f"{SVG}text"):
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        w = text_width(text.text, size)
        left = {"start": x, "middle": x - w / 2, "end": x - w}[text.get("text-anchor", "start")]
        assert 0 <= left and left + w <= width, text.text
        assert size <= y <= height, text.text


def test_points_come_from_the_yearly_share_table():
    shares = pd.DataFrame(
        {
            "period": ["2019", "2020"],
            "period_start": pd.to_datetime(["2019-01-01", "2020-01-01"]).date,
            "by_count": pd.Series([0.5, None], dtype=object),
            "by_effort": pd.Series([0.25, None], dtype=object),
        }
    )
    assert static_charts.points_from_shares(shares) == [
        ShiftPoint(2019, 0.5, 0.25),
        ShiftPoint(2020, None, None),
    ]


def test_the_chart_becomes_a_png_for_e_mail():
    png = static_charts.svg_to_png(shift_chart_svg(_points(), (0.7, 0.75), (0.175, 0.125)))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(png)).convert("L")
    dark = sum(1 for value in image.getdata() if value < 128)
    assert dark > 2_000  # drawn, not an empty white canvas


PHONE_CONTENT_WIDTH = 358  # a 390 px phone less Streamlit's 16 px padding either side


def _smallest_shown_font(svg: str, shown_width: float) -> float:
    """The smallest text of a drawing as shown ``shown_width`` CSS px wide (its view box scaled)."""
    root = ET.fromstring(svg)
    view_width = float(root.get("viewBox").split()[2])
    sizes = [float(text.get("font-size")) for text in root.iter(f"{SVG}text")]
    return min(sizes) * shown_width / view_width


@pytest.mark.parametrize("language", ["en", "fr"])
def test_static_chart_text_is_at_least_11_px_on_a_phone(language):
    """Issue 20: text about 6 px high when a 480-unit drawing was shrunk to a phone."""
    with use_language(language):
        shift = shift_chart_svg(_points(), (0.7, 0.75), (0.175, 0.125))
        bars = static_charts.bar_chart_svg(
            "Engagement per forum category, a long title that has to wrap on a phone",
            [("Other international initiatives and a long name", 12.5), ("KP", 3.0)],
        )
    for svg in (shift, bars):
        # 11 view-box units on a 350-unit drawing shown 358 px wide: 11.25 px.
        assert _smallest_shown_font(svg, PHONE_CONTENT_WIDTH) >= 11
        # and never larger than the cap on a wide screen: 520 px, text at most x1.49
        assert f"max-width:{static_charts.MAX_SHOWN_WIDTH}px" in svg


def test_a_long_title_wraps_inside_the_drawing_instead_of_shrinking():
    title = "Engagement per forum category, a long title that has to wrap on a phone"
    root = ET.fromstring(static_charts.bar_chart_svg(title, [("KP", 3.0)]))
    heads = [t for t in root.iter(f"{SVG}text") if t.get("font-weight") == "600"]
    assert len(heads) >= 2 and " ".join(t.text for t in heads) == title
    assert {float(t.get("font-size")) for t in heads} == {15.0}
    for text in heads:
        assert text_width(text.text, 15.0) <= static_charts.WIDTH - 2 * 14
