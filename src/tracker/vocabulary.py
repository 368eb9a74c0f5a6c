"""The brief's fixed vocabulary. These exact strings appear in data, the CLI and exports."""

from __future__ import annotations

FORUM_CATEGORIES: tuple[str, ...] = ("KP", "UN", "Other international", "Regional", "National")

DEFAULT_THEMES: tuple[str, ...] = (
    "Benefit redistribution",
    "Reduction of violence",
    "Land rights",
    "KP reform",
)

ACTIVITY_TYPES: tuple[str, ...] = (
    "meeting",
    "statement",
    "submission",
    "side_event",
    "publication",
    "media",
    "training",
    "field_visit",
    "campaign",
    "other",
)

CONFIDENTIALITY_LEVELS: tuple[str, ...] = ("public", "internal", "restricted")

# Outcome Harvesting: the type of change in the social actor, in the brief's order.
CHANGE_TYPES: tuple[str, ...] = ("policy", "practice", "behaviour", "relationship", "discourse")
SUBSTANTIATION_LEVELS: tuple[str, ...] = ("unverified", "substantiated", "disputed")
DEFAULT_SUBSTANTIATION = "unverified"

# Strategy targets.
TARGET_MEASURES: tuple[str, ...] = (
    "kp_share_by_count",
    "kp_share_by_effort",
    "activities",
    "effort_days",
    "outcomes",
)
SHARE_MEASURES: tuple[str, ...] = ("kp_share_by_count", "kp_share_by_effort")
TARGET_DIRECTIONS: tuple[str, ...] = ("at_most", "at_least")
DEFAULT_CONFIDENTIALITY = "internal"

# The coalition's decision to shift effort away from the KP (its press release of 4 March 2020).
SHIFT_DECISION_DATE = "2020-03-04"


def match_case_insensitive(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The canonical spelling of ``value`` among ``choices``, ignoring case and outer spaces."""
    wanted = value.strip().casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    return None
