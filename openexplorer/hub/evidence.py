"""Hub evidence: one Hugging Face Hub model's metadata → a :class:`SourceRecord` (source ``hub``).

Pure: no network, no Qt. The input is what the Hub already gave us — a
``huggingface_hub.ModelInfo`` or the raw JSON body of ``GET /api/models/{id}`` (a list-response
item works too) — and, optionally, the text of the model card (``README.md``).

What comes out (see ``docs/hub-rules.md`` for every rule, one section each):

* the record's headline facts: repo id, name, author, creation date, modality, parameters,
  licence as the card writes it, commit sha;
* ``data``: values only — ids, URLs, numbers, file and section names; never card prose;
* framework ``hub`` assessments, one per component (licence, gating, weights, datasets,
  base model, paper, code, model card), status open / partial / closed / unknown, ``value``
  naming the field the evidence came from;
* provisional framework assessments derived from that evidence by documented, conservative
  rules — framework ``mof`` (components ``present`` and ``license:distribution`` ``declared``)
  and framework ``osai`` (the 12 index dimensions). Their ``value`` is always
  ``"automated: <rule name>"`` so the UI can tell them from curated ratings.

Nothing here raises on a malformed body or card: fields of the wrong type are ignored, broken
front matter reads as no metadata. A body without a usable repo id gives a record whose ``key``
is ``""`` and whose ``data["problems"]`` says why; callers must not store it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from openexplorer.frameworks import mof as mof_rules
from openexplorer.frameworks import osai as osai_rules
from openexplorer.frameworks.osaid import is_open_content
from openexplorer.importers.common import load_yaml
from openexplorer.core.licenses import LicenseInfo, identify
from openexplorer.core.records import Assessment, SourceRecord

__all__ = [
    "CARD_SECTION_GROUPS",
    "HUB_COMPONENTS",
    "RULES",
    "card_completeness",
    "card_metadata",
    "card_sections",
    "license_status",
    "record_from_hub",
    "repo_id",
    "weight_files",
]

SOURCE = "hub"
FRAMEWORK = "hub"
HUB_URL = "https://huggingface.co"

#: Components of the ``hub`` evidence, in display order.
HUB_COMPONENTS = ("license", "gating", "weights", "datasets", "base_model", "paper", "code",
                  "model_card")

#: Every automated rule by name → (framework, component). ``docs/hub-rules.md`` has one section
#: per name; a test keeps the two in step.
RULES: Mapping[str, tuple[str, str]] = {
    # evidence
    "hub-license": (FRAMEWORK, "license"),
    "hub-gating": (FRAMEWORK, "gating"),
    "hub-weights": (FRAMEWORK, "weights"),
    "hub-datasets": (FRAMEWORK, "datasets"),
    "hub-base-model": (FRAMEWORK, "base_model"),
    "hub-paper": (FRAMEWORK, "paper"),
    "hub-code": (FRAMEWORK, "code"),
    "hub-model-card": (FRAMEWORK, "model_card"),
    # MOF
    "mof-weights": ("mof", "Model parameters (Final)"),
    "mof-model-card": ("mof", "Model card"),
    "mof-config": ("mof", "Model metadata"),
    "mof-modelling-code": ("mof", "Model architecture"),
    "mof-arxiv": ("mof", "Research paper"),
    "mof-open-datasets": ("mof", "Datasets"),
    "mof-model-index": ("mof", "Evaluation results"),
    "mof-card-license": ("mof", "license:distribution"),
    # European Open Source AI Index
    "osai-weights": ("osai", "weights_endmodel"),
    "osai-licenses": ("osai", "licenses"),
    "osai-modelcard": ("osai", "modelcard"),
    "osai-datasources": ("osai", "datasources_endmodel"),
    "osai-preprint": ("osai", "preprint"),
    "osai-not-inferred": ("osai", "*"),
}

#: Base-model relations the Hub writes in ``base_model:<relation>:<id>`` tags and in the card's
#: ``base_model_relation``.
BASE_RELATIONS = frozenset({"finetune", "quantized", "adapter", "merge"})

#: The Hub's placeholder creation time of repos migrated to git in March 2022 (bert, gpt2, t5…):
#: not a release date.
_MIGRATION_CREATED = re.compile(r"^2022-03-02T23:29:0\d")

_REPO_PART = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
_REPO_ID = re.compile(rf"^(?:{_REPO_PART}/)?{_REPO_PART}$")

# --- small, type-safe accessors -----------------------------------------------------------------


def _str(value: Any) -> str | None:
    """A non-blank string, stripped; anything else None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def _strings(value: Any) -> list[str]:
    """A string or a list of strings → the non-blank strings, in order, without duplicates
    (case-insensitive; the first spelling wins)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        text = _str(item)
        if text is not None and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


def _int(value: Any) -> int | None:
    """An integer the cache can store (SQLite's 64 bits; a bigger one is no figure), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    return None


def _date_text(value: Any) -> str | None:
    """ISO text of a datetime, or a string as given (the Hub writes ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return _str(value)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _iso_day(value: str | None) -> str | None:
    if value and _ISO_DAY.match(value):
        return value[:10]
    return None


# --- input: ModelInfo or a JSON body → one plain dict -------------------------------------------


def _as_dict(info: Any) -> dict[str, Any]:
    """The fields we read, as the JSON body spells them, from a body or a ``ModelInfo``."""
    if isinstance(info, Mapping):
        return {k: v for k, v in info.items() if isinstance(k, str)}
    if info is None or isinstance(info, str | bytes | int | float | list | tuple):
        return {}
    out: dict[str, Any] = {}
    for attr, key in (
        ("id", "id"), ("author", "author"), ("sha", "sha"), ("private", "private"),
        ("gated", "gated"), ("disabled", "disabled"), ("downloads", "downloads"),
        ("likes", "likes"), ("library_name", "library_name"), ("tags", "tags"),
        ("pipeline_tag", "pipeline_tag"), ("config", "config"), ("base_models", "baseModels"),
        ("gguf", "gguf"), ("model_index", "model-index"),
    ):
        value = getattr(info, attr, None)
        if value is not None:
            out[key] = value
    for attr, key in (("created_at", "createdAt"), ("last_modified", "lastModified")):
        text = _date_text(getattr(info, attr, None))
        if text:
            out[key] = text
    card = getattr(info, "card_data", None)
    if isinstance(card, Mapping):
        out["cardData"] = dict(card)
    elif card is not None and hasattr(card, "to_dict"):
        try:
            out["cardData"] = card.to_dict()
        except Exception:  # noqa: BLE001 - a library object we do not control
            out["cardData"] = {}
    siblings = getattr(info, "siblings", None)
    if isinstance(siblings, list):
        out["siblings"] = [
            s if isinstance(s, Mapping) else {"rfilename": getattr(s, "rfilename", None)}
            for s in siblings
        ]
    safetensors = getattr(info, "safetensors", None)
    if isinstance(safetensors, Mapping):
        out["safetensors"] = dict(safetensors)
    elif safetensors is not None:
        out["safetensors"] = {"total": getattr(safetensors, "total", None)}
    return out


def repo_id(info: Any) -> str | None:
    """The repo id a body or ``ModelInfo`` describes (``id``, else ``modelId``), if it is a
    well-formed Hub id; else None."""
    body = _as_dict(info)
    for key in ("id", "modelId"):
        text = _str(body.get(key))
        if text and _REPO_ID.match(text):
            return text
    return None


# --- the model card -----------------------------------------------------------------------------

_FRONT_MATTER = re.compile(
    r"\A\ufeff?[ \t\r\n]*---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)",
    re.S | re.M,
)
_EMPTY_FRONT_MATTER = re.compile(
    r"\A\ufeff?[ \t\r\n]*---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")


def card_metadata(card_text: Any) -> tuple[dict[str, Any], str]:
    """Split a model card into its YAML front matter (as a dict) and its Markdown body.

    No front matter, broken YAML, or front matter that is a list, a string or a number all give
    an empty dict (the body is then everything after the front matter block, or the whole text
    when there is no block). Keys that are not strings are dropped. Never raises.
    """
    if not isinstance(card_text, str):
        return {}, ""
    try:
        empty = _EMPTY_FRONT_MATTER.match(card_text)
        if empty:
            return {}, card_text[empty.end():]
        match = _FRONT_MATTER.match(card_text)
        if not match:
            return {}, card_text
        body = card_text[match.end():]
        try:
            parsed = load_yaml(match.group(1))
        except Exception:  # noqa: BLE001 - broken YAML (or a parser limit) is no metadata
            return {}, body
        if not isinstance(parsed, dict):
            return {}, body
        return {k: v for k, v in parsed.items() if isinstance(k, str)}, body
    except Exception:  # noqa: BLE001 - regex or recursion limits on hostile text
        return {}, card_text


_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_BOLD_LEAD = re.compile(r"^ {0,3}(?:\*\*|__)([^*_\n]{2,60}?)(?:\*\*|__)\s*:?(?=\s|$)")
_MAX_SECTIONS = 80
_MAX_HEADING = 120


def _clean_heading(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links → their text
    text = re.sub(r"<[^>]*>", " ", text)  # html tags
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\s+#+\s*$", "", text)  # closing hashes
    text = " ".join(text.split()).strip(" :.-–—|")
    return text[:_MAX_HEADING]


def card_sections(body: Any) -> list[str]:
    """The section headings of a card's Markdown body, in order, without duplicates.

    Reads ATX (``## Training Data``) and setext headings, HTML ``<h1>``–``<h6>``, and the bold
    lead labels many cards use instead (``**License** …`` at the start of a line). Fenced code
    blocks are skipped (their ``# pip install`` lines are not headings). Never raises.
    """
    if not isinstance(body, str):
        return []
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        name = _clean_heading(text)
        if name and name.lower() not in seen and len(out) < _MAX_SECTIONS:
            seen.add(name.lower())
            out.append(name)

    try:
        in_fence: str | None = None
        previous = ""
        for line in body.splitlines():
            fence = _FENCE.match(line)
            if fence:
                marker = fence.group(1)
                if in_fence is None:
                    in_fence = marker
                elif marker == in_fence:
                    in_fence = None
                previous = ""
                continue
            if in_fence is not None:
                continue
            atx = _ATX.match(line)
            if atx:
                add(atx.group(1) or "")
                previous = ""
                continue
            if _SETEXT.match(line) and previous.strip() and not re.match(
                    r"^\s*(?:[-*+>|]|\d+[.)])", previous):
                add(previous)
                previous = ""
                continue
            for match in _HTML_HEADING.finditer(line):
                add(match.group(2))
            bold = _BOLD_LEAD.match(line)
            if bold:
                add(bold.group(1))
            previous = line
            if len(out) >= _MAX_SECTIONS:
                break
        # HTML headings spanning lines.
        if "<h" in body.lower() and len(out) < _MAX_SECTIONS:
            for match in _HTML_HEADING.finditer(body):
                add(match.group(2))
    except Exception:  # noqa: BLE001 - regex limits on hostile text
        return out
    return out


#: What a model card should cover (Hugging Face's card guidebook, Mitchell et al. 2019), each
#: with the heading words that count for it. A heading may count for two (``Intended uses &
#: limitations``).
CARD_SECTION_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I)) for name, pattern in (
        ("model details", r"model (?:details|description|information|summary|overview|type)"
                          r"|^(?:description|overview|introduction|summary|about)\b|^model$"),
        ("intended uses", r"intended|\buses?\b|\busage\b|use[- ]cases?|how to use"),
        ("limitations", r"limitation|\bbias|\brisks?\b|ethic|safety|harm|fairness"
                        r"|out[- ]of[- ]scope|responsib"),
        ("training data", r"(?:training|pre-?training|fine-?tuning|train) (?:data|datasets?|corp)"
                          r"|training and evaluation data|^data(?:sets?)?$|model data"
                          r"|data ?sources?|^datasets? used"),
        ("training procedure", r"training (?:procedure|details|process|setup|hyper-?param"
                               r"|recipe|regime|config|method|factors|infrastructure)"
                               r"|^training$|hyper-?parameters|compute infrastructure"
                               r"|preprocessing|^pre-?training$|^fine-?tuning$"),
        ("evaluation", r"evaluat|benchmark|\bresults?\b|performance|metrics"),
        ("license", r"licen[cs]|terms of use"),
        ("citation", r"citation|\bcite\b|bibtex|^references?$"),
    )
)


def card_completeness(sections: Iterable[str]) -> tuple[float, list[str]]:
    """(share of :data:`CARD_SECTION_GROUPS` covered by the headings, the groups found)."""
    found = []
    names = [re.sub(r"^[\d.\s)]+", "", s).strip() for s in sections]
    for group, pattern in CARD_SECTION_GROUPS:
        if any(pattern.search(name) for name in names):
            found.append(group)
    return len(found) / len(CARD_SECTION_GROUPS), found


# --- values found in tags and card text ---------------------------------------------------------

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


def _arxiv_ids(tags: list[str], text: str) -> list[str]:
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


def _code_links(text: str) -> list[str]:
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


def _tag_values(tags: list[str], prefix: str) -> list[str]:
    return [t[len(prefix):].strip() for t in tags if t.lower().startswith(prefix)
            and t[len(prefix):].strip()]


def _base_models(meta: dict[str, Any], tags: list[str], body: dict[str, Any]
                 ) -> tuple[list[dict[str, Any]], list[str]]:
    """([{id, relation, source}], card ids as written). The Hub's ``base_model:`` tags are its
    resolved view (renames followed); the card's ``base_model`` is used when there are none."""
    from openexplorer.core.identity import canonical_hub_id

    tagged: list[dict[str, Any]] = []
    seen: set[str] = set()
    for value in _tag_values(tags, "base_model:"):
        relation, _, rest = value.partition(":")
        if rest and relation in BASE_RELATIONS:
            model_id = rest.strip()
        else:
            relation, model_id = "", value
        if not _REPO_ID.match(model_id):
            continue
        key = model_id.lower()
        existing = next((b for b in tagged if b["id"].lower() == key), None)
        if existing is not None:
            existing["relation"] = existing["relation"] or relation or None
            continue
        seen.add(key)
        tagged.append({"id": model_id, "relation": relation or None, "source": "tags"})

    as_written = [b for b in _strings(meta.get("base_model")) if _REPO_ID.match(b)]
    card_relation = _str(meta.get("base_model_relation"))
    card_relation = card_relation if card_relation in BASE_RELATIONS else None

    expanded: list[dict[str, Any]] = []
    base_field = body.get("baseModels")
    if isinstance(base_field, Mapping):  # ?expand=baseModels: {"relation", "models": [{"id"}]}
        relation = _str(base_field.get("relation"))
        models = base_field.get("models")
        for item in models if isinstance(models, list) else []:
            model_id = _str(item.get("id")) if isinstance(item, Mapping) else None
            if model_id and _REPO_ID.match(model_id):
                expanded.append({"id": model_id,
                                 "relation": relation if relation in BASE_RELATIONS else None,
                                 "source": "baseModels"})

    if tagged:
        return tagged, as_written
    if expanded:
        return expanded, as_written
    out = []
    for model_id in as_written:
        canonical = canonical_hub_id(model_id) or model_id
        if canonical.lower() not in {b["id"].lower() for b in out}:
            out.append({"id": canonical, "relation": card_relation,
                        "source": "cardData.base_model"})
    return out, as_written


_WEIGHT_SUFFIX = re.compile(r"\.(?:safetensors|bin|pt|pth|gguf|ckpt|onnx|h5|msgpack)$", re.I)
#: Files with a weight-like suffix that hold training state, not the model's parameters.
_NOT_WEIGHTS = re.compile(
    r"^(?:training_args|optimizer|scheduler|lr_scheduler|rng_state|scaler|trainer_state"
    r"|counter|dataloader|brain)(?:[-_.]|$)", re.I)
_MODELLING_CODE = re.compile(r"(?:^|/)(?:modell?ing[^/]*|[^/]*_modell?ing|model|[^/]*_model)\.py$",
                             re.I)
_METADATA_FILES = frozenset({"config.json", "model_index.json"})
_LICENSE_FILE = re.compile(r"^(?:LICEN[CS]E|COPYING)", re.I)


def _sibling_names(body: dict[str, Any]) -> list[str] | None:
    siblings = body.get("siblings")
    if not isinstance(siblings, list):
        return None
    names = []
    for item in siblings:
        name = _str(item.get("rfilename")) if isinstance(item, Mapping) else _str(item)
        if name:
            names.append(name)
    return names


def weight_files(names: Iterable[str]) -> list[str]:
    """Repo files that hold model weights: ``*.safetensors``, ``*.bin``, ``*.pt(h)``, ``*.gguf``,
    ``*.ckpt``, ``*.onnx``, ``*.h5``, ``*.msgpack`` — not trainer state such as
    ``training_args.bin`` or ``optimizer.pt``."""
    return [n for n in names if _WEIGHT_SUFFIX.search(n)
            and not _NOT_WEIGHTS.match(n.rsplit("/", 1)[-1])]


# --- licences -----------------------------------------------------------------------------------

#: ScanCode categories that grant no free use at all.
_CLOSED_CATEGORIES = frozenset({"Commercial", "Proprietary"})


def _leaf_open(info: LicenseInfo) -> bool:
    if not info.recognised:
        return False
    if any(r.kind == "non-commercial" for r in info.restrictions):
        return False
    lid = info.spdx_id or info.id
    return bool(info.osi_approved) or mof_rules.is_open_license(lid) or is_open_content(lid)


def _is_open(info: LicenseInfo) -> bool:
    if info.is_expression and info.components:
        parts = [_is_open(p) for p in info.components]
        return any(parts) if info.operator == "OR" else all(parts)
    return _leaf_open(info)


def license_status(info: LicenseInfo | None) -> str:
    """Our status of a licence: ``open`` (OSI-approved, or an open-data/open-content licence the
    MOT counts as open, with no non-commercial clause), ``partial`` (recognised, with
    restrictions or not open), ``closed`` (no licence given, or a commercial/proprietary one),
    ``unknown`` (text we cannot identify, or the Hub's ``other``/``unknown`` without a name we
    know)."""
    if info is None:
        return "unknown"
    if info.statement == "none":
        return "closed"
    if not info.recognised:
        return "unknown"
    if _is_open(info):
        return "open"
    if info.category in _CLOSED_CATEGORIES and not info.restrictions:
        return "closed"
    return "partial"


def _mof_license_id(info: LicenseInfo | None, headline: str | None) -> str | None:
    """The id the MOF evaluator should see: SPDX (or our LicenseRef) when recognised, else the
    text as written (which the MOT rules evaluate as invalid)."""
    if info is not None and info.recognised:
        return info.spdx_id or info.id or headline
    return headline


# --- modality -----------------------------------------------------------------------------------

_MULTIMODAL = frozenset({
    "image-text-to-text", "any-to-any", "visual-question-answering",
    "document-question-answering", "video-text-to-text", "audio-text-to-text",
    "visual-document-retrieval", "image-to-text",
})
_AUDIO = frozenset({
    "automatic-speech-recognition", "text-to-speech", "text-to-audio", "audio-classification",
    "audio-to-audio", "voice-activity-detection",
})
_TEXT = frozenset({
    "text-generation", "text2text-generation", "fill-mask", "text-classification",
    "token-classification", "question-answering", "table-question-answering", "summarization",
    "translation", "sentence-similarity", "feature-extraction", "zero-shot-classification",
    "conversational", "text-ranking", "multiple-choice",
})
_IMAGE = frozenset({
    "text-to-image", "object-detection", "depth-estimation", "unconditional-image-generation",
    "zero-shot-image-classification", "zero-shot-object-detection", "mask-generation",
    "keypoint-detection",
})


def _modality(pipeline_tag: str | None, tags: list[str], languages: list[str]) -> str | None:
    if not pipeline_tag:
        return None
    tag = pipeline_tag.lower()
    if tag in _MULTIMODAL:
        return "multimodal"
    if tag in _AUDIO or tag.startswith("audio-"):
        return "audio"
    if "video" in tag:
        return "video"
    if tag in _IMAGE or tag.startswith("image-"):
        return "image"
    if tag in _TEXT:
        # "code" as a tag is the Hub's code marker unless the card lists it as a language
        # (BLOOM writes `language: [..., code, ...]`, which also becomes a tag).
        if "code" in {t.lower() for t in tags} and "code" not in {x.lower() for x in languages}:
            return "code"
        return "text"
    return None


# --- the record ---------------------------------------------------------------------------------


def _gated(value: Any) -> bool | str | None:
    if value is False or value is None:
        return False if value is False else None
    if value is True:
        return "auto"  # old bodies: gated without a mode
    text = _str(value)
    if text is None:
        return None
    low = text.lower()
    if low in ("auto", "manual"):
        return low
    if low == "false":
        return False
    if low == "true":
        return "auto"
    return None


def _model_index_results(*candidates: Any) -> bool:
    """Whether a ``model-index`` (card or body) is a list with at least one non-empty
    ``results`` list."""
    for value in candidates:
        if not isinstance(value, list):
            continue
        for entry in value:
            if isinstance(entry, Mapping):
                results = entry.get("results")
                if isinstance(results, list) and any(isinstance(r, Mapping) for r in results):
                    return True
    return False


def _automated(rule: str) -> str:
    return f"automated: {rule}"


def record_from_hub(
    info: Any,
    card_text: str | None = None,
    *,
    fetched_at: str,
    dataset_licenses: Mapping[str, str | None] | None = None,
) -> SourceRecord:
    """The Hub's evidence about one model as a :class:`SourceRecord` of source ``hub``.

    ``info`` is a ``huggingface_hub.ModelInfo`` or the JSON body of ``GET /api/models/{id}``
    (or one item of ``GET /api/models``). ``card_text`` is the model card (``README.md``) at the
    same revision, when fetched: its front matter, when it parses to a non-empty mapping, is the
    card metadata; otherwise the body's ``cardData`` is. ``fetched_at`` is when the Hub was read
    (ISO 8601). ``dataset_licenses`` maps dataset ids to their licence id as the Hub writes it,
    for datasets whose cards were read. Never raises.
    """
    body = _as_dict(info)
    fetched = _date_text(fetched_at) or ""
    problems: list[str] = []
    rid = repo_id(body)
    if rid is None:
        problems.append("the body has no usable repo id (id/modelId)")
        return SourceRecord(source=SOURCE, key="", name="", assessed_date=_iso_day(fetched),
                            data={"problems": problems, "fetched_at": fetched or None})

    # -- card: front matter of the fetched README, else the body's cardData
    card_data = body.get("cardData") if isinstance(body.get("cardData"), Mapping) else None
    if body.get("cardData") is not None and card_data is None:
        problems.append("cardData is not a mapping")
    front, card_body = card_metadata(card_text) if isinstance(card_text, str) else ({}, "")
    meta: dict[str, Any] = front or {k: v for k, v in (card_data or {}).items()
                                     if isinstance(k, str)}
    raw_tags = body.get("tags")
    tags = [t.strip() for t in raw_tags if isinstance(t, str) and t.strip()] \
        if isinstance(raw_tags, list) else []
    tags_known = isinstance(raw_tags, list)
    card_read = isinstance(card_text, str)
    # Whether we have seen the card's metadata at all (absence of a key then means something).
    metadata_seen = card_read or card_data is not None or tags_known

    url = f"{HUB_URL}/{rid}"
    sha = _str(body.get("sha"))
    revision = sha or "main"
    names = _sibling_names(body)
    if body.get("siblings") is not None and names is None:
        problems.append("siblings is not a list")
    weights = weight_files(names) if names is not None else []
    private = body.get("private") is True
    gated = _gated(body.get("gated"))
    gated_keys = sorted(k for k in meta if k.startswith("extra_gated"))

    # -- licence
    license_field: str | None = None
    card_licenses = _strings(meta.get("license"))
    tag_licenses = _tag_values(tags, "license:")
    if card_licenses:
        license_field = "cardData.license"
        license_text: str | None = ", ".join(card_licenses)
    elif tag_licenses:
        license_field = "tags"
        license_text = ", ".join(dict.fromkeys(tag_licenses))
    else:
        license_text = None
    license_name = _str(meta.get("license_name"))
    license_link = _str(meta.get("license_link"))
    if license_text is not None:
        lic = identify(license_text, name=license_name, link=license_link)
        headline = license_name if license_text.lower() == "other" and license_name else \
            license_text
        lic_status = license_status(lic)
    elif metadata_seen:
        lic = identify("")
        headline = None
        lic_status = "closed"
        license_field = "cardData.license"
    else:
        lic, headline, lic_status = None, None, "unknown"
    license_files = [n for n in names or [] if _LICENSE_FILE.match(n)]
    license_urls = tuple(dict.fromkeys(
        [u for u in (license_link,) if u and u.startswith(("http://", "https://"))]
        + [f"{url}/blob/{revision}/{n}" for n in license_files[:3]]
    )) or (url,)

    # -- datasets, base models, papers, code
    card_datasets = _strings(meta.get("datasets"))
    tag_datasets = _tag_values(tags, "dataset:")
    datasets = _strings(card_datasets + tag_datasets)
    dataset_fields = "+".join(f for f, v in (("cardData.datasets", card_datasets),
                                             ("tags", tag_datasets)) if v) or "cardData.datasets"
    bases, bases_as_written = _base_models(meta, tags, body)
    text_for_links = card_body if card_read else ""
    arxiv = _arxiv_ids(tags, text_for_links)
    code_links = _code_links(text_for_links)

    # -- card
    sections = card_sections(card_body) if card_read else []
    completeness: float | None
    if card_read:
        completeness, groups_found = card_completeness(sections)
        card_present: bool | None = bool(card_text.strip())
    else:
        completeness, groups_found = None, []
        if names is not None:
            card_present = "README.md" in names
        elif card_data is not None:
            card_present = True
        else:
            card_present = None

    # -- facts
    pipeline_tag = _str(body.get("pipeline_tag")) or _str(meta.get("pipeline_tag"))
    library = _str(body.get("library_name")) or _str(meta.get("library_name"))
    languages = _strings(meta.get("language"))
    created = _date_text(body.get("createdAt"))
    safetensors = body.get("safetensors")
    gguf = body.get("gguf")
    parameters = None
    for holder in (safetensors, gguf):
        total = holder.get("total") if isinstance(holder, Mapping) else None
        if isinstance(total, int | float) and not isinstance(total, bool) and \
                math.isfinite(total) and total > 0:
            parameters = float(total)
            break
    author = _str(body.get("author"))
    organization = author or (rid.split("/", 1)[0] if "/" in rid else None)
    eu_disallowed = meta.get("extra_gated_eu_disallowed") is True
    model_index_results = _model_index_results(meta.get("model-index"), body.get("model-index"))
    if "model-index" in meta and not isinstance(meta.get("model-index"), list | type(None)):
        problems.append("cardData.model-index is not a list")
    config_files = [n for n in names or [] if n in _METADATA_FILES]
    modelling_code = [n for n in names or [] if _MODELLING_CODE.search(n)]

    data: dict[str, Any] = {
        "downloads": _int(body.get("downloads")),
        "likes": _int(body.get("likes")),
        "library_name": library,
        "pipeline_tag": pipeline_tag,
        "gated": gated,
        "private": body.get("private") if isinstance(body.get("private"), bool) else None,
        "tags": tags,
        "datasets": datasets,
        "base_models": bases,
        "arxiv": arxiv,
        "code_links": code_links,
        "card": {
            "present": card_present,
            "read": card_read,
            "length": len(card_text) if card_read else None,
            "sections": sections,
            "expected_found": groups_found,
            "completeness": completeness,
        },
        "weight_files": weights,
        "siblings_known": names is not None,
        "config_files": config_files,
        "modelling_code": modelling_code,
        "extra_gated_fields": gated_keys,
        "eu_disallowed": eu_disallowed,
        "license_name": license_name,
        "license_link": license_link,
        "license_id": lic.id if lic is not None and lic.recognised else None,
        "model_index_results": model_index_results,
        "created_at": created,
        "last_modified": _date_text(body.get("lastModified")),
        "fetched_at": fetched or None,
    }
    if bases_as_written and [b.lower() for b in bases_as_written] != \
            [b["id"].lower() for b in bases]:
        data["base_model_as_written"] = bases_as_written
    if problems:
        data["problems"] = problems

    # -- evidence (framework "hub")
    evidence: dict[str, Assessment] = {}

    def hub(component: str, status: str, field: str | None, urls: Iterable[str] = (),
            notes: str | None = None) -> None:
        rule = f"hub-{component.replace('_', '-')}"
        evidence[component] = Assessment(
            framework=FRAMEWORK, component=component, status=status, value=field,
            license=lic_mof if component == "license" else None,
            urls=tuple(dict.fromkeys(u for u in urls if u)),
            notes=_automated(rule) + (f"; {notes}" if notes else ""),
        )

    lic_mof = _mof_license_id(lic, headline)
    if lic is None:
        hub("license", "unknown", None, (url,), "no card metadata or tags in the body")
    elif lic.statement == "none":
        hub("license", "closed", license_field, (url,), "no licence declared")
    else:
        hub("license", lic_status, license_field, license_urls,
            f"{license_text}" + (f" ({license_name})" if license_name else ""))

    if private:
        hub("gating", "closed", "private", (url,), "private repository")
    elif gated is False:
        hub("gating", "open", "gated", (url,), "not gated")
    elif gated in ("auto", "manual"):
        hub("gating", "partial", "gated", (url,), f"gated, {gated} approval"
            + ("; EU users excluded" if eu_disallowed else ""))
    elif gated_keys:
        hub("gating", "partial", "cardData.extra_gated_*", (url,),
            "the card configures an access-request form; the gated setting itself was not read")
    else:
        hub("gating", "unknown", None, (url,), "gated not in the body")

    tree = f"{url}/tree/{revision}"
    gated_any = gated in ("auto", "manual") or (gated is None and bool(gated_keys))
    if private:
        weights_status = "closed"
    elif names is None:
        weights_status = "unknown"
    elif not weights:
        weights_status = "closed"
    elif gated is False:
        weights_status = "open"
    else:
        weights_status = "partial"  # gated, or gating not known
    hub("weights", weights_status, "siblings" if names is not None else None, (tree,),
        f"{len(weights)} weight files" + ("; gated" if gated_any and weights else "")
        + ("; gating not known" if weights and gated is None and not gated_keys else ""))

    dataset_urls = [f"{HUB_URL}/datasets/{d}" for d in datasets[:20]]
    dataset_license_of: dict[str, str | None] = {}
    if isinstance(dataset_licenses, Mapping):
        for key, value in dataset_licenses.items():
            if isinstance(key, str):
                dataset_license_of[key.lower()] = value if isinstance(value, str) else None
    dataset_states = []
    for name in datasets:
        text = dataset_license_of.get(name.lower())
        dataset_states.append(license_status(identify(text)) if text else "unknown")
    if datasets:
        datasets_status = "open" if all(s == "open" for s in dataset_states) else "partial"
        hub("datasets", datasets_status, dataset_fields, dataset_urls,
            f"{len(datasets)} named; {sum(s == 'open' for s in dataset_states)} openly licensed")
    elif metadata_seen:
        datasets_status = "closed"
        hub("datasets", "closed", "cardData.datasets", (url,), "no dataset named")
    else:
        datasets_status = "unknown"
        hub("datasets", "unknown", None, (url,), "no card metadata or tags in the body")

    if bases:
        hub("base_model", "unknown", ", ".join(b["id"] for b in bases),
            [f"{HUB_URL}/{b['id']}" for b in bases],
            "from " + ", ".join(sorted({b["source"] for b in bases})))

    if arxiv:
        hub("paper", "open", "tags+card" if card_read else "tags",
            [f"https://arxiv.org/abs/{a}" for a in arxiv[:20]], f"{len(arxiv)} arXiv ids")
    elif metadata_seen:
        hub("paper", "closed", "tags+card" if card_read else "tags", (url,), "no arXiv id")
    else:
        hub("paper", "unknown", None, (url,), "no tags in the body")

    if code_links:
        hub("code", "open", "card", code_links[:20], f"{len(code_links)} repository links")
    else:
        hub("code", "unknown", "card" if card_read else None, (url,),
            "no code repository linked" if card_read else "card not read")

    card_url = f"{url}/blob/{revision}/README.md"
    if card_present is False:
        card_status = "closed"
        hub("model_card", "closed", "card" if card_read else "siblings", (url,), "no card")
    elif completeness is None:
        card_status = "unknown"
        if card_present:
            hub("model_card", "unknown", "siblings" if names is not None else "cardData",
                (card_url,), "card present, not read")
        else:
            hub("model_card", "unknown", None, (url,), "card not read")
    else:
        card_status = "open" if completeness >= 0.6 else "partial" if completeness > 0 else \
            "closed"
        hub("model_card", card_status, "card", (card_url,),
            f"completeness {completeness:.2f}: {', '.join(groups_found) or 'no expected section'}")

    assessments: list[Assessment] = [evidence[c] for c in HUB_COMPONENTS if c in evidence]

    # -- provisional MOF components
    def mof_present(rule: str, urls: Iterable[str], *, license_id: str | None = None,
                    given: bool = False, notes: str | None = None) -> None:
        assessments.append(Assessment(
            framework="mof", component=RULES[rule][1], status="present",
            value=_automated(rule), license=license_id, license_given=given,
            urls=tuple(dict.fromkeys(u for u in urls if u)), notes=notes,
        ))

    if weights and not private:
        mof_present("mof-weights", (tree,), license_id=lic_mof, given=True,
                    notes=f"siblings: {len(weights)} weight files; licence from {license_field}")
    if card_read and completeness and completeness > 0:
        mof_present("mof-model-card", (card_url,),
                    notes=f"card completeness {completeness:.2f}")
    if config_files and not private:
        mof_present("mof-config", [f"{url}/blob/{revision}/{n}" for n in config_files],
                    notes="siblings: " + ", ".join(config_files))
    if modelling_code and not private:
        mof_present("mof-modelling-code",
                    [f"{url}/blob/{revision}/{n}" for n in modelling_code[:5]],
                    notes="siblings: " + ", ".join(modelling_code[:5]))
    if arxiv:
        mof_present("mof-arxiv", [f"https://arxiv.org/abs/{a}" for a in arxiv[:20]],
                    license_id=None, given=True,
                    notes="the Hub does not tell the paper's licence")
    if datasets and datasets_status == "open":
        first = identify(dataset_license_of.get(datasets[0].lower()))
        mof_present("mof-open-datasets", dataset_urls,
                    license_id=_mof_license_id(first, first.as_written), given=True,
                    notes="licences: " + ", ".join(
                        str(dataset_license_of.get(d.lower())) for d in datasets[:20]))
    if model_index_results:
        mof_present("mof-model-index", (card_url,), notes="card model-index has results")
    if license_text is not None and lic_mof:
        assessments.append(Assessment(
            framework="mof", component=RULES["mof-card-license"][1], status="declared",
            value=_automated("mof-card-license"), license=lic_mof, license_given=True,
            urls=license_urls, notes=f"from {license_field}",
        ))

    # -- provisional index dimensions
    inferred: dict[str, tuple[str, str, tuple[str, ...], str | None]] = {}
    inferred["weights_endmodel"] = ("osai-weights", weights_status, (tree,), None)
    if lic is None:
        lic_dim = "unknown"
    elif lic_status in ("open", "partial"):
        lic_dim = lic_status
    else:
        lic_dim = "closed"
    inferred["licenses"] = ("osai-licenses", lic_dim, license_urls, lic_mof)
    inferred["modelcard"] = ("osai-modelcard", card_status, (card_url,), None)
    inferred["datasources_endmodel"] = ("osai-datasources", datasets_status,
                                        tuple(dataset_urls) or (url,), None)
    inferred["preprint"] = ("osai-preprint", "partial" if arxiv else "unknown",
                            tuple(f"https://arxiv.org/abs/{a}" for a in arxiv[:20]), None)
    for dim in osai_rules.DIMENSIONS:
        if dim.ref in inferred:
            rule, status, urls, license_id = inferred[dim.ref]
        else:
            rule, status, urls, license_id = "osai-not-inferred", "unknown", (), None
        assessments.append(Assessment(
            framework="osai", component=dim.ref, status=status, value=_automated(rule),
            license=license_id, urls=urls,
        ))

    return SourceRecord(
        source=SOURCE,
        key=rid,
        name=rid.rsplit("/", 1)[-1],
        organization=organization,
        release_date=None if created is None or _MIGRATION_CREATED.match(created)
        else _iso_day(created),
        hub_id=rid,
        modality=_modality(pipeline_tag, tags, languages),
        parameters=parameters,
        license=headline,
        url=url,
        source_version=sha,
        assessed_date=_iso_day(fetched),
        assessments=assessments,
        data=data,
    )
