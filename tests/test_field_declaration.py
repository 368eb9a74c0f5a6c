"""Fields declared once (issue 17.3): every list of activity fields is derived from
``activity_fields.FIELDS``, and a field added there alone reaches the snapshot, the exports
(CSV, XLSX, JSON), the activity log, the form, the template row and the stored scalars.
The recipe is docs/architecture.md, "Adding a field"; this test follows it on a fixture."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from types import SimpleNamespace

import pytest

from tracker.i18n import N_
from tracker.io import cells, exports, importer
from tracker.records import activity_fields
from tracker.records.activity_fields import ActivityField

BRIEF_COLUMNS = [
    "date",
    "forum",
    "forum_category",
    "themes",
    "activity_type",
    "title",
    "description",
    "organisations",
    "country",
    "effort_days",
    "cost_usd",
    "outcome",
    "evidence_url",
    "confidentiality",
    "external_id",
    "grants",
]


def test_the_derived_lists_are_the_formats_of_today():
    assert activity_fields.IMPORT_COLUMNS == BRIEF_COLUMNS
    assert activity_fields.EXPORT_COLUMNS == [*BRIEF_COLUMNS, "event"]
    assert activity_fields.NUMBER_COLUMNS == ("effort_days", "cost_usd")
    assert activity_fields.LOG_COLUMNS == [
        "id",
        "date",
        "title",
        "forum",
        "category",
        "themes",
        "activity_type",
        "organisations",
        "country",
        "effort_days",
        "cost_usd",
        "confidentiality",
        "outcome",
    ]
    assert set(activity_fields.SCALARS) == {
        "activity_date",
        "activity_type",
        "title",
        "description",
        "country",
        "effort_days",
        "cost_usd",
        "outcome",
        "evidence_urls",
        "confidentiality",
        "external_id",
    }
    assert activity_fields.SNAPSHOT_FIELDS[:3] == ["date", "forum", "event"]
    # the importer's own template (lane A switches it to TEMPLATE_ROW) says the same
    row = activity_fields.TEMPLATE_ROW
    assert importer.template_csv() == cells.csv_table(
        activity_fields.EXPORT_COLUMNS, [[row[c] for c in activity_fields.EXPORT_COLUMNS]]
    )


def _fake_activity(**extra: object) -> SimpleNamespace:
    forum = SimpleNamespace(name="KP Plenary", category="KP")
    return SimpleNamespace(
        id=7,
        version=2,
        activity_date=dt.date(2024, 11, 12),
        forum=forum,
        event=None,
        event_id=None,
        themes=[SimpleNamespace(name="Land rights")],
        activity_type="statement",
        title="Plenary statement",
        description=None,
        organisations=[SimpleNamespace(name="ZELA")],
        country="ZW",
        effort_days=2.5,
        cost_usd=0.0,
        outcome=None,
        evidence_urls=None,
        confidentiality="public",
        external_id="X-1",
        grants=[],
        deleted_at=None,
        **extra,
    )


@pytest.fixture
def with_extra_fields(monkeypatch):
    """The recipe's one declaration: a text field and a number field added to FIELDS."""
    fields = (
        *activity_fields.FIELDS,
        ActivityField(
            "venue", N_("Venue"), "venue", "venue", "text", clearable=True, default="", log_rank=13
        ),
        ActivityField(
            "travel_days",
            N_("Travel (days)"),
            "travel_days",
            "travel_days",
            "number",
            default=0.0,
            example="1",
        ),
    )
    derived = activity_fields.derive(fields)
    monkeypatch.setattr(activity_fields, "FIELDS", fields)
    for constant, attribute in (
        ("IMPORT_COLUMNS", "import_columns"),
        ("EXPORT_COLUMNS", "export_columns"),
        ("NUMBER_COLUMNS", "number_columns"),
        ("SNAPSHOT_FIELDS", "snapshot_fields"),
        ("LOG_COLUMNS", "log_columns"),
        ("FORM_ORDER", "form_order"),
        ("SCALARS", "scalars"),
        ("TEMPLATE_ROW", "template_row"),
    ):
        monkeypatch.setattr(activity_fields, constant, getattr(derived, attribute))
    monkeypatch.setattr(activity_fields, "BY_NAME", {f.name: f for f in fields})
    return _fake_activity(venue="Kinshasa", travel_days=1.5)


def test_a_field_declared_once_reaches_every_list(with_extra_fields):
    activity = with_extra_fields
    assert activity_fields.snapshot(activity)["venue"] == "Kinshasa"
    assert activity_fields.snapshot(activity)["travel_days"] == 1.5
    assert activity_fields.IMPORT_COLUMNS[-2:] == ["venue", "travel_days"]
    assert activity_fields.NUMBER_COLUMNS == ("effort_days", "cost_usd", "travel_days")
    assert {"venue", "travel_days"} <= set(activity_fields.SCALARS)
    # exports: CSV header and row, JSON with the number as a number
    [header, row] = list(csv.reader(io.StringIO(exports.to_csv([activity]).decode("utf-8-sig"))))
    assert dict(zip(header, row, strict=True))["venue"] == "Kinshasa"
    [record] = json.loads(exports.to_json([activity]))
    assert record["venue"] == "Kinshasa" and record["travel_days"] == 1.5
    # the activity log shows the field at its rank, after the outcome
    assert activity_fields.LOG_COLUMNS[-2:] == ["outcome", "venue"]
    assert activity_fields.log_row(activity, str)["venue"] == "Kinshasa"
    # the form: in declaration order, with its value and its default
    assert activity_fields.FORM_ORDER[-2:] == ["venue", "travel_days"]
    assert activity_fields.form_values(activity)["venue"] == "Kinshasa"
    assert activity_fields.form_defaults(dt.date(2026, 1, 1), [])["travel_days"] == 0.0
    # the template row carries the example, in the export's column order
    assert list(activity_fields.TEMPLATE_ROW)[-3:] == ["venue", "travel_days", "event"]
    assert activity_fields.TEMPLATE_ROW["travel_days"] == "1"
    assert activity_fields.label("venue") == "Venue"
