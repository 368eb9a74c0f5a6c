"""Where the tracker keeps its data, from the environment with safe defaults."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REFERENCE_DIR = PROJECT_ROOT / "data" / "reference"


def data_dir() -> Path:
    return Path(os.environ.get("TRACKER_DATA_DIR", PROJECT_ROOT / "data"))


def database_url() -> str:
    """``DATABASE_URL`` if set, else SQLite at ``data/tracker.db``."""
    configured = os.environ.get("DATABASE_URL", "").strip()
    if configured:
        return configured
    return f"sqlite:///{data_dir() / 'tracker.db'}"
