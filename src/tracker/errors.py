"""Errors a person can act on: each carries one sentence saying what to do."""

from __future__ import annotations


class TrackerError(Exception):
    """A problem the user can fix; ``str(error)`` is the sentence to show them."""


class DatabaseUnavailable(TrackerError):
    """The database cannot be reached, written or understood."""


class ValidationFailed(TrackerError):
    """Input broke a rule; ``problems`` lists every broken rule."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = problems or []


class VersionConflict(TrackerError):
    """Someone saved a newer version of a record since it was loaded."""

    def __init__(self, message: str, changes: dict[str, tuple[object, object]] | None = None):
        super().__init__(message)
        self.changes = changes or {}
