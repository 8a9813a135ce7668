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



class CacheReadOnlyError(CacheError):
    """The cache was opened read-only (its folder or file cannot be written): reading works,
    writing (refresh, import, restoring the user's data) does not."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        where = f" {path}" if path else ""
        super().__init__(
            f"the cache{where} is open read-only (its folder or the file cannot be written): "
            "refresh, import and restoring your data are unavailable; reading works. Move it to "
            "a folder you may write to, or choose another cache with --db."
        )


class MissingTablesError(CacheError):
    """An OpenExplorer cache without some of the tables its schema version has (dropped by
    another program, or a file put together by hand): not what OpenExplorer wrote."""

    def __init__(self, path: Path | None, missing: list[str]) -> None:
        self.path = path
        self.missing = sorted(missing)
        super().__init__(f"{path}: tables missing: {', '.join(self.missing)}")
