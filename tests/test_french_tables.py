"""No English vocabulary word or stored code in the tables of a French page (issue 20.2).

The browser walk (tests/browser/test_every_page.py) reads a page's text, but a table
(``st.dataframe``) is drawn on a canvas: its cells are not in the page's text. Here every
page an admin can open (every page there is, staff pages included) runs in French on the
demo data, and every cell of every table it sends is checked against the same list of
English words and codes (tests/browser/audit.py), users' own texts taken out.
"""

from __future__ import annotations

import pandas as pd
import pytest

from tests.apptest import open_page
from tests.browser import audit
from tracker.access.permissions import pages_for

# Tables whose cells are the stored form on purpose, with the reason:
# {(page name, column): why}. Keep it short; each entry is also in docs/translation.md.
STORED_FORM: dict[tuple[str, str], str] = {}


@pytest.fixture(scope="module")
def demo_in_french(tmp_path_factory, database_templates):
    url = f"sqlite:///{tmp_path_factory.mktemp('french-tables') / 'tracker.db'}"
    database_templates.copy("demo", url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATABASE_URL", url)
        patch.setenv("TRACKER_LANG", "fr")
        yield url


def _cells(frame: pd.DataFrame, page: str) -> str:
    lines = []
    for column in frame.columns:
        if (page, str(column)) in STORED_FORM:
            continue
        lines.extend(str(v) for v in frame[column] if isinstance(v, str))
    return "\n".join(lines)


@pytest.mark.parametrize("rule", pages_for("admin"), ids=lambda rule: rule.name)
def test_a_french_pages_tables_hold_no_english_word_or_code(demo_in_french, rule):
    at = open_page(f"pages/{rule.name}.py", role="admin")
    vocabulary = audit.english_vocabulary()
    user_data = audit.user_texts(demo_in_french)
    found = {}
    for number, table in enumerate(at.dataframe):
        english = audit.english_words(_cells(table.value, rule.name), vocabulary, user_data)
        if english:
            found[f"table {number + 1} ({', '.join(map(str, table.value.columns[:4]))}…)"] = english
    assert not found, found
