"""At Hub scale summary.search chooses how a page is read: a search with few matches from the
facet arrays' rowids (filters.rowids_sql), a sorted query with many by walking the sort index
(filters.walk_sql), filters with many matches in the sort index's order (where_clause with
``order``). Each gives the rows, order, keys and pages SQLite's own plan gives."""

from __future__ import annotations

from typing import Any

import pytest

from openexplorer.search import planner, summary
from openexplorer.store.cache_file import open_cache
from openexplorer.search.summary import NONE, Filters
from tests.test_facet_index import _ingest_synthetic

SORTS = ["relevance", "name", "organization", "release_date", "license", "mof", "osai_score",
         "osaid", "downloads", "parameters", "origin"]
SEARCHES = [("llama", Filters()), ("qwen instr", Filters()), ("7b", Filters(modality=("text",))),
            ("gguf", Filters(license_category=("Permissive", NONE))), ("bert", Filters()),
            ("", Filters(year=(2024, 2025))), ("", Filters(osai_min=0.3, osai_max=0.9)),
            ("", Filters(license_category=("Permissive",), origin=("hub",))),
            ("llama", Filters(year=(2025,), mof_class=(NONE,))), ("", Filters(year=(NONE, 2023))),
            ("", Filters(params_min=1e9, gated=("false",)))]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("walk") / "c.sqlite")
    _ingest_synthetic(opened, 0, 600)
    yield opened
    opened.close()


def pages(cache: Any, query: str, filters: Filters, sort: str, descending: bool,
          size: int, plan: planner.Plan = "auto") -> list[list[tuple[Any, ...]]]:
    """Every page of a search, each read after the key of the one before (as the table does)."""
    out: list[list[tuple[Any, ...]]] = []
    after = None
    while True:
        rows = summary.search(cache, query, filters, sort=sort, descending=descending,
                              limit=size, after=after, plan=plan)
        if not rows:
            return out
        out.append([tuple(r.values()) for r in rows])
        after = summary.page_key(rows[-1], query, sort=sort, descending=descending)
        if len(out) > 500:
            raise AssertionError("paging does not end")


@pytest.mark.parametrize("sort", SORTS)
def test_every_plan_reads_what_sqlites_own_plan_reads(cache, sort: str) -> None:
    for query, filters in SEARCHES:
        for descending in (False, True):
            plain = pages(cache, query, filters, sort, descending, 7, "sqlite")
            assert sum(len(p) for p in plain) == summary.count(cache, query, filters)
            for plan in ("few", "many"):  # looked up by rowid, read in index order
                assert pages(cache, query, filters, sort, descending, 7, plan) == plain, \
                    (query, filters, sort, descending, plan)
    assert len(pages(cache, "llama", Filters(), sort, False, 7)) > 3  # several pages


def test_the_plan_is_chosen_by_the_matches_in_a_large_cache(cache):
    from openexplorer.search import facet_index

    assert facet_index.load(cache) is not None and facet_index.is_loaded(cache)
    assert planner.many_matches(cache, "llama", Filters(), 150) is None  # a small cache: SQLite's
    # At a million releases: "llama" has many matches, "olmo" few (look them up).
    assert planner.reads_in_order(240_000, 1_000_000, 150) is True
    assert planner.reads_in_order(4_000, 1_000_000, 150) is False
    # In the text index's order the rows read through are the query's matches, not the cache.
    assert planner.reads_in_order(16_000, 48_000, 150) is True
    assert planner.reads_in_order(16_000, 1_000_000, 150) is False
    assert planner.reads_in_order(700, 48_000, 150) is False
    facet_index.forget(cache)  # not loaded in this process: never loaded here, SQLite plans
    assert planner.many_matches(cache, "llama", Filters(), 150) is None
    assert not facet_index.is_loaded(cache)


def test_few_rowids_are_the_matches(cache) -> None:
    for query, filters in SEARCHES:
        rowids = planner.few_rowids(cache, query, filters)
        assert rowids is not None and rowids == sorted(rowids)
        assert len(rowids) == summary.count(cache, query, filters)
        ids = {r["release_id"] for r in summary.search(cache, query, filters, limit=10_000)}
        found = {row[0] for row in cache.conn.execute(
            "SELECT id FROM releases WHERE rowid IN (SELECT value FROM json_each(?))",
            ("[" + ",".join(map(str, rowids)) + "]",))}
        assert found == ids


@pytest.mark.parametrize("column", ["s.license_id COLLATE NOCASE", "s.name COLLATE NOCASE",
                                    "s.organization COLLATE NOCASE", "s.family COLLATE NOCASE"])
def test_the_not_null_range_selects_what_is_not_null_selects(cache, column: str) -> None:
    """The range that lets SQLite seek past the NULLs keeps exactly the rows IS NOT NULL keeps,
    whatever a TEXT column holds: text below any letter, numbers (kept as text), blobs."""
    bare = column.split(" COLLATE")[0]
    plain = cache.conn.execute(f"SELECT count(*) FROM release_summary s WHERE {bare} IS NOT NULL")
    ranged = cache.conn.execute(
        f"SELECT count(*) FROM release_summary s WHERE {planner.not_null(column)}")
    assert ranged.fetchone() == plain.fetchone()
    cache.conn.execute("CREATE TEMP TABLE odd (v TEXT)")  # as the summary's text columns
    try:
        cache.conn.executemany("INSERT INTO odd VALUES (?)", [
            (None,), ("",), (" space",), ("!bang",), ("(paren",), ("-dash",), ("a",),
            (0,), (-5,), (-1e308,), (float("-inf"),), (b"",), (b"\x00",)])
        odd = column.replace(bare, "s.v")
        expected = cache.conn.execute("SELECT count(*) FROM temp.odd s WHERE s.v IS NOT NULL")
        got = cache.conn.execute(f"SELECT count(*) FROM temp.odd s WHERE {planner.not_null(odd)}")
        assert got.fetchone() == expected.fetchone() == (12,)
    finally:
        cache.conn.execute("DROP TABLE temp.odd")
    assert planner.not_null("s.osai_score") == "s.osai_score IS NOT NULL"
