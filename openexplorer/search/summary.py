"""Headline figures per release, for facets, sorting and charts over a large cache.

The framework views are computed from assessments on read (:mod:`openexplorer.views.release`). Facet
counts and sorting over hundreds of thousands of releases cannot compute every view per
keystroke, so each release's headline figures are kept in ``release_summary`` — a derived table,
recomputed for the releases an import or refresh touched, and recomputed whole whenever the rules
change (:func:`rules_version`: the code version plus a digest of the rule tables in resources/) —
at once for a small cache, in the background for a large one (:func:`update_to_rules`: the app
shows the earlier figures until it is done).
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import sqlite3
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from functools import cache
from importlib.resources import files
from typing import Any

from openexplorer import __version__
from openexplorer.search import facet_index
from openexplorer.db.fts import search_key_sql
from openexplorer.db.cache import (
    SEARCH_KEY_ROWID_MASK,
    Cache,
    iter_batches,
    quote_fts,
)

log = logging.getLogger(__name__)

#: Bump when summarize() changes what it stores.
SUMMARY_FORMAT = 1
_RULE_FILES = (
    "mof_licenses.json", "osai_parameters.json", "license_restrictions.yml",
    "license_aliases.csv", "organizations.csv", "families.csv", "identity.csv",
    "hub_renames.csv",
)

COLUMNS = (
    "release_id", "name", "family", "family_id", "organization", "organization_id", "org_kind",
    "country", "release_date", "year", "modality", "parameters", "origin", "license_id",
    "license_name", "license_category", "commercial_use", "osi_approved", "mof_class",
    "mof_progress_iii", "mof_progress_ii", "mof_progress_i", "mof_total", "mof_provisional",
    "osai_score", "osai_availability", "osai_documentation", "osai_access", "osai_provisional",
    "osaid_verdict", "osi_outcome", "gated", "downloads",
)


@cache
def rules_version() -> str:
    """Changes whenever the code version, the summary format or a rule table changes."""
    digest = hashlib.sha256(f"{__version__}/{SUMMARY_FORMAT}".encode())
    for name in _RULE_FILES:
        resource = files("openexplorer.resources") / name
        if resource.is_file():
            digest.update(resource.read_bytes())
    return digest.hexdigest()[:16]


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def summarize(view: dict[str, Any]) -> dict[str, Any]:
    """One ``release_summary`` row from a release view (``release_view(..., detail=False)``)."""
    progress = view["mof"].get("progress") or {}
    groups = view["osai"].get("groups") or {}
    license_ = view["license"]
    published = view["osaid"].get("osi_published") or []
    osi_approved = license_.get("osi_approved")
    hub = view.get("hub") or {}
    gated = hub.get("gated") if hub else None
    return {
        "release_id": view["id"],
        "name": view["name"],
        "family": view["family"],
        "family_id": view.get("family_id"),
        "organization": view["organization"],
        "organization_id": view.get("organization_id"),
        "org_kind": view.get("organization_kind"),
        "country": view.get("country"),
        "release_date": view["release_date"],
        "year": _year(view["release_date"]),
        "modality": view.get("modality"),
        "parameters": view.get("parameters"),
        "origin": view.get("origin"),
        "license_id": license_.get("id") or license_.get("as_written"),
        "license_name": license_.get("name"),
        "license_category": license_.get("category"),
        "commercial_use": license_.get("commercial_use"),
        "osi_approved": None if osi_approved is None else int(bool(osi_approved)),
        "mof_class": view["mof"].get("class"),
        "mof_progress_iii": progress.get("III"),
        "mof_progress_ii": progress.get("II"),
        "mof_progress_i": progress.get("I"),
        "mof_total": view["mof"].get("total"),
        "mof_provisional": int(bool(view["mof"].get("provisional"))),
        "osai_score": view["osai"].get("score"),
        "osai_availability": groups.get("availability"),
        "osai_documentation": groups.get("documentation"),
        "osai_access": groups.get("access"),
        "osai_provisional": int(bool(view["osai"].get("provisional"))),
        "osaid_verdict": view["osaid"].get("verdict"),
        "osi_outcome": published[0]["outcome"] if published else None,
        "gated": None if gated is None else str(gated).lower(),
        "downloads": hub.get("downloads") if hub else None,
    }


#: The summary columns the facet arrays hold (openexplorer.search.facet_index).
_FACET_COLUMNS = (*facet_index.CODED, "osi_approved", *facet_index.FLOATS)


def update(cache: Cache, release_ids: Iterable[str]) -> int:
    """Recompute the summary rows of these releases (inside the caller's transaction, if any)."""
    from openexplorer.views.release import release_view  # views import the cache, not the other way

    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT OR REPLACE INTO release_summary ({', '.join(COLUMNS)}) VALUES ({marks})"
    select = f"SELECT {', '.join(COLUMNS)} FROM release_summary WHERE release_id = ?"
    count = 0
    for batch in iter_batches(release_ids, 500):
        rows = []
        entries: list[tuple[int, dict[str, Any] | None]] = []  # for the facet arrays
        for release_id in batch:
            view = release_view(cache, release_id, detail=False)
            if view is None:
                cache.conn.execute("DELETE FROM release_summary WHERE release_id = ?",
                                   (release_id,))
                continue
            row = summarize(view)
            count += 1
            stored = cache.conn.execute(select, (release_id,)).fetchone()
            if stored is None:
                rows.append(tuple(row[c] for c in COLUMNS))
            else:
                # Only the columns that changed: each of the summary's 17 indexes rewritten
                # for nothing was most of a refresh's writing.
                old = dict(zip(COLUMNS, stored, strict=True))
                changed = [c for c in COLUMNS if old[c] != row[c]]
                if changed:
                    cache.conn.execute(
                        f"UPDATE release_summary SET {', '.join(f'{c} = ?' for c in changed)} "
                        "WHERE release_id = ?", (*(row[c] for c in changed), release_id))
                if not any(old[c] != row[c] for c in _FACET_COLUMNS):
                    continue  # its facet entry is what it was
            found = cache.conn.execute("SELECT rowid FROM releases WHERE id = ?",
                                       (release_id,)).fetchone()
            if found is not None:
                entries.append((int(found[0]), row))
        cache.conn.executemany(sql, rows)
        facet_index.update(cache, entries)
    return count


def update_downloads(cache: Cache, downloads: dict[str, int | None]) -> None:
    """Write the Hub's download counts of releases whose evidence did not change (inside the
    caller's transaction): the rest of their summary rows stays as it is, and the facet arrays
    hold no downloads. A release without a summary row yet gets its whole row computed."""
    missing = []
    for release_id, count in downloads.items():
        cursor = cache.conn.execute(
            "UPDATE release_summary SET downloads = ? WHERE release_id = ? AND downloads IS NOT ?",
            (count, release_id, count))
        if not cursor.rowcount and cache.conn.execute(
                "SELECT 1 FROM release_summary WHERE release_id = ?", (release_id,)
        ).fetchone() is None:
            missing.append(release_id)
    if missing:
        update(cache, missing)


def rebuild_all(cache: Cache) -> int:
    """Recompute every summary row (after a rules change) in one transaction."""
    with cache.conn:
        cache.conn.execute("DELETE FROM release_summary")
        cache.conn.execute("DELETE FROM meta WHERE key = 'facet_index'")  # rebuilt below
        count = update(cache, list(cache.iter_release_ids()))
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('summary_rules', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (rules_version(),))
        if facet_index.available():
            facet_index.rebuild(cache)
    log.info("release summaries rebuilt: %d releases", count)
    return count


#: Above this many releases the app brings the summaries to new rules in the background
#: (:func:`update_to_rules`): 0.4–0.6 ms a release, 7–10 minutes at a million.
BACKGROUND_OVER = 5_000
#: Releases recomputed per transaction in the background (about a second at a million).
BACKGROUND_BATCH = 2_000


def is_current(cache: Cache) -> bool:
    """Whether the summaries were computed under this version's rules."""
    return cache.get_meta("summary_rules") == rules_version()


def ensure_summaries(cache: Cache, *, defer_over: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> bool:
    """Rebuild the summaries if the rules changed since they were computed. True if rebuilt.

    With ``defer_over``, a cache of more releases than that is left as it is (False): the
    caller brings it up to date with :func:`update_to_rules` in the background, and shows the
    earlier figures meanwhile. Otherwise a cache of more than :data:`BACKGROUND_OVER` releases
    is brought up to date by :func:`update_to_rules` here, in batches (``progress(done,
    total)`` after each; an interruption keeps the batches done), a smaller one rebuilt in one
    transaction. Also builds the facet arrays (:mod:`openexplorer.search.facet_index`) of a cache that
    has none yet.
    """
    if is_current(cache) or (defer_over is not None and cache.count("releases") > defer_over):
        if facet_index.ensure(cache):
            log.info("facet index of %s built", cache.path)
        return False
    if cache.count("releases") > BACKGROUND_OVER:
        update_to_rules(cache, progress=progress)
        facet_index.ensure(cache)
    else:
        rebuild_all(cache)
    return True


_RULES_TARGET, _RULES_NEXT = "summary_rules_target", "summary_rules_after"


def update_to_rules(
    cache: Cache,
    *,
    batch: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Recompute every summary row under this version's rules, ``batch`` releases per
    transaction (default :data:`BACKGROUND_BATCH`), so that other writers (a refresh) wait a
    second at most and a stop loses nothing: the release reached is kept in ``meta`` and the
    next run goes on from there.

    Rows are written only where a figure changed, the facet entries with them (as an import
    writes them); releases written meanwhile by an import already follow the new rules. True
    once done (``summary_rules`` then names these rules), False if ``should_stop`` said so.
    ``progress(done, total)`` after each batch.
    """
    target = rules_version()
    if cache.get_meta("summary_rules") == target:
        return True
    batch = batch or BACKGROUND_BATCH
    last = cache.get_meta(_RULES_NEXT) if cache.get_meta(_RULES_TARGET) == target else None
    last = last or ""
    total = cache.count("releases")
    done = cache.conn.execute("SELECT count(*) FROM releases WHERE id <= ?",
                              (last,)).fetchone()[0] if last else 0
    while True:
        if should_stop is not None and should_stop():
            return False
        ids = [row[0] for row in cache.conn.execute(
            "SELECT id FROM releases WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
        if not ids:
            break
        with cache.conn:
            cache.begin_write()
            update(cache, ids)
            last = ids[-1]
            cache.conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ((_RULES_TARGET, target), (_RULES_NEXT, last)))
        done += len(ids)
        if progress is not None:
            progress(min(done, total), total)
    with cache.conn:
        cache.begin_write()
        # Rows of releases gone meanwhile (a rebuild starts from an empty table).
        gone = cache.conn.execute(
            "SELECT s.release_id FROM release_summary s "
            "LEFT JOIN releases r ON r.id = s.release_id WHERE r.id IS NULL").fetchall()
        cache.conn.executemany("DELETE FROM release_summary WHERE release_id = ?", gone)
        cache.conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (_RULES_TARGET, _RULES_NEXT))
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('summary_rules', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (target,))
    log.info("release summaries brought to the current rules: %d releases", total)
    return True


# -- facets and search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty tuples and None mean "any"."""

    license_category: tuple[str, ...] = ()
    commercial_use: tuple[str, ...] = ()
    osi_approved: bool | None = None
    mof_class: tuple[str, ...] = ()  # "I", "II", "III", "none"
    osai_min: float | None = None
    osai_max: float | None = None
    osaid_verdict: tuple[str, ...] = ()
    org_kind: tuple[str, ...] = ()
    organization: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    params_min: float | None = None
    params_max: float | None = None
    year: tuple[int, ...] = ()
    origin: tuple[str, ...] = ()  # "curated", "hub"
    gated: tuple[str, ...] = ()

    def without(self, name: str) -> Filters:
        """The same filters minus one facet (a facet's own counts ignore its own choice)."""
        default = next(f.default for f in fields(self) if f.name == name)
        return Filters(**{**self.__dict__, name: default})

    def is_empty(self) -> bool:
        return self == Filters()


#: Facets with a list of values and counts: (filter name, summary column).
FACETS: dict[str, str] = {
    "license_category": "license_category",
    "commercial_use": "commercial_use",
    "mof_class": "mof_class",
    "osaid_verdict": "osaid_verdict",
    "org_kind": "org_kind",
    "organization": "organization",
    "country": "country",
    "modality": "modality",
    "year": "year",
    "origin": "origin",
    "gated": "gated",
}
#: "No value" stands for NULL in facets (e.g. releases without an MOF class).
NONE = "none"

SORTS = {
    "relevance": None,
    "name": "s.name COLLATE NOCASE",
    "family": "s.family COLLATE NOCASE",
    "origin": "s.origin",
    "release_date": "s.release_date",
    "organization": "s.organization COLLATE NOCASE",
    "license": "s.license_id COLLATE NOCASE",
    "mof": "s.mof_total",
    "osai_score": "s.osai_score",
    "osaid": "s.osaid_verdict",
    "downloads": "s.downloads",
    "parameters": "s.parameters",
}


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    real = [v for v in values if v != NONE]
    parts, args = [], []
    if real:
        parts.append(f"{column} IN ({', '.join('?' for _ in real)})")
        args.extend(real)
    if len(real) != len(values):
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")", args


def where_clause(filters: Filters, *, order: str | None = None) -> tuple[list[str], list[Any]]:
    """The filters as SQL conditions on ``s`` (release_summary). With ``order`` (the sort
    column's SQL), written to read that column's index in order, the filters checked on the
    way, rather than gather every row a filter's index gives and sort them: the other columns
    behind a unary ``+`` (SQLite then uses no index for them), and years as a range of release
    dates when the order is the release date (a release's year is its date's)."""
    def col(column: str) -> str:
        if order is None or order.split(" COLLATE")[0] == f"s.{column}":
            return f"s.{column}"
        return f"+s.{column}"

    conditions: list[str] = []
    args: list[Any] = []
    for name, column in FACETS.items():
        values = getattr(filters, name)
        if values:
            sql, extra = _in(col(column), values)
            conditions.append(sql)
            args.extend(extra)
    if filters.osi_approved is not None:
        conditions.append(f"{col('osi_approved')} = ?")
        args.append(int(filters.osi_approved))
    for column, low, high in (("osai_score", filters.osai_min, filters.osai_max),
                              ("parameters", filters.params_min, filters.params_max)):
        if low is not None:
            conditions.append(f"{col(column)} >= ?")
            args.append(low)
        if high is not None:
            conditions.append(f"{col(column)} <= ?")
            args.append(high)
    years = filters.year
    if order == "s.release_date" and years and NONE not in years:
        numbers = [int(y) for y in years]
        conditions.append("s.release_date >= ? AND s.release_date < ?")
        args.extend([f"{min(numbers):04d}", f"{max(numbers) + 1:04d}"])
    return conditions, args


def _where(sql: str, conditions: Sequence[str]) -> str:
    return sql + "".join(f" AND {condition}" for condition in conditions)


def _base(query: str, filters: Filters, *, order: str | None = None
          ) -> tuple[str, list[Any], bool]:
    conditions, args = where_clause(filters, order=order)
    match = quote_fts(query)
    if match:
        sql = (f"FROM releases_fts JOIN releases r "
               f"ON r.rowid = (releases_fts.rowid & {SEARCH_KEY_ROWID_MASK}) "
               "JOIN release_summary s ON s.release_id = r.id WHERE releases_fts MATCH ?")
        args = [match, *args]
    else:
        sql = "FROM release_summary s WHERE 1"
    return _where(sql, conditions), args, bool(match)


def _base_few(rowids: Sequence[int], filters: Filters) -> tuple[str, list[Any]]:
    """The rows of these releases (the few that match, found in the facet arrays), with the
    filters checked again: SQLite looks up a few thousand rows and sorts them, instead of
    reading an index until enough rows pass a selective filter (at a million releases, "llama"
    with MOF Class I: 1.8 s for no row at all)."""
    conditions, args = where_clause(filters)
    sql = ("FROM releases r CROSS JOIN release_summary s ON s.release_id = r.id "
           "WHERE r.rowid IN (SELECT value FROM json_each(?))")
    return _where(sql, conditions), ["[" + ",".join(str(int(i)) for i in rowids) + "]", *args]


def _base_walk(query: str, filters: Filters, order: str) -> tuple[str, list[Any]]:
    """As :func:`_base` with a query, for a sort column and many matches: the summary rows are
    read in the sort index's order and kept if the text index matched them (its matches taken
    once into a lookup table), so SQLite stops after a page instead of looking up and sorting
    every match (at a million releases, "llama" sorted by score: 1.8 s a page)."""
    conditions, args = where_clause(filters, order=order)
    sql = ("FROM release_summary s CROSS JOIN releases r ON r.id = s.release_id "
           f"WHERE r.rowid IN (SELECT rowid & {SEARCH_KEY_ROWID_MASK} FROM releases_fts "
           "WHERE releases_fts MATCH ?)")
    return _where(sql, conditions), [quote_fts(query), *args]


#: Below this many releases every search reads as SQLite plans it.
PLANNED_UNDER = 10_000


def _many(cache: Cache, query: str, filters: Filters, limit: int, *,
          in_text_order: bool = False) -> bool | None:
    """Whether a search has many matches (a page's worth turns up early when an index is read in
    order), few (better looked up and sorted), or None for a small cache or before the facet
    arrays are loaded (as SQLite plans it).
    Reading in order costs about ``limit × rows read through / matches``, sorting ``matches``;
    many is above twice the point where they meet (reading in order past few matches reads it
    all). The rows read through are the releases, or the query's text matches when the page
    follows the text index's order (``in_text_order``)."""
    total = _release_count(cache)
    if total < PLANNED_UNDER or not facet_index.is_loaded(cache):
        return None  # (the arrays are loaded by the facet count, never here: 0.3–0.9 s at 1M)
    if in_text_order:
        total = _matches(cache, query, Filters())
    return _matches(cache, query, filters) > 2 * math.sqrt(max(limit, 1) * total)


def _matches(cache: Cache, query: str, filters: Filters) -> int:
    """:func:`count`, from the facet arrays' counts kept per search when there are any (each
    page of a search asks again)."""
    counter = _counter(cache, query, filters)
    return counter.total() if counter is not None else count(cache, query, filters)


def _few_rowids(cache: Cache, query: str, filters: Filters) -> list[int] | None:
    """The releases' rowids of a search with few matches, from the facet arrays (None without
    them)."""
    counter = _counter(cache, query, filters)
    return None if counter is None else counter.rowids()


def _not_null(column: str) -> str:
    """``column IS NOT NULL`` as a range SQLite seeks in the column's index: with a COLLATE
    term it does not treat IS NOT NULL as one, and an ascending sort of the licences read past
    300,000 releases without a licence (0.8 s at a million). The collated columns are TEXT
    columns, whose values are text (numbers are stored as text) or blobs, all at or above the
    empty text, so the two are the same."""
    return f"{column} >= ''" if " COLLATE " in column else f"{column} IS NOT NULL"


def _release_count(cache: Cache) -> int:
    row = cache.conn.execute("SELECT max(rowid) FROM releases").fetchone()
    return int(row[0] or 0)


def _order(query: str, sort: str, descending: bool) -> tuple[str | None, bool]:
    """The sort column's SQL (None: the text index's order) and its direction."""
    column = SORTS.get(sort)
    if column is None:
        if quote_fts(query):
            return None, False
        return "s.release_date", True  # newest first
    return column, descending


def page_key(row: dict[str, Any], query: str = "", *, sort: str = "relevance",
             descending: bool = False) -> tuple[Any, ...]:
    """Where the page after ``row`` starts (pass it to :func:`search` as ``after``).

    ``row`` is a row :func:`search` returned for the same query, filters and sort.
    """
    column, _ = _order(query, sort, descending)
    if column is None:
        return ("key", row["search_key"])
    value = row[_column_name(column)]
    if column == _NAME:
        return ("name", row["name"], row["release_id"])
    return (0 if value is not None else 1, value, row["name"], row["release_id"])


_NAME = "s.name COLLATE NOCASE"


def _column_name(column: str) -> str:
    return column.removeprefix("s.").split()[0]


def search(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    sort: str = "relevance",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
    after: Sequence[Any] | None = None,
    columns: Sequence[str] | None = None,
    packed: bool = False,
) -> list[Any]:
    """Summary rows matching the query and filters, in the chosen order.

    Relevance with a query is the text index's order (curated releases first, then by downloads),
    which lets SQLite stop after ``limit`` matches; without a query it is newest first. A sorted
    column keeps releases without a value last, and ties go by name, then id, in the column's
    direction. ``after`` (:func:`page_key` of the last row of the previous page) reads the next
    page from the indexes (keyset paging) instead of counting ``offset`` rows from the start.
    ``columns`` (summary column names) reads only those, each row a tuple in that order (with
    the text index key last when there is a query): no dict per row (the results table's pages,
    read on a thread beside the GUI's). ``packed`` (with ``columns``) reads them as one JSON
    text SQLite builds in a single step: a little more work, but a thread reading beside a GUI
    thread lets go of the interpreter lock once per page instead of once per row.
    """
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    sql, args, matched = _base(query, filters)
    column, desc = _order(query, sort, descending)
    picked = ", ".join(f"s.{name}" for name in columns) if columns is not None else "s.*"
    select = f"SELECT {picked}" + (", releases_fts.rowid AS search_key" if matched else "")
    key = "releases_fts.rowid"  # the text index's order
    # At Hub scale the plan SQLite picks can read far more than a page: choose it (tested to
    # give the same rows as SQLite's own plan, tests/test_sorted_search_walk.py).
    many = (_many(cache, query, filters, limit + offset, in_text_order=column is None)
            if not filters.is_empty() or (matched and column is not None) else None)
    rowids = _few_rowids(cache, query, filters) if many is False else None
    if rowids is not None:
        sql, args = _base_few(rowids, filters)
        if matched:
            key = search_key_sql("r")
            select = f"SELECT {picked}, {key} AS search_key"
    elif many and matched and column is not None:
        sql, args = _base_walk(query, filters, column)
        select = f"SELECT {picked}, {search_key_sql('r')} AS search_key"
    elif many and not matched:  # read in the sort's index, the filters checked on the way
        sql, args, matched = _base(query, filters, order=column)
    if columns is None:
        read: Callable[[Cache, str, list[Any]], list[Any]] = _rows
    else:  # the columns picked, and the text index key if this plan gives it
        names = [*columns, *(["search_key"] if " AS search_key" in select else [])]

        def read(cache: Cache, sql: str, args: list[Any]) -> list[Any]:
            rows = _packed_tuples(cache, sql, args, names) if packed else None
            return rows if rows is not None else cache.conn.execute(sql, args).fetchall()
    if column is None:  # the text index's order: one range of its rowids
        where, extra = "", []
        if after is not None:
            where, extra = f" AND {key} > ?", [after[1]]
        return read(cache, f"{select} {sql}{where} ORDER BY {key} LIMIT ? OFFSET ?",
                    [*args, *extra, limit, 0 if after is not None else offset])
    direction = "DESC" if desc else "ASC"
    compare = "<" if desc else ">"
    name_order = f"{_NAME} {direction}, s.release_id {direction}"
    if column == _NAME:
        segments = [("s.name IS NOT NULL", name_order, f"({_NAME}, s.release_id)"),
                    ("s.name IS NULL", f"s.release_id {direction}", "(s.release_id)")]
    else:
        segments = [(_not_null(column), f"{column} {direction}, {name_order}",
                     f"({column}, {_NAME}, s.release_id)"),
                     (f"{column} IS NULL", name_order, f"({_NAME}, s.release_id)")]
    start = 0
    if after is not None:
        offset = 0
        if column == _NAME:
            start = 0 if after[1] is not None else 1
            bound = [[after[1], after[2]], [after[2]]][start]
        else:
            start = after[0]
            bound = [[after[1], after[2], after[3]], [after[2], after[3]]][start]
    rows: list[Any] = []
    for index in range(start, len(segments)):
        condition, order, key = segments[index]
        where, extra = f" AND {condition}", []
        if after is not None and index == start:
            # The row value orders the page; the bound on its first column alone is what lets
            # SQLite seek in the index (a row value starting with a COLLATE term does not).
            first = key[1:-1].split(", ")[0]
            if index == 0:  # a non-NULL value: the bound implies IS NOT NULL
                where = ""
            where += (f" AND {first} {compare}= ? AND {key} {compare} "
                      f"({', '.join('?' for _ in bound)})")
            extra = [bound[0], *bound]
        want = limit - len(rows)
        if want <= 0:
            break
        found = read(cache, f"{select} {sql}{where} ORDER BY {order} LIMIT ? OFFSET ?",
                     [*args, *extra, want, offset])
        rows.extend(found)
        if len(rows) >= limit or index == len(segments) - 1:
            break
        if offset and found:
            offset = 0
        elif offset:  # the offset went past this segment: skip what it held
            skipped = int(cache.conn.execute(
                f"SELECT count(*) {sql}{where}", [*args, *extra]).fetchone()[0])
            offset = max(0, offset - skipped)
    return rows


def _rows(cache: Cache, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    cursor = cache.conn.execute(sql, args)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _packed_tuples(cache: Cache, sql: str, args: list[Any],
                   names: Sequence[str]) -> list[Any] | None:
    """The rows of ``sql`` as tuples of the columns ``names``, as ``fetchall`` gives them; None
    where they cannot be packed (the caller reads them row by row).

    Read as one JSON text that SQLite builds in a single step: a thread reading pages (the
    results table's reader) then lets go of the interpreter lock once per page instead of once
    per row, and a GUI thread painting meanwhile no longer waits for it back at every Qt call
    (docs/benchmarks.md, scrolling). REAL values travel as ``quote()`` text, which gives their
    exact value where this SQLite's ``quote()`` is exact (checked once).
    """
    if not _quote_is_exact(cache.conn):
        return None
    reals = _real_columns(cache.conn)
    picked = ", ".join(f'quote("{n}")' if n in reals else f'"{n}"' for n in names)
    try:
        # Not flattened (a subquery with LIMIT under an aggregate): its rows arrive in order.
        text = cache.conn.execute(
            f"SELECT json_group_array(json_array({picked})) FROM ({sql})", args).fetchone()[0]
    except sqlite3.OperationalError:  # a value JSON cannot hold (a BLOB written by hand…)
        return None
    rows = json.loads(text)
    at = [i for i, n in enumerate(names) if n in reals]
    for row in rows:
        for i in at:
            value = row[i]
            row[i] = None if value == "NULL" else float(value)
    return [tuple(row) for row in rows]


_reals: frozenset[str] | None = None


def _real_columns(conn: sqlite3.Connection) -> frozenset[str]:
    """The summary columns declared REAL, read from the table once per process."""
    global _reals
    if _reals is None:
        _reals = frozenset(row[0] for row in conn.execute(
            "SELECT name FROM pragma_table_info('release_summary') WHERE type = 'REAL'"))
    return _reals


_quote_exact: bool | None = None


def _quote_is_exact(conn: sqlite3.Connection) -> bool:
    """Whether ``quote()`` of a REAL reads back as the same double in Python. SQLite writes the
    digits with its own conversion (``long double`` where the platform has it); tried on
    doubles of every magnitude, once per process."""
    global _quote_exact
    if _quote_exact is None:
        import random
        import struct

        rng = random.Random(20261127)
        values = [1 / 3, 1 / 6, 0.1 + 0.2, 100 / 7, 0.28500000000000003, 2**-1074,
                  sys.float_info.max, sys.float_info.min, 7e9, 0.0, -2.5]
        while len(values) < 400:
            value = struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0]
            if math.isfinite(value):
                values.append(value)
        try:
            texts = conn.execute(f"SELECT {', '.join('quote(?)' for _ in values)}",
                                 values).fetchone()
            _quote_exact = all(float(t) == v for t, v in zip(texts, values, strict=True))
        except (sqlite3.Error, ValueError):
            _quote_exact = False
        if not _quote_exact:
            log.info("SQLite's quote() is not exact here: pages are read row by row")
    return _quote_exact


def count(cache: Cache, query: str = "", filters: Filters = Filters()) -> int:  # noqa: B008
    """How many releases match; a query alone is counted in the text index (no join)."""
    if filters.is_empty():
        match = quote_fts(query)
        if match:
            return int(cache.conn.execute(
                "SELECT count(*) FROM releases_fts WHERE releases_fts MATCH ?",
                (match,)).fetchone()[0])
    counter = _counter(cache, query, filters)
    if counter is not None:
        return counter.total()
    sql, args, _ = _base(query, filters)
    return int(cache.conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0])


# The last few counters (a query's matches and filter masks over the facet arrays): the facet
# column and the status line ask about the same search several times in a row.
_counters: OrderedDict[Any, facet_index.FacetCounter] = OrderedDict()
_counters_lock = threading.Lock()


def _counter(cache: Cache, query: str, filters: Filters) -> facet_index.FacetCounter | None:
    """Counts over the facet arrays for this search; None when the cache has none (SQL then)."""
    arrays = facet_index.load(cache)
    if arrays is None:
        return None
    match = quote_fts(query)
    key = (facet_index._key(cache), arrays.generation, match, filters)
    with _counters_lock:
        found = _counters.get(key)
        if found is not None:
            _counters.move_to_end(key)
            return found
    rowids = facet_index.matches(cache, match, arrays.size) if match else None
    counter = facet_index.FacetCounter(arrays, rowids, filters)
    with _counters_lock:
        _counters[key] = counter
        while len(_counters) > 4:
            _counters.popitem(last=False)
    return counter


def facet_counts(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008
    *,
    facets: Iterable[str] = FACETS,
    limit: int = 30,
) -> dict[str, list[tuple[Any, int]]]:
    """For each facet, its values with how many releases match (the facet's own choice aside).

    Values are ordered by count, then value; NULL is reported as :data:`NONE`. Counted over the
    facet arrays (:mod:`openexplorer.search.facet_index`): one pass over the query's matches, whatever
    the number of facets; in SQL when the cache has no arrays (:func:`facet_counts_sql`).
    """
    counter = _counter(cache, query, filters)
    if counter is None:
        return facet_counts_sql(cache, query, filters, facets=facets, limit=limit)
    memo = counter.arrays.memo if counter.take is None and filters.is_empty() else None
    out = {}
    for name in facets:  # the counts of everything are kept until the cache changes
        found = memo.get((name, limit)) if memo is not None else None
        if found is None:
            found = counter.facet(name, FACETS[name], limit)
            if memo is not None:
                memo[(name, limit)] = found
        out[name] = list(found)
    return out


def facet_counts_sql(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008
    *,
    facets: Iterable[str] = FACETS,
    limit: int = 30,
) -> dict[str, list[tuple[Any, int]]]:
    """:func:`facet_counts` with one ``GROUP BY`` per facet (the reference; small caches)."""
    out: dict[str, list[tuple[Any, int]]] = {}
    for name in facets:
        column = FACETS[name]
        sql, args, _ = _base(query, filters.without(name))
        rows = cache.conn.execute(
            f"SELECT s.{column}, count(*) AS n {sql} GROUP BY s.{column} "
            f"ORDER BY n DESC, s.{column} LIMIT ?", [*args, limit]).fetchall()
        out[name] = [(NONE if value is None else value, n) for value, n in rows]
    return out


def facet_summary(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008
    *,
    facets: Iterable[str] = FACETS,
    limit: int = 30,
) -> dict[str, Any]:
    """Everything a facet column shows for one search, counted together.

    ``facets``: :func:`facet_counts`; ``osi_approved``: [(True, n), (False, n)] (that facet's own
    choice aside); ``osai_known`` / ``params_known``: how many matches have an index score / a
    known size (the range's own bounds aside); ``total``: how many match.
    """
    out: dict[str, Any] = {"facets": facet_counts(cache, query, filters, facets=facets,
                                                  limit=limit)}
    counter = _counter(cache, query, filters)
    if counter is not None:
        memo = counter.arrays.memo if counter.take is None and filters.is_empty() else None
        if memo is not None and "hints" in memo:
            out.update({k: list(v) if isinstance(v, list) else v
                        for k, v in memo["hints"].items()})
            return out
        osi = counter.column("osi_approved")
        out["osi_approved"] = [(True, counter.count_where(["osi_approved"], osi == 2)),
                               (False, counter.count_where(["osi_approved"], osi == 1))]
        for key, name, column in (("osai_known", "osai", "osai_score"),
                                  ("params_known", "params", "parameters")):
            with _ignore_nan():
                out[key] = counter.count_where([name], counter.column(column) >= 0.0)
        out["total"] = counter.total()
        if memo is not None:
            memo["hints"] = {k: out[k] for k in ("osi_approved", "osai_known", "params_known",
                                                 "total")}
        return out
    base_filters = filters.without("osi_approved")
    out["osi_approved"] = [
        (True, count(cache, query, replace(base_filters, osi_approved=True))),
        (False, count(cache, query, replace(base_filters, osi_approved=False))),
    ]
    out["osai_known"] = count(cache, query, replace(filters, osai_min=0.0, osai_max=None))
    out["params_known"] = count(cache, query, replace(filters, params_min=0.0, params_max=None))
    out["total"] = count(cache, query, filters)
    return out


def _ignore_nan() -> Any:
    import numpy as np

    return np.errstate(invalid="ignore")
