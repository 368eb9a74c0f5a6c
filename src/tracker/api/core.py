"""What every API endpoint shares: the bearer token, the role check, JSON errors.

``endpoint(roles)`` wraps a handler: it reads ``Authorization: Bearer TOKEN``, checks and
counts the token (``tracker.access.tokens.use_token``: 401, or 429 with ``Retry-After``),
refuses a role that may not (403), turns a ``TrackerError`` into 422 (or ``NotFound`` into
404) and anything unexpected into 500 with one sentence, logging only the error's type:
never a traceback or a message that could carry a record's text. Every sentence is in the
language the request's ``Accept-Language`` prefers (English or French, else English;
``Content-Language`` says which).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from tracker import config
from tracker.access import tokens
from tracker.access.accounts import Account
from tracker.db import database
from tracker.errors import TrackerError
from tracker.i18n import _, current_language, negotiate, use_language

log = logging.getLogger(__name__)

VERSION_PREFIX = "/api/v1"


class ApiError(Exception):
    """An answer other than 200: its status, one sentence, and optionally a message per field."""

    def __init__(
        self,
        status: int,
        message: str,
        fields: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = dict(fields or {})
        self.headers = dict(headers or {})


class NotFound(TrackerError):
    """A record the caller named does not exist or is not theirs to see (404)."""


@dataclass(frozen=True)
class Caller:
    """Who is asking: the token's account (its role decides what it sees)."""

    account: Account

    @property
    def role(self) -> str:
        return self.account.role

    @property
    def username(self) -> str:
        return self.account.username


@functools.cache
def _engine(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The app's database (``DATABASE_URL``), one engine per URL for the process."""
    return _engine(config.database_url())


def error_response(error: ApiError) -> JSONResponse:
    body: dict[str, Any] = {"error": error.message}
    if error.fields:
        body["fields"] = error.fields
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _space, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def authorise(request: Request, roles: tuple[str, ...], now: dt.datetime | None = None) -> Caller:
    """The caller behind the request's token, allowed one of ``roles``; else an ``ApiError``."""
    raw = bearer_token(request)
    if not raw:
        raise ApiError(
            401,
            _("Send a token in the Authorization header as “Bearer TOKEN” (tracker create-token makes one)."),
            headers={"WWW-Authenticate": "Bearer"},
        )
    with database.writing(engine()) as session:
        use = tokens.use_token(session, raw, "api", now)
    if use.retry_after:
        raise ApiError(
            429,
            _("This token was used too often: wait {seconds} seconds, then try again.").format(
                seconds=use.retry_after
            ),
            headers={"Retry-After": str(use.retry_after)},
        )
    if use.account is None:
        raise ApiError(
            401,
            _("This token is not valid (unknown, expired or revoked, or its account is disabled)."),
            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
        )
    if use.account.role not in roles:
        raise ApiError(403, _("Your account's role may not use this endpoint."))
    return Caller(use.account)


Handler = Callable[[Request, Caller, bytes], Response]


def endpoint(roles: tuple[str, ...]) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """A Starlette endpoint for ``roles`` from a handler taking the request, the caller and
    the request body. The handler and the token check run in a worker thread: they read
    the database, and Streamlit's own sessions share the server's event loop."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        def answer(request: Request, body: bytes) -> Response:
            language = negotiate(request.headers.get("accept-language", ""))
            with use_language(language):
                response = answer_in_language(request, body)
                response.headers["Content-Language"] = current_language()
            return response

        def answer_in_language(request: Request, body: bytes) -> Response:
            try:
                return handler(request, authorise(request, roles), body)
            except ApiError as error:
                return error_response(error)
            except NotFound as error:
                return error_response(ApiError(404, str(error)))
            except TrackerError as error:
                return error_response(ApiError(422, str(error)))
            except Exception as error:  # noqa: BLE001 - the API answers one sentence, never a traceback
                log.error("API %s %s failed: %s", request.method, request.url.path, type(error).__name__)
                return error_response(ApiError(500, _("The server could not answer; try again later.")))

        @functools.wraps(handler)
        async def run(request: Request) -> Response:
            body = await request.body() if request.method in ("POST", "PUT", "PATCH") else b""
            return await run_in_threadpool(answer, request, body)

        return run

    return wrap


def json_body(body: bytes) -> dict[str, Any]:
    """The request's JSON object, or 422 saying what is wrong with it."""
    try:
        value = json.loads(body or b"null")
    except ValueError:
        raise ApiError(422, _("The request body must be a JSON object.")) from None
    if not isinstance(value, dict):
        raise ApiError(422, _("The request body must be a JSON object."))
    return value


async def not_found_response(request: Request) -> Response:
    with use_language(negotiate(request.headers.get("accept-language", ""))):
        response = error_response(ApiError(404, _("There is no such API address; see /api/v1/openapi.json.")))
        response.headers["Content-Language"] = current_language()
    return response
