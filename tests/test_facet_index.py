"""The facet arrays count exactly what the SQL GROUP BY counts, and follow every write."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from openexplorer.search import facet_index
from openexplorer.hub import evidence as hub_evidence
from openexplorer.search import summary
from openexplorer.db.cache import Cache
from openexplorer.core.records import ImportResult
from openexplorer.store.cache_file import open_cache
from openexplorer.search.filters import search_sql
from openexplorer.search.summary import NONE, Filters
from openexplorer.store.ingest import ingest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import synthetic  # noqa: E402

QUERIES = ["", "llama", "olmo", "qwen instr", "7b", "gguf", "nothing-like-this"]
FILTERS = [
    Filters(),
    Filters(mof_class=("I", NONE)),
    Filters(license_category=("Permissive",), origin=("hub",)),
    Filters(org_kind=("big-tech", "academic"), year=(2023, 2024, 2025)),
    Filters(osi_approved=True),
    Filters(osi_approved=False, gated=("false",)),
    Filters(osai_min=0.5),
    Filters(osai_min=0.2, osai_max=0.8, params_min=1e9),
    Filters(params_max=8e9, modality=("text",)),
    Filters(organization=("Meta", "Allen Institute for AI"), country=("United States",)),
]


def _ingest_synthetic(cache: Cache, start: int, count: int) -> None:
    records = [hub_evidence.record_from_hub(body, None, fetched_at="2026-10-01T00:00:00Z")
               for _, body in synthetic.unique_bodies(count, seed=7, start=start)]
    ingest(cache, ImportResult(records=records))


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("facets") / "c.sqlite")
    _ingest_synthetic(opened, 0, 400)
    yield opened
    opened.close()


def _sql_summary(cache: Cache, query: str, filters: Filters) -> dict:
    base = filters.without("osi_approved")
    sql_count = search_sql  # the reference counts, in SQL

    def count(f: Filters) -> int:
        sql, args, _ = sql_count(query, f)
        return int(cache.conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0])

    from dataclasses import replace
    return {
        "facets": summary.facet_counts_sql(cache, query, filters, limit=25),
        "osi_approved": [(True, count(replace(base, osi_approved=True))),
                         (False, count(replace(base, osi_approved=False)))],
        "osai_known": count(replace(filters, osai_min=0.0, osai_max=None)),
        "params_known": count(replace(filters, params_min=0.0, params_max=None)),
        "total": count(filters),
    }


def test_the_index_is_built_with_the_cache(cache):
    assert facet_index.is_built(cache)
    arrays = facet_index.load(cache)
    assert arrays is not None
    assert int(arrays.present.sum()) == cache.count("release_summary") == cache.count("releases")


@pytest.mark.parametrize("query", QUERIES)
def test_facet_summary_equals_the_sql_reference(cache, query):
    for filters in FILTERS:
        assert summary.facet_summary(cache, query, filters, limit=25) == \
            _sql_summary(cache, query, filters), (query, filters)
        assert summary.count(cache, query, filters) == _sql_summary(cache, query, filters)["total"]


def test_writes_are_followed(tmp_path):
    with open_cache(tmp_path / "c.sqlite") as cache:
        before = summary.facet_summary(cache, "qwen")
        _ingest_synthetic(cache, 1000, 150)  # new releases, the arrays grow
        _ingest_synthetic(cache, 1000, 50)  # the same again: updates
        after = summary.facet_summary(cache, "qwen")
        assert after != before
        assert after == _sql_summary(cache, "qwen", Filters()) | {"facets": after["facets"]}
        assert after["facets"] == summary.facet_counts_sql(cache, "qwen", limit=30)
        # A release deleted behind the summary's back (as recovery does) is no longer counted.
        victim = cache.conn.execute(
            "SELECT id FROM releases WHERE origin = 'hub' LIMIT 1").fetchone()[0]
        with cache.conn:
            cache.conn.execute("DELETE FROM releases WHERE id = ?", (victim,))
            cache.conn.execute("DELETE FROM release_summary WHERE release_id = ?", (victim,))
        assert summary.facet_summary(cache, "") == _sql_summary(cache, "", Filters()) | {
            "facets": summary.facet_counts_sql(cache, "", limit=30)}


def test_a_cache_without_the_index_counts_in_sql(tmp_path):
    with open_cache(tmp_path / "c.sqlite") as cache:
        with cache.conn:
            cache.conn.execute("DELETE FROM meta WHERE key = 'facet_index'")
        facet_index.forget(cache)
        assert facet_index.load(cache) is None
        assert summary.facet_counts(cache, "llama") == summary.facet_counts_sql(cache, "llama")
        assert summary.ensure_summaries(cache) is False  # the rules did not change…
        assert facet_index.is_built(cache)  # …but the missing index was built
        assert summary.facet_counts(cache, "llama") == summary.facet_counts_sql(cache, "llama")


def test_an_in_memory_cache_has_its_own_arrays():
    cache = Cache.memory()
    _ingest_synthetic(cache, 0, 30)
    summary.rebuild_all(cache)
    assert summary.facet_counts(cache) == summary.facet_counts_sql(cache)


def test_a_rebuild_gives_new_codes_and_a_reader_does_not_keep_the_old_values(tmp_path):
    """A reader that loaded the arrays keeps the values of the codes it knew between changes;
    a rebuild (another process, a rules change) gives every value a new code."""
    with Cache.open(tmp_path / "c.sqlite") as cache:
        _ingest_synthetic(cache, 0, 60)
        with cache.conn:
            facet_index.rebuild(cache)
        before = summary.facet_summary(cache)["facets"]["license_category"]
        assert facet_index.load(cache) is not None  # loaded: values known to this process
        with cache.conn:  # the same values, coded in another order
            cache.conn.execute(
                "UPDATE release_summary SET license_category = 'A first value' WHERE release_id "
                "IN (SELECT release_id FROM release_summary ORDER BY release_id LIMIT 30)")
            facet_index.rebuild(cache)
        after = dict(summary.facet_summary(cache)["facets"]["license_category"])
        expected = dict(cache.conn.execute(
            "SELECT coalesce(license_category, 'none'), count(*) FROM release_summary "
            "GROUP BY 1").fetchall())
        assert after == expected and after != dict(before)
