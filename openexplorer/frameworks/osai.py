"""European Open Source AI Index (osai-index.eu): its openness score, computed as its website does.

Scoring (website ``composables/models.ts``, see docs/frameworks.md §2.2):

* each dimension is ``open`` = 1, ``partial`` = 0.5, ``closed`` = 0, and missing/blank = 0;
* only dimensions whose ``types`` include one of the model's ``system.type`` values (the type
  string is split on commas) apply;
* a group's score is the mean of its applicable dimensions;
* the total is the unweighted mean of *all* applicable dimensions (so Access, one dimension, is
  1/12 of the total), not the mean of the group scores.

The dimensions, groups and their applicability come from ``resources/osai_parameters.json``, a
compact copy of the index's ``_parameters.yml`` (CC BY 4.0, European Open Source AI Index,
https://osai-index.eu).

The predecessor "Opening up ChatGPT" used 14 features and a plain sum (open 1, partial 0.5, max
14): :func:`legacy_score`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

from openexplorer.core.records import Assessment

FRAMEWORK = "osai"
LEGACY_FRAMEWORK = "osai-legacy"

#: The value of each class on the index's scale. Anything else (blank, NA, unknown) counts 0.
CLASS_VALUES: Mapping[str, float] = {"open": 1.0, "partial": 0.5, "closed": 0.0}


@dataclass(frozen=True)
class Dimension:
    ref: str
    name: str
    group: str
    types: tuple[str, ...]
    question: str = ""


@dataclass(frozen=True)
class Group:
    ref: str
    name: str
    params: tuple[str, ...]


@dataclass(frozen=True)
class LegacyFeature:
    ref: str
    name: str
    group: str
    successor: str | None  # the index dimension that took its place, if any


@dataclass(frozen=True)
class OsaiScore:
    """The index's view of one model.

    ``score`` is None when no dimension applies to the modality (nothing to average).
    ``dimensions`` maps every applicable dimension to its class, None when blank or unknown.
    """

    score: float | None
    groups: dict[str, float | None] = field(default_factory=dict)
    dimensions: dict[str, str | None] = field(default_factory=dict)
    applicable: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def _parameters() -> dict[str, Any]:
    text = files("openexplorer.resources").joinpath("osai_parameters.json").read_text("utf-8")
    parameters: dict[str, Any] = json.loads(text)
    return parameters


def _load_dimensions() -> tuple[Dimension, ...]:
    return tuple(
        Dimension(d["ref"], d["name"], d["group"], tuple(d["types"]), d.get("question", ""))
        for d in _parameters()["dimensions"]
    )


def _load_groups() -> tuple[Group, ...]:
    return tuple(Group(g["ref"], g["name"], tuple(g["params"])) for g in _parameters()["groups"])


def _load_legacy() -> tuple[LegacyFeature, ...]:
    return tuple(
        LegacyFeature(f["ref"], f["name"], f["group"], f.get("successor"))
        for f in _parameters()["legacy"]["features"]
    )


#: The 12 scored dimensions, in the index's order.
DIMENSIONS: tuple[Dimension, ...] = _load_dimensions()
#: The 3 groups (availability, documentation, access), in the index's order.
GROUPS: tuple[Group, ...] = _load_groups()
#: The 14 features of "Opening up ChatGPT", in its order.
LEGACY_FEATURES: tuple[LegacyFeature, ...] = _load_legacy()
#: Dimension refs the index used earlier and dropped (package, api); kept in records, not scored.
RETIRED: tuple[str, ...] = tuple(r["ref"] for r in _parameters().get("retired", []))
#: Old dimension names and the current ref they became ({"architecture": "hardware_architecture"}).
RENAMED: Mapping[str, str] = dict(_parameters().get("renamed", {}))
#: Highest possible legacy score.
LEGACY_MAX: float = float(_parameters()["legacy"]["max_score"])

_DIMENSION_BY_REF = {d.ref: d for d in DIMENSIONS}


def dimension(ref: str) -> Dimension | None:
    return _DIMENSION_BY_REF.get(ref)


def normalize_class(value: object) -> str | None:
    """``" Open "`` → ``"open"``; blank, NA and anything unknown → None."""
    if value is None:
        return None
    text = str(value).strip().lower()
    return text if text in CLASS_VALUES else None


def modality_types(modality: str | None) -> tuple[str, ...]:
    """``"text,code"`` → ``("text", "code")``; the index splits ``system.type`` on commas."""
    if not modality:
        return ()
    return tuple(t.strip().lower() for t in str(modality).split(",") if t.strip())


def applicable(modality: str | None) -> tuple[str, ...]:
    """Refs of the dimensions that apply to a model of this type (the website's filter)."""
    types = set(modality_types(modality))
    return tuple(d.ref for d in DIMENSIONS if types.intersection(d.types))


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def score(classes: Mapping[str, str | None], modality: str | None) -> OsaiScore:
    """Score one model from its per-dimension classes, as osai-index.eu does.

    ``classes`` maps dimension refs to "open" / "partial" / "closed" (anything else, or a
    missing ref, counts 0). ``modality`` is ``system.type`` as written ("text", "text,code").
    """
    refs = applicable(modality)
    dims = {ref: normalize_class(classes.get(ref)) for ref in refs}
    values = {ref: CLASS_VALUES.get(cls or "", 0.0) for ref, cls in dims.items()}
    groups = {
        g.ref: _mean([values[p] for p in g.params if p in values]) for g in GROUPS
    }
    return OsaiScore(
        score=_mean(list(values.values())),
        groups=groups,
        dimensions=dims,
        applicable=refs,
    )


def classes_from_assessments(
    assessments: Iterable[Assessment], framework: str = FRAMEWORK
) -> dict[str, str | None]:
    """The stored form (Assessment per dimension) back to ``{ref: class}``.

    Status ``unknown`` becomes None. For the index, renamed refs (``architecture``) count for
    their successor unless the successor is present itself.
    """
    out: dict[str, str | None] = {}
    renamed: dict[str, str | None] = {}
    for a in assessments:
        if a.framework != framework:
            continue
        cls = normalize_class(a.status)
        if framework == FRAMEWORK and a.component in RENAMED:
            renamed[RENAMED[a.component]] = cls
        else:
            out[a.component] = cls
    for ref, cls in renamed.items():
        out.setdefault(ref, cls)
    return out


def score_assessments(assessments: Iterable[Assessment], modality: str | None) -> OsaiScore:
    """:func:`score` from stored assessments (framework ``osai``, component = dimension ref)."""
    return score(classes_from_assessments(assessments), modality)


# --- legacy: "Opening up ChatGPT" -------------------------------------------------------------


def legacy_classes(classes: Mapping[str, str | None]) -> dict[str, str | None]:
    """The 14 legacy features, each "open" / "partial" / "closed" or None (blank)."""
    return {f.ref: normalize_class(classes.get(f.ref)) for f in LEGACY_FEATURES}


def legacy_score(classes: Mapping[str, str | None]) -> float:
    """Sum over the 14 features of open 1, partial 0.5 (max 14), as the legacy df.csv has it."""
    return sum(CLASS_VALUES.get(cls or "", 0.0) for cls in legacy_classes(classes).values())


def legacy_score_assessments(assessments: Iterable[Assessment]) -> float:
    """:func:`legacy_score` from stored assessments (framework ``osai-legacy``)."""
    return legacy_score(classes_from_assessments(assessments, LEGACY_FRAMEWORK))
