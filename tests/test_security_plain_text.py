"""Issue 13 (item 9): names and titles are rendered as plain text everywhere: no Markdown
image fetched from outside, no link, no HTML."""

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.apptest import APP, clear_caches, open_page, sign_in_state
from tests.factories import add_activity
from tracker.access import accounts
from tracker.db import database
from tracker.db.reference_data import load_reference_data
from tracker.demo.seed import seed_demo_accounts
from tracker.records import reference_lists
from tracker.text import plain_text

HOSTILE = "![x](http://example.invalid/a.png) [link](http://x) <b>bold</b> :red[red] $x$ *em*"


def _as_plain(markdown: str) -> str:
    """What Markdown shows for ``markdown`` when every special character is escaped."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u2060", "")


def _assert_plain(markdown: str) -> None:
    unescaped = re.sub(r"\\.", "", markdown)
    for active in ("![", "](", "[link]", "<b>", ":red[", "$x$", "*em*"):
        assert active not in unescaped, (active, markdown)
    assert HOSTILE in _as_plain(markdown)


def test_markdown_literal_escapes_every_special_character():
    literal = plain_text.markdown_literal(HOSTILE)
    _assert_plain(literal)
    assert plain_text.markdown_literal("KP Plenary 2024") == "KP Plenary 2024"
    assert plain_text.markdown_literal("line\nbreak # not a heading") == "line break \\# not a heading"


@pytest.fixture
def hostile_db(use_sqlite_database):
    clear_caches()
    engine = database.open_database(use_sqlite_database)
    with database.session_factory(engine).begin() as session:
        load_reference_data(session)
        seed_demo_accounts(session)
        reference_lists.add_theme(session, HOSTILE[:100])
        add_activity(
            session,
            forum=HOSTILE,
            forum_category="National",
            themes=[HOSTILE[:100]],
            title=HOSTILE,
            confidentiality="public",
        )
        accounts.create_user(
            session, "hostile", "a long password here", "staff", "test", display_name=HOSTILE
        )
    yield engine
    engine.dispose()


def test_the_saved_message_on_the_add_page_shows_the_title_as_text(hostile_db):
    at = open_page("pages/add_activity.py", role="staff")
    at.session_state["add_saved"] = (1, HOSTILE)
    at.run()
    assert not at.exception
    # shown as a code span (no Markdown renders inside one), backticks in the title replaced
    assert f"`{HOSTILE}`" in at.success[0].value


def test_the_forum_calendar_heading_shows_the_forum_as_text(hostile_db):
    at = open_page("pages/forum_calendar.py", role="staff")
    at.selectbox(key="forums_forum").select(HOSTILE).run()
    assert not at.exception
    headings = [h.value for h in at.header if "http" in h.value]
    assert headings
    for heading in headings:
        _assert_plain(heading)


def test_theme_names_in_metric_labels_are_text(hostile_db):
    at = open_page("pages/theme_dashboard.py", role="staff", query={"from": "2021-01-01", "to": "2021-12-31"})
    labels = [m.label for m in at.metric if "http" in m.label]
    assert labels
    for label in labels:
        assert "![" not in re.sub(r"\\.", "", label) and "](" not in re.sub(r"\\.", "", label)


def test_the_signed_in_name_in_the_sidebar_is_text(hostile_db):
    at = AppTest.from_file(APP, default_timeout=60)
    sign_in_state(at, "hostile")
    at.run()
    assert not at.exception
    captions = [c.value for c in at.sidebar.caption if "http" in c.value]
    assert captions
    for caption in captions:
        assert "![" not in re.sub(r"\\.", "", caption) and "](" not in re.sub(r"\\.", "", caption)


def test_an_error_sentence_naming_what_was_typed_is_text(hostile_db):
    at = open_page("pages/reference_lists.py", role="staff")
    at.text_input(key="lists_theme_name").input(HOSTILE[:100])
    at.button(key="FormSubmitter:lists_add_theme-Add the theme").click().run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors
    for error in errors:
        unescaped = re.sub(r"\\.", "", error)
        assert "![" not in unescaped and "](" not in unescaped


def test_names_in_charts_are_plain_text_not_plotly_html(session):
    """Plotly renders <a href>, <b>, <br> ... in labels, legends and hovers: names are escaped."""
    import datetime as dt

    from tracker.access.permissions import ADMIN
    from tracker.results import views
    from tracker.results.filters import Filters

    html_name = '<a href="http://example.invalid/">Forum</a>'
    reference_lists.add_theme(session, "<b>Theme</b>")
    add_activity(
        session,
        forum=html_name,
        forum_category="National",
        themes=["<b>Theme</b>"],
        organisations=["<img src=x>Org"],
        activity_date=dt.date(2021, 6, 21),
    )
    session.commit()
    filters = Filters()
    figures = [
        views.forums(session, filters, "activities", None, ADMIN).top_figure,
        views.themes(session, filters, "year", "activities", ADMIN).trend_figure,
        views.themes(session, filters, "year", "activities", ADMIN).matrix_figure,
        views.participation(session, filters, "activities", "organisation", ADMIN).figure,
    ]
    shown = []
    for figure in figures:
        for trace in figure.to_plotly_json()["data"]:
            for attribute in ("x", "y", "name", "text", "hovertemplate"):
                value = trace.get(attribute)
                values = value if isinstance(value, list | tuple) else [value]
                shown.extend(str(v).replace("<extra></extra>", "") for v in values if v is not None)
    assert any("&lt;a href" in v for v in shown) and any("&lt;b&gt;Theme" in v for v in shown)
    assert not [v for v in shown if "<a " in v or "<b>" in v or "<img" in v]


PAYLOADS = (
    "![x](http://example.invalid/x.png)",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    "http://example.invalid/bare",
    "*a* _b_ **c** __d__",
)


def _inert(markdown: str) -> None:
    unescaped = re.sub(r"\\.", "", markdown)
    for active in ("![", "](", "<img", "http://", "*a*", "_b_"):
        assert active not in unescaped, (active, markdown)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_grant_titles_and_funder_names_are_text_on_the_funder_summary(hostile_db, payload):
    """Issue 22.5: the grant caption of the Funder summary."""
    from tracker.records import grants

    with database.session_factory(hostile_db).begin() as session:
        grants.save_grant(
            session,
            grants.GrantInput(
                grant_id="G-1", funder=payload, title=payload, start_date="2024-01-01", end_date="2024-12-31"
            ),
            "tester",
        )
    at = open_page("pages/funder_summary.py", role="staff")
    at.selectbox(key="summary_grant").set_value("G-1").run()
    caption = next(c.value for c in at.caption if "G-1" in _as_plain(c.value))
    _inert(caption)
    assert payload in _as_plain(caption)


def test_new_theme_names_in_the_import_preview_are_text(hostile_db):
    """Issue 22.5: "New themes that will be created" names each theme as text."""
    header = "date,forum,themes,activity_type,title\n"
    rows = "".join(
        f'2024-01-0{n + 1},KP Plenary,"{p.replace(",", " ")}",meeting,T{n}\n' for n, p in enumerate(PAYLOADS)
    )
    at = open_page("pages/import_activities.py", role="staff")
    at.file_uploader(key="import_upload").upload("t.csv", (header + rows).encode(), "text/csv").run()
    _inert(at.checkbox(key="import_create_themes").label)
    at.checkbox(key="import_create_themes").check().run()
    shown = next(m.value for m in at.markdown if "New themes that will be created" in m.value)
    _inert(shown)
    for payload in PAYLOADS:
        assert payload.replace(",", " ").split(";")[0] in _as_plain(shown)
