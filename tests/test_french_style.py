"""The French catalogue reads as French: no English left inside a translation, the
typographic apostrophe, and a no-break space before « : ; ? ! » (docs/translation.md).

tests/test_translation.py checks that every string has a translation; this checks what the
translations say, so that a slip such as an English sentence pasted onto the end of a
French one (it happened: « …, depuisShare of the coalition's engagement… ») fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

FRENCH_PO = (
    Path(__file__).resolve().parents[1] / "src" / "tracker" / "locale" / "fr" / "LC_MESSAGES" / "tracker.po"
)


def translations() -> list[tuple[str, str]]:
    """(English msgid, French msgstr) for every entry and plural form."""
    with FRENCH_PO.open("rb") as f:
        catalogue = read_po(f)
    pairs = []
    for message in catalogue:
        if not message.id:
            continue
        english = message.id if isinstance(message.id, str) else message.id[0]
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        pairs.extend((english, french) for french in strings)
    return pairs


def _prose(text: str) -> str:
    """The text a reader sees as prose: placeholders, code in backticks and addresses removed."""
    text = re.sub(r"\{[^{}]*\}", "", text)
    text = re.sub(r"`[^`]*`", "", text)
    return re.sub(r"https?://\S+", "", text)


@pytest.fixture(scope="module")
def pairs():
    return translations()


def test_no_translation_carries_another_strings_english(pairs):
    sentences = {english for english, _french in pairs if len(english) >= 25}
    leaks = [
        (english, french)
        for english, french in pairs
        for other in sentences
        if other != english and other in french
    ]
    assert not leaks


def test_translations_use_the_typographic_apostrophe(pairs):
    assert [french for _english, french in pairs if "'" in _prose(french)] == []


def test_a_no_break_space_comes_before_colon_semicolon_question_and_exclamation_marks(pairs):
    # "1:2" or "http:" are not punctuation: the mark must end a word and be followed by a space or the end.
    wrong = [
        french for _english, french in pairs if re.search(r"[^\u00a0\u202f]([:;?!])(\s|$)", _prose(french))
    ]
    assert wrong == []
