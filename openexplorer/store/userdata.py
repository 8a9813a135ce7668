"""The user's own data in a cache, and the files that keep it: exports and the copy beside it.

The cache holds two kinds of data. Most of it can be rebuilt at any time (the bundled snapshot,
imports, Hub refreshes); the rest is the user's own and exists nowhere else: corrections (records
of source ``user``) and the tables the user fills by hand (:data:`USER_TABLES`). This module
reads that data from a cache, even a damaged one (:func:`read_user_data`), writes and reads it
as a JSON export (:func:`write_export`, :func:`read_export`), and keeps a copy of it beside the
cache on every open (:func:`save_backup`, called by
:func:`openexplorer.store.cache_file.open_cache`). Putting it back into a cache and rebuilding a
damaged one are :mod:`openexplorer.store.recovery`'s.
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

from openexplorer.core.records import Assessment, SourceRecord
from openexplorer.db.cache import Cache, CacheError

__all__ = [
    "EXPORT_FORMAT", "EXPORT_VERSION", "USER_TABLES", "RecoveryError", "UserData",
    "BACKUP_GENERATIONS", "backup_generations", "backup_path", "export_path_for",
    "newest_backup", "file_stamp", "from_json", "merge_backup", "read_export",
    "read_user_data", "read_user_data_from", "record_from", "save_backup", "unique_path",
    "write_export",
]

log = logging.getLogger(__name__)

#: Tables that only the user fills (besides records of source ``user``).
USER_TABLES = ("watchlist", "rubric_profiles", "watch_seen")
EXPORT_FORMAT = "openexplorer-user-data"
EXPORT_VERSION = 1
#: How many copies of the user's data :func:`save_backup` keeps beside the cache: the newest
#: (``<stem>.user-data.json``) and the ones before it (``<stem>.user-data.1.json``, ``.2``…).
BACKUP_GENERATIONS = 5
_RECORD_FIELDS = ("source", "key", "name", "scope", "organization", "family", "release_date",
                  "hub_id", "modality", "parameters", "license", "url", "source_version",
                  "assessed_date")


class RecoveryError(CacheError):
    """A recovery step failed (an export that cannot be read, a file that cannot be moved)."""


def file_stamp(now: datetime | None = None) -> str:
    """A time as it appears in the names of exports and damaged copies (UTC, to the second)."""
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


def from_json(value: Any) -> Any:
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

def unique_path(path: Path) -> Path:
    if not path.exists() and not Path(f"{path}-wal").exists():
        return path
    for n in range(2, 10_000):
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
        if not candidate.exists() and not Path(f"{candidate}-wal").exists():
            return candidate
    raise RecoveryError(f"no free file name beside {path}")


def export_path_for(cache_path: str | Path, now: datetime | None = None) -> Path:
    cache_path = Path(cache_path)
    return unique_path(cache_path.with_name(f"{cache_path.stem}.user-data-{file_stamp(now)}.json"))


def write_export(data: UserData, out: str | Path, *, overwrite: bool = False) -> Path:
    """Write ``data`` as JSON to ``out`` (another name beside it if ``out`` exists, unless
    ``overwrite``); written to a temporary file first, so a crash leaves no half export."""
    out = Path(out)
    if not overwrite:
        out = unique_path(out)
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


def _generation_path(cache_path: Path, number: int) -> Path:
    if number == 0:
        return backup_path(cache_path)
    return cache_path.with_name(f"{cache_path.stem}.user-data.{number}.json")


def backup_generations(cache_path: str | Path) -> list[Path]:
    """The copies of the user's data beside the cache that exist, newest first."""
    cache_path = Path(cache_path)
    paths = (_generation_path(cache_path, n) for n in range(BACKUP_GENERATIONS))
    return [p for p in paths if p.exists()]


def newest_backup(cache_path: str | Path) -> tuple[Path, UserData] | None:
    """The newest copy beside the cache that can be read and holds some of the user's data."""
    for path in backup_generations(cache_path):
        try:
            data = read_export(path)
        except RecoveryError as exc:
            log.warning("%s", exc)
            continue
        if not data.empty:
            return path, data
    return None


def _keep_generation(cache_path: Path) -> None:
    """Shift the copies one generation back (the oldest beyond BACKUP_GENERATIONS goes), the
    newest one *copied* (a hard link) to ``.1``: until the new copy replaces it (atomically),
    it stays where it is."""
    for number in range(BACKUP_GENERATIONS - 1, 1, -1):
        older = _generation_path(cache_path, number - 1)
        if older.exists():
            os.replace(older, _generation_path(cache_path, number))
    newest = backup_path(cache_path)
    first = _generation_path(cache_path, 1)
    with contextlib.suppress(FileNotFoundError):
        first.unlink()
    try:
        os.link(newest, first)
    except OSError:  # a file system without hard links
        shutil.copy2(newest, first)


def save_backup(cache: Cache) -> Path | None:
    """Keep a copy of the user's own data beside the cache (when it has any, and it changed).

    :func:`openexplorer.store.cache_file.open_cache` calls this on every open, so a cache damaged
    beyond reading still leaves the user's data as it was when the cache was last opened.
    A copy is never replaced by *no* data (a cache found empty must not take the copy that is
    to bring its data back), and a changed copy keeps the one before it: the last
    :data:`BACKUP_GENERATIONS` are kept (:func:`backup_generations`). Never raises.
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
        if not data.readable or data.empty:
            return None
        if target.exists():
            with contextlib.suppress(RecoveryError):
                old = read_export(target)
                if old.records == data.records and old.tables == data.tables:
                    return target
            _keep_generation(cache.path)
        return write_export(data, target, overwrite=True)
    except Exception as exc:  # noqa: BLE001 - a backup must never stop the app
        log.warning("the copy of your own data could not be saved to %s (%s)", target,
                    _first_line(exc))
        return None


def merge_backup(found: UserData, backup: UserData) -> UserData:
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


def record_from(raw: dict[str, Any]) -> SourceRecord:
    """The correction an export entry describes (:class:`UserData` ``records``)."""
    values: dict[str, Any] = {name: raw.get(name) for name in _RECORD_FIELDS}
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

