"""The cached reads the pages call, one line each (see ``cache.cached``).

Reads whose output differs by role take the role explicitly, as their services do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from tracker.access import accounts
from tracker.i18n import current_language
from tracker.publish import reports
from tracker.records import entry, grants
from tracker.results import charts, outcome_records, results_views, views, world_map
from tracker.results.home import home_summary as _home_summary
from tracker.web.cache import READ_TTL_SECONDS, cached

home_summary = cached(_home_summary)
outcomes = cached(results_views.outcomes_view)  # (filters, role)
strategy = cached(results_views.strategy_table)  # ()
strategy_trends = cached(results_views.strategy_trends)  # ()
staff_outcome_list = cached(outcome_records.staff_outcome_list)  # (role, OutcomeFilters)
outcome_years = cached(outcome_records.outcome_years)  # ()
filter_options = cached(views.filter_options)  # (role)
overview = cached(views.overview)  # (filters, period, measure or None, role)
forums = cached(views.forums)  # (filters, measure, forum, role)
themes = cached(views.themes)  # (filters, period, measure, role)
participation = cached(views.participation)  # (filters, measure, by, role)
country_map = cached(world_map.country_map)  # (filters, role, measure)
funder_summary = cached(views.funder_summary)  # (date_from, date_to)
funder_report = cached(reports.build)  # (date_from, date_to[, grant_id]): with the shift
visible_grants = cached(grants.grants_visible_to)  # (username, role): the grants this account may choose
grant_list = cached(grants.all_grants_table)  # (): every grant, for staff and admins
grant_links = cached(grants.user_grant_links)  # (): funder accounts and their grants, for admins
activity_log = cached(views.activity_log)  # (filters, role, page)
form_options = cached(entry.form_options)
demo_accounts_exist = cached(accounts.has_demo_accounts)
_accounts = cached(accounts.list_accounts)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False, max_entries=64)
def _engagement_figure(engagement: pd.DataFrame, measure: str, period: str, language: str) -> dict[str, Any]:
    return charts.engagement_chart(engagement, measure, period).to_dict()


def engagement_figure(engagement: pd.DataFrame, measure: str, period: str) -> dict[str, Any]:
    """The stacked engagement chart of a view's ``engagement`` numbers, as the screen sends it
    (keyed by the language too: its title and legend are translated)."""
    return _engagement_figure(engagement, measure, period, current_language())


def account_list() -> pd.DataFrame:
    return pd.DataFrame([a.__dict__ for a in _accounts()]).drop(columns="id", errors="ignore")


def account_table() -> pd.DataFrame:
    """The Users page's table: roles by label, blanks (not "None") where nothing is set, the
    last log-in as a date and time; headers through ``i18n.column_labels``."""
    from tracker.text import formatting
    from tracker.vocabulary import label

    def when(value: object) -> str:
        return f"{formatting.date(value)} {value:%H:%M}" if isinstance(value, dt.datetime) else ""

    rows = [
        {
            "username": a.username,
            "display_name": a.display_name,
            "role": label("role", a.role),
            "organisation": a.organisation or "",
            "email": a.email or "",
            "email_verified": a.email_verified,
            "active": a.active,
            "is_demo": a.is_demo,
            "last_login_at": when(a.last_login_at),
        }
        for a in _accounts()
    ]
    return pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
