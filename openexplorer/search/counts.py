"""How many releases a search matches, and the facet column's counts for it.

Counted over the facet arrays (:mod:`openexplorer.search.facet_index`) when the cache has them:
one pass over the query's matches, whatever the number of facets; in SQL otherwise
(:func:`facet_counts_sql`, also the reference the tests compare them with). Which facets there
are, and of which kind, is the facet table's (:data:`openexplorer.search.facets.FACET_TABLE`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from openexplorer.db.cache import Cache, quote_fts
from openexplorer.search import facet_index
from openexplorer.search.facets import FACETS, NONE, RANGE_FACETS, YESNO_FACETS
from openexplorer.search.filters import Filters, search_sql


def count(cache: Cache, query: str = "", filters: Filters = Filters()) -> int:  # noqa: B008
    """How many releases match; a query alone is counted in the text index (no join)."""
    if filters.is_empty():
        match = quote_fts(query)
        if match:
            return int(cache.conn.execute(
                "SELECT count(*) FROM releases_fts WHERE releases_fts MATCH ?",
                (match,)).fetchone()[0])
    counts = counter(cache, query, filters)
    if counts is not None:
        return counts.total()
    sql, args, _ = search_sql(query, filters)
    return int(cache.conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0])


# The last few counters (a query's matches and filter masks over the facet arrays): the facet
# column and the status line ask about the same search several times in a row.
_counters: OrderedDict[Any, facet_index.FacetCounter] = OrderedDict()
_counters_lock = threading.Lock()


def counter(cache: Cache, query: str, filters: Filters) -> facet_index.FacetCounter | None:
    """Counts over the facet arrays for this search (the last few searches' are kept); None
    when the cache has no arrays (SQL then)."""
    arrays = facet_index.load(cache)
    if arrays is None:
        return None
    match = quote_fts(query)
    key = (facet_index.cache_key(cache), arrays.generation, match, filters)
    with _counters_lock:
        found = _counters.get(key)
        if found is not None:
            _counters.move_to_end(key)
            return found
    rowids = facet_index.matches(cache, match, arrays.size) if match else None
    made = facet_index.FacetCounter(arrays, rowids, filters)
    with _counters_lock:
        _counters[key] = made
        while len(_counters) > 4:
            _counters.popitem(last=False)
    return made


def forget_kept() -> None:
    """Let go of the counters kept for the last searches (benchmarks measure the counting)."""
    with _counters_lock:
        _counters.clear()


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
    facet arrays (:mod:`openexplorer.search.facet_index`): one pass over the query's matches,
    whatever the number of facets; in SQL when the cache has no arrays (:func:`facet_counts_sql`).
    """
    counts = counter(cache, query, filters)
    if counts is None:
        return facet_counts_sql(cache, query, filters, facets=facets, limit=limit)
    memo = counts.arrays.memo if counts.take is None and filters.is_empty() else None
    out = {}
    for name in facets:  # the counts of everything are kept until the cache changes
        found = memo.get((name, limit)) if memo is not None else None
        if found is None:
            found = counts.facet(name, FACETS[name], limit)
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
        sql, args, _ = search_sql(query, filters.without(name))
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

    ``facets``: :func:`facet_counts`; for each yes/no facet (``osi_approved``): [(True, n),
    (False, n)] (that facet's own choice aside); for each range facet, ``<key>_known``
    (``osai_known``, ``params_known``): how many matches have a value (the range's own bounds
    aside); ``total``: how many match.
    """
    out: dict[str, Any] = {"facets": facet_counts(cache, query, filters, facets=facets,
                                                  limit=limit)}
    counts = counter(cache, query, filters)
    hints = [*(row.key for row in YESNO_FACETS), *(row.known_key for row in RANGE_FACETS),
             "total"]
    if counts is not None:
        memo = counts.arrays.memo if counts.take is None and filters.is_empty() else None
        if memo is not None and "hints" in memo:
            out.update({k: list(v) if isinstance(v, list) else v
                        for k, v in memo["hints"].items()})
            return out
        for row in YESNO_FACETS:
            column = counts.column(row.column)
            out[row.key] = [(True, counts.count_where([row.key], column == 2)),
                            (False, counts.count_where([row.key], column == 1))]
        for row in RANGE_FACETS:
            with _ignore_nan():
                out[row.known_key] = counts.count_where([row.key],
                                                        counts.column(row.column) >= 0.0)
        out["total"] = counts.total()
        if memo is not None:
            memo["hints"] = {k: out[k] for k in hints}
        return out
    for row in YESNO_FACETS:
        others = filters.without(row.key)
        yes: dict[str, Any] = {row.key: True}
        no: dict[str, Any] = {row.key: False}
        out[row.key] = [(True, count(cache, query, replace(others, **yes))),
                        (False, count(cache, query, replace(others, **no)))]
    for row in RANGE_FACETS:
        low, high = row.bounds
        known: dict[str, Any] = {low: 0.0, high: None}
        out[row.known_key] = count(cache, query, replace(filters, **known))
    out["total"] = count(cache, query, filters)
    return out


def _ignore_nan() -> Any:
    import numpy as np

    return np.errstate(invalid="ignore")


__all__ = ["count", "counter", "facet_counts", "facet_counts_sql", "facet_summary",
           "forget_kept"]
