"""Who may see what. One place for the rules; pages and services ask here."""

from __future__ import annotations

ADMIN, STAFF, MEMBER, FUNDER = "admin", "staff", "member", "funder"
ROLES: tuple[str, ...] = (ADMIN, STAFF, MEMBER, FUNDER)


def anyone(role: str | None) -> bool:
    return True


def can_see_restricted(role: str | None) -> bool:
    """Restricted records name people at risk: only staff and admins see their details."""
    return role in (ADMIN, STAFF)


def can_read_activity_log(role: str | None) -> bool:
    return role in (ADMIN, STAFF, MEMBER)


def can_see_dashboards(role: str | None) -> bool:
    return role in (ADMIN, STAFF, MEMBER)


def visible_confidentiality(role: str | None) -> tuple[str, ...]:
    """Which records' details a role may read (aggregates always count every record)."""
    if can_see_restricted(role):
        return ("public", "internal", "restricted")
    if role == MEMBER:
        return ("public", "internal")
    return ("public",)
