"""The versioned HTTP API (``/api/v1/…``, JSON, ``Authorization: Bearer TOKEN``), served by
the app's own server: Starlette routes added to Streamlit's ``st.App`` (``ROUTES``, via
``tracker.web.routes``). No Streamlit here: the handlers call the same services as the pages.

- ``core``: the token check (401, 429), the role check (403), JSON errors, never a traceback.
- ``reads``: summary, activities (paged), outcomes, targets, forums, per role as the pages.
- ``submissions``: members propose activities; staff and admins approve, return, reject.
- ``openapi``: the OpenAPI 3.1 document (``/api/v1/openapi.json``; ``docs/api.md``).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from tracker.api import reads, submissions
from tracker.api.core import VERSION_PREFIX, not_found_response
from tracker.api.openapi import openapi_endpoint

V1 = VERSION_PREFIX

ROUTES: list[BaseRoute] = [
    Route(f"{V1}/openapi.json", openapi_endpoint, methods=["GET"]),
    Route(f"{V1}/summary", reads.summary_endpoint, methods=["GET"]),
    Route(f"{V1}/activities", reads.activities_endpoint, methods=["GET"]),
    Route(f"{V1}/outcomes", reads.outcomes_endpoint, methods=["GET"]),
    Route(f"{V1}/targets", reads.targets_endpoint, methods=["GET"]),
    Route(f"{V1}/forums", reads.forums_endpoint, methods=["GET"]),
    Route(f"{V1}/submissions", submissions.list_submissions, methods=["GET"]),
    Route(f"{V1}/submissions", submissions.create_submission, methods=["POST"]),
    Route(f"{V1}/submissions/{{submission_id}}/approve", submissions.approve_submission, methods=["POST"]),
    Route(f"{V1}/submissions/{{submission_id}}/return", submissions.return_submission, methods=["POST"]),
    Route(f"{V1}/submissions/{{submission_id}}/reject", submissions.reject_submission, methods=["POST"]),
    # Anything else under /api/ answers a JSON 404, not Streamlit's page.
    Route("/api/{rest:path}", not_found_response),
]
