"""A spreadsheet of member submissions: the activity import format, checked by the
activity importer (the same reading, row checks and preview), each valid row becoming a
submission (``tracker.records.submissions``), all or nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from tracker.access.accounts import Account
from tracker.access.permissions import EDITORS, MEMBER
from tracker.db.models import ForumEvent, Submission
from tracker.errors import PermissionDenied
from tracker.i18n import _
from tracker.io import importer
from tracker.io.importer import ImportPlan
from tracker.records import submissions
from tracker.records.submissions import member_organisation


def submit_file(
    session: Session,
    account: Account,
    data: bytes,
    filename: str,
    organisation: str | None = None,
    dry_run: bool = False,
) -> tuple[ImportPlan, list[Submission]]:
    """Upload a spreadsheet in the activity import format as submissions, all or nothing.

    Reads and checks the rows with the importer (``importer.plan_import``: the same preview;
    an unknown theme is refused there), refuses a row that would update an existing
    activity by ``external_id``, then, unless ``dry_run`` or a problem, creates one
    submission per row. Returns (the plan, the submissions created).
    """
    if account.role == MEMBER:
        member_organisation(account)
    elif account.role not in EDITORS:
        raise PermissionDenied(_("Only members, staff and admins submit activities."))
    plan = importer.plan_import(session, data, filename)
    for row in plan.rows:
        if row.activity_id is not None:
            plan.problems.append(
                importer.Problem(
                    row.number,
                    "external_id",
                    _(
                        "“{id}” is already activity {n}: a submission proposes a new activity, so leave "
                        "external_id empty or give a new one."
                    ).format(id=row.record.external_id, n=row.activity_id),
                )
            )
    plan.problems.sort(key=lambda p: (p.row or 0, p.column or ""))
    if not plan.ok or dry_run:
        return plan, []
    events = {e.id: e.name for e in session.scalars(select(ForumEvent))}
    created: list[Submission] = []
    for row in plan.rows:
        cells = submissions.record_cells(row.final_record, events)
        created.append(submissions.submit(session, account, cells, organisation))
    return plan, created


def submit_file_count(session: Session, account: Account, data: bytes, filename: str) -> int:
    """``submit_file`` for a page: how many submissions the file became."""
    return len(submit_file(session, account, data, filename)[1])
