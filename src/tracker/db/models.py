"""The tracker's tables as SQLAlchemy 2 typed models.

Field names follow the brief's vocabulary; ``docs/data-model.md`` maps them onto IATI.
Schema changes go through Alembic (``tracker/migrations``), never ``create_all``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from tracker.vocabulary import (
    ACTIVITY_TYPES,
    CHANGE_TYPES,
    CONFIDENTIALITY_LEVELS,
    FORUM_CATEGORIES,
    SUBSTANTIATION_LEVELS,
    TARGET_DIRECTIONS,
    TARGET_MEASURES,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    return f"{column} IN ({quoted})"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Forum(Base):
    """A body or process the coalition engages in (IATI ``tag``)."""

    __tablename__ = "forums"
    __table_args__ = (CheckConstraint(_one_of("category", FORUM_CATEGORIES), name="category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    category: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"))
    description: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)

    parent: Mapped[Forum | None] = relationship(remote_side=[id])
    events: Mapped[list[ForumEvent]] = relationship(back_populates="forum")


class ForumEvent(Base):
    """A dated meeting of a forum (a plenary, a resolution's adoption, a conference)."""

    __tablename__ = "forum_events"
    __table_args__ = (
        UniqueConstraint("forum_id", "name", name="forum_event_name"),
        CheckConstraint("date_precision IN ('day', 'month', 'year')", name="date_precision"),
        # Forum calendar (issue 19): a date announced by the body, or only expected from its
        # usual schedule; the section "forum calendar" at the end of this module says more.
        CheckConstraint("status IN ('confirmed', 'expected')", name="forum_event_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # When only the month (or year) is known, start_date is its first day and
    # date_precision says so: the calendar never invents a day.
    start_date: Mapped[dt.date] = mapped_column(Date)
    date_precision: Mapped[str] = mapped_column(String(5), default="day")
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str | None] = mapped_column(Text)
    verified: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="confirmed", server_default="confirmed")

    forum: Mapped[Forum] = relationship(back_populates="events")


class Theme(Base):
    """A campaign theme (IATI ``sector`` with vocabulary 99, the publisher's own)."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(Text)


class Organisation(Base):
    """A member organisation (IATI ``participating-org``)."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str | None] = mapped_column(String(2))
    source: Mapped[str | None] = mapped_column(Text)


activity_themes = Table(
    "activity_themes",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)

activity_organisations = Table(
    "activity_organisations",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisations.id"), primary_key=True, index=True),
)


class Activity(Base):
    """One engagement of the coalition: the record staff log."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_one_of("activity_type", ACTIVITY_TYPES), name="activity_type"),
        CheckConstraint(_one_of("confidentiality", CONFIDENTIALITY_LEVELS), name="confidentiality"),
        CheckConstraint("effort_days >= 0", name="effort_days_not_negative"),
        CheckConstraint("cost_usd >= 0", name="cost_usd_not_negative"),
        # Covers the dashboards' one aggregate scan (live rows by date, forum, effort, cost),
        # so it reads this narrow index instead of the wide table rows.
        Index(
            "ix_activities_dashboard", "deleted_at", "activity_date", "forum_id", "effort_days", "cost_usd"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_date: Mapped[dt.date] = mapped_column(Date, index=True)
    forum_id: Mapped[int] = mapped_column(ForeignKey("forums.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("forum_events.id"), index=True)
    activity_type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    effort_days: Mapped[float] = mapped_column(Float, default=0.0)
    cost_usd: Mapped[float] = mapped_column(Float, default=0.0)
    outcome: Mapped[str | None] = mapped_column(Text)
    # http(s) URLs, one per line (IATI document-link).
    evidence_urls: Mapped[str | None] = mapped_column(Text)
    confidentiality: Mapped[str] = mapped_column(String(12), default="internal")
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    forum: Mapped[Forum] = relationship()
    event: Mapped[ForumEvent | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=activity_themes, order_by=Theme.name)
    organisations: Mapped[list[Organisation]] = relationship(
        secondary=activity_organisations, order_by=Organisation.name
    )

    grants: Mapped[list[Grant]] = relationship(secondary="activity_grants", order_by="Grant.grant_id")

    # The ORM refuses to write over a row whose version changed underneath it.
    __mapper_args__ = {"version_id_col": version}


class Grant(Base):
    """A grant that funds the coalition's work (IATI ``iati-activity`` per grant)."""

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("end_date >= start_date", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[str] = mapped_column(String(100), unique=True)
    funder: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200))
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(3))  # ISO 4217


activity_grants = Table(
    "activity_grants",
    Base.metadata,
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
    Column("grant_id", ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True, index=True),
)

user_grants = Table(
    "user_grants",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("grant_id", ForeignKey("grants.id", ondelete="CASCADE"), primary_key=True, index=True),
)

outcome_themes = Table(
    "outcome_themes",
    Base.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)

# Links stay when an activity is soft-deleted: the outcome shows the link as deleted.
outcome_activities = Table(
    "outcome_activities",
    Base.metadata,
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
    Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Outcome(Base):
    """A change in a social actor the coalition contributed to (Outcome Harvesting)."""

    __tablename__ = "outcomes"
    __table_args__ = (
        CheckConstraint(_one_of("change_type", CHANGE_TYPES), name="change_type"),
        CheckConstraint(_one_of("substantiation", SUBSTANTIATION_LEVELS), name="substantiation"),
        CheckConstraint(_one_of("confidentiality", CONFIDENTIALITY_LEVELS), name="confidentiality"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome_id: Mapped[str] = mapped_column(String(100), unique=True)
    outcome_date: Mapped[dt.date] = mapped_column(Date, index=True)
    statement: Mapped[str] = mapped_column(String(1000))
    social_actor: Mapped[str] = mapped_column(String(200))
    change_type: Mapped[str] = mapped_column(String(20))
    forum_id: Mapped[int | None] = mapped_column(ForeignKey("forums.id"), index=True)
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166-1 alpha-2
    significance: Mapped[str | None] = mapped_column(Text)
    contribution: Mapped[str | None] = mapped_column(Text)
    evidence_urls: Mapped[str | None] = mapped_column(Text)  # one per line
    substantiation: Mapped[str] = mapped_column(String(20), default="unverified")
    positive: Mapped[bool] = mapped_column(default=True)
    intended: Mapped[bool] = mapped_column(default=True)
    confidentiality: Mapped[str] = mapped_column(String(12), default="internal")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    deleted_by: Mapped[str | None] = mapped_column(String(100))

    forum: Mapped[Forum | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=outcome_themes, order_by=Theme.name)
    activities: Mapped[list[Activity]] = relationship(
        secondary=outcome_activities, order_by=Activity.activity_date
    )

    __mapper_args__ = {"version_id_col": version}


class Target(Base):
    """A number the coalition commits to for a calendar year (``tracker.records.targets``)."""

    __tablename__ = "targets"
    __table_args__ = (
        UniqueConstraint("year", "measure", "scope", name="year_measure_scope"),
        CheckConstraint(_one_of("measure", TARGET_MEASURES), name="measure"),
        CheckConstraint(_one_of("direction", TARGET_DIRECTIONS), name="direction"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    measure: Mapped[str] = mapped_column(String(30))
    scope: Mapped[str] = mapped_column(String(200), default="all")
    direction: Mapped[str] = mapped_column(String(10))
    target: Mapped[float] = mapped_column(Float)
    baseline_year: Mapped[int | None] = mapped_column(Integer)
    baseline: Mapped[float | None] = mapped_column(Float)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    # A page's edit or delete names the version it showed (``targets.save_target``); the
    # ORM also refuses to write over a row whose version changed underneath it.
    __mapper_args__ = {"version_id_col": version}


class AuditEntry(Base):
    """Who changed what and when, with the record before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_audit_log_entity", "entity", "entity_id"),)


class User(Base):
    """An account. Only the argon2 hash of the password is stored."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("role IN ('admin', 'staff', 'member', 'funder')", name="role"),
        CheckConstraint("digest IN ('monthly', 'none')", name="digest"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    organisation: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_demo: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # The account's interface, report and e-mail language (None: TRACKER_LANG).
    language: Mapped[str | None] = mapped_column(String(16))
    # The monthly digest by e-mail: "monthly" or "none".
    digest: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    # Reviewers (staff, admins): one e-mail a day listing new member submissions, if opted in.
    review_digest: Mapped[bool] = mapped_column(default=False, server_default=false())
    # When the address in ``email`` was verified (None: not yet; no digest goes to it).
    # Migration 0014; set by an administrator or by the account's own signed link.
    email_verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginThrottle(Base):
    """Recent failed log-ins per key: a keyed hash (HMAC) of the username, of the client
    address, or of both; never the typed username itself. Pruned and capped in size."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class BrowserSession(Base):
    """A signed-in browser (every tab of it), server-side so a log-out ends it everywhere.

    Only hashes of the cookie token and of the one-time ticket are stored. ``role`` and
    ``password_fingerprint`` record the account as it was at log-in: a role change, a
    password change or disabling the account ends the session (``tracker.access.sessions``).
    """

    __tablename__ = "browser_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(10))
    password_fingerprint: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    ticket_expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime)


class ImportBatch(Base):
    """One successful import: which file (by content hash), when, by whom, what it did."""

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)


# ---- forum calendar (issue 19) ---------------------------------------------------------
# ForumEvent.status (above, beside its table): "confirmed" when the body announced the
# dates, "expected" when they follow only from its usual schedule; ``verified`` says an
# administrator checked the row against its source. Revision 0012_event_sources.
EVENT_STATUSES = ("confirmed", "expected")


# ---- member submissions (issue 18) -----------------------------------------------------

SUBMISSION_STATUSES = ("submitted", "returned", "approved", "rejected")


class Submission(Base):
    """An activity (optionally with an outcome) a member organisation proposes.

    A table of its own: nothing that reads ``activities`` sees it, so it counts in no
    figure, chart, report, digest, export or API answer until approval writes the
    activity through the activity write path (``tracker.records.submissions``).
    """

    __tablename__ = "submissions"
    __table_args__ = (
        CheckConstraint(_one_of("status", SUBMISSION_STATUSES), name="status"),
        CheckConstraint(_one_of("confidentiality", CONFIDENTIALITY_LEVELS), name="confidentiality"),
        Index("ix_submissions_status_submitted_at", "status", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    organisation: Mapped[str] = mapped_column(String(200), index=True)
    submitted_by: Mapped[str] = mapped_column(String(100))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    reviewer: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    comment: Mapped[str | None] = mapped_column(Text)  # why it was returned
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    # The reviewer's visible note, e.g. why confidentiality went below the member's choice.
    note: Mapped[str | None] = mapped_column(Text)
    # The proposed activity in the import format's column names (text values).
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    # An optional outcome, in the outcome import format's column names.
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The level the member chose: a reviewer may raise it, never lower it without a note.
    confidentiality: Mapped[str] = mapped_column(String(12), default="internal")
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


# ---- API tokens (issue 18.6) -------------------------------------------------------------


class ApiToken(Base):
    """A bearer token for the HTTP API (scope ``api``) or the calendar feed (scope ``calendar``).

    Only a keyed hash of the token is stored (``tracker.access.tokens``) and its first
    characters, so a person can tell their tokens apart. The rate-limit window lives on the
    row, so every process serving the app counts the same uses.
    """

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('api', 'calendar')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(10), default="api")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(100))
    expires_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Sliding-window counter: uses in the current minute and in the one before it.
    window_start: Mapped[dt.datetime | None] = mapped_column(DateTime)
    window_uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    previous_window_uses: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    user: Mapped[User] = relationship()


# ---- data version (issue 22.3) --------------------------------------------------------


class DataVersion(Base):
    """One row whose ``version`` changes in the same transaction as every write to the
    records (``tracker.db.data_version``): cached reads in every process key on it."""

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
