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


GLOSSARY_DOC = Path(__file__).resolve().parents[1] / "docs" / "translation.md"
FRENCH_DOCS = sorted((Path(__file__).resolve().parents[1] / "docs" / "fr").glob("*.md"))


def glossary() -> list[tuple[str, str, list[str]]]:
    """(English, French, the variants not to use) for each row of docs/translation.md's glossary."""
    text = GLOSSARY_DOC.read_text(encoding="utf-8")
    section = text.split("## Glossary", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in {"English", "---"}:
            continue
        rows.append((cells[0], cells[1], [v.strip() for v in cells[2].split(";") if v.strip()]))
    return rows


def _variant_pattern(variant: str) -> re.Pattern[str]:
    # An all-capitals abbreviation (ID) is matched as written; words in any case.
    flags = 0 if variant.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w’-]){re.escape(variant)}(?![\w-])", flags)


def test_the_glossary_has_a_french_term_and_variants_for_each_concept():
    rows = glossary()
    assert len(rows) >= 15
    assert all(french and variants for _english, french, variants in rows)
    staff_days = ("staff-days", "jours-personne", ["jours de travail", "jours-homme", "journées de travail"])
    assert staff_days in rows


def test_one_term_per_concept_in_the_catalogue_and_the_french_docs(pairs):
    checks = [(english, v, _variant_pattern(v)) for english, _fr, variants in glossary() for v in variants]
    texts = [(f"msgid {english[:50]!r}", _prose(french)) for english, french in pairs]
    texts += [(path.name, _prose(path.read_text(encoding="utf-8"))) for path in FRENCH_DOCS]
    found = [
        (where, concept, variant)
        for where, text in texts
        for concept, variant, pattern in checks
        if pattern.search(text)
    ]
    assert found == []


def test_the_glossary_check_catches_a_variant():
    assert _variant_pattern("jours de travail").search("Part du PK en jours de travail")
    assert _variant_pattern("ID").search("son ID")
    assert not _variant_pattern("ID").search("son identifiant")
    assert not _variant_pattern("don").search("donnez-en un autre")
