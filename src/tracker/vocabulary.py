"""The brief's fixed vocabulary and its display labels.

The codes (these exact strings) are what data, the CLI, imports and exports use; they never
change. What a reader sees is ``label(kind, code)``: the code's display label in the
reader's language, declared ONCE here (``LABELS``) for every vocabulary a page, chart,
table, report or e-mail shows: forum categories, activity types, outcome types
(``change_type``), evidence levels (``substantiation``), confidentiality, roles, target
measures, directions and statuses, and submission statuses. A target's scope reads as
``scope_label``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from tracker.i18n import N_, _, available_languages, use_language

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


# Member submissions move submitted -> returned -> approved or rejected.
SUBMISSION_STATUSES: tuple[str, ...] = ("submitted", "returned", "approved", "rejected")

# ---- display labels (N_ marks them; ``label`` translates) -----------------------------------
# Outcome types, evidence levels, confidentiality and roles read inside sentences
# ("Type of change: policy"), so their labels are lower case; activity types and
# submission statuses head table cells and options, so they are capitalised.

LABELS: dict[str, dict[str, str]] = {
    "forum_category": {
        "KP": N_("KP"),
        "UN": N_("UN"),
        "Other international": N_("Other international"),
        "Regional": N_("Regional"),
        "National": N_("National"),
    },
    "activity_type": {
        "meeting": N_("Meeting"),
        "statement": N_("Statement"),
        "submission": N_("Submission"),
        "side_event": N_("Side event"),
        "publication": N_("Publication"),
        "media": N_("Media"),
        "training": N_("Training"),
        "field_visit": N_("Field visit"),
        "campaign": N_("Campaign"),
        "other": N_("Other"),
    },
    "change_type": {
        "policy": N_("policy"),
        "practice": N_("practice"),
        "behaviour": N_("behaviour"),
        "relationship": N_("relationship"),
        "discourse": N_("discourse"),
    },
    "substantiation": {
        "unverified": N_("unverified"),
        "substantiated": N_("substantiated"),
        "disputed": N_("disputed"),
    },
    "confidentiality": {"public": N_("public"), "internal": N_("internal"), "restricted": N_("restricted")},
    # Roles are typed in the CLI as codes; N_("admin") and friends are their labels.
    "role": {"admin": N_("admin"), "staff": N_("staff"), "member": N_("member"), "funder": N_("funder")},
    "measure": {
        "kp_share_by_count": N_("KP share of activities"),
        "kp_share_by_effort": N_("KP share of staff-days"),
        "activities": N_("Activities"),
        "effort_days": N_("Staff-days"),
        "outcomes": N_("Outcomes"),
    },
    "direction": {"at_most": N_("at most"), "at_least": N_("at least")},
    # A target's status: met (True), not met (False), no verdict yet (None).
    "target_status": {"met": N_("met"), "not_met": N_("not met"), "not_yet": N_("not yet")},
    "submission_status": {
        "submitted": N_("Submitted"),
        "returned": N_("Returned"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
    },
    # A forum event's dates: announced by the body, or only expected (models.EVENT_STATUSES).
    "event_status": {"confirmed": N_("confirmed"), "expected": N_("expected")},
}
KINDS: dict[str, tuple[str, ...]] = {
    "forum_category": FORUM_CATEGORIES,
    "activity_type": ACTIVITY_TYPES,
    "change_type": CHANGE_TYPES,
    "substantiation": SUBSTANTIATION_LEVELS,
    "confidentiality": CONFIDENTIALITY_LEVELS,
    "role": ("admin", "staff", "member", "funder"),
    "measure": TARGET_MEASURES,
    "direction": TARGET_DIRECTIONS,
    "target_status": ("met", "not_met", "not_yet"),
    "submission_status": SUBMISSION_STATUSES,
    "event_status": ("confirmed", "expected"),
}


def label(kind: str, code: str | None) -> str:
    """The display label of a stored code in the reader's language (an unknown code as it is)."""
    if code is None:
        return ""
    text = LABELS[kind].get(code)
    return _(text) if text is not None else code


def labeller(kind: str) -> Callable[[str], str]:
    """``label`` for one kind, as a one-argument function (a widget's ``format_func``)."""
    return lambda code: label(kind, code)


def status_code(met: bool | None) -> str:
    """The ``target_status`` code of a target's ``met``."""
    return "not_yet" if met is None else ("met" if met else "not_met")


def scope_label(scope: str) -> str:
    """A target's scope in words: all records (activities and outcomes), a forum category by
    its label, or a theme by its name. The one wording for pages, reports and e-mails."""
    if scope.startswith("category:"):
        category = label("forum_category", scope.removeprefix("category:"))
        return _("forum category {name}").format(name=category)
    if scope.startswith("theme:"):
        return _("theme {name}").format(name=scope.removeprefix("theme:"))
    return _("all records")


def match_case_insensitive(value: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The canonical spelling of ``value`` among ``choices``, ignoring case and outer spaces."""
    wanted = value.strip().casefold()
    for choice in choices:
        if choice.casefold() == wanted:
            return choice
    return None


@functools.cache
def _codes_by_label(choices: tuple[str, ...]) -> dict[str, str]:
    """Every display label of ``choices`` (one kind's codes) in every language, folded: its code."""
    kind = next((k for k, codes in KINDS.items() if codes == choices), None)
    if kind is None:
        return {}
    found: dict[str, str] = {}
    for language in available_languages():
        with use_language(language):
            for code in choices:
                found.setdefault(label(kind, code).casefold(), code)
    return found


def code_of(value: str, choices: tuple[str, ...]) -> str | None:
    """The stored code ``value`` means among ``choices``: the code itself (any case), or one of
    its display labels in any language (« ONU », « Visite de terrain »), so a file written
    with the labels a French reader sees imports as well as one with the codes."""
    return match_case_insensitive(value, choices) or _codes_by_label(tuple(choices)).get(
        value.strip().casefold()
    )
