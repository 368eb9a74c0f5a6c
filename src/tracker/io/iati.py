"""IATI 2.03 publishing: ``tracker export --format iati`` (docs/iati.md).

One ``iati-activity`` per grant (its tagged activities in its period) and one
``{org}-CORE`` for coalition work tagged with no grant. IATI files are public:

- text (activity titles, descriptions, evidence URLs) comes from PUBLIC records only;
- names (organisations, countries, forums, themes) and dates come from public records
  too: an internal or restricted activity is left out entirely (an IATI file is more
  public than any page of the tracker);
- the strategy targets become ``result``/``indicator``/``period`` on the CORE activity,
  with the actuals of ``tracker.results.target_status.target_statuses`` (the one computation).

Element order follows the ``iati-activity`` sequence of the 2.03 schema.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from tracker.db.models import Activity, Grant
from tracker.errors import TrackerError
from tracker.i18n import _, current_language
from tracker.records import grants as grants_service
from tracker.results.filters import live, public
from tracker.results.target_status import TargetStatus, target_statuses

VERSION = "2.03"
ORG_ID_VARIABLE = "TRACKER_IATI_ORG_ID"
ORG_NAME_VARIABLE = "TRACKER_IATI_ORG_NAME"
# IATI organisation type 90: "Other"; 21 (International NGO) fits most coalitions but
# the publisher may set TRACKER_IATI_ORG_TYPE.
ORG_TYPE_VARIABLE = "TRACKER_IATI_ORG_TYPE"
DEFAULT_ORG_TYPE = "21"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# Target measures: (indicator measure code, result type code, percentage scale)
_MEASURES = {
    "activities": ("1", "1", 1),
    "effort_days": ("1", "1", 1),
    "kp_share_by_count": ("2", "1", 100),
    "kp_share_by_effort": ("2", "1", 100),
    "outcomes": ("1", "2", 1),
}


class IatiSettingsMissing(TrackerError):
    """The reporting organisation is not configured."""


@dataclass(frozen=True)
class Publisher:
    org_id: str
    name: str
    org_type: str = DEFAULT_ORG_TYPE


def publisher_from_environment(environ: dict[str, str] | None = None) -> Publisher:
    env = os.environ if environ is None else environ
    org_id = (env.get(ORG_ID_VARIABLE) or "").strip()
    name = (env.get(ORG_NAME_VARIABLE) or "").strip()
    if not org_id or not name:
        raise IatiSettingsMissing(
            _(
                "Set TRACKER_IATI_ORG_ID (the coalition's IATI organisation identifier) and "
                "TRACKER_IATI_ORG_NAME (its name) before exporting IATI."
            )
        )
    return Publisher(org_id, name, (env.get(ORG_TYPE_VARIABLE) or DEFAULT_ORG_TYPE).strip())


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k.replace("_", "-"): v for k, v in attributes.items()})
    if text is not None:
        element.text = text
    return element


def _narrative(parent: etree._Element, tag: str, text: str, **attributes: str) -> etree._Element:
    element = _sub(parent, tag, **attributes)
    _sub(element, "narrative", text)
    return element


def percentages(counts: dict[str, float]) -> dict[str, float]:
    """Shares summing to exactly 100 (largest remainder on two decimals)."""
    total = sum(counts.values())
    if not counts or total <= 0:
        return dict.fromkeys(counts, round(100 / len(counts), 2)) if counts else {}
    hundredths = {k: v * 10000 / total for k, v in counts.items()}
    floors = {k: int(v) for k, v in hundredths.items()}
    left = 10000 - sum(floors.values())
    for key in sorted(hundredths, key=lambda k: (floors[k] - hundredths[k], k))[:left]:
        floors[key] += 1
    return {k: v / 100 for k, v in floors.items()}


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{round(value, 4)}"


def _activities(session: Session, ids: Iterable[int] | None) -> list[Activity]:
    """Live public activities (of the ids, or tagged with no grant)."""
    query = (
        select(Activity)
        .where(live(Activity), public(Activity))
        .options(
            selectinload(Activity.forum),
            selectinload(Activity.themes),
            selectinload(Activity.organisations),
            selectinload(Activity.grants),
        )
        .order_by(Activity.activity_date, Activity.id)
    )
    if ids is not None:
        query = query.where(Activity.id.in_(list(ids)))
    activities = list(session.scalars(query))
    return activities if ids is not None else [a for a in activities if not a.grants]


def _activity_element(
    root: etree._Element,
    publisher: Publisher,
    identifier: str,
    title: str,
    description: str,
    activities: Sequence[Activity],
    today: dt.date,
    grant: Grant | None,
    statuses: Sequence[TargetStatus],
) -> None:
    activity = _sub(
        root, "iati-activity", default_currency=(grant.currency if grant and grant.currency else "USD")
    )
    activity.set(XML_LANG, current_language())  # the narratives' language
    _sub(activity, "iati-identifier", identifier)
    _narrative(activity, "reporting-org", publisher.name, ref=publisher.org_id, type=publisher.org_type)
    _narrative(activity, "title", title)
    _narrative(activity, "description", description, type="1")
    public = [a for a in activities if a.confidentiality == "public"]
    for a in public:  # type 2: objectives; one per public activity, its date, title and description
        text = f"{a.activity_date.isoformat()} {a.title}"
        _narrative(activity, "description", f"{text}: {a.description}" if a.description else text, type="2")
    if grant is not None:
        _narrative(activity, "participating-org", grant.funder, role="1")
    _narrative(
        activity, "participating-org", publisher.name, ref=publisher.org_id, type=publisher.org_type, role="2"
    )
    _narrative(
        activity, "participating-org", publisher.name, ref=publisher.org_id, type=publisher.org_type, role="4"
    )
    for name in sorted({o.name for a in activities for o in a.organisations}):
        _narrative(activity, "participating-org", name, role="4")
    # activity-status: 1 pipeline, 2 implementation, 4 post-completion
    if grant is None:
        status = "2"
    elif grant.end_date < today:
        status = "4"
    elif grant.start_date > today:
        status = "1"
    else:
        status = "2"
    _sub(activity, "activity-status", code=status)
    if activities:
        _sub(activity, "activity-date", type="2", iso_date=activities[0].activity_date.isoformat())
    elif grant is not None:
        _sub(activity, "activity-date", type="1", iso_date=grant.start_date.isoformat())
    else:
        _sub(activity, "activity-date", type="1", iso_date=today.isoformat())
    if grant is not None:
        if grant.end_date < today:
            _sub(activity, "activity-date", type="4", iso_date=grant.end_date.isoformat())
        else:
            _sub(activity, "activity-date", type="3", iso_date=grant.end_date.isoformat())
    countries = Counter(a.country for a in activities if a.country)
    shares = percentages(dict(countries)) if len(countries) > 1 else {}
    for code in sorted(countries):
        if shares:
            _sub(activity, "recipient-country", code=code, percentage=_number(shares[code]))
        else:
            _sub(activity, "recipient-country", code=code)
    themes = Counter(t.name for a in activities for t in a.themes)
    sector_shares = percentages(dict(themes))
    for name in sorted(themes):
        sector = _narrative(activity, "sector", name, vocabulary="99", code=name[:100])
        if len(themes) > 1:
            sector.set("percentage", _number(sector_shares[name]))
    forums = sorted({(a.forum.id, a.forum.name) for a in activities})
    for forum_id, name in forums:
        _narrative(activity, "tag", name, vocabulary="99", code=f"forum-{forum_id}")
    if (
        grant is not None
        and grant.amount is not None
        and grant.currency
        and ((grant.end_date - grant.start_date).days < 366)
    ):
        budget = _sub(activity, "budget", type="1", status="2")
        _sub(budget, "period-start", iso_date=grant.start_date.isoformat())
        _sub(budget, "period-end", iso_date=grant.end_date.isoformat())
        _sub(
            budget,
            "value",
            _number(grant.amount),
            currency=grant.currency,
            value_date=grant.start_date.isoformat(),
        )
    for a in public:
        for url in (a.evidence_urls or "").split():
            link = _sub(activity, "document-link", url=url, format="text/html")
            _narrative(link, "title", a.title)
            _sub(link, "category", code="A01")
            _sub(link, "document-date", iso_date=a.activity_date.isoformat())
    _results(activity, statuses)


def _results(activity: etree._Element, statuses: Sequence[TargetStatus]) -> None:
    by_result: dict[str, dict[tuple[str, str], list[TargetStatus]]] = {}
    for s in statuses:
        result_type = _MEASURES[s.measure][1]
        by_result.setdefault(result_type, {}).setdefault((s.measure, s.scope), []).append(s)
    titles = {"1": _("Strategy targets: the coalition's effort"), "2": _("Strategy targets: outcomes")}
    for result_type in sorted(by_result):
        result = _sub(activity, "result", type=result_type, aggregation_status="0")
        _narrative(result, "title", titles[result_type])
        for (measure, scope), rows in sorted(by_result[result_type].items()):
            measure_code, _type, scale = _MEASURES[measure]
            indicator = _sub(
                result,
                "indicator",
                measure=measure_code,
                ascending="0" if rows[0].direction == "at_most" else "1",
            )
            _narrative(indicator, "title", f"{measure} ({scope})")
            baselines = sorted({(s.baseline_year, s.baseline) for s in rows if s.baseline_year is not None})
            for year, value in baselines:
                baseline = _sub(indicator, "baseline", year=str(year))
                if value is not None:
                    baseline.set("value", _number(value * scale))
            for s in rows:
                period = _sub(indicator, "period")
                _sub(period, "period-start", iso_date=f"{s.year}-01-01")
                _sub(period, "period-end", iso_date=f"{s.year}-12-31")
                _sub(period, "target", value=_number(s.target * scale))
                if s.actual is not None:
                    _sub(period, "actual", value=_number(s.actual * scale))


def build_iati(session: Session, publisher: Publisher, now: dt.datetime | None = None) -> bytes:
    """The ``iati-activities`` document (UTF-8 bytes)."""
    now = now or dt.datetime.now(dt.UTC).replace(microsecond=0)
    today = now.date()
    root = etree.Element("iati-activities", version=VERSION)
    root.set("generated-datetime", now.isoformat().replace("+00:00", "Z"))
    for grant in grants_service.all_grants(session):
        activities = _activities(session, grants_service.grant_activity_ids(session, grant))
        _activity_element(
            root,
            publisher,
            f"{publisher.org_id}-{grant.grant_id}",
            grant.title,
            _("Work of {org} funded by {funder} (grant {grant}, {start} to {end}).").format(
                org=publisher.name,
                funder=grant.funder,
                grant=grant.grant_id,
                start=grant.start_date.isoformat(),
                end=grant.end_date.isoformat(),
            ),
            activities,
            today,
            grant,
            [],
        )
    _activity_element(
        root,
        publisher,
        f"{publisher.org_id}-CORE",
        _("{org}: coalition work").format(org=publisher.name),
        _("Work of {org} not tagged with a grant, and the coalition's strategy targets.").format(
            org=publisher.name
        ),
        _activities(session, None),
        today,
        None,
        target_statuses(session),
    )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
