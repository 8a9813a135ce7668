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

import base64
import contextlib
import json
import logging
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openexplorer.db.cache import Cache, CacheError, SchemaTooNewError
from openexplorer.core.records import Assessment, ImportResult, SourceRecord

log = logging.getLogger(__name__)

#: Tables that only the user fills (besides records of source ``user``).
USER_TABLES = ("watchlist", "rubric_profiles", "watch_seen")
EXPORT_FORMAT = "openexplorer-user-data"
EXPORT_VERSION = 1
_SIDE_FILES = ("-wal", "-journal", "-shm")  # moved with the main file, -wal first
_RECORD_FIELDS = ("source", "key", "name", "scope", "organization", "family", "release_date",
                  "hub_id", "modality", "parameters", "license", "url", "source_version",
                  "assessed_date")


class RecoveryError(CacheError):
    """A recovery step failed (an export that cannot be read, a file that cannot be moved)."""


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


# -- what the user owns -------------------------------------------------------------------------

@dataclass
class UserData:
    """The user's own data from one cache: ``records`` (corrections, as SourceRecord fields plus
    ``release_id`` and ``assessments``), ``tables`` (rows of :data:`USER_TABLES` by table), and
    ``problems``: what could not be read. ``readable`` is False when nothing could be read."""

    records: list[dict[str, Any]] = field(default_factory=list)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    readable: bool = True
    source: str | None = None
    exported_at: str | None = None
    from_backup: str | None = None  # some of it came from the copy saved then (save_backup)

    @property
    def rows(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    @property
    def empty(self) -> bool:
        return not self.records and not self.rows

    def summary(self) -> str:
        parts = [f"{len(self.records)} correction{'s' if len(self.records) != 1 else ''}"]
        for table in USER_TABLES:
            if table in self.tables:
                parts.append(f"{len(self.tables[table])} {table.replace('_', ' ')} rows")
        return ", ".join(parts)


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode("ascii")}
    return value


def _from_json(value: Any) -> Any:
    if isinstance(value, dict) and set(value) == {"$base64"}:
        return base64.b64decode(value["$base64"])
    return value


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


def _rows(conn: sqlite3.Connection, sql: str, args: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    cursor = conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [{n: _jsonable(v) for n, v in zip(names, row, strict=True)} for row in cursor]


def _read_table(conn: sqlite3.Connection, table: str, problems: list[str]) -> list[dict[str, Any]]:
    """Every readable row of ``table``: all at once, else row by row (skipping damaged pages)."""
    try:
        return _rows(conn, f'SELECT * FROM "{table}"')
    except sqlite3.DatabaseError as exc:
        problems.append(f"{table}: {_first_line(exc)}; reading row by row")
    try:
        rowids = [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}"')]
    except sqlite3.DatabaseError as exc:
        problems.append(f"{table}: its rows could not be listed ({_first_line(exc)})")
        return []
    out: list[dict[str, Any]] = []
    lost = 0
    for rowid in rowids:
        try:
            out.extend(_rows(conn, f'SELECT * FROM "{table}" WHERE rowid = ?', (rowid,)))
        except sqlite3.DatabaseError:
            lost += 1
    if lost:
        problems.append(f"{table}: {lost} rows could not be read")
    return out


def _read_records(conn: sqlite3.Connection, problems: list[str]) -> list[dict[str, Any]]:
    try:
        ids = [r[0] for r in conn.execute("SELECT id FROM records WHERE source = 'user'")]
    except sqlite3.DatabaseError as exc:
        problems.append(f"corrections: they could not be listed ({_first_line(exc)})")
        return []
    out = []
    for record_id in ids:
        try:
            row = _rows(conn, "SELECT * FROM records WHERE id = ?", (record_id,))[0]
            assessments = _rows(
                conn, "SELECT framework, component, status, value, license, license_given, "
                "urls, notes FROM assessments WHERE record_id = ? ORDER BY id", (record_id,))
        except (sqlite3.DatabaseError, IndexError) as exc:
            problems.append(f"correction {record_id}: not readable ({_first_line(exc)})")
            continue
        record = {name: row.get(name) for name in _RECORD_FIELDS}
        record["release_id"] = row.get("release_id")
        try:
            record["data"] = json.loads(row["data"]) if row.get("data") else {}
        except (TypeError, ValueError):
            record["data"] = {}
            problems.append(f"correction {row.get('key')!r}: its data column was unreadable")
        for a in assessments:
            try:
                a["urls"] = json.loads(a["urls"]) if a.get("urls") else []
            except (TypeError, ValueError):
                a["urls"] = []
            a["license_given"] = bool(a.get("license_given"))
        record["assessments"] = assessments
        out.append(record)
    return out


def read_user_data_from(conn: sqlite3.Connection, source: str | None = None) -> UserData:
    """The user's data from an open connection (one read transaction: a consistent view)."""
    data = UserData(source=source, exported_at=datetime.now(UTC).replace(microsecond=0)
                    .isoformat())
    try:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        data.readable = False
        data.problems.append(f"the file cannot be read as a database ({_first_line(exc)})")
        return data
    if "records" in names:
        data.records = _read_records(conn, data.problems)
    elif names:
        data.problems.append("the file has no records table")
    for table in USER_TABLES:
        if table in names:
            data.tables[table] = _read_table(conn, table, data.problems)
    return data


def read_user_data(path: str | Path) -> UserData:
    """The user's data from the cache file at ``path``, as much as can be read.

    Works on a copy (with the file's ``-wal``, so the last committed changes are in it): the file
    itself is never opened for writing. Never raises for a damaged file: ``readable`` is False
    and ``problems`` says why.
    """
    path = Path(path)
    folder = Path(tempfile.mkdtemp(prefix="openexplorer-recover-"))
    try:
        copy = folder / "cache.sqlite"
        try:
            shutil.copyfile(path, copy)
            wal = Path(f"{path}-wal")
            if wal.exists():
                shutil.copyfile(wal, Path(f"{copy}-wal"))
        except OSError as exc:
            return UserData(readable=False, source=str(path),
                            problems=[f"the file could not be copied ({_first_line(exc)})"])
        try:
            conn = sqlite3.connect(copy)
        except sqlite3.Error as exc:
            return UserData(readable=False, source=str(path),
                            problems=[f"the file cannot be opened ({_first_line(exc)})"])
        conn.text_factory = lambda b: b.decode("utf-8", "replace")  # damaged text stays text
        try:
            return read_user_data_from(conn, str(path))
        finally:
            conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- the export file ----------------------------------------------------------------------------

def _unique(path: Path) -> Path:
    if not path.exists() and not Path(f"{path}-wal").exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists() and not Path(f"{candidate}-wal").exists():
            return candidate
    raise RecoveryError(f"no free file name beside {path}")


def export_path_for(cache_path: str | Path, now: datetime | None = None) -> Path:
    cache_path = Path(cache_path)
    return _unique(cache_path.with_name(f"{cache_path.stem}.user-data-{_stamp(now)}.json"))


def write_export(data: UserData, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` as JSON to ``out`` (another name beside it if ``out`` exists, unless
    ``overwrite``); written to a temporary file first, so a crash leaves no half export."""
    out = Path(out)
    if not overwrite:
        out = _unique(out)
    document = {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": data.exported_at,
        "source": data.source,
        "records": data.records,
        "tables": data.tables,
        "problems": data.problems,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(document, stream, ensure_ascii=False, indent=1, sort_keys=True)
            stream.write("\n")
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, out)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    return out


def read_export(path: str | Path) -> UserData:
    """An export written by :func:`write_export`; :class:`RecoveryError` if it is not one."""
    path = Path(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RecoveryError(f"{path}: no such file") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise RecoveryError(f"{path}: not an OpenExplorer user-data export "
                            f"({_first_line(exc)})") from exc
    if not isinstance(document, dict) or document.get("format") != EXPORT_FORMAT:
        raise RecoveryError(f"{path}: not an OpenExplorer user-data export")
    if not isinstance(document.get("version"), int) or document["version"] > EXPORT_VERSION:
        raise RecoveryError(f"{path}: export version {document.get('version')!r} is newer than "
                            "this OpenExplorer understands")
    records = document.get("records") or []
    tables = document.get("tables") or {}
    if not isinstance(records, list) or not isinstance(tables, dict) or not all(
            isinstance(rows, list) for rows in tables.values()):
        raise RecoveryError(f"{path}: the export's records or tables are malformed")
    return UserData(records=[r for r in records if isinstance(r, dict)],
                    tables={str(k): [r for r in v if isinstance(r, dict)]
                            for k, v in tables.items()},
                    problems=[str(p) for p in document.get("problems") or []],
                    source=document.get("source"), exported_at=document.get("exported_at"))


# -- the copy kept beside the cache ---------------------------------------------------------------

def backup_path(cache_path: str | Path) -> Path:
    """Where :func:`save_backup` keeps the copy of the user's data: ``<stem>.user-data.json``."""
    cache_path = Path(cache_path)
    return cache_path.with_name(f"{cache_path.stem}.user-data.json")


def save_backup(cache: Cache) -> Path | None:
    """Keep a copy of the user's own data beside the cache (when it has any, and it changed).

    :func:`openexplorer.store.cache_file.open_cache` calls this on every open, so a cache damaged beyond
    reading still leaves the user's data as it was when the cache was last opened. Never raises.
    """
    if cache.path is None:
        return None
    target = backup_path(cache.path)
    try:
        began = not cache.conn.in_transaction
        if began:
            cache.conn.execute("BEGIN")  # one consistent view
        try:
            data = read_user_data_from(cache.conn, str(cache.path))
        finally:
            if began:
                cache.conn.rollback()
        if not data.readable or (data.empty and not target.exists()):
            return None
        if target.exists():
            with contextlib.suppress(RecoveryError):
                old = read_export(target)
                if old.records == data.records and old.tables == data.tables:
                    return target
        return write_export(data, target, overwrite=True)
    except Exception as exc:  # noqa: BLE001 - a backup must never stop the app
        log.warning("the copy of your own data could not be saved to %s (%s)", target,
                    _first_line(exc))
        return None


def _merge_backup(found: UserData, backup: UserData) -> UserData:
    """What was read from the damaged file, completed from the copy where it could not be read."""
    if not found.readable:
        return UserData(records=list(backup.records), tables=dict(backup.tables),
                        problems=[*found.problems], readable=True, source=found.source,
                        exported_at=found.exported_at, from_backup=backup.exported_at)
    merged = UserData(records=list(found.records), tables=dict(found.tables),
                      problems=list(found.problems), source=found.source,
                      exported_at=found.exported_at)
    damaged = " ".join(found.problems)
    used = False
    if "corrections" in damaged or "correction " in damaged or "records table" in damaged:
        keys = {r.get("key") for r in merged.records}
        extra = [r for r in backup.records if r.get("key") not in keys]
        merged.records += extra
        used = used or bool(extra)
    for table, rows in backup.tables.items():
        if table in found.tables and f"{table}:" not in damaged:
            continue
        have = {json.dumps(r, sort_keys=True) for r in merged.tables.get(table, [])}
        extra = [r for r in rows if json.dumps(r, sort_keys=True) not in have]
        merged.tables[table] = [*merged.tables.get(table, []), *extra]
        used = used or bool(extra)
    if used:
        merged.from_backup = backup.exported_at
    return merged


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


def _record_from(raw: dict[str, Any]) -> SourceRecord:
    values = {name: raw.get(name) for name in _RECORD_FIELDS}
    values["key"] = str(values["key"] or "")
    values["name"] = str(values["name"] or "")
    values["source"] = "user"
    values["scope"] = values["scope"] if values["scope"] in ("release", "family",
                                                             "organization") else "release"
    if not values["key"]:
        raise ValueError("a correction without a key")
    assessments = []
    for a in raw.get("assessments") or []:
        if not isinstance(a, dict) or not a.get("framework") or not a.get("component"):
            continue
        assessments.append(Assessment(
            framework=str(a["framework"]), component=str(a["component"]),
            status=str(a.get("status") or "unknown"), value=a.get("value"),
            license=a.get("license"), license_given=bool(a.get("license_given")),
            urls=tuple(str(u) for u in a.get("urls") or () if isinstance(u, str)),
            notes=a.get("notes")))
    data = raw.get("data")
    return SourceRecord(**values, assessments=assessments,
                        data=data if isinstance(data, dict) else {})


def _relink(cache: Cache, key: str, release_id: str) -> None:
    """Put the restored correction ``key`` back on ``release_id`` (it was linked there before)."""
    from openexplorer.search import summary

    row = cache.conn.execute("SELECT release_id FROM records WHERE source = 'user' AND key = ?",
                             (key,)).fetchone()
    if row is None or row[0] == release_id or cache.release(release_id) is None:
        return
    old = row[0]
    with cache.conn:
        cache.begin_write()
        cache.conn.execute("UPDATE records SET release_id = ? WHERE source = 'user' AND key = ?",
                           (release_id, key))
        cache.rebuild_release(release_id, record_changes=False)
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
                cache.rebuild_release(old, record_changes=False)
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
            records.append((_record_from(raw), raw.get("release_id")))
        except (TypeError, ValueError) as exc:
            report.problems.append(f"a correction could not be restored ({exc})")
    if records:
        result = cache.ingest(ImportResult(records=[r for r, _ in records]))
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
                    cursor = cache.conn.execute(sql, [_from_json(row[n]) for n in names])
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
    target = _unique(path.with_name(f"{path.stem}.damaged-{_stamp(now)}{path.suffix}"))
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
    from openexplorer.store.cache_file import DamagedCacheError, open_cache

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
                report.found = _merge_backup(report.found, read_export(backup))
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
