"""Pages of search results: which rows, in which order, read how (the search planner).

:func:`search` gives a page of summary rows for a query and :class:`~openexplorer.search.filters.Filters`
in the chosen order (:data:`SORTS`), the next page after :func:`page_key` of the last row
(keyset paging). At Hub scale it chooses the plan itself, from the count of matches the facet
arrays give (:func:`openexplorer.search.counts.counter`): few matches looked up by their rowids
and sorted, many read in the order's own index (docs/benchmarks.md, sorting at a million).
Pages for the results table can be read as one packed JSON text (:func:`search`, ``packed``).
"""

from __future__ import annotations

import json
import logging
import math
import sqlite3
import sys
from collections.abc import Callable, Sequence
from typing import Any, Literal

from openexplorer.db.cache import Cache, quote_fts
from openexplorer.db.fts import search_key_sql
from openexplorer.search import facet_index
from openexplorer.search.counts import count, counter
from openexplorer.search.filters import Filters, rowids_sql, search_sql, walk_sql

log = logging.getLogger(__name__)

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


#: How a page is read where the planner chooses: as SQLite plans it, the few matches looked up
#: by rowid, or the many read in the order's index (``auto``: :func:`many_matches` chooses).
Plan = Literal["auto", "sqlite", "few", "many"]
_PLANS: dict[str, bool | None] = {"sqlite": None, "few": False, "many": True}

#: Below this many releases every search reads as SQLite plans it.
PLANNED_UNDER = 10_000


def many_matches(cache: Cache, query: str, filters: Filters, limit: int, *,
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
        return None  # (the arrays are loaded by the facet count, never here: they take a while at Hub scale)
    if in_text_order:
        total = _matches(cache, query, Filters())
    return reads_in_order(_matches(cache, query, filters), total, limit)


def reads_in_order(matches: int, read_through: int, limit: int) -> bool:
    """Whether ``matches`` matches among ``read_through`` rows are many enough for a page of
    ``limit`` to be read in an index's order (:func:`many_matches`): above twice the point
    where reading in order (``limit × read_through / matches``) and sorting (``matches``)
    cost the same."""
    return matches > 2 * math.sqrt(max(limit, 1) * read_through)


def _matches(cache: Cache, query: str, filters: Filters) -> int:
    """:func:`count`, from the facet arrays' counts kept per search when there are any (each
    page of a search asks again)."""
    counts = counter(cache, query, filters)
    return counts.total() if counts is not None else count(cache, query, filters)


def few_rowids(cache: Cache, query: str, filters: Filters) -> list[int] | None:
    """The releases' rowids of a search with few matches, from the facet arrays (None without
    them)."""
    counts = counter(cache, query, filters)
    return None if counts is None else counts.rowids()


def not_null(column: str) -> str:
    """``column IS NOT NULL`` as a range SQLite seeks in the column's index: with a COLLATE
    term it does not treat IS NOT NULL as one, and an ascending sort of the licences read past
    every release without a licence first. The collated columns are TEXT
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
    plan: Plan = "auto",
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
    ``plan``: ``auto`` chooses (:func:`many_matches`); ``sqlite``, ``few`` or ``many`` take that
    plan wherever a choice is made (the tests compare them).
    """
    limit = max(0, int(limit))
    offset = max(0, int(offset))
    sql, args, matched = search_sql(query, filters)
    column, desc = _order(query, sort, descending)
    picked = ", ".join(f"s.{name}" for name in columns) if columns is not None else "s.*"
    select = f"SELECT {picked}" + (", releases_fts.rowid AS search_key" if matched else "")
    key = "releases_fts.rowid"  # the text index's order
    # At Hub scale the plan SQLite picks can read far more than a page: choose it (tested to
    # give the same rows as SQLite's own plan, tests/test_sorted_search_walk.py).
    many: bool | None = None
    if not filters.is_empty() or (matched and column is not None):
        many = (many_matches(cache, query, filters, limit + offset,
                             in_text_order=column is None)
                if plan == "auto" else _PLANS[plan])
    rowids = few_rowids(cache, query, filters) if many is False else None
    if rowids is not None:
        sql, args = rowids_sql(rowids, filters)
        if matched:
            key = search_key_sql("r")
            select = f"SELECT {picked}, {key} AS search_key"
    elif many and matched and column is not None:
        sql, args = walk_sql(query, filters, column)
        select = f"SELECT {picked}, {search_key_sql('r')} AS search_key"
    elif many and not matched:  # read in the sort's index, the filters checked on the way
        sql, args, matched = search_sql(query, filters, order=column)
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
        segments = [(not_null(column), f"{column} {direction}, {name_order}",
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
    if not quote_is_exact(cache.conn):
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


def check_quote(conn: sqlite3.Connection) -> bool:
    """:func:`quote_is_exact`, checked again on this connection (the answer kept for the
    process replaced): a connection whose ``quote()`` was replaced, in tests."""
    global _quote_exact
    _quote_exact = None
    return quote_is_exact(conn)


def quote_is_exact(conn: sqlite3.Connection) -> bool:
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



__all__ = ["PLANNED_UNDER", "SORTS", "Plan", "check_quote", "few_rowids", "many_matches", "not_null", "page_key",
           "reads_in_order",
           "quote_is_exact", "search"]
