"""The OpenAPI 3.1 description of the HTTP API, served at ``/api/v1/openapi.json``.

Written by hand beside the handlers (``docs/api.md`` is its prose twin); a test checks it
with ``openapi-spec-validator`` and that every route of ``tracker.api.ROUTES`` is in it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tracker.access.tokens import rate_per_minute
from tracker.records.activity_fields import EXPORT_COLUMNS
from tracker.vocabulary import ACTIVITY_TYPES, CONFIDENTIALITY_LEVELS, FORUM_CATEGORIES

VERSION = "1.0.0"


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _error(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


AUTH_ERRORS = {
    "401": _error(
        "No token, or a token that is unknown, expired, revoked, of another scope or of a disabled account."
    ),
    "403": _error("The token's role may not use this endpoint."),
    "429": {
        "description": "The token was used too often; wait the seconds of Retry-After.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        "content": {"application/json": {"schema": _ref("Error")}},
    },
}
FILTER_ERROR = {"422": _error("A parameter is malformed or names an unknown theme or category.")}


def _parameter(name: str, description: str, schema: dict[str, Any], where: str = "query") -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema,
    }


DATE = {"type": "string", "format": "date"}
FILTERS = [
    _parameter("from", "First day included (YYYY-MM-DD).", DATE),
    _parameter("to", "Last day included (YYYY-MM-DD).", DATE),
    _parameter(
        "theme",
        "Only records of these themes (repeat the parameter, or separate with commas).",
        {"type": "array", "items": {"type": "string"}},
    ),
    _parameter(
        "category",
        "Only records in forums of these categories (repeatable, or comma-separated).",
        {"type": "array", "items": {"type": "string", "enum": list(FORUM_CATEGORIES)}},
    ),
]
for _filter in FILTERS[2:]:
    _filter["style"], _filter["explode"] = "form", True

_NUMBER = {"type": "number"}
_TEXT = {"type": "string"}
_TEXT_LIST = {"type": "array", "items": _TEXT}

ACTIVITY_PROPERTIES: dict[str, Any] = dict.fromkeys(EXPORT_COLUMNS, _TEXT)
ACTIVITY_PROPERTIES.update(
    {
        "date": DATE,
        "forum_category": {"type": "string", "enum": list(FORUM_CATEGORIES)},
        "activity_type": {"type": "string", "enum": list(ACTIVITY_TYPES)},
        "confidentiality": {"type": "string", "enum": list(CONFIDENTIALITY_LEVELS)},
        "themes": _TEXT_LIST,
        "organisations": _TEXT_LIST,
        "evidence_url": _TEXT_LIST,
        "effort_days": _NUMBER,
        "cost_usd": _NUMBER,
    }
)
SUBMISSION_INPUT_PROPERTIES: dict[str, Any] = {
    key: (
        {"oneOf": [_TEXT, _TEXT_LIST]}
        if value == _TEXT_LIST
        else {"oneOf": [value, _TEXT]}
        if value is _NUMBER
        else value
    )
    for key, value in ACTIVITY_PROPERTIES.items()
}
SUBMISSION_INPUT_PROPERTIES["organisation"] = {
    "type": "string",
    "description": "Staff and admins: the member organisation it is for. Members: leave out (their own).",
}

SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {"type": "string", "description": "One sentence saying what to do."},
            "fields": {
                "type": "object",
                "additionalProperties": {"type": "string"},
                "description": "A message per field (422).",
            },
        },
    },
    "Summary": {
        "type": "object",
        "description": "Exactly the JSON of `tracker summary --json` with the same options.",
        "required": [
            "activities",
            "effort_days",
            "cost_usd",
            "by_year",
            "kp_share",
            "by_theme",
            "outcomes",
            "targets",
        ],
        "properties": {
            "activities": {"type": "integer"},
            "effort_days": _NUMBER,
            "cost_usd": _NUMBER,
            "by_year": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "year": {"type": "integer"},
                        "category": {"type": "string", "enum": list(FORUM_CATEGORIES)},
                        "activities": {"type": "integer"},
                        "effort_days": _NUMBER,
                    },
                },
            },
            "kp_share": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "year": {"type": "integer"},
                        "by_count": {"type": ["number", "null"]},
                        "by_effort": {"type": ["number", "null"]},
                    },
                },
            },
            "by_theme": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {"theme": _TEXT, "activities": {"type": "integer"}, "effort_days": _NUMBER},
                },
            },
            "outcomes": {"type": "object"},
            "targets": {"type": "array", "items": _ref("Target")},
        },
    },
    "Activity": {
        "type": "object",
        "description": "An activity in the import format's field names, with its id and last change.",
        "properties": {
            "id": {"type": "integer"},
            "updated_at": {"type": "string", "format": "date-time"},
            **ACTIVITY_PROPERTIES,
        },
    },
    "ActivityPage": {
        "type": "object",
        "required": ["activities", "next"],
        "properties": {
            "activities": {"type": "array", "items": _ref("Activity")},
            "next": {"type": ["string", "null"], "format": "uri", "description": "The next page, or null."},
        },
    },
    "Outcome": {
        "type": "object",
        "description": "An outcome in the outcome import format's field names.",
        "properties": {
            "outcome_id": _TEXT,
            "date": DATE,
            "statement": _TEXT,
            "social_actor": _TEXT,
            "change_type": _TEXT,
            "themes": _TEXT_LIST,
            "forum": _TEXT,
            "country": _TEXT,
            "significance": _TEXT,
            "contribution": _TEXT,
            "evidence_url": _TEXT_LIST,
            "substantiation": _TEXT,
            "positive": {"type": "boolean"},
            "intended": {"type": "boolean"},
            "activities": {
                "type": "array",
                "items": _TEXT,
                "description": "External ids of readable activities.",
            },
            "confidentiality": {"type": "string", "enum": list(CONFIDENTIALITY_LEVELS)},
        },
    },
    "Target": {
        "type": "object",
        "properties": {
            "year": {"type": "integer"},
            "measure": _TEXT,
            "scope": _TEXT,
            "direction": _TEXT,
            "target": _NUMBER,
            "actual": {"type": ["number", "null"]},
            "met": {"type": ["boolean", "null"]},
        },
    },
    "Event": {
        "type": "object",
        "properties": {
            "name": _TEXT,
            "start_date": DATE,
            "date_precision": {"type": "string", "enum": ["day", "month", "year"]},
            "end_date": {"type": ["string", "null"], "format": "date"},
            "place": {"type": ["string", "null"]},
            "source": {"type": ["string", "null"]},
            "verified": {"type": "boolean"},
        },
    },
    "Forum": {
        "type": "object",
        "properties": {
            "forum": _TEXT,
            "forum_category": {"type": "string", "enum": list(FORUM_CATEGORIES)},
            "parent": {"type": ["string", "null"]},
            "source": {"type": ["string", "null"]},
            "events": {"type": "array", "items": _ref("Event")},
        },
    },
    "SubmissionInput": {
        "type": "object",
        "description": "One activity in the import format's field names (lists as arrays or `;`-separated).",
        "properties": SUBMISSION_INPUT_PROPERTIES,
    },
    "Submission": {
        "type": "object",
        "required": ["id", "status"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string", "enum": ["submitted", "returned", "approved", "rejected"]},
        },
        "additionalProperties": True,
    },
    "SubmissionAnswer": {
        "type": "object",
        "required": ["id", "status", "submission"],
        "properties": {
            "id": {"type": "integer"},
            "status": {"type": "string"},
            "activity_id": {"type": "integer", "description": "After approval: the new activity."},
            "submission": _ref("Submission"),
        },
    },
}


def _get(
    summary: str,
    description: str,
    parameters: list[dict[str, Any]],
    ok: dict[str, Any],
    errors: dict[str, Any],
) -> dict[str, Any]:
    return {
        "get": {
            "summary": summary,
            "description": description,
            "parameters": parameters,
            "responses": {"200": ok, **AUTH_ERRORS, **errors},
        }
    }


def _review(action: str, key: str | None, description: str) -> dict[str, Any]:
    operation: dict[str, Any] = {
        "summary": f"{action.capitalize()} a submission (staff and admins)",
        "description": description,
        "parameters": [_parameter("submission_id", "The submission's id.", {"type": "integer"}, "path")],
        "responses": {
            "200": _json("The submission after the change.", _ref("SubmissionAnswer")),
            **AUTH_ERRORS,
            "404": _error("No such submission."),
            "422": _error("The body is missing its text, or the submission cannot move this way."),
        },
    }
    properties: dict[str, Any] = {key: _TEXT} if key else {"changes": {"type": "object"}}
    operation["requestBody"] = {
        "required": key is not None,
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": [key] if key else [], "properties": properties}
            }
        },
    }
    return {"post": operation}


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document (the rate limit is read from the configuration)."""
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "KPCSC campaign tracker API",
            "version": VERSION,
            "description": (
                "JSON over HTTPS on the tracker's own server. Send `Authorization: Bearer TOKEN` "
                "(`tracker create-token USERNAME --name LABEL`). A token acts with its account's role "
                "and sees exactly what that role's pages show. Each token may make "
                f"{rate_per_minute()} requests in any minute (429 with Retry-After beyond). Every "
                'error is `{"error": "one sentence"}`.'
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/api/v1/summary": _get(
                "The funder summary",
                "Exactly `tracker summary --json` with the same options; a funder only its grants.",
                [
                    *FILTERS,
                    _parameter("grant", "A grant_id: its period and the activities tagged with it.", _TEXT),
                ],
                _json("The summary.", _ref("Summary")),
                {**FILTER_ERROR, "404": _error("The grant is not among those this account may open.")},
            ),
            "/api/v1/activities": _get(
                "Activities, a page at a time",
                "Staff and admins: every activity; members: no restricted one; funders: public ones only. "
                "By id; follow `next` for the following page.",
                [
                    *FILTERS,
                    _parameter(
                        "updated_since",
                        "Only activities changed since (ISO 8601).",
                        {"type": "string", "format": "date-time"},
                    ),
                    _parameter(
                        "limit", "Page size (default 100).", {"type": "integer", "minimum": 1, "maximum": 500}
                    ),
                    _parameter("cursor", "From a `next` link.", _TEXT),
                ],
                _json("One page.", _ref("ActivityPage")),
                FILTER_ERROR,
            ),
            "/api/v1/outcomes": _get(
                "Outcomes",
                "As the Outcomes dashboard lists them for the token's role (funders: public ones only).",
                FILTERS,
                _json(
                    "The outcomes, newest first.",
                    {
                        "type": "object",
                        "properties": {"outcomes": {"type": "array", "items": _ref("Outcome")}},
                    },
                ),
                FILTER_ERROR,
            ),
            "/api/v1/targets": _get(
                "Strategy targets with their actual values",
                "Every target whose year meets the range (from, to); theme and category are accepted but do "
                "not narrow targets.",
                FILTERS,
                _json(
                    "The targets.",
                    {"type": "object", "properties": {"targets": {"type": "array", "items": _ref("Target")}}},
                ),
                FILTER_ERROR,
            ),
            "/api/v1/forums": _get(
                "Forums and their events (staff, admins, members)",
                "Never a forum or event only restricted records carry, for members.",
                [FILTERS[3]],
                _json(
                    "The forums.",
                    {"type": "object", "properties": {"forums": {"type": "array", "items": _ref("Forum")}}},
                ),
                FILTER_ERROR,
            ),
            "/api/v1/submissions": {
                "get": {
                    "summary": "Submissions (members: their organisation's; staff and admins: all)",
                    "parameters": [
                        _parameter(
                            "status",
                            "Only this status.",
                            {"type": "string", "enum": ["submitted", "returned", "approved", "rejected"]},
                        ),
                        _parameter("organisation", "Staff and admins: only this organisation's.", _TEXT),
                    ],
                    "responses": {
                        "200": _json(
                            "The submissions.",
                            {
                                "type": "object",
                                "properties": {"submissions": {"type": "array", "items": _ref("Submission")}},
                            },
                        ),
                        **AUTH_ERRORS,
                        "422": _error("Unknown status."),
                    },
                },
                "post": {
                    "summary": "Propose an activity (members: for their organisation; staff: any)",
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": _ref("SubmissionInput")}},
                    },
                    "responses": {
                        "201": _json("The submission, with its id and status.", _ref("SubmissionAnswer")),
                        **AUTH_ERRORS,
                        "422": _error("A message per field in `fields`."),
                    },
                },
            },
            "/api/v1/submissions/{submission_id}/approve": _review(
                "approve",
                None,
                "It becomes an activity through the activity write path; `changes` edits it first.",
            ),
            "/api/v1/submissions/{submission_id}/return": _review(
                "return", "comment", "Back to the member with a comment, to fix and resubmit."
            ),
            "/api/v1/submissions/{submission_id}/reject": _review(
                "reject", "reason", "Rejected, with a reason."
            ),
            "/api/v1/openapi.json": {
                "get": {
                    "summary": "This document",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "The OpenAPI 3.1 document.",
                            "content": {"application/json": {}},
                        }
                    },
                }
            },
        },
    }


async def openapi_endpoint(request: Request) -> Response:
    """Served without a token: it describes the API, never data."""
    return JSONResponse(document())
