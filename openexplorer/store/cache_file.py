"""Opening the user's cache: created from the bundled snapshot on first use, checked on every open.

:func:`open_cache` is what the app and every command use. It

* creates a missing cache from the bundled snapshot *atomically*: the snapshot is installed into a
  temporary file beside it, which only takes the cache's name once it is complete, so a crash or a
  kill during the first launch never leaves half a cache behind (and two first launches at once
  both end with one complete file);
* checks the file (``PRAGMA quick_check``, its cost in docs/reliability.md, on files up to
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
      anything else (not an OpenExplorer cache, a file that cannot be read…).

What the file is, is found out read-only first (:func:`inspect`), so a file that is not ours is
never written to. A cache found *empty* (0 bytes, or no tables at all: emptied by a full disk, a
sync tool, a bad copy) is kept aside like a damaged file, a new one is built beside it from the
snapshot and swapped in (:func:`build_beside`, :func:`swap_in`), and the user's data is
restored into it from the newest copy kept beside the cache; ``notify`` is told so. A cache
missing tables its schema has is damaged. A cache in a folder that cannot be written is opened
read-only (reading works; refresh, import and restoring data say they are unavailable).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from openexplorer.core.paths import default_cache_path
from openexplorer.db import schema
from openexplorer.db.cache import (
    Cache,
    CacheBusyError,
    CacheError,
    CacheReadOnlyError,
    MissingTablesError,
    SchemaTooNewError,
    connect_readonly,
)
from openexplorer.search import summary
from openexplorer.store.restore import RestoreReport, restore_user_data
from openexplorer.store.userdata import (
    RecoveryError,
    UserData,
    file_stamp,
    newest_backup,
    read_user_data,
    read_user_data_from,
    save_backup,
    unique_path,
)

log = logging.getLogger(__name__)

__all__ = [
    "CacheBusyError",
    "CacheError",
    "CacheReadOnlyError",
    "DamagedCacheError",
    "FileState",
    "SchemaTooNewError",
    "build_beside",
    "check_integrity",
    "discard",
    "inspect",
    "is_busy",
    "is_damage",
    "open_cache",
    "seal",
    "set_aside",
    "swap_in",
]

#: Files up to this size are checked on every open; a bigger cache
#: (Hub scale) is checked by ``openexplorer cache check``, and damage met later is still reported.
CHECK_MAX_BYTES = 128 * 1024 * 1024
#: The temporary file a new cache is built in: ``.<name>.building-<pid>`` beside it.
BUILDING_INFIX = ".building-"
#: The temporary file a replacement is built in (:func:`build_beside`), swapped in when complete.
REBUILDING_INFIX = ".rebuilding-"
_SIDE_FILES = ("-wal", "-journal", "-shm")  # moved with the main file, -wal first


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


def _open_checked(path: Path, *, check: bool | str, readonly: bool = False) -> Cache:
    try:
        cache = Cache.open(path, readonly=readonly)
    except MissingTablesError as exc:
        raise DamagedCacheError(path, f"tables missing: {', '.join(exc.missing)}") from exc
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
    for infix in (BUILDING_INFIX, REBUILDING_INFIX):
        prefix = f".{path.name}{infix}"
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


@dataclass(frozen=True)
class FileState:
    """What a cache file is, found out without writing to it (:func:`inspect`).

    ``kind``: ``missing``; ``empty`` (0 bytes, or a database without a single table);
    ``ours`` (an OpenExplorer cache with every table its schema version has); ``incomplete``
    (an OpenExplorer cache missing tables: ``missing`` names them); ``foreign`` (a database of
    other tables); ``too-new`` (a newer OpenExplorer's); ``unreadable`` (not a database any more,
    or it cannot be read: ``detail`` says what SQLite or the system said).
    """

    kind: str
    detail: str = ""
    version: int = 0
    missing: tuple[str, ...] = ()
    size: int = 0


def inspect(path: str | Path) -> FileState:
    """What the file at ``path`` is, read with a read-only connection (never written).

    Without a ``-wal`` beside it the main file holds everything committed, and it is read as
    immutable, which creates no ``-wal``/``-shm`` (a damaged or foreign file is left alone,
    with nothing new beside it); with one, SQLite's ``mode=ro`` reads both."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return FileState("missing")
    except OSError as exc:
        return FileState("unreadable", exc.strerror or str(exc))
    if size == 0:
        return FileState("empty", "the file is empty: 0 bytes")
    try:
        conn = connect_readonly(path, immutable=not Path(f"{path}-wal").exists())
    except (sqlite3.Error, CacheError) as exc:
        return FileState("unreadable", str(exc), size=size)
    try:
        version = schema.schema_version(conn)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.Error as exc:
        return FileState("unreadable", str(exc), size=size)
    finally:
        conn.close()
    if version > schema.SCHEMA_VERSION:
        return FileState("too-new", f"schema version {version}", version, size=size)
    if version == 0:
        if not names:
            return FileState("empty", "the file holds no tables", size=size)
        return FileState("foreign", "this SQLite file is not an OpenExplorer cache", size=size)
    missing = tuple(sorted(schema.expected_tables(version) - names))
    if missing:
        return FileState("incomplete", f"tables missing: {', '.join(missing)}", version,
                         missing, size)
    return FileState("ours", "", version, size=size)


def discard(path: Path) -> None:
    """Remove a temporary cache file and its -wal, -shm, -journal (those that exist)."""
    for suffix in ("", *_SIDE_FILES):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def build_beside(path: Path) -> Path:
    """A new cache built from the snapshot in a temporary file beside ``path``
    (``.<name>.rebuilding-<pid>``), which is returned; ``path`` is not touched. On failure (a
    full disk…) the temporary file is removed and :class:`CacheError` says ``path`` was left as
    it was."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_builds(path)
    built = path.parent / f".{path.name}{REBUILDING_INFIX}{os.getpid()}"
    discard(built)
    try:
        create_from_snapshot(built)
        if not built.exists():
            raise CacheError("the new cache was taken by another process")
    except (sqlite3.Error, OSError, CacheError) as exc:
        discard(built)
        raise CacheError(f"a new cache could not be built beside {path} ({_reason(exc)}); "
                         f"{path} was left as it was") from exc
    return built


def seal(cache: Cache) -> None:
    """Everything of ``cache`` in its main file (no -wal), before the file is renamed."""
    cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    cache.conn.execute("PRAGMA journal_mode = DELETE")


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


def swap_in(built: Path, path: Path, now: datetime | None = None) -> Path | None:
    """Put the complete cache ``built`` in the place of ``path``; the old file (with its -wal,
    -shm) is kept as ``<stem>.damaged-<time><suffix>``, returned (None when there was none).

    The old file stays at its name until the new one replaces it in one ``os.replace``: it is
    first linked to its new name; if any step fails, what was done is undone (the old file, its
    -wal and -shm back where they were) and :class:`~openexplorer.store.userdata.RecoveryError`
    is raised; ``built`` is then the caller's to discard."""
    if not path.exists():
        _move_orphans(path)
        os.replace(built, path)
        return None
    aside = unique_path(path.with_name(f"{path.stem}.damaged-{file_stamp(now)}{path.suffix}"))
    linked = False
    moved: list[tuple[Path, Path]] = []
    try:
        try:
            os.link(path, aside)
            linked = True
        except OSError:  # a file system without hard links: renamed (a moment without a file)
            os.rename(path, aside)
            moved.append((path, aside))
        for suffix in _SIDE_FILES:  # the -wal with its file: never replayed into the new one
            side = Path(f"{path}{suffix}")
            if side.exists():
                os.rename(side, f"{aside}{suffix}")
                moved.append((side, Path(f"{aside}{suffix}")))
        os.replace(built, path)
    except OSError as exc:
        for old, new in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(new, old)
        if linked:
            with contextlib.suppress(OSError):
                aside.unlink()
        raise RecoveryError(f"the new cache could not take the place of {path} "
                            f"({exc.strerror or exc}); {path} was left as it was") from exc
    log.info("cache %s replaced; the old file kept as %s", path, aside)
    return aside


def _writable(path: Path) -> bool:
    return os.access(path.parent, os.W_OK) and os.access(path, os.W_OK)


def _replace_empty(path: Path, state: FileState, say: Callable[[str], None]) -> None:
    """A cache found empty: kept aside, a new one built beside it and swapped in, the user's
    data restored into it (from the file if it still holds any, else the newest copy beside
    it), and ``say`` told what happened."""
    data = read_user_data(path) if state.size else UserData(source=str(path))
    origin = f"{path} itself"
    if data.empty:
        data, origin = UserData(), ""
        earlier = newest_backup(path)
        if earlier is not None:
            data, origin = earlier[1], f"the copy saved {earlier[1].exported_at or ''} in " \
                f"{earlier[0]}"
    built = build_beside(path)
    restored: RestoreReport | None = None
    try:
        with Cache.open(built) as cache:
            if not data.empty:
                restored = restore_user_data(cache, data)
            seal(cache)
        if inspect(path).kind != "empty":  # another process replaced it meanwhile: theirs
            discard(built)
            return
        aside = swap_in(built, path)
    except BaseException:
        discard(built)
        raise
    line = (f"The cache at {path} was found empty ({state.detail}): it was kept as {aside} and "
            "a new one was built from the bundled snapshot.")
    if restored is not None:
        line += f" Your own data was {restored.summary()} from {origin}."
        if restored.problems:
            line += " Not restored: " + "; ".join(restored.problems[:3])
    else:
        line += " No copy of your own data was found beside it to restore."
    say(line)


def _restore_into_unfilled(cache: Cache, path: Path, say: Callable[[str], None]) -> None:
    """A cache of ours that was never filled, just filled from the snapshot in place: when it
    holds none of the user's data and a copy beside it does, that copy is restored."""
    cache.conn.execute("BEGIN")
    try:
        present = read_user_data_from(cache.conn, str(path))
    finally:
        cache.conn.rollback()
    earlier = newest_backup(path)
    if not present.empty or earlier is None:
        return
    restored = restore_user_data(cache, earlier[1])
    say(f"The cache at {path} held no data: it was filled from the bundled snapshot and your own "
        f"data was {restored.summary()} from the copy saved in {earlier[0]}.")


def open_cache(path: str | Path | None = None, *, seed: bool = True,
               check: bool | str = True, backup: bool = True,
               summaries_later: bool = False,
               summary_progress: Callable[[int, int], None] | None = None,
               notify: Callable[[str], None] | None = None) -> Cache:
    """Open the cache at ``path`` (default: the user's), filling a new one from the snapshot.

    ``seed=False`` opens an empty cache as it is (``openexplorer --db new.sqlite import …``).
    ``check=False`` skips the integrity check (its cost grows with the file; by default
    only files up to :data:`CHECK_MAX_BYTES` are checked, ``check="always"`` checks any size).
    ``backup`` keeps the copy of the user's own data beside the cache up to date
    (:func:`openexplorer.store.userdata.save_backup`). ``summaries_later``: a large cache whose
    summaries were computed under other rules is opened as it is, for the caller to bring up to
    date in the background (:func:`openexplorer.search.summary.update_to_rules`; the app does);
    otherwise it is brought up to date here, ``summary_progress(done, total)`` after each batch.
    ``notify(line)`` is told, in a sentence for the user, what was done to keep their data (a
    cache found empty, kept aside and rebuilt; a copy of an earlier cache's data beside a new
    one) or that the cache was opened read-only; without it, these go to the log as warnings.
    Raises :class:`DamagedCacheError` (also for a cache missing tables),
    :class:`SchemaTooNewError`, :class:`CacheBusyError` or :class:`CacheError` (an empty
    ``path`` too); see the module docstring.
    """
    if path is not None and str(path) == "":
        raise CacheError("an empty path is not a cache file: give a file name, or none for your "
                         "user cache")
    path = Path(path) if path else default_cache_path()
    if path.exists() and not path.is_file():
        # A device (/dev/null), a FIFO, a socket or a folder is never a cache: never set
        # aside, replaced or written (as root, /dev/null would have been renamed).
        raise CacheError(f"{path} is not a regular file, so not a cache file: give a file "
                         "name, or none for your user cache")
    say: Callable[[str], None] = notify or (lambda line: log.warning("%s", line))
    created = False
    state = inspect(path)
    if state.kind == "missing" and seed:
        created = True
        try:
            create_from_snapshot(path)
        except CacheError:
            raise
        except (sqlite3.Error, OSError) as exc:
            raise CacheError(f"a new cache could not be created at {path} ({exc})") from exc
        earlier = newest_backup(path)
        if earlier is not None:
            say(f"A new cache was built from the bundled snapshot at {path}. A copy of your own "
                f"data from an earlier cache is beside it ({earlier[1].summary()}); restore it "
                f"with: openexplorer --db {_quote(path)} cache restore-user "
                f"{_quote(earlier[0])}")
    elif state.kind == "empty" and (seed or newest_backup(path) is not None):
        # With seed=False too when a copy of the user's data is beside it: the file was their
        # cache (an import into it must not start from nothing and leave their data out).
        _replace_empty(path, state, say)
    elif state.kind == "incomplete":
        raise DamagedCacheError(path, state.detail)
    readonly = state.kind == "ours" and not _writable(path)
    try:
        cache = _open_checked(path, check=check, readonly=readonly)
    except CacheError as exc:
        cause = _sqlite_cause(exc)
        name = getattr(cause, "sqlite_errorname", "") or ""
        if readonly or state.kind != "ours" or not name.startswith(
                ("SQLITE_READONLY", "SQLITE_CANTOPEN")):
            raise
        readonly = True  # the folder cannot be written after all (a read-only mount…)
        cache = _open_checked(path, check=check, readonly=True)
    if readonly:
        say(f"{path} is in a folder (or is a file) that cannot be written: it was opened "
            "read-only. Reading works; refresh, import and restoring your data are unavailable.")
        return cache
    try:
        if seed and cache.is_empty() and cache.get_meta("snapshot_built") is None:
            # An existing cache of ours never filled (created by `Cache.open`).
            from openexplorer.store import snapshot

            report = snapshot.install(cache)
            log.info("empty cache %s filled from the bundled snapshot: %d records", path,
                     report.records)
            _restore_into_unfilled(cache, path, say)
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
