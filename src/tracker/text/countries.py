"""Country codes through pycountry: ISO 3166 alpha-2 in the database, names for people."""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1024)
def to_alpha2(value: str) -> str | None:
    """The alpha-2 code for an alpha-2 or alpha-3 code or an English name, else None."""
    text = value.strip()
    if not text:
        return None
    if len(text) in (2, 3) and text.isalpha():
        if len(text) == 2:
            found = pycountry.countries.get(alpha_2=text.upper())
        else:
            found = pycountry.countries.get(alpha_3=text.upper())
        if found is not None:
            return found.alpha_2
    wanted = text.casefold()
    for country in pycountry.countries:
        names = {
            country.name,
            getattr(country, "common_name", None),
            getattr(country, "official_name", None),
        }
        if wanted in {n.casefold() for n in names if n}:
            return country.alpha_2
    return None


@lru_cache(maxsize=512)
def display_name(alpha2: str | None) -> str:
    if not alpha2:
        return ""
    found = pycountry.countries.get(alpha_2=alpha2)
    if found is None:
        return alpha2
    return getattr(found, "common_name", None) or found.name


def local_name(alpha2: str | None, language: str | None = None) -> str:
    """The country's name in the reader's language (Babel's territory names, as the
    numbers are formatted), else its English name (``display_name``)."""
    if not alpha2:
        return ""
    from tracker.text.formatting import locale

    return locale(language).territories.get(alpha2.upper()) or display_name(alpha2)
