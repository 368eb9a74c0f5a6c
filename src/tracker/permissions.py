"""Who may see what: the one place for the rules. Navigation and every page ask here.

Restricted records name people at risk: only staff and admins see their details.
Members see dashboards and the activity log without restricted records. Funders see
aggregates and the titles and outcomes of public records only.
"""

from __future__ import annotations

from dataclasses import dataclass

ADMIN, STAFF, MEMBER, FUNDER = "admin", "staff", "member", "funder"
ROLES: tuple[str, ...] = (ADMIN, STAFF, MEMBER, FUNDER)
SIGNED_IN = ROLES
READERS = (ADMIN, STAFF, MEMBER)
EDITORS = (ADMIN, STAFF)


@dataclass(frozen=True)
class PageRule:
    name: str  # file in pages/ without .py
    title: str
    roles: tuple[str, ...]  # an empty tuple: only for visitors who are not signed in
    url_path: str
    section: str = ""


# In navigation order, sections contiguous. The first page a role may open is its landing page.
# A url_path never equals its file's name: while Streamlit still serves pages/ in its
# legacy mode (before any session has called st.navigation), a URL that names no legacy
# page runs the entry script instead of the page file (see ui.require).
PAGES: tuple[PageRule, ...] = (
    PageRule("log_in", "Log in", (), "log-in"),
    PageRule("home_page", "Home", READERS, "home"),
    PageRule("funder_summary", "Funder summary", SIGNED_IN, "funder-summary"),
    PageRule("about_tracker", "About", SIGNED_IN, "about"),
    PageRule("overview_dashboard", "Overview", READERS, "overview", "Dashboards"),
    PageRule("forum_calendar", "Forums", READERS, "forums", "Dashboards"),
    PageRule("theme_dashboard", "Themes", READERS, "themes", "Dashboards"),
    PageRule("participation_dashboard", "Participation", READERS, "participation", "Dashboards"),
    PageRule("activity_log", "Activity log", READERS, "activity-log", "Dashboards"),
    PageRule("add_activity", "Add activity", EDITORS, "add", "Records"),
    PageRule("edit_activity", "Edit activity", EDITORS, "edit", "Records"),
    PageRule("import_activities", "Import", EDITORS, "import", "Records"),
    PageRule("export_activities", "Export", EDITORS, "export", "Records"),
    PageRule("reference_lists", "Reference lists", EDITORS, "lists", "Records"),
    PageRule("user_accounts", "Users", (ADMIN,), "users", "Administration"),
    PageRule("audit_log", "Audit log", (ADMIN,), "audit-log", "Administration"),
)
PAGE_RULES = {rule.name: rule for rule in PAGES}


def may_open(role: str | None, page: str) -> bool:
    rule = PAGE_RULES[page]
    return role is None if not rule.roles else role in rule.roles


def pages_for(role: str | None) -> list[PageRule]:
    return [rule for rule in PAGES if may_open(role, rule.name)]


def can_see_restricted(role: str | None) -> bool:
    return role in EDITORS


def visible_confidentiality(role: str | None) -> tuple[str, ...]:
    """Which records' details a role may read (aggregates always count every record)."""
    if can_see_restricted(role):
        return ("public", "internal", "restricted")
    if role == MEMBER:
        return ("public", "internal")
    return ("public",)
