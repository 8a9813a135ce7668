"""Facet counts over a large cache: the summary's facet columns as arrays, one entry per release.

Counting facets with ``GROUP BY`` reads a release's summary row once per facet and per match —
over a million releases that is seconds for a common word. Here every facet column of
``release_summary`` is kept as an array indexed by the release's rowid in ``releases`` (the low
32 bits of the text index's rowid, :data:`openexplorer.db.cache.SEARCH_KEY_ROWID_MASK`): text values
as small integer codes (``facet_values`` gives the value of each code; 0 is NULL), the index score
and the parameters as floats (NaN is NULL), ``osi_approved`` as 0 (NULL), 1 (no) or 2 (yes).
A query's matches come out of the text index as one list of rowids; each facet is then one
``numpy.bincount`` over that list, and each filter one comparison.

The entries are stored in the cache row by row — 64 bytes per release, 4096 releases to a BLOB
of ``facet_chunks`` — so that a refresh writing a release changes one page (incremental BLOB
I/O), and read back as columns. :func:`update` writes them; :func:`openexplorer.search.summary.update`
calls it inside the same transaction as the summary rows, so they can never disagree with the
summary. A reader loads them once per change (``meta.facet_generation``: about half a second at a
million releases) and keeps them per cache file.

:func:`openexplorer.search.counts.facet_counts` and :func:`~openexplorer.search.counts.count` use them;
without them (a read-only cache from before they existed) the summary counts in SQL, which is
also the reference the tests compare this with.
"""

from __future__ import annotations

import hashlib
import logging
import math
import struct
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from openexplorer.search.facets import NONE, RANGE_FACETS, VALUE_FACETS, YESNO_FACETS

if TYPE_CHECKING:
    import numpy as np

    from openexplorer.db.cache import Cache

log = logging.getLogger(__name__)

#: Facet columns stored as codes (the ``values`` facets' columns), as 0/1/2 (the ``yesno``
#: facets': NULL, no, yes) and as floats (the ``range`` facets'), in the facet table's order.
CODED: tuple[str, ...] = tuple(f.column for f in VALUE_FACETS)
YESNO: tuple[str, ...] = tuple(f.column for f in YESNO_FACETS)
FLOATS: tuple[str, ...] = tuple(f.column for f in RANGE_FACETS)
#: The columns of the first stored format ("1"), which caches built before the facet table
#: hold; another set of columns is stored under a format named after them (rebuilt on open).
_FIRST_LAYOUT = (("license_category", "commercial_use", "mof_class", "osaid_verdict",
                  "org_kind", "organization", "country", "modality", "year", "origin", "gated"),
                 ("osi_approved",), ("osai_score", "parameters"))
_LAYOUT = (CODED, YESNO, FLOATS)
#: Bump when what is stored changes (the index is then rebuilt on open).
FORMAT = ("1" if _LAYOUT == _FIRST_LAYOUT else
          "1-" + hashlib.sha256(repr(_LAYOUT).encode()).hexdigest()[:8])
_PAD = -(1 + len(YESNO)) % 4  # the codes start on 4 bytes
#: One release's entry (64 bytes with the first layout): stored row by row in chunks of CHUNK
#: releases, so that writing a release touches one page, and read back as columns.
_RECORD = [("present", "u1"), *((c, "u1") for c in YESNO),
           *([("_pad", f"V{_PAD}")] if _PAD else []),
           *((c, "<i4") for c in CODED), *((c, "<f8") for c in FLOATS)]
_PACK = struct.Struct("<B" + "B" * len(YESNO) + "x" * _PAD + "i" * len(CODED)
                      + "d" * len(FLOATS))
RECORD_BYTES = _PACK.size
CHUNK = 4096  # releases per stored row (256 KB with the first layout)
_SELECT = ", ".join(f"s.{c}" for c in (*CODED, *YESNO, *FLOATS))

_lock = threading.Lock()
_loaded: dict[Any, Arrays] = {}


def _record_dtype() -> Any:
    import numpy as np

    dtype = np.dtype(_RECORD)
    assert dtype.itemsize == RECORD_BYTES
    return dtype


def available() -> bool:
    try:
        import numpy  # noqa: F401
    except ImportError:  # pragma: no cover - numpy comes with pyqtgraph
        return False
    return True


# -- writing --------------------------------------------------------------------------------------


def _yesno(value: Any) -> int:
    return 0 if value is None else 2 if value else 1


class _Writer:
    """Writes facet entries of releases into the stored chunks (the caller's transaction)."""

    def __init__(self, cache: Cache) -> None:
        self.conn = cache.conn
        self.codes: dict[str, dict[Any, int]] = {}
        self.next_code: dict[str, int] = {}

    def code(self, facet: str, value: Any) -> int:
        if value is None:
            return 0
        known = self.codes.setdefault(facet, {})
        found = known.get(value)
        if found is not None:
            return found
        row = self.conn.execute("SELECT code FROM facet_values WHERE facet = ? AND value = ?",
                                (facet, value)).fetchone()
        if row is None:
            if facet not in self.next_code:
                top = self.conn.execute("SELECT max(code) FROM facet_values WHERE facet = ?",
                                        (facet,)).fetchone()[0]
                self.next_code[facet] = int(top or 0) + 1
            code = self.next_code[facet]
            self.next_code[facet] = code + 1
            self.conn.execute("INSERT INTO facet_values(facet, code, value) VALUES (?, ?, ?)",
                              (facet, code, value))
        else:
            code = int(row[0])
        known[value] = code
        return code

    def pack(self, row: dict[str, Any] | None) -> bytes:
        if row is None:
            return bytes(RECORD_BYTES)
        return _PACK.pack(1, *(_yesno(row[c]) for c in YESNO),
                          *(self.code(facet, row[facet]) for facet in CODED),
                          *(math.nan if row[n] is None else float(row[n]) for n in FLOATS))

    def write(self, entries: Sequence[tuple[int, dict[str, Any] | None]]) -> None:
        """(rowid, summary row or None for a release that is gone) for each release."""
        by_chunk: dict[int, list[tuple[int, bytes]]] = {}
        for rowid, row in entries:
            by_chunk.setdefault(rowid // CHUNK, []).append(
                ((rowid % CHUNK) * RECORD_BYTES, self.pack(row)))
        self.conn.executemany("DELETE FROM facet_stale WHERE release_rowid = ?",
                              [(rowid,) for rowid, _ in entries])
        self.conn.executemany(
            "INSERT OR IGNORE INTO facet_chunks(chunk, data) VALUES (?, zeroblob(?))",
            [(chunk, CHUNK * RECORD_BYTES) for chunk in by_chunk])
        for chunk, items in by_chunk.items():
            with self.conn.blobopen("facet_chunks", "data", chunk) as blob:
                for offset, data in items:
                    blob.seek(offset)
                    blob.write(data)


def _bump(cache: Cache, *, rebuilt: bool = False) -> None:
    cache.conn.execute(
        "INSERT INTO meta(key, value) VALUES ('facet_generation', '1') ON CONFLICT(key) "
        "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")
    if rebuilt:
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('facet_index', ?) ON CONFLICT(key) "
            "DO UPDATE SET value = excluded.value", (FORMAT,))
        # Codes are given afresh by a rebuild: a reader must not keep the values it knew.
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('facet_codes', '1') ON CONFLICT(key) "
            "DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)")


def is_built(cache: Cache) -> bool:
    try:
        return cache.get_meta("facet_index") == FORMAT
    except Exception:  # noqa: BLE001 - an older schema without the tables
        return False


def update(cache: Cache, entries: Sequence[tuple[int, dict[str, Any] | None]]) -> None:
    """Write these releases' facet entries (inside the caller's transaction).

    Does nothing until the index is built (:func:`rebuild`); a cache whose index is missing
    counts in SQL.
    """
    if not entries or not available() or not is_built(cache):
        return
    _Writer(cache).write(entries)
    _bump(cache)


def rebuild(cache: Cache) -> int:
    """Build the stored chunks from ``release_summary`` (in the caller's transaction)."""
    import numpy as np

    conn = cache.conn
    conn.execute("DELETE FROM facet_chunks")
    conn.execute("DELETE FROM facet_values")
    conn.execute("DELETE FROM facet_stale")
    top = int(conn.execute("SELECT max(rowid) FROM releases").fetchone()[0] or 0)
    records = np.zeros((top // CHUNK + 1) * CHUNK, dtype=_record_dtype())
    codes: dict[str, dict[Any, int]] = {facet: {None: 0} for facet in CODED}
    cursor = conn.execute(
        f"SELECT r.rowid, {_SELECT} FROM releases r JOIN release_summary s ON s.release_id = r.id")
    count = 0
    while True:
        rows = cursor.fetchmany(50_000)
        if not rows:
            break
        columns = list(zip(*rows, strict=True))
        rowids = np.array(columns[0], dtype=np.int64)
        records["present"][rowids] = 1
        for index, facet in enumerate(CODED, start=1):
            known = codes[facet]
            records[facet][rowids] = [known.setdefault(v, len(known)) for v in columns[index]]
        for index, name in enumerate(YESNO, start=len(CODED) + 1):
            records[name][rowids] = [_yesno(v) for v in columns[index]]
        for index, name in enumerate(FLOATS, start=len(CODED) + len(YESNO) + 1):
            records[name][rowids] = [math.nan if v is None else float(v) for v in columns[index]]
        count += len(rows)
    raw = records.tobytes()
    size = CHUNK * RECORD_BYTES
    conn.executemany("INSERT INTO facet_chunks(chunk, data) VALUES (?, ?)",
                     [(chunk, raw[chunk * size:(chunk + 1) * size])
                      for chunk in range(len(records) // CHUNK)])
    conn.executemany(
        "INSERT INTO facet_values(facet, code, value) VALUES (?, ?, ?)",
        [(facet, code, value) for facet in CODED for value, code in codes[facet].items()
         if code])
    _bump(cache, rebuilt=True)
    log.info("facet index of %s built: %d releases", cache.path, count)
    return count


def ensure(cache: Cache) -> bool:
    """Build the index if it is missing or of another format. True if built."""
    if is_built(cache) or not available():  # in this order: numpy is slow to import at start
        return False
    with cache.conn:
        rebuild(cache)
    return True


# -- reading --------------------------------------------------------------------------------------


def _as_int(value: Any) -> Any:
    # SQL compares "2024" with an INTEGER column as 2024.
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _sql_order(value: Any) -> tuple[Any, ...]:
    """SQLite's order of values (NULL, numbers, text, blobs) for ties between counts."""
    if value is None:
        return (0,)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


@dataclass
class Arrays:
    """The facet columns of one cache, as loaded at one generation."""

    generation: str
    columns: dict[str, np.ndarray]
    values: dict[str, list[Any]]  # code -> value (index 0: None)
    present: np.ndarray  # bool
    coding: str = "0"  # meta.facet_codes: which rebuild gave the codes
    _codes: dict[str, dict[Any, int]] = field(default_factory=dict)
    #: Results that depend on nothing but the arrays (the counts without query or filters).
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return int(self.present.shape[0])

    def codes(self, column: str) -> dict[Any, int]:
        """value -> code for one column (built once per load)."""
        found = self._codes.get(column)
        if found is None:
            found = {v: i for i, v in enumerate(self.values[column]) if i}
            self._codes[column] = found
        return found


def cache_key(cache: Cache) -> Any:
    """What the loaded arrays of this cache are kept under (its file, or its connection)."""
    return str(cache.path.resolve()) if cache.path is not None else id(cache.conn)


def load(cache: Cache) -> Arrays | None:
    """The arrays of this cache as it is now (loaded again after a change); None if not built."""
    if not available() or not is_built(cache):
        return None
    import numpy as np

    generation = cache.get_meta("facet_generation") or "0"
    key = cache_key(cache)
    with _lock:
        old = _loaded.get(key)
        if old is not None and old.generation == generation:
            return old
        conn = cache.conn
        begun = not conn.in_transaction
        if begun:  # one snapshot of the arrays, their values and the generation
            conn.execute("BEGIN")
        try:
            generation = cache.get_meta("facet_generation") or "0"
            coding = cache.get_meta("facet_codes") or "0"
            top_chunk = conn.execute("SELECT max(chunk) FROM facet_chunks").fetchone()[0]
            size = CHUNK * RECORD_BYTES
            raw = bytearray(((top_chunk or 0) + 1) * size)
            for chunk, data in conn.execute("SELECT chunk, data FROM facet_chunks"):
                raw[chunk * size:chunk * size + len(data)] = data  # one chunk at a time
            stale = [r[0] for r in conn.execute("SELECT release_rowid FROM facet_stale")]
            values: dict[str, list[Any]] = {}
            for facet in CODED:
                # Codes only grow between rebuilds: the values known already are kept.
                known = (list(old.values[facet]) if old is not None and old.coding == coding
                         else [None])
                rows = conn.execute(
                    "SELECT code, value FROM facet_values WHERE facet = ? AND code >= ? "
                    "ORDER BY code", (facet, len(known))).fetchall()
                for code, value in rows:
                    while len(known) < code:
                        known.append(None)
                    known.append(value)
                values[facet] = known
        finally:
            if begun:
                conn.execute("COMMIT")
        if top_chunk is None:
            return None
        records = np.frombuffer(raw, dtype=_record_dtype())
        columns = {name: np.ascontiguousarray(records[name])
                   for name in ("present", *YESNO, *CODED, *FLOATS)}
        del records, raw
        for facet in CODED:  # codes written after the values were read (never, but be safe)
            top = int(columns[facet].max(initial=0))
            while len(values[facet]) <= top:
                values[facet].append(None)
            # The smallest integers that hold the codes: less memory to read per count.
            if top < 256:
                columns[facet] = columns[facet].astype(np.uint8)
            elif top < 65536:
                columns[facet] = columns[facet].astype(np.uint16)
        present = columns["present"].astype(bool)
        if stale:  # releases deleted since their entries were written
            gone = np.array(stale, dtype=np.int64)
            present[gone[gone < len(present)]] = False
        arrays = Arrays(generation, columns, values, present, coding)
        _loaded[key] = arrays
        return arrays


def is_loaded(cache: Cache) -> bool:
    """Whether this process holds the cache's arrays as they are now (no loading)."""
    with _lock:
        arrays = _loaded.get(cache_key(cache))
    return arrays is not None and arrays.generation == (cache.get_meta("facet_generation")
                                                        or "0")


def forget(cache: Cache) -> None:
    with _lock:
        _loaded.pop(cache_key(cache), None)


def matches(cache: Cache, match: str, size: int) -> np.ndarray:
    """The rowids of the releases matching an FTS ``match`` string (in the text index's order)."""
    import numpy as np

    from openexplorer.db.cache import SEARCH_KEY_ROWID_MASK

    text = cache.conn.execute(
        f"SELECT group_concat(rowid & {SEARCH_KEY_ROWID_MASK}) FROM releases_fts "
        "WHERE releases_fts MATCH ?", (match,)).fetchone()[0]
    if not text:
        return np.zeros(0, dtype=np.int64)
    rowids = np.fromstring(text, dtype=np.int64, sep=",")
    return rowids[rowids < size]


class FacetCounter:
    """Counts for one query over the loaded arrays, with filters applied per facet."""

    def __init__(self, arrays: Arrays, rowids: np.ndarray | None, filters: Any) -> None:
        import numpy as np

        self.arrays = arrays
        cols = arrays.columns
        if rowids is None:
            self.take = None
            self.present = arrays.present
        else:
            # In rowid order (the text index gives them by popularity): the reads of each
            # column then go forward through memory instead of jumping about.
            self.take = np.sort(rowids)
            self.present = arrays.present[self.take]
        self.filters = filters
        self._cache: dict[str, Any] = {}
        self._masks_cache: dict[frozenset[str], np.ndarray] = {}
        self._densities: dict[int, float] = {}  # by id of a mask kept in _masks_cache
        self._weight_cache: dict[int, np.ndarray] = {}
        self._row_cache: dict[int, np.ndarray] = {}
        self.masks = self._masks(cols)
        if self.take is None and self.masks:
            # Filters without a query: only the rows that fail at most one filter can count
            # anywhere (a facet ignores its own filter); count over those rows alone.
            import numpy as np

            fails = np.zeros(arrays.size, dtype=np.int8)
            for mask in self.masks.values():
                fails += ~mask
            keep = arrays.present & (fails <= 1)
            if int(np.count_nonzero(keep)) < arrays.size // 4:  # else the whole columns
                self.take = np.flatnonzero(keep)
                self.present = arrays.present[self.take]
                self.masks = {name: mask[self.take] for name, mask in self.masks.items()}
                self._cache.clear()
        # With no filter and every match present (the usual case), nothing is masked.
        self.everything = not self.masks and bool(self.present.all())

    def column(self, name: str) -> np.ndarray:
        found = self._cache.get(name)
        if found is None:
            column = self.arrays.columns[name]
            found = column if self.take is None else column[self.take]
            self._cache[name] = found
        return found

    def _masks(self, cols: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        import numpy as np

        f = self.filters
        masks: dict[str, np.ndarray] = {}
        for row in VALUE_FACETS:
            chosen = getattr(f, row.key)
            if not chosen:
                continue
            lookup = self.arrays.codes(row.column)
            codes = [0 if v == NONE else lookup.get(v, lookup.get(_as_int(v), -1))
                     for v in chosen]
            values = self.column(row.column)
            if len(codes) <= 8:  # a few comparisons are faster than isin's sort
                mask = np.zeros(values.shape, dtype=bool)
                for code in codes:
                    if code >= 0:
                        mask |= values == code
                masks[row.key] = mask
            else:
                masks[row.key] = np.isin(values, np.array(codes, dtype=np.int64))
        for row in YESNO_FACETS:
            yes = getattr(f, row.key)
            if yes is not None:
                masks[row.key] = self.column(row.column) == (2 if yes else 1)
        for row in RANGE_FACETS:
            low, high = (getattr(f, name) for name in row.bounds)
            if low is None and high is None:
                continue
            values = self.column(row.column)
            with np.errstate(invalid="ignore"):
                mask = ~np.isnan(values)
                if low is not None:
                    mask &= values >= low
                if high is not None:
                    mask &= values <= high
            masks[row.key] = mask
        return masks

    def mask(self, without: Iterable[str] = ()) -> np.ndarray | None:
        """Which of the rows count (None: all of them)."""
        if self.everything:
            return None
        skip = frozenset(without).intersection(self.masks)
        found = self._masks_cache.get(skip)
        if found is None:
            found = self.present
            for name, other in self.masks.items():
                if name not in skip:
                    found = found & other
            self._masks_cache[skip] = found
        return found

    def _density(self, mask: np.ndarray) -> float:
        key = id(mask)
        found = self._densities.get(key)
        if found is None:
            import numpy as np

            found = float(np.count_nonzero(mask)) / max(1, len(mask))
            self._densities[key] = found
        return found

    def _rows_of(self, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        key = id(mask)
        found = self._row_cache.get(key)
        if found is None:
            found = np.flatnonzero(mask)
            self._row_cache[key] = found
        return found

    def _weights(self, mask: np.ndarray) -> np.ndarray:
        import numpy as np

        key = id(mask)
        found = self._weight_cache.get(key)
        if found is None:
            found = mask.astype(np.float64)
            self._weight_cache[key] = found
        return found

    def rowids(self) -> list[int]:
        """The releases' rowids that match (the query and every filter), in rowid order."""
        import numpy as np

        mask = self.mask()
        rows = (np.flatnonzero(self.present) if mask is None else np.flatnonzero(mask))
        return (rows if self.take is None else self.take[rows]).tolist()

    def total(self, without: Iterable[str] = ()) -> int:
        mask = self.mask(without)
        return len(self.present) if mask is None else int(mask.sum())

    def count_where(self, without: Iterable[str], condition: np.ndarray) -> int:
        """How many rows count (one filter aside) and meet ``condition``."""
        import numpy as np

        mask = self.mask(without)
        if mask is None:
            return int(np.count_nonzero(condition))
        return int(np.count_nonzero(condition[self._rows_of(mask)]))

    def facet(self, name: str, column: str, limit: int) -> list[tuple[Any, int]]:
        import numpy as np

        values = self.arrays.values[column]
        mask = self.mask([name])
        codes = self.column(column)
        if mask is None:
            counts = np.bincount(codes, minlength=len(values))
        elif self._density(mask) < 0.6:  # select the rows (their positions, found once)
            counts = np.bincount(codes[self._rows_of(mask)], minlength=len(values))
        else:  # many: weighing by the mask is faster than selecting with it (no compaction)
            counts = np.bincount(codes, weights=self._weights(mask),
                                 minlength=len(values)).astype(np.int64)
        present = np.flatnonzero(counts)
        if present.size > limit:
            # Every value counted at least as often as the limit-th one (ties included).
            threshold = np.partition(counts[present], present.size - limit)[present.size - limit]
            present = present[counts[present] >= threshold]
        ranked = sorted(((int(counts[c]), values[int(c)]) for c in present),
                        key=lambda e: (-e[0], _sql_order(e[1])))[:limit]
        return [(NONE if value is None else value, n) for n, value in ranked]
