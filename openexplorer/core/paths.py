"""Where OpenExplorer keeps its files (platformdirs; ``--db`` or OPENEXPLORER_DB override)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "OpenExplorer"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_cache_path() -> Path:
    configured = os.environ.get("OPENEXPLORER_DB")
    return Path(configured) if configured else data_dir() / "cache.sqlite"
