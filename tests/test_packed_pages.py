"""Pages the results table's reader reads (``summary.search(columns=…, packed=True)``) come as
one JSON text built by SQLite, REAL values as ``quote()`` text. They must be exactly the rows a
plain ``fetchall`` gives — values, types, order, keys — and where ``quote()`` is not exact the
plain read is used."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from openexplorer.search import planner, summary
from openexplorer.store.cache_file import open_cache
from tests.test_facet_index import _ingest_synthetic
from tests.test_sorted_search_walk import SEARCHES, SORTS


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("packed") / "c.sqlite")
    _ingest_synthetic(opened, 0, 600)
    yield opened
    opened.close()


def tuple_pages(cache: Any, query: str, filters: summary.Filters, sort: str, descending: bool,
                size: int, packed: bool) -> list[list[tuple[Any, ...]]]:
    """Every page as the results table reads it: tuples, each page after the last one's key."""
    names = list(summary.COLUMNS)
    out: list[list[tuple[Any, ...]]] = []
    after = None
    while len(out) < 400:
        rows = summary.search(cache, query, filters, sort=sort, descending=descending,
                              limit=size, after=after, columns=names, packed=packed)
        if not rows:
            return out
        out.append(rows)
        last = dict(zip([*names, "search_key"], rows[-1], strict=False))
        after = summary.page_key(last, query, sort=sort, descending=descending)
    raise AssertionError("paging does not end")


def _typed(pages: list[list[tuple[Any, ...]]]) -> list[list[tuple[tuple[type, Any], ...]]]:
    # 1 == 1.0 == True in Python: compare the types too.
    return [[tuple((type(v), v) for v in row) for row in page] for page in pages]


def test_quote_is_exact_on_this_platform(cache):
    # Else every other test here compares the plain read with itself.
    assert planner.check_quote(cache.conn) is True
    assert planner.quote_is_exact(cache.conn) is True


@pytest.mark.parametrize("sort", SORTS)
def test_packed_pages_are_the_rows_fetchall_gives(cache, sort: str) -> None:
    reals_seen = 0
    for query, filters in SEARCHES:
        for descending in (False, True):
            packed = tuple_pages(cache, query, filters, sort, descending, 40, packed=True)
            expected = tuple_pages(cache, query, filters, sort, descending, 40, packed=False)
            assert _typed(packed) == _typed(expected), (query, filters, sort, descending)
            reals_seen += sum(1 for page in packed for row in page for v in row
                              if isinstance(v, float))
    assert reals_seen > 0


def test_doubles_needing_seventeen_digits_come_back_exactly(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite")
    try:
        rows = summary.search(cache, "", limit=3, columns=["release_id"])
        ids = [row[0] for row in rows]
        values = [0.28500000000000003, 1 / 6, 100 / 7]  # 0.285 → "0.28" would flip to "0.29"
        with cache.conn:
            for release_id, value in zip(ids, values, strict=True):
                cache.conn.execute("UPDATE release_summary SET osai_score = ?, parameters = ? "
                                   "WHERE release_id = ?", (value, value * 1e9, release_id))
        got = {row[0]: row[1:] for row in summary.search(
            cache, "", limit=10_000, columns=["release_id", "osai_score", "parameters"],
            packed=True)}
        for release_id, value in zip(ids, values, strict=True):
            assert got[release_id] == (value, value * 1e9)
            assert f"{got[release_id][0]:.2f}" == f"{value:.2f}"
    finally:
        cache.close()


def test_where_quote_is_not_exact_pages_are_read_row_by_row(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite")
    try:
        expected = summary.search(cache, "llama", limit=30, columns=list(summary.COLUMNS),
                                  packed=True)
        # An SQLite whose quote() writes 15 digits (as its JSON does).
        cache.conn.create_function("quote", 1, lambda v: "NULL" if v is None else (
            f"{v:.15g}" if isinstance(v, float) else repr(v)), deterministic=True)
        assert not planner.check_quote(cache.conn)
        executed: list[str] = []
        cache.conn.set_trace_callback(executed.append)
        rows = summary.search(cache, "llama", limit=30, columns=list(summary.COLUMNS),
                              packed=True)
        cache.conn.set_trace_callback(None)
        assert rows == expected
        assert not any("json_group_array" in sql for sql in executed)
    finally:
        cache.close()
        with sqlite3.connect(":memory:") as plain:  # this SQLite's own quote() again
            assert planner.check_quote(plain)


def test_a_value_json_cannot_hold_still_reads(tmp_path):
    cache = open_cache(tmp_path / "c.sqlite")
    try:
        first = summary.search(cache, "", limit=1, columns=["release_id"])[0][0]
        with cache.conn:  # a cache edited by hand: bytes in a text column
            cache.conn.execute("UPDATE release_summary SET country = ? WHERE release_id = ?",
                               (b"\x00\xff", first))
        rows = summary.search(cache, "", limit=5, columns=["release_id", "country"],
                              packed=True)
        assert (first, b"\x00\xff") in rows
    finally:
        cache.close()


def test_only_the_reader_asks_for_packed_pages(cache):
    executed: list[str] = []
    cache.conn.set_trace_callback(executed.append)
    try:  # on the GUI thread a plain read is cheaper (no lock to share): 0.4 against 1 ms
        summary.search(cache, "", limit=50, columns=list(summary.COLUMNS))
    finally:
        cache.conn.set_trace_callback(None)
    assert executed and not any("json_group_array" in sql for sql in executed)


def test_an_empty_page_is_empty(cache):
    assert summary.search(cache, "zzzz-no-such-release-qq", limit=50,
                          columns=list(summary.COLUMNS), packed=True) == []
