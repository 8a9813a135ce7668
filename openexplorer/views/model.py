"""The release view as types: frozen dataclasses for the tree :func:`release_view` returns.

Issue #15: the release view was a nested ``dict[str, Any]`` read by string keys in many
modules. This module gives it a shape that a type checker can follow. It is the target of a
mechanical switch, so:

* **Field names equal the dict keys**, so ``view["mof"]["progress"]`` becomes
  ``view.mof.progress``. One exception: a key that is a Python keyword gets a trailing
  underscore, ``"class"`` → ``class_`` (:attr:`MofView.class_`, :attr:`MofComponent.class_`).
* **Tuples, not lists**, for sequences; ``Mapping`` for keyed parts (read-only by type; the
  values are plain ``dict`` copies, so views stay picklable and cheap to build).
* **Every part that can be None, or that ``detail=False`` leaves out, is Optional with a
  default.** The parts only ``detail=True`` computes (``base_chain``, ``inherited_limits``,
  ``evidence``, ``family_releases``, ``family_size``, ``changes``) are None on a view built
  with ``detail=False`` (:attr:`ReleaseView.detail` says which), and so are
  :attr:`MofView.components`.
* :func:`from_dict` builds the tree from today's dict; :func:`to_json` gives that dict back
  exactly: the same keys in the same order (``show --format json``, ``compare --format json``
  and the exports serialise it), lists where it has lists.

Vocabularies that are closed are ``Literal`` types, taken from the modules that define them
(:mod:`openexplorer.frameworks.mof`, :mod:`~openexplorer.frameworks.osaid`,
:mod:`openexplorer.core.licenses`, :mod:`openexplorer.core.records`) or stated here where
only the view names them (the index's classes, the Hub's gating modes).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from openexplorer.core.licenses import CommercialUse, RestrictionKind
from openexplorer.core.records import Scope
from openexplorer.frameworks.mof import ClassName, LicenseSource, State
from openexplorer.frameworks.osaid import Basis, Verdict
from openexplorer.views.facts import ReleaseFacts
from openexplorer.views.facts import from_dict as facts_from_dict
from openexplorer.views.facts import to_dict as facts_to_dict
from openexplorer.views.source_checks import SourceCheck

__all__ = [
    "BaseLink",
    "Change",
    "Citation",
    "EpochAccess",
    "EpochView",
    "EvidenceRow",
    "FamilyRelease",
    "FmtiEdition",
    "FmtiView",
    "HubBaseModel",
    "HubEvidence",
    "HubView",
    "LegacyView",
    "LicenseView",
    "MofComponent",
    "MofView",
    "OsaiView",
    "OsaidView",
    "OsiPublished",
    "ReleaseView",
    "Restriction",
    "SourceRef",
    "UserCitation",
    "from_dict",
    "to_json",
]

JsonDict: TypeAlias = dict[str, Any]

#: A record's source (:data:`openexplorer.core.records.SOURCES`).
SourceName = Literal["user", "mot", "osai", "osai-legacy", "osi", "epoch", "fmti", "hub",
                     "hub-cards-2024"]
#: Organisation kinds (:data:`openexplorer.core.records.ORG_KINDS`).
OrgKind = Literal["big-tech", "company", "academic", "public", "unknown"]
#: Where a release came from: a curated source, or the Hub alone.
Origin = Literal["curated", "hub"]
#: A class of the European Open Source AI Index, as :func:`osai.normalize_class` returns it.
OsaiClass = Literal["open", "partial", "closed"]
#: A stored rating (index dimensions, legacy features, Epoch accessibility, Hub evidence):
#: ``unknown`` where the source is blank or says nothing we can read.
Rating = Literal["open", "partial", "closed", "unknown"]
#: OSI's published outcome for a system (:mod:`openexplorer.importers.osi`).
OsiOutcome = Literal["pass", "fail", "would_pass_if_license_changed"]
#: How a Hub repo derives from its base (``BASE_RELATIONS`` of :mod:`openexplorer.hub.evidence`).
Relation = Literal["finetune", "quantized", "adapter", "merge"]
#: Where the Hub record found a base model.
BaseModelSource = Literal["tags", "baseModels", "cardData.base_model"]
#: The Hub's gating: False (open), a mode, or None when the body did not say.
Gated = bool | Literal["auto", "manual"] | None


# --- citations ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Citation:
    """The record a figure was computed from: source, key, version, date, link."""

    source: SourceName
    key: str
    source_version: str | None = None
    assessed_date: str | None = None
    url: str | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Citation:
        return cls(d["source"], d["key"], d["source_version"], d["assessed_date"], d["url"])

    def to_json(self) -> JsonDict:
        return {"source": self.source, "key": self.key, "source_version": self.source_version,
                "assessed_date": self.assessed_date, "url": self.url}


@dataclass(frozen=True, slots=True)
class UserCitation:
    """The MOF figures rest on the user's corrections alone (no source record): ``{"source":
    "user"}``, no key, version or link."""

    source: Literal["user"] = "user"

    # A user's correction has no key, version, date or link; these read as None so that
    # ``view.mof.source.url`` needs no isinstance test (the dict's ``.get("url")`` gave None).
    @property
    def key(self) -> None:
        return None

    @property
    def source_version(self) -> None:
        return None

    @property
    def assessed_date(self) -> None:
        return None

    @property
    def url(self) -> None:
        return None

    def to_json(self) -> JsonDict:
        return {"source": self.source}


def _citation(d: Mapping[str, Any] | None) -> Citation | None:
    return None if d is None else Citation.from_dict(d)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One release-scope record the view draws on (``view["sources"]``)."""

    source: SourceName
    key: str

    def to_json(self) -> JsonDict:
        return {"source": self.source, "key": self.key}


# --- licence ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Restriction:
    """A restriction of the headline licence, citing its clause (``url`` is the clause's
    source, :attr:`openexplorer.core.licenses.Restriction.source_url`)."""

    kind: RestrictionKind
    summary: str
    clause: str
    url: str

    def to_json(self) -> JsonDict:
        return {"kind": self.kind, "summary": self.summary, "clause": self.clause,
                "url": self.url}


@dataclass(frozen=True, slots=True)
class LicenseView:
    """The release's headline licence as :func:`openexplorer.core.licenses.identify` reads it."""

    id: str | None
    spdx_id: str | None
    as_written: str | None
    name: str | None
    recognised: bool
    category: str | None
    osi_approved: bool | None
    commercial_use: CommercialUse
    restrictions: tuple[Restriction, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LicenseView:
        return cls(
            d["id"], d["spdx_id"], d["as_written"], d["name"], d["recognised"], d["category"],
            d["osi_approved"], d["commercial_use"],
            tuple(Restriction(r["kind"], r["summary"], r["clause"], r["url"])
                  for r in d["restrictions"]),
        )

    def to_json(self) -> JsonDict:
        return {
            "id": self.id, "spdx_id": self.spdx_id, "as_written": self.as_written,
            "name": self.name, "recognised": self.recognised, "category": self.category,
            "osi_approved": self.osi_approved, "commercial_use": self.commercial_use,
            "restrictions": [r.to_json() for r in self.restrictions],
        }


# --- MOF ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MofComponent:
    """How one MOF component fared (:class:`openexplorer.frameworks.mof.ComponentOutcome`).

    ``class_`` is the dict's ``"class"`` (a keyword): the class the component belongs to.
    """

    state: State
    license: str | None
    license_source: LicenseSource | None
    type_appropriate: bool
    warning: str | None
    class_: ClassName

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MofComponent:
        return cls(d["state"], d["license"], d["license_source"], d["type_appropriate"],
                   d["warning"], d["class"])

    def to_json(self) -> JsonDict:
        return {"state": self.state, "license": self.license,
                "license_source": self.license_source, "type_appropriate": self.type_appropriate,
                "warning": self.warning, "class": self.class_}


@dataclass(frozen=True, slots=True)
class MofView:
    """The MOT's verdict: class, per-class progress, the 17 components, the record it rests on.

    ``class_`` is the dict's ``"class"``. With nothing to evaluate every figure is None and
    ``source`` is None. ``components`` is None when ``detail=False`` left it out (an empty
    mapping when there was nothing to evaluate); keyed by exact MOF component name, in the
    order of :data:`openexplorer.frameworks.mof.COMPONENTS`. ``progress`` is keyed III, II, I.
    """

    class_: ClassName | None = None
    label: str | None = None
    progress: Mapping[ClassName, float] | None = None
    total: float | None = None
    components: Mapping[str, MofComponent] | None = None
    source: Citation | UserCitation | None = None
    provisional: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> MofView:
        components = d.get("components")
        source = d["source"]
        progress = d["progress"]
        return cls(
            class_=d["class"],
            label=d["label"],
            progress=None if progress is None else dict(progress),
            total=d["total"],
            components=None if components is None else {
                name: MofComponent.from_dict(c) for name, c in components.items()},
            source=(None if source is None else UserCitation() if set(source) == {"source"}
                    else Citation.from_dict(source)),
            provisional=d["provisional"],
        )

    def to_json(self) -> JsonDict:
        # Two key orders, as release.mof_view writes them: the empty view (nothing evaluated,
        # progress None) lists progress before label and source before components.
        source = None if self.source is None else self.source.to_json()
        components = None if self.components is None else {
            name: c.to_json() for name, c in self.components.items()}
        out: JsonDict
        if self.progress is None:
            out = {"class": self.class_, "progress": None, "total": self.total,
                   "label": self.label, "source": source}
            if components is not None:
                out["components"] = components
        else:
            out = {"class": self.class_, "label": self.label, "progress": dict(self.progress),
                   "total": self.total}
            if components is not None:
                out["components"] = components
            out["source"] = source
        out["provisional"] = self.provisional
        return out


# --- European Open Source AI Index ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OsaiView:
    """The index's openness score; ``groups`` and ``dimensions`` keyed by the index's refs.

    ``score`` is None when there is no record or no dimension applies to the modality.
    ``provisional`` marks a score from Hub evidence (``source`` then cites the Hub record).
    """

    score: float | None = None
    groups: Mapping[str, float | None] = field(default_factory=dict)
    dimensions: Mapping[str, OsaiClass | None] = field(default_factory=dict)
    source: Citation | None = None
    provisional: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OsaiView:
        return cls(d["score"], dict(d["groups"]), dict(d["dimensions"]),
                   _citation(d["source"]), d["provisional"])

    def to_json(self) -> JsonDict:
        return {"score": self.score, "groups": dict(self.groups),
                "dimensions": dict(self.dimensions),
                "source": None if self.source is None else self.source.to_json(),
                "provisional": self.provisional}


@dataclass(frozen=True, slots=True)
class LegacyView:
    """"Opening up ChatGPT", the index's predecessor: 14 features, summed (max 14)."""

    openness: float
    features: Mapping[str, Rating]
    source: Citation

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> LegacyView:
        return cls(d["openness"], dict(d["features"]), Citation.from_dict(d["source"]))

    def to_json(self) -> JsonDict:
        return {"openness": self.openness, "features": dict(self.features),
                "source": self.source.to_json()}


# --- OSI's Open Source AI Definition --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OsiPublished:
    """OSI's own published outcome for a system, flat with its citation, as the dict has it."""

    system: str
    outcome: OsiOutcome
    source: SourceName
    key: str
    source_version: str | None
    assessed_date: str | None
    url: str | None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OsiPublished:
        return cls(d["system"], d["outcome"], d["source"], d["key"], d["source_version"],
                   d["assessed_date"], d["url"])

    def to_json(self) -> JsonDict:
        return {"system": self.system, "outcome": self.outcome, "source": self.source,
                "key": self.key, "source_version": self.source_version,
                "assessed_date": self.assessed_date, "url": self.url}


@dataclass(frozen=True, slots=True)
class OsaidView:
    """The computed OSAID 1.0 verdict, its reasons and basis, and OSI's published outcomes."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    basis: Basis = "none"
    provisional: bool = False
    osi_published: tuple[OsiPublished, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> OsaidView:
        return cls(d["verdict"], tuple(d["reasons"]), d["basis"], d["provisional"],
                   tuple(OsiPublished.from_dict(p) for p in d["osi_published"]))

    def to_json(self) -> JsonDict:
        return {"verdict": self.verdict, "reasons": list(self.reasons), "basis": self.basis,
                "provisional": self.provisional,
                "osi_published": [p.to_json() for p in self.osi_published]}


# --- Epoch AI, FMTI -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EpochAccess:
    """Epoch's accessibility of one part (weights, training code, inference code)."""

    status: Rating
    label: str | None  # Epoch's own wording, "Open weights (non-commercial)"

    def to_json(self) -> JsonDict:
        return {"status": self.status, "label": self.label}


@dataclass(frozen=True, slots=True)
class EpochView:
    """What Epoch AI records: accessibility by column, training compute."""

    accessibility: Mapping[str, EpochAccess]
    training_compute_flop: float | None
    source: Citation

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EpochView:
        return cls({k: EpochAccess(a["status"], a["label"])
                    for k, a in d["accessibility"].items()},
                   d["training_compute_flop"], Citation.from_dict(d["source"]))

    def to_json(self) -> JsonDict:
        return {"accessibility": {k: a.to_json() for k, a in self.accessibility.items()},
                "training_compute_flop": self.training_compute_flop,
                "source": self.source.to_json()}


@dataclass(frozen=True, slots=True)
class FmtiEdition:
    """The developer's total in one edition of the index (oldest edition first)."""

    edition: str | None
    total: float | None

    def to_json(self) -> JsonDict:
        return {"edition": self.edition, "total": self.total}


@dataclass(frozen=True, slots=True)
class FmtiView:
    """The Foundation Model Transparency Index: the developer's latest total and its history."""

    developer: str
    edition: str | None
    total: float | None
    history: tuple[FmtiEdition, ...]
    source: Citation

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> FmtiView:
        return cls(d["developer"], d["edition"], d["total"],
                   tuple(FmtiEdition(e["edition"], e["total"]) for e in d["history"]),
                   Citation.from_dict(d["source"]))

    def to_json(self) -> JsonDict:
        return {"developer": self.developer, "edition": self.edition, "total": self.total,
                "history": [e.to_json() for e in self.history],
                "source": self.source.to_json()}


# --- Hugging Face Hub -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HubBaseModel:
    """A base model the Hub record names (``data["base_models"]``)."""

    id: str
    relation: Relation | None = None
    source: BaseModelSource | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HubBaseModel:
        return cls(d["id"], d.get("relation"), d.get("source"))

    def to_json(self) -> JsonDict:
        return {"id": self.id, "relation": self.relation, "source": self.source}


@dataclass(frozen=True, slots=True)
class HubEvidence:
    """One automated Hub finding: its rating, the metadata field it read, links."""

    status: Rating
    field: str | None
    urls: tuple[str, ...] = ()

    def to_json(self) -> JsonDict:
        return {"status": self.status, "field": self.field, "urls": list(self.urls)}


@dataclass(frozen=True, slots=True)
class HubView:
    """What the Hub's metadata says (automated): gating, weights, datasets, lineage, card.

    ``library`` is the record's ``library_name``; ``weight_files`` a count; ``evidence`` is
    keyed by Hub component (license, gating, weights, datasets, base_model, …).
    """

    gated: Gated
    private: bool | None
    downloads: int | None
    likes: int | None
    library: str | None
    pipeline_tag: str | None
    datasets: tuple[str, ...]
    base_models: tuple[HubBaseModel, ...]
    arxiv: tuple[str, ...]
    weight_files: int
    card_completeness: float | None
    license_name: str | None
    license_link: str | None
    eu_disallowed: bool | None
    extra_gated_fields: tuple[str, ...]
    fetched_at: str | None
    evidence: Mapping[str, HubEvidence]
    source: Citation

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> HubView:
        return cls(
            d["gated"], d["private"], d["downloads"], d["likes"], d["library"],
            d["pipeline_tag"], tuple(d["datasets"]),
            tuple(HubBaseModel.from_dict(b) for b in d["base_models"]), tuple(d["arxiv"]),
            d["weight_files"], d["card_completeness"], d["license_name"], d["license_link"],
            d["eu_disallowed"], tuple(d["extra_gated_fields"]), d["fetched_at"],
            {k: HubEvidence(e["status"], e["field"], tuple(e["urls"]))
             for k, e in d["evidence"].items()},
            Citation.from_dict(d["source"]),
        )

    def to_json(self) -> JsonDict:
        return {
            "gated": self.gated, "private": self.private, "downloads": self.downloads,
            "likes": self.likes, "library": self.library, "pipeline_tag": self.pipeline_tag,
            "datasets": list(self.datasets),
            "base_models": [b.to_json() for b in self.base_models],
            "arxiv": list(self.arxiv), "weight_files": self.weight_files,
            "card_completeness": self.card_completeness, "license_name": self.license_name,
            "license_link": self.license_link, "eu_disallowed": self.eu_disallowed,
            "extra_gated_fields": list(self.extra_gated_fields), "fetched_at": self.fetched_at,
            "evidence": {k: e.to_json() for k, e in self.evidence.items()},
            "source": self.source.to_json(),
        }


@dataclass(frozen=True, slots=True)
class BaseLink:
    """One base model up the release's chain (:func:`openexplorer.views.lineage.base_chain`).

    ``name`` and ``license`` (the base release's headline licence as written) are set for a
    base in the cache (``known``); the dict has those two keys only then. ``cycle``, ``seen``
    and ``truncated`` are keys only when true.
    """

    id: str
    release_id: str | None
    known: bool
    relation: Relation | None
    depth: int
    child: str
    name: str | None = None
    license: str | None = None
    cycle: bool = False
    seen: bool = False
    truncated: bool = False

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> BaseLink:
        return cls(d["id"], d["release_id"], d["known"], d["relation"], d["depth"], d["child"],
                   d.get("name"), d.get("license"), d.get("cycle", False),
                   d.get("seen", False), d.get("truncated", False))

    def to_json(self) -> JsonDict:
        out: JsonDict = {"id": self.id, "release_id": self.release_id, "known": self.known,
                         "relation": self.relation, "depth": self.depth, "child": self.child}
        if self.known:
            out["name"] = self.name
            out["license"] = self.license
        if self.cycle:
            out["cycle"] = True
        if self.seen:
            out["seen"] = True
        if self.truncated:
            out["truncated"] = True
        return out


# --- evidence, family, changes ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """One assessment of one record (``detail=True``).

    ``status`` follows its framework's vocabulary (:mod:`openexplorer.core.records`), so it is
    a plain string. A MOF row of the record the MOF view rests on also carries what the
    framework made of the component: ``outcome`` (its state), ``resolved_license`` and
    ``license_source``; the dict has those three keys only then (``outcome`` is never None
    there).
    """

    framework: str
    component: str
    status: str
    value: str | None
    notes: str | None  # the source's notes, or the Hub rule that decided ("automated: …")
    license: str | None
    urls: tuple[str, ...]
    source: SourceName
    key: str
    scope: Scope
    assessed_date: str | None
    source_version: str | None
    automated: bool
    outcome: State | None = None
    resolved_license: str | None = None
    license_source: LicenseSource | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> EvidenceRow:
        return cls(d["framework"], d["component"], d["status"], d["value"], d["notes"],
                   d["license"], tuple(d["urls"]), d["source"], d["key"], d["scope"], d["assessed_date"],
                   d["source_version"], d["automated"], d.get("outcome"),
                   d.get("resolved_license"), d.get("license_source"))

    def to_json(self) -> JsonDict:
        out: JsonDict = {
            "framework": self.framework, "component": self.component, "status": self.status,
            "value": self.value, "notes": self.notes, "license": self.license,
            "urls": list(self.urls),
            "source": self.source, "key": self.key, "scope": self.scope,
            "assessed_date": self.assessed_date, "source_version": self.source_version,
            "automated": self.automated,
        }
        if self.outcome is not None:
            out["outcome"] = self.outcome
            out["resolved_license"] = self.resolved_license
            out["license_source"] = self.license_source
        return out


@dataclass(frozen=True, slots=True)
class FamilyRelease:
    """A release of the same family (:meth:`openexplorer.db.cache.Cache.family_releases`)."""

    id: str
    name: str
    release_date: str | None

    def to_json(self) -> JsonDict:
        return {"id": self.id, "name": self.name, "release_date": self.release_date}


@dataclass(frozen=True, slots=True)
class Change:
    """A field a re-import or refresh changed (:meth:`openexplorer.db.cache.Cache.changes_for`)."""

    field: str
    old: str | None
    new: str | None
    source: str | None
    changed_at: str

    def to_json(self) -> JsonDict:
        return {"field": self.field, "old": self.old, "new": self.new, "source": self.source,
                "changed_at": self.changed_at}


# --- the release --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReleaseView:
    """Everything known about one release, every framework at once.

    The last six fields are computed by ``detail=True`` only and are None otherwise
    (:attr:`detail`); ``osai_legacy``, ``epoch``, ``fmti`` are None with ``detail=False`` and
    when the source has no record.
    """

    id: str
    name: str
    family: str | None
    family_id: str | None
    organization: str | None
    organization_id: str | None
    organization_kind: OrgKind | None
    country: str | None
    release_date: str | None
    hub_id: str | None
    modality: str | None  # as written, "text" or "text,code"
    parameters: float | None
    origin: Origin
    sources: tuple[SourceRef, ...]
    license: LicenseView
    mof: MofView
    osai: OsaiView
    osaid: OsaidView
    hub: HubView | None = None
    #: Licence, commercial use, release date and size with their provenance (views.facts).
    facts: ReleaseFacts | None = None
    #: Suspected source errors among the release's records, both sides (views.source_checks).
    source_checks: tuple[SourceCheck, ...] = ()
    osai_legacy: LegacyView | None = None
    epoch: EpochView | None = None
    fmti: FmtiView | None = None
    base_chain: tuple[BaseLink, ...] | None = None
    inherited_limits: tuple[str, ...] | None = None
    evidence: tuple[EvidenceRow, ...] | None = None
    family_releases: tuple[FamilyRelease, ...] | None = None
    family_size: int | None = None
    changes: tuple[Change, ...] | None = None

    @property
    def detail(self) -> bool:
        """Whether the view was built with ``detail=True`` (evidence, lineage, family)."""
        return self.evidence is not None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ReleaseView:
        """The typed tree of a :func:`openexplorer.views.release.release_view` dict."""
        hub = d["hub"]
        legacy, epoch, fmti = d.get("osai_legacy"), d.get("epoch"), d.get("fmti")
        detail = "evidence" in d
        return cls(
            id=d["id"], name=d["name"], family=d["family"], family_id=d["family_id"],
            organization=d["organization"], organization_id=d["organization_id"],
            organization_kind=d["organization_kind"], country=d["country"],
            release_date=d["release_date"], hub_id=d["hub_id"], modality=d["modality"],
            parameters=d["parameters"], origin=d["origin"],
            sources=tuple(SourceRef(s["source"], s["key"]) for s in d["sources"]),
            license=LicenseView.from_dict(d["license"]),
            mof=MofView.from_dict(d["mof"]),
            osai=OsaiView.from_dict(d["osai"]),
            osaid=OsaidView.from_dict(d["osaid"]),
            hub=None if hub is None else HubView.from_dict(hub),
            facts=facts_from_dict(d["facts"]) if d.get("facts") is not None else None,
            source_checks=tuple(SourceCheck.from_dict(c) for c in d.get("source_checks") or ()),
            osai_legacy=None if legacy is None else LegacyView.from_dict(legacy),
            epoch=None if epoch is None else EpochView.from_dict(epoch),
            fmti=None if fmti is None else FmtiView.from_dict(fmti),
            base_chain=tuple(BaseLink.from_dict(b) for b in d["base_chain"]) if detail else None,
            inherited_limits=tuple(d["inherited_limits"]) if detail else None,
            evidence=tuple(EvidenceRow.from_dict(r) for r in d["evidence"]) if detail else None,
            family_releases=(tuple(FamilyRelease(f["id"], f["name"], f["release_date"])
                                   for f in d["family_releases"]) if detail else None),
            family_size=d["family_size"] if detail else None,
            changes=(tuple(Change(c["field"], c["old"], c["new"], c["source"], c["changed_at"])
                           for c in d["changes"]) if detail else None),
        )

    def to_json(self) -> JsonDict:
        """Today's dict, key for key and in the same order (see :func:`to_json`)."""
        out: JsonDict = {
            "id": self.id, "name": self.name, "family": self.family,
            "family_id": self.family_id, "organization": self.organization,
            "organization_id": self.organization_id,
            "organization_kind": self.organization_kind, "country": self.country,
            "release_date": self.release_date, "hub_id": self.hub_id,
            "modality": self.modality, "parameters": self.parameters, "origin": self.origin,
            "sources": [s.to_json() for s in self.sources],
            "license": self.license.to_json(),
            **({"facts": facts_to_dict(self.facts)} if self.facts is not None else {}),
            "mof": self.mof.to_json(),
            "osai": self.osai.to_json(),
            "osaid": self.osaid.to_json(),
            "source_checks": [c.to_json() for c in self.source_checks],
        }
        hub = None if self.hub is None else self.hub.to_json()
        if not self.detail:
            out["hub"] = hub
            return out
        out["osai_legacy"] = None if self.osai_legacy is None else self.osai_legacy.to_json()
        out["epoch"] = None if self.epoch is None else self.epoch.to_json()
        out["fmti"] = None if self.fmti is None else self.fmti.to_json()
        out["hub"] = hub
        out["base_chain"] = [b.to_json() for b in self.base_chain or ()]
        out["inherited_limits"] = list(self.inherited_limits or ())
        out["evidence"] = [r.to_json() for r in self.evidence or ()]
        out["family_releases"] = [f.to_json() for f in self.family_releases or ()]
        out["family_size"] = self.family_size if self.family_size is not None else 0
        out["changes"] = [c.to_json() for c in self.changes or ()]
        return out


def from_dict(d: Mapping[str, Any]) -> ReleaseView:
    """The typed view of a :func:`openexplorer.views.release.release_view` dict (either
    ``detail``)."""
    return ReleaseView.from_dict(d)


def to_json(view: ReleaseView) -> JsonDict:
    """The :func:`openexplorer.views.release.release_view` dict of ``view``, exactly: the same
    keys in the same order, lists where it has lists, so JSON output does not change."""
    return view.to_json()
