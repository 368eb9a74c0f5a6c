"""The French catalogue covers every string the code marks, and its translations keep the placeholders.

The strings are extracted from the current code (babel.cfg: pages/, streamlit_app.py, app.py,
src/tracker/) exactly as `make messages` does (same babel.cfg, same keywords), so a string
added without its French translation fails here, whoever added it.
"""

from __future__ import annotations

import gettext
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "src" / "tracker" / "locale"
FRENCH_PO = LOCALE / "fr" / "LC_MESSAGES" / "tracker.po"
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> dict[str | tuple[str, ...], list[str]]:
    """msgid (a tuple for plurals) → where it is used, from the code as it is now."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict[str | tuple[str, ...], list[str]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, comment_tags=()
    ):
        key = tuple(message) if isinstance(message, (list, tuple)) else message
        found.setdefault(key, []).append(f"{filename}:{lineno}")
    return found


def placeholders(text: str) -> list[tuple[str, str]]:
    """The str.format fields of a text, with their format specs, sorted: {n}, {points:+.0f}…"""
    return sorted(
        (name, spec or "") for _lit, name, spec, _conv in string.Formatter().parse(text) if name is not None
    )


@pytest.fixture(scope="module")
def catalogue():
    with FRENCH_PO.open("rb") as f:
        return read_po(f)


@pytest.fixture(scope="module")
def code_messages():
    return extracted()


def test_extraction_finds_the_strings_of_every_layer(code_messages):
    places = {place.split(":")[0] for where in code_messages.values() for place in where}
    assert any(p.startswith("pages/") for p in places)
    assert "src/tracker/web/entry.py" in places  # what the entry script streamlit_app.py runs
    assert any(p.startswith("src/tracker/") for p in places)
    # Labels defined in one place and shown in another are found through N_() and ngettext.
    assert "funder" in code_messages  # a role name (permissions.py)
    assert "quarter" in code_messages  # a period (filters.py)
    assert "The username or password is not right. Check both and try again." in code_messages
    assert any(isinstance(key, tuple) for key in code_messages)
    # Strings inside f-strings (the HTML report) are found too: Babel's tokenizer misses them before 3.12.
    assert "KP Civil Society Coalition: funder summary" in code_messages


def test_every_extracted_string_has_a_french_translation(catalogue, code_messages):
    problems = []
    for key, where in sorted(code_messages.items(), key=lambda kv: str(kv[0])):
        message = catalogue.get(key[0] if isinstance(key, tuple) else key)
        shown = f"{key!r} ({where[0]})"
        if message is None:
            problems.append(f"missing from fr/tracker.po: {shown}")
            continue
        if isinstance(key, tuple) and not isinstance(message.id, tuple):
            problems.append(f"needs plural forms in fr/tracker.po (run make messages): {shown}")
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"not translated: {shown}")
        if message.fuzzy:
            problems.append(f"fuzzy (check the translation, then remove the flag): {shown}")
    assert not problems, "\n".join(problems)


def test_translations_keep_the_placeholders(catalogue):
    problems = []
    for message in catalogue:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = placeholders(ids[-1])
        for text in strings:
            if text and placeholders(text) != wanted:
                problems.append(f"{ids[0]!r}: {placeholders(text)} instead of {wanted}")
    assert not problems, "\n".join(problems)


def test_the_compiled_catalogue_matches_the_po_file(catalogue, code_messages):
    """The app reads the .mo: a .po translated but not recompiled still shows English."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "tracker.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for key in code_messages:
        message = catalogue.get(key[0] if isinstance(key, tuple) else key)
        if message is None or not message.string or message.fuzzy:
            continue  # reported by the test above
        if isinstance(key, tuple):
            if compiled.ngettext(key[0], key[1], 2) != message.string[1]:
                stale.append(key[0])
        elif compiled.gettext(key) != message.string:
            stale.append(key)
    assert not stale, "recompile the .mo (make messages): " + "; ".join(map(repr, stale[:10]))


def test_placeholder_check_catches_a_dropped_or_renamed_field():
    assert placeholders("Import {n} activities") == [("n", "")]
    assert placeholders("Importer {count} activités") != placeholders("Import {n} activities")
    assert placeholders("{value:,.1f} jours-personne") == [("value", ",.1f")]


def test_french_plural_forms_follow_the_count(monkeypatch):
    from tracker import i18n

    monkeypatch.setenv("TRACKER_LANG", "fr")
    one = i18n.ngettext("Import {n} activity", "Import {n} activities", 1).format(n=1)
    two = i18n.ngettext("Import {n} activity", "Import {n} activities", 2).format(n=2)
    assert (one, two) == ("Importer 1 activité", "Importer 2 activités")
    assert i18n._("funder") == "bailleur de fonds"
