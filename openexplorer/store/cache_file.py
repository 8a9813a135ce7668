"""Opening the user's cache: created from the bundled snapshot on first use, checked on every open.

:func:`open_cache` is what the app and every command use. It

* creates a missing cache from the bundled snapshot *atomically*: the snapshot is installed into a
  temporary file beside it, which only takes the cache's name once it is complete, so a crash or a
  kill during the first launch never leaves half a cache behind (and two first launches at once
  both end with one complete file);
* checks the file (``PRAGMA quick_check``, about 2 ms per MB, on files up to
  :data:`CHECK_MAX_BYTES`; ``openexplorer cache check`` checks any size) and tells apart what can
  go wrong,
  each with a message a user can act on:

  :class:`DamagedCacheError`
      the file is truncated, overwritten, or not a database any more. The app offers to rebuild
      it (:func:`openexplorer.store.recovery.rebuild`: the damaged file is kept aside, the user's own
      data exported first), the command line says how (``openexplorer cache rebuild``);
  :class:`~openexplorer.db.cache.SchemaTooNewError`
      a newer OpenExplorer wrote it: never rebuilt or changed, the user updates the app or picks
      another file;
  :class:`CacheBusyError`
      another program holds a lock on it for longer than the busy timeout;
  :class:`~openexplorer.db.cache.CacheError`
      anything else (not an OpenExplorer cache, a folder we may not write to…).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from openexplorer.core.paths import default_cache_path
from openexplorer.db.cache import Cache, CacheBusyError, CacheError, SchemaTooNewError
from openexplorer.search import summary
from openexplorer.store.userdata import save_backup

log = logging.getLogger(__name__)

__all__ = [
    "CacheBusyError",
    "CacheError",
    "DamagedCacheError",
    "SchemaTooNewError",
    "check_integrity",
    "is_busy",
    "is_damage",
    "open_cache",
]

#: Files up to this size are checked on every open (about 0.25 s at the limit); a bigger cache
#: (Hub scale) is checked by ``openexplorer cache check``, and damage met later is still reported.
CHECK_MAX_BYTES = 128 * 1024 * 1024
#: The temporary file a new cache is built in: ``.<name>.building-<pid>`` beside it.
BUILDING_INFIX = ".building-"


class DamagedCacheError(CacheError):
    """The cache file is damaged (truncated, overwritten, not a database any more).

    ``path`` is the file, ``reason`` what SQLite found, in one line.
    """

    def __init__(self, path: Path, reason: str) -> None:
        self.path = Path(path)
        self.reason = reason
        super().__init__(
            f"{self.path} is not a usable OpenExplorer cache: the file is damaged ({reason}). "
            "It can be rebuilt from the bundled snapshot; the damaged file is kept aside, and "
            "your own corrections and watchlist are exported first when they can still be read: "
            f"openexplorer --db {_quote(self.path)} cache rebuild"
        )


def _quote(path: Path) -> str:
    text = str(path)
    return f"'{text}'" if any(c.isspace() for c in text) else text


def _sqlite_cause(exc: BaseException | None) -> sqlite3.Error | None:
    while exc is not None:
        if isinstance(exc, sqlite3.Error):
            return exc
        exc = exc.__cause__
    return None


def is_damage(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is SQLite saying the file is damaged."""
    if isinstance(exc, DamagedCacheError):
        return True
    cause = _sqlite_cause(exc)
    if cause is None:
        return False
    name = getattr(cause, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_CORRUPT") or name == "SQLITE_NOTADB":
        return True
    text = str(cause).lower()
    return "malformed" in text or "not a database" in text


def is_busy(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is SQLite's "database is locked"/"busy"."""
    if isinstance(exc, CacheBusyError):
        return True
    cause = _sqlite_cause(exc)
    if cause is None:
        return False
    name = getattr(cause, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    text = str(cause).lower()
    return "database is locked" in text or "database table is locked" in text


def check_integrity(cache: Cache) -> str | None:
    """None when ``PRAGMA quick_check`` finds nothing wrong, else its first finding."""
    try:
        rows = cache.conn.execute("PRAGMA quick_check(20)").fetchall()
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise
        return str(exc)
    findings = [str(r[0]) for r in rows]
    if findings == ["ok"]:
        return None
    lines = [line for f in findings for line in f.splitlines() if line and "***" not in line]
    return (lines[0] if lines else "integrity check failed") + (
        f" (and {len(lines) - 1} more problems)" if len(lines) > 1 else "")


def _open_checked(path: Path, *, check: bool | str) -> Cache:
    try:
        cache = Cache.open(path)
    except SchemaTooNewError as exc:
        raise SchemaTooNewError(
            f"{exc}. The file was left exactly as it is: a cache from a newer OpenExplorer is "
            "never rebuilt or overwritten") from exc
    except CacheError as exc:
        if is_damage(exc):
            raise DamagedCacheError(path, str(_sqlite_cause(exc))) from exc
        if is_busy(exc):
            raise CacheBusyError(path) from exc
        raise
    try:
        small = path.stat().st_size <= CHECK_MAX_BYTES
    except OSError:
        small = True
    if check == "always" or (check and small):
        try:
            problem = check_integrity(cache)
        except sqlite3.Error as exc:
            cache.close()
            raise CacheBusyError(path) from exc
        if problem is not None:
            cache.close()
            raise DamagedCacheError(path, problem)
    return cache


def _pid_alive(pid: int) -> bool:
    if os.name != "posix":
        return True  # os.kill(pid, 0) would end the process on Windows: leave the file
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def _remove_stale_builds(path: Path) -> None:
    """Temporary files of first launches that were killed (their process is gone)."""
    prefix = f".{path.name}{BUILDING_INFIX}"
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(prefix + "*"):
            pid_text = leftover.name[len(prefix):].split("-")[0]
            if pid_text.isdigit() and not _pid_alive(int(pid_text)):
                with contextlib.suppress(OSError):
                    leftover.unlink()


def _move_orphans(path: Path) -> None:
    """A -wal or -journal left without its file (deleted by hand) would be replayed into a new file
    of the same name and damage it: keep them aside under another name instead."""
    if path.exists():
        return
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for suffix in ("-wal", "-journal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            with contextlib.suppress(OSError):
                os.rename(side, side.with_name(f"{side.name}.orphaned-{stamp}"))
                log.warning("%s had no database file beside it; kept as %s.orphaned-%s",
                            side, side.name, stamp)


def create_from_snapshot(path: Path) -> None:
    """Build a new cache at ``path`` from the snapshot; ``path`` appears only when complete.

    :func:`open_cache` calls it through this module's name, so a test can put a copy of a
    cache built once in its place."""
    from openexplorer.store import snapshot  # only for a new cache: its importers slow every start

    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(path)
    building = path.parent / f".{path.name}{BUILDING_INFIX}{os.getpid()}"
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{building}{suffix}").unlink()
    try:
        with Cache.open(building) as cache:
            report = snapshot.install(cache)
            # Everything in the main file, so the rename below carries all of it.
            cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cache.conn.execute("PRAGMA journal_mode = DELETE")
        _move_orphans(path)
        try:
            # Only if nobody else got there first (two first launches at once): never replace.
            os.link(building, path)
        except FileExistsError:
            log.info("%s was created by another process meanwhile; using it", path)
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(building, path)
        else:
            log.info("new cache %s filled from the bundled snapshot: %d records", path,
                     report.records)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            with contextlib.suppress(FileNotFoundError):
                Path(f"{building}{suffix}").unlink()


def open_cache(path: str | Path | None = None, *, seed: bool = True,
               check: bool | str = True, backup: bool = True,
               summaries_later: bool = False,
               summary_progress: Callable[[int, int], None] | None = None) -> Cache:
    """Open the cache at ``path`` (default: the user's), filling a new one from the snapshot.

    ``seed=False`` opens an empty cache as it is (``openexplorer --db new.sqlite import …``).
    ``check=False`` skips the integrity check (it costs about 2 ms per MB of cache; by default
    only files up to :data:`CHECK_MAX_BYTES` are checked, ``check="always"`` checks any size).
    ``backup`` keeps the copy of the user's own data beside the cache up to date
    (:func:`openexplorer.store.userdata.save_backup`). ``summaries_later``: a large cache whose
    summaries were computed under other rules is opened as it is, for the caller to bring up to
    date in the background (:func:`openexplorer.search.summary.update_to_rules`; the app does);
    otherwise it is brought up to date here, ``summary_progress(done, total)`` after each batch.
    Raises :class:`DamagedCacheError`, :class:`SchemaTooNewError`, :class:`CacheBusyError` or
    :class:`CacheError`; see the module docstring.
    """
    path = Path(path) if path else default_cache_path()
    created = False
    if seed and not path.exists():
        created = True
        try:
            create_from_snapshot(path)
        except CacheError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise CacheError(f"a new cache could not be created at {path} ({exc})") from exc
    cache = _open_checked(path, check=check)
    try:
        if seed and cache.is_empty() and cache.get_meta("snapshot_built") is None:
            # An existing empty cache (created by `Cache.open`, or a zero-byte file).
            from openexplorer.store import snapshot

            report = snapshot.install(cache)
            log.info("empty cache %s filled from the bundled snapshot: %d records", path,
                     report.records)
        elif summary.ensure_summaries(
                cache, defer_over=summary.BACKGROUND_OVER if summaries_later else None,
                progress=summary_progress):
            log.info("release summaries of %s recomputed for changed rules", path)
    except sqlite3.Error as exc:
        cache.close()
        if is_damage(exc):
            raise DamagedCacheError(path, str(exc)) from exc
        if is_busy(exc):
            raise CacheBusyError(path) from exc
        raise CacheError(f"{path}: the cache could not be used ({exc})") from exc
    if backup and not created:
        # The user's own data, kept beside the cache in case. Not for a cache just built: a copy
        # left by the file it replaces (deleted by hand) stays until `cache restore-user`.
        save_backup(cache)
    return cache
