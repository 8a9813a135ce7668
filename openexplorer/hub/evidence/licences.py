"""Licences and modality: our status of a licence, the id the MOF evaluator sees, and the
modality a pipeline tag names."""

from __future__ import annotations

from openexplorer.core.licenses import LicenseInfo
from openexplorer.frameworks import mof as mof_rules
from openexplorer.frameworks.osaid import is_open_content

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


def mof_license_id(info: LicenseInfo | None, headline: str | None) -> str | None:
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


def modality(pipeline_tag: str | None, tags: list[str], languages: list[str]) -> str | None:
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
