"""IATI 2.03 export: validated against the official schema files shipped by pyiati, and
nothing but public text (and no restricted names) in it."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest
from lxml import etree

from tests.factories import add_activity
from tracker import cli
from tracker.io import iati
from tracker.records import grants, targets
from tracker.results import target_status

ORG_ID = "XM-DAC-99-KPCSC"
ORG_NAME = "KP Civil Society Coalition"
NOW = dt.datetime(2026, 11, 29, 12, 0, tzinfo=dt.UTC)


def _schema() -> etree.XMLSchema:
    spec = importlib.util.find_spec("iati")  # locates the package without importing it
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("pyiati is not installed: make install-dev installs it with --no-deps")
    folder = Path(next(iter(spec.submodule_search_locations))) / "resources/standard/2-03/schemas"
    return etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))


@pytest.fixture(scope="module")
def schema() -> etree.XMLSchema:
    return _schema()


def _grant(session, grant_id, start, end, amount=None, currency=None, funder="Funder A"):
    return grants.save_grant(
        session,
        grants.GrantInput(
            grant_id=grant_id,
            funder=funder,
            title=f"Grant title {grant_id}",
            start_date=start,
            end_date=end,
            amount=amount,
            currency=currency,
        ),
        "t",
    )


def _fixture(session) -> None:
    _grant(session, "G-2021", dt.date(2021, 1, 1), dt.date(2021, 12, 31), 50000, "EUR", "Funder Alpha")
    _grant(session, "G-LONG", dt.date(2022, 1, 1), dt.date(2027, 12, 31), 90000, "USD", "Funder Beta")
    # grant G-2021: public in ZW and ZA (multi-country), internal in ZW
    add_activity(
        session,
        activity_date=dt.date(2021, 3, 2),
        title="PUBLICTITLE-1",
        description="PUBLICDESC-1",
        country="ZW",
        confidentiality="public",
        evidence_urls=["https://example.org/public-1"],
        organisations=["Org Public One"],
        grants=["G-2021"],
    )
    add_activity(
        session,
        activity_date=dt.date(2021, 5, 2),
        title="PUBLICTITLE-2",
        country="ZA",
        themes=["KP reform", "Land rights"],
        confidentiality="public",
        grants=["G-2021"],
    )
    add_activity(
        session,
        activity_date=dt.date(2021, 1, 15),
        title="INTERNALTITLE-X",
        description="INTERNALDESC-X",
        country="ZW",
        confidentiality="internal",
        evidence_urls=["https://example.org/INTERNALURL-X"],
        grants=["G-2021"],
    )
    # restricted: text and names never appear
    add_activity(
        session,
        activity_date=dt.date(2021, 2, 1),
        title="RESTRICTEDTITLE-Y",
        description="RESTRICTEDDESC-Y",
        country="CF",
        forum="RESTRICTEDFORUM-Y",
        forum_category="National",
        organisations=["RESTRICTEDORG-Y"],
        evidence_urls=["https://example.org/RESTRICTEDURL-Y"],
        confidentiality="restricted",
        grants=["G-2021"],
    )
    add_activity(
        session,
        activity_date=dt.date(2023, 4, 1),
        title="PUBLICTITLE-LONG",
        country="BE",
        confidentiality="public",
        grants=["G-LONG"],
    )
    # untagged coalition work
    add_activity(
        session, activity_date=dt.date(2020, 7, 1), title="PUBLICTITLE-CORE", confidentiality="public"
    )
    for year, measure, direction, target, baseline in (
        (2021, "activities", "at_least", 3, 2.0),
        (2021, "kp_share_by_count", "at_most", 0.5, 0.8),
        (2021, "outcomes", "at_least", 1, None),
        (2027, "activities", "at_least", 10, 2.0),
    ):
        targets.save_target(
            session,
            targets.TargetInput(
                year=year,
                measure=measure,
                direction=direction,
                target=target,
                baseline_year=2019 if baseline is not None else None,
                baseline=baseline,
            ),
            "t",
        )
    session.commit()


def _build(session) -> etree._Element:
    data = iati.build_iati(session, iati.Publisher(ORG_ID, ORG_NAME), now=NOW)
    return etree.fromstring(data)


def test_iati_export_validates_against_the_official_2_03_schema(session, schema):
    _fixture(session)
    root = _build(session)
    assert schema.validate(root), schema.error_log
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2026-11-29T12:00:00Z"
    identifiers = root.xpath("iati-activity/iati-identifier/text()")
    assert identifiers == [f"{ORG_ID}-G-2021", f"{ORG_ID}-G-LONG", f"{ORG_ID}-CORE"]
    for activity in root.findall("iati-activity"):
        org = activity.find("reporting-org")
        assert org.get("ref") == ORG_ID and org.findtext("narrative") == ORG_NAME


def test_iati_grant_activity_hand_computed(session, schema):
    _fixture(session)
    root = _build(session)
    g = root.xpath(f"iati-activity[iati-identifier='{ORG_ID}-G-2021']")[0]
    assert g.findtext("title/narrative") == "Grant title G-2021"
    # ended grant: closed, actual start = first public activity, actual end
    assert g.find("activity-status").get("code") == "4"
    assert [(d.get("type"), d.get("iso-date")) for d in g.findall("activity-date")] == [
        ("2", "2021-03-02"),
        ("4", "2021-12-31"),
    ]
    roles = [(p.get("role"), p.findtext("narrative")) for p in g.findall("participating-org")]
    assert roles == [("1", "Funder Alpha"), ("2", ORG_NAME), ("4", ORG_NAME), ("4", "Org Public One")]
    # public only: ZW 1, ZA 1 (the internal activity in ZW is left out) -> 50 + 50
    countries = {c.get("code"): c.get("percentage") for c in g.findall("recipient-country")}
    assert countries == {"ZA": "50", "ZW": "50"}
    assert sum(float(v) for v in countries.values()) == pytest.approx(100)
    sectors = {s.findtext("narrative"): s.get("percentage") for s in g.findall("sector")}
    assert all(s.get("vocabulary") == "99" for s in g.findall("sector"))
    # public only: KP reform x2, Land rights x1
    assert sectors == {"KP reform": "66.67", "Land rights": "33.33"}
    assert [t.findtext("narrative") for t in g.findall("tag")] == ["KP Intersessional"]
    assert [t.get("vocabulary") for t in g.findall("tag")] == ["99"]
    budget = g.find("budget/value")
    assert (budget.text, budget.get("currency")) == ("50000", "EUR")
    assert [d.get("url") for d in g.findall("document-link")] == ["https://example.org/public-1"]
    assert [d.findtext("narrative") for d in g.findall("description[@type='2']")] == [
        "2021-03-02 PUBLICTITLE-1: PUBLICDESC-1",
        "2021-05-02 PUBLICTITLE-2",
    ]
    # the multi-year grant has no one-year budget, and is still running
    long = root.xpath(f"iati-activity[iati-identifier='{ORG_ID}-G-LONG']")[0]
    assert long.find("budget") is None
    assert long.find("activity-status").get("code") == "2"
    assert [c.get("code") for c in long.findall("recipient-country")] == ["BE"]
    assert long.find("recipient-country").get("percentage") is None


def test_iati_results_from_the_strategy_targets(session, schema):
    _fixture(session)
    statuses = {(s.year, s.measure): s for s in target_status.target_statuses(session)}
    root = _build(session)
    core = root.xpath(f"iati-activity[iati-identifier='{ORG_ID}-CORE']")[0]
    assert [a.get("type") for a in core.findall("result")] == ["1", "2"]
    indicators = {i.findtext("title/narrative"): i for i in core.iter("indicator")}
    activities = indicators["activities (all)"]
    assert activities.find("baseline").get("year") == "2019"
    assert activities.find("baseline").get("value") == "2"
    periods = activities.findall("period")
    assert [p.find("period-start").get("iso-date") for p in periods] == ["2021-01-01", "2027-01-01"]
    assert [p.find("target").get("value") for p in periods] == ["3", "10"]
    # 2021: 4 live activities (all confidentiality levels: aggregates count everything)
    assert statuses[(2021, "activities")].actual == 4
    assert periods[0].find("actual").get("value") == "4"
    assert periods[1].find("actual").get("value") == "0"
    share = indicators["kp_share_by_count (all)"]
    assert share.get("measure") == "2" and share.get("ascending") == "0"
    assert share.find("baseline").get("value") == "80"
    assert share.find("period/target").get("value") == "50"
    # 3 of the 4 activities of 2021 in KP forums
    assert statuses[(2021, "kp_share_by_count")].actual == 0.75
    assert share.find("period/actual").get("value") == "75"


def test_iati_holds_no_internal_or_restricted_text(session, schema):
    _fixture(session)
    data = iati.build_iati(session, iati.Publisher(ORG_ID, ORG_NAME), now=NOW).decode()
    for marker in (
        "INTERNALTITLE",
        "INTERNALDESC",
        "INTERNALURL",
        "RESTRICTEDTITLE",
        "RESTRICTEDDESC",
        "RESTRICTEDURL",
        "RESTRICTEDFORUM",
        "RESTRICTEDORG",
        '"CF"',
    ):
        assert marker not in data, marker
    assert "PUBLICTITLE-1" in data and "PUBLICDESC-1" in data


def test_cli_iati_refuses_without_the_organisation(use_database, monkeypatch, capsys):
    monkeypatch.delenv(iati.ORG_ID_VARIABLE, raising=False)
    monkeypatch.setenv(iati.ORG_NAME_VARIABLE, ORG_NAME)
    assert cli.main(["export", "--format", "iati"]) != 0
    err = capsys.readouterr().err.strip()
    assert "TRACKER_IATI_ORG_ID" in err and "Traceback" not in err
    assert err.count("\n") == 0 and err.count(". ") == 0


def test_cli_iati_writes_a_valid_file(use_database, monkeypatch, tmp_path, schema):
    monkeypatch.setenv(iati.ORG_ID_VARIABLE, ORG_ID)
    monkeypatch.setenv(iati.ORG_NAME_VARIABLE, ORG_NAME)
    out = tmp_path / "iati.xml"
    assert cli.main(["init-db"]) == 0
    assert cli.main(["export", "--format", "iati", "--out", str(out)]) == 0
    root = etree.parse(str(out)).getroot()
    assert schema.validate(root), schema.error_log
    assert root.xpath("iati-activity/iati-identifier/text()") == [f"{ORG_ID}-CORE"]


def test_the_schema_check_catches_a_wrong_element_order(session, schema):
    _fixture(session)
    root = _build(session)
    activity = root.find("iati-activity")
    activity.append(activity.find("title"))  # title after result: out of the sequence
    assert not schema.validate(root)


def test_iati_export_of_the_demo_data_validates(demo_session, schema):
    session = demo_session
    session.commit()
    root = _build(session)
    assert schema.validate(root), schema.error_log
    # the two demo grants and CORE, the targets as results on CORE
    assert len(root.findall("iati-activity")) == 3
    assert root.xpath("count(iati-activity[last()]/result)") == 2
    for activity in root.findall("iati-activity"):
        shares = [float(c.get("percentage")) for c in activity.findall("recipient-country[@percentage]")]
        assert not shares or sum(shares) == pytest.approx(100)
