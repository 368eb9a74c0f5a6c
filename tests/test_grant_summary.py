"""Grants on the Funder summary (issue 10 items 3 and 7, issue 11 item 5): who may choose
which grant, the page per role, targets with their status in the page and its reports,
and the admins' links between funder accounts and grants."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess

import openpyxl
import pytest
from sqlalchemy import select

from tests.apptest import clear_caches, open_page
from tests.factories import add_activity
from tracker.access import accounts
from tracker.db import database
from tracker.db.models import AuditEntry
from tracker.db.reference_data import load_reference_data
from tracker.errors import ValidationFailed
from tracker.publish import reports
from tracker.records import grants, outcomes
from tracker.results import target_status
from tracker.text import formatting

WHEN = dt.datetime(2026, 1, 5, 9, 30)
RESTRICTED = "RESTRICTED-GRANT-DEFENDER"
INTERNAL = "INTERNAL-GRANT-NOTE"
PUBLIC = "PUBLIC-GRANT-OUTCOME"
PUBLIC_UNTAGGED = "PUBLIC-UNTAGGED-OUTCOME"


def grant_input(grant_id: str, funder: str, start: str, end: str) -> grants.GrantInput:
    return grants.GrantInput(
        grant_id=grant_id, funder=funder, title=f"Title of {grant_id}", start_date=start, end_date=end
    )


def add_accounts_and_grants(session) -> None:
    """Two funders, each linked to its own grant; a third funder with no grant."""
    grants.save_grant(session, grant_input("G-ALPHA", "Alpha Fund", "2021-01-01", "2022-12-31"), "t")
    grants.save_grant(session, grant_input("G-ALPHA-2", "Alpha Fund", "2023-01-01", "2024-12-31"), "t")
    grants.save_grant(session, grant_input("G-BETA", "Beta Trust", "2022-01-01", "2023-12-31"), "t")
    for name in ("alpha", "beta", "gamma"):
        accounts.create_user(session, f"funder-{name}", "a-long-password-1", "funder", "t")
    for name in ("member", "staff", "admin"):
        accounts.create_user(session, f"a-{name}", "a-long-password-1", name, "t")
    grants.link_user(session, "funder-alpha", "G-ALPHA", "t")
    grants.link_user(session, "funder-alpha", "G-ALPHA-2", "t")
    grants.link_user(session, "funder-beta", "G-BETA", "t")


# ---- the rule, on SQLite and PostgreSQL --------------------------------------------------


def ids(choices) -> list[str]:
    return [c.grant_id for c in choices]


def test_each_role_sees_the_grants_it_may_choose(session):
    load_reference_data(session)
    add_accounts_and_grants(session)
    everything = ["G-ALPHA", "G-BETA", "G-ALPHA-2"]  # by start date
    for username, role in (("a-member", "member"), ("a-staff", "staff"), ("a-admin", "admin")):
        assert ids(grants.grants_visible_to(session, username, role)) == everything
    # a funder: its own grants only, the most recent first (its summary opens on it)
    alpha = grants.grants_visible_to(session, "funder-alpha", "funder")
    assert ids(alpha) == ["G-ALPHA-2", "G-ALPHA"]
    assert grants.default_grant(alpha, "funder") == "G-ALPHA-2"
    assert ids(grants.grants_visible_to(session, "funder-beta", "funder")) == ["G-BETA"]
    assert grants.grants_visible_to(session, "funder-gamma", "funder") == []
    assert grants.default_grant([], "funder") is None
    assert grants.grants_visible_to(session, None, None) == []
    # members open on the coalition-wide period, even with grants to choose from
    assert grants.default_grant(grants.grants_visible_to(session, "a-member", "member"), "member") is None


def test_a_funder_can_never_open_another_funders_grant(session):
    load_reference_data(session)
    add_accounts_and_grants(session)
    assert grants.visible_grant(session, "funder-alpha", "funder", "g-alpha").grant_id == "G-ALPHA"
    with pytest.raises(ValidationFailed) as other:
        grants.visible_grant(session, "funder-alpha", "funder", "G-BETA")
    with pytest.raises(ValidationFailed) as missing:
        grants.visible_grant(session, "funder-alpha", "funder", "NO-SUCH-GRANT")
    # the same sentence whether the grant exists or not: nothing learnt about other funders
    assert str(other.value).replace("G-BETA", "X") == str(missing.value).replace("NO-SUCH-GRANT", "X")
    with pytest.raises(ValidationFailed):
        grants.visible_grant(session, "funder-gamma", "funder", "G-ALPHA")
    # a funder account claiming another role in the call is still only what the role gives
    assert grants.visible_grant(session, "a-member", "member", "G-BETA").grant_id == "G-BETA"


def test_unlinking_a_funder_from_a_grant_is_audited_and_takes_effect(session):
    load_reference_data(session)
    add_accounts_and_grants(session)
    grants.unlink_user(session, "funder-alpha", "G-ALPHA", "an-admin")
    grants.unlink_user(session, "funder-alpha", "G-ALPHA", "an-admin")  # not linked: nothing
    assert ids(grants.grants_visible_to(session, "funder-alpha", "funder")) == ["G-ALPHA-2"]
    entries = list(session.scalars(select(AuditEntry).where(AuditEntry.action == "unlink")))
    assert len(entries) == 1
    assert (entries[0].actor, entries[0].before) == (
        "an-admin",
        {"user": "funder-alpha", "grant_id": "G-ALPHA"},
    )
    assert ("funder-beta", "G-BETA") in grants.user_grant_links(session)
    assert ("funder-alpha", "G-ALPHA") not in grants.user_grant_links(session)
    with pytest.raises(ValidationFailed):
        grants.link_user(session, "a-member", "G-ALPHA", "an-admin")  # only funder accounts


def test_tracker_link_and_unlink_grant(use_database, capsys):
    from tracker import cli

    engine = database.open_database(use_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        add_accounts_and_grants(session)
    assert cli.main(["unlink-grant", "funder-alpha", "G-ALPHA"]) == 0
    assert "is not linked to grant G-ALPHA" in capsys.readouterr().out
    assert cli.main(["link-grant", "funder-gamma", "G-BETA"]) == 0
    with database.session_factory(engine)() as session:
        assert ids(grants.grants_visible_to(session, "funder-alpha", "funder")) == ["G-ALPHA-2"]
        assert ids(grants.grants_visible_to(session, "funder-gamma", "funder")) == ["G-BETA"]
        actors = {e.actor for e in session.scalars(select(AuditEntry).where(AuditEntry.action == "unlink"))}
    engine.dispose()
    assert actors == {"cli"}
    assert cli.main(["unlink-grant", "nobody", "G-ALPHA"]) == 1
    assert "There is no account" in capsys.readouterr().err


def test_a_grant_saved_from_the_form_is_checked_in_one_sentence(session):
    load_reference_data(session)
    values = {
        "grant_id": "G-NEW",
        "funder": "New Fund",
        "title": "New",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "amount": 1000.0,
        "currency": "XXQ",
    }
    with pytest.raises(ValidationFailed) as problem:
        grants.save_grant_values(session, values, "staff-x")
    assert "currency" in str(problem.value) and "\n" not in str(problem.value)
    grants.save_grant_values(session, {**values, "currency": "eur"}, "staff-x")
    table = grants.all_grants_table(session)
    assert list(table.grant_id) == ["G-NEW"] and list(table.currency) == ["EUR"]


# ---- reports: targets with their status, and the grant ---------------------------------


@pytest.fixture
def grant_report(demo_session):
    """The demo data, and three activities in DEMO-GRANT-2's period: public (tagged),
    restricted and internal (tagged), and a public one not tagged."""
    session = demo_session
    added = {}
    for title, confidentiality, tagged in (
        (PUBLIC, "public", True),
        (RESTRICTED, "restricted", True),
        (INTERNAL, "internal", True),
        (PUBLIC_UNTAGGED, "public", False),
    ):
        added[title] = add_activity(
            session,
            activity_date=dt.date(2025, 3, 1),
            title=title,
            outcome=title,
            confidentiality=confidentiality,
            grants=["DEMO-GRANT-2"] if tagged else [],
        )
    # outcome records, each from one of those activities, with its confidentiality
    for number, (title, confidentiality) in enumerate(
        ((PUBLIC, "public"), (RESTRICTED, "restricted"), (INTERNAL, "internal"), (PUBLIC_UNTAGGED, "public")),
        start=1,
    ):
        outcomes.create_outcome(
            session,
            outcomes.OutcomeInput(
                outcome_id=f"T-OUT-{number}",
                outcome_date=dt.date(2025, 3, 2),
                statement=f"RECORD-{title}",
                social_actor="KP Working Group on Monitoring",
                change_type="policy",
                themes=["KP reform"],
                substantiation="substantiated" if number == 2 else "unverified",
                confidentiality=confidentiality,
                activity_ids=[added[title].id],
            ),
            "tester",
        )
    session.flush()
    return reports.build(session, dt.date(2000, 1, 1), dt.date(2000, 1, 2), grant_id="DEMO-GRANT-2")


def test_a_grant_report_holds_its_period_its_tagged_activities_and_its_targets(demo_session, grant_report):
    session, report = demo_session, grant_report
    assert (report.view.date_from, report.view.date_to) == (dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert reports.file_name(report, "pdf") == "funder-summary-DEMO-GRANT-2-2024-01-01-2026-12-31.pdf"
    # the targets of the years 2024-2026: the very numbers of the Strategy page and summary JSON
    expected = target_status.target_statuses(session, dt.date(2024, 1, 1), dt.date(2026, 12, 31))
    assert expected and list(report.targets) == expected
    assert {t.year for t in report.targets} == {2024, 2025, 2026}
    # outcomes follow the grant: tagged public ones only
    outcomes = set(report.view.outcomes.outcome)
    assert PUBLIC in outcomes and PUBLIC_UNTAGGED not in outcomes
    assert RESTRICTED not in outcomes and INTERNAL not in outcomes
    # outcome records follow the grant too: counted whatever their confidentiality (an
    # aggregate, the same object as summary --json --grant), listed only when public
    activity_ids = grants.grant_activity_ids(session, grants.get_grant(session, "DEMO-GRANT-2"))
    assert report.outcome_counts == target_status.outcome_counts(
        session, dt.date(2024, 1, 1), dt.date(2026, 12, 31), activity_ids
    )
    assert report.outcome_counts["count"] >= 3 and report.outcome_counts["substantiated"] >= 1
    statements = set(report.outcome_records.statement)
    assert f"RECORD-{PUBLIC}" in statements
    assert {f"RECORD-{t}" for t in (RESTRICTED, INTERNAL, PUBLIC_UNTAGGED)} & statements == set()


def test_the_html_and_pdf_reports_show_the_grant_and_the_targets(grant_report, tmp_path):
    page = reports.html_report(grant_report, WHEN, "en")
    assert "Grant DEMO-GRANT-2: Land, violence and benefits 2024-2026 (Illustrative Trust (demo))" in page
    assert "<h2>Strategy targets</h2>" in page and "<h2>Outcome records</h2>" in page
    assert f"RECORD-{PUBLIC}" in page and f"RECORD-{PUBLIC_UNTAGGED}" not in page
    table = reports.targets_table(grant_report)
    first = table.iloc[0]
    assert first["Status"] in ("met", "not met", "not yet")
    assert f"<td>{first['Target']}</td>" in page.replace('<td class="">', "<td>")
    assert PUBLIC in page and PUBLIC_UNTAGGED not in page
    assert RESTRICTED not in page and INTERNAL not in page
    french = reports.html_report(grant_report, WHEN, "fr")
    assert "Cibles stratégiques" in french and "Subvention DEMO-GRANT-2" in french
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is missing")
    path = tmp_path / "grant.pdf"
    path.write_bytes(reports.pdf_report(grant_report, WHEN, "en"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "Strategy targets" in text and "Grant DEMO-GRANT-2" in text
    assert RESTRICTED not in text and INTERNAL not in text


def test_the_xlsx_report_lists_targets_with_shares_as_percentages(grant_report):
    book = openpyxl.load_workbook(io.BytesIO(reports.xlsx_report(grant_report, "en")))
    sheet = book["Targets"]
    rows = list(sheet.iter_rows(min_row=2))
    assert len(rows) == len(grant_report.targets)
    shares = 0
    for row, status in zip(rows, grant_report.targets, strict=True):
        assert row[0].value == status.year and row[4].value == status.target
        if status.measure in reports.SHARE_MEASURES:
            shares += 1
            assert row[4].number_format == row[5].number_format == "0.0%"
            assert row[5].value is None or 0 <= row[5].value <= 1
    assert shares > 0
    summary = {r[0].value: r[1].value for r in book["Summary"].iter_rows()}
    assert summary["Grant"].startswith("Grant DEMO-GRANT-2:")
    assert summary["Outcome records"] == grant_report.outcome_counts["count"]
    listed = [row[5].value for row in book["Public outcome records"].iter_rows(min_row=2)]
    assert f"RECORD-{PUBLIC}" in listed and f"RECORD-{PUBLIC_UNTAGGED}" not in listed
    text = " ".join(str(c.value) for s in book for row in s.iter_rows() for c in row)
    assert RESTRICTED not in text and INTERNAL not in text


def test_a_period_report_lists_the_targets_of_its_years(demo_session):
    report = reports.build(demo_session, dt.date(2025, 6, 1), dt.date(2025, 6, 30))
    assert report.grant is None and {t.year for t in report.targets} == {2025}
    assert reports.file_name(report, "html") == "funder-summary-2025-06-01-2025-06-30.html"


# ---- the page, per role -------------------------------------------------------------------


@pytest.fixture
def grant_app(use_sqlite_database, demo_app_database):
    engine = demo_app_database
    with database.session_factory(engine).begin() as session:
        for name in ("alpha", "beta"):
            accounts.create_user(session, f"funder-{name}", "a-long-password-1", "funder", "t")
        grants.link_user(session, "funder-alpha", "DEMO-GRANT-1", "t")
        grants.link_user(session, "funder-beta", "DEMO-GRANT-2", "t")
    engine.dispose()
    yield use_sqlite_database
    clear_caches()


@pytest.fixture
def download_names(monkeypatch):
    from streamlit.delta_generator import DeltaGenerator

    names: list[str] = []
    original = DeltaGenerator.download_button

    def spy(self, label, data, file_name=None, *args, **kwargs):
        names.append(file_name)
        return original(self, label, data, file_name, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", spy)
    return names


def grant_select(at):
    return next(s for s in at.selectbox if s.key == "summary_grant")


def test_a_linked_funder_opens_on_its_grant_and_may_choose_only_its_own(grant_app, download_names):
    at = open_page("pages/funder_summary.py", username="funder-alpha")
    select_box = grant_select(at)
    assert select_box.value == "DEMO-GRANT-1"
    assert select_box.options[1:] == [
        "DEMO-GRANT-1: Beyond the KP: engagement 2021-2023 (Illustrative Foundation (demo)), "
        f"{formatting.date(dt.date(2021, 1, 1))} to {formatting.date(dt.date(2023, 12, 31))}"
    ]
    assert any("Grant DEMO-GRANT-1" in c.value.replace("\\", "") for c in at.caption)  # names escaped
    assert not at.main.date_input  # a grant's period is its own: no period to pick
    assert download_names and all(
        n.startswith("funder-summary-DEMO-GRANT-1-2021-01-01-2023-12-31") for n in download_names
    )
    assert "Strategy targets" in [h.value for h in at.header]
    assert at.query_params["grant"] == "DEMO-GRANT-1"
    # the coalition-wide period view stays available to a linked funder (aggregates only)
    select_box.select("").run()
    assert at.date_input(key="summary_from") is not None
    assert "grant" not in at.query_params


def test_a_funder_cannot_reach_another_funders_grant_by_url_or_session_state(grant_app, download_names):
    # a funder lands on the Funder summary: the URL's ?grant= is read on that first run
    at = open_page(username="funder-alpha", query={"grant": "DEMO-GRANT-2"})
    assert at.title[0].value == "Funder summary"
    assert any("not among the grants you may open" in w.value for w in at.warning)
    assert not any("DEMO-GRANT-2" in n for n in download_names)
    assert not any("DEMO-GRANT-2" in c.value.replace("\\", "") for c in at.caption)
    download_names.clear()
    # the page's session state holding another funder's grant (as if tampered with)
    from streamlit.testing.v1 import AppTest

    from tests.apptest import APP, sign_in_state

    at = AppTest.from_file(APP, default_timeout=60)
    sign_in_state(at, "funder-alpha")
    at.session_state["summary_grant"] = "DEMO-GRANT-2"
    at.run()
    assert not at.exception
    assert any("not among the grants you may open" in w.value for w in at.warning)
    assert not any("DEMO-GRANT-2" in n for n in download_names)
    assert "DEMO-GRANT-2" not in " ".join(grant_select(at).options)


def test_a_grant_in_the_url_opens_in_any_case_for_whoever_may_choose_it(grant_app):
    at = open_page(username="funder-beta", query={"grant": "demo-grant-2"})
    assert not at.exception and not any("not among" in w.value for w in at.warning)
    assert grant_select(at).value == "DEMO-GRANT-2"


def test_a_funder_with_no_grant_sees_the_period_view_only(grant_app):
    at = open_page(role="funder", query={"grant": "DEMO-GRANT-1"})
    assert at.title[0].value == "Funder summary"
    assert not [s for s in at.selectbox if s.key == "summary_grant"]
    assert any("not among the grants you may open" in w.value for w in at.warning)
    assert at.date_input(key="summary_from") is not None
    assert "Strategy targets" in [h.value for h in at.header]


@pytest.mark.parametrize("role", ["member", "staff", "admin"])
def test_members_staff_and_admins_may_choose_every_grant(grant_app, download_names, role):
    at = open_page("pages/funder_summary.py", role=role)
    select_box = grant_select(at)
    assert select_box.value == ""  # they open on the coalition-wide period
    assert [o.split(":")[0] for o in select_box.options[1:]] == ["DEMO-GRANT-1", "DEMO-GRANT-2"]
    download_names.clear()
    select_box.select("DEMO-GRANT-2").run()
    assert not at.exception
    assert download_names and all(
        n.startswith("funder-summary-DEMO-GRANT-2-2024-01-01-2026-12-31") for n in download_names
    )


# ---- the admin side ----------------------------------------------------------------------


def test_an_admin_links_and_unlinks_a_funder_on_the_users_page(grant_app):
    at = open_page("pages/user_accounts.py", role="admin")
    at.selectbox(key="users_grant_account").select("funder-alpha")
    at.selectbox(key="users_grant_id").select("DEMO-GRANT-2")
    at.button(key="users_grant_apply").click().run()
    assert not at.exception and not at.error
    engine = database.make_engine(grant_app)
    with database.session_factory(engine)() as session:
        assert ids(grants.grants_of_user(session, "funder-alpha")) == ["DEMO-GRANT-2", "DEMO-GRANT-1"]
    at.selectbox(key="users_grant_account").select("funder-alpha")
    at.selectbox(key="users_grant_id").select("DEMO-GRANT-1")
    at.radio(key="users_grant_change").set_value("unlink")
    at.button(key="users_grant_apply").click().run()
    with database.session_factory(engine)() as session:
        assert ids(grants.grants_of_user(session, "funder-alpha")) == ["DEMO-GRANT-2"]
        actions = [
            e.action for e in session.scalars(select(AuditEntry).where(AuditEntry.actor == "demo-admin"))
        ]
    engine.dispose()
    assert actions.count("link") == 1 and actions.count("unlink") == 1


def test_staff_add_a_grant_on_the_reference_lists_page(grant_app):
    at = open_page("pages/reference_lists.py", role="staff")
    at.text_input(key="lists_grant_id").input("G-STAFF")
    at.text_input(key="lists_grant_funder").input("Staff Fund")
    at.text_input(key="lists_grant_title").input("A staff grant")
    at.date_input(key="lists_grant_start").set_value(dt.date(2025, 1, 1))
    at.date_input(key="lists_grant_end").set_value(dt.date(2024, 1, 1))
    next(b for b in at.button if b.label == "Save the grant").click().run()
    assert any("start date" in e.value for e in at.error)  # end before start: one sentence
    # The refused form keeps what was typed: only the wrong day is changed.
    assert at.text_input(key="lists_grant_id").value == "G-STAFF"
    assert at.text_input(key="lists_grant_title").value == "A staff grant"
    assert at.date_input(key="lists_grant_start").value == dt.date(2025, 1, 1)
    at.date_input(key="lists_grant_end").set_value(dt.date(2025, 12, 31))
    next(b for b in at.button if b.label == "Save the grant").click().run()
    assert not at.error and any("Grant saved" in s.value for s in at.success)
    # Saved: the form is empty for the next grant.
    assert at.text_input(key="lists_grant_id").value == ""
    assert at.date_input(key="lists_grant_start").value is None
    engine = database.make_engine(grant_app)
    with database.session_factory(engine)() as session:
        saved = grants.get_grant(session, "G-STAFF")
        assert (saved.funder, saved.end_date) == ("Staff Fund", dt.date(2025, 12, 31))
    engine.dispose()
