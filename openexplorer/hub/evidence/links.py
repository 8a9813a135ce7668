"""Values found in a model's tags, card text and file list: arXiv ids, code repositories,
base models, weight files."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from openexplorer.hub.evidence.fields import BASE_RELATIONS, REPO_ID, clean_str, clean_strings

_ARXIV_ID = r"(\d{4}\.\d{4,5}|[a-z][a-z.\-]*(?:\.[A-Z]{2})?/\d{7})"
_ARXIV_IN_TEXT = (
    re.compile(r"arxiv\.org/(?:abs|pdf|html)/" + _ARXIV_ID + r"(?:v\d+)?", re.I),
    re.compile(r"huggingface\.co/papers/(\d{4}\.\d{4,5})", re.I),
    re.compile(r"\barxiv\s*[:/]?\s*(\d{4}\.\d{4,5})", re.I),
)
_CODE_URL = re.compile(
    r"(?:https?://)?(?:www\.)?(github\.com|gitlab\.com)/([A-Za-z0-9][A-Za-z0-9_.-]*)/"
    r"([A-Za-z0-9_.-]+)", re.I)
#: Path words under github.com/gitlab.com that are not an owner.
_CODE_NON_OWNERS = frozenset({
    "orgs", "sponsors", "features", "topics", "marketplace", "collections", "about", "pricing",
    "login", "join", "settings", "apps", "site", "security", "enterprise", "explore", "users",
    "help", "search", "notifications", "issues", "pulls", "new",
})
#: Libraries and runtimes cards link to for *using* a model; not the model's own code.
_TOOL_REPOS = frozenset({
    "huggingface/transformers", "huggingface/diffusers", "huggingface/peft",
    "huggingface/accelerate", "huggingface/optimum", "huggingface/datasets",
    "huggingface/huggingface_hub", "huggingface/text-generation-inference",
    "huggingface/tokenizers", "huggingface/safetensors", "huggingface/trl",
    "ggerganov/llama.cpp", "ggml-org/llama.cpp", "vllm-project/vllm", "pytorch/pytorch",
    "timdettmers/bitsandbytes", "bitsandbytes-foundation/bitsandbytes",
    "dao-ailab/flash-attention", "google/sentencepiece", "openai/tiktoken",
    "sgl-project/sglang", "ollama/ollama", "nvidia/tensorrt-llm", "microsoft/onnxruntime",
})


_ARXIV_VERSION = re.compile(r"v\d+$")
_ARXIV_ID_ONLY = re.compile(_ARXIV_ID)


def arxiv_ids(tags: list[str], text: str) -> list[str]:
    out: list[str] = []
    for tag in tags:
        if tag.lower().startswith("arxiv:"):
            out.append(tag[6:].strip())
    for pattern in _ARXIV_IN_TEXT:
        out.extend(m.group(1) for m in pattern.finditer(text))
    seen: set[str] = set()
    unique = []
    for item in out:
        item = _ARXIV_VERSION.sub("", item.strip().rstrip("."))
        if item and item.lower() not in seen and _ARXIV_ID_ONLY.fullmatch(item):
            seen.add(item.lower())
            unique.append(item)
    return unique


def code_repository_links(text: str) -> list[str]:
    out: list[str] = []
    seen: set[str] = set()
    for match in _CODE_URL.finditer(text):
        host, owner, repo = match.group(1).lower(), match.group(2), match.group(3)
        repo = re.sub(r"\.git$", "", repo).rstrip(".")
        if not repo or owner.lower() in _CODE_NON_OWNERS or repo.startswith("."):
            continue
        key = f"{owner}/{repo}".lower()
        if host == "github.com" and key in _TOOL_REPOS:
            continue
        url = f"https://{host}/{owner}/{repo}"
        if url.lower() not in seen:
            seen.add(url.lower())
            out.append(url)
    return out[:50]


def tag_values(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix):].strip() for t in tags if t.lower().startswith(prefix)
            and t[len(prefix):].strip()]


def base_models(meta: dict[str, Any], tags: list[str], body: dict[str, Any]
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """([{id, relation, source}], card ids as written). The Hub's ``base_model:`` tags are its
    resolved view (renames followed); the card's ``base_model`` is used when there are none."""
    from openexplorer.core.identity import canonical_hub_id

    tagged: list[dict[str, Any]] = []
    seen: set[str] = set()
    for value in tag_values(tags, "base_model:"):
        relation, _, rest = value.partition(":")
        if rest and relation in BASE_RELATIONS:
            model_id = rest.strip()
        else:
            relation, model_id = "", value
        if not REPO_ID.match(model_id):
            continue
        key = model_id.lower()
        existing = next((b for b in tagged if b["id"].lower() == key), None)
        if existing is not None:
            existing["relation"] = existing["relation"] or relation or None
            continue
        seen.add(key)
        tagged.append({"id": model_id, "relation": relation or None, "source": "tags"})

    as_written = [b for b in clean_strings(meta.get("base_model")) if REPO_ID.match(b)]
    card_relation = clean_str(meta.get("base_model_relation"))
    card_relation = card_relation if card_relation in BASE_RELATIONS else None

    expanded: list[dict[str, Any]] = []
    base_field = body.get("baseModels")
    if isinstance(base_field, Mapping):  # ?expand=baseModels: {"relation", "models": [{"id"}]}
        expanded_relation = clean_str(base_field.get("relation"))
        models = base_field.get("models")
        for item in models if isinstance(models, list) else []:
            listed = clean_str(item.get("id")) if isinstance(item, Mapping) else None
            if listed and REPO_ID.match(listed):
                expanded.append({"id": listed,
                                 "relation": expanded_relation
                                 if expanded_relation in BASE_RELATIONS else None,
                                 "source": "baseModels"})

    if tagged:
        return tagged, as_written
    if expanded:
        return expanded, as_written
    out: list[dict[str, Any]] = []
    for written in as_written:
        canonical = canonical_hub_id(written) or written
        if canonical.lower() not in {b["id"].lower() for b in out}:
            out.append({"id": canonical, "relation": card_relation,
                        "source": "cardData.base_model"})
    return out, as_written


_WEIGHT_SUFFIX = re.compile(r"\.(?:safetensors|bin|pt|pth|gguf|ckpt|onnx|h5|msgpack)$", re.I)
#: Files with a weight-like suffix that hold training state, not the model's parameters.
_NOT_WEIGHTS = re.compile(
    r"^(?:training_args|optimizer|scheduler|lr_scheduler|rng_state|scaler|trainer_state"
    r"|counter|dataloader|brain)(?:[-_.]|$)", re.I)
MODELLING_CODE = re.compile(r"(?:^|/)(?:modell?ing[^/]*|[^/]*_modell?ing|model|[^/]*_model)\.py$",
                             re.I)
METADATA_FILES = frozenset({"config.json", "model_index.json"})
LICENSE_FILE = re.compile(r"^(?:LICEN[CS]E|COPYING)", re.I)


def sibling_names(body: dict[str, Any]) -> list[str] | None:
    siblings = body.get("siblings")
    if not isinstance(siblings, list):
        return None
    names = []
    for item in siblings:
        name = clean_str(item.get("rfilename")) if isinstance(item, Mapping) else clean_str(item)
        if name:
            names.append(name)
    return names


def weight_files(names: Iterable[str]) -> list[str]:
    """Repo files that hold model weights: ``*.safetensors``, ``*.bin``, ``*.pt(h)``, ``*.gguf``,
    ``*.ckpt``, ``*.onnx``, ``*.h5``, ``*.msgpack`` — not trainer state such as
    ``training_args.bin`` or ``optimizer.pt``."""
    return [n for n in names if _WEIGHT_SUFFIX.search(n)
            and not _NOT_WEIGHTS.match(n.rsplit("/", 1)[-1])]
