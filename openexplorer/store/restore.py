"""Putting the user's own data (an export, a copy kept beside the cache) back into a cache.

Used by :func:`openexplorer.store.recovery.rebuild`, ``openexplorer cache restore-user`` and
:func:`openexplorer.store.cache_file.open_cache` (a cache found empty is rebuilt with the data of
the newest copy beside it). Corrections already in the cache are never replaced.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

from openexplorer.core.records import ImportResult
from openexplorer.db.cache import Cache
from openexplorer.search import summary
from openexplorer.store.ingest import ingest
from openexplorer.store.userdata import USER_TABLES, UserData, from_json, record_from
from openexplorer.store.writes import rebuild_release

__all__ = ["RestoreReport", "restore_user_data"]


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
