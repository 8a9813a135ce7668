"""Identity you can trust: links followed only when the record's own evidence agrees, test files
never naming a release, versions kept apart, the curated table of well-known releases. On a
cache built from the importers over the shared source data (the rules, not the bundled
snapshot, which is rebuilt after merging)."""

from __future__ import annotations

from pathlib import Path


import pytest

from openexplorer.core import identity
from openexplorer.db.cache import Cache
from openexplorer.views.release import release_view
from openexplorer.views.source_checks import disagreeing_releases

from tests.conftest import SHARED_DATA, cache_from  # noqa: E402

DATA = SHARED_DATA  # ../shared/data, or OPENEXPLORER_SHARED_DATA (tests/conftest.py)
pytestmark = pytest.mark.skipif(not DATA.is_dir(), reason="shared source data not present")


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory, source_snapshot: Path) -> Cache:
    return cache_from(source_snapshot, tmp_path_factory.mktemp("identity") / "cache.db")


@pytest.mark.parametrize(("name", "hub_id", "org", "kind"), [
    ("dbrx-instruct", "deepseek-ai/deepseek-moe-16b-base", "Databricks", "name"),
    ("CodeT5+-220M", "Salesforce/codet5p-16b", "Salesforce", "size"),
    ("Qwen2.5-32B-Instruct", "Qwen/Qwen2.5-72B-Instruct", "Alibaba", "size"),
    ("Aya-23-35B", "CohereForAI/c4ai-command-r-v01", "Cohere AI", "name"),
    ("Phi-4-reasoning", "microsoft/phi-4", "Microsoft", "variant"),
    ("DeepSeek-R1 (May 2025)", "deepseek-ai/DeepSeek-R1", "DeepSeek", "version"),
])
def test_disagreeing_links_are_named(name: str, hub_id: str, org: str, kind: str) -> None:
    found = identity.link_disagreements(name=name, hub_id=hub_id, organization=org)
    assert kind in {d.kind for d in found}


@pytest.mark.parametrize(("name", "hub_id", "org"), [
    ("Llama 3.1-405B", "meta-llama/Llama-3.1-405B", "Meta AI"),
    ("Mixtral 8x7B", "mistralai/Mixtral-8x7B-v0.1", "Mistral AI"),
    ("Falcon-180B", "tiiuae/falcon-180B", "Technology Innovation Institute, LightOn"),
    ("DeepSeek-R1 (May 2025)", "deepseek-ai/DeepSeek-R1-0528", "DeepSeek"),
    ("CodeT5+-16B", "Salesforce/codet5p-16b", "Salesforce"),
])
def test_agreeing_links_pass(name: str, hub_id: str, org: str) -> None:
    assert identity.link_disagreements(name=name, hub_id=hub_id, organization=org) == []


def test_placeholders() -> None:
    assert identity.is_placeholder("DeepSeek-V3-test")
    assert identity.is_placeholder("template")
    assert not identity.is_placeholder("DeepSeek-V3")


def test_every_table_row_cites_its_repo() -> None:
    rows = identity.well_known_releases()
    assert len(rows) >= 60
    for row in rows:
        assert row.citation.startswith("https://"), row


def test_no_release_holds_records_that_disagree(cache: Cache) -> None:
    assert disagreeing_releases(cache) == {}


@pytest.mark.parametrize("hub_id", [
    "meta-llama/Llama-2-7b-hf", "meta-llama/Llama-2-13b-hf", "meta-llama/Llama-3.1-405B",
    "meta-llama/Meta-Llama-3-8B", "meta-llama/Llama-3.3-70B-Instruct", "google/gemma-7b",
    "mistralai/Mistral-7B-v0.1", "mistralai/Mixtral-8x7B-v0.1", "tiiuae/falcon-40b",
    "bigscience/bloom", "allenai/OLMo-7B", "EleutherAI/pythia-6.9b", "microsoft/phi-2",
    "Qwen/Qwen2.5-72B", "deepseek-ai/DeepSeek-V3", "deepseek-ai/DeepSeek-R1", "xai-org/grok-1",
    "databricks/dbrx-base", "databricks/dbrx-instruct",
    "stabilityai/stable-diffusion-xl-base-1.0", "meta-llama/Llama-2-70b",
    "meta-llama/Llama-2-7b-chat-hf", "meta-llama/Llama-2-70b-chat-hf",
    "meta-llama/Meta-Llama-3-70B",
    "meta-llama/Meta-Llama-3-8B-Instruct", "meta-llama/Llama-3.1-8B", "meta-llama/Llama-3.1-70B",
    "meta-llama/Llama-3.1-405B-Instruct", "google/gemma-2b", "google/gemma-2-27b-it",
    "mistralai/Mistral-7B-Instruct-v0.1", "mistralai/Mixtral-8x22B-v0.1", "tiiuae/falcon-180B",
    "EleutherAI/pythia-70m", "EleutherAI/pythia-12b", "microsoft/phi-4",
    "Qwen/Qwen2.5-7B", "Qwen/Qwen2.5-32B", "deepseek-ai/DeepSeek-R1-0528",
])
def test_famous_releases_found_by_hub_id(cache: Cache, hub_id: str) -> None:
    release_id = cache.resolve(hub_id)
    assert release_id == hub_id.lower()


@pytest.mark.parametrize(("hub_id", "name"), [
    ("databricks/dbrx-instruct", "dbrx-instruct"),
    ("Salesforce/codet5p-220m", "CodeT5+-220M"),
    ("Salesforce/codet5p-770m", "CodeT5+-770M"),
    ("Salesforce/codet5p-2b", "CodeT5+-2B"),
    ("Salesforce/codet5p-6b", "CodeT5+-6B"),
    ("google/codegemma-2b", "CodeGemma-2B"),
    ("Qwen/Qwen2.5-72B-Instruct", "Qwen2.5-72B-Instruct"),
    ("CohereForAI/aya-23-35B", "Aya-23-35B"),
    ("microsoft/Phi-4-reasoning", "Phi-4-reasoning"),
])
def test_source_errors_stay_apart(cache: Cache, hub_id: str, name: str) -> None:
    view = release_view(cache, hub_id.lower())
    assert view is not None and view.name.lower() == name.lower()


@pytest.mark.parametrize(("first", "second"), [
    ("deepseek-ai/deepseek-r1", "deepseek-ai/deepseek-r1-0528"),
    ("microsoft/phi-4", "microsoft/phi-4-reasoning"),
    ("cohereforai/c4ai-command-r-v01", "cohereforai/aya-23-35b"),
])
def test_versions_are_releases_of_one_family(cache: Cache, first: str, second: str) -> None:
    one, other = cache.release(first), cache.release(second)
    assert one is not None and other is not None
    assert one["family"] is not None and one["family"] == other["family"]


def test_versions_are_separate_releases(cache: Cache) -> None:
    r1 = release_view(cache, "deepseek-ai/deepseek-r1")
    assert r1 is not None and r1.release_date == "2025-01-20"
    assert {s.key for s in r1.sources}.isdisjoint({"DeepSeek-R1 (May 2025)"})
    assert cache.resolve("deepseek-ai/deepseek-moe-16b-base") is not None
    moe = release_view(cache, "deepseek-ai/deepseek-moe-16b-base")
    assert moe is not None and "dbrx-instruct" not in {s.key for s in moe.sources}
    v3 = release_view(cache, "deepseek-ai/deepseek-v3")
    assert v3 is not None and v3.name == "DeepSeek-V3"
    r1_0528 = release_view(cache, "deepseek-ai/deepseek-r1-0528")
    assert r1_0528 is not None and r1_0528.release_date == "2025-05-28"
    # the MOT's test file names no release
    assert cache.conn.execute(
        "SELECT count(*) FROM records WHERE key = 'DeepSeek-V3-test'").fetchone()[0] == 0


def test_source_checks_show_both_sides(cache: Cache) -> None:
    view = release_view(cache, "databricks/dbrx-instruct")
    assert view is not None
    checks = view.source_checks
    assert any(c.kind == "refused_link" and "deepseek-moe-16b-base" in c.other
               for c in checks)
    qwen = release_view(cache, "qwen/qwen2.5-72b-instruct")
    assert qwen is not None
    assert any(c.kind == "name_conflict" and "32B" in c.other
               for c in qwen.source_checks)
