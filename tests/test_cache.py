"""The SQLite cache: schema, linking, replacement, user corrections, change log, search."""

from __future__ import annotations

import sqlite3

import pytest

from openexplorer.db.cache import SCHEMA_VERSION, Cache, CacheError, SchemaTooNewError, quote_fts
from openexplorer.core.records import Assessment, ImportResult, OrganizationInfo, SourceRecord
from openexplorer.store.ingest import ingest


def _record(source: str, key: str, name: str, **kwargs: object) -> SourceRecord:
    return SourceRecord(source=source, key=key, name=name, **kwargs)  # type: ignore[arg-type]


@pytest.fixture
def cache(tmp_path):
    with Cache.open(tmp_path / "cache.sqlite") as opened:
        yield opened


def test_new_cache_has_current_schema_wal_and_busy_timeout(tmp_path):
    path = tmp_path / "c.sqlite"
    with Cache.open(path) as cache:
        assert cache.schema_version() == SCHEMA_VERSION
        assert cache.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert cache.conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
        tables = {r[0] for r in cache.conn.execute("SELECT name FROM sqlite_master")}
    assert {"releases", "records", "assessments", "changes", "families", "organizations",
            "releases_fts"} <= tables


def test_newer_schema_is_refused_and_file_left_alone(tmp_path):
    path = tmp_path / "newer.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError):
        Cache.open(path)
    assert path.read_bytes() == before


def test_a_foreign_sqlite_file_is_not_taken_over(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(CacheError):
        Cache.open(path)


def test_garbage_file_gives_cache_error(tmp_path):
    path = tmp_path / "garbage.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(CacheError):
        Cache.open(path)


def test_records_with_the_same_hub_id_form_one_release(cache):
    result = ImportResult(records=[
        _record("mot", "OLMo-7B", "OLMo-7B", hub_id="allenai/OLMo-7B", license="Apache-2.0"),
        _record("epoch", "OLMo-7B", "OLMo-7B", hub_id="allenai/olmo-7b",
                release_date="2024-02-01"),
    ])
    report = ingest(cache, result)
    assert report.records == 2
    assert report.releases_created == 1
    release = cache.release("allenai/olmo-7b")
    assert release is not None
    assert release["release_date"] == "2024-02-01"
    assert release["license"] == "Apache-2.0"
    assert release["family"] == "OLMo"
    assert cache.count("releases") == 1


def test_record_without_hub_id_links_by_unique_name(cache):
    ingest(cache, ImportResult(records=[
        _record("mot", "Llama-2-70B", "Llama-2-70B", hub_id="meta-llama/Llama-2-70b-hf"),
    ]))
    ingest(cache, ImportResult(records=[
        _record("epoch", "Llama 2-70B", "Llama 2-70B"),  # the MOT's name, spelled otherwise
        _record("epoch", "Llama-2-70b-hf", "Llama 2 70b hf"),  # the Hub repo's name
        # not in the cache: the curated table of well-known releases gives its Hub repo
        _record("epoch", "Llama 2-7B", "Llama 2-7B"),
        _record("epoch", "Some model 7B", "Some model 7B"),  # unknown: a release of its own
    ]))
    linked = dict(cache.conn.execute("SELECT key, release_id FROM records"))
    assert linked["Llama 2-70B"] == linked["Llama-2-70b-hf"] == "meta-llama/llama-2-70b-hf"
    assert linked["Llama 2-7B"] == "meta-llama/llama-2-7b-hf"
    assert cache.release("meta-llama/llama-2-7b-hf")["hub_id"] == "meta-llama/Llama-2-7b-hf"
    assert linked["Some model 7B"] == "epoch:Some model 7B"
    assert cache.count("releases") == 3


def test_reimport_replaces_a_record_and_logs_what_changed(cache):
    first = _record("osai", "OLMo", "OLMo", hub_id="allenai/OLMo-2",
                    assessments=[Assessment("osai", "paper", "partial")])
    ingest(cache, ImportResult(records=[first]), now="2026-01-01T00:00:00+00:00")
    second = _record("osai", "OLMo", "OLMo", hub_id="allenai/OLMo-2",
                     assessments=[Assessment("osai", "paper", "open")])
    report = ingest(cache, ImportResult(records=[second]), now="2026-02-01T00:00:00+00:00")
    assert cache.count("records") == 1
    assert report.changes == 1
    changes = cache.changes_for("allenai/olmo-2")
    assert changes[0]["field"] == "osai:paper"
    assert (changes[0]["old"], changes[0]["new"]) == ("partial", "open")


def test_user_corrections_are_never_overwritten(cache):
    user = _record("user", "allenai/olmo-2/paper", "OLMo", hub_id="allenai/OLMo-2",
                   assessments=[Assessment("osai", "paper", "open")])
    ingest(cache, ImportResult(records=[user]))
    again = _record("user", "allenai/olmo-2/paper", "OLMo", hub_id="allenai/OLMo-2",
                    assessments=[Assessment("osai", "paper", "closed")])
    report = ingest(cache, ImportResult(records=[again]))
    assert report.skipped_user == 1
    status = cache.conn.execute(
        "SELECT status FROM assessments JOIN records ON records.id = record_id "
        "WHERE records.source = 'user'").fetchone()[0]
    assert status == "open"


def test_a_failing_ingest_leaves_the_cache_as_it_was(cache, monkeypatch):
    ingest(cache, ImportResult(records=[_record("mot", "A", "Model A", hub_id="org/a")]))
    before = cache.count("records")

    bad = _record("mot", "B", "Model B", hub_id="org/b")
    bad.assessments = [Assessment("mof", "x", None)]  # type: ignore[arg-type]  # NOT NULL
    with pytest.raises(sqlite3.IntegrityError):
        ingest(cache, ImportResult(records=[_record("mot", "C", "Model C", hub_id="org/c"), bad]))
    assert cache.count("records") == before
    assert cache.release("org/c") is None


def test_organisations_are_canonicalised_with_kind(cache):
    ingest(cache, ImportResult(
        records=[_record("mot", "m", "Llama-3-8B", organization="Meta AI",
                         hub_id="meta-llama/Meta-Llama-3-8B")],
        organizations=[OrganizationInfo("Meta", kind="company", source="epoch")],
    ))
    row = cache.conn.execute("SELECT id, name, kind FROM organizations").fetchall()
    assert row == [("meta", "Meta", "big-tech")]  # curated kind wins over Epoch's category
    assert cache.release("meta-llama/meta-llama-3-8b")["organization"] == "Meta"


@pytest.mark.parametrize("text", ["llama-3", 'he said "open"', "a:b", "NEAR(a b)", "*", "-x",
                                  "OR", "ünïcödé", "x" * 10_000, ")(", "^a", ""])
def test_search_never_passes_raw_fts_syntax(cache, text):
    ingest(cache, ImportResult(records=[_record("mot", "L", "Llama-3-8B", hub_id="m/llama-3-8b")]))
    cache.search(text)  # must not raise


def test_search_finds_by_name_prefix_and_hyphenated_terms(cache):
    ingest(cache, ImportResult(records=[
        _record("mot", "L3", "Llama-3.1-8B", hub_id="meta-llama/Llama-3.1-8B"),
        _record("mot", "O", "OLMo-7B", hub_id="allenai/OLMo-7B"),
    ]))
    assert [r["id"] for r in cache.search("llama-3.1")] == ["meta-llama/llama-3.1-8b"]
    assert [r["id"] for r in cache.search("olm")] == ["allenai/olmo-7b"]
    assert {r["id"] for r in cache.search("")} == {"meta-llama/llama-3.1-8b", "allenai/olmo-7b"}


def test_quote_fts_quotes_every_term():
    assert quote_fts('llama-3 "x') == '"llama-3" "x"*'
    assert quote_fts("  ") == ""


def test_resolve_accepts_id_hub_id_and_name(cache):
    ingest(cache, ImportResult(records=[
        _record("mot", "OLMo-7B", "OLMo-7B", hub_id="allenai/OLMo-7B"),
        _record("osai-legacy", "xyz", "Some Project"),
    ]))
    assert cache.resolve("allenai/olmo-7b") == "allenai/olmo-7b"
    assert cache.resolve("ALLENAI/OLMo-7B") == "allenai/olmo-7b"
    assert cache.resolve("OLMo-7B") == "allenai/olmo-7b"
    assert cache.resolve("osai-legacy:xyz") == "osai-legacy:xyz"
    assert cache.resolve("nothing such") is None


def test_family_releases_are_ordered_by_date(cache):
    ingest(cache, ImportResult(records=[
        _record("epoch", "b", "Llama 3.1-8B", hub_id="meta-llama/Llama-3.1-8B",
                release_date="2024-07-23"),
        _record("epoch", "a", "Llama 2-7B", hub_id="meta-llama/Llama-2-7b",
                release_date="2023-07-18"),
    ]))
    family = cache.release("meta-llama/llama-2-7b")["family_id"]
    assert [r["id"] for r in cache.family_releases(family)] == [
        "meta-llama/llama-2-7b", "meta-llama/llama-3.1-8b"]


def test_iter_release_ids_pages_through_everything(cache):
    ingest(cache, ImportResult(records=[
        _record("mot", f"m{i}", f"Model {i}", hub_id=f"org/model-{i:03d}") for i in range(25)
    ]))
    ids = list(cache.iter_release_ids(batch=7))
    assert len(ids) == 25 == len(set(ids))


def test_a_release_known_by_name_takes_the_hub_id_a_later_source_gives(cache):
    # (a model the curated table of well-known releases does not name)
    ingest(cache, ImportResult(records=[
        _record("mot", "Jais-30B", "Jais-30B",
                assessments=[Assessment("mof", "Model card", "present")]),
    ]))
    assert cache.release("mot:Jais-30B") is not None
    ingest(cache, ImportResult(records=[
        _record("epoch", "Jais 30B", "Jais 30B", hub_id="inceptionai/jais-30b-v1",
                release_date="2023-11-08"),
    ]))
    assert cache.release("mot:Jais-30B") is None
    release = cache.release("inceptionai/jais-30b-v1")
    assert release["release_date"] == "2023-11-08"
    assert {r["source"] for r in cache.records_for(release["id"])} == {"mot", "epoch"}
    assert cache.count("releases") == 1
    assert [r["id"] for r in cache.search("jais")] == ["inceptionai/jais-30b-v1"]


@pytest.mark.parametrize("written,shown", [
    ("United States of America", "United States"),
    ("United Kingdom of Great Britain and Northern Ireland", "United Kingdom"),
    ("Korea (Republic of)", "South Korea"),
    ("United States of America,United Kingdom of Great Britain and Northern Ireland",
     "United States, United Kingdom"),
    ("France", "France"),
    ("  ", None),
])
def test_country_spellings_are_unified(written, shown):
    from openexplorer.core.identity import country_name

    assert country_name(written) == shown
