"""The members' Outcomes dashboard: sidebar filters on outcomes and on the effort beside
them, one chart panel per forum category, the list per role. Hand-computed on a fixture
of four activities and five outcomes (one deleted):

| outcome | date       | forum (category) | type      | themes                | conf.      | ctry | links |
|---------|------------|------------------|-----------|-----------------------|------------|------|-------|
| O-1     | 2023-11-01 | KP Plenary (KP)  | policy    | KP reform             | public     | ZW   | a1    |
| O-2     | 2024-04-01 | UN HRC (UN)      | discourse | Land rights           | internal   |      | a2 a3 |
| O-3     | 2024-10-01 | UN HRC (UN)      | practice  | Reduction of violence | restricted | ZA   | a3    |
| O-4     | 2024-06-01 | none             | behaviour | Land rights           | public     |      | a4    |
| O-5     | 2024-07-01 | UN HRC (UN)      | policy    | Land rights           | deleted    |      | a2    |

Activities: a1 2023-06-01 KP Plenary 2.0 days public; a2 2024-03-10 UN HRC 3.5 internal
(Land rights); a3 2024-09-01 UN HRC 1.0 restricted (Land rights; Reduction of violence);
a4 2024-05-01 KP Intersessional 4.0 public. O-1 is substantiated.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from tests.apptest import clear_caches, metrics, open_page
from tests.factories import add_activity
from tracker.db import database
from tracker.i18n import use_language
from tracker.records import outcomes
from tracker.results import results_views
from tracker.results.filters import Filters

SECRET_STATEMENT = "Zq secret statement of a witness"
SECRET_ACTIVITY = "Zq secret meeting with witnesses"
UN = "UN Human Rights Council"


def _outcome(session, outcome_id, day, change_type, themes, confidentiality, activities, **extra):
    return outcomes.create_outcome(
        session,
        outcomes.OutcomeInput(
            outcome_id=outcome_id,
            outcome_date=day,
            statement=extra.pop("statement", f"Statement of {outcome_id}"),
            social_actor="A social actor",
            change_type=change_type,
            themes=themes,
            confidentiality=confidentiality,
            activities=activities,
            **extra,
        ),
        "tester",
    )


def build(session) -> None:
    add_activity(
        session,
        activity_date=dt.date(2023, 6, 1),
        forum="KP Plenary",
        themes=["KP reform"],
        effort_days=2.0,
        confidentiality="public",
        title="Plenary statement a1",
        external_id="a1",
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 3, 10),
        forum=UN,
        themes=["Land rights"],
        effort_days=3.5,
        confidentiality="internal",
        title="Council side event a2",
        external_id="a2",
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 9, 1),
        forum=UN,
        themes=["Land rights", "Reduction of violence"],
        effort_days=1.0,
        confidentiality="restricted",
        title=SECRET_ACTIVITY,
        external_id="a3",
    )
    add_activity(
        session,
        activity_date=dt.date(2024, 5, 1),
        forum="KP Intersessional",
        themes=["KP reform"],
        effort_days=4.0,
        confidentiality="public",
        title="Intersessional submission a4",
        external_id="a4",
    )
    _outcome(
        session,
        "O-1",
        dt.date(2023, 11, 1),
        "policy",
        ["KP reform"],
        "public",
        ["a1"],
        forum="KP Plenary",
        country="ZW",
        substantiation="substantiated",
    )
    _outcome(
        session, "O-2", dt.date(2024, 4, 1), "discourse", ["Land rights"], "internal", ["a2", "a3"], forum=UN
    )
    _outcome(
        session,
        "O-3",
        dt.date(2024, 10, 1),
        "practice",
        ["Reduction of violence"],
        "restricted",
        ["a3"],
        forum=UN,
        country="ZA",
        statement=SECRET_STATEMENT,
    )
    _outcome(session, "O-4", dt.date(2024, 6, 1), "behaviour", ["Land rights"], "public", ["a4"])
    deleted = _outcome(
        session, "O-5", dt.date(2024, 7, 1), "policy", ["Land rights"], "public", ["a2"], forum=UN
    )
    session.flush()
    outcomes.delete_outcome(session, deleted.id, deleted.version, "tester")


@pytest.fixture
def world(session):
    build(session)
    session.commit()
    return session


def _effort(view) -> list[tuple]:
    return [
        tuple(r) for r in view.effort[["year", "category", "outcomes", "effort_days"]].itertuples(index=False)
    ]


def test_without_filters_everything_live_counts_and_members_read_what_they_may(world):
    view = results_views.outcomes_view(world, Filters(), "member")
    assert view.counts["count"] == 4 and view.counts["substantiated"] == 1
    assert {r["change_type"]: r["outcomes"] for r in view.counts["by_change_type"]} == {
        "policy": 1,
        "practice": 1,
        "behaviour": 1,
        "relationship": 0,
        "discourse": 1,
    }
    assert _effort(view) == [
        (2023, "KP", 1, 2.0),
        (2023, "UN", 0, 0.0),
        (2024, "KP", 0, 4.0),
        (2024, "UN", 2, 4.5),
    ]
    assert view.without_forum == 1
    assert [i.outcome_id for i in view.items] == ["O-4", "O-2", "O-1"] and view.hidden == 1
    [o2] = [i for i in view.items if i.outcome_id == "O-2"]
    assert [c.title for c in o2.contributions] == [
        "Council side event a2"
    ] and o2.unreadable_contributions == 1
    html = results_views.outcomes_list_html(view)
    assert SECRET_STATEMENT not in html and SECRET_ACTIVITY not in html and "O-3" not in html
    assert "Restricted records: 1" in html and "Council side event a2" in html


def test_staff_read_every_outcome_and_every_contributing_activity(world):
    view = results_views.outcomes_view(world, Filters(), "staff")
    assert view.counts["count"] == 4 and view.hidden == 0
    assert [i.outcome_id for i in view.items] == ["O-3", "O-4", "O-2", "O-1"]
    html = results_views.outcomes_list_html(view)
    assert SECRET_STATEMENT in html and SECRET_ACTIVITY in html and "Restricted records" not in html


def test_funders_read_public_outcomes_and_public_activities_only(world):
    view = results_views.outcomes_view(world, Filters(), "funder")
    assert view.counts["count"] == 4  # aggregates count everything
    assert [i.outcome_id for i in view.items] == ["O-4", "O-1"] and view.hidden == 2
    html = results_views.outcomes_list_html(view)
    for unseen in ("O-2", "Council side event a2", SECRET_STATEMENT, SECRET_ACTIVITY, "Restricted records"):
        assert unseen not in html


@pytest.mark.parametrize(
    ("filters", "count", "effort", "listed"),
    [
        (
            Filters(date_from=dt.date(2024, 1, 1)),
            3,
            [(2024, "KP", 0, 4.0), (2024, "UN", 2, 4.5)],
            ["O-4", "O-2"],
        ),
        (Filters(date_to=dt.date(2023, 12, 31)), 1, [(2023, "KP", 1, 2.0)], ["O-1"]),
        (Filters(themes=("Land rights",)), 2, [(2024, "UN", 1, 4.5)], ["O-4", "O-2"]),
        (Filters(categories=("KP",)), 1, [(2023, "KP", 1, 2.0), (2024, "KP", 0, 4.0)], ["O-1"]),
        (Filters(forums=("KP Intersessional",)), 0, [(2024, "KP", 0, 4.0)], []),
        (Filters(countries=("ZW",)), 1, [(2023, "KP", 1, 0.0)], ["O-1"]),
    ],
    ids=["from", "to", "theme", "category", "forum", "country"],
)
def test_the_sidebar_filters_select_outcomes_by_their_own_details(world, filters, count, effort, listed):
    view = results_views.outcomes_view(world, filters, "member")
    assert view.counts["count"] == count
    assert _effort(view) == effort
    assert [i.outcome_id for i in view.items] == listed
    assert view.effort_only == []


def test_a_grant_selects_the_outcomes_its_activities_contributed_to(world):
    from sqlalchemy import insert, select

    from tracker.db.models import Activity, Grant, activity_grants

    grant = Grant(
        grant_id="G-1",
        funder="A foundation",
        title="Core",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2024, 12, 31),
    )
    world.add(grant)
    world.flush()
    a4 = world.scalar(select(Activity.id).where(Activity.external_id == "a4"))
    world.execute(insert(activity_grants).values(activity_id=a4, grant_id=grant.id))
    world.commit()
    view = results_views.outcomes_view(world, Filters(grants=("G-1",)), "member")
    assert view.counts["count"] == 1 and [i.outcome_id for i in view.items] == ["O-4"]
    assert _effort(view) == [(2024, "KP", 0, 4.0)] and view.without_forum == 1


def test_a_filter_on_a_name_leaves_restricted_outcomes_out_for_members_only(world):
    south_africa = Filters(countries=("ZA",))
    assert results_views.outcomes_view(world, south_africa, "member").counts["count"] == 0
    staff = results_views.outcomes_view(world, south_africa, "staff")
    assert staff.counts["count"] == 1 and [i.outcome_id for i in staff.items] == ["O-3"]
    # Date, theme and category filters keep restricted outcomes in the member's counts.
    violence = results_views.outcomes_view(world, Filters(themes=("Reduction of violence",)), "member")
    assert violence.counts["count"] == 1 and violence.hidden == 1 and violence.items == []


def test_filters_an_outcome_cannot_answer_narrow_the_effort_and_are_named(world):
    view = results_views.outcomes_view(world, Filters(activity_types=("meeting",), text="a4"), "member")
    assert view.counts["count"] == 4
    assert view.effort_only == ["Activity types", "Search words"]
    # The fixture's activities are statements: no staff-days beside the outcomes.
    assert _effort(view) == [
        (2023, "KP", 1, 0.0),
        (2023, "UN", 0, 0.0),
        (2024, "KP", 0, 0.0),
        (2024, "UN", 2, 0.0),
    ]


def test_one_chart_panel_per_category_present_with_outcomes_as_bars_and_staff_days_as_a_line(world):
    figure = results_views.outcomes_view(world, Filters(), "member").effort_figure
    spec = json.loads(figure.to_json())
    bars = [t for t in spec["data"] if t["type"] == "bar"]
    lines = [t for t in spec["data"] if t["type"] == "scatter"]
    assert [t["name"] for t in bars] == ["KP", "UN"]
    assert [list(t["y"]) for t in bars] == [[1, 0], [0, 2]]
    assert [list(t["y"]) for t in lines] == [[2.0, 4.0], [0.0, 4.5]]
    assert [list(t["x"]) for t in bars] == [[2023, 2024], [2023, 2024]]
    # Each line on its own (right-hand) axis of its panel; panels titled by category.
    assert {t["yaxis"] for t in bars} == {"y", "y3"} and {t["yaxis"] for t in lines} == {"y2", "y4"}
    assert [a["text"] for a in spec["layout"]["annotations"]] == ["KP", "UN"]
    assert [t["showlegend"] for t in lines] == [True, False]


def test_the_chart_speaks_french_with_french_numbers(world, monkeypatch):
    with use_language("fr"):
        view = results_views.outcomes_view(world, Filters(), "member")
    spec = json.loads(view.effort_figure.to_json())
    assert spec["layout"]["title"]["text"].startswith("Résultats")
    assert spec["layout"]["separators"] == ",\u202f"  # decimal comma, narrow no-break space
    [un_line] = [t for t in spec["data"] if t["type"] == "scatter" and t["yaxis"] == "y4"]
    assert un_line["name"] == "Jours-personne"
    assert un_line["customdata"] == ["0,0", "4,5"]
    assert un_line["hovertemplate"] == "ONU, %{x}: %{customdata} jours-personne<extra></extra>"
    assert spec["layout"]["xaxis2"]["title"]["text"] == "Année"


# ---- the page --------------------------------------------------------------------------


@pytest.fixture
def page_world(app_database):
    with database.session_factory(app_database).begin() as session:
        build(session)
    clear_caches()
    return app_database


def _listed(at) -> list[str]:
    return [m for h in at.get("html") for m in re.findall(r'data-outcome="([^"]+)"', h.proto.body)]


def _page_text(at) -> str:
    parts = [str(node.proto) for node in at._tree if getattr(node, "proto", None) is not None]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("role", "query", "count", "listed", "panels"),
    [
        ("member", None, "4", ["O-4", "O-2", "O-1"], ["KP", "UN"]),
        ("member", {"from": "2024-01-01"}, "3", ["O-4", "O-2"], ["KP", "UN"]),
        ("member", {"category": "UN"}, "2", ["O-2"], ["UN"]),
        ("member", {"theme": "Land rights"}, "2", ["O-4", "O-2"], ["UN"]),
        ("staff", {"theme": "Reduction of violence"}, "1", ["O-3"], ["UN"]),
        ("admin", None, "4", ["O-3", "O-4", "O-2", "O-1"], ["KP", "UN"]),
    ],
)
def test_the_dashboard_per_role_with_the_sidebar_filters(page_world, role, query, count, listed, panels):
    at = open_page("pages/outcomes_dashboard.py", role=role, query=query)
    assert not at.exception and not at.error
    assert metrics(at)["Outcomes"] == count
    assert _listed(at) == listed
    charts = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    assert len(charts) == 2
    beside = charts[1]
    assert [t["name"] for t in beside["data"] if t["type"] == "bar"] == panels
    assert [a["text"] for a in beside["layout"]["annotations"]] == panels
    text = _page_text(at)
    if role == "member":
        assert SECRET_STATEMENT not in text and SECRET_ACTIVITY not in text
    else:
        assert SECRET_STATEMENT in text


def test_a_member_sees_the_restricted_outcome_counted_but_not_listed(page_world):
    at = open_page("pages/outcomes_dashboard.py", role="member", query={"theme": "Reduction of violence"})
    assert metrics(at)["Outcomes"] == "1"
    assert _listed(at) == []
    assert any("1 restricted outcome is counted above but not listed." in c.value for c in at.caption)
    assert SECRET_STATEMENT not in _page_text(at)


def test_a_filter_that_matches_no_outcome_says_so(page_world):
    at = open_page("pages/outcomes_dashboard.py", role="member", query={"from": "2025-01-01"})
    assert "No outcomes match these filters" in " ".join(i.value for i in at.info)
    assert len(at.get("plotly_chart")) == 0


def test_funders_cannot_open_the_outcomes_dashboard(page_world):
    at = open_page(role="funder")
    with pytest.raises(ValueError):
        at.switch_page("pages/outcomes_dashboard.py")


def test_the_dashboard_in_french(page_world, monkeypatch):
    monkeypatch.setenv("TRACKER_LANG", "fr")
    at = open_page("pages/outcomes_dashboard.py", role="member")
    assert not at.exception
    assert metrics(at)["Résultats"] == "4"
    body = " ".join(h.proto.body for h in at.get("html"))
    assert "<b>1 novembre 2023</b>" in body
    assert "Type de changement\u00a0: politique" in body
