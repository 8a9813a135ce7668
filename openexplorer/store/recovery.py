"""A damaged cache: keep it aside, save the user's own data, rebuild from the bundled snapshot.

The cache holds two kinds of data. Most of it can be rebuilt at any time: the bundled snapshot,
imports, Hub refreshes. The rest is the user's own and exists nowhere else: corrections (records
of source ``user``) and the tables the user fills by hand (:data:`USER_TABLES`: the watchlist,
rubric profiles, what changes they have seen). Recovery therefore goes:

1. :func:`read_user_data` reads the user's data from the damaged file, as much of it as can
   still be read — from a *copy* (with its ``-wal``), so the damaged file is never written to —
   completed from the newest good copy kept beside the cache
   (:func:`openexplorer.store.userdata.newest_backup`) where the file could not be read;
2. a new cache is built from the bundled snapshot in a temporary file *beside* the old one
   (:func:`~openexplorer.store.cache_file.build_beside`) and the data is restored into it;
3. :func:`write_export` writes the data to a JSON file beside the cache
   (``<name>.user-data-<time>.json``) that :func:`restore_user_data` (``openexplorer cache
   restore-user FILE``) can load again;
4. the new file takes the old one's place in one rename
   (:func:`~openexplorer.store.cache_file.swap_in`); the old file (and its ``-wal``/``-shm``) is
   kept as ``<name>.damaged-<time><suffix>`` — never deleted, never overwritten.

Until step 4 nothing is changed: a failure (a full disk) leaves the old file where it was.
:func:`rebuild` does all four and returns a :class:`RebuildReport` that says what was kept
where. A cache written by a newer OpenExplorer is never rebuilt
(:class:`~openexplorer.db.cache.SchemaTooNewError`): its data is not ours to replace.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from openexplorer.db.cache import Cache, CacheError, SchemaTooNewError
from openexplorer.store.cache_file import (
    DamagedCacheError,
    build_beside,
    discard,
    inspect,
    open_cache,
    seal,
    set_aside,
    swap_in,
)
from openexplorer.store.restore import RestoreReport, restore_user_data
from openexplorer.store.userdata import (
    EXPORT_FORMAT,
    USER_TABLES,
    RecoveryError,
    UserData,
    backup_path,
    export_path_for,
    merge_backup,
    newest_backup,
    read_export,
    read_user_data,
    read_user_data_from,
    save_backup,
    write_export,
)

log = logging.getLogger(__name__)


class RebuildRefused(RecoveryError):
    """``rebuild`` of a cache that is sound, without ``force``: nothing was done."""


# -- the whole recovery -------------------------------------------------------------------------

@dataclass
class RebuildReport:
    path: Path
    damaged_copy: Path | None = None  # where the old file now is
    export: Path | None = None  # the user's data, written before rebuilding
    found: UserData | None = None
    restored: RestoreReport | None = None
    releases: int = 0

    @property
    def user_data_lost(self) -> bool:
        return self.found is not None and not self.found.readable

    def lines(self) -> list[str]:
        """What happened, for a message box or the terminal."""
        out = [f"A new cache was built from the bundled snapshot ({self.releases} releases)."]
        if self.damaged_copy:
            out.append(f"The damaged file was kept as {self.damaged_copy}.")
        found = self.found
        if found is None:
            pass
        elif not found.readable:
            out.append("Your corrections and watchlist could not be recovered from the damaged "
                       "file: " + "; ".join(found.problems[:2]))
        elif found.empty:
            out.append("The damaged file held no corrections or watchlist of yours.")
        else:
            out.append(f"Your own data ({found.summary()}) was saved to {self.export}.")
            if found.from_backup:
                out.append("Some or all of it comes from the copy saved when the cache was last "
                           f"opened ({found.from_backup}): later changes could not be read.")
            if self.restored is not None:
                out.append(self.restored.summary().capitalize() + " into the new cache.")
            if found.problems:
                out.append("Some of it could not be read: " + "; ".join(found.problems[:3]))
        if self.restored is not None and self.restored.problems:
            out.append("Not restored: " + "; ".join(self.restored.problems[:3]))
        return out


def _completed(found: UserData, path: Path) -> UserData:
    """What was read from the file, completed from the newest good copy beside it where the
    file could not be read, was empty, or had problems."""
    missing = [table for table in USER_TABLES if table not in found.tables]
    if found.readable and not found.problems and not found.empty and not missing:
        return found  # a table missing from the file (dropped, damaged) comes from the copy
    earlier = newest_backup(path)
    if earlier is None:
        if backup_path(path).exists():
            found.problems.append("the saved copy could not be read either")
        return found
    if found.empty and found.readable and not found.problems:
        return UserData(records=list(earlier[1].records), tables=dict(earlier[1].tables),
                        source=found.source, exported_at=found.exported_at,
                        from_backup=earlier[1].exported_at)
    return merge_backup(found, earlier[1])


def rebuild(path: str | Path, *, restore: bool = True, force: bool = False,
            now: datetime | None = None) -> RebuildReport:
    """Recover the cache at ``path``: read the user's data from it, build a new cache from the
    bundled snapshot *beside* it and restore the data into that, export the data, then swap the
    new file in (the old one kept aside). See the module docstring.

    Nothing is changed until the new cache is complete: on a full disk (or any failure while
    building) the old file stays where it was, as it was, and :class:`CacheError` says so.
    Refuses (:class:`SchemaTooNewError`) a cache from a newer OpenExplorer,
    (:class:`RebuildRefused`) a sound cache unless ``force``, and (RecoveryError) a file that is
    not an OpenExplorer cache unless ``force``.
    """
    path = Path(path)
    report = RebuildReport(path=path)
    state = inspect(path)
    if state.kind == "missing":
        with open_cache(path, backup=False) as cache:
            report.releases = cache.count("releases")
        return report
    if state.kind == "too-new":
        open_cache(path, seed=False, backup=False).close()  # raises SchemaTooNewError
    sound = False
    if state.kind == "ours":
        try:
            open_cache(path, seed=False, check="always", backup=False).close()
        except DamagedCacheError:
            pass
        except SchemaTooNewError:
            raise
        except CacheError as exc:
            if not force:
                raise RecoveryError(f"{exc}; not rebuilt") from exc
        else:
            sound = True
    elif state.kind == "foreign" and not force:
        raise RecoveryError(f"{path}: {state.detail}; it was left as it is and not rebuilt "
                            "(--force keeps it aside and builds a cache in its place)")
    if sound and not force:
        raise RebuildRefused(f"{path} is sound (not damaged); nothing was rebuilt. --force "
                             "rebuilds it anyway, keeping the old file aside")
    report.found = read_user_data(path)
    if not sound:
        report.found = _completed(report.found, path)
    built = build_beside(path)
    try:
        with Cache.open(built) as cache:
            report.releases = cache.count("releases")
            if restore and not report.found.empty:
                report.restored = restore_user_data(cache, report.found)
            seal(cache)
        if report.found.readable and not report.found.empty:
            report.export = write_export(report.found, export_path_for(path, now))
        report.damaged_copy = swap_in(built, path, now)
    except BaseException as exc:
        discard(built)
        if isinstance(exc, OSError):
            raise CacheError(f"the new cache could not be finished beside {path} "
                             f"({exc.strerror or exc}); {path} was left as it was") from exc
        raise
    if restore:
        with Cache.open(path) as cache:
            save_backup(cache)
    return report


def describe(data: UserData) -> dict[str, Any]:
    """A JSON-able summary of ``data`` (for ``--format json`` and tests)."""
    return {"readable": data.readable, "corrections": len(data.records),
            "tables": {t: len(rows) for t, rows in data.tables.items()},
            "problems": list(data.problems)}


__all__ = [
    "EXPORT_FORMAT",
    "USER_TABLES",
    "RebuildRefused",
    "RebuildReport",
    "RecoveryError",
    "RestoreReport",
    "UserData",
    "backup_path",
    "describe",
    "export_path_for",
    "read_export",
    "read_user_data",
    "read_user_data_from",
    "rebuild",
    "restore_user_data",
    "save_backup",
    "set_aside",
    "write_export",
]
