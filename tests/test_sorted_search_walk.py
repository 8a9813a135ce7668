"""A query sorted by a column, read by walking the sort index (summary._base_walk), gives the
rows, order, keys and pages the plain plan (match, look up, sort) gives."""

from __future__ import annotations

from typing import Any

import pytest

from openexplorer import summary
from openexplorer.store import open_cache
from openexplorer.summary import NONE, Filters
from tests.test_facet_index import _ingest_synthetic

SORTS = ["name", "organization", "release_date", "license", "mof", "osai_score", "osaid",
         "downloads", "parameters", "origin"]
SEARCHES = [("llama", Filters()), ("qwen instr", Filters()), ("7b", Filters(modality=("text",))),
            ("gguf", Filters(license_category=("Permissive", NONE))), ("bert", Filters())]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("walk") / "c.sqlite")
    _ingest_synthetic(opened, 0, 600)
    yield opened
    opened.close()


def pages(cache: Any, query: str, filters: Filters, sort: str, descending: bool,
          size: int) -> list[list[tuple[Any, ...]]]:
    """Every page of a search, each read after the key of the one before (as the table does)."""
    out: list[list[tuple[Any, ...]]] = []
    after = None
    while True:
        rows = summary.search(cache, query, filters, sort=sort, descending=descending,
                              limit=size, after=after)
        if not rows:
            return out
        out.append([tuple(r.values()) for r in rows])
        after = summary.page_key(rows[-1], query, sort=sort, descending=descending)
        if len(out) > 500:
            raise AssertionError("paging does not end")


@pytest.mark.parametrize("sort", SORTS)
def test_the_index_walk_reads_what_the_sort_reads(cache, sort: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[bool] = []
    for query, filters in SEARCHES:
        for descending in (False, True):
            monkeypatch.setattr(summary, "_walks", lambda *a: False)
            plain = pages(cache, query, filters, sort, descending, 7)
            monkeypatch.setattr(summary, "_walks", lambda *a: walked.append(True) or True)
            walk = pages(cache, query, filters, sort, descending, 7)
            assert walk == plain, (query, filters, sort, descending)
            assert sum(len(p) for p in plain) == summary.count(cache, query, filters)
    assert walked  # the walk was really taken
    assert any(len(plain) > 3 for plain in [pages(cache, "llama", Filters(), sort, False, 7)])


def test_the_walk_is_chosen_only_for_many_matches_in_a_large_cache(cache, monkeypatch):
    assert summary._walks(cache, "llama", Filters(), 150) is False  # a small cache: never
    monkeypatch.setattr(summary, "_release_count", lambda c: 1_000_000)
    monkeypatch.setattr(summary, "count", lambda c, q, f: 240_000)
    assert summary._walks(cache, "llama", Filters(), 150) is True
    monkeypatch.setattr(summary, "count", lambda c, q, f: 4_000)  # few: sort them
    assert summary._walks(cache, "olmo", Filters(), 150) is False


@pytest.mark.parametrize("column", ["s.license_id COLLATE NOCASE", "s.name COLLATE NOCASE",
                                    "s.organization COLLATE NOCASE", "s.family COLLATE NOCASE"])
def test_the_not_null_range_selects_what_is_not_null_selects(cache, column: str) -> None:
    """The range that lets SQLite seek past the NULLs keeps exactly the rows IS NOT NULL keeps,
    whatever a TEXT column holds: text below any letter, numbers (kept as text), blobs."""
    bare = column.split(" COLLATE")[0]
    plain = cache.conn.execute(f"SELECT count(*) FROM release_summary s WHERE {bare} IS NOT NULL")
    ranged = cache.conn.execute(
        f"SELECT count(*) FROM release_summary s WHERE {summary._not_null(column)}")
    assert ranged.fetchone() == plain.fetchone()
    cache.conn.execute("CREATE TEMP TABLE odd (v TEXT)")  # as the summary's text columns
    try:
        cache.conn.executemany("INSERT INTO odd VALUES (?)", [
            (None,), ("",), (" space",), ("!bang",), ("(paren",), ("-dash",), ("a",),
            (0,), (-5,), (-1e308,), (float("-inf"),), (b"",), (b"\x00",)])
        odd = column.replace(bare, "s.v")
        expected = cache.conn.execute("SELECT count(*) FROM temp.odd s WHERE s.v IS NOT NULL")
        got = cache.conn.execute(f"SELECT count(*) FROM temp.odd s WHERE {summary._not_null(odd)}")
        assert got.fetchone() == expected.fetchone() == (12,)
    finally:
        cache.conn.execute("DROP TABLE temp.odd")
    assert summary._not_null("s.osai_score") == "s.osai_score IS NOT NULL"
