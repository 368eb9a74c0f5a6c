"""Input rules checked before the write (issue 13.3) and reference names (issue 9.5)."""

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from tests.factories import activity_input, add_activity
from tracker.db import database
from tracker.db.models import Activity, Organisation, Theme
from tracker.db.reference_data import load_reference_data
from tracker.errors import TrackerError, ValidationFailed
from tracker.io import exports, importer
from tracker.records.reference_lists import add_forum, add_organisation, add_theme, save_event
from tracker.results.activity_log import iter_visible_activities
from tracker.results.filters import Filters

BAD_CHARACTERS = ["\x00", "\x07", "\x1b", "\u202e", "\u2066", "\u200b", "\u200f", "\ufeff"]


@pytest.mark.parametrize("character", BAD_CHARACTERS)
@pytest.mark.parametrize("field", ["title", "description", "outcome", "external_id"])
def test_control_and_bidirectional_characters_are_refused_in_every_text_field(field, character):
    with pytest.raises(ValidationError, match="character that is not allowed"):
        activity_input(**{field: f"Before{character}after"})


@pytest.mark.parametrize("character", ["\x00", "\u202e", "\u200b"])
@pytest.mark.parametrize("field", ["organisations", "themes", "forum"])
def test_names_in_a_record_refuse_them_too(field, character):
    value = f"Name{character}x"
    with pytest.raises(ValidationError, match="character that is not allowed"):
        activity_input(**{field: [value] if field != "forum" else value})


def test_tab_and_newline_are_kept_in_free_text_and_windows_line_ends_become_newlines():
    record = activity_input(description="Line one\r\nLine\ttwo", outcome="a\rb")
    assert (record.description, record.outcome) == ("Line one\nLine\ttwo", "a\nb")


def test_names_are_capped_and_cannot_contain_a_semicolon():
    with pytest.raises(ValidationError, match="at most 200 characters"):
        activity_input(organisations=["x" * 5000])
    with pytest.raises(ValidationError, match=";"):
        activity_input(forum="Forum; with a semicolon", forum_category="Regional")


@pytest.mark.parametrize(
    ("add", "name"),
    [
        (lambda s, n: add_theme(s, n), "Land; rights"),
        (lambda s, n: add_organisation(s, n), "ZELA; IPIS"),
        (lambda s, n: add_forum(s, n, "Regional"), "SADC; summit"),
        (lambda s, n: add_organisation(s, n), "Bad\x00name"),
        (lambda s, n: add_theme(s, n), "Right\u202eto-left"),
        (lambda s, n: add_organisation(s, n), "x" * 201),
    ],
)
def test_reference_names_refuse_semicolons_control_characters_and_length(session, add, name):
    with pytest.raises(ValidationFailed):
        add(session, name)


def test_an_event_name_refuses_control_characters(session):
    import datetime as dt

    with pytest.raises(ValidationFailed):
        save_event(session, "test", "KP Plenary", "Plenary\x00", dt.date(2030, 1, 1))


def test_an_external_id_that_exists_is_refused_before_the_write_in_one_sentence(session):
    add_activity(session, external_id="E-1")
    session.commit()
    with pytest.raises(ValidationFailed, match="already the external id of activity"):
        add_activity(session, external_id="E-1", title="Another")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Activity)) == 1


def test_import_refuses_bad_characters_by_row_and_column(session):
    data = (
        "date,forum,themes,activity_type,title,organisations\n"
        "2021-01-01,EITI,Land rights,meeting,T,Bad\u202eorg\n"
    )
    plan = importer.plan_import(session, data.encode(), "f.csv")
    assert [str(p) for p in plan.problems] == [
        "row 2, column organisations: contains a character that is not allowed "
        "(a control, invisible or right-to-left override character): retype it."
    ]


def test_a_database_error_becomes_one_sentence_without_the_values(engine):
    with database.writing(engine) as session:
        load_reference_data(session)
    with pytest.raises(TrackerError) as caught:
        with database.writing(engine) as session:
            session.add(Organisation(name="Secret restricted org"))
            session.add(Organisation(name="Secret restricted org"))
    message = str(caught.value)
    assert "Secret" not in message and "\n" not in message and message.endswith(".")
    assert engine.hide_parameters


def test_export_import_round_trip_keeps_admin_added_themes(engine, tmp_path):
    with database.writing(engine) as session:
        load_reference_data(session)
        add_theme(session, "Artisanal miners")
        add_activity(session, themes=["Artisanal miners", "KP reform"], external_id="R-1")
    with database.session_factory(engine)() as session:
        exported = exports.to_csv(iter_visible_activities(session, Filters(), "admin"))
    other = database.open_database(f"sqlite:///{tmp_path / 'other.db'}")
    with database.writing(other) as session:
        load_reference_data(session)
    with database.session_factory(other)() as session:
        refused = importer.plan_import(session, exported, "export.csv")
        assert [str(p) for p in refused.problems] == [
            "row 2, column themes: unknown theme 'Artisanal miners' (known themes: Benefit redistribution, "
            "KP reform, Land rights, Reduction of violence; or ask for new themes to be created)"
        ]
        assert refused.unknown_themes == ["Artisanal miners"] and refused.new_themes == []
    with database.writing(other) as session:
        plan = importer.plan_import(session, exported, "export.csv", create_themes=True)
        assert plan.ok, [str(p) for p in plan.problems]
        assert plan.new_themes == ["Artisanal miners"]
        importer.apply_import(session, plan, "tester")
    with database.session_factory(other)() as session:
        stored = session.scalar(select(Activity))
        assert [t.name for t in stored.themes] == ["Artisanal miners", "KP reform"]
        assert session.scalar(select(func.count()).select_from(Theme).where(Theme.name == "Artisanal miners"))
    other.dispose()
    with database.writing(engine) as session:  # into the same database: the theme is known
        plan, result = importer.import_file(session, exported, "export.csv", "tester")
        assert result is not None and (result.created, result.updated, result.unchanged) == (0, 0, 1)


def test_an_event_place_and_a_theme_description_refuse_control_characters(session):
    import datetime as dt

    with pytest.raises(ValidationFailed, match="not allowed"):
        save_event(session, "test", "KP Plenary", "Plenary 2031", dt.date(2031, 1, 1), place="Dubai\x00")
    with pytest.raises(ValidationFailed, match="not allowed"):
        add_theme(session, "Clean theme", "Description\u202e")
