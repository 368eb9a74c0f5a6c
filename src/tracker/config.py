"""Where the tracker keeps its data, from the environment with safe defaults."""

from __future__ import annotations

import os
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

# The checkout (pages/, streamlit_app.py, data/) when run from it; in an installed
# package this is only meaningful for the app, which runs from a checkout.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Reference lists ship inside the package, so any install can run ``tracker init-db``.
REFERENCE_DIR: Traversable = files("tracker") / "reference"


def _in_checkout() -> bool:
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "streamlit_app.py").is_file()


def data_dir() -> Path:
    """``TRACKER_DATA_DIR`` if set; else ``data/`` of the checkout, or of the current
    folder for an installed package."""
    configured = os.environ.get("TRACKER_DATA_DIR", "").strip()
    if configured:
        return Path(configured)
    return (PROJECT_ROOT if _in_checkout() else Path.cwd()) / "data"


def database_url() -> str:
    """``DATABASE_URL`` if set, else SQLite at ``data/tracker.db``."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'tracker.db'}"


def secret_key_warning() -> str | None:
    """A sentence when ``TRACKER_SECRET_KEY`` is unset (``tracker check`` and the app's
    start-up say it): the throttle's keyed hashes then use a key that changes with every
    process, so replicas disagree and every restart forgets the failures counted."""
    if os.environ.get("TRACKER_SECRET_KEY", "").strip():
        return None
    from tracker.i18n import _

    return _(
        "Warning: TRACKER_SECRET_KEY is not set: set it to a long random value, the same on every "
        "replica (docs/security.md)."
    )
