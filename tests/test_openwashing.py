"""The open-washing check: claims found in text, names, licences and the index's listing; the
evidence for each aspect; one flag per mismatch; the gap's weighting; the ranking."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openexplorer.analyses import openwashing as ow
from openexplorer.cli import main
from openexplorer.hub.evidence import record_from_hub
from openexplorer.core.records import ImportResult
from openexplorer.views.release import license_view, release_view
from openexplorer.store.ingest import ingest
from tests.test_crossframework import LLAMA31, _epoch, _mof, _osai, make_view, snapshot_cache

APACHE = license_view("Apache-2.0")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(c.phrase.lower(), c.kind) for c in ow.claims(text)]


# --- claims in text -----------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("We release an open source model.", [("open source", "open-source")]),
    ("An Open-Source LLM.", [("open-source", "open-source")]),
    ("OLMoE is 100% open-source.", [("100% open-source", "fully-open")]),
    ("a fully open language model", [("fully open", "fully-open")]),
    ("Truly open, all of it.", [("truly open", "fully-open")]),
    ("Open weights, open data, open science.", [("open weights", "open-weights"),
                                                ("open science", "open-science")]),
    ("a family of lightweight open models", [("open models", "open-model")]),
    ("the best open LLM", [("open llm", "open-model")]),
])
def test_claims_found(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize("text", [
    "This model is not open source.",
    "It is non-open-source software.",
    "a non-open model",
    "Llama is not an open source model",
    "We thank the open-source community.",
    "# [Open LLM Leaderboard Evaluation Results](https://huggingface.co/spaces/x)",
    "Our Purple Llama tools are open sourced for the community to use.",
    "see https://github.com/open-source/project or [here](https://x.org/open-weights)",
    "reopened sources; opensea; openness",
])
def test_no_claim(text):
    assert ow.claims(text) == []


def test_not_only_is_no_negation():
    assert kinds("It is not only open source but also documented.") == [
        ("open source", "open-source")]


def test_comparisons_are_claims_in_passing():
    [claim] = ow.claims("Llama-2-Chat models outperform open-source chat models on most "
                        "benchmarks we tested")
    assert claim.comparative
    direct = ow.claims("Llama-2-Chat is an open-source chat model")[0]
    assert claim.strength == pytest.approx(direct.strength * ow.rules()["comparative"])


def test_card_front_matter_is_not_searched():
    card = "---\nlicense: apache-2.0\ntags:\n- open-source\n---\n# Model\nA fully open model.\n"
    assert [(c.phrase, c.kind) for c in ow.claims(card, source="card")] == [
        ("fully open", "fully-open")]


def test_real_cards(shared_data: Path):
    cards = shared_data / "hub-samples" / "cards"

    def read(rel: str) -> list[tuple[str, str, bool]]:
        text = (cards / rel).read_text(encoding="utf-8")
        return [(c.phrase.lower(), c.kind, c.comparative) for c in ow.claims(text, source="card")]

    assert ("fully open-source", "fully-open", False) in read("olmo/allenai_Molmo-7B-D-0924.md")
    assert ("100% open-source", "fully-open", False) in read("olmo/allenai_OLMoE-1B-7B-0924.md")
    assert ("open-science", "open-science", False) in read("bloom/bigscience_bloom-560m.md")
    gemma = read("gemma/hf__google__gemma-2b-it__af758b2.md")
    assert ("open weights", "open-weights", False) in gemma
    assert ("open models", "open-model", False) in gemma
    # Meta's card only compares itself with open-source models, and its "Purple Llama tools
    # are open sourced" is about tools.
    llama = read("llama/github-llama-models__llama3_1__MODEL_CARD.md")
    assert llama and all(comparative for _p, _k, comparative in llama)
    # Leaderboard headings and model-index names are no claims.
    assert read("mistral/HuggingFaceH4_zephyr-7b-beta.md") == [
        ("open models", "open-model", True)]


# --- names, licences, the index -----------------------------------------------------------------


@pytest.mark.parametrize("name, expected", [
    ("OpenLLaMA-3Bv2", ("OpenLLaMA", "open")),
    ("open_llama_7b", ("open", "open")),
    ("TildeOpen-30b", ("Open", "open")),
    ("gpt-oss-120b", ("oss", "open-source")),
    ("Seed-OSS-36B-Instruct", ("OSS", "open-source")),
    ("OLMo-7B", None),
    ("OpenAI o1", None),
    ("Cross-lingual alignment", None),
    ("Opening-Model", None),
])
def test_name_claims(name, expected):
    found = [(c.phrase, c.kind) for c in ow.name_claims(name)]
    assert found == ([expected] if expected else [])


@pytest.mark.parametrize("licence, kind", [
    ("CreativeML Open RAIL-M", "open"),
    ("NVIDIA Open Model License", "open-model"),
    ("LTX-Video-Open-Weights-License-0.X", "open-weights"),
    ("Apache License 2.0", None),
])
def test_license_claims(licence, kind):
    assert [c.kind for c in ow.license_claims(licence)] == ([kind] if kind else [])


def test_index_listing_is_a_claim_but_not_for_its_reference_entry():
    listed = make_view(osai=_osai({}))
    [claim] = ow.index_claims(listed)
    assert claim.kind == "open-source-or-open" and claim.source == "index"
    provisional = make_view(osai={**_osai({}), "provisional": True})
    assert ow.index_claims(provisional) == []
    reference = make_view(name="ChatGPT", osai=_osai({"weights_endmodel": "closed"}))
    assert ow.index_claims(reference) == []


# --- evidence and flags -------------------------------------------------------------------------


def _closed_everything() -> dict:
    return make_view(
        name="OpenThing-7B", license=LLAMA31, hub={"gated": "manual", "evidence": {}},
        mof=_mof(None, {"Model parameters (Final)": "invalid"}),
        osai=_osai({"datasources_basemodel": "closed", "datasources_endmodel": "closed",
                    "trainingcode": "closed", "weights_endmodel": "partial"}))


def test_open_source_claim_with_closed_data_restricted_licence_gate_and_no_training_code():
    result = ow.check(_closed_everything(), "An open source model.")
    assert [c.source for c in result.claims] == ["card", "name", "index"]
    by_aspect = {a: result.evidence[a] for a in ow.ASPECTS}
    assert by_aspect["data"].status == "closed"
    assert by_aspect["code"].status == "closed"
    assert by_aspect["gating"].status == "closed"
    assert by_aspect["licence"].status == "closed"
    assert by_aspect["weights"].status == "open"  # listed by the MOT: out, behind a gate
    assert len(result.flags) == 4
    assert all(f.startswith('"open source" (model card) but ') for f in result.flags)
    joined = "\n".join(result.flags)
    for problem in ("the training data is closed", "the licence restricts use",
                    "the weights are gated on the Hub (manual approval)",
                    "no training code is released"):
        assert problem in joined
    # The documented weighting: a direct card claim, every implied aspect closed but weights.
    table = ow.rules()["aspects"]
    expected = sum(table[a]["weight"] for a in ("data", "code", "gating", "licence"))
    assert result.gap == pytest.approx(expected)


def test_the_gap_is_the_largest_over_claims_and_scales_with_their_strength():
    view = _closed_everything()
    weights = {a: s["weight"] for a, s in ow.rules()["aspects"].items()}
    strength = ow.rules()["sources"]
    # Without the card: the name ("open", 0.8) implies weights, gating, licence; the index
    # listing (0.6) implies everything.
    name_gap = strength["name"]["strength"] * (weights["gating"] + weights["licence"])
    index_gap = strength["index"]["strength"] * (
        weights["data"] + weights["code"] + weights["gating"] + weights["licence"])
    assert ow.check(view).gap == pytest.approx(max(name_gap, index_gap))
    # An "open weights" claim in passing counts half.
    passing = ow.check(make_view(license=LLAMA31, hub={"gated": "manual"}),
                       "It beats other open weights models.")
    assert passing.gap == pytest.approx(
        ow.rules()["comparative"] * (weights["gating"] + weights["licence"]))


def test_claims_borne_out_give_no_gap_and_no_flag():
    view = make_view(license=APACHE, hub={"gated": False},
                     mof=_mof("I", {n: "included" for n in (
                         "Datasets", "Training code", "Model parameters (Final)")}))
    result = ow.check(view, "A fully open model.")
    assert result.claims and result.gap == 0 and result.flags == []


def test_no_claim_no_gap_even_when_everything_is_closed():
    view = make_view(name="Closed-1", license=LLAMA31,
                     osai={**_osai({"trainingcode": "closed"}), "provisional": True})
    result = ow.check(view)
    assert result.claims == [] and result.gap == 0 and result.flags == []
    assert result.evidence["licence"].status == "closed"


def test_sources_disagreeing_take_the_most_open_curated_one():
    view = make_view(mof=_mof(None, {"Datasets": "included"}),
                     osai=_osai({"datasources_basemodel": "closed",
                                 "datasources_endmodel": "closed"}))
    assert ow.check(view).evidence["data"].status == "open"
    epoch = make_view(epoch=_epoch("Open weights (unrestricted)", "Unreleased"),
                      osai=_osai({"trainingcode": "partial"}))
    assert ow.check(epoch).evidence["code"].status == "partial"


@pytest.mark.parametrize("licence, status", [
    ("BSD-4-Clause", "partial"),  # permissive, but not OSI-approved
    ("CC-BY-4.0", "open"),  # an open-content licence
    ("OpenMDW-1.0", "open"),
    ("Apache-2.0", "open"),
    ("Gemma Terms of Use", "closed"),  # an acceptable-use policy
    ("unlicensed", "closed"),
    ("Some Custom Text", "unknown"),
])
def test_licence_evidence(licence, status):
    assert ow.check(make_view(license=license_view(licence))).evidence["licence"].status == status


def test_licence_falls_back_to_the_mof_weights_licence_then_the_index():
    view = make_view(mof=_mof(None, {"Model parameters (Final)": "invalid"},
                              licence="Llama 3 Community License"))
    ev = ow.check(view).evidence["licence"]
    assert ev.status == "closed" and "MOT weights component" in ev.summary
    index = make_view(osai=_osai({"licenses": "partial"}))
    assert ow.check(index).evidence["licence"].status == "partial"


# --- real releases ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("openwashing") / "c.sqlite")
    yield opened
    opened.close()


def test_llama_31_instruct_with_its_real_card_and_hub_metadata(cache, shared_data):
    body = json.loads((shared_data / "hub-samples" / "api" / "model_info" /
                       "meta-llama__Llama-3.1-8B-Instruct__20250321__0daf2c.json").read_text())
    report = ingest(cache, ImportResult(records=[
        record_from_hub(body, fetched_at="2025-03-21T10:00:00Z")]))
    [release_id] = report.touched
    card = (shared_data / "hub-samples" / "cards" / "llama" /
            "NousResearch_Meta-Llama-3.1-8B-Instruct.md").read_text(encoding="utf-8")
    view = release_view(cache, release_id)
    result = ow.check(view, card)
    assert any(c.source == "card" and c.kind == "open-source" for c in result.claims)
    joined = "\n".join(result.flags)
    assert "the weights are gated on the Hub (manual approval)" in joined
    assert "the licence restricts use" in joined and "monthly-user threshold" in joined
    assert result.gap > ow.check(view).gap  # the card's claim adds to what names tell


def test_bloom_open_science_card_against_its_rail_licence(cache, shared_data):
    card = (shared_data / "hub-samples" / "cards" / "bloom" /
            "hf__bigscience__bloom__20ac6a9.md").read_text(encoding="utf-8")
    view = release_view(cache, "bigscience/bloom")
    assert ow.check(view).claims == []  # nothing in its name or licence name
    result = ow.check(view, card)
    assert result.claims[0].kind == "open-science"
    assert any("the licence restricts use" in f and "acceptable-use policy" in f
               for f in result.flags)


def test_gpt_oss_name(cache):
    view = release_view(cache, "openai/gpt-oss-120b")
    result = ow.check(view)
    assert ("oss", "open-source", "name") in [(c.phrase, c.kind, c.source)
                                               for c in result.claims]
    assert any(f.startswith('"oss" (release name gpt-oss-120b) but the training data is closed')
               for f in result.flags)
    assert result.evidence["licence"].status == "open"  # Apache-2.0


def test_ranking_equals_checking_every_release(cache):
    ranked = ow.ranking(cache, limit=15)
    everything = []
    for release_id in cache.iter_release_ids():
        result = ow.check(release_view(cache, release_id))
        if result.gap > 0:
            everything.append(result)
    everything.sort(key=lambda r: (-r.gap, r.name.lower(), r.release_id))
    assert [(r.release_id, r.gap) for r in ranked] == \
        [(r.release_id, r.gap) for r in everything[:15]]
    assert all(r.flags for r in ranked)


def test_openwashing_command(cache, capsys):
    db = str(cache.path)
    assert main(["--db", db, "openwashing", "--limit", "5", "--format", "json"]) == 0
    ranked = json.loads(capsys.readouterr().out)
    assert len(ranked) == 5
    assert [r["gap"] for r in ranked] == sorted((r["gap"] for r in ranked), reverse=True)
    assert main(["--db", db, "openwashing", "openai/gpt-oss-120b"]) == 0
    out = capsys.readouterr().out
    assert "gap:" in out and '"oss" (release name gpt-oss-120b' in out
    assert main(["--db", db, "openwashing", "--format", "markdown", "--limit", "3"]) == 0
    assert capsys.readouterr().out.startswith("# Open-washing")
    assert main(["--db", db, "openwashing", "--card", "x.md"]) == 2
    assert main(["--db", db, "openwashing", "--limit", "0"]) == 2
