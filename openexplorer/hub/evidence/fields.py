"""What every part of Hub evidence shares: the source's names, the rule table, and small
type-safe readers of a Hub body (a ``ModelInfo`` or JSON, which may hold anything)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

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
MIGRATION_CREATED = re.compile(r"^2022-03-02T23:29:0\d")

_REPO_PART = r"[A-Za-z0-9][A-Za-z0-9._-]{0,95}"
REPO_ID = re.compile(rf"^(?:{_REPO_PART}/)?{_REPO_PART}$")


def clean_str(value: Any) -> str | None:
    """A non-blank string, stripped; anything else None."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None


def clean_strings(value: Any) -> list[str]:
    """A string or a list of strings → the non-blank strings, in order, without duplicates
    (case-insensitive; the first spelling wins)."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        text = clean_str(item)
        if text is not None and text.lower() not in seen:
            seen.add(text.lower())
            out.append(text)
    return out


def clean_int(value: Any) -> int | None:
    """An integer the cache can store (SQLite's 64 bits; a bigger one is no figure), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and -(2**63) <= value < 2**63:
        return value
    return None


def date_text(value: Any) -> str | None:
    """ISO text of a datetime, or a string as given (the Hub writes ISO 8601)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return clean_str(value)


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}")


def iso_day(value: str | None) -> str | None:
    if value and _ISO_DAY.match(value):
        return value[:10]
    return None


# --- input: ModelInfo or a JSON body → one plain dict -------------------------------------------


def as_body(info: Any) -> dict[str, Any]:
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
        text = date_text(getattr(info, attr, None))
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
    body = as_body(info)
    for key in ("id", "modelId"):
        text = clean_str(body.get(key))
        if text and REPO_ID.match(text):
            return text
    return None
