"""Every vocabulary value shown to users has a display label in English and French,
declared once in ``tracker.vocabulary`` (issue 20.2); stored codes are unchanged."""

from __future__ import annotations

import pytest

from tracker import vocabulary
from tracker.access.permissions import ROLES
from tracker.i18n import use_language
from tracker.vocabulary import KINDS, LABELS, label, scope_label


def test_every_code_of_every_kind_has_a_label_and_nothing_else():
    assert set(KINDS) == set(LABELS)
    for kind, codes in KINDS.items():
        assert list(LABELS[kind]) == list(codes), kind
    assert KINDS["role"] == ROLES
    assert KINDS["submission_status"] == ("submitted", "returned", "approved", "rejected")


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_label_reads_in_french(kind):
    with use_language("fr"):
        french = {code: label(kind, code) for code in KINDS[kind]}
    untranslated = [c for c, text in french.items() if text == vocabulary.LABELS[kind][c]]
    # A few words are spelt the same in both languages.
    assert set(untranslated) <= {"National", "publication", "public", "member"}, untranslated


def test_codes_become_words_and_stay_codes_in_data():
    with use_language("fr"):
        assert label("activity_type", "side_event") == "Événement parallèle"
        assert label("forum_category", "Other international") == "Autres instances internationales"
        assert label("change_type", "relationship") == "relation"
        assert label("substantiation", "disputed") == "contesté"
        assert label("submission_status", "returned") == "Renvoyée"
        assert label("direction", "at_most") == "au plus"
    assert label("activity_type", "side_event") == "Side event"
    assert label("activity_type", "no_such_code") == "no_such_code"  # never a crash
    assert vocabulary.ACTIVITY_TYPES[3] == "side_event"  # the stored code is unchanged


def test_a_targets_scope_has_one_wording():
    assert scope_label("all") == "all records"
    with use_language("fr"):
        assert scope_label("all") == "tous les enregistrements"
        assert scope_label("category:UN") == "catégorie de forum ONU"
        assert scope_label("theme:Land rights") == "thème Land rights"


def test_a_value_is_read_by_its_code_or_its_label_in_either_language():
    from tracker.records.outcomes import OutcomeInput
    from tracker.records.validation import ActivityInput

    assert vocabulary.code_of("ONU", vocabulary.FORUM_CATEGORIES) == "UN"
    assert vocabulary.code_of(" autres instances internationales ", vocabulary.FORUM_CATEGORIES) == (
        "Other international"
    )
    assert vocabulary.code_of("Field visit", vocabulary.ACTIVITY_TYPES) == "field_visit"
    assert vocabulary.code_of("policy", vocabulary.CHANGE_TYPES) == "policy"
    assert vocabulary.code_of("National", vocabulary.SUBSTANTIATION_LEVELS) is None
    with use_language("fr"):
        french_type = label("activity_type", "field_visit")
        restricted = label("confidentiality", "restricted")
        practice = label("change_type", "practice")
        disputed = label("substantiation", "disputed")
    assert french_type != "Field visit" and restricted != "restricted"
    activity = ActivityInput(
        activity_date="2024-05-13",
        forum="KP Plenary",
        themes=["KP reform"],
        activity_type=french_type,
        title="Typed with the French labels",
        confidentiality=restricted.upper(),
    )
    assert (activity.activity_type, activity.confidentiality) == ("field_visit", "restricted")
    outcome = OutcomeInput(
        outcome_id="O-FR",
        outcome_date="2024-02-01",
        statement="A regulator published its audits",
        social_actor="Mines regulator",
        change_type=practice,
        substantiation=disputed,
        themes=["KP reform"],
    )
    assert (outcome.change_type, outcome.substantiation) == ("practice", "disputed")
