"""A refresh that brings nothing new but the Hub's counters (the fast way of store.ingest.ingest).

The Hub answers for the same model a day later with more downloads, a new commit and a new
modification date. The record then keeps its rows (only its volatile fields and the links naming
the commit are written), the release only moves its popularity, the summary only its downloads:
the cache must end up exactly as the full path (replace the record, rebuild the release, recompute
the summary) would leave it. A change of evidence (a licence) still goes the full way, logged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from openexplorer.core.records import ImportResult, SourceRecord
from openexplorer.db.cache import SCHEMA_VERSION, Cache, popularity_of
from openexplorer.db.fts import popularity_sql, search_key_sql
from openexplorer.db.schema import MIGRATIONS
from openexplorer.hub import evidence as hub_evidence
from openexplorer.search import facet_index, summary
from openexplorer.store import ingest as store
from openexplorer.store.ingest import IngestReport

DAY_1 = "2026-03-01T08:00:00+00:00"
DAY_2 = "2026-03-02T08:00:00+00:00"


def body(repo: str = "acme/tiny-llama-7b", *, downloads: int = 1234, sha: str = "a" * 40,
         license_: str = "apache-2.0", likes: int = 5,
         modified: str = "2026-02-27T10:00:00.000Z") -> dict[str, Any]:
    """A Hub API body as ``GET /api/models/{id}`` gives it."""
    return {
        "id": repo, "author": repo.split("/")[0], "sha": sha, "private": False, "gated": False,
        "downloads": downloads, "likes": likes, "library_name": "transformers",
        "pipeline_tag": "text-generation",
        "tags": ["transformers", "safetensors", "llama", "text-generation",
                 f"license:{license_}", "dataset:allenai/c4", "arxiv:2302.13971"],
        "createdAt": "2025-05-01T10:00:00.000Z", "lastModified": modified,
        "cardData": {"license": license_, "datasets": ["allenai/c4"]},
        "siblings": [{"rfilename": n} for n in
                     ("config.json", "model.safetensors", "README.md", "LICENSE",
                      "modeling_tiny.py")],
        "safetensors": {"total": 7_000_000_000},
    }


def record(fetched: str = DAY_1, **changes: Any) -> SourceRecord:
    repo = changes.pop("repo", "acme/tiny-llama-7b")
    return hub_evidence.record_from_hub(body(repo, **changes), None,
                                        fetched_at=fetched.replace("+00:00", "Z"))


def a_day_later(**changes: Any) -> SourceRecord:
    return record(DAY_2, **{"downloads": 1700, "sha": "b" * 40, "likes": 9,
                            "modified": "2026-03-01T23:00:00.000Z", **changes})


def new_cache() -> Cache:
    cache = Cache.memory()
    with cache.conn:
        facet_index.rebuild(cache)  # so that the facet arrays are kept by every write
    return cache


def ingest(cache: Cache, *records: SourceRecord, now: str, fast: bool = True) -> IngestReport:
    """``fast=False``: every record the full way (replaced, its release rebuilt), as before
    the fast way."""
    return store.ingest(cache, ImportResult(records=list(records)), now=now, fast_refresh=fast)


def state(cache: Cache, release_id: str) -> dict[str, Any]:
    """Everything a refresh can write about one release (row ids of records aside)."""
    conn = cache.conn

    def rows(sql: str, *args: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in conn.execute(sql, args)]

    return {
        "record": rows("SELECT source, key, scope, release_id, family_id, organization_id, name, "
                       "organization, family, release_date, hub_id, modality, parameters, "
                       "license, url, source_version, assessed_date, data, imported_at "
                       "FROM records WHERE release_id = ?", release_id),
        "assessments": rows("SELECT framework, component, status, value, license, "
                            "license_given, urls, notes FROM assessments WHERE record_id IN "
                            "(SELECT id FROM records WHERE release_id = ?) ORDER BY id",
                            release_id),
        "release": rows("SELECT rowid, * FROM releases WHERE id = ?", release_id),
        "summary": rows("SELECT * FROM release_summary WHERE release_id = ?", release_id),
        "match_keys": rows("SELECT * FROM match_keys WHERE release_id = ? ORDER BY key",
                           release_id),
        "changes": rows("SELECT release_id, source, field, old, new, changed_at FROM changes "
                        "WHERE release_id = ? ORDER BY id", release_id),
        "families": rows("SELECT * FROM families ORDER BY id"),
        "organizations": rows("SELECT * FROM organizations ORDER BY id"),
        "facets": rows("SELECT * FROM facet_chunks ORDER BY chunk"),
        "facet_values": rows("SELECT * FROM facet_values ORDER BY facet, code"),
        "search": [(r["release_id"], r["search_key"])
                   for r in summary.search(cache, "tiny llama", limit=10)],
    }


def test_unchanged_evidence_keeps_the_rows_and_ends_as_the_full_path() -> None:
    fast = new_cache()
    assert ingest(fast, record(), now=DAY_1).refreshed_in_place == []  # new: the full way
    release_id = "acme/tiny-llama-7b"
    report = ingest(fast, a_day_later(), now=DAY_2)
    assert report.records == 1 and report.changes == 0
    assert report.touched == {release_id}
    assert report.refreshed_in_place == [release_id]  # the fast path kept its rows

    full = new_cache()
    ingest(full, record(), now=DAY_1, fast=False)
    assert ingest(full, a_day_later(), now=DAY_2, fast=False).refreshed_in_place == []
    assert state(fast, release_id) == state(full, release_id)

    # What the day-later answer says is there: the new downloads, commit and links.
    view = fast.conn.execute("SELECT downloads FROM release_summary WHERE release_id = ?",
                             (release_id,)).fetchone()
    assert view[0] == 1700
    assert fast.conn.execute("SELECT source_version FROM records WHERE key = ?",
                             (release_id,)).fetchone()[0] == "b" * 40
    urls = " ".join(u for r in fast.records_for(release_id) for a in r["assessments"]
                    for u in a.urls)
    assert "/tree/" + "b" * 40 in urls and "a" * 40 not in urls
    assert fast.conn.execute("SELECT count(*) FROM changes WHERE changed_at = ?",
                             (DAY_2,)).fetchone()[0] == 0


def test_a_new_commit_alone_writes_no_assessment_row() -> None:
    """Links are stored relative to the record's commit: a refresh that brings a new commit
    rewrites the record's row, not its 20-odd assessments (pages written at Hub scale)."""
    cache = new_cache()
    ingest(cache, record(), now=DAY_1)
    before = cache.conn.execute("SELECT id, urls FROM assessments ORDER BY id").fetchall()
    assert any(u and "\\u0000" in u for _id, u in before)  # stored relative to the commit
    written: list[str] = []
    cache.conn.set_trace_callback(written.append)
    ingest(cache, a_day_later(), now=DAY_2)
    cache.conn.set_trace_callback(None)
    assert not [sql for sql in written if "UPDATE assessments" in sql
                or "INSERT INTO assessments" in sql]
    assert cache.conn.execute("SELECT id, urls FROM assessments ORDER BY id").fetchall() == before
    links = [u for r in cache.records_for("acme/tiny-llama-7b") for a in r["assessments"]
             for u in a.urls]
    assert "https://huggingface.co/acme/tiny-llama-7b/blob/" + "b" * 40 + "/LICENSE" in links
    assert not any("\x00" in u for u in links)


@pytest.mark.parametrize("urls", [
    ("https://huggingface.co/a/b/blob/" + "c" * 40 + "/LICENSE",),
    ("https://huggingface.co/a/b/tree/" + "c" * 40, "https://example.org/x?y=\"z\"&" + "c" * 40),
    ("https://huggingface.co/a/b/blob/main/é.md", "https://huggingface.co/a/b"),
    (),
])
@pytest.mark.parametrize("commit", ["c" * 40, None, ""])
def test_links_round_trip_relative_to_the_commit(urls: tuple[str, ...],
                                                 commit: str | None) -> None:
    from openexplorer.db.record_links import urls_json, urls_read

    stored = urls_json(urls, commit)
    assert urls_read(stored, commit) == urls
    if stored is not None:
        import json
        assert json.loads(stored) is not None  # valid JSON, whatever the links hold
        if not commit:
            assert stored == json.dumps(list(urls))  # stored as before when not relative


def test_a_summary_recomputed_from_scratch_equals_the_fast_path_one() -> None:
    cache = new_cache()
    ingest(cache, record(), now=DAY_1)
    ingest(cache, a_day_later(), now=DAY_2)
    release_id = "acme/tiny-llama-7b"
    kept = state(cache, release_id)
    with cache.conn:
        summary.rebuild_all(cache)  # from the views, as after a rules change
    assert state(cache, release_id)["summary"] == kept["summary"]


def test_downloads_move_the_popularity_step_and_the_search_order() -> None:
    cache = new_cache()
    ingest(cache, record(downloads=3000, repo="acme/tiny-llama-7b"),
           record(downloads=1500, repo="bcme/tiny-llama-7b-chat"), now=DAY_1)

    def order() -> list[str]:
        return [r["release_id"] for r in summary.search(cache, "tiny llama", limit=10)]

    def popularity(release_id: str) -> int:
        return int(cache.conn.execute("SELECT popularity FROM releases WHERE id = ?",
                                      (release_id,)).fetchone()[0])

    assert order() == ["acme/tiny-llama-7b", "bcme/tiny-llama-7b-chat"]
    assert popularity("acme/tiny-llama-7b") == 2000
    # A few more downloads within the step: the summary shows them, the order stays.
    ingest(cache, a_day_later(repo="bcme/tiny-llama-7b-chat", downloads=1900), now=DAY_2)
    assert popularity("bcme/tiny-llama-7b-chat") == 1000
    assert order() == ["acme/tiny-llama-7b", "bcme/tiny-llama-7b-chat"]
    assert cache.conn.execute("SELECT downloads FROM release_summary WHERE release_id = ?",
                              ("bcme/tiny-llama-7b-chat",)).fetchone()[0] == 1900
    # Past the next step: the release moves up in the search.
    ingest(cache, a_day_later(repo="bcme/tiny-llama-7b-chat", downloads=5200), now=DAY_2)
    assert popularity("bcme/tiny-llama-7b-chat") == 5000
    assert order() == ["bcme/tiny-llama-7b-chat", "acme/tiny-llama-7b"]
    cache.conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
    assert [r["release_id"] for r in summary.search(
        cache, "", sort="downloads", descending=True, limit=10)][:2] == [
        "bcme/tiny-llama-7b-chat", "acme/tiny-llama-7b"]


def test_a_licence_change_goes_the_full_way_and_is_logged() -> None:
    release_id = "acme/tiny-llama-7b"
    fast = new_cache()
    ingest(fast, record(), now=DAY_1)
    report = ingest(fast, a_day_later(license_="mit"), now=DAY_2)
    assert report.records == 1 and report.refreshed_in_place == []  # replaced
    assert report.changes >= 2
    changes = {c["field"]: c for c in fast.changes_for(release_id)}
    assert (changes["license"]["old"], changes["license"]["new"]) == ("apache-2.0", "mit")
    assert "hub:license" in changes
    assert fast.conn.execute("SELECT license_id FROM release_summary WHERE release_id = ?",
                             (release_id,)).fetchone()[0] == "MIT"

    full = new_cache()
    ingest(full, record(), now=DAY_1, fast=False)
    ingest(full, a_day_later(license_="mit"), now=DAY_2, fast=False)
    assert state(fast, release_id) == state(full, release_id)


@pytest.mark.parametrize("change", [
    {"modified": "2026-03-01T23:00:00.000Z", "sha": "c" * 40},  # commit only
    {"downloads": 0, "likes": 0},  # counters only
])
def test_volatile_only_answers_end_as_the_full_path(change: dict[str, Any]) -> None:
    release_id = "acme/tiny-llama-7b"
    fast = new_cache()
    ingest(fast, record(), now=DAY_1)
    assert ingest(fast, record(DAY_2, **change), now=DAY_2).refreshed_in_place == [release_id]
    full = new_cache()
    ingest(full, record(), now=DAY_1, fast=False)
    ingest(full, record(DAY_2, **change), now=DAY_2, fast=False)
    assert state(fast, release_id) == state(full, release_id)


def test_a_release_with_two_hub_records_goes_the_full_way(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two repos of one release (a curated link): their dates decide which one the release's
    facts come from, so the fast path leaves such releases to the full path."""
    from openexplorer.core import identity

    links = {("hub", "acme/tiny-llama-7b"): "tiny-llama",
             ("hub", "acme-legacy/tiny-llama-7b"): "tiny-llama"}
    monkeypatch.setattr(identity, "curated_links", lambda: links)
    cache = new_cache()
    ingest(cache, record(), record(repo="acme-legacy/tiny-llama-7b", downloads=99), now=DAY_1)
    assert cache.release("tiny-llama") is not None  # both linked to the one release
    report = ingest(cache, a_day_later(), now=DAY_2)
    assert report.records == 1 and report.refreshed_in_place == []


def test_popularity_steps_in_python_and_sql() -> None:
    conn = sqlite3.connect(":memory:")
    values = [None, -3, 0, 1, 99, 100, 199, 200, 499, 500, 999, 1000, 1234, 3456, 7890,
              10**6, 2**30 - 1, 2**30, 10**15]
    for value in values:
        got = conn.execute(f"SELECT {popularity_sql('x.n')} FROM (SELECT ? AS n) x",
                           (value,)).fetchone()[0]
        assert got == popularity_of(value), value
    assert [popularity_of(v) for v in (99, 100, 1234, 3456, 7890, 10**15)] == [
        0, 100, 1000, 2000, 5000, 10**9]


def test_migration_5_steps_the_popularity_and_rekeys_the_text_index(tmp_path: Path) -> None:
    path = tmp_path / "schema4.sqlite"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number}")
    for index, downloads in enumerate((12, 150, 1234, 987_654, 0)):
        conn.execute("INSERT INTO releases(id, name, hub_id, origin, popularity, tags) "
                     "VALUES (?, ?, ?, 'hub', ?, 'llama text-generation')",
                     (f"acme/model-{index}", f"model-{index}", f"acme/model-{index}",
                      downloads))
    conn.commit()
    conn.close()
    with Cache.open(path) as cache:
        assert cache.schema_version() == SCHEMA_VERSION >= 5
        got = dict(cache.conn.execute("SELECT id, popularity FROM releases"))
        assert got == {"acme/model-0": 0, "acme/model-1": 100, "acme/model-2": 1000,
                       "acme/model-3": 500_000, "acme/model-4": 0}
        cache.conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
        keys = [r[0] for r in cache.conn.execute(
            "SELECT id FROM releases_fts JOIN releases "
            "ON releases.rowid = (releases_fts.rowid & 4294967295) "
            "WHERE releases_fts MATCH 'llama' ORDER BY releases_fts.rowid")]
        assert keys == ["acme/model-3", "acme/model-2", "acme/model-1", "acme/model-0",
                        "acme/model-4"]
        expected = cache.conn.execute(f"SELECT {search_key_sql('releases')} FROM releases "
                                      "ORDER BY 1").fetchall()
        assert cache.conn.execute("SELECT rowid FROM releases_fts WHERE releases_fts MATCH "
                                  "'llama' ORDER BY rowid").fetchall() == expected


def test_a_release_without_a_summary_row_gets_its_whole_row() -> None:
    release_id = "acme/tiny-llama-7b"
    fast = new_cache()
    store.ingest(fast, ImportResult(records=[record()]), now=DAY_1, summarize=False)  # a snapshot
    assert state(fast, release_id)["summary"] == []
    assert ingest(fast, a_day_later(), now=DAY_2).refreshed_in_place == [release_id]
    full = new_cache()
    store.ingest(full, ImportResult(records=[record()]), now=DAY_1, summarize=False,
                 fast_refresh=False)
    ingest(full, a_day_later(), now=DAY_2, fast=False)
    assert state(fast, release_id) == state(full, release_id)
    assert state(fast, release_id)["summary"][0][-1] == 1700
