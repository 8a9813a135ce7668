"""Hub evidence: real Hub bodies and cards → records, automated framework rows, and the rules."""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openexplorer.hub import evidence as hub_evidence
from openexplorer.db.cache import Cache
from openexplorer.frameworks import mof, osai, osaid
from openexplorer.hub.evidence import (
    RULES,
    card_completeness,
    card_metadata,
    card_sections,
    record_from_hub,
)
from openexplorer.core.records import ImportResult, SourceRecord
from openexplorer.store.ingest import ingest
from tests.conftest import REPO, SHARED_DATA

FETCHED = "2025-03-21T12:00:00Z"
STATUSES = {"open", "partial", "closed", "unknown"}
SAMPLES = SHARED_DATA / "hub-samples"


def _files(sub: str, pattern: str) -> list[Any]:
    root = SAMPLES / sub
    found = sorted(p.relative_to(SAMPLES).as_posix() for p in root.rglob(pattern)
                   if p.is_file()) if root.is_dir() else []
    return found or [pytest.param("", marks=pytest.mark.skip(reason=f"no {sub} samples"))]


API_FILES = _files("api", "*")
CARD_FILES = _files("cards", "*.md")


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _body(shared_data: Path, name: str) -> dict[str, Any]:
    matches = sorted((shared_data / "hub-samples" / "api").rglob(name))
    assert matches, name
    return _read_json(matches[0])


def _card(shared_data: Path, rel: str) -> str:
    return (shared_data / "hub-samples" / "cards" / rel).read_text(encoding="utf-8")


def _rows(record: SourceRecord, framework: str) -> dict[str, Any]:
    return {a.component: a for a in record.assessments if a.framework == framework}


def _check_record(record: SourceRecord) -> None:
    """What every record must satisfy, whatever the input."""
    assert record.source == "hub"
    json.dumps(record.data, allow_nan=False)  # storable as JSON, no NaN
    for a in record.assessments:
        assert a.framework in {"hub", "mof", "osai"}
        if a.framework == "hub":
            assert a.status in STATUSES
            assert a.component in hub_evidence.HUB_COMPONENTS
            assert a.notes and a.notes.startswith("automated: hub-")
        else:
            assert a.value and a.value.startswith("automated: ")
            assert a.value.removeprefix("automated: ") in RULES
        if a.framework == "osai":
            assert a.status in STATUSES
        if a.framework == "mof":
            assert a.status in {"present", "declared"}
            assert a.component in mof.COMPONENTS_BY_NAME or a.component == "license:distribution"
        for url in a.urls:
            assert url.startswith(("https://", "http://")), url
    if record.key:
        assert record.url == f"https://huggingface.co/{record.key}"
        assert len(_rows(record, "osai")) == len(osai.DIMENSIONS)
    # The framework rules take the derived rows without an error.
    mof.evaluate_assessments(record.assessments)
    osai.score_assessments(record.assessments, record.modality)
    osaid.verdict(record.assessments)


# --- every real body ------------------------------------------------------------------------------


@pytest.mark.parametrize("rel", API_FILES)
def test_every_api_body_parses(shared_data: Path, rel: str) -> None:
    path = shared_data / "hub-samples" / rel
    try:
        payload = _read_json(path)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        pytest.skip(f"{rel} is not JSON ({exc.__class__.__name__}); the docs print it with "
                    "elisions")
    items = payload if isinstance(payload, list) else [payload]
    assert items
    for item in items:
        record = record_from_hub(item, fetched_at=FETCHED)
        _check_record(record)
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            assert record.key == item["id"]
            assert record.hub_id == item["id"]
            assert record.name == item["id"].split("/")[-1]
            assert record.assessed_date == "2025-03-21"
            assert record.source_version == item.get("sha")
        else:  # the 307 redirect bodies: no model here, and the record says so
            assert "location" in item
            assert record.key == ""
            assert record.data["problems"]


@pytest.mark.parametrize("rel", [r for r in API_FILES if isinstance(r, str)
                                 and r.startswith(("api/model_info/", "api/list/",
                                                   "api/edge_cases/"))])
def test_model_info_object_gives_the_same_evidence_as_the_dict(shared_data: Path,
                                                               rel: str) -> None:
    from huggingface_hub.hf_api import ModelInfo

    payload = _read_json(shared_data / "hub-samples" / rel)
    for item in payload if isinstance(payload, list) else [payload]:
        from_dict = record_from_hub(item, fetched_at=FETCHED)
        from_object = record_from_hub(ModelInfo(**item), fetched_at=FETCHED)
        _check_record(from_object)
        for field in ("key", "license", "release_date", "modality", "parameters",
                      "organization", "source_version"):
            assert getattr(from_object, field) == getattr(from_dict, field), field
        for key in ("gated", "datasets", "base_models", "arxiv", "weight_files", "tags",
                    "downloads", "extra_gated_fields"):
            assert from_object.data[key] == from_dict.data[key], key
        assert {k: a.status for k, a in _rows(from_object, "hub").items()} == \
            {k: a.status for k, a in _rows(from_dict, "hub").items()}


# --- spot checks against the raw JSON -----------------------------------------------------------


def test_llama_31_8b_instruct(shared_data: Path) -> None:
    raw = _body(shared_data, "meta-llama__Llama-3.1-8B-Instruct__20250321__0daf2c.json")
    record = record_from_hub(raw, fetched_at=FETCHED)
    hub = _rows(record, "hub")

    assert raw["gated"] == "manual"
    assert record.data["gated"] == "manual"
    assert hub["gating"].status == "partial" and hub["gating"].value == "gated"
    assert raw["cardData"]["license"] == "llama3.1"
    assert record.license == "llama3.1"
    assert hub["license"].status == "partial"  # recognised, with use policy and threshold
    assert hub["license"].value == "cardData.license"
    expected_weights = [s["rfilename"] for s in raw["siblings"]
                        if re.search(r"\.(safetensors|pth)$", s["rfilename"])]
    assert record.data["weight_files"] == expected_weights
    assert "original/consolidated.00.pth" in record.data["weight_files"]
    assert hub["weights"].status == "partial"  # present, but gated
    assert record.parameters == raw["safetensors"]["total"] == 8030261248
    assert record.release_date == raw["createdAt"][:10] == "2024-07-18"
    assert record.modality == "text"
    # The card still names the pre-rename path; the Hub's tags carry the current one.
    assert raw["cardData"]["base_model"] == "meta-llama/Meta-Llama-3.1-8B"
    assert "base_model:finetune:meta-llama/Llama-3.1-8B" in raw["tags"]
    assert record.data["base_models"] == [
        {"id": "meta-llama/Llama-3.1-8B", "relation": "finetune", "source": "tags"}]
    assert record.data["base_model_as_written"] == ["meta-llama/Meta-Llama-3.1-8B"]
    assert record.data["extra_gated_fields"] == sorted(
        k for k in raw["cardData"] if k.startswith("extra_gated"))
    # No prose: the gate prompt (the licence text) is nowhere in the record.
    assert "LLAMA 3.1 COMMUNITY LICENSE" not in json.dumps(record.data)

    mof_rows = _rows(record, "mof")
    params = mof_rows["Model parameters (Final)"]
    assert params.license == "LicenseRef-scancode-llama-3.1-license-2024"
    assert params.value == "automated: mof-weights"
    result = mof.evaluate_assessments(record.assessments)
    assert result.component("Model parameters (Final)").state == "invalid"
    assert result.component("Model metadata").state == "invalid"  # inherits the card licence
    assert result.mof_class is None
    dims = _rows(record, "osai")
    assert dims["weights_endmodel"].status == "partial"
    assert dims["licenses"].status == "partial"
    assert dims["datasources_endmodel"].status == "closed"
    assert dims["trainingcode"].status == "unknown"
    assert osaid.verdict(record.assessments).verdict == "fail"


def test_meta_llama_3_8b_instruct_names_no_base_model(shared_data: Path) -> None:
    raw = _body(shared_data, "meta-llama__Meta-Llama-3-8B-Instruct__20250321__46c631.json")
    assert "base_model" not in raw["cardData"]
    assert not [t for t in raw["tags"] if t.startswith("base_model:")]
    record = record_from_hub(raw, fetched_at=FETCHED)
    assert record.data["base_models"] == []
    assert "base_model" not in _rows(record, "hub")
    assert record.license == "llama3"


def test_bert_base_uncased(shared_data: Path) -> None:
    raw = _body(shared_data, "google-bert__bert-base-uncased__20250122__d252d9.json")
    record = record_from_hub(raw, fetched_at=FETCHED)
    hub = _rows(record, "hub")
    assert record.license == raw["cardData"]["license"] == "apache-2.0"
    assert hub["license"].status == "open"
    assert record.data["datasets"] == raw["cardData"]["datasets"] == ["bookcorpus", "wikipedia"]
    assert record.data["arxiv"] == ["1810.04805"]
    assert hub["paper"].status == "open"
    assert "https://arxiv.org/abs/1810.04805" in hub["paper"].urls
    assert hub["datasets"].status == "partial"  # named; their licences not given
    assert record.modality == "text"  # fill-mask
    # createdAt is the Hub's 2022 migration placeholder, not BERT's release.
    assert raw["createdAt"].startswith("2022-03-02T23:29")
    assert record.release_date is None
    assert record.data["created_at"] == raw["createdAt"]
    assert record.organization == "google-bert"
    result = mof.evaluate_assessments(record.assessments)
    assert result.component("Model parameters (Final)").state == "open-with-warning"
    assert result.component("Model metadata").state == "open-with-warning"
    assert result.component("Research paper").state == "unlicensed"
    # Licences of the datasets: only what the caller gives is used.
    wiki_only = record_from_hub(raw, fetched_at=FETCHED,
                                dataset_licenses={"wikipedia": "cc-by-sa-3.0"})
    assert _rows(wiki_only, "hub")["datasets"].status == "partial"
    assert "Datasets" not in _rows(wiki_only, "mof")


def test_datasets_open_when_every_named_dataset_is_openly_licensed(shared_data: Path) -> None:
    raw = _body(shared_data, "HuggingFaceH4__zephyr-7b-beta__20250321__31822c.json")
    names = raw["cardData"]["datasets"]
    record = record_from_hub(raw, fetched_at=FETCHED,
                             dataset_licenses={n.upper(): "mit" for n in names})
    assert _rows(record, "hub")["datasets"].status == "open"
    assert _rows(record, "osai")["datasources_endmodel"].status == "open"
    datasets = _rows(record, "mof")["Datasets"]
    assert datasets.license == "MIT" and datasets.license_given
    assert set(datasets.urls) == {f"https://huggingface.co/datasets/{n}" for n in names}
    one_closed = record_from_hub(raw, fetched_at=FETCHED, dataset_licenses={
        names[0]: "mit", names[1]: "cc-by-nc-4.0"})
    assert _rows(one_closed, "hub")["datasets"].status == "partial"
    # zephyr's card carries evaluation results in model-index: Evaluation results listed.
    assert isinstance(raw["cardData"]["model-index"], list)
    assert _rows(record, "mof")["Evaluation results"].value == "automated: mof-model-index"
    assert record.data["base_models"][0]["id"] == "mistralai/Mistral-7B-v0.1"


def test_model_index_that_is_not_a_list(shared_data: Path) -> None:
    raw = _body(shared_data,
                "Waynehillsdev__Waynehills-STT-doogie-server__model-index-not-a-list.json")
    assert isinstance(raw["cardData"]["model-index"], dict)
    assert raw["siblings"] is None
    record = record_from_hub(raw, fetched_at=FETCHED)
    _check_record(record)
    assert "cardData.model-index is not a list" in record.data["problems"]
    assert "Evaluation results" not in _rows(record, "mof")
    assert record.license == "apache-2.0"
    assert record.modality == "audio"
    hub = _rows(record, "hub")
    assert hub["weights"].status == "unknown"  # siblings: null says nothing
    assert hub["gating"].status == "unknown"  # no `gated` in this body


def test_list_excerpt(shared_data: Path) -> None:
    items = _body(shared_data, "default_list_excerpt__2025-11.json")
    records = {r.key: r for r in (record_from_hub(i, fetched_at=FETCHED) for i in items)}
    kimi = records["moonshotai/Kimi-K2-Thinking"]
    assert "license:other" in items[0]["tags"]
    assert kimi.license == "other"
    assert _rows(kimi, "hub")["license"].status == "unknown"
    assert _rows(kimi, "hub")["license"].value == "tags"
    assert _rows(kimi, "osai")["licenses"].status == "closed"
    minimax = records["MiniMaxAI/MiniMax-M2"]
    assert minimax.license == "mit"
    assert minimax.data["arxiv"] == [t[6:] for t in items[1]["tags"] if t.startswith("arxiv:")]
    # A list item has no siblings: weights unknown, not closed.
    assert _rows(minimax, "hub")["weights"].status == "unknown"
    assert minimax.release_date == "2025-10-22"


def test_files_that_look_like_weights_or_code_but_are_not(shared_data: Path) -> None:
    speech = record_from_hub(
        _body(shared_data, "speechbrain__sepformer-wham__20250321__bb1471.json"),
        fetched_at=FETCHED)
    names = {n.split("/")[-1] for n in speech.data["weight_files"]}
    assert {"encoder.ckpt", "decoder.ckpt", "masknet.ckpt"} <= names
    assert not names & {"counter.ckpt", "optimizer.ckpt", "lr_scheduler.ckpt", "brain.ckpt",
                        "dataloader-TRAIN.ckpt"}
    zephyr = record_from_hub(
        _body(shared_data, "HuggingFaceH4__zephyr-7b-beta__20240314__8e3b2b.json"),
        fetched_at=FETCHED)
    assert "training_args.bin" not in zephyr.data["weight_files"]
    wav2vec = _body(shared_data,
                    "jonatasgrosman__wav2vec2-large-xlsr-53-english__20250321__90948d.json")
    assert "eval.py" in {s["rfilename"] for s in wav2vec["siblings"]}
    record = record_from_hub(wav2vec, fetched_at=FETCHED)
    assert "Model architecture" not in _rows(record, "mof")
    minilm = _body(shared_data, "sentence-transformers__all-MiniLM-L6-v2__20250321__35ebc1.json")
    assert "Model architecture" not in _rows(record_from_hub(minilm, fetched_at=FETCHED), "mof")
    # Custom modelling code in the repo counts.
    custom = dict(wav2vec, siblings=[*wav2vec["siblings"], {"rfilename": "modeling_custom.py"}])
    assert "Model architecture" in _rows(record_from_hub(custom, fetched_at=FETCHED), "mof")


def test_diffusers_repo(shared_data: Path) -> None:
    raw = _body(shared_data, "stabilityai__stable-diffusion-2-1__20250122__df6b84.json")
    record = record_from_hub(raw, fetched_at=FETCHED)
    assert record.modality == "image"
    assert record.license == "openrail++"
    assert _rows(record, "hub")["license"].status == "partial"
    assert "model_index.json" in record.data["config_files"]
    assert "Model metadata" in _rows(record, "mof")


def test_legacy_id_body(shared_data: Path) -> None:
    raw = _body(shared_data, "gpt2__20250321__0bfdde.json")
    record = record_from_hub(raw, fetched_at=FETCHED)
    assert raw["id"] == "gpt2" and raw["author"] == "openai-community"
    assert record.key == "gpt2" and record.name == "gpt2"
    assert record.organization == "openai-community"


def test_card_text_overrides_card_data(shared_data: Path) -> None:
    raw = _body(shared_data, "google-bert__bert-base-uncased__20250122__d252d9.json")
    card = _card(shared_data, "bert-and-classic/google-bert_bert-base-uncased.md")
    record = record_from_hub(raw, card, fetched_at=FETCHED)
    _check_record(record)
    card_row = _rows(record, "hub")["model_card"]
    assert card_row.value == "card"
    assert record.data["card"]["read"] and record.data["card"]["completeness"] >= 0.6
    assert card_row.status == "open"
    assert "Model card" in _rows(record, "mof")
    assert "https://github.com/google-research/bert" in record.data["code_links"]
    assert _rows(record, "hub")["code"].status == "open"
    # Without the card text, the card is known to exist but not read.
    bare = _rows(record_from_hub(raw, fetched_at=FETCHED), "hub")["model_card"]
    assert bare.status == "unknown"


# --- cards --------------------------------------------------------------------------------------


def _manifest(shared_data: Path) -> dict[str, dict[str, str]]:
    path = shared_data / "hub-samples" / "MANIFEST.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


@pytest.mark.parametrize("rel", CARD_FILES)
def test_every_card_parses(shared_data: Path, rel: str) -> None:
    text = (shared_data / "hub-samples" / rel).read_text(encoding="utf-8")
    meta, body = card_metadata(text)
    assert isinstance(meta, dict) and isinstance(body, str)
    assert body in text
    record = record_from_hub({"id": "org/model"}, text, fetched_at=FETCHED)
    _check_record(record)
    card = record.data["card"]
    assert card["present"] is bool(text.strip())
    assert 0.0 <= card["completeness"] <= 1.0
    # The manifest, written independently, says what licence key each card has.
    said = _manifest(shared_data)[rel]["license_id"]
    if said.startswith("(no front matter"):
        assert meta == {} and body == text
    elif said == "(no license key)":
        assert "license" not in meta and record.license is None
        assert _rows(record, "hub")["license"].status == "closed"
    else:
        hub_id = said.split(" (")[0]
        assert meta["license"] == hub_id
        names = re.search(r"license_name=([^;)]+)", said)
        links = re.search(r"license_link=([^;)]+)", said)
        assert meta.get("license_name") == (names.group(1) if names else None)
        assert meta.get("license_link") == (links.group(1) if links else None)
        assert record.license == (names.group(1) if hub_id == "other" and names else hub_id)


def _gemma(shared_data: Path) -> dict[str, SourceRecord]:
    out = {}
    for rev in ("fa36ef4", "af758b2", "718cb18"):
        text = _card(shared_data, f"gemma/hf__google__gemma-2b-it__{rev}.md")
        out[rev] = record_from_hub({"id": "google/gemma-2b-it"}, text, fetched_at=FETCHED)
    return out


def test_gemma_revisions_differ_in_licence_not_in_gating(shared_data: Path) -> None:
    manifest = _manifest(shared_data)
    dates = {rev: manifest[f"cards/gemma/hf__google__gemma-2b-it__{rev}.md"]["commit_date"]
             for rev in ("fa36ef4", "af758b2", "718cb18")}
    assert dates["fa36ef4"] < dates["af758b2"] < dates["718cb18"]  # launch, "add tos", later
    records = _gemma(shared_data)
    launch, tos, later = records["fa36ef4"], records["af758b2"], records["718cb18"]

    assert launch.license is None
    assert _rows(launch, "hub")["license"].status == "closed"
    assert "license:distribution" not in _rows(launch, "mof")
    for record in (tos, later):
        assert record.license == "gemma-terms-of-use"
        assert record.data["license_link"] == "https://ai.google.dev/gemma/terms"
        assert record.data["license_id"] == "LicenseRef-scancode-gemma-tou-2024-04-01"
        assert _rows(record, "hub")["license"].status == "partial"
        assert "https://ai.google.dev/gemma/terms" in _rows(record, "hub")["license"].urls
        assert _rows(record, "osai")["licenses"].status == "partial"
        assert _rows(record, "mof")["license:distribution"].license == \
            "LicenseRef-scancode-gemma-tou-2024-04-01"

    # Gating: every revision configures the same access form; the API's `gated` was not read.
    for record in records.values():
        gating = _rows(record, "hub")["gating"]
        assert gating.status == "partial" and gating.value == "cardData.extra_gated_*"
        assert record.data["extra_gated_fields"] == [
            "extra_gated_button_content", "extra_gated_heading", "extra_gated_prompt"]

    def statuses(record: SourceRecord) -> dict[tuple[str, str], str]:
        return {(a.framework, a.component): a.status for a in record.assessments}

    changed = {k for k in statuses(launch) | statuses(tos)
               if statuses(launch).get(k) != statuses(tos).get(k)}
    assert changed == {("hub", "license"), ("mof", "license:distribution"), ("osai", "licenses")}
    assert statuses(tos) == statuses(later)  # the later edit added a widget, nothing else


def test_gemma_licence_change_reaches_the_change_log(shared_data: Path, tmp_path: Path) -> None:
    records = _gemma(shared_data)
    with Cache.open(tmp_path / "cache.sqlite") as cache:
        ingest(cache, ImportResult(records=[records["fa36ef4"]]), now="2024-02-21T12:00:00+00:00")
        ingest(cache, ImportResult(records=[records["af758b2"]]), now="2024-02-21T15:00:00+00:00")
        changes = {c["field"]: c for c in cache.changes_for("google/gemma-2b-it")}
    # Before the Hub named one, the cited family table gave Gemma's licence (views.facts).
    assert changes["license"]["old"] == "gemma"
    assert changes["license"]["new"] == "gemma-terms-of-use"
    assert changes["hub:license"]["old"] == "closed"
    assert changes["hub:license"]["new"].startswith("partial")


def test_card_without_front_matter(shared_data: Path) -> None:
    text = _card(shared_data, "gpt2/hf__openai-community__gpt2-xl__690cfc3.md")
    assert not text.startswith("---")
    meta, body = card_metadata(text)
    assert meta == {} and body == text
    record = record_from_hub({"id": "openai-community/gpt2-xl"}, text, fetched_at=FETCHED)
    assert record.data["card"]["completeness"] == 0.0
    assert _rows(record, "hub")["model_card"].status == "closed"
    assert "Model card" not in _rows(record, "mof")
    # A full card without front matter still has its sections.
    full = _card(shared_data, "gpt2/github-openai__gpt-2__model_card.md")
    assert card_metadata(full) == ({}, full)
    completeness, found = card_completeness(card_sections(full))
    assert completeness >= 0.5 and "limitations" in found


def test_card_with_broken_yaml(shared_data: Path) -> None:
    good = _card(shared_data, "bert-and-classic/google-bert_bert-base-uncased.md")
    meta, body = card_metadata(good)
    assert meta["license"] == "apache-2.0"
    broken = good.replace("license: apache-2.0", "license: [apache-2.0\n  : : broken", 1)
    assert broken != good
    broken_meta, broken_body = card_metadata(broken)
    assert broken_meta == {}
    assert broken_body == body  # the body is still found after the block
    assert card_sections(broken_body) == card_sections(body)
    record = record_from_hub({"id": "google-bert/bert-base-uncased"}, broken, fetched_at=FETCHED)
    assert record.license is None
    assert record.data["card"]["completeness"] == card_completeness(card_sections(body))[0]
    assert record.data["card"]["completeness"] >= 0.6


@pytest.mark.parametrize("text", [
    "---\n- a\n- b\n---\n# Model Details\n",
    "---\njust a string\n---\n# Model Details\n",
    "---\n42\n---\n",
    "---\n---\n# Model Details\n",
    "---\nlicense: mit\n",  # never closed
    "\ufeff---\r\nlicense: mit\r\n---\r\n# Uses\r\n",
    "",
])
def test_front_matter_that_is_not_a_mapping(text: str) -> None:
    meta, body = card_metadata(text)
    if text.startswith("\ufeff"):
        assert meta == {"license": "mit"} and card_sections(body) == ["Uses"]
    else:
        assert meta == {}
    assert isinstance(body, str)


def test_card_sections_skip_code_blocks_and_read_other_heading_forms() -> None:
    body = (
        "# Model Card\n\nText\n\n```bash\n# pip install accelerate\n```\n\n"
        "Training Data\n=============\n\n<h2>Evaluation</h2>\n\n"
        "**License** Apache 2.0 text here.\n\n## 1. Citation ##\n"
    )
    assert card_sections(body) == ["Model Card", "Training Data", "Evaluation", "License",
                                   "1. Citation"]
    completeness, found = card_completeness(card_sections(body))
    assert found == ["training data", "evaluation", "license", "citation"]
    assert completeness == 0.5


def test_arxiv_and_code_links_from_card_text() -> None:
    card = (
        "---\nlicense: mit\n---\n# Model\n"
        "Paper: [x](https://arxiv.org/abs/2307.09288v2) and arxiv.org/pdf/1810.04805.pdf, "
        "https://huggingface.co/papers/2403.07691 and arXiv:2305.18290.\n"
        "Code: https://github.com/allenai/OLMo/tree/main, https://github.com/allenai/OLMo.git, "
        "pip install git+https://github.com/huggingface/transformers, "
        "https://github.com/sponsors/x, https://gitlab.com/group/project/-/blob/main/x.py\n"
    )
    record = record_from_hub({"id": "org/m", "tags": ["arxiv:1810.04805"]}, card,
                             fetched_at=FETCHED)
    assert record.data["arxiv"] == ["1810.04805", "2307.09288", "2403.07691", "2305.18290"]
    assert record.data["code_links"] == ["https://github.com/allenai/OLMo",
                                         "https://gitlab.com/group/project"]


def test_gated_private_and_unknown_gating() -> None:
    base = {"id": "org/m", "siblings": [{"rfilename": "model.safetensors"}], "tags": []}
    cases = {
        False: ("open", "open"), "auto": ("partial", "partial"),
        "manual": ("partial", "partial"),
    }
    for gated, (gating, weights) in cases.items():
        record = record_from_hub({**base, "gated": gated}, fetched_at=FETCHED)
        assert _rows(record, "hub")["gating"].status == gating
        assert _rows(record, "hub")["weights"].status == weights
        assert _rows(record, "osai")["weights_endmodel"].status == weights
    private = record_from_hub({**base, "gated": False, "private": True}, fetched_at=FETCHED)
    assert _rows(private, "hub")["gating"].status == "closed"
    assert _rows(private, "hub")["weights"].status == "closed"
    assert "Model parameters (Final)" not in _rows(private, "mof")
    unknown = record_from_hub(base, fetched_at=FETCHED)
    assert _rows(unknown, "hub")["gating"].status == "unknown"
    assert _rows(unknown, "hub")["weights"].status == "partial"  # present, access not known
    none = record_from_hub({**base, "gated": False, "siblings": [{"rfilename": "README.md"}]},
                           fetched_at=FETCHED)
    assert _rows(none, "hub")["weights"].status == "closed"
    eu = record_from_hub({**base, "gated": "manual",
                          "cardData": {"extra_gated_eu_disallowed": True}}, fetched_at=FETCHED)
    assert eu.data["eu_disallowed"] is True
    assert "EU" in (_rows(eu, "hub")["gating"].notes or "")


def test_modality_from_pipeline_tag() -> None:
    def modality(tag: str | None, tags: list[str] | None = None, language: Any = None) -> Any:
        body: dict[str, Any] = {"id": "o/m", "pipeline_tag": tag, "tags": tags or []}
        if language is not None:
            body["cardData"] = {"language": language}
        return record_from_hub(body, fetched_at=FETCHED).modality

    assert modality("text-generation") == "text"
    assert modality("text2text-generation") == "text"
    assert modality("fill-mask") == "text"
    assert modality("image-classification") == "image"
    assert modality("text-to-image") == "image"
    assert modality("automatic-speech-recognition") == "audio"
    assert modality("text-to-speech") == "audio"
    assert modality("text-to-video") == "video"
    assert modality("image-text-to-text") == "multimodal"
    assert modality("any-to-any") == "multimodal"
    assert modality("visual-question-answering") == "multimodal"
    assert modality("text-generation", ["code"]) == "code"
    assert modality("text-generation", ["code"], ["en", "code"]) == "text"  # BLOOM's language
    assert modality("reinforcement-learning") is None
    assert modality(None) is None


def test_licence_status_rules() -> None:
    from openexplorer.core.licenses import identify

    status = hub_evidence.license_status
    assert status(identify("apache-2.0")) == "open"
    assert status(identify("cc-by-4.0")) == "open"  # open content
    assert status(identify("cdla-permissive-2.0")) == "open"
    assert status(identify("mit, apache-2.0")) == "open"
    assert status(identify("cc-by-nc-4.0")) == "partial"
    assert status(identify("llama3.1")) == "partial"
    assert status(identify("openrail++")) == "partial"
    assert status(identify("other")) == "unknown"
    assert status(identify("unknown")) == "unknown"
    assert status(identify("")) == "closed"
    assert status(None) == "unknown"


# --- docs --------------------------------------------------------------------------------------


def test_every_rule_is_documented() -> None:
    text = (REPO / "docs" / "hub-rules.md").read_text(encoding="utf-8")
    sections = set(re.findall(r"^### (\S+)\s*$", text, flags=re.M))
    assert set(RULES) <= sections, set(RULES) - sections
    assert {"lineage-base-chain", "lineage-inherited-limits"} <= sections
    # and no section documents a rule the code does not have
    assert sections - set(RULES) == {"lineage-base-chain", "lineage-inherited-limits"}


def test_rules_used_on_the_samples_are_rules(shared_data: Path) -> None:
    used: set[str] = set()
    for path in sorted((shared_data / "hub-samples" / "api" / "model_info").glob("*.json")):
        record = record_from_hub(_read_json(path), fetched_at=FETCHED)
        for a in record.assessments:
            text = a.value if a.framework != "hub" else (a.notes or "").split(";")[0]
            used.add(text.removeprefix("automated: "))
    assert used <= set(RULES)
    assert {"mof-weights", "mof-config", "mof-arxiv", "mof-card-license", "mof-model-index",
            "osai-weights", "osai-licenses", "hub-license", "hub-gating"} <= used


# --- never raises --------------------------------------------------------------------------------

_KEYS = ["id", "modelId", "author", "sha", "createdAt", "lastModified", "private", "gated",
         "downloads", "likes", "library_name", "tags", "pipeline_tag", "cardData", "siblings",
         "safetensors", "gguf", "model-index", "baseModels", "config"]
_CARD_KEYS = ["license", "license_name", "license_link", "datasets", "base_model",
              "base_model_relation", "language", "model-index", "extra_gated_prompt",
              "extra_gated_eu_disallowed", "pipeline_tag", "library_name", "tags"]

_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["apache-2.0", "other", "llama3.1", "manual", "auto", "text-generation",
                     "org/model", "base_model:finetune:a/b", "arxiv:1810.04805",
                     "dataset:x/y", "license:mit", "model.safetensors", "modeling_x.py",
                     "config.json", "2022-03-02T23:29:04.000Z", "2024-07-18T08:56:00.000Z"]),
)
_json = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=5),
        st.dictionaries(st.one_of(st.sampled_from(_KEYS + _CARD_KEYS + ["rfilename", "total",
                                                                          "results", "models",
                                                                          "relation"]),
                                  st.text(max_size=10)), children, max_size=6),
    ),
    max_leaves=25,
)
_repo_ids = st.one_of(
    st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9._-]{0,12}/[A-Za-z0-9][A-Za-z0-9._-]{0,12}\Z"),
    _scalars,
)
_bodies = st.fixed_dictionaries(
    {"id": _repo_ids},
    optional={key: _json for key in _KEYS if key != "id"}
    | {"cardData": st.one_of(_json, st.dictionaries(st.sampled_from(_CARD_KEYS), _json))},
)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(body=st.one_of(_bodies, st.dictionaries(st.text(max_size=8), _json, max_size=6)),
       card=st.one_of(st.none(), st.text(max_size=200)),
       licenses=st.one_of(st.none(), st.dictionaries(st.text(max_size=10),
                                                     st.one_of(st.none(), _scalars))))
def test_record_from_hub_never_raises(body: dict[str, Any], card: str | None,
                                      licenses: dict[str, Any] | None) -> None:
    record = record_from_hub(body, card, fetched_at=FETCHED, dataset_licenses=licenses)
    _check_record(record)
    if record.parameters is not None:
        assert math.isfinite(record.parameters) and record.parameters > 0


_front_matter_text = st.builds(
    lambda fm, body, nl: f"---{nl}{fm}{nl}---{nl}{body}",
    st.one_of(st.text(max_size=80),
              st.sampled_from(["license: [a", "a: b: c", "- x", "&a [*a]", "!!python/object:x {}",
                               "? [a]\n: b", "key: !!binary xx", "x: 2022-13-45",
                               "license: mit\nlicense: other", "[[[[[[[[[[[[[[[["])),
    st.text(max_size=80),
    st.sampled_from(["\n", "\r\n"]),
)


@settings(max_examples=1000, deadline=None)
@given(text=st.one_of(st.text(max_size=300), _front_matter_text))
def test_card_metadata_never_raises(text: str) -> None:
    meta, body = card_metadata(text)
    assert isinstance(meta, dict) and all(isinstance(k, str) for k in meta)
    assert isinstance(body, str)
    sections = card_sections(body)
    assert all(isinstance(s, str) and s for s in sections)
    completeness, _ = card_completeness(sections)
    assert 0.0 <= completeness <= 1.0
