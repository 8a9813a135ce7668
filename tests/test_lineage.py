"""Lineage: base-model chains through the cache, cycles, missing links, inherited limits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.db.cache import Cache
from openexplorer.hub.evidence import record_from_hub
from openexplorer.store import ingest as store
from openexplorer.views.model import BaseLink
from openexplorer.views.lineage import base_chain
from openexplorer.views.release import inherited_limits

FETCHED = "2025-03-21T12:00:00Z"


def hub_record(repo: str, *bases: str, license: str = "apache-2.0",
               relation: str = "finetune", gated: Any = False,
               datasets: tuple[str, ...] = ()) -> SourceRecord:
    """A Hub body as the API writes it: base models in tags, licence in card and tags."""
    tags = [f"base_model:{relation}:{b}" for b in bases] + [f"license:{license}"]
    tags += [f"dataset:{d}" for d in datasets]
    body = {
        "id": repo, "sha": "0" * 40, "gated": gated, "private": False, "tags": tags,
        "cardData": {"license": license, "datasets": list(datasets)},
        "siblings": [{"rfilename": "model.safetensors"}, {"rfilename": "config.json"}],
        "createdAt": "2024-01-01T00:00:00.000Z", "pipeline_tag": "text-generation",
    }
    return record_from_hub(body, fetched_at=FETCHED)


@pytest.fixture()
def cache(tmp_path: Path):
    with Cache.open(tmp_path / "cache.sqlite") as opened:
        yield opened


def ingest(cache: Cache, *records: SourceRecord) -> None:
    store.ingest(cache, ImportResult(records=list(records)))


def ids(chain: list[dict[str, Any]]) -> list[str]:
    return [entry.id for entry in chain]


def test_a_chain_of_three(cache: Cache) -> None:
    ingest(cache, hub_record("org/chat", "org/instruct"),
           hub_record("org/instruct", "org/base"), hub_record("org/base"))
    chain = base_chain(cache, "org/chat")
    assert ids(chain) == ["org/instruct", "org/base"]
    assert [e.depth for e in chain] == [1, 2]
    assert [e.child for e in chain] == ["org/chat", "org/instruct"]
    assert all(e.known and e.relation == "finetune" for e in chain)
    assert chain[1].release_id == "org/base" and chain[1].license == "apache-2.0"
    # Case does not matter: release ids are lower-cased Hub ids.
    assert ids(base_chain(cache, "ORG/Chat")) == ids(chain)
    assert base_chain(cache, "org/base") == ()
    assert base_chain(cache, "not/in-cache") == ()
    # Apache-2.0 bases pass on no licence limit; they name no dataset, which is one.
    assert inherited_limits(cache, "org/chat") == [
        f"training data undisclosed in base model {b} (Hub evidence, automated: closed)"
        for b in ("org/instruct", "org/base")]


def test_open_bases_pass_on_no_licence_limit_but_undisclosed_data(cache: Cache) -> None:
    ingest(cache, hub_record("org/ft", "org/base", datasets=("org/sft",)),
           hub_record("org/base", datasets=("org/pretrain",)),
           hub_record("org/ft2", "org/nodata"), hub_record("org/nodata"))
    assert inherited_limits(cache, "org/ft") == []
    assert inherited_limits(cache, "org/ft2") == [
        "training data undisclosed in base model org/nodata (Hub evidence, automated: closed)"]


def test_cycle_ends(cache: Cache) -> None:
    ingest(cache, hub_record("cyc/a", "cyc/b"), hub_record("cyc/b", "cyc/a"))
    chain = base_chain(cache, "cyc/a")
    assert ids(chain) == ["cyc/b", "cyc/a"]
    assert chain[-1].cycle is True and not chain[0].cycle
    self_loop = hub_record("cyc/self", "cyc/self")
    ingest(cache, self_loop)
    assert [(e.id, e.cycle) for e in base_chain(cache, "cyc/self")] == [
        ("cyc/self", True)]
    assert inherited_limits(cache, "cyc/self") == []


def test_missing_base_ends_the_chain(cache: Cache) -> None:
    ingest(cache, hub_record("org/orphan", "org/middle"), hub_record("org/middle", "gone/base"))
    chain = base_chain(cache, "org/orphan")
    assert ids(chain) == ["org/middle", "gone/base"]
    assert chain[-1] == BaseLink(id="gone/base", release_id=None, known=False,
                                 relation="finetune", depth=2, child="org/middle")
    assert chain[-1].to_json() == {"id": "gone/base", "release_id": None, "known": False,
                                   "relation": "finetune", "depth": 2, "child": "org/middle"}
    assert inherited_limits(cache, "org/orphan") == [
        "training data undisclosed in base model org/middle (Hub evidence, automated: closed)",
        "base model gone/base is not in the cache: its licence and data are unknown"]


def test_merge_lists_a_shared_ancestor_once(cache: Cache) -> None:
    ingest(cache, hub_record("m/merged", "m/x", "m/y", relation="merge"),
           hub_record("m/x", "m/root"), hub_record("m/y", "m/root"), hub_record("m/root"))
    chain = base_chain(cache, "m/merged")
    assert ids(chain) == ["m/x", "m/y", "m/root", "m/root"]
    assert [e.seen for e in chain] == [False, False, False, True]
    assert chain[0].relation == "merge"


def test_max_depth(cache: Cache) -> None:
    records = [hub_record(f"deep/m{i}", f"deep/m{i + 1}") for i in range(15)]
    ingest(cache, *records, hub_record("deep/m15"))
    chain = base_chain(cache, "deep/m0", max_depth=10)
    assert len(chain) == 10
    assert chain[-1].id == "deep/m10" and chain[-1].truncated is True
    assert len(base_chain(cache, "deep/m0", max_depth=50)) == 15


def test_renamed_base_named_by_its_old_path(cache: Cache) -> None:
    # Only the card names the base, by its pre-rename path (as Llama-3.1-8B-Instruct's does).
    body = {"id": "someone/llama-ft", "cardData": {"license": "llama3.1",
                                                   "base_model": "meta-llama/Meta-Llama-3.1-8B"},
            "tags": ["license:llama3.1"], "gated": False, "siblings": []}
    ingest(cache, record_from_hub(body, fetched_at=FETCHED),
           hub_record("meta-llama/Llama-3.1-8B", license="llama3.1", gated="manual"))
    chain = base_chain(cache, "someone/llama-ft")
    assert chain[0].id == "meta-llama/Llama-3.1-8B"
    assert chain[0].release_id == "meta-llama/llama-3.1-8b" and chain[0].known
    assert chain[0].relation is None


def test_llama_fine_tune_inherits_the_llama_licence(shared_data: Path, cache: Cache) -> None:
    path = (shared_data / "hub-samples" / "api" / "model_info"
            / "meta-llama__Llama-3.1-8B-Instruct__20250321__0daf2c.json")
    instruct = json.loads(path.read_text(encoding="utf-8"))
    # A fine-tune of the instruct model that declares a permissive licence of its own.
    ingest(cache,
           record_from_hub(instruct, fetched_at=FETCHED),
           hub_record("meta-llama/Llama-3.1-8B", license="llama3.1", gated="manual"),
           hub_record("someone/apache-ft", "meta-llama/Llama-3.1-8B-Instruct"))
    chain = base_chain(cache, "someone/apache-ft")
    assert ids(chain) == ["meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B"]
    limits = inherited_limits(cache, "someone/apache-ft")
    licence_lines = [line for line in limits if line.startswith("licence ")]
    assert licence_lines == [
        "licence Llama 3.1 Community License Agreement from meta-llama/Llama-3.1-8B-Instruct: "
        "700M MAU threshold, acceptable-use policy, attribution and naming requirements",
        "licence Llama 3.1 Community License Agreement from meta-llama/Llama-3.1-8B: "
        "700M MAU threshold, acceptable-use policy, attribution and naming requirements",
    ]
    assert ("weights of base model meta-llama/Llama-3.1-8B only partly available, e.g. gated "
            "(Hub evidence, automated: partial)") in limits
    assert len(limits) == len(set(limits))


def test_index_and_mot_records_of_a_base_are_used(cache: Cache) -> None:
    index = SourceRecord(
        source="osai", key="base-family", name="Base", hub_id="org/rated",
        assessed_date="2026-06-12",
        assessments=[
            Assessment("osai", "datasources_basemodel", "closed"),
            Assessment("osai", "datasources_endmodel", "partial"),
            Assessment("osai", "trainingcode", "closed"),
            Assessment("osai", "weights_endmodel", "open"),
        ],
    )
    mot = SourceRecord(
        source="mot", key="Rated", name="Rated", hub_id="org/rated", assessed_date="2025-01-01",
        assessments=[
            Assessment("mof", "Model parameters (Final)", "present"),
            Assessment("mof", "license:distribution", "declared", license="CC-BY-NC-4.0"),
        ],
    )
    ingest(cache, hub_record("org/ft", "org/rated", license="mit"),
           hub_record("org/rated", license="cc-by-nc-4.0"), index, mot)
    limits = inherited_limits(cache, "org/ft")
    assert limits == [
        "licence Creative Commons Attribution Non Commercial 4.0 International from org/rated: "
        "non-commercial use only",
        "training data undisclosed in base model org/rated (index: closed)",
        "training code of base model org/rated not released (index: closed)",
        "base model org/rated reaches no MOF class (Class III 0%)",
    ]
