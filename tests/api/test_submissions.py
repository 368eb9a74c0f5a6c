"""The submission endpoints of the HTTP API, on both databases, over lane E1's
``tracker.records.submissions`` (skipped until that module is merged; then they run)."""

from __future__ import annotations

import pytest

pytest.importorskip("tracker.records.submissions")

from tests.api.helpers import PASSWORD, bearer  # noqa: E402
from tracker.access import accounts, tokens  # noqa: E402
from tracker.db import database  # noqa: E402

ACTIVITY = {
    "date": "2024-06-12",
    "forum": "KP Plenary",
    "themes": ["Land rights"],
    "activity_type": "meeting",
    "title": "Meeting with the mining ministry",
    "effort_days": 1.5,
    "country": "BE",
    "confidentiality": "internal",
}


@pytest.fixture
def other_member(world):
    with database.writing(world.engine) as session:
        accounts.create_user(session, "other", PASSWORD, "member", "tester", organisation="Other NGO")
        return tokens.create_token(session, "other", "tool", "tester").raw


def _submit(client, token: str, body: dict) -> dict:
    response = client.post("/api/v1/submissions", json=body, headers=bearer(token))
    assert response.status_code == 201, response.text
    answer = response.json()
    assert isinstance(answer["id"], int) and answer["status"] == "submitted"
    return answer


def _activities(client, world) -> int:
    return client.get("/api/v1/summary", headers=bearer(world.tokens["staff"])).json()["activities"]


def test_a_member_submits_for_its_organisation_and_sees_only_its_own(world, client, other_member):
    before = _activities(client, world)
    mine = _submit(client, world.tokens["member"], ACTIVITY)
    theirs = _submit(client, other_member, {**ACTIVITY, "title": "Their meeting"})
    assert _activities(client, world) == before  # a submission counts nowhere until approved
    listed = client.get("/api/v1/submissions", headers=bearer(world.tokens["member"])).json()["submissions"]
    assert [s["id"] for s in listed] == [mine["id"]]
    everything = client.get("/api/v1/submissions", headers=bearer(world.tokens["staff"])).json()[
        "submissions"
    ]
    assert {s["id"] for s in everything} == {mine["id"], theirs["id"]}
    only_submitted = client.get(
        "/api/v1/submissions", params={"status": "submitted"}, headers=bearer(world.tokens["admin"])
    )
    assert len(only_submitted.json()["submissions"]) == 2


def test_a_member_may_not_submit_for_another_organisation(world, client):
    response = client.post(
        "/api/v1/submissions",
        json={**ACTIVITY, "organisation": "Other NGO"},
        headers=bearer(world.tokens["member"]),
    )
    assert response.status_code == 403 and response.json()["error"]


def test_staff_submit_for_any_organisation(world, client):
    answer = _submit(client, world.tokens["staff"], {**ACTIVITY, "organisation": "Other NGO"})
    assert answer["submission"]["id"] == answer["id"]


def test_an_invalid_activity_is_422_with_a_message_per_field(world, client):
    body = {k: v for k, v in ACTIVITY.items() if k != "title"}
    body["effort_days"] = -3
    response = client.post("/api/v1/submissions", json=body, headers=bearer(world.tokens["member"]))
    assert response.status_code == 422
    answer = response.json()
    assert (
        answer["error"]
        and answer["fields"]
        and all(isinstance(m, str) and m for m in answer["fields"].values())
    )
    named = " ".join([*answer["fields"], *answer["fields"].values()]).lower()
    assert "title" in named and "effort" in named


def test_staff_return_reject_and_approve(world, client):
    staff = bearer(world.tokens["staff"])
    returned = _submit(client, world.tokens["member"], ACTIVITY)
    response = client.post(
        f"/api/v1/submissions/{returned['id']}/return", json={"comment": "Add the country"}, headers=staff
    )
    assert response.status_code == 200 and response.json()["status"] == "returned"
    missing = client.post(f"/api/v1/submissions/{returned['id']}/return", json={}, headers=staff)
    assert missing.status_code == 422 and "comment" in missing.json()["fields"]

    rejected = _submit(client, world.tokens["member"], {**ACTIVITY, "title": "Duplicate"})
    response = client.post(
        f"/api/v1/submissions/{rejected['id']}/reject", json={"reason": "A duplicate"}, headers=staff
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"

    before = _activities(client, world)
    approved = _submit(client, world.tokens["member"], {**ACTIVITY, "title": "Approved meeting"})
    response = client.post(
        f"/api/v1/submissions/{approved['id']}/approve", headers=bearer(world.tokens["admin"])
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "approved" and isinstance(answer["activity_id"], int)
    assert _activities(client, world) == before + 1
    titles = [a["title"] for a in client.get("/api/v1/activities", headers=staff).json()["activities"]]
    assert "Approved meeting" in titles and "Duplicate" not in titles


def test_an_unknown_submission_is_404(world, client):
    response = client.post("/api/v1/submissions/999999/approve", headers=bearer(world.tokens["staff"]))
    assert response.status_code == 404 and response.json()["error"]
