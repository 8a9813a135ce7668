"""The local SQLite cache: the connection, its meta values and its reads.

A plain SQLite file with readable table names (open it with Datasette or the sqlite-utils CLI):

``releases``       one row per release, its headline facts merged from every linked record
``families``       releases that belong together (Llama, OLMo…)
``organizations``  who released them, with a kind (big-tech, company, academic, public) and country
``records``        what each source says about a release, family or organisation (one per source+key)
``assessments``    the per-component judgements inside a record
``changes``        every fact that changed on import or refresh: old, new, when, which source
``meta``           schema version, snapshot date

Framework views (MOF class, index score, OSAID verdict) are computed from ``assessments`` on read
(see :mod:`openexplorer.views.release`), never stored, so a rule change needs no migration.

One writer at a time: writes happen in a single transaction per batch; WAL lets readers go on.

The schema and its migrations are in :mod:`openexplorer.db.schema`, the text index in
:mod:`openexplorer.db.fts`; writing records (import, refresh) is
:func:`openexplorer.store.ingest.ingest`. The errors (:class:`CacheError` and its kinds) are
importable from here as from :mod:`openexplorer.db.errors`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from openexplorer.core.records import Assessment
from openexplorer.db import schema
from openexplorer.db.errors import (
    CacheBusyError,
    CacheError,
    CacheReadOnlyError,
    MissingTablesError,
    SchemaTooNewError,
)
from openexplorer.db.fts import (
    SEARCH_KEY_ROWID_MASK,
    popularity_of,
    quote_fts,
    register_functions,
)
from openexplorer.db.record_links import link_commit, urls_read
from openexplorer.db.schema import SCHEMA_VERSION

__all__ = [
    "BUSY_TIMEOUT_MS", "FAMILY_RELEASES_LIMIT", "SCHEMA_VERSION", "SEARCH_KEY_ROWID_MASK",
    "Cache", "CacheBusyError", "CacheError", "CacheReadOnlyError", "MissingTablesError",
    "SchemaTooNewError", "connect_readonly", "iter_batches",
    "popularity_of", "quote_fts",
]

BUSY_TIMEOUT_MS = 10_000
#: Releases of a family listed with a release (Cache.family_releases): the curated ones and the
#: most downloaded Hub-only ones.
FAMILY_RELEASES_LIMIT = 200

_T = TypeVar("_T")


def connect_readonly(path: Path, *, immutable: bool = False) -> sqlite3.Connection:
    """A read-only connection to the file at ``path``, which is never written: SQLite's
    ``mode=ro``, or ``immutable=1`` when that cannot read (a WAL file whose ``-shm`` cannot be
    created or opened, in a folder that cannot be written) or when asked (``immutable``: reads
    the main file alone and creates no ``-wal``/``-shm`` beside it, as ``mode=ro`` does for a
    WAL file). :class:`CacheError` when there is no such file."""
    if not path.exists():
        raise CacheError(f"{path}: no such cache file")
    uri = path.resolve().as_uri()
    if immutable:
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)
    conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "unable to open" not in str(exc) and "readonly" not in str(exc):
            raise
    return sqlite3.connect(f"{uri}?immutable=1", uri=True, check_same_thread=False)


class _Database:
    """The cache's connection, set up as sqlite-utils' ``Database`` set it up (recursive triggers
    on), without importing sqlite-utils and numpy: only the connection was ever used, and the
    import was a sixth of the app's start-up."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = on")
        register_functions(conn)  # the text index's triggers fold their text (migration 7)


class Cache:
    """The SQLite cache. Open with :meth:`open`; use as a context manager to close it."""

    def __init__(self, db: _Database, path: Path | None, *, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        #: Opened read-only (:meth:`open`): every write is refused with CacheReadOnlyError.
        self.readonly = readonly
        self._columns_cache: tuple[int, list[str]] | None = None

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Cache:
        """Open (creating if needed) the cache at ``path`` and bring its schema up to date.

        The file is checked to be an OpenExplorer cache (:func:`openexplorer.db.schema.check_ours`)
        before anything writes to it, even the switch to WAL: a foreign, newer or incomplete file
        stays byte for byte as it was. ``readonly`` opens it with SQLite's ``mode=ro`` (for a
        folder that cannot be written), or ``immutable`` where even that cannot be had (a WAL
        file whose ``-shm`` cannot be opened): reads work, :meth:`begin_write` raises
        :class:`CacheReadOnlyError`; a file of an older schema is refused (it cannot be migrated).
        """
        path = Path(path)
        if str(path) in ("", "."):
            raise CacheError("an empty path is not a cache file")
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                conn = connect_readonly(path)
            else:
                conn = sqlite3.connect(str(path), check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cache = cls(_Database(conn), path, readonly=readonly)
            # Check before anything writes: a newer or foreign file must stay byte for byte.
            schema.check_ours(conn, path)
            if readonly and schema.schema_version(conn) < SCHEMA_VERSION:
                raise CacheError(
                    f"{path}: this cache has schema {schema.schema_version(conn)} and needs "
                    f"updating to {SCHEMA_VERSION}, but it is read-only (its folder or the file "
                    "cannot be written)")
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                schema.migrate(conn, path)
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise CacheError(f"{path}: not a usable OpenExplorer cache ({exc})") from exc
        except CacheError:
            if conn is not None:
                conn.close()
            raise
        return cache

    @classmethod
    def memory(cls) -> Cache:
        """An in-memory cache (tests, one-off commands)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        cache = cls(_Database(conn), None)
        schema.migrate(conn, None)
        return cache

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def schema_version(self) -> int:
        return schema.schema_version(self.conn)

    # -- meta ------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def begin_write(self) -> None:
        """Start a write transaction by taking the write lock first (``BEGIN IMMEDIATE``, waiting
        up to the busy timeout): one writer at a time, and nothing read inside the transaction
        can be outdated by another writer's commit. :class:`CacheBusyError` when the lock is not
        had in time. Does nothing inside a transaction already begun."""
        if self.readonly:
            raise CacheReadOnlyError(self.path)
        if self.conn.in_transaction:
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise CacheBusyError(self.path) from exc
            raise

    def set_meta(self, key: str, value: str) -> None:
        with self.conn:
            self.begin_write()
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def is_empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None


    # -- reading -------------------------------------------------------------------------------

    def release(self, release_id: str) -> dict[str, Any] | None:
        cursor = self.conn.execute("SELECT * FROM releases WHERE id = ?", (release_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def resolve(self, text: str) -> str | None:
        """The release id for what a user typed: an id, a Hub repo id, or an exact name."""
        text = text.strip()
        if not text:
            return None
        for sql in (
            "SELECT id FROM releases WHERE id = ?",
            "SELECT id FROM releases WHERE id = ? COLLATE NOCASE",
            "SELECT id FROM releases WHERE hub_id = ? COLLATE NOCASE",
            "SELECT id FROM releases WHERE name = ? COLLATE NOCASE ORDER BY release_date DESC",
        ):
            row = self.conn.execute(sql, (text,)).fetchone()
            if row:
                return str(row[0])
        row = self.conn.execute(
            "SELECT release_id FROM records WHERE key = ? COLLATE NOCASE "
            "AND release_id IS NOT NULL", (text,)
        ).fetchone()
        return str(row[0]) if row else None

    def records_for(self, release_id: str) -> list[dict[str, Any]]:
        """Every record that speaks about a release: its own, its family's, its organisation's."""
        release = self.release(release_id)
        if release is None:
            return []
        cursor = self.conn.execute(
            "SELECT * FROM records WHERE release_id = ? "
            "OR (scope = 'family' AND family_id IS NOT NULL AND family_id = ?) "
            "OR (scope = 'organization' AND organization_id IS NOT NULL "
            "    AND organization_id = ?) "
            "ORDER BY source, assessed_date DESC, key",
            (release_id, release["family_id"], release["organization_id"]),
        )
        names = [d[0] for d in cursor.description]
        records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        # Every record's assessments in one query (a release has a few records).
        by_record: dict[int, list[Assessment]] = {record["id"]: [] for record in records}
        commits = {record["id"]: link_commit(record["source"], record["source_version"])
                   for record in records}
        if by_record:
            marks = ", ".join("?" for _ in by_record)
            for row in self.conn.execute(
                "SELECT record_id, framework, component, status, value, license, "
                f"license_given, urls, notes FROM assessments WHERE record_id IN ({marks}) "
                "ORDER BY record_id, id", tuple(by_record),
            ):
                by_record[row[0]].append(Assessment(
                    framework=row[1], component=row[2], status=row[3], value=row[4],
                    license=row[5], license_given=bool(row[6]),
                    urls=urls_read(row[7], commits[row[0]]), notes=row[8]))
        for record in records:
            record["data"] = json.loads(record["data"]) if record["data"] else {}
            record["assessments"] = by_record[record["id"]]
        return records

    def family_releases(
        self, family_id: str, *, limit: int | None = FAMILY_RELEASES_LIMIT
    ) -> list[dict[str, Any]]:
        """The family's releases in date order: every curated one, then as many Hub-only ones
        as ``limit`` leaves room for, the most downloaded (a family on the Hub can have a
        quarter of a million fine-tunes and copies; :meth:`family_size` counts them all)."""
        names = ("id", "name", "release_date")
        rows = self.conn.execute(
            "SELECT id, name, release_date FROM releases WHERE family_id = ? "
            "AND (origin < 'hub' OR origin > 'hub')", (family_id,)).fetchall()
        room = -1 if limit is None else max(0, limit - len(rows))
        if room:
            rows += self.conn.execute(
                "SELECT id, name, release_date FROM releases WHERE family_id = ? "
                "AND origin = 'hub' ORDER BY popularity DESC, rowid LIMIT ?",
                (family_id, room)).fetchall()
        rows.sort(key=lambda r: (r[2] is None, r[2] or "", r[1] or ""))
        return [dict(zip(names, r, strict=True)) for r in rows]

    def family_size(self, family_id: str) -> int:
        """How many releases the family has."""
        return int(self.conn.execute("SELECT count(*) FROM releases WHERE family_id = ?",
                                     (family_id,)).fetchone()[0])

    def changes_for(self, release_id: str) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT field, old, new, source, changed_at FROM changes WHERE release_id = ? "
            "ORDER BY changed_at DESC, id DESC",
            (release_id,),
        )
        return [dict(zip(("field", "old", "new", "source", "changed_at"), r, strict=True))
                for r in cursor]

    def search(
        self,
        query: str = "",
        *,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Releases matching ``query`` (FTS, quoted) and extra SQL conditions, best first.

        Best first is the text index's order (:data:`SEARCH_KEY_ROWID_MASK`): curated releases,
        then the most downloaded (by :func:`popularity_of` steps, then in order of arrival), so
        the search stops after ``limit`` matches.
        """
        conditions = list(where)
        args: list[Any] = []
        match = quote_fts(query)
        if match:
            sql = (
                "SELECT releases.* FROM releases_fts JOIN releases "
                f"ON releases.rowid = (releases_fts.rowid & {SEARCH_KEY_ROWID_MASK}) "
                "WHERE releases_fts MATCH ?"
            )
            args.append(match)
            order = "releases_fts.rowid"
        else:
            sql = "SELECT releases.* FROM releases WHERE 1"
            order = "releases.release_date IS NULL, releases.release_date DESC, releases.name"
        for condition in conditions:
            sql += f" AND ({condition})"
        args.extend(params)
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        args.extend([max(0, int(limit)), max(0, int(offset))])
        cursor = self.conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def iter_release_ids(self, batch: int = 1000) -> Iterator[str]:
        """Every release id, in pages (never the whole table in memory)."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id FROM releases WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for (release_id,) in rows:
                yield release_id
            last = rows[-1][0]

    def count(self, table: str) -> int:
        if table not in {"releases", "records", "assessments", "families", "organizations",
                         "changes", "release_summary"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def organization(self, organization_id: str) -> dict[str, Any] | None:
        """An organisation's ``name``, ``kind`` and ``country``; None when there is no such one."""
        row = self.conn.execute(
            "SELECT name, kind, country FROM organizations WHERE id = ?", (organization_id,)
        ).fetchone()
        if row is None:
            return None
        return {"name": row[0], "kind": row[1], "country": row[2]}

    def latest_hub_data(self, release_id: str) -> tuple[int, dict[str, Any]] | None:
        """(record id, data) of the newest Hub record (source ``hub``) of a release, if it has
        one; data that is not a JSON object reads as empty."""
        row = self.conn.execute(
            "SELECT id, data FROM records WHERE release_id = ? AND source = 'hub' "
            "AND scope = 'release' "
            "ORDER BY assessed_date IS NULL, assessed_date DESC, imported_at DESC, id DESC "
            "LIMIT 1",
            (release_id,),
        ).fetchone()
        if row is None:
            return None
        try:
            data = json.loads(row[1]) if row[1] else {}
        except (TypeError, ValueError):
            data = {}
        return int(row[0]), data if isinstance(data, dict) else {}

    def release_id_for_hub_id(self, hub_id: str) -> str | None:
        """The id of a release whose Hub repo id is ``hub_id`` (case-insensitive), if any."""
        row = self.conn.execute(
            "SELECT id FROM releases WHERE hub_id = ? COLLATE NOCASE LIMIT 1", (hub_id,)
        ).fetchone()
        return str(row[0]) if row else None

    def release_columns(self) -> list[str]:
        """The columns of ``releases``, in order. Asked once per connection and schema:
        rebuilding a release (once per record ingested) needs them."""
        version = int(self.conn.execute("PRAGMA schema_version").fetchone()[0])
        cached = self._columns_cache
        if cached is None or cached[0] != version:
            cached = (version, [str(d[1]) for d in
                                self.conn.execute("PRAGMA table_info(releases)")])
            self._columns_cache = cached
        return cached[1]



def iter_batches(items: Iterable[_T], size: int) -> Iterator[list[_T]]:
    """``items`` in lists of ``size`` (the last one shorter)."""
    batch: list[_T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
