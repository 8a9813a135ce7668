"""Your own rubric: weight what matters to you, rank releases, and see what holds either way.

A rubric is a weight (0 or more) for each of 30 **criteria**: the 17 components of the Model
Openness Framework, the 12 dimensions of the European Open Source AI Index, and the openness of
the release's licence. A release's rubric score is the weighted mean of its criteria's values,
from 0 (nothing open) to 1 (everything open). See docs/rubric.md for the worked rules.

How a criterion gets its value (0, 0.5 or 1):

* **MOF component** — as the comparison matrix shows it: *included* (open licence of the right
  kind) 1; *open with a warning* (open licence, but not the kind the MOF asks for) 0.5;
  *invalid* (a licence the MOF does not count as open), *unlicensed* or *missing* from the MOT
  record 0. With no MOT record at all, every MOF component is **missing evidence**.
* **Index dimension** — the index's own values: open 1, partial 0.5, closed 0, and a blank in an
  assessed record 0 (as the index scores it). Not assessed by the index at all: missing evidence.
  A dimension that does not apply to the model's modality is missing evidence too.
* **Licence openness** — open (OSI-approved, or an open-data licence the MOF counts, without a
  non-commercial clause) 1; recognised but restricted (Llama, RAIL, Gemma…) 0.5; no licence or a
  proprietary one 0; unknown or unrecognised text: missing evidence.

Missing evidence (``missing="skip"``, the default) is left out: the score is the weighted mean
over the criteria that have evidence, and ``coverage`` says which share of your total weight that
was. A release the index never assessed is judged on the MOF and its licence alone, and its
coverage shows it. ``missing="zero"`` counts missing evidence as 0 instead (a release is then as
open as it has been shown to be, for every framework at once).

Rankings cover the releases that the MOF or the index has assessed (curated records; with
``curated_only=False`` also Hub-only releases and provisional breakdowns from Hub metadata).
Ranks are competition ranks (equal scores share a rank: 1, 2, 2, 4). Each release is also
ranked by MOF total progress and by index score, and its **rank change** compares like with like:
its rubric rank among the releases the MOF ranks, against its MOF rank (and the same for the
index). A positive change means the release does better under your rubric.

The sensitivity check draws many "reasonable" weightings around a base profile (each weight
independently between half and twice its base value, log-uniformly) and reports, for the top
releases, how often each stays in the top 10 and keeps its order with its neighbours.
"""

from __future__ import annotations

import json
import math
import random
import re
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from openexplorer.core import licenses
from openexplorer.db import queries
from openexplorer.db.cache import Cache
from openexplorer.frameworks import mof, osai
from openexplorer.views.model import MofView, OsaiView, ReleaseView

Missing = Literal["skip", "zero"]

#: Values of the statuses every framework is mapped onto.
STATUS_VALUES: Mapping[str, float] = {"open": 1.0, "partial": 0.5, "closed": 0.0}
#: MOF component states (see :mod:`openexplorer.frameworks.mof`) → value.
MOF_STATE_VALUES: Mapping[str, float] = {
    "included": 1.0, "open-with-warning": 0.5, "invalid": 0.0, "unlicensed": 0.0, "missing": 0.0,
}
#: Largest weight accepted (weights are relative; this keeps a typo from drowning the rest).
MAX_WEIGHT = 100.0
#: The top of the ranking the sensitivity check watches ("stays in the top 10").
TOP_N = 10


class RubricError(ValueError):
    """A bad weight, an unknown criterion or profile, or a profile that cannot be saved."""


@dataclass(frozen=True)
class Criterion:
    """One thing a rubric weighs."""

    key: str  # "mof.datasets", "osai.trainingcode", "license"
    name: str  # as the framework names it
    framework: Literal["mof", "osai", "license"]
    group: str  # "MOF Class III", "Index: Availability", "Licence"
    ref: str  # the MOF component name or the index dimension ref


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def _criteria() -> tuple[Criterion, ...]:
    out = [Criterion("license", "Licence openness", "license", "Licence", "license")]
    for component in mof.COMPONENTS:
        out.append(Criterion(f"mof.{_slug(component.name)}", component.name, "mof",
                             f"MOF Class {component.class_name}", component.name))
    groups = {g.ref: g.name for g in osai.GROUPS}
    for dimension in osai.DIMENSIONS:
        out.append(Criterion(f"osai.{dimension.ref}", dimension.name, "osai",
                             f"Index: {groups.get(dimension.group, dimension.group)}",
                             dimension.ref))
    return tuple(out)


#: The 30 criteria: licence openness, the 17 MOF components, the 12 index dimensions.
CRITERIA: tuple[Criterion, ...] = _criteria()
CRITERIA_BY_KEY: Mapping[str, Criterion] = {c.key: c for c in CRITERIA}
KEYS: tuple[str, ...] = tuple(c.key for c in CRITERIA)
_MOF_KEY = {c.ref: c.key for c in CRITERIA if c.framework == "mof"}
_OSAI_KEY = {c.ref: c.key for c in CRITERIA if c.framework == "osai"}

#: Shorthands that set several criteria at once in ``--weights`` (``mof=2``, ``osai.access=3``).
GROUP_KEYS: Mapping[str, tuple[str, ...]] = {
    "mof": tuple(c.key for c in CRITERIA if c.framework == "mof"),
    "osai": tuple(c.key for c in CRITERIA if c.framework == "osai"),
    **{f"mof.class_{name.lower()}": tuple(
        _MOF_KEY[c.name] for c in mof.COMPONENTS if c.class_name == name)
       for name in ("III", "II", "I")},
    **{f"osai.{g.ref}": tuple(_OSAI_KEY[p] for p in g.params if p in _OSAI_KEY)
       for g in osai.GROUPS if f"osai.{g.ref}" not in CRITERIA_BY_KEY},
}


# -- profiles -------------------------------------------------------------------------------------


def _profile(base: float = 1.0, **overrides: float) -> dict[str, float]:
    weights = dict.fromkeys(KEYS, base)
    for key, value in overrides.items():
        weights[key.replace("__", ".")] = value
    return weights


_DATA = ("mof.datasets", "mof.data_card", "mof.data_preprocessing_code", "mof.evaluation_data",
         "osai.datasources_basemodel", "osai.datasources_endmodel", "osai.datasheet")

#: Built-in profiles: name → (weights, one-line description).
BUILTIN_PROFILES: Mapping[str, tuple[Mapping[str, float], str]] = {
    "Equal": (_profile(), "Every criterion counts the same (the MOF's 17 components then weigh "
                          "17/30 of the score, the index's 12 dimensions 12/30)."),
    "Data first": (
        {**_profile(), **dict.fromkeys(_DATA, 3.0)},
        "Training data and its documentation count three times: datasets, data card, "
        "preprocessing code, evaluation data, the index's data sources and datasheet.",
    ),
    "Developer": (
        {**_profile(), "license": 4.0, "mof.model_parameters_final": 3.0,
         "osai.weights_basemodel": 3.0, "osai.weights_endmodel": 3.0,
         "mof.inference_code": 3.0, "mof.model_architecture": 2.0,
         "mof.supporting_libraries_and_tools": 2.0, "mof.model_card": 2.0,
         "osai.modelcard": 2.0, "osai.licenses": 2.0},
        "What a team shipping the model needs: the licence four times, the weights and "
        "inference code three times, architecture, libraries and model card twice.",
    ),
}
DEFAULT_PROFILE = "Equal"


def check_weights(weights: Mapping[str, float]) -> dict[str, float]:
    """The weights as a plain dict, checked: known criteria, finite, 0 to 100, not all zero.

    A criterion not named has weight 0.
    """
    out: dict[str, float] = {}
    for key, value in weights.items():
        if key not in CRITERIA_BY_KEY:
            raise RubricError(f"unknown criterion {key!r}; see `openexplorer rubric --list`")
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise RubricError(f"{key}: weight {value!r} is not a number") from exc
        if not math.isfinite(number) or number < 0 or number > MAX_WEIGHT:
            raise RubricError(f"{key}: weight {value!r} must be between 0 and {MAX_WEIGHT:g}")
        out[key] = number
    if not any(v > 0 for v in out.values()):
        raise RubricError("at least one criterion needs a weight above 0")
    return out


def expand_key(text: str) -> tuple[str, ...]:
    """The criteria a name in ``--weights`` stands for.

    A key (``mof.datasets``), a group shorthand (``mof``, ``osai``, ``mof.class_ii``,
    ``osai.availability``), or a criterion's name (``"Training Code"``, ``datasets``) when it
    names exactly one criterion.
    """
    wanted = text.strip().lower()
    if wanted in CRITERIA_BY_KEY:
        return (wanted,)
    if wanted in GROUP_KEYS:
        return GROUP_KEYS[wanted]
    slug = _slug(wanted)
    hits = [c.key for c in CRITERIA
            if slug in (_slug(c.name), _slug(c.ref)) or c.key.split(".")[-1] == slug]
    if len(hits) == 1:
        return (hits[0],)
    if hits:
        raise RubricError(f"{text!r} is ambiguous: {', '.join(hits)}")
    raise RubricError(f"unknown criterion {text!r}; see `openexplorer rubric --list`")


def parse_weights(text: str, base: Mapping[str, float] | None = None) -> dict[str, float]:
    """``"license=3,mof.datasets=2"`` applied on top of ``base`` (default: the Equal profile)."""
    weights = dict(base if base is not None else BUILTIN_PROFILES[DEFAULT_PROFILE][0])
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep:
            raise RubricError(f"{part!r}: write criterion=weight")
        try:
            number = float(value)
        except ValueError as exc:
            raise RubricError(f"{part!r}: {value.strip()!r} is not a number") from exc
        for key in expand_key(name):
            weights[key] = number
    return check_weights(weights)


def profile_names(cache: Cache | None = None) -> list[str]:
    """Built-in profiles first, then the user's saved ones by name."""
    names = list(BUILTIN_PROFILES)
    if cache is not None:
        names += queries.rubric_profile_names(cache)
    return names


def is_builtin(name: str) -> bool:
    return any(name.strip().lower() == b.lower() for b in BUILTIN_PROFILES)


def profile_name(cache: Cache | None, name: str) -> str:
    """The profile's name as stored ("developer" → "Developer"); ``name`` when unknown."""
    wanted = name.strip().lower()
    return next((n for n in profile_names(cache) if n.lower() == wanted), name.strip())


def load_profile(cache: Cache | None, name: str) -> dict[str, float]:
    """A profile's weights: a built-in one (any case) or one the user saved."""
    for builtin, (weights, _) in BUILTIN_PROFILES.items():
        if name.strip().lower() == builtin.lower():
            return dict(weights)
    if cache is not None:
        saved = queries.rubric_profile_weights(cache, name.strip())
        if saved is not None:
            stored = json.loads(saved)
            # A criterion added in a later version starts at 0 in an older saved profile.
            return check_weights({k: v for k, v in stored.items() if k in CRITERIA_BY_KEY})
    raise RubricError(f"no rubric profile {name!r}; profiles: "
                      + ", ".join(profile_names(cache)))


def save_profile(cache: Cache, name: str, weights: Mapping[str, float]) -> None:
    """Save (or replace) a profile of the user's. Built-in names are taken."""
    name = name.strip()
    if not name or len(name) > 60:
        raise RubricError("a profile name has 1 to 60 characters")
    if is_builtin(name):
        raise RubricError(f"{name!r} is a built-in profile; choose another name")
    checked = check_weights(weights)
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat()
    queries.save_rubric_profile(cache, name, json.dumps(checked, sort_keys=True), stamp)


def delete_profile(cache: Cache, name: str) -> bool:
    """Delete a saved profile; False when there was none of that name."""
    if is_builtin(name):
        raise RubricError(f"{name!r} is a built-in profile and cannot be deleted")
    return queries.delete_rubric_profile(cache, name.strip()) > 0


# -- values and scores ----------------------------------------------------------------------------


def license_value(text: str | None) -> float | None:
    """Licence openness of a licence as written: 1, 0.5, 0, or None when unknown."""
    from openexplorer.hub.evidence import license_status

    if text is None or not str(text).strip():
        return None
    status = license_status(licenses.identify(text))
    return STATUS_VALUES.get(status)


def criterion_values(view_or_summary: ReleaseView | Mapping[str, Any], *,
                     include_provisional: bool = True) -> dict[str, float | None]:
    """Each criterion's value (0, 0.5, 1) for a release, None where evidence is missing.

    Takes a release view (:func:`openexplorer.views.release.release_view` with ``detail=True``: exact,
    per component) or a ``release_summary`` row (coarse: each MOF component takes its class's
    progress, each index dimension its group's score — a summary keeps no per-component status).
    ``include_provisional=False`` treats a breakdown from Hub metadata as missing evidence.
    """
    if not isinstance(view_or_summary, ReleaseView):
        return _summary_values(view_or_summary, include_provisional)
    view = view_or_summary
    return _view_values(view.license.as_written or view.license.id, view.mof, view.osai,
                        include_provisional)


def _view_values(license_text: str | None, part: MofView, osai_part: OsaiView,
                 include_provisional: bool) -> dict[str, float | None]:
    """:func:`criterion_values` of a view's licence text, MOF and index parts."""
    values: dict[str, float | None] = dict.fromkeys(KEYS)
    values["license"] = license_value(license_text)
    if part.progress and (include_provisional or not part.provisional):
        components = part.components
        if components is None:
            raise RubricError("a release view without MOF components (detail=False); "
                              "use release_view(..., detail=True) or a summary row")
        for name, key in _MOF_KEY.items():
            outcome = components.get(name)
            values[key] = MOF_STATE_VALUES.get(outcome.state, 0.0) if outcome else 0.0
    if osai_part.source and (include_provisional or not osai_part.provisional):
        dimensions = osai_part.dimensions
        for ref, key in _OSAI_KEY.items():
            if ref in dimensions:  # applicable to the modality; blank counts 0, as the index
                values[key] = STATUS_VALUES.get(dimensions[ref] or "", 0.0)
    return values


def _summary_values(row: Mapping[str, Any], include_provisional: bool) -> dict[str, float | None]:
    values: dict[str, float | None] = dict.fromkeys(KEYS)
    values["license"] = license_value(row.get("license_id"))
    if row.get("mof_total") is not None and (include_provisional
                                             or not row.get("mof_provisional")):
        progress = {"III": row.get("mof_progress_iii"), "II": row.get("mof_progress_ii"),
                    "I": row.get("mof_progress_i")}
        for component in mof.COMPONENTS:
            value = progress[component.class_name]
            values[_MOF_KEY[component.name]] = None if value is None else value / 100.0
    if row.get("osai_score") is not None and (include_provisional
                                              or not row.get("osai_provisional")):
        for dimension in osai.DIMENSIONS:
            values[_OSAI_KEY[dimension.ref]] = row.get(f"osai_{dimension.group}")
    return values


@dataclass(frozen=True)
class RubricScore:
    score: float  # 0..1
    coverage: float  # share of the total weight that had evidence, 0..1


def evaluate(values: Mapping[str, float | None], weights: Mapping[str, float], *,
             missing: Missing = "skip") -> RubricScore:
    """Score precomputed criterion values (see :func:`criterion_values`)."""
    total = sum(w for w in weights.values() if w > 0)
    if total <= 0:
        raise RubricError("at least one criterion needs a weight above 0")
    seen = got = 0.0
    for key, weight in weights.items():
        if weight <= 0:
            continue
        value = values.get(key)
        if value is None:
            if missing == "zero":
                seen += weight
            continue
        seen += weight
        got += weight * value
    coverage = sum(w for k, w in weights.items() if w > 0 and values.get(k) is not None) / total
    return RubricScore(score=got / seen if seen else 0.0, coverage=coverage)


def score(view_or_summary: ReleaseView | Mapping[str, Any], weights: Mapping[str, float], *,
          missing: Missing = "skip") -> float:
    """A release's rubric score, 0 (nothing open) to 1 (everything weighed is open).

    ``view_or_summary``: a release view with detail, a ``release_summary`` row, or the mapping
    :func:`criterion_values` returns. ``weights``: criterion key → weight (absent keys weigh 0).
    With no evidence for any weighted criterion the score is 0.
    """
    checked = check_weights(weights)
    if not isinstance(view_or_summary, ReleaseView) and set(view_or_summary) <= set(KEYS):
        values = dict(view_or_summary)
    else:
        values = criterion_values(view_or_summary)
    return evaluate(values, checked, missing=missing).score


# -- the table of assessed releases ---------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A release the ranking covers, with its criterion values and the frameworks' figures."""

    release_id: str
    name: str
    organization: str | None
    family: str | None
    release_date: str | None
    values: tuple[float | None, ...]  # in KEYS order
    mof_total: float | None  # None when not ranked by the MOF (no record, or provisional)
    mof_class: str | None
    osai_score: float | None
    provisional: bool  # some evidence comes from Hub metadata


def candidates(cache: Cache, *, curated_only: bool = True) -> list[Candidate]:
    """The releases the MOF or the index has assessed, with their criterion values.

    ``curated_only``: curated releases and curated evidence only; otherwise Hub-only releases
    too, with Hub-derived breakdowns counted where no curated assessment exists.
    """
    from openexplorer.views.release import mof_view, osai_view

    out = []
    for row in queries.assessed_releases(cache, curated_only=curated_only):
        release_id = row[0]
        release = cache.release(release_id)
        if release is None:
            continue
        records = cache.records_for(release_id)
        mof_part = mof_view(records)
        osai_part = osai_view(records, release["modality"])
        values = _view_values(release["license"], mof_part, osai_part,
                              include_provisional=not curated_only)
        provisional = (not curated_only) and (
            (mof_part.provisional and bool(mof_part.progress or mof_part.source))
            or (osai_part.provisional and bool(osai_part.source)))
        out.append(Candidate(
            release_id=release_id, name=row[1], organization=row[2], family=row[3],
            release_date=row[4], values=tuple(values[k] for k in KEYS),
            mof_total=None if mof_part.provisional else mof_part.total,
            mof_class=None if mof_part.provisional else mof_part.class_,
            osai_score=None if osai_part.provisional else osai_part.score,
            provisional=provisional,
        ))
    return out


def _weight_vector(weights: Mapping[str, float]) -> list[float]:
    return [max(0.0, float(weights.get(k, 0.0))) for k in KEYS]


def _scores(table: list[Candidate], vector: list[float], missing: Missing) -> list[float]:
    out = []
    memo: dict[tuple[float | None, ...], float] = {}
    for candidate in table:
        found = memo.get(candidate.values)
        if found is None:
            seen = got = 0.0
            for weight, value in zip(vector, candidate.values, strict=True):
                if weight <= 0:
                    continue
                if value is None:
                    if missing == "zero":
                        seen += weight
                    continue
                seen += weight
                got += weight * value
            found = got / seen if seen else 0.0
            memo[candidate.values] = found
        out.append(found)
    return out


def _competition_ranks(values: list[float | None]) -> list[int | None]:
    """1 for the highest; equal values share a rank; None stays unranked."""
    present = sorted((v for v in values if v is not None), reverse=True)
    first: dict[float, int] = {}
    for index, value in enumerate(present, start=1):
        first.setdefault(round(value, 9), index)
    return [None if v is None else first[round(v, 9)] for v in values]


# -- ranking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedRelease:
    """One release's place under the rubric, the MOF and the index."""

    release_id: str
    name: str
    organization: str | None
    release_date: str | None
    score: float
    coverage: float
    rank: int
    mof_total: float | None
    mof_class: str | None
    mof_rank: int | None
    osai_score: float | None
    osai_rank: int | None
    #: Rubric rank among the releases the MOF (index) ranks: compare with ``mof_rank``.
    rank_among_mof: int | None
    rank_among_osai: int | None
    provisional: bool = False

    @property
    def change_vs_mof(self) -> int | None:
        """Places gained under the rubric against the MOF ranking (positive: higher)."""
        if self.mof_rank is None or self.rank_among_mof is None:
            return None
        return self.mof_rank - self.rank_among_mof

    @property
    def change_vs_osai(self) -> int | None:
        """Places gained under the rubric against the index ranking (positive: higher)."""
        if self.osai_rank is None or self.rank_among_osai is None:
            return None
        return self.osai_rank - self.rank_among_osai

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank, "id": self.release_id, "name": self.name,
            "organization": self.organization, "release_date": self.release_date,
            "score": round(self.score, 4), "coverage": round(self.coverage, 4),
            "mof_total": self.mof_total, "mof_class": self.mof_class, "mof_rank": self.mof_rank,
            "change_vs_mof": self.change_vs_mof,
            "osai_score": self.osai_score, "osai_rank": self.osai_rank,
            "change_vs_osai": self.change_vs_osai, "provisional": self.provisional,
        }


def rank_table(table: list[Candidate], weights: Mapping[str, float], *,
               missing: Missing = "skip", limit: int | None = None) -> list[RankedRelease]:
    """:func:`ranking` over a precomputed :func:`candidates` table (what the app reuses)."""
    checked = check_weights(weights)
    vector = _weight_vector(checked)
    total = sum(vector)
    scores = _scores(table, vector, missing)
    coverage = [sum(w for w, v in zip(vector, c.values, strict=True) if w > 0 and v is not None)
                / total for c in table]
    ranks = _competition_ranks(list(scores))
    mof_ranks = _competition_ranks([c.mof_total for c in table])
    osai_ranks = _competition_ranks([c.osai_score for c in table])
    among_mof = _competition_ranks(
        [s if c.mof_total is not None else None for s, c in zip(scores, table, strict=True)])
    among_osai = _competition_ranks(
        [s if c.osai_score is not None else None for s, c in zip(scores, table, strict=True)])
    rows = [
        RankedRelease(
            release_id=c.release_id, name=c.name, organization=c.organization,
            release_date=c.release_date, score=scores[i], coverage=coverage[i],
            rank=ranks[i] or 0, mof_total=c.mof_total, mof_class=c.mof_class,
            mof_rank=mof_ranks[i], osai_score=c.osai_score, osai_rank=osai_ranks[i],
            rank_among_mof=among_mof[i], rank_among_osai=among_osai[i],
            provisional=c.provisional,
        )
        for i, c in enumerate(table)
    ]
    rows.sort(key=lambda r: (r.rank, -r.coverage, (r.name or "").lower(), r.release_id))
    return rows[:limit] if limit is not None else rows


def ranking(cache: Cache, weights: Mapping[str, float], *, curated_only: bool = True,
            limit: int | None = None, missing: Missing = "skip") -> list[RankedRelease]:
    """Every assessed release ranked under the rubric, with its MOF and index ranks.

    Best first; ``limit`` keeps the first N. See the module docstring for the rules.
    """
    if limit is not None and limit < 1:
        raise RubricError("limit must be at least 1")
    return rank_table(candidates(cache, curated_only=curated_only), weights,
                      missing=missing, limit=limit)


# -- sensitivity ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SensitivityRow:
    """How one top release fares across the sampled weightings."""

    release_id: str
    name: str
    base_rank: int
    base_score: float
    top_share: float  # share of weightings in which it is in the top N
    above_next_share: float | None  # …in which it stays ahead of the next release (base order)
    order_share: float | None  # …in which it keeps its order with both neighbours
    best_rank: int
    worst_rank: int
    median_rank: float

    def as_dict(self) -> dict[str, Any]:
        return {k: (round(v, 4) if isinstance(v, float) else v)
                for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class Conclusion:
    """A statement about the ranking and the share of weightings under which it holds."""

    text: str
    share: float
    robust: bool  # holds under (nearly) every weighting tried


@dataclass
class Sensitivity:
    samples: int
    seed: int
    spread: float
    top: int
    base_weights: dict[str, float]
    rows: list[SensitivityRow] = field(default_factory=list)
    conclusions: list[Conclusion] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "samples": self.samples, "seed": self.seed, "spread": self.spread, "top": self.top,
            "base_weights": self.base_weights,
            "rows": [r.as_dict() for r in self.rows],
            "conclusions": [{"text": c.text, "share": round(c.share, 4), "robust": c.robust}
                            for c in self.conclusions],
        }


def sample_weights(base: Mapping[str, float], rng: random.Random,
                   spread: float = 2.0) -> dict[str, float]:
    """One reasonable weighting: each base weight times a factor between 1/spread and spread
    (log-uniform, so halving and doubling are equally likely). Zero weights stay zero."""
    log_spread = math.log(spread)
    return {k: (w * math.exp(rng.uniform(-log_spread, log_spread)) if w > 0 else 0.0)
            for k, w in base.items()}


def _pct(share: float) -> str:
    return f"{share * 100:.0f} %"


def sensitivity(cache: Cache | None = None, *, samples: int = 200, seed: int = 0,
                base: Mapping[str, float] | None = None, top: int = TOP_N,
                watch: int = 15, spread: float = 2.0, curated_only: bool = True,
                missing: Missing = "skip", robust_share: float = 0.95,
                table: list[Candidate] | None = None) -> Sensitivity:
    """Which conclusions about the ranking hold under any reasonable weighting.

    Draws ``samples`` weightings around ``base`` (default: the Equal profile; see
    :func:`sample_weights`) with a seeded generator (same seed, same answer), ranks every
    assessed release under each, and reports for the ``watch`` best releases under ``base``:
    the share of weightings that keep it in the top ``top``, that keep it ahead of the next
    release and in order with both neighbours, and its best, worst and median rank. A
    conclusion is *robust* when it holds in at least ``robust_share`` of the weightings.
    """
    if samples < 1:
        raise RubricError("samples must be at least 1")
    if spread < 1:
        raise RubricError("spread must be at least 1 (1 means no variation)")
    base_weights = check_weights(base if base is not None
                                 else BUILTIN_PROFILES[DEFAULT_PROFILE][0])
    if table is None:
        if cache is None:
            raise RubricError("sensitivity needs a cache or a table")
        table = candidates(cache, curated_only=curated_only)
    result = Sensitivity(samples=samples, seed=seed, spread=spread, top=top,
                         base_weights=base_weights)
    if not table:
        return result
    base_rows = rank_table(table, base_weights, missing=missing)
    index_of = {c.release_id: i for i, c in enumerate(table)}
    tracked = [index_of[r.release_id] for r in base_rows[:max(1, watch)]]
    rng = random.Random(seed)
    ranks: list[list[int]] = [[] for _ in tracked]
    ahead_next = [0] * len(tracked)
    in_order = [0] * len(tracked)
    pair_ahead: dict[tuple[int, int], tuple[int, int]] = {}  # (ahead, level) counts
    for _ in range(samples):
        scores = _scores(table, _weight_vector(sample_weights(base_weights, rng, spread)),
                         missing)
        ordered = sorted(scores, reverse=True)
        for slot, i in enumerate(tracked):
            mine = scores[i]
            # competition rank: 1 + how many score strictly higher
            lo, hi = 0, len(ordered)
            while lo < hi:
                mid = (lo + hi) // 2
                if ordered[mid] > mine + 1e-12:
                    lo = mid + 1
                else:
                    hi = mid
            ranks[slot].append(lo + 1)
            above_ok = slot == 0 or scores[tracked[slot - 1]] >= mine - 1e-12
            below_ok = slot == len(tracked) - 1 or mine >= scores[tracked[slot + 1]] - 1e-12
            ahead_next[slot] += below_ok
            in_order[slot] += above_ok and below_ok
        for slot in range(len(tracked) - 1):
            key = (tracked[slot], tracked[slot + 1])
            first, second = scores[tracked[slot]], scores[tracked[slot + 1]]
            ahead, level = pair_ahead.get(key, (0, 0))
            if abs(first - second) <= 1e-12:
                level += 1
            elif first > second:
                ahead += 1
            pair_ahead[key] = (ahead, level)
    last = len(tracked) - 1
    for slot, i in enumerate(tracked):
        its_ranks = ranks[slot]
        result.rows.append(SensitivityRow(
            release_id=table[i].release_id, name=table[i].name,
            base_rank=base_rows[slot].rank, base_score=base_rows[slot].score,
            top_share=sum(r <= top for r in its_ranks) / samples,
            above_next_share=None if slot == last else ahead_next[slot] / samples,
            order_share=None if last == 0 else in_order[slot] / samples,
            best_rank=min(its_ranks), worst_rank=max(its_ranks),
            median_rank=statistics.median(its_ranks),
        ))
    result.conclusions = _conclusions(result, table, tracked, pair_ahead, samples, robust_share)
    return result


def _rank_range(row: SensitivityRow) -> str:
    if row.best_rank == row.worst_rank:
        return f"always rank {row.best_rank}"
    return f"rank {row.best_rank}–{row.worst_rank}"


def _conclusions(result: Sensitivity, table: list[Candidate], tracked: list[int],
                 pair_ahead: Mapping[tuple[int, int], tuple[int, int]], samples: int,
                 robust_share: float) -> list[Conclusion]:
    out: list[Conclusion] = []
    top = result.top
    for row in result.rows:
        if row.base_rank > top and row.top_share == 0:
            continue
        if row.top_share >= robust_share:
            text = (f"{row.name} is in the top {top} under "
                    + ("every weighting tried" if row.top_share == 1 else
                       f"{_pct(row.top_share)} of the weightings tried")
                    + f" ({_rank_range(row)})")
        else:
            text = (f"{row.name} is in the top {top} under only {_pct(row.top_share)} of the "
                    f"weightings tried ({_rank_range(row)}): it depends on the weighting")
        out.append(Conclusion(text, row.top_share, row.top_share >= robust_share))
    # Neighbours tied under every weighting (the same evidence where it is weighed): one line
    # per group of them.
    tied: list[list[int]] = []
    for (a, b), (_, level) in pair_ahead.items():
        if level == samples:
            if tied and tied[-1][-1] == a:
                tied[-1].append(b)
            else:
                tied.append([a, b])
    for group in tied:
        names = [table[i].name for i in group]
        listed = ", ".join(names[:-1]) + f" and {names[-1]}"
        out.append(Conclusion(f"{listed} are tied under every weighting tried (the same "
                              "evidence where it is weighed)", 1.0, True))
    for (a, b), (ahead, level) in pair_ahead.items():
        if level == samples:
            continue
        first, second = table[a].name, table[b].name
        share = (ahead + level) / samples
        relation = "stays ahead of" if level == 0 else "stays ahead of or level with"
        if share >= robust_share:
            text = f"{first} {relation} {second} under " + (
                "every weighting tried" if share == 1 else f"{_pct(share)} of the weightings")
        else:
            text = (f"{first} {relation} {second} under only {_pct(share)} of the weightings: "
                    "their order depends on the weighting")
        out.append(Conclusion(text, share, share >= robust_share))
    out.sort(key=lambda c: (not c.robust, -c.share))
    return out


def describe(weights: Mapping[str, float]) -> list[tuple[Criterion, float]]:
    """The criteria with their weights, in :data:`CRITERIA` order (for listings)."""
    return [(c, float(weights.get(c.key, 0.0))) for c in CRITERIA]


def differing_from(weights: Mapping[str, float], base: Mapping[str, float]) -> dict[str, float]:
    """The weights that differ from ``base`` (for a short description of a profile)."""
    return {k: v for k, v in weights.items() if abs(v - float(base.get(k, 0.0))) > 1e-12}


def criteria_keys(names: Iterable[str]) -> list[str]:
    """Every criterion key the given names stand for (see :func:`expand_key`), no repeats."""
    out: list[str] = []
    for name in names:
        for key in expand_key(name):
            if key not in out:
                out.append(key)
    return out
