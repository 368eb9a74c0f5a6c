"""The activity form's choices on the Report an activity and Review pages, for a role:
a member is offered no name that only restricted records carry."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from sqlalchemy.orm import Session

from tracker.access.permissions import EDITORS
from tracker.records.entry import FormOptions, form_options
from tracker.results.analytics import restricted_only_names


def form_options_for(
    session: Session, role: str | None, proposed: Mapping[str, str] | None = None
) -> FormOptions:
    """The Add activity form's choices for this role: for a member, no name that only
    restricted records carry and no grant list; with ``proposed`` cells, their forum and
    organisations are offered too (a reviewer edits what the member proposed)."""
    options = form_options(session)
    hidden = restricted_only_names(session, role)
    if role not in EDITORS:
        options = replace(
            options,
            forums=[f for f in options.forums if f not in hidden.forums],
            events=[e for e in options.events if e.id not in hidden.events],
            organisations=[o for o in options.organisations if o not in hidden.organisations],
            countries={c: n for c, n in options.countries.items() if c not in hidden.countries},
            grants=[],
        )
    if proposed:
        forum = proposed.get("forum", "")
        organisations = [n.strip() for n in proposed.get("organisations", "").split(";") if n.strip()]
        options = replace(
            options,
            forums=sorted({*options.forums, *([forum] if forum else [])}, key=str.casefold),
            organisations=sorted({*options.organisations, *organisations}, key=str.casefold),
        )
    return options
