"""One gettext-style ``_()`` for every user-facing string.

A translation is a file: ``locale/<lang>/LC_MESSAGES/tracker.mo`` compiled from a ``.po``.
The language comes from ``TRACKER_LANG`` (e.g. ``fr``); without a catalogue the English
source text is shown. ``use_language`` overrides it for one reader (a report or an e-mail
in the reader's language) without touching anyone else's.
"""

from __future__ import annotations

import contextlib
import contextvars
import gettext
import os
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from babel.core import negotiate_locale

LOCALE_DIR = Path(__file__).parent / "locale"
SOURCE_LANGUAGE = "en"
_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("tracker_language", default=None)


@lru_cache(maxsize=8)
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation("tracker", LOCALE_DIR, languages=[language], fallback=True)


def available_languages() -> list[str]:
    """English (the source) and every language with a compiled catalogue."""
    found = sorted(p.parent.parent.name for p in LOCALE_DIR.glob("*/LC_MESSAGES/tracker.mo"))
    return [SOURCE_LANGUAGE, *[lang for lang in found if lang != SOURCE_LANGUAGE]]


def current_language() -> str:
    return _override.get() or os.environ.get("TRACKER_LANG", SOURCE_LANGUAGE)


def set_language(language: str | None) -> None:
    """Speak ``language`` from now on in this thread or task (one Streamlit script run);
    None: the default language."""
    _override.set(language)


@contextlib.contextmanager
def use_language(language: str | None) -> Iterator[None]:
    """Speak ``language`` inside the block (None: the default language)."""
    token = _override.set(language)
    try:
        yield
    finally:
        _override.reset(token)


def _(message: str) -> str:
    return _translation(current_language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a string for translation where it is defined; ``_()`` translates it where shown."""
    return message


# Table headers: data columns keep their names (exports, tests, code); the screen shows these.
COLUMN_LABELS = {
    "id": N_("Id"),
    "period": N_("Period"),
    "period_start": N_("First day of the period"),
    "by_count": N_("KP share by activities"),
    "by_effort": N_("KP share by staff-days"),
    "outcomes": N_("Outcomes"),
    "date": N_("Date"),
    "end": N_("Last day"),
    "start": N_("First day"),
    "title": N_("Title"),
    "forum": N_("Forum"),
    "category": N_("Category"),
    "themes": N_("Themes"),
    "theme": N_("Theme"),
    "activity_type": N_("Activity type"),
    "organisations": N_("Organisations"),
    "organisation": N_("Organisation"),
    "country": N_("Country"),
    "country_code": N_("Country code"),
    "effort_days": N_("Staff-days"),
    "cost_usd": N_("Cost (US$)"),
    "confidentiality": N_("Confidentiality"),
    "outcome": N_("Outcome"),
    "activities": N_("Activities"),
    "description": N_("Description"),
    "event": N_("Event"),
    "place": N_("Place"),
    "verified": N_("Verified"),
    "source": N_("Source"),
    "username": N_("Username"),
    "display_name": N_("Display name"),
    "role": N_("Role"),
    "email": N_("E-mail"),
    "active": N_("Active"),
    "at": N_("When (UTC)"),
    "actor": N_("Who"),
    "action": N_("What"),
    "entity": N_("Record type"),
    "entity_id": N_("Record id"),
    "changes": N_("Changes"),
    "version": N_("Version"),
    "deleted_at": N_("Deleted on (UTC)"),
    "deleted_by": N_("Deleted by"),
    "row": N_("Row"),
    "result": N_("Result"),
    "problems": N_("Problems"),
    "outcome_id": N_("Outcome id"),
    "change_type": N_("Type of change"),
    "social_actor": N_("Social actor"),
    "statement": N_("Outcome statement"),
    "substantiation": N_("Substantiation"),
    "positive": N_("Positive"),
    "intended": N_("Intended"),
    "deleted": N_("Deleted"),
    "year": N_("Year"),
    "measure": N_("Measure"),
    "scope": N_("Scope"),
    "direction": N_("Direction"),
    "target": N_("Target"),
    "actual": N_("Actual"),
    "status": N_("Status"),
    "baseline_year": N_("Baseline year"),
    "baseline": N_("Baseline"),
    "note": N_("Note"),
    "kp_share": N_("KP share"),
    # the Users page's accounts table
    "email_verified": N_("E-mail confirmed"),
    "is_demo": N_("Demo account"),
    "last_login_at": N_("Last log-in (UTC)"),
}


def column_labels(columns: Iterable[object]) -> dict[str, str]:
    """Headers in the current language for st.dataframe(column_config=...): the frame itself is unchanged."""
    return {c: _(COLUMN_LABELS[c]) for c in columns if isinstance(c, str) and c in COLUMN_LABELS}


def negotiate(accept_language: str) -> str | None:
    """The available language an HTTP ``Accept-Language`` header prefers (``fr-CH,fr;q=0.9,en;q=0.8``
    gives ``fr``), or None when it names none of them."""
    wanted: list[tuple[float, str]] = []
    for part in accept_language.split(","):
        tag, _sep, quality = part.strip().partition(";q=")
        try:
            weight = float(quality) if quality else 1.0
        except ValueError:
            continue
        if tag and weight > 0:
            wanted.append((weight, tag.strip()))
    preferred = [tag for _weight, tag in sorted(wanted, key=lambda pair: -pair[0])]
    return negotiate_locale(preferred, available_languages(), sep="-")
