"""Test configuration shared by every test.

Network: the Hub is never contacted. HF_HUB_OFFLINE is set before anything imports
huggingface_hub (it is read at import time); suites that talk to the local fake Hub override the
endpoint themselves.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never touch the user's own cache: commands run without --db use a throw-away one.
os.environ["OPENEXPLORER_DB"] = str(Path(tempfile.mkdtemp(prefix="openexplorer-")) / "c.sqlite")

pytest_plugins = ["tests.fake_hub"]  # the local fake Hub server fixture

REPO = Path(__file__).resolve().parent.parent


def _shared_data() -> Path:
    configured = os.environ.get("OPENEXPLORER_SHARED_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


SHARED_DATA = _shared_data()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public source data (../shared/data). Tests that need it skip, saying why, without it."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"public source data not found at {SHARED_DATA} "
            "(set OPENEXPLORER_SHARED_DATA or place shared/ beside the repository)"
        )
    return SHARED_DATA
