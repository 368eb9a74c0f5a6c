"""Member submissions: the one write path of a record type of its own (issue 18).

A member organisation proposes an activity (optionally with an outcome). Its status moves

    submitted → returned (comment) → submitted (the member fixes and resubmits) …
    submitted → approved (the activity is written through ``activities.create_activity``)
    submitted | returned → rejected (reason)

Only staff and admins move a submission on; a member submits for its own organisation
and sees that organisation's submissions only. Every write is version-checked and
audited (entity ``submission``). Submissions live in their own table, which nothing but
this module reads: they count in no figure, chart, report, digest, export or API answer
until approved.

The proposed activity is kept in the import format's column names (``date``, ``forum``,
``themes`` …, text values), the same names the API and the spreadsheets use, and is
checked by the activity rules (``validation.ActivityInput`` and
``activities.record_problems``) on submission, on resubmission and on approval.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from tracker.access.accounts import Account
from tracker.access.permissions import EDITORS, MEMBER
from tracker.db.models import SUBMISSION_STATUSES, Activity, AuditEntry, ForumEvent, Submission, utcnow
from tracker.errors import NotFound, PermissionDenied, ValidationFailed, VersionConflict
from tracker.i18n import N_, _
from tracker.records import activities, audit
from tracker.records.activity_fields import EXPORT_COLUMNS
from tracker.records.entry import FormOptions
from tracker.records.validation import ActivityInput, describe_errors
from tracker.vocabulary import CONFIDENTIALITY_LEVELS

log = logging.getLogger(__name__)

# The import format's columns a submission may carry (``event``: the forum event's name).
COLUMNS = tuple(EXPORT_COLUMNS)
FIELD_FOR_COLUMN = {"date": "activity_date", "evidence_url": "evidence_urls"}
COLUMN_FOR_FIELD = {"activity_date": "date", "evidence_urls": "evidence_url", "event_id": "event"}
LIST_SEPARATORS = {"themes": ";", "organisations": ";", "grants": ";", "evidence_url": " "}
RANK = {level: n for n, level in enumerate(CONFIDENTIALITY_LEVELS)}
WAITING = "submitted"
# Display labels of the stored statuses (the codes stay English in data, CLI and API).
STATUS_LABELS = {
    "submitted": N_("submitted"),
    "returned": N_("returned"),
    "approved": N_("approved"),
    "rejected": N_("rejected"),
}
NOTICES_KEY = "submission_notices"


# ---- reading and checking the proposed activity ---------------------------------------


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    return str(value).strip()


def normalise_fields(fields: Mapping[str, object]) -> dict[str, str]:
    """The proposed activity as import-format text cells; an unknown field is a problem."""
    cells: dict[str, str] = {}
    unknown: dict[str, list[str]] = {}
    for raw_name, value in fields.items():
        name = str(raw_name).strip().lower()
        if name not in COLUMNS:
            unknown.setdefault(name, []).append(
                _("is not a field of the activity import format ({columns}).").format(
                    columns=", ".join(COLUMNS)
                )
            )
            continue
        if isinstance(value, list | tuple | set):
            cells[name] = LIST_SEPARATORS.get(name, ";").join(_text(v) for v in value if _text(v))
        else:
            cells[name] = _text(value)
    if unknown:
        raise _invalid(unknown)
    return {name: value for name, value in cells.items() if value != ""}


def _invalid(by_field: dict[str, list[str]]) -> ValidationFailed:
    lines = [f"{name}: {message}" for name, messages in by_field.items() for message in messages]
    return ValidationFailed(lines[0], lines, by_field)


def check_fields(session: Session, cells: Mapping[str, str]) -> ActivityInput:
    """The activity rules over import-format cells; raises ValidationFailed naming each field."""
    values: dict[str, Any] = {FIELD_FOR_COLUMN.get(k, k): v for k, v in cells.items() if k != "event"}
    values.setdefault("forum", "")
    values.setdefault("title", "")
    values.setdefault("activity_type", "")
    by_field: dict[str, list[str]] = {}
    try:
        record = ActivityInput(**values)
    except ValidationError as error:
        for column, message in describe_errors(error):
            by_field.setdefault(column, []).append(message)
        raise _invalid(by_field) from None
    refs = activities.References(session, create=False)
    event_name = cells.get("event")
    if event_name:
        forum = refs.forums.get(record.forum.casefold())
        found = (
            session.scalar(
                select(ForumEvent.id).where(ForumEvent.forum_id == forum.id, ForumEvent.name == event_name)
            )
            if forum is not None and forum.id is not None
            else None
        )
        if found is None:
            by_field.setdefault("event", []).append(
                _("“{event}” is not an event of the forum “{forum}”.").format(
                    event=event_name, forum=record.forum
                )
            )
        else:
            record = record.model_copy(update={"event_id": found})
    if refs.forums.get(record.forum.casefold()) is not None:
        record = record.model_copy(update={"forum_category": None})  # a known forum keeps its category
    for name, message in activities.record_problems(refs, record):
        by_field.setdefault(COLUMN_FOR_FIELD.get(name, name), []).append(message)
    if by_field:
        raise _invalid(by_field)
    return record


def _with_organisation(cells: dict[str, str], organisation: str) -> dict[str, str]:
    """The submitting organisation is always among the activity's organisations."""
    names = [n.strip() for n in cells.get("organisations", "").split(";") if n.strip()]
    if organisation.casefold() not in {n.casefold() for n in names}:
        names.insert(0, organisation)
    return {**cells, "organisations": ";".join(names)}


def _outcome_cells(outcome: Mapping[str, object] | None) -> dict[str, str] | None:
    if not outcome:
        return None
    cells = {str(k).strip().lower(): _text(v) for k, v in outcome.items()}
    cells = {k: v for k, v in cells.items() if v}
    if not cells:
        return None
    from tracker.records.outcomes import OutcomeInput, input_problems

    values: dict[str, Any] = {("outcome_date" if k == "date" else k): v for k, v in cells.items()}
    values.setdefault("outcome_id", "SUBMISSION")
    values.pop("activities", None)
    try:
        OutcomeInput(**values)
    except ValidationError as error:
        raise _invalid({f"outcome.{c}": [m] for c, m in input_problems(error)}) from None
    return cells


# ---- who may do what -----------------------------------------------------------------


def _require_reviewer(account: Account) -> None:
    if account.role not in EDITORS:
        raise PermissionDenied(_("Only staff and admins review submissions."))


def member_organisation(account: Account) -> str:
    if not account.organisation:
        raise PermissionDenied(
            _("Your account has no organisation yet: ask an admin to set it on the Users page.")
        )
    return account.organisation


def _may_see(account: Account, submission: Submission) -> bool:
    if account.role in EDITORS:
        return True
    return (
        account.role == MEMBER
        and bool(account.organisation)
        and submission.organisation.casefold() == (account.organisation or "").casefold()
    )


def _load(session: Session, submission_id: int) -> Submission:
    submission = session.get(Submission, submission_id)
    if submission is None:
        raise NotFound(_("There is no submission {id}.").format(id=submission_id))
    return submission


def _check_version(submission: Submission, version: int | None) -> None:
    if version is not None and submission.version != version:
        raise VersionConflict(
            _(
                "Someone else changed submission {id} (now version {now}) after you opened version {yours}: "
                "reload it, then try again."
            ).format(id=submission.id, now=submission.version, yours=version)
        )


def _require_status(submission: Submission, allowed: tuple[str, ...]) -> None:
    if submission.status not in allowed:
        raise ValidationFailed(
            _("Submission {id} is {status}: it can no longer be changed this way.").format(
                id=submission.id, status=_(STATUS_LABELS[submission.status])
            )
        )


# ---- the audit trail -------------------------------------------------------------------


_SNAPSHOT_COLUMNS = (
    "id",
    "version",
    "status",
    "organisation",
    "submitted_by",
    "reviewer",
    "comment",
    "reason",
    "note",
    "confidentiality",
    "activity_id",
)


def snapshot(submission: Submission) -> dict[str, Any]:
    return {
        **audit.columns_snapshot(submission, _SNAPSHOT_COLUMNS),
        "fields": dict(submission.fields),
        "outcome": dict(submission.outcome) if submission.outcome else None,
    }


def _audit(
    session: Session, actor: str, action: str, submission: Submission, before: dict[str, Any] | None
) -> None:
    session.flush()
    audit.record_entry(session, actor, action, "submission", submission.id, before, snapshot(submission))


def history(session: Session, submission_id: int) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "submission", AuditEntry.entity_id == submission_id)
            .order_by(AuditEntry.id)
        )
    )


# ---- e-mail to the submitter's organisation, once the change is committed --------------


def _queue_notice(session: Session, submission: Submission, kind: str) -> None:
    """Build the organisation's notices now (in the transaction) and send them after the
    commit: a rolled-back change sends nothing, and a mail failure never undoes a review."""
    from tracker.publish import submission_mail

    notices = submission_mail.notices_for(session, submission, kind)
    if not notices:
        return
    pending = session.info.setdefault(NOTICES_KEY, [])
    pending.extend(notices)
    if not session.info.get(NOTICES_KEY + "_listening"):
        session.info[NOTICES_KEY + "_listening"] = True
        event.listen(session, "after_commit", _send_after_commit)
        event.listen(session, "after_soft_rollback", _forget_after_rollback)


def _send_after_commit(session: Session) -> None:
    from tracker.publish import submission_mail

    pending = session.info.pop(NOTICES_KEY, [])
    if pending:
        submission_mail.deliver_notices(pending)


def _forget_after_rollback(session: Session, previous_transaction: object) -> None:
    session.info.pop(NOTICES_KEY, None)


# ---- the service -----------------------------------------------------------------------


def submit(
    session: Session,
    account: Account,
    fields: Mapping[str, object],
    organisation: str | None = None,
    *,
    outcome: Mapping[str, object] | None = None,
) -> Submission:
    """A new submission: a member's for its own organisation; staff and admins' for any
    (``organisation`` required). Raises ValidationFailed naming each field."""
    if account.role == MEMBER:
        own = member_organisation(account)
        if organisation and organisation.strip().casefold() != own.casefold():
            raise PermissionDenied(
                _("A member submits for its own organisation ({own}) only.").format(own=own)
            )
        organisation = own
    elif account.role in EDITORS:
        if not organisation or not organisation.strip():
            raise _invalid({"organisation": [_("give the organisation the activity is submitted for.")]})
        organisation = organisation.strip()
    else:
        raise PermissionDenied(_("Only members, staff and admins submit activities."))
    cells = _with_organisation(normalise_fields(fields), organisation)
    record = check_fields(session, cells)
    now = utcnow()
    submission = Submission(
        status=WAITING,
        organisation=organisation,
        submitted_by=account.username,
        submitted_at=now,
        updated_at=now,
        fields=cells,
        outcome=_outcome_cells(outcome),
        confidentiality=record.confidentiality,
    )
    session.add(submission)
    _audit(session, account.username, "submit", submission, None)
    return submission


def resubmit(
    session: Session,
    account: Account,
    submission_id: int,
    fields: Mapping[str, object],
    version: int,
    *,
    outcome: Mapping[str, object] | None = None,
) -> Submission:
    """A returned submission, fixed by its organisation (or by staff), back in the queue."""
    submission = get_for(session, account, submission_id)
    if account.role not in (MEMBER, *EDITORS):
        raise PermissionDenied(_("Only members, staff and admins submit activities."))
    _check_version(submission, version)
    _require_status(submission, ("returned",))
    cells = _with_organisation(normalise_fields(fields), submission.organisation)
    record = check_fields(session, cells)
    before = snapshot(submission)
    submission.fields = cells
    if outcome is not None:
        submission.outcome = _outcome_cells(outcome)
    submission.confidentiality = record.confidentiality
    submission.status = WAITING
    submission.updated_at = utcnow()
    _audit(session, account.username, "resubmit", submission, before)
    return submission


def list_for(
    session: Session, account: Account, status: str | None = None, organisation: str | None = None
) -> list[Submission]:
    """The submissions an account may see, oldest first: a member its organisation's only."""
    query = select(Submission).order_by(Submission.submitted_at, Submission.id)
    if status:
        if status not in SUBMISSION_STATUSES:
            raise ValidationFailed(
                _("“{status}” is not a submission status; use one of {statuses}.").format(
                    status=status, statuses=", ".join(SUBMISSION_STATUSES)
                )
            )
        query = query.where(Submission.status == status)
    if account.role == MEMBER:
        if not account.organisation:
            return []
        query = query.where(Submission.organisation == account.organisation)
    elif account.role not in EDITORS:
        raise PermissionDenied(_("Submissions are for members, staff and admins."))
    elif organisation:
        query = query.where(Submission.organisation == organisation)
    return list(session.scalars(query))


def get_for(session: Session, account: Account, submission_id: int) -> Submission:
    """One submission the account may see; one it may not is "not found", like a missing one."""
    submission = session.get(Submission, submission_id)
    if submission is None or not _may_see(account, submission):
        raise NotFound(_("There is no submission {id}.").format(id=submission_id))
    return submission


def approve(
    session: Session,
    submission_id: int,
    reviewer: Account,
    changes: Mapping[str, object] | None = None,
    *,
    note: str | None = None,
    version: int | None = None,
) -> Activity:
    """Write the activity through the activity write path; its history names the submitter
    and the reviewer. ``changes`` (import-format names) edit it first; confidentiality below
    the member's choice needs a ``note`` the member sees."""
    _require_reviewer(reviewer)
    submission = _load(session, submission_id)
    _check_version(submission, version)
    _require_status(submission, (WAITING,))
    cells = dict(submission.fields)
    if changes:
        for name, value in normalise_fields({k: v for k, v in changes.items()}).items():
            cells[name] = value
        cleared = [str(k).strip().lower() for k, v in changes.items() if _text(v) == ""]
        for name in cleared:
            cells.pop(name, None)
    record = check_fields(session, cells)
    note = (note or "").strip() or None
    if RANK[record.confidentiality] < RANK[submission.confidentiality] and not note:
        raise _invalid(
            {
                "confidentiality": [
                    _(
                        "the member chose {chosen}: lowering it to {level} needs a note to the member "
                        "saying why."
                    ).format(chosen=submission.confidentiality, level=record.confidentiality)
                ]
            }
        )
    before = snapshot(submission)
    activity = activities.create_activity(
        session, record, reviewer.username, submitted_by=submission.submitted_by
    )
    if submission.outcome:
        _create_outcome(session, submission, activity, reviewer.username)
    submission.fields = cells
    submission.status = "approved"
    submission.reviewer = reviewer.username
    submission.reviewed_at = utcnow()
    submission.updated_at = submission.reviewed_at
    submission.activity_id = activity.id
    submission.note = note
    _audit(session, reviewer.username, "approve", submission, before)
    _queue_notice(session, submission, "approved")
    return activity


def _create_outcome(session: Session, submission: Submission, activity: Activity, actor: str) -> None:
    from tracker.records.outcomes import OutcomeInput, create_outcome, input_problems

    cells = dict(submission.outcome or {})
    values: dict[str, Any] = {("outcome_date" if k == "date" else k): v for k, v in cells.items()}
    values.pop("activities", None)
    values.setdefault("outcome_id", f"SUB-{submission.id}")
    values["activity_ids"] = [activity.id]
    try:
        record = OutcomeInput(**values)
    except ValidationError as error:
        raise _invalid({f"outcome.{c}": [m] for c, m in input_problems(error)}) from None
    create_outcome(session, record, actor)


def return_to_member(session: Session, submission_id: int, reviewer: Account, comment: str) -> Submission:
    """Back to the organisation with the reviewer's comment, to fix and resubmit."""
    _require_reviewer(reviewer)
    if not comment or not comment.strip():
        raise _invalid({"comment": [_("say what the member should change.")]})
    submission = _load(session, submission_id)
    _require_status(submission, (WAITING,))
    before = snapshot(submission)
    submission.status = "returned"
    submission.comment = comment.strip()
    submission.reviewer = reviewer.username
    submission.reviewed_at = utcnow()
    submission.updated_at = submission.reviewed_at
    _audit(session, reviewer.username, "return", submission, before)
    _queue_notice(session, submission, "returned")
    return submission


def reject(session: Session, submission_id: int, reviewer: Account, reason: str) -> Submission:
    """Refused for good, with the reason the organisation reads."""
    _require_reviewer(reviewer)
    if not reason or not reason.strip():
        raise _invalid({"reason": [_("give the reason the member will read.")]})
    submission = _load(session, submission_id)
    _require_status(submission, (WAITING, "returned"))
    before = snapshot(submission)
    submission.status = "rejected"
    submission.reason = reason.strip()
    submission.reviewer = reviewer.username
    submission.reviewed_at = utcnow()
    submission.updated_at = submission.reviewed_at
    _audit(session, reviewer.username, "reject", submission, before)
    _queue_notice(session, submission, "rejected")
    return submission


def approve_many(session: Session, submission_ids: list[int], reviewer: Account) -> list[Activity]:
    """Approve several as they are, all or nothing (the first problem stops the lot)."""
    return [approve(session, submission_id, reviewer) for submission_id in submission_ids]


def as_dict(submission: Submission) -> dict[str, Any]:
    """The submission as JSON values, the activity in the import format's names."""
    return {
        "id": submission.id,
        "status": submission.status,
        "organisation": submission.organisation,
        "submitted_by": submission.submitted_by,
        "submitted_at": submission.submitted_at.isoformat(),
        "reviewed_by": submission.reviewer,
        "reviewed_at": submission.reviewed_at.isoformat() if submission.reviewed_at else None,
        "comment": submission.comment,
        "reason": submission.reason,
        "note": submission.note,
        "confidentiality": submission.confidentiality,
        "version": submission.version,
        "activity_id": submission.activity_id,
        "activity": dict(submission.fields),
        "outcome": dict(submission.outcome) if submission.outcome else None,
    }


# ---- what the review page shows -------------------------------------------------------


@dataclass(frozen=True)
class ReviewView:
    """One submission beside what approving it would save."""

    submission: dict[str, Any]
    would_save: dict[str, Any] | None  # the activity's audit snapshot, names resolved
    problems: list[str]
    duplicates: list[int]
    new_names: list[str] = field(default_factory=list)  # forums and organisations approval adds


def review_view(session: Session, reviewer: Account, submission_id: int) -> ReviewView:
    _require_reviewer(reviewer)
    submission = _load(session, submission_id)
    try:
        record = check_fields(session, submission.fields)
    except ValidationFailed as invalid:
        return ReviewView(as_dict(submission), None, invalid.problems, [])
    refs = activities.References(session, create=False)
    new_names = (
        [_("new forum: {name}").format(name=record.forum)]
        if record.forum.casefold() not in refs.forums
        else []
    )
    new_names += [
        _("new organisation: {name}").format(name=name)
        for name in record.organisations
        if name.casefold() not in refs.organisations
    ]
    draft = activities.draft(refs, record)
    would_save = draft.snapshot()
    would_save.pop("id", None)
    would_save.pop("version", None)
    would_save.pop("deleted", None)
    duplicates = activities.likely_duplicates(session, record.activity_date, record.forum, record.title)
    return ReviewView(as_dict(submission), would_save, [], duplicates, new_names)


def waiting_count(session: Session) -> int:
    """How many submissions wait for a reviewer (the staff's Home shows it)."""
    from sqlalchemy import func

    return (
        session.scalar(select(func.count()).select_from(Submission).where(Submission.status == WAITING)) or 0
    )


def organisations_with_submissions(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(Submission.organisation).distinct())), key=str.casefold)


def queue(
    session: Session,
    reviewer: Account,
    status: str | None = WAITING,
    organisation: str | None = None,
    older_than_days: int | None = None,
    today: dt.date | None = None,
) -> list[dict[str, Any]]:
    """The review queue, oldest first, as rows for a table."""
    _require_reviewer(reviewer)
    rows = []
    now = dt.datetime.combine(today or dt.date.today(), dt.time.max)
    for submission in list_for(session, reviewer, status, organisation):
        age = (now - submission.submitted_at).days
        if older_than_days is not None and age < older_than_days:
            continue
        rows.append(
            {
                "id": submission.id,
                "status": submission.status,
                "organisation": submission.organisation,
                "submitted_by": submission.submitted_by,
                "submitted_at": submission.submitted_at,
                "age_days": age,
                "date": submission.fields.get("date", ""),
                "forum": submission.fields.get("forum", ""),
                "title": submission.fields.get("title", ""),
                "confidentiality": submission.confidentiality,
            }
        )
    return rows


def record_cells(record: ActivityInput, event_names: Mapping[int, str]) -> dict[str, str]:
    """A checked activity back into import-format cells."""
    cells = {
        "date": record.activity_date.isoformat(),
        "forum": record.forum,
        "forum_category": record.forum_category or "",
        "themes": ";".join(record.themes),
        "activity_type": record.activity_type,
        "title": record.title,
        "description": record.description or "",
        "organisations": ";".join(record.organisations),
        "country": record.country or "",
        "effort_days": _text(record.effort_days),
        "cost_usd": _text(record.cost_usd),
        "outcome": record.outcome or "",
        "evidence_url": " ".join(record.evidence_urls),
        "confidentiality": record.confidentiality,
        "external_id": record.external_id or "",
        "grants": ";".join(record.grants),
        "event": event_names.get(record.event_id, "") if record.event_id else "",
    }
    return {k: v for k, v in cells.items() if v}


# ---- the entry form's values (the Add activity form's, ``web.activity_form``) ------------


def cells_from_form(values: Mapping[str, object], event_names: Mapping[int, str]) -> dict[str, str]:
    """The Add activity form's values (``ActivityInput`` names) as import-format cells."""
    cells: dict[str, str] = {}
    for name, value in values.items():
        if name == "event_id":
            cells["event"] = event_names.get(value, "") if isinstance(value, int) else ""
        elif name == "evidence_urls":
            cells["evidence_url"] = " ".join(str(value or "").split())
        elif name in ("themes", "organisations", "grants") and isinstance(value, list | tuple):
            cells[name] = ";".join(str(v) for v in value)
        else:
            cells[COLUMN_FOR_FIELD.get(name, name)] = _text(value)
    return cells


def form_values_from(cells: Mapping[str, str], event_ids: Mapping[tuple[str, str], int]) -> dict[str, object]:
    """Import-format cells as the Add activity form's defaults (to edit a returned submission)."""

    def names(column: str) -> list[str]:
        return [n.strip() for n in cells.get(column, "").split(";") if n.strip()]

    def number(column: str) -> float:
        try:
            return float(cells.get(column, "") or 0)
        except ValueError:
            return 0.0

    try:
        day = dt.date.fromisoformat(cells.get("date", ""))
    except ValueError:
        day = dt.date.today()
    forum = cells.get("forum") or None
    event = cells.get("event", "")
    return {
        "activity_date": day,
        "forum": forum,
        "event_id": event_ids.get(((forum or "").casefold(), event.casefold())) if event else None,
        "themes": names("themes"),
        "activity_type": cells.get("activity_type", "meeting"),
        "title": cells.get("title", ""),
        "description": cells.get("description", ""),
        "organisations": names("organisations"),
        "country": cells.get("country") or None,
        "effort_days": number("effort_days"),
        "cost_usd": number("cost_usd"),
        "outcome": cells.get("outcome", ""),
        "evidence_urls": "\n".join(cells.get("evidence_url", "").split()),
        "confidentiality": cells.get("confidentiality", "internal"),
        "external_id": cells.get("external_id", ""),
        "grants": names("grants"),
    }


def event_names(options: FormOptions) -> dict[int, str]:
    return {e.id: e.name for e in options.events}


def event_ids(options: FormOptions) -> dict[tuple[str, str], int]:
    return {(e.forum.casefold(), e.name.casefold()): e.id for e in options.events}


def form_problems(invalid: ValidationFailed) -> dict[str, list[str]]:
    """A submission's problems (import-format names) by the form's field names."""
    return {
        FIELD_FOR_COLUMN.get(k, "event_id" if k == "event" else k): v for k, v in invalid.by_field.items()
    }
