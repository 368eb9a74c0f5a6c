"""Names and helpers the HTTP API tests share (their fixtures are in conftest.py)."""

from __future__ import annotations

from tests.factories import SECRET_EVENT, SECRET_FORUM, SECRET_ORGANISATION

SECRET_EXTERNAL_ID = "zq-secret-activity"
SECRETS = (SECRET_FORUM, SECRET_EVENT, SECRET_ORGANISATION, SECRET_EXTERNAL_ID, "restricted title")
GRANT = "G-RESTRICTED-TEST"
OTHER_GRANT = "G-OTHER"
ROLES = ("admin", "staff", "member", "funder")
PASSWORD = "correct horse battery"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
