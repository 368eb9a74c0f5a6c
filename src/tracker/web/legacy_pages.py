"""The one switch out of Streamlit's legacy multipage mode (a private attribute of Streamlit 1.67).

Kept apart from the rest of ``tracker.web`` so the server can import it when it loads
``streamlit_app.py`` without loading the pages' cached reads.
"""

from __future__ import annotations

from streamlit.runtime.pages_manager import PagesManager


def navigate_through_entry_script() -> None:
    """Leave Streamlit's legacy multipage mode: every run goes through ``streamlit_app.py``.

    Streamlit 1.67 sets the private ``PagesManager.uses_pages_directory`` from the
    existence of a ``pages/`` folder beside the main script and, while it is true, serves
    the files of ``pages/`` directly, bypassing the entry script (a shared link opened
    first after a restart then showed "Page not found"). ``st.navigation`` turns it off
    on its first call; this turns it off before any session runs. The only place in the
    code that touches it: ``tests/test_access.py`` checks the attribute still exists and
    that nothing else assigns it (docs/architecture.md, "Entry point").

    Called when the server imports ``streamlit_app.py``, and by the role guard
    (``tracker.web.auth.require``) if a page is ever reached without the entry script.
    """
    PagesManager.uses_pages_directory = False
