import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from tests.factories import activity_input
from tracker.records.validation import describe_errors


def _problems(**overrides):
    with pytest.raises(ValidationError) as caught:
        activity_input(**overrides)
    return describe_errors(caught.value)


@pytest.mark.parametrize(
    ("field", "value", "column", "fragment"),
    [
        ("activity_date", "03/04/2020", "date", "YYYY-MM-DD"),
        ("activity_date", "2020-02-30", "date", "real calendar date"),
        ("activity_type", "lobbying", "activity_type", "must be one of"),
        ("confidentiality", "secret", "confidentiality", "must be one of"),
        ("forum_category", "Global", "forum_category", "must be one of"),
        ("title", "   ", "title", "must not be empty"),
        ("title", "x" * 201, "title", "at most 200"),
        ("country", "Atlantis", "country", "not a known country"),
        ("effort_days", "-1", "effort_days", "not be negative"),
        ("effort_days", "nan", "effort_days", "finite"),
        ("cost_usd", "inf", "cost_usd", "finite"),
        ("cost_usd", "lots", "cost_usd", "must be a number"),
        ("evidence_urls", "javascript:alert(1)", "evidence_url", "http:// or https://"),
        ("themes", "", "themes", "at least one"),
    ],
)
def test_bad_values_are_named_by_column(field, value, column, fragment):
    problems = _problems(**{field: value})
    assert any(c == column and fragment in m for c, m in problems), problems


def test_vocabulary_matches_ignore_case_and_spaces():
    record = activity_input(activity_type="  Side_Event ", confidentiality="PUBLIC", country="zwe")
    assert (record.activity_type, record.confidentiality, record.country) == (
        "side_event",
        "public",
        "ZW",
    )


def test_lists_split_on_semicolons_and_whitespace():
    record = activity_input(themes="Land rights; KP reform;", evidence_urls="https://a.org  http://b.org/x")
    assert record.themes == ["Land rights", "KP reform"]
    assert record.evidence_urls == ["https://a.org", "http://b.org/x"]


def test_html_in_text_is_kept_exactly_as_typed():
    assert activity_input(title="<script>alert(1)</script>").title == "<script>alert(1)</script>"


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False))
def test_any_finite_non_negative_effort_is_accepted(value):
    assert activity_input(effort_days=value).effort_days == value


@given(st.floats().filter(lambda v: math.isnan(v) or math.isinf(v) or v < 0))
def test_negative_or_non_finite_effort_is_always_refused(value):
    with pytest.raises(ValidationError):
        activity_input(effort_days=value)
