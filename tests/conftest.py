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


@pytest.fixture(scope="session")
def source_snapshot(tmp_path_factory, shared_data) -> Path:
    """A snapshot built from the public source data with the current rules, once per run."""
    path = tmp_path_factory.mktemp("source-snapshot") / "snap.json.gz"
    from openexplorer.store import snapshot

    snapshot.write(snapshot.build(shared_data), path)
    return path


def cache_from(snapshot_path: Path, path: Path):
    """A cache at ``path`` filled from ``snapshot_path`` (open; the caller closes it)."""
    from openexplorer.db.cache import Cache
    from openexplorer.store import snapshot

    cache = Cache.open(path)
    snapshot.install(cache, snapshot_path)
    cache.conn.commit()
    return cache
