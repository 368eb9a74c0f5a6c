"""The API's submission endpoints: members propose activities, staff and admins review them.

They call ``tracker.records.submissions`` (the one write path of submissions: who may
submit for which organisation, the states and who may move them), imported inside each
handler so the API stands on its own until that module exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tracker.access.permissions import EDITORS, MEMBER
from tracker.api.core import ApiError, Caller, endpoint, engine, json_body
from tracker.db import database
from tracker.errors import NotFound, PermissionDenied, TrackerError, ValidationFailed
from tracker.i18n import _
from tracker.records import submissions
from tracker.records.activity_fields import BY_COLUMN, EXPORT_COLUMNS, label

SUBMITTERS = (*EDITORS, MEMBER)
REVIEWERS = EDITORS
STATUSES = ("submitted", "returned", "approved", "rejected")


def _field_messages(error: ValidationFailed) -> dict[str, str]:
    """A message per import-format field name, from the error's own mapping if it has one,
    else from problems written "Field label: message" or "field: message"."""
    fields = getattr(error, "fields", None)
    if isinstance(fields, Mapping) and fields:
        return {str(k): str(v) for k, v in fields.items()}
    names = {label(column).casefold(): column for column in EXPORT_COLUMNS}
    names.update({column.casefold(): column for column in EXPORT_COLUMNS})
    names.update({f.name.casefold(): f.column for f in BY_COLUMN.values() if f.column})
    messages: dict[str, str] = {}
    for problem in error.problems or [str(error)]:
        head, colon, rest = str(problem).partition(":")
        column = names.get(head.strip().casefold()) if colon else None
        key = column or "_"
        messages[key] = (
            f"{messages[key]} {rest.strip() or problem}".strip()
            if key in messages
            else (rest.strip() if column else str(problem))
        )
    return messages


def _submission_id(request: Request) -> int:
    text = str(request.path_params.get("submission_id", ""))
    if not text.isdigit():
        raise ApiError(404, _("There is no submission {id}.").format(id=text))
    return int(text)


def _not_found(submission_id: int) -> ApiError:
    return ApiError(404, _("There is no submission {id} you may see.").format(id=submission_id))


@endpoint(SUBMITTERS)
def create_submission(request: Request, caller: Caller, body: bytes) -> Response:
    values = json_body(body)
    fields = {k: v for k, v in values.items() if k != "organisation"}
    organisation = values.get("organisation")
    if organisation is not None and not isinstance(organisation, str):
        raise ApiError(422, _("“organisation” must be text."), {"organisation": _("not text")})
    if caller.role == MEMBER and organisation and organisation.strip() != (caller.account.organisation or ""):
        raise ApiError(403, _("A member submits for its own organisation only; leave out “organisation”."))
    try:
        with database.writing(engine()) as session:
            submission = submissions.submit(
                session, caller.account, fields, organisation=organisation or None
            )
            record = submissions.as_dict(submission)
    except ValidationFailed as refused:
        raise ApiError(422, str(refused), _field_messages(refused)) from None
    return JSONResponse(
        {"id": record.get("id"), "status": record.get("status"), "submission": record}, status_code=201
    )


@endpoint(SUBMITTERS)
def list_submissions(request: Request, caller: Caller, body: bytes) -> Response:
    status = request.query_params.get("status", "").strip() or None
    if status is not None and status not in STATUSES:
        raise ApiError(
            422,
            _("“status” must be one of {allowed}.").format(allowed=", ".join(STATUSES)),
            {"status": _("unknown status")},
        )
    organisation = request.query_params.get("organisation", "").strip() or None
    with database.session_factory(engine())() as session:
        found = submissions.list_for(session, caller.account, status=status, organisation=organisation)
        records = [submissions.as_dict(s) for s in found]
    return JSONResponse({"submissions": records})


def _text(body: dict[str, Any], key: str) -> str:
    value = body.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ApiError(
            422, _("Give the “{key}” as text in the JSON body.").format(key=key), {key: _("required")}
        )
    return value.strip()


def _review(request: Request, caller: Caller, body: bytes, action: str) -> Response:
    submission_id = _submission_id(request)
    values = json_body(body) if action != "approve" or body.strip() else {}
    try:
        with database.writing(engine()) as session:
            if submissions.get_for(session, caller.account, submission_id) is None:
                raise _not_found(submission_id)
            extra: dict[str, Any] = {}
            if action == "approve":
                changes = values.get("changes")
                if changes is not None and not isinstance(changes, dict):
                    raise ApiError(
                        422, _("“changes” must be a JSON object of fields."), {"changes": _("not an object")}
                    )
                activity = submissions.approve(session, submission_id, caller.account, changes=changes)
                extra["activity_id"] = activity.id
                submission = submissions.get_for(session, caller.account, submission_id)
            elif action == "return":
                submission = submissions.return_to_member(
                    session, submission_id, caller.account, _text(values, "comment")
                )
            else:
                submission = submissions.reject(
                    session, submission_id, caller.account, _text(values, "reason")
                )
            record = submissions.as_dict(submission)
    except (LookupError, NotFound):
        raise _not_found(submission_id) from None
    except PermissionDenied as refused:
        raise ApiError(403, str(refused)) from None
    except ValidationFailed as refused:
        raise ApiError(422, str(refused), _field_messages(refused)) from None
    except TrackerError as refused:
        raise ApiError(422, str(refused)) from None
    return JSONResponse(
        {"id": record.get("id"), "status": record.get("status"), **extra, "submission": record}
    )


@endpoint(REVIEWERS)
def approve_submission(request: Request, caller: Caller, body: bytes) -> Response:
    return _review(request, caller, body, "approve")


@endpoint(REVIEWERS)
def return_submission(request: Request, caller: Caller, body: bytes) -> Response:
    return _review(request, caller, body, "return")


@endpoint(REVIEWERS)
def reject_submission(request: Request, caller: Caller, body: bytes) -> Response:
    return _review(request, caller, body, "reject")
