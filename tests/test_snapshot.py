"""The bundled snapshot: what it covers, that it carries facts only, and that it is current."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from openexplorer.core import identity
from openexplorer.store import snapshot
from openexplorer.db.cache import Cache


@pytest.fixture(scope="module")
def document():
    return snapshot.read()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    path = tmp_path_factory.mktemp("snap") / "cache.sqlite"
    with Cache.open(path) as cache:
        report = snapshot.install(cache)
        yield cache, report


def _keys(document, source):
    return {r["key"] for part in document["parts"] if part["source"] == source
            for r in part["records"]}


def test_snapshot_carries_no_free_text_notes(document):
    for part in document["parts"]:
        for record in part["records"]:
            assert all(a["notes"] is None for a in record["assessments"]), record["key"]


def test_snapshot_names_every_source_with_licence_and_citation(document):
    assert set(document["sources"]) == {"mot", "osai", "osai-legacy", "osi", "fmti", "epoch",
                                        "hub-cards-2024"}
    for source in document["sources"].values():
        assert source["license"] and source["citation"] and source["url"].startswith("https://")


def test_cache_from_snapshot_has_enough_releases_and_families(installed, document):
    cache, report = installed
    # Every curated record goes in; a Hub card only adds to a release already there, so a card
    # whose model no curated source names is left out.
    curated = sum(len(p["records"]) for p in document["parts"] if p["source"] != "hub-cards-2024")
    cards = sum(len(p["records"]) for p in document["parts"] if p["source"] == "hub-cards-2024")
    assert curated <= report.records <= curated + cards and cards
    assert cache.count("releases") >= 400
    families = cache.conn.execute(
        "SELECT count(*) FROM (SELECT family_id FROM releases WHERE family_id IS NOT NULL "
        "GROUP BY family_id HAVING count(*) >= 2)").fetchone()[0]
    assert families >= 40
    assert cache.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == 0
    assert cache.get_meta("snapshot_built")


def test_snapshot_covers_the_sources(document, shared_data):
    # A test or template file names no release (identity.is_placeholder: "DeepSeek-V3-test").
    mot_files = {p.stem for p in (shared_data / "mof-mot" / "models").glob("*.yml")
                 if not identity.is_placeholder(p.stem)}
    assert _keys(document, "mot") == mot_files
    index_files = {p.stem for p in (shared_data / "osai-index" / "models").glob("*.yaml")}
    assert {k for k in _keys(document, "osai") if "/" not in k} == index_files - {
        "a_submission_template"}
    past = {p.parent.name + "/" + p.stem
            for p in (shared_data / "osai-index" / "releases").glob("*/*.yaml")}
    assert {k for k in _keys(document, "osai") if "/" in k} == past


def test_epoch_part_has_only_downloadable_weights(document):
    epoch = next(p for p in document["parts"] if p["source"] == "epoch")
    statuses = Counter(
        a["status"] for r in epoch["records"] for a in r["assessments"]
        if a["component"] == "model_accessibility")
    assert set(statuses) <= {"open", "partial"}
    assert sum(statuses.values()) == 302  # 197 unrestricted + 64 non-commercial + 41 restricted


def test_index_families_keep_their_past_releases(installed):
    cache, _ = installed
    olmo = cache.release("allenai/olmo-7b")["family_id"]
    names = [r["name"] for r in cache.family_releases(olmo)]
    assert len(names) >= 8  # MOT's OLMo files and the index's five OLMo releases
    llama = cache.release("meta-llama/llama-2-70b")
    assert llama is not None and llama["family"] == "Llama"
    # the MOT knew it by name only; Epoch's Hub link joined the two
    sources = {r["source"] for r in cache.records_for("meta-llama/llama-2-70b")
               if r["scope"] == "release"}
    assert {"mot", "epoch"} <= sources


def test_snapshot_is_current_with_the_source_data(document, shared_data):
    """Rebuilding from ../shared/data gives the same records (rebuild it if this fails)."""
    rebuilt = json.loads(json.dumps(snapshot.build(shared_data)))
    for old, new in zip(document["parts"], rebuilt["parts"], strict=True):
        assert old["source"] == new["source"]
        assert len(old["records"]) == len(new["records"])
        assert old["records"] == new["records"], f"{old['path']} differs: rebuild the snapshot"
