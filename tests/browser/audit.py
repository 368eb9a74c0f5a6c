"""The checks the page walk (test_every_page.py) runs on every page: axe-core's accessibility
audit, sideways scrolling, clipped text in metrics and buttons, English words on French pages.

axe-core comes from the npm registry (package.json, package-lock.json; ``npm ci`` in `.ci/run`
and `make install-dev`) and is injected into the page from node_modules/: no network at test time.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from tracker import i18n
from tracker.config import PROJECT_ROOT
from tracker.db import database, models
from tracker.vocabulary import KINDS, LABELS

AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA: what the issue asks (no best-practice or AAA rules).
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
BLOCKING_IMPACTS = ("serious", "critical")
# heading-order is a best-practice rule (moderate), not a WCAG tag: run on its own and held to zero too.
EXTRA_RULES = ("heading-order",)

# Rules switched off for one selector, each because the markup is Streamlit's own and no
# option, theme setting or CSS of ours can change it. Keep this empty where possible and
# explain every entry in docs/accessibility.md. {rule id: (CSS selector excluded, why)}
AXE_EXCEPTIONS: dict[str, tuple[str, str]] = {}


def axe_script() -> Path:
    """The installed axe-core, or a skip (locally) / a failure (CI, TRACKER_REQUIRE_AXE) without it."""
    if AXE_SCRIPT.exists():
        return AXE_SCRIPT
    reason = f"axe-core is not installed ({AXE_SCRIPT} missing): run `npm ci --no-audit --no-fund`"
    if os.environ.get("CI") or os.environ.get("TRACKER_REQUIRE_AXE"):
        pytest.fail(reason + " (CI or TRACKER_REQUIRE_AXE is set: the audit is required)")
    pytest.skip(reason)


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.0/2.1 A/AA violations, and any heading-order one,
    on the page as it is now (axe is injected once per loaded document)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    exclude = [[selector] for selector, _why in AXE_EXCEPTIONS.values()]
    # One pass: the WCAG rules by tag and the extra rules by id, as one list of rules (two
    # passes cost a second walk of the whole page, on every page at both widths).
    results = page.evaluate(
        """async ([tags, extra, exclude]) => {
            // As a run by tag chooses: no experimental or deprecated rule.
            const rules = axe.getRules(tags)
                .filter(r => !r.tags.includes('experimental') && !r.tags.includes('deprecated'))
                .map(r => r.ruleId).concat(extra);
            const found = await axe.run({include: [document], exclude: exclude},
                                        {runOnly: {type: 'rule', values: rules},
                                         resultTypes: ['violations']});
            return found.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.map(n => n.target.join(' ')),
                summary: v.nodes.slice(0, 3).map(n => n.failureSummary),
            }));
        }""",
        [list(WCAG_TAGS), list(EXTRA_RULES), exclude],
    )
    return [v for v in results if v["impact"] in BLOCKING_IMPACTS or v["id"] in EXTRA_RULES]


def describe_violations(violations: Iterable[dict[str, Any]]) -> str:
    return "; ".join(
        f"{v['id']} ({v['impact']}) at {v['targets'][:5]}: {v['summary'][:1]}" for v in violations
    )


def page_width(page: Any) -> int:
    """How wide the page scrolls: the document's width, or that of Streamlit's main area,
    which scrolls on its own (overflow: auto) and so never widens the document."""
    return int(
        page.evaluate(
            """() => Math.max(document.scrollingElement.scrollWidth,
                              document.querySelector('[data-testid=stMain]')?.scrollWidth ?? 0)"""
        )
    )


CLIPPABLE = "[data-testid=stMetricValue], [data-testid=stMetricLabel], button"


def clipped_texts(page: Any) -> list[str]:
    """Visible metric values and labels and buttons (or a descendant: Streamlit puts the
    ellipsis on an inner element) whose text is wider than its box."""
    return list(
        page.evaluate(
            """selector => {
                const clipped = [];
                for (const outer of document.querySelectorAll(selector)) {
                    if (!outer.checkVisibility() || outer.closest('[aria-hidden=true]')) continue;
                    for (const e of [outer, ...outer.querySelectorAll('*')]) {
                        if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1
                            && e.innerText && e.innerText.trim()) {
                            clipped.push(outer.innerText.trim().slice(0, 80));
                            break;
                        }
                    }
                }
                return clipped;
            }""",
            CLIPPABLE,
        )
    )


# ---- English vocabulary on French pages ---------------------------------------------------------
# Every stored code and English display label of tracker.vocabulary, plus Streamlit's own
# multiselect placeholders, except the words a French page may rightly show: labels whose French
# translation is the same word (National, public, Publication) and the three below.
NOT_ENGLISH_LEAKS = {
    "KP": "the acronym: the glossary's choice between KP and PK is the lead's (issue 20.2)",
    "UN": "matched without case, it is the French article « un »",
    "met": "a French word too (« il met »); the status reads as the phrase « not met »",
}
STREAMLIT_ENGLISH = ("Choose options", "Choose an option")


def english_vocabulary() -> tuple[str, ...]:
    """The English words and codes no French page may show, longest first."""
    with i18n.use_language("fr"):
        french_too = {
            text
            for labels in LABELS.values()
            for text in labels.values()
            if i18n._(text).casefold() == text.casefold()
        }
    words = {code for codes in KINDS.values() for code in codes}
    words |= {text for labels in LABELS.values() for text in labels.values()}
    words = {word for word in words if word.casefold() not in {w.casefold() for w in french_too}}
    words -= set(NOT_ENGLISH_LEAKS)
    return tuple(sorted(words | set(STREAMLIT_ENGLISH), key=len, reverse=True))


# Free-text columns of the demo data: titles, names, statements, notes. Their English is the
# user's own words (a demo title may say "side event" or "policy"), not the interface's.
USER_TEXT_COLUMNS = (
    models.Activity.title,
    models.Activity.description,
    models.Activity.outcome,
    models.Forum.name,
    models.Forum.description,
    models.ForumEvent.name,
    models.ForumEvent.place,
    models.ForumEvent.note,
    models.ForumEvent.source,  # a citation ("EU statement") or a link
    models.Theme.name,
    models.Theme.description,
    models.Organisation.name,
    models.Grant.title,
    models.Grant.funder,
    models.Outcome.statement,
    models.Outcome.social_actor,
    models.Outcome.significance,
    models.Outcome.contribution,
    models.Target.note,
    models.Target.scope,
    models.User.display_name,
    models.User.organisation,
    models.Submission.note,
    models.Submission.comment,
    models.Submission.reason,
)


def user_texts(database_url: str) -> tuple[str, ...]:
    """Every free text stored in the app's database, longest first."""
    engine = database.open_database(database_url)
    try:
        with database.session_factory(engine)() as session:
            found = {
                value.strip()
                for column in USER_TEXT_COLUMNS
                for value in session.scalars(select(column).where(column.is_not(None)))
                if isinstance(value, str) and value.strip()
            }
    finally:
        engine.dispose()
    return tuple(sorted(found, key=len, reverse=True))


def english_words(text: str, words: Iterable[str], user_data: tuple[str, ...]) -> list[str]:
    """The vocabulary ``words`` (whole words, any case) left in a page's ``text`` once the user's
    own words are taken out: every stored text where it appears whole, and every line that is
    the start of one (a long title cut with an ellipsis)."""
    for stored in user_data:
        text = text.replace(stored, "\n")
    kept = []
    for line in text.splitlines():
        bare = line.strip().rstrip("…").rstrip(".").strip()
        if len(bare) >= 15 and any(stored.startswith(bare) for stored in user_data):
            continue
        kept.append(line)
    remaining = "\n".join(kept)
    found = []
    for word in words:
        pattern = re.compile(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", re.IGNORECASE)
        if pattern.search(remaining):
            found.append(word)
            remaining = pattern.sub(" ", remaining)
    return found
