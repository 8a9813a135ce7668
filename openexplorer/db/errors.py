"""What goes wrong with a cache, as exceptions every layer can catch."""

from __future__ import annotations

from pathlib import Path


class CacheError(Exception):
    """The cache cannot be opened or used (damaged file, newer schema, locked)."""


class SchemaTooNewError(CacheError):
    """The file was written by a newer OpenExplorer than this one."""


class CacheBusyError(CacheError):
    """Another program kept the cache locked for longer than the busy timeout."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        where = f" {path}" if path else ""
        super().__init__(
            f"the cache{where} is busy: another OpenExplorer window, an `openexplorer` command "
            "or another program is writing to it. Try again when it has finished."
        )

