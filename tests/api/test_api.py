"""The HTTP API (tracker.api) through Starlette's TestClient on its own routes, on both
databases: tokens and roles (401, 403), JSON errors (404, 422, 429, 500 without a
traceback), the summary equal to ``tracker summary --json``, paging, the role rules of
every endpoint (the restricted-names walk over the API) and the OpenAPI document."""

from __future__ import annotations

import itertools
import json
import logging

from openapi_spec_validator import validate

from tests.api.helpers import (
    GRANT,
    OTHER_GRANT,
    SECRET_EXTERNAL_ID,
    SECRETS,
    bearer,
)
from tests.factories import SECRET_DAY, SECRET_FORUM, add_activity
from tracker.api import ROUTES
from tracker.api.openapi import document
from tracker.cli import main
from tracker.db import database

READ_PATHS = (
    "/api/v1/summary",
    "/api/v1/activities",
    "/api/v1/outcomes",
    "/api/v1/targets",
    "/api/v1/forums",
)
ALL_PATHS = (
    *(("GET", p) for p in READ_PATHS),
    ("GET", "/api/v1/submissions"),
    ("POST", "/api/v1/submissions"),
    ("POST", "/api/v1/submissions/1/approve"),
    ("POST", "/api/v1/submissions/1/return"),
    ("POST", "/api/v1/submissions/1/reject"),
)


def _is_one_sentence_error(response) -> bool:
    body = response.json()
    assert response.headers["content-type"].startswith("application/json")
    return (
        isinstance(body.get("error"), str)
        and body["error"].strip() != ""
        and "Traceback" not in response.text
    )


def test_every_endpoint_answers_401_without_a_valid_token(world, client):
    for (method, path), headers in itertools.product(
        ALL_PATHS,
        (
            {},
            {"Authorization": "Basic YWRtaW46YWRtaW4="},
            bearer("trk_nonsense"),
            bearer(world.tokens["revoked"]),
            bearer(world.tokens["expired"]),
            bearer(world.tokens["disabled"]),
            bearer(world.tokens["calendar"]),  # a calendar token is for the feed only
        ),
    ):
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401, (path, headers)
        assert _is_one_sentence_error(response)
        assert response.headers["www-authenticate"].startswith("Bearer")


def test_staff_tokens_work_and_the_role_decides(world, client):
    assert client.get("/api/v1/summary", headers=bearer(world.tokens["staff"])).status_code == 200
    # Forums mirror the Forums page: not a funder's.
    response = client.get("/api/v1/forums", headers=bearer(world.tokens["funder"]))
    assert response.status_code == 403 and _is_one_sentence_error(response)
    # Only staff and admins move a submission on (checked before anything else).
    for action in ("approve", "return", "reject"):
        for role in ("member", "funder"):
            response = client.post(
                f"/api/v1/submissions/1/{action}", headers=bearer(world.tokens[role]), json={}
            )
            assert response.status_code == 403, (action, role)
    for method in ("GET", "POST"):
        response = client.request(method, "/api/v1/submissions", headers=bearer(world.tokens["funder"]))
        assert response.status_code == 403


def test_unknown_addresses_and_grants_are_json_404(world, client):
    response = client.get("/api/v1/nothing-here", headers=bearer(world.tokens["staff"]))
    assert response.status_code == 404 and _is_one_sentence_error(response)
    # A funder may only ask for its own grants, with the same answer whether the grant exists or not.
    funder = bearer(world.tokens["funder"])
    assert client.get("/api/v1/summary", params={"grant": GRANT}, headers=funder).status_code == 200
    other = client.get("/api/v1/summary", params={"grant": OTHER_GRANT}, headers=funder)
    missing = client.get("/api/v1/summary", params={"grant": "G-NONE"}, headers=funder)
    assert other.status_code == missing.status_code == 404
    assert OTHER_GRANT in other.json()["error"] and "Other grant" not in other.text
    assert client.get(
        "/api/v1/summary", params={"grant": OTHER_GRANT}, headers=bearer(world.tokens["member"])
    ).is_success


MALFORMED = (
    ("/api/v1/summary", {"from": "2024-02-30"}, "from"),
    ("/api/v1/summary", {"from": "2024-05-01", "to": "2024-01-01"}, "from"),
    ("/api/v1/summary", {"theme": "No such theme"}, "theme"),
    ("/api/v1/summary", {"grant": GRANT, "from": "2024-01-01"}, "grant"),
    ("/api/v1/activities", {"category": "KP,Galactic"}, "category"),
    ("/api/v1/activities", {"limit": "0"}, "limit"),
    ("/api/v1/activities", {"limit": "501"}, "limit"),
    ("/api/v1/activities", {"cursor": "abc"}, "cursor"),
    ("/api/v1/activities", {"updated_since": "yesterday"}, "updated_since"),
    ("/api/v1/outcomes", {"to": "31/12/2024"}, "to"),
)


def test_malformed_parameters_are_422_naming_the_field(world, client):
    for path, params, field in MALFORMED:
        response = client.get(path, params=params, headers=bearer(world.tokens["staff"]))
        assert response.status_code == 422 and _is_one_sentence_error(response), (path, params)
        assert field in response.json()["fields"], (path, params)


def test_a_body_that_is_not_a_json_object_is_422(world, client):
    for body in (b"not json", b"[1, 2]"):
        response = client.post("/api/v1/submissions", content=body, headers=bearer(world.tokens["staff"]))
        assert response.status_code == 422 and _is_one_sentence_error(response)


def test_an_unexpected_failure_is_one_sentence_and_logs_only_its_type(world, client, monkeypatch, caplog):
    from tracker.api import reads

    def explode(*args, **kwargs):
        raise RuntimeError("private record text")

    monkeypatch.setattr(reads, "summary", explode)
    with caplog.at_level(logging.ERROR, logger="tracker.api.core"):
        response = client.get("/api/v1/summary", headers=bearer(world.tokens["staff"]))
    assert response.status_code == 500 and _is_one_sentence_error(response)
    assert "private record text" not in response.text and "RuntimeError" not in response.text
    assert "RuntimeError" in caplog.text and "private record text" not in caplog.text


def test_every_use_is_rate_limited_with_retry_after(world, client, monkeypatch):
    monkeypatch.setenv("TRACKER_API_RATE_PER_MINUTE", "2")
    headers = bearer(world.tokens["member"])
    assert [client.get("/api/v1/targets", headers=headers).status_code for _ in range(2)] == [200, 200]
    limited = client.get("/api/v1/targets", headers=headers)
    assert limited.status_code == 429 and _is_one_sentence_error(limited)
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert client.get("/api/v1/targets", headers=bearer(world.tokens["staff"])).status_code == 200


SUMMARY_OPTIONS = (
    {},
    {"from": "2024-01-01", "to": "2024-12-31"},
    {"from": "2024-03-01", "to": "2024-03-31", "category": ["Other international"]},
    {"theme": ["KP reform"]},
    {"category": ["KP", "UN"], "theme": ["KP reform", "Land rights"]},
    {"grant": GRANT},
    {"grant": GRANT, "category": ["KP"]},
)


def test_the_summary_is_exactly_tracker_summary_json(world, client, capsys):
    for options in SUMMARY_OPTIONS:
        arguments = ["summary", "--json"]
        for key, value in options.items():
            for item in value if isinstance(value, list) else [value]:
                arguments += [f"--{key}", item]
        assert main(arguments) == 0
        printed = json.loads(capsys.readouterr().out)
        for role in ("staff", "member", "funder"):
            response = client.get("/api/v1/summary", params=options, headers=bearer(world.tokens[role]))
            assert response.status_code == 200
            assert response.json() == printed, (options, role)
        # Restricted records count in the aggregates of every role.
        if options == {}:
            assert printed["activities"] == 3 and printed["outcomes"]["count"] == 2
        if options == {"grant": GRANT}:  # only the restricted activity is tagged with it
            assert printed["activities"] == 1 and printed["outcomes"]["count"] == 2


def test_theme_and_category_narrow_the_summary(world, client):
    headers = bearer(world.tokens["staff"])
    everything = client.get("/api/v1/summary", headers=headers).json()
    kp = client.get("/api/v1/summary", params={"category": "KP"}, headers=headers).json()
    assert everything["activities"] == 3 and kp["activities"] == 2
    assert kp["outcomes"]["count"] == 1  # the public outcome's forum is KP Plenary
    none = client.get("/api/v1/summary", params={"theme": "Benefit redistribution"}, headers=headers).json()
    assert none["activities"] == 0 and none["outcomes"]["count"] == 0


def _all_pages(client, headers, params) -> list[dict]:
    found, url, pages = [], "/api/v1/activities", 0
    response = client.get(url, params=params, headers=headers)
    while True:
        assert response.status_code == 200
        body = response.json()
        found += body["activities"]
        pages += 1
        if body["next"] is None:
            return found
        assert pages < 50
        response = client.get(body["next"], headers=headers)


def test_activities_are_paged_with_a_next_link(world, client):
    with database.writing(world.engine) as session:
        for n in range(7):
            add_activity(session, title=f"paged {n}", confidentiality="internal")
    headers = bearer(world.tokens["staff"])
    first = client.get("/api/v1/activities", params={"limit": 3, "category": "KP"}, headers=headers).json()
    assert len(first["activities"]) == 3 and "cursor=" in first["next"] and "category=KP" in first["next"]
    rows = _all_pages(client, headers, {"limit": 3})
    assert len(rows) == 10 and len({r["id"] for r in rows}) == 10
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert len(_all_pages(client, headers, {})) == 10  # the default page holds them all
    member_rows = _all_pages(client, bearer(world.tokens["member"]), {"limit": 2})
    assert len(member_rows) == 9  # no restricted record
    # updated_since: nothing changed in the future; everything since long ago.
    assert _all_pages(client, headers, {"updated_since": "2999-01-01T00:00:00Z"}) == []
    assert len(_all_pages(client, headers, {"updated_since": "2000-01-01"})) == 10


def test_activities_use_the_import_format_field_names(world, client):
    rows = client.get("/api/v1/activities", headers=bearer(world.tokens["staff"])).json()["activities"]
    secret = next(r for r in rows if r["external_id"] == SECRET_EXTERNAL_ID)
    assert secret["forum"] == SECRET_FORUM and secret["forum_category"] == "Other international"
    assert secret["date"] == SECRET_DAY.isoformat() and secret["effort_days"] == 4
    assert (
        secret["country"] == "TV"
        and secret["grants"] == [GRANT]
        and secret["confidentiality"] == "restricted"
    )
    assert {"themes", "activity_type", "organisations", "evidence_url", "event", "id", "updated_at"} <= set(
        secret
    )


def test_each_role_reads_what_its_pages_show(world, client):
    def levels(role):
        rows = client.get("/api/v1/activities", headers=bearer(world.tokens[role])).json()["activities"]
        return sorted(r["confidentiality"] for r in rows)

    assert levels("staff") == levels("admin") == ["internal", "public", "restricted"]
    assert levels("member") == ["internal", "public"]
    assert levels("funder") == ["public"]

    def outcome_ids(role):
        rows = client.get("/api/v1/outcomes", headers=bearer(world.tokens[role])).json()["outcomes"]
        return {r["outcome_id"]: r for r in rows}

    staff = outcome_ids("staff")
    assert set(staff) == {"OUT-SECRET", "OUT-PUBLIC"} and staff["OUT-PUBLIC"]["activities"] == [
        SECRET_EXTERNAL_ID
    ]
    for role in ("member", "funder"):
        readable = outcome_ids(role)
        assert set(readable) == {"OUT-PUBLIC"}
        assert readable["OUT-PUBLIC"]["activities"] == []  # its one activity is restricted

    def forum_names(role):
        return {
            f["forum"]
            for f in client.get("/api/v1/forums", headers=bearer(world.tokens[role])).json()["forums"]
        }

    assert SECRET_FORUM in forum_names("staff") and "KP Plenary" in forum_names("member")
    assert SECRET_FORUM not in forum_names("member")


WALK_PARAMS = (
    {},
    {"from": SECRET_DAY.isoformat(), "to": SECRET_DAY.isoformat()},
    {"category": "Other international"},
    {"theme": "Land rights"},
)


def test_no_endpoint_gives_a_name_only_a_restricted_record_carries(world, client):
    for role in ("member", "funder"):
        _walk(client, role, bearer(world.tokens[role]))
    # The same walk for staff finds the names: the check can fail.
    staff = bearer(world.tokens["staff"])
    seen = " ".join(client.get(p, headers=staff).text for p in READ_PATHS)
    assert all(secret in seen for secret in SECRETS) and '"TV"' in seen


def _walk(client, role: str, headers: dict[str, str]) -> None:
    answered = 0
    for path in READ_PATHS + ("/api/v1/openapi.json",):
        for params in (*WALK_PARAMS, *([{"grant": GRANT}] if path.endswith("summary") else [])):
            response = client.get(path, params=params, headers=headers)
            text = response.text
            for secret in SECRETS:
                assert secret not in text, (role, path, params, secret)
            assert '"TV"' not in text and "Tuvalu" not in text, (role, path, params)
            answered += response.status_code == 200
    assert answered >= 13, role


def test_the_openapi_document_is_valid_and_describes_every_route(world, client):
    response = client.get("/api/v1/openapi.json")  # no token needed: it holds no data
    assert response.status_code == 200
    spec = response.json()
    validate(spec)  # openapi-spec-validator: raises on an invalid OpenAPI 3.1 document
    assert spec["openapi"] == "3.1.0" and spec == json.loads(json.dumps(document()))
    described = {(method.upper(), path) for path, item in spec["paths"].items() for method in item}
    routed = {
        (method, route.path)
        for route in ROUTES
        if route.path.startswith("/api/v1/")
        for method in route.methods - {"HEAD"}
    }
    assert routed == described
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if path != "/api/v1/openapi.json":
                assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)


def test_errors_answer_in_the_language_the_caller_prefers(world, client):
    french = {"Accept-Language": "fr-CH, fr;q=0.9, en;q=0.8"}
    refused = client.get("/api/v1/summary", headers=french)
    assert refused.status_code == 401
    assert refused.headers["content-language"] == "fr"
    assert refused.json()["error"].startswith("Envoyez un jeton")
    body = client.post(
        "/api/v1/submissions", content=b"[1]", headers={**french, **bearer(world.tokens["staff"])}
    )
    assert body.status_code == 422 and "objet JSON" in body.json()["error"]
    unknown = client.get("/api/v1/nowhere", headers=french)
    assert unknown.status_code == 404 and unknown.headers["content-language"] == "fr"
    english = client.get("/api/v1/summary", headers={"Accept-Language": "de, en;q=0.5"})
    assert english.headers["content-language"] == "en"
    assert english.json()["error"].startswith("Send a token")
    default = client.get("/api/v1/summary")
    assert default.headers["content-language"] == "en" and default.json()["error"].startswith("Send a token")
