"""A damaged cache: keep it aside, save the user's own data, rebuild from the bundled snapshot.

The cache holds two kinds of data. Most of it can be rebuilt at any time: the bundled snapshot,
imports, Hub refreshes. The rest is the user's own and exists nowhere else: corrections (records
of source ``user``) and the tables the user fills by hand (:data:`USER_TABLES`: the watchlist,
rubric profiles, what changes they have seen). Recovery therefore goes:

1. :func:`read_user_data` reads the user's data from the damaged file, as much of it as can
   still be read — from a *copy* (with its ``-wal``), so the damaged file is never written to;
2. :func:`write_export` writes it to a JSON file beside the cache (``<name>.user-data-<time>.json``)
   that :func:`restore_user_data` (``openexplorer cache restore-user FILE``) can load again;
3. :func:`set_aside` renames the damaged file (and its ``-wal``/``-shm``) to
   ``<name>.damaged-<time><suffix>`` — never deleted, never overwritten;
4. :func:`openexplorer.store.cache_file.open_cache` builds a new cache from the bundled snapshot, and the
   export is restored into it.

:func:`rebuild` does all four and returns a :class:`RebuildReport` that says what was kept
where. A cache written by a newer OpenExplorer is never rebuilt
(:class:`~openexplorer.db.cache.SchemaTooNewError`): its data is not ours to replace.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openexplorer.core.records import ImportResult
from openexplorer.db.cache import Cache, CacheError, SchemaTooNewError
from openexplorer.search import summary
from openexplorer.store.cache_file import DamagedCacheError, open_cache
from openexplorer.store.ingest import ingest
from openexplorer.store.userdata import (
    EXPORT_FORMAT,
    USER_TABLES,
    RecoveryError,
    UserData,
    backup_path,
    export_path_for,
    file_stamp,
    from_json,
    merge_backup,
    read_export,
    read_user_data,
    read_user_data_from,
    record_from,
    save_backup,
    unique_path,
    write_export,
)
from openexplorer.store.writes import rebuild_release

log = logging.getLogger(__name__)

_SIDE_FILES = ("-wal", "-journal", "-shm")  # moved with the main file, -wal first


# -- restoring ----------------------------------------------------------------------------------

@dataclass
class RestoreReport:
    records: int = 0  # corrections restored
    records_present: int = 0  # already in the cache (a correction is never replaced)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows restored
    rows_present: int = 0  # rows already there (same key)
    problems: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [f"{self.records} corrections"]
        parts += [f"{n} {table.replace('_', ' ')} rows" for table, n in sorted(self.rows.items())]
        text = "restored " + ", ".join(parts)
        present = self.records_present + self.rows_present
        if present:
            text += f" ({present} already there)"
        return text


def _relink(cache: Cache, key: str, release_id: str) -> None:
    """Put the restored correction ``key`` back on ``release_id`` (it was linked there before)."""
    row = cache.conn.execute("SELECT release_id FROM records WHERE source = 'user' AND key = ?",
                             (key,)).fetchone()
    if row is None or row[0] == release_id or cache.release(release_id) is None:
        return
    old = row[0]
    with cache.conn:
        cache.begin_write()
        cache.conn.execute("UPDATE records SET release_id = ? WHERE source = 'user' AND key = ?",
                           (release_id, key))
        rebuild_release(cache, release_id, record_changes=False)
        touched = {release_id}
        if old:
            left = cache.conn.execute("SELECT 1 FROM records WHERE release_id = ? LIMIT 1",
                                      (old,)).fetchone()
            if left is None:  # a release made for the correction alone: gone with it
                for sql in ("DELETE FROM releases WHERE id = ?",
                            "DELETE FROM match_keys WHERE release_id = ?",
                            "DELETE FROM release_summary WHERE release_id = ?"):
                    cache.conn.execute(sql, (old,))
            else:
                rebuild_release(cache, old, record_changes=False)
                touched.add(old)
        summary.update(cache, touched)


def restore_user_data(cache: Cache, data: UserData) -> RestoreReport:
    """Put ``data`` (an export) into ``cache``. Corrections already there are kept as they are;
    rows of the user tables whose key is already there too. Tables this cache does not have are
    reported, not created."""
    report = RestoreReport()
    records = []
    for raw in data.records:
        try:
            records.append((record_from(raw), raw.get("release_id")))
        except (TypeError, ValueError) as exc:
            report.problems.append(f"a correction could not be restored ({exc})")
    if records:
        result = ingest(cache, ImportResult(records=[r for r, _ in records]))
        report.records = result.records
        report.records_present = result.skipped_user
        for record, release_id in records:
            if isinstance(release_id, str) and release_id:
                _relink(cache, record.key, release_id)
    existing = {r[0] for r in cache.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    with cache.conn:
        cache.begin_write()
        for table, rows in sorted(data.tables.items()):
            if table not in USER_TABLES:
                report.problems.append(f"{table}: not a table of the user's own; not restored")
                continue
            if table not in existing:
                report.problems.append(f"{table}: this cache has no such table; its {len(rows)} "
                                       "rows stay in the export")
                continue
            columns = [r[1] for r in cache.conn.execute(f'PRAGMA table_info("{table}")')]
            restored = 0
            for row in rows:
                names = [c for c in columns if c in row]
                if not names:
                    continue
                sql = (f'INSERT OR IGNORE INTO "{table}" ({", ".join(names)}) '
                       f'VALUES ({", ".join("?" for _ in names)})')
                try:
                    cursor = cache.conn.execute(sql, [from_json(row[n]) for n in names])
                except sqlite3.IntegrityError as exc:
                    report.problems.append(f"{table}: a row was not restored ({exc})")
                    continue
                if cursor.rowcount > 0:
                    restored += 1
                else:
                    report.rows_present += 1
            report.rows[table] = restored
    return report


# -- setting the damaged file aside -------------------------------------------------------------

def set_aside(path: str | Path, now: datetime | None = None) -> Path:
    """Rename ``path`` (and its -wal, -journal, -shm) to ``<stem>.damaged-<time><suffix>`` beside
    it; returns the new name. Never overwrites: an existing name gets a number."""
    path = Path(path)
    target = unique_path(path.with_name(f"{path.stem}.damaged-{file_stamp(now)}{path.suffix}"))
    try:
        # The -wal first: a -wal left beside a new file of the old name would be replayed into it.
        for suffix in _SIDE_FILES:
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.rename(side, f"{target}{suffix}")
        os.rename(path, target)
    except OSError as exc:
        raise RecoveryError(f"{path} could not be moved aside to {target} ({exc.strerror or exc});"
                            " nothing was rebuilt") from exc
    log.info("damaged cache %s kept as %s", path, target)
    return target


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


def rebuild(path: str | Path, *, restore: bool = True, force: bool = False,
            now: datetime | None = None) -> RebuildReport:
    """Recover the cache at ``path``: export the user's data, set the file aside, build a new one
    from the bundled snapshot, restore the export into it. See the module docstring.

    Refuses (:class:`SchemaTooNewError`) a cache from a newer OpenExplorer, and (RecoveryError)
    a cache that is not damaged unless ``force``.
    """
    path = Path(path)
    report = RebuildReport(path=path)
    if path.exists():
        try:
            open_cache(path, seed=False, check="always").close()
        except DamagedCacheError:
            pass
        except SchemaTooNewError:
            raise
        except CacheError as exc:
            if not force:
                raise RecoveryError(f"{exc}; not rebuilt") from exc
        else:
            if not force:
                raise RecoveryError(f"{path} is not damaged; nothing was rebuilt "
                                    "(--force rebuilds it anyway, keeping the old file aside)")
        report.found = read_user_data(path)
        backup = backup_path(path)
        if backup.exists() and (not report.found.readable or report.found.problems):
            try:
                report.found = merge_backup(report.found, read_export(backup))
            except RecoveryError as exc:
                report.found.problems.append(f"the saved copy could not be read either ({exc})")
        if report.found.readable and not report.found.empty:
            report.export = write_export(report.found, export_path_for(path, now))
        report.damaged_copy = set_aside(path, now)
    with open_cache(path, backup=False) as cache:
        report.releases = cache.count("releases")
        if restore and report.found is not None and not report.found.empty:
            report.restored = restore_user_data(cache, report.found)
        if restore:
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
