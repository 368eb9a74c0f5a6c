"""Errors a person can act on: each carries one sentence saying what to do."""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can fix; ``str(error)`` is the sentence to show them."""


class DatabaseUnavailable(TrackerError):
    """The database cannot be reached, written or understood."""


class ValidationFailed(TrackerError):
    """Input broke a rule; ``problems`` lists every broken rule, ``by_field`` (when the input
    has named fields) the same messages by field name."""

    def __init__(
        self, message: str, problems: list[str] | None = None, by_field: dict[str, list[str]] | None = None
    ):
        super().__init__(message)
        self.problems = problems or []
        self.by_field = by_field or {}


class VersionConflict(TrackerError):
    """Someone saved a newer version of a record since it was loaded."""

    def __init__(self, message: str, changes: dict[str, tuple[object, object]] | None = None):
        super().__init__(message)
        self.changes = changes or {}


class PermissionDenied(TrackerError):
    """The account's role (or organisation) may not do this."""


class NotFound(TrackerError):
    """The record does not exist, or the account may not see it (the same answer for both)."""
