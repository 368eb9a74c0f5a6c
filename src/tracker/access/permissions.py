"""Who may see what: the one place for the rules. Navigation and every page ask here.

Restricted records name people at risk: only staff and admins see their details.
Members see dashboards and the activity log without restricted records. Funders see
aggregates and the titles and outcomes of public records only.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.i18n import N_

# Role names are data (stored, and typed in the CLI); N_ marks them for display as _(role).
ADMIN, STAFF, MEMBER, FUNDER = N_("admin"), N_("staff"), N_("member"), N_("funder")
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
# page runs the entry script instead of the page file (see tracker.web.auth.require).
PAGES: tuple[PageRule, ...] = (
    PageRule("log_in", N_("Log in"), (), "log-in"),
    PageRule("home_page", N_("Home"), READERS, "home"),
    PageRule("funder_summary", N_("Funder summary"), SIGNED_IN, "funder-summary"),
    PageRule("about_tracker", N_("About"), SIGNED_IN, "about"),
    PageRule("api_tokens", N_("API tokens"), SIGNED_IN, "tokens"),
    PageRule("overview_dashboard", N_("Overview"), READERS, "overview", N_("Dashboards")),
    PageRule("forum_calendar", N_("Forums"), READERS, "forums", N_("Dashboards")),
    PageRule("theme_dashboard", N_("Themes"), READERS, "themes", N_("Dashboards")),
    PageRule("participation_dashboard", N_("Participation"), READERS, "participation", N_("Dashboards")),
    PageRule("activity_log", N_("Activity log"), READERS, "activity-log", N_("Dashboards")),
    PageRule("outcomes_dashboard", N_("Outcomes"), READERS, "outcomes", N_("Dashboards")),
    PageRule("strategy_dashboard", N_("Strategy"), READERS, "strategy", N_("Dashboards")),
    PageRule("report_activity", N_("Report an activity"), (MEMBER,), "report", N_("Records")),
    PageRule("review_submissions", N_("Review"), EDITORS, "review", N_("Records")),
    PageRule("add_activity", N_("Add activity"), EDITORS, "add", N_("Records")),
    PageRule("edit_activity", N_("Edit activity"), EDITORS, "edit", N_("Records")),
    PageRule("import_activities", N_("Import"), EDITORS, "import", N_("Records")),
    PageRule("export_activities", N_("Export"), EDITORS, "export", N_("Records")),
    PageRule("outcome_list", N_("Outcome list"), EDITORS, "outcome-records", N_("Records")),
    PageRule("edit_outcome", N_("Edit outcome"), EDITORS, "edit-outcome", N_("Records")),
    PageRule("reference_lists", N_("Reference lists"), EDITORS, "lists", N_("Records")),
    PageRule("user_accounts", N_("Users"), (ADMIN,), "users", N_("Administration")),
    PageRule("audit_log", N_("Audit log"), (ADMIN,), "audit-log", N_("Administration")),
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


def email_confidentiality(role: str | None) -> tuple[str, ...]:
    """What an e-mail (the monthly digest) may carry in detail, whoever reads it: never
    restricted records (mail is forwarded and stored outside the tracker); funders public ones only."""
    return ("public",) if role == FUNDER else ("public", "internal")


# What members and funders see in place of every name a restricted record carries
# (organisations, forum, event, country, activity type): its records are grouped
# under this label in breakdowns, so totals still add up; a filter on such a detail
# leaves them out (``filters.conditions``); names only restricted records carry are
# never listed (``analytics.restricted_only_names``). Described in docs/confidentiality.md.
RESTRICTED_LABEL = N_("Restricted records")


def sees_restricted_names(role: str | None) -> bool:
    """Whether a role may see the names a restricted record carries (the brief: staff and admins)."""
    return can_see_restricted(role)
