"""The Streamlit side of the tracker: the cached engine, cached reads and page plumbing.

Only pages and ``streamlit_app.py`` import this module; the services below it never
import Streamlit. Every cached read has a ttl, is keyed by database URL (and by role
wherever output differs by role) and is cleared after every write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from sqlalchemy import Engine
from streamlit.errors import StreamlitSecretNotFoundError
from streamlit.runtime.pages_manager import PagesManager

from tracker import accounts, audit, cells, config, database, entry, exports, reports, sessions, views
from tracker.accounts import Account
from tracker.activity_log import LogPage
from tracker.errors import TrackerError
from tracker.filters import MEASURES, PERIODS, Filters, from_query, to_query
from tracker.home import HomeSummary, home_summary
from tracker.i18n import _
from tracker.models import utcnow
from tracker.permissions import may_open, pages_for
from tracker.plain_text import markdown_literal
from tracker.vocabulary import ACTIVITY_TYPES, FORUM_CATEGORIES

READ_TTL_SECONDS = 300
FILTERS_KEY = "shared_filters"
ENTRY_KEY = "_entered_through_app"
REROUTED_KEY = "_rerouted_to_app"
TICKET_KEY = "auth_ticket"
SEEN_KEY = "auth_last_seen"
ACCOUNT_KEY = "auth_account"
NOTICE_KEY = "auth_notice"
PLOTLY_CONFIG = {"displaylogo": False}


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return database.open_database(url)


def engine() -> Engine:
    """The migrated engine for the configured database (raises TrackerError with a sentence)."""
    return _engine_for(config.database_url())


def _read(build: Callable, *args):
    with database.session_factory(engine())() as session:
        return build(session, *args)


def entered_through_app() -> None:
    """Called by ``streamlit_app.py`` on every run, just before the page runs."""
    st.session_state[ENTRY_KEY] = True


def navigation(role: str | None):
    """The pages this role may open, in sections, built on every run (visitors: the log-in page only)."""
    from tracker.config import PROJECT_ROOT

    sections: dict[str, list] = {}
    for index, rule in enumerate(pages_for(role)):
        page = st.Page(
            str(PROJECT_ROOT / "pages" / f"{rule.name}.py"),
            title=_(rule.title),
            url_path=rule.url_path,
            default=index == 0,
        )
        sections.setdefault(_(rule.section) if rule.section else "", []).append(page)
    return st.navigation(sections, expanded=True)


def current_account() -> Account | None:
    """The account checked by ``streamlit_app.py`` at the start of this run."""
    account = st.session_state.get(ACCOUNT_KEY)
    return account if isinstance(account, Account) else None


def current_role() -> str | None:
    account = current_account()
    return account.role if account else None


def require(page: str) -> str | None:
    """First statement of every page: refuse a role the page does not serve.

    Until some session has run ``st.navigation``, Streamlit 1.67 serves files in
    ``pages/`` directly (its legacy multipage mode), bypassing ``streamlit_app.py``.
    A page reached that way switches the server to ``st.navigation`` and starts the
    run again through the entry script, so no page ever runs without it.
    """
    if not st.session_state.pop(ENTRY_KEY, False):
        if not st.session_state.pop(REROUTED_KEY, False):
            PagesManager.uses_pages_directory = False
            st.session_state[REROUTED_KEY] = True
            st.rerun()
        # Still run on its own (e.g. a test opening the file as the app): check here.
        check_signed_in()
    role = current_role()
    if not may_open(role, page):
        if role is None:
            st.error(_("Log in to see this page."))
        else:
            st.error(_("This page is not available to your account."))
        st.stop()
    return role


# ---- signing in and out --------------------------------------------------------------


def check_signed_in() -> Account | None:
    """Called by the entry script on every run: the signed-in account, re-read from the
    database, or None (with a notice) if the session was altered, idle or disabled."""
    st.session_state[ACCOUNT_KEY] = None
    ticket = st.session_state.get(TICKET_KEY)
    if ticket is None:
        account = _single_sign_on_account()
        if account is not None:
            sign_in(account)
        return account
    now = utcnow()
    username = sessions.verified_username(ticket)
    if username is None:
        return sign_out(_("Your session could not be verified: log in again."))
    if sessions.is_idle(st.session_state.get(SEEN_KEY), now):
        return sign_out(_("You were logged out after a period without activity: log in again."))
    account = _read(accounts.active_account, username)
    if account is None:
        return sign_out(_("This account is disabled or no longer exists: ask an administrator."))
    st.session_state[SEEN_KEY] = now
    st.session_state[ACCOUNT_KEY] = account
    return account


def single_sign_on_configured() -> bool:
    """True when ``.streamlit/secrets.toml`` has an ``[auth]`` section for ``st.login``."""
    try:
        return "auth" in st.secrets
    except (StreamlitSecretNotFoundError, FileNotFoundError):
        return False


def _single_sign_on_account() -> Account | None:
    """The account mapped to the e-mail of a completed single sign-on, if any."""
    if not single_sign_on_configured() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    account = _read(accounts.account_for_email, email) if email else None
    if account is None:
        st.session_state[NOTICE_KEY] = _("No active account uses this e-mail address: ask an administrator.")
        st.logout()
    return account


def sign_in(account: Account) -> None:
    st.session_state[TICKET_KEY] = sessions.issue(account.username, utcnow())
    st.session_state[SEEN_KEY] = utcnow()
    st.session_state[ACCOUNT_KEY] = account


def sign_out(notice: str | None = None) -> None:
    for key in (TICKET_KEY, SEEN_KEY, ACCOUNT_KEY, FILTERS_KEY):
        st.session_state.pop(key, None)
    if single_sign_on_configured() and st.user.is_logged_in:
        st.logout()
    if notice:
        st.session_state[NOTICE_KEY] = notice
    return None


def pop_notice() -> str | None:
    return st.session_state.pop(NOTICE_KEY, None)


def client_address() -> str:
    """The visitor's address; X-Forwarded-For counts only from a proxy in TRACKER_TRUSTED_PROXIES."""
    return accounts.client_address(st.context.ip_address, st.context.headers.get("X-Forwarded-For"))


def log_in(username: str, password: str) -> str | None:
    """Try a log-in; on success sign the session in and return None, else the message."""
    with database.writing(engine()) as session:
        result = accounts.authenticate(session, username, password, client_address())
    if result.account is None:
        return result.message
    sign_in(result.account)
    return None


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _demo_accounts(url: str) -> bool:
    return _read(accounts.has_demo_accounts)


def demo_accounts_exist() -> bool:
    return _demo_accounts(config.database_url())


# ---- cached reads --------------------------------------------------------------------


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _home_summary(url: str) -> HomeSummary:
    return _read(home_summary)


def cached_home_summary() -> HomeSummary:
    return _home_summary(config.database_url())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _filter_options(url: str, role: str | None) -> views.FilterOptions:
    return _read(views.filter_options, role)


def filter_options() -> views.FilterOptions:
    return _filter_options(config.database_url(), current_role())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _overview(url: str, filters: Filters, period: str, measure: str, role: str | None) -> views.OverviewView:
    return _read(views.overview, filters, period, measure, role)


def overview(filters: Filters, period: str, measure: str) -> views.OverviewView:
    return _overview(config.database_url(), filters, period, measure, current_role())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _forums(
    url: str, filters: Filters, measure: str, forum: str | None, role: str | None
) -> views.ForumsView:
    return _read(views.forums, filters, measure, forum, role)


def forums(filters: Filters, measure: str, forum: str | None) -> views.ForumsView:
    return _forums(config.database_url(), filters, measure, forum, current_role())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _themes(url: str, filters: Filters, period: str, measure: str, role: str | None) -> views.ThemesView:
    return _read(views.themes, filters, period, measure, role)


def themes(filters: Filters, period: str, measure: str) -> views.ThemesView:
    return _themes(config.database_url(), filters, period, measure, current_role())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _participation(
    url: str, filters: Filters, measure: str, by: str, role: str | None
) -> views.ParticipationView:
    return _read(views.participation, filters, measure, by, role)


def participation(filters: Filters, measure: str, by: str) -> views.ParticipationView:
    return _participation(config.database_url(), filters, measure, by, current_role())


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _funder_summary(url: str, date_from: dt.date, date_to: dt.date) -> views.FunderSummaryView:
    return _read(views.funder_summary, date_from, date_to)


def funder_summary(date_from: dt.date, date_to: dt.date) -> views.FunderSummaryView:
    return _funder_summary(config.database_url(), date_from, date_to)


def _audited_report(view: views.FunderSummaryView, what: str, build: Callable[[], bytes]):
    who = actor()
    details = {"period": f"{view.date_from}/{view.date_to}", "activities": view.totals.activities}
    return lambda: audit.audited_download(engine(), who, what, build, len(view.outcomes), details)


def funder_report_html(view: views.FunderSummaryView) -> Callable[[], bytes]:
    build = lambda: reports.html_report(view, utcnow()).encode("utf-8")  # noqa: E731
    return _audited_report(view, "funder-summary.html", build)


def funder_report_xlsx(view: views.FunderSummaryView) -> Callable[[], bytes]:
    return _audited_report(view, "funder-summary.xlsx", lambda: reports.xlsx_report(view))


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _activity_log(url: str, role: str, filters: Filters, page: int) -> LogPage:
    return _read(views.activity_log, filters, role, page)


def activity_log(filters: Filters, page: int) -> LogPage:
    return _activity_log(config.database_url(), current_role(), filters, page)


DOWNLOAD_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


def activity_download_button(container, label: str, filters: Filters, fmt: str) -> None:
    """A download of the activities this role may read, in the import format."""
    container.download_button(
        label,
        activity_download(filters, fmt),
        file_name=f"activities.{fmt}",
        mime=DOWNLOAD_TYPES[fmt],
        key=f"download_{fmt}",
    )


def activity_download(filters: Filters, fmt: str = "csv") -> Callable[[], bytes]:
    """Deferred: the file (rows this role may read, in the import format) is built only
    when the person clicks download."""
    role, who = current_role(), actor()
    return lambda: exports.audited_export(engine(), who, role, filters, fmt)


def write(action: Callable, *args, **kwargs):
    """Run one write in one transaction. On a broken rule show its sentence, write
    nothing and return (False, the problem); on success clear every cached read and
    return (True, the result)."""
    try:
        with database.writing(engine()) as session:
            result = action(session, *args, **kwargs)
    except TrackerError as problem:
        st.error(markdown_literal(str(problem)))
        return False, problem
    clear_read_caches()
    return True, result


def read(build: Callable, *args):
    """An uncached read, for screens that must show the latest version (editing)."""
    return _read(build, *args)


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _form_options(url: str) -> entry.FormOptions:
    return _read(entry.form_options)


def form_options() -> entry.FormOptions:
    return _form_options(config.database_url())


def changes_table(changes: dict[str, tuple[object, object]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(field, str(before), str(after)) for field, (before, after) in changes.items()],
        columns=[_("Field"), _("In the version you opened"), _("Now")],
    )


def actor() -> str:
    account = current_account()
    return account.username if account else "(unknown)"


@st.cache_data(ttl=READ_TTL_SECONDS, show_spinner=False)
def _accounts(url: str) -> list[Account]:
    return _read(accounts.list_accounts)


def account_list() -> pd.DataFrame:
    return pd.DataFrame([a.__dict__ for a in _accounts(config.database_url())]).drop(
        columns="id", errors="ignore"
    )


def audit_log(entity: str | None, actor: str | None, page: int):
    return _read(audit.audit_page, entity, actor, page)


def clear_read_caches() -> None:
    """Call after every write so no page shows stale numbers."""
    st.cache_data.clear()


# ---- shared filters ------------------------------------------------------------------


def shared_filters(with_log_filters: bool = False) -> Filters:
    """Sidebar filters shared by every dashboard page and mirrored in the URL."""
    options = filter_options()
    state = st.session_state
    if FILTERS_KEY not in state:
        parsed = from_query(st.query_params.to_dict(), tuple(options.themes))
        state[FILTERS_KEY] = parsed.filters
        if parsed.problems:
            st.warning(
                _("Part of this link's filters was not understood and is ignored: {problems}.").format(
                    problems="; ".join(parsed.problems)
                )
            )
    current: Filters = state[FILTERS_KEY]
    with st.sidebar:
        st.header(_("Filters"))
        date_from, date_to = current.date_from, current.date_to
        if options.first_date and options.last_date:
            start = current.date_from or min(options.first_date, current.date_to or options.first_date)
            end = current.date_to or max(options.last_date, start)
            low, high = min(options.first_date, start), max(options.last_date, end)
            picked = st.date_input(
                _("Date range"),
                value=(start, end),
                min_value=dt.date(low.year - 5, 1, 1),
                max_value=dt.date(high.year + 5, 12, 31),
                key="filters_dates",
            )
            if isinstance(picked, tuple) and len(picked) == 2:
                date_from = None if picked[0] == options.first_date else picked[0]
                date_to = None if picked[1] == options.last_date else picked[1]
        themes = st.multiselect(
            _("Themes"),
            options.themes,
            default=list(current.themes),
            key="filters_themes",
            placeholder=_("All themes"),
        )
        categories = st.multiselect(
            _("Forum categories"),
            list(FORUM_CATEGORIES),
            default=list(current.categories),
            key="filters_categories",
            placeholder=_("All categories"),
        )
        if options.demo_data:
            st.caption(_("Showing illustrative demo data."))
    chosen = current.with_(
        date_from=date_from, date_to=date_to, themes=tuple(themes), categories=tuple(categories)
    )
    state[FILTERS_KEY] = chosen
    if st.query_params.to_dict() != to_query(chosen):
        st.query_params.from_dict(to_query(chosen))
    return chosen


def measure_control(prefix: str, container=st) -> str:
    """Activities or staff-days: every view offers both measures."""
    chosen = container.segmented_control(
        _("Measure"),
        MEASURES,
        default="activities",
        format_func=lambda m: _("Activities") if m == "activities" else _("Staff-days"),
        key=f"{prefix}_measure",
    )
    return chosen or "activities"


def log_search_form(filters: Filters) -> Filters:
    """The activity log's own search (text, forums, organisations, countries, types), in a form."""
    options = filter_options()
    with st.form("log_search"):
        text = st.text_input(_("Search titles, descriptions and outcomes"), key="log_text")
        cols = st.columns(4)
        forums = cols[0].multiselect(_("Forums"), options.forums, key="log_forums")
        organisations = cols[1].multiselect(
            _("Organisations"), options.organisations, key="log_organisations"
        )
        countries = cols[2].multiselect(
            _("Countries"), list(options.countries), format_func=options.countries.get, key="log_countries"
        )
        types = cols[3].multiselect(_("Activity types"), ACTIVITY_TYPES, key="log_types")
        st.form_submit_button(_("Search"))
    return filters.with_(
        text=text,
        forums=tuple(forums),
        organisations=tuple(organisations),
        countries=tuple(countries),
        activity_types=tuple(types),
    )


def period_and_measure(prefix: str) -> tuple[str, str]:
    left, right = st.columns(2)
    period = left.segmented_control(
        _("Period"),
        PERIODS,
        default="year",
        format_func=lambda p: _(p).capitalize(),
        key=f"{prefix}_period",
    )
    return period or "year", measure_control(prefix, right)


# ---- rendering helpers ---------------------------------------------------------------


def chart(figure: go.Figure | None, numbers: pd.DataFrame, key: str) -> None:
    """A chart with the numbers behind it, as a table and a CSV download."""
    if figure is not None:
        st.plotly_chart(figure, config=PLOTLY_CONFIG, key=f"{key}_chart")
    with st.expander(_("Numbers behind this chart")):
        st.dataframe(numbers, hide_index=True)
        st.download_button(
            _("Download these numbers (CSV)"),
            cells.csv_bytes(numbers),
            file_name=f"{key}.csv",
            mime="text/csv",
            key=f"{key}_download",
        )


def headline(totals, share) -> None:
    """The five headline figures shared by the Overview and the Funder summary."""
    cols = st.columns(5)
    cols[0].metric(_("Activities"), f"{totals.activities:,}")
    cols[1].metric(_("Staff-days"), f"{totals.effort_days:,.1f}")
    cols[2].metric(_("Cost (US$)"), f"{totals.cost_usd:,.0f}")
    cols[3].metric(_("KP share by activities"), format_share(share.by_count))
    cols[4].metric(_("KP share by staff-days"), format_share(share.by_effort))


def empty_state(hint: str | None = None) -> None:
    st.info(
        hint
        or _(
            "No activities match these filters. Widen the date range or clear the "
            "theme and category filters in the sidebar."
        )
    )


def format_share(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def format_days(value: float) -> str:
    return _("{value:,.1f} staff-days").format(value=value)


def show_problem(message: str) -> None:
    """A page that only says what went wrong and what to do, never a traceback."""

    def problem_page() -> None:
        st.title(_("The tracker cannot start"))
        st.error(message)

    st.navigation([st.Page(problem_page, title=_("Problem"), default=True)]).run()
