"""Opening the user's cache: created from the bundled snapshot on first use."""

from __future__ import annotations

import logging
from pathlib import Path

from openexplorer import snapshot, summary
from openexplorer.cache import Cache
from openexplorer.paths import default_cache_path

log = logging.getLogger(__name__)


def open_cache(path: str | Path | None = None, *, seed: bool = True) -> Cache:
    """Open the cache at ``path`` (default: the user's), filling an empty one from the snapshot.

    ``seed=False`` opens an empty cache as it is (``openexplorer --db new.sqlite import …``).
    """
    path = Path(path) if path else default_cache_path()
    cache = Cache.open(path)
    if seed and cache.is_empty() and cache.get_meta("snapshot_built") is None:
        report = snapshot.install(cache)
        log.info("new cache %s filled from the bundled snapshot: %d records", path,
                 report.records)
    elif summary.ensure_summaries(cache):
        log.info("release summaries of %s recomputed for changed rules", path)
    return cache
