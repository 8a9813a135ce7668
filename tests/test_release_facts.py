"""Release facts (views.facts): each of licence, commercial use, release date and parameters
chosen by the documented precedence, with its source, and disagreements between sources shown.

Built from the importers over ../shared/data (so the new hub-cards-2024 source is in), not from
the bundled snapshot file (rebuilt after the merges).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openexplorer.analyses.compare import compare, fact_cell
from openexplorer.cli import main
from openexplorer.db.cache import Cache
from openexplorer.importers import hub_cards
from openexplorer.views import facts
from openexplorer.views.release import release_view
from tests.conftest import cache_from


@pytest.fixture(scope="module")
def built(tmp_path_factory, source_snapshot) -> Path:
    path = tmp_path_factory.mktemp("facts") / "c.sqlite"
    cache_from(source_snapshot, path).close()
    return path


@pytest.fixture()
def cache(built):
    c = Cache.open(built, readonly=True)
    yield c
    c.close()


def test_sizes_read_from_names():
    assert facts.parameters_from_name("Llama-3.1-8B") == (8e9, "8B")
    assert facts.parameters_from_name("Mixtral-8x7B-v0.1")[0] == 56e9
    assert facts.parameters_from_name("t5-base-220M")[0] == 220e6
    assert facts.parameters_from_name("bloomz-7b1")[0] == pytest.approx(7.1e9)
    assert facts.parameters_from_name("Qwen3-30B-A3B")[0] == 30e9  # A3B: active, not the size
    assert facts.parameters_from_name("Yi-6B-200K")[0] == 6e9  # 200K: context, not a size
    assert facts.parameters_from_name("OLMo-2-1124-Instruct") is None


def test_no_source_leaves_every_fact_unknown():
    result = facts.release_facts([], name="Some model")
    for name in facts.FACT_NAMES:
        fact = result.fact(name)
        assert fact.value is None and fact.source is None and not fact.known
    assert result.disagreements == ()


def test_family_table_rows_cite_their_licence():
    rows = facts.family_licenses()
    assert rows and all(r.url.startswith("https://") for r in rows)
    assert facts.family_license_for(["Qwen2.5-72B"]).license == "qwen"
    assert facts.family_license_for(["Qwen2.5-3B"]).license == "qwen-research"
    assert facts.family_license_for(["Qwen2.5-7B"]).license == "Apache-2.0"


def test_hub_cards_importer_reads_the_2024_cards(shared_data):
    result = hub_cards.read(shared_data / "hub-cards-2024")
    assert len(result.records) > 3000 and not result.problems
    by_id = {r.key: r for r in result.records}
    yi_vl = by_id["01-ai/Yi-VL-34B"]
    assert yi_vl.license == "apache-2.0" and yi_vl.source_version == "2024-11"
    # A card whose tag is "other" gives its licence by name.
    other = [r for r in result.records if r.data.get("license_tag") == "other"
             and r.data.get("license_name")]
    assert other and all(r.license == r.data["license_name"] for r in other)


def test_llama_3_1_405b_licence_and_the_disagreement(cache):
    view = release_view(cache, "meta-llama/llama-3.1-405b").to_json()
    lic = view["facts"]["license"]
    assert "3.1" in lic["value"] and lic["source"] == "family-licenses"
    assert lic["url"].startswith("https://")
    (d,) = [d for d in view["facts"]["disagreements"] if d["fact"] == "license"]
    assert {v["source"] for v in d["values"]} == {"family-licenses", "osai-legacy"}
    assert "precedence" in d["why"]
    # The releases row stores the chosen value (search, summary and facets see it).
    assert cache.release("meta-llama/llama-3.1-405b")["license"] == lic["value"]


def test_epoch_non_commercial_is_the_last_word(cache):
    rid = cache.conn.execute(
        "SELECT r.release_id FROM records r JOIN assessments a ON a.record_id = r.id "
        "WHERE r.source = 'epoch' AND a.value = 'Open weights (non-commercial)' LIMIT 1"
    ).fetchone()[0]
    view = release_view(cache, rid, detail=False).to_json()
    assert view["facts"]["commercial_use"]["value"] == "not allowed"
    assert view["facts"]["commercial_use"]["source"] == "epoch"
    assert view["license"]["commercial_use"] == "not allowed"


def test_release_dates_are_never_assessment_dates(cache):
    # The MOT's record dates and FMTI's editions are assessment dates: never a release date.
    for (rid,) in cache.conn.execute(
            "SELECT release_id FROM records WHERE source IN ('mot', 'fmti') "
            "AND release_id IS NOT NULL LIMIT 200"):
        fact = release_view(cache, rid, detail=False).to_json()["facts"]["release_date"]
        assert fact["source"] not in ("mot", "fmti")


def test_comparison_shows_licence_date_and_size_in_every_column(cache):
    ids = ["meta-llama/Llama-2-7b-hf", "meta-llama/llama-3.1-8b", "mistralai/mistral-7b-v0.1",
           "allenai/olmo-2-1124-13b-instruct"]
    comparison = compare(cache, ids)
    for view in comparison["releases"]:
        for name in ("license", "release_date", "parameters"):
            text, lines, _ = fact_cell(view, name)
            assert not text.startswith("unknown"), (view.id, name, lines)
            assert "(" in text  # the source is named


def test_show_prints_the_facts_and_the_disagreement(built, capsys):
    assert main(["--db", str(built), "show", "meta-llama/llama-3.1-405b"]) == 0
    out = capsys.readouterr().out
    assert "## Release facts" in out and "Sources disagree" in out
    assert "Opening up ChatGPT" in out
    assert main(["--db", str(built), "show", "meta-llama/llama-3.1-405b",
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["facts"]["license"]["rule"]
