"""Open-washing check: openness *claims* next to the *evidence*, and the gap between them.

* :func:`claims` finds claims such as "open source", "fully open", "open weights", "open model"
  or "open science" in free text (a model card body, a source's description), case-insensitive,
  on word boundaries, skipping negations ("not open source", "non-open") and phrases about
  something else ("the open-source community", "Open LLM Leaderboard").
* :func:`check` puts every claim about a release next to the evidence the curated sources hold
  about its training data, training code, weights, access to the weights (Hub gating) and licence,
  flags each mismatch in one line and weighs them into a gap from 0 (the evidence bears the
  claims out) to 1 (an "open source" claim in the release's own words with nothing open).
* :func:`ranking` ranks the releases of a cache by that gap.

What can be detected offline (see docs/crossframework.md): the Hub record keeps no card prose, so
claims in a model card are found only when its text is passed to :func:`check` (the command's
``--card FILE``). Without it the claims come from what the curated sources record: release names
("OpenLLaMA", "gpt-oss"), licence names ("CreativeML Open RAIL-M", "NVIDIA Open Model License")
and the index's listing — the European Open Source AI Index includes models "described by the
responsible organisation or builder as 'open-source' or 'open'".

The phrases, the weights and the strengths are data: ``resources/openwashing_claims.yml``.
Pure Python: no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from typing import Any

import yaml

from openexplorer.analyses.crossframework import effective_license, use_restrictions
from openexplorer.core.licenses import identify
from openexplorer.db import queries
from openexplorer.db.cache import Cache
from openexplorer.frameworks.osaid import is_open_content
from openexplorer.views.model import MofComponent, ReleaseView

__all__ = [
    "ASPECTS",
    "Claim",
    "Evidence",
    "OpenWashingResult",
    "check",
    "claims",
    "index_claims",
    "license_claims",
    "markdown",
    "name_claims",
    "ranking",
]

_ORDER = {"open": 0, "partial": 1, "closed": 2, "unknown": 3}
_SHORTFALL = {"open": 0.0, "partial": 0.5, "closed": 1.0, "unknown": 0.0}
_COUNTED = frozenset({"included", "open-with-warning"})


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The claim table (``resources/openwashing_claims.yml``), loaded once."""
    text = files("openexplorer.resources").joinpath("openwashing_claims.yml").read_text("utf-8")
    table: dict[str, Any] = yaml.safe_load(text)
    return table


ASPECTS: tuple[str, ...] = tuple(rules()["aspects"])


# --- claims -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claim:
    """One openness claim: the phrase as written, what kind of claim it is, where it was found.

    ``source`` is ``card`` (a model card), ``text`` (any other text), ``name`` (a release name),
    ``licence`` (a licence's name) or ``index`` (the index's listing); ``where`` names the
    name, licence or record it came from; ``context`` is the text around it.
    """

    phrase: str
    kind: str
    source: str = "text"
    context: str = ""
    comparative: bool = False
    where: str = ""
    position: int = -1

    @property
    def strength(self) -> float:
        table = rules()
        base = float(table["sources"].get(self.source, {}).get("strength", 1.0))
        return base * (float(table["comparative"]) if self.comparative else 1.0)

    @property
    def implies(self) -> tuple[str, ...]:
        return tuple(rules()["kinds"][self.kind]["implies"])

    @property
    def source_label(self) -> str:
        label = str(rules()["sources"].get(self.source, {}).get("label", self.source))
        if self.where and self.source in ("name", "licence", "index"):
            label = f"{label} {self.where}"
        return label + (", in passing" if self.comparative else "")

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "kind": self.kind, "source": self.source,
                "where": self.where, "context": self.context, "comparative": self.comparative,
                "strength": round(self.strength, 3), "implies": list(self.implies)}


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[int, str, re.Pattern[str]]]:
    out = []
    for kind, spec in rules()["kinds"].items():
        for phrase in spec.get("phrases") or []:
            out.append((int(spec.get("priority", 9)), kind,
                        re.compile(rf"(?<![\w]){phrase}(?![\w])", re.IGNORECASE)))
    return out


_URL = re.compile(r"(?:https?://|www\.)\S+|\]\([^)]*\)|<[^>]+>", re.IGNORECASE)
_WORD = re.compile(r"[\w'’]+")


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def _context_checks(text: str, start: int, end: int) -> tuple[bool, bool]:
    """(is a claim, is comparative) for the phrase at text[start:end]."""
    ctx = rules()["context"]
    before = text[max(0, start - 120):start]
    # "non-open source", "non open-source": negated outright.
    if re.search(r"\bnon[- ]?$", before, re.IGNORECASE):
        return False, False
    words_before = _words(before)
    last3 = words_before[-3:]
    tail = " ".join(words_before[-4:])
    if any(n in last3 for n in ctx["negations"]) and \
            not any(tail.endswith(x) or f"{x} " in tail for x in ctx["not_negations"]):
        return False, False
    after = _words(text[end:end + 40])
    if after and after[0] in ctx["about_something_else_after"]:
        return False, False
    subjects = "|".join(re.escape(w) for w in ctx["about_something_else_before"])
    if re.search(rf"\b(?:{subjects})\s+(?:is|are|was|were|(?:has|have|will) been|will be|"
                 rf"being)\s+(?:\w+\s+)?$", before, re.IGNORECASE):
        return False, False
    comparative = any(w in ctx["comparative"] for w in words_before[-5:])
    return True, comparative


def _snippet(text: str, start: int, end: int, width: int = 70) -> str:
    left = text[max(0, start - width):start]
    right = text[end:end + width]
    snippet = " ".join((left + text[start:end] + right).split())
    return ("…" if start > width else "") + snippet + ("…" if end + width < len(text) else "")


def claims(text: str | None, *, source: str = "text", where: str = "") -> list[Claim]:
    """The openness claims in ``text``, in order of appearance.

    A model card may be passed whole: its YAML front matter is skipped (``source="card"``
    is then the usual source). URLs and link targets are ignored.
    """
    if not text or not isinstance(text, str):
        return []
    if source == "card" or text.lstrip().startswith("---"):
        from openexplorer.hub.evidence import card_metadata

        _meta, body = card_metadata(text)
        text = body if body or _meta else text
    # Blank out URLs (keeping offsets) so "github.com/open-source/x" is no claim.
    text = _URL.sub(lambda m: " " * len(m.group(0)), text)
    found: list[tuple[int, int, int, str]] = []
    for priority, kind, pattern in _patterns():
        for m in pattern.finditer(text):
            found.append((priority, m.start(), m.end(), kind))
    found.sort(key=lambda f: (f[0], -(f[2] - f[1]), f[1]))
    taken: list[tuple[int, int]] = []
    out: list[Claim] = []
    for _priority, start, end, kind in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        is_claim, comparative = _context_checks(text, start, end)
        if not is_claim:
            continue
        out.append(Claim(" ".join(text[start:end].split()), kind, source,
                         _snippet(text, start, end), comparative, where, start))
    return sorted(out, key=lambda c: c.position)


# A token that starts with "open" ("OpenLLaMA", "open_llama", "Solar-Open", "TildeOpen") or is
# "oss" ("gpt-oss": open-source software) — but not the company OpenAI or the verb forms.
_NAME_OPEN = re.compile(r"(?:(?<![A-Za-z])[Oo]pen|(?<=[a-z])Open|OPEN)(?!ai(?![a-z])|AI(?![a-z])|"
                        r"ing|ed(?![a-z])|er(?![a-z])|s(?![a-z]))")
_NAME_OSS = re.compile(r"(?<![A-Za-z])(?:oss|OSS|Oss)(?![A-Za-z])")
_NAME_WEIGHTS = re.compile(r"open[- _]?weights?", re.IGNORECASE)
_NAME_MODEL = re.compile(r"open[- _]?model", re.IGNORECASE)


def _name_kind(text: str) -> tuple[str, str] | None:
    """(kind, phrase) of the openness a name claims, or None."""
    for pattern, kind in ((_NAME_WEIGHTS, "open-weights"), (_NAME_MODEL, "open-model")):
        m = pattern.search(text)
        if m:
            return kind, m.group(0)
    free = claims(text)
    if free:
        return free[0].kind, free[0].phrase
    m = _NAME_OSS.search(text)
    if m:
        return "open-source", m.group(0)
    m = _NAME_OPEN.search(text)
    if m:
        token = re.match(r"[A-Za-z]+", text[m.start():])
        return "open", token.group(0) if token else m.group(0)
    return None


def name_claims(name: str | None) -> list[Claim]:
    """The claim a release name makes ("OpenLLaMA-3Bv2" → open; "gpt-oss-120b" → open source)."""
    if not name:
        return []
    found = _name_kind(name)
    if not found:
        return []
    kind, phrase = found
    return [Claim(phrase, kind, "name", name, False, name)]


def license_claims(license_name: str | None) -> list[Claim]:
    """The claim a licence name makes ("CreativeML Open RAIL-M", "NVIDIA Open Model License")."""
    if not license_name:
        return []
    found = _name_kind(license_name)
    if not found:
        return []
    kind, phrase = found
    return [Claim(phrase, kind, "licence", license_name, False, license_name)]


def index_claims(view: ReleaseView) -> list[Claim]:
    """The index lists the release (curated, not inferred from Hub metadata): its maker
    described it as "open-source" or "open"."""
    osai = view.osai
    legacy = view.osai_legacy
    source = None
    if osai.score is not None and not osai.provisional:
        source = osai.source
    elif (legacy.source if legacy is not None else None):
        source = (legacy.source if legacy is not None else None)
    if source is None:
        return []
    references = {n.lower() for n in rules().get("index_reference_entries") or []}
    names = {str(view.name or "").lower(), str(source.key or "").lower()}
    if names & references or any(n.split("/")[0] in references for n in names):
        return []
    where = str(source.key or "")
    return [Claim("open-source or open", "open-source-or-open", "index",
                  "The index includes models described by their makers as \"open-source\" or "
                  "\"open\" (European Open Source AI Index readme).", False, where)]


def _source_names(view: ReleaseView) -> list[str]:
    """The release's name and the names its curated sources give it (record keys)."""
    names = [str(view.name or "")]
    for s in view.sources or []:
        key = str(s.key or "").rsplit("/", 1)[-1]
        key = re.sub(r"^\d+-", "", key)
        if s.source in ("hub",):
            continue
        names.append(key)
    out: list[str] = []
    for n in names:
        if n and n.lower() not in {o.lower() for o in out}:
            out.append(n)
    return out


def release_claims(view: ReleaseView, card_text: str | None = None) -> list[Claim]:
    """Every claim about a release we can find: the card (if given), names, licence, index."""
    found: list[Claim] = claims(card_text, source="card") if card_text else []
    seen: set[str] = set()
    for name in _source_names(view):
        for c in name_claims(name):
            if c.phrase.lower() not in seen:
                seen.add(c.phrase.lower())
                found.append(c)
    lic = view.license
    lic_names = list(dict.fromkeys(n for n in (lic.name, lic.as_written) if n))
    for text in lic_names:
        got = license_claims(text)
        if got:
            found.extend(got)
            break
    found.extend(index_claims(view))
    return found


# --- evidence -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """What the sources say about one aspect: its status, the shortfall it counts for a claim
    (closed 1, partial 0.5, open or unknown 0), a one-line summary, and whether it rests only
    on automated Hub metadata."""

    aspect: str
    status: str
    summary: str
    problem: str = ""
    automated: bool = False

    @property
    def shortfall(self) -> float:
        return _SHORTFALL.get(self.status, 0.0)

    def to_dict(self) -> dict[str, Any]:
        return {"aspect": self.aspect, "status": self.status, "shortfall": self.shortfall,
                "summary": self.summary, "problem": self.problem, "automated": self.automated}


def _most_open(statuses: Iterable[str | None]) -> str:
    known = [s for s in statuses if s in ("open", "partial", "closed")]
    return min(known, key=_ORDER.__getitem__) if known else "unknown"


def _pick(curated: list[tuple[str, str]], automated: list[tuple[str, str]]) -> tuple[str, bool]:
    """The most open curated status; automated evidence only when no curated source speaks."""
    status = _most_open(s for s, _ in curated)
    if status != "unknown":
        return status, False
    status = _most_open(s for s, _ in automated)
    return status, status != "unknown"


def _summary(items: list[tuple[str, str]], automated: list[tuple[str, str]],
             used_automated: bool) -> str:
    parts = [text for _s, text in items]
    if used_automated:
        parts += [f"{text} (automated)" for _s, text in automated]
    return "; ".join(parts) or "no source says"


def _mof_curated(view: ReleaseView) -> bool:
    m = view.mof
    return bool(m.source) and not m.provisional


def _index_curated(view: ReleaseView) -> bool:
    o = view.osai
    return o.score is not None and not o.provisional


def _mof_component(view: ReleaseView, name: str) -> MofComponent | None:
    comps = view.mof.components or {}
    return comps.get(name)


def _mof_status(state: str | None, *, listed_is_open: bool = False) -> str | None:
    if state is None:
        return None
    if state in _COUNTED:
        return "open"
    if state in ("invalid", "unlicensed"):
        return "open" if listed_is_open else "partial"
    return "closed"  # missing: not listed in the MOT record


_MOF_WORDS = {"included": "open", "open-with-warning": "open (licence warning)",
              "invalid": "not openly licensed", "unlicensed": "without a licence",
              "missing": "not listed"}


def data_evidence(view: ReleaseView) -> Evidence:
    """Training data: the index's two data-source dimensions, the MOF's Datasets, else the
    datasets the Hub card names."""
    curated: list[tuple[str, str]] = []
    automated: list[tuple[str, str]] = []
    dims: Mapping[str, str | None] = view.osai.dimensions
    base, end = dims.get("datasources_basemodel"), dims.get("datasources_endmodel")
    if base or end:
        known = [s for s in (base, end) if s]
        status = known[0] if len(set(known)) == 1 else "partial"
        item = (status, f"Index: Base Model Data {base or '–'}, End User Model Data {end or '–'}")
        (curated if _index_curated(view) else automated).append(item)
    comp = _mof_component(view, "Datasets")
    if comp:
        item = (_mof_status(comp.state) or "unknown",
                f"MOF: Datasets {_MOF_WORDS.get(comp.state, comp.state)}")
        (curated if _mof_curated(view) else automated).append(item)
    hub = (view.hub.evidence if view.hub is not None else None) or {}
    if "datasets" in hub and hub["datasets"].status in ("open", "partial", "closed"):
        automated.append((hub["datasets"].status,
                          "Hub: " + ("no dataset named" if hub["datasets"].status == "closed"
                                     else "datasets named on the card")))
    status, auto = _pick(curated, automated)
    problem = {"closed": "the training data is closed",
               "partial": "the training data is only partly open"}.get(status, "")
    return Evidence("data", status, _summary(curated, automated, auto), problem, auto)


_EPOCH_CODE = {"Open source": "open", "Open (non-commercial)": "partial",
               "Open (restricted use)": "partial", "Unreleased": "closed"}


def code_evidence(view: ReleaseView) -> Evidence:
    """Training code: the MOF's Training code, the index's Training Code, Epoch's label."""
    curated: list[tuple[str, str]] = []
    comp = _mof_component(view, "Training code")
    if comp and _mof_curated(view):
        curated.append((_mof_status(comp.state) or "unknown",
                        f"MOF: Training code {_MOF_WORDS.get(comp.state, comp.state)}"))
    dims: Mapping[str, str | None] = view.osai.dimensions
    training_code = dims.get("trainingcode")
    if training_code and _index_curated(view):
        curated.append((training_code, f"Index: Training Code {training_code}"))
    epoch = view.epoch.accessibility.get("training_code") if view.epoch is not None else None
    if epoch is not None and epoch.label in _EPOCH_CODE:
        curated.append((_EPOCH_CODE[epoch.label], f"Epoch: training code {epoch.label}"))
    status, _auto = _pick(curated, [])
    problem = {"closed": "no training code is released",
               "partial": "the training code is only partly released"}.get(status, "")
    return Evidence("code", status, _summary(curated, [], False), problem)


def weights_evidence(view: ReleaseView) -> Evidence:
    """Whether the weights are out at all (licence and gate aside): the MOF lists them, the
    index's End User Model Weights, Epoch's accessibility, else the Hub's weight files."""
    curated: list[tuple[str, str]] = []
    automated: list[tuple[str, str]] = []
    comp = _mof_component(view, "Model parameters (Final)")
    if comp:
        item = (_mof_status(comp.state, listed_is_open=True) or "unknown",
                "MOF: Model parameters (Final) "
                + ("listed" if comp.state != "missing" else "not listed"))
        (curated if _mof_curated(view) else automated).append(item)
    dims: Mapping[str, str | None] = view.osai.dimensions
    weights = dims.get("weights_endmodel")
    if weights:
        status = weights
        item = (status, f"Index: End User Model Weights {status}")
        (curated if _index_curated(view) else automated).append(item)
    model = view.epoch.accessibility.get("model_accessibility") if view.epoch else None
    label = model.label if model is not None else None
    if label:
        epoch_status = "open" if label.startswith("Open weights") else "closed" if label in (
            "API access", "Hosted access (no API)", "Unreleased") else None
        if epoch_status:
            curated.append((epoch_status, f"Epoch: {label}"))
    found = view.hub.evidence.get("weights") if view.hub is not None else None
    if found is not None and found.status in ("open", "partial", "closed"):
        # Gated weights are out (behind a gate): the gate is its own aspect.
        hub_status = "open" if found.status == "partial" else found.status
        automated.append((hub_status, "Hub: " + ("weight files" if hub_status == "open"
                                                 else "no weight files")))
    status, auto = _pick(curated, automated)
    problem = {"closed": "the weights are not released",
               "partial": "the weights are only partly available"}.get(status, "")
    return Evidence("weights", status, _summary(curated, automated, auto), problem, auto)


def gating_evidence(view: ReleaseView) -> Evidence:
    """Access to the weights: the Hub's gating (manual approval closed, automatic partial)."""
    hub = view.hub
    if not hub:
        return Evidence("gating", "unknown", "no Hub metadata")
    if hub.private:
        return Evidence("gating", "closed", "Hub: private repository",
                        "the weights are in a private repository", True)
    gated = hub.gated
    if gated == "manual":
        return Evidence("gating", "closed", "Hub: gated, manual approval",
                        "the weights are gated on the Hub (manual approval)", True)
    if gated == "auto":
        return Evidence("gating", "partial", "Hub: gated, automatic approval",
                        "the weights are gated on the Hub (an access form)", True)
    if gated is False:
        return Evidence("gating", "open", "Hub: not gated", "", True)
    return Evidence("gating", "unknown", "Hub: gating not known")


def licence_evidence(view: ReleaseView) -> Evidence:
    """The licence: use restrictions (closed); OSI-approved or an open-content licence such as
    CC-BY-4.0 or OpenMDW-1.0 (open); any other licence (partial: not OSI-approved); without a
    recognised licence, the index's Licenses dimension, or closed for "no licence"."""
    lic, from_ = effective_license(view)
    name = str(lic.name or lic.id or lic.as_written or "")
    if lic.recognised:
        words = use_restrictions(lic)
        origin = "" if from_ == "release" else f" (from the {from_})"
        if words:
            return Evidence("licence", "closed", f"{name}{origin}: " + ", ".join(words),
                            "the licence restricts use")
        if lic.osi_approved or is_open_content(lic.id):
            return Evidence("licence", "open", f"{name}{origin}: "
                            + ("OSI-approved" if lic.osi_approved else "open content"))
        return Evidence("licence", "partial", f"{name}{origin}: not OSI-approved",
                        "the licence is not OSI-approved")
    dims: Mapping[str, str | None] = view.osai.dimensions
    licenses = dims.get("licenses")
    if licenses in ("open", "partial", "closed") and licenses and _index_curated(view):
        status = licenses
        problem = {"closed": "the index rates the licensing closed",
                   "partial": "the index rates the licensing partial"}.get(status, "")
        return Evidence("licence", status, f"Index: Licenses {status}", problem)
    written = lic.as_written
    if written and identify(written).statement == "none":
        return Evidence("licence", "closed", f"{written!r}: no licence (all rights reserved)",
                        "no licence is given")
    return Evidence("licence", "unknown",
                    f"licence {written!r} not recognised" if written else "no licence on record")


_EVIDENCE = (data_evidence, code_evidence, weights_evidence, gating_evidence, licence_evidence)


# --- the check ----------------------------------------------------------------------------------


@dataclass
class OpenWashingResult:
    release_id: str
    name: str
    claims: list[Claim] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    gap: float = 0.0
    flags: list[str] = field(default_factory=list)
    organization: str | None = None
    license: str | None = None

    @property
    def top_claim(self) -> Claim | None:
        """The claim that makes the gap (the largest strength × mismatch)."""
        if not self.claims:
            return None
        return max(self.claims, key=lambda c: (_claim_gap(c, self.evidence), c.strength))

    def to_dict(self) -> dict[str, Any]:
        return {
            "release_id": self.release_id,
            "name": self.name,
            "organization": self.organization,
            "license": self.license,
            "gap": round(self.gap, 4),
            "claims": [c.to_dict() for c in self.claims],
            "evidence": {k: e.to_dict() for k, e in self.evidence.items()},
            "flags": list(self.flags),
        }


def _weight(aspect: str) -> float:
    return float(rules()["aspects"][aspect]["weight"])


def _claim_gap(claim: Claim, evidence: Mapping[str, Evidence]) -> float:
    """strength × Σ over the aspects the claim implies of weight × shortfall."""
    total = sum(_weight(a) * evidence[a].shortfall for a in claim.implies if a in evidence)
    return claim.strength * total


def check(view: ReleaseView, card_text: str | None = None) -> OpenWashingResult:
    """Every claim about the release next to the evidence, one flag per mismatch, and the gap.

    ``view`` is a :func:`openexplorer.views.release.release_view` dict (``detail=True``);
    ``card_text`` the model card (README.md) when the caller has it.
    """
    found = release_claims(view, card_text)
    evidence = {e.aspect: e for e in (make(view) for make in _EVIDENCE)}
    flags: list[str] = []
    if found:
        for aspect in ASPECTS:
            ev = evidence[aspect]
            if ev.shortfall <= 0:
                continue
            implying = [c for c in found if aspect in c.implies]
            if not implying:
                continue
            claim = max(implying, key=lambda c: c.strength)  # first of the strongest
            flags.append(f"\"{claim.phrase}\" ({claim.source_label}) but {ev.problem} — "
                         f"{ev.summary}")
    gap = max((_claim_gap(c, evidence) for c in found), default=0.0)
    lic = view.license
    return OpenWashingResult(
        release_id=str(view.id or ""), name=str(view.name or view.id or ""),
        claims=found, evidence=evidence, gap=round(gap, 6), flags=flags,
        organization=view.organization,
        license=lic.name or lic.id or lic.as_written)


# --- ranking ------------------------------------------------------------------------------------


def _bound_of(claims_: Sequence[Claim], licence_shortfall: float, gating_shortfall: float
              ) -> float:
    """The largest gap these claims can reach when data, code and weights are all closed."""
    best = 0.0
    for c in claims_:
        total = 0.0
        for a in c.implies:
            shortfall = {"licence": licence_shortfall, "gating": gating_shortfall}.get(a, 1.0)
            total += _weight(a) * shortfall
        best = max(best, c.strength * total)
    return best


def _candidates(cache: Cache) -> list[tuple[float, str, str]]:
    """(upper bound of the gap, name, release id) for every release that could carry a claim
    without its card: listed by the index, or a name, source key or licence saying "open"."""
    keys: dict[str, list[str]] = {}
    listed: set[str] = set()
    for release_id, source, key in queries.open_named_records(cache):
        if source in ("osai", "osai-legacy"):
            listed.add(release_id)
        if source != "hub":
            keys.setdefault(release_id, []).append(re.sub(r"^\d+-", "", key.rsplit("/", 1)[-1]))
    out = []
    for release_id, name, lic_id, lic_name, written, osi, commercial, gated in (
            queries.open_claim_summaries(cache, set(keys) | listed)):
        found: list[Claim] = []
        for n in [name, *keys.get(release_id, [])]:
            found += name_claims(n)
        for text in (lic_name, lic_id, written):
            found += license_claims(text)
        if release_id in listed:
            found.append(Claim("open-source or open", "open-source-or-open", "index"))
        if not found:
            continue
        licence = 0.0 if (osi == 1 and commercial == "allowed") else 1.0
        gate = {"manual": 1.0, "auto": 0.5}.get(str(gated or "").lower(), 0.0)
        out.append((_bound_of(found, licence, gate), name or "", release_id))
    out.sort(key=lambda c: (-c[0], c[1].lower(), c[2]))
    return out


def ranking(cache: Cache, limit: int = 50, *, min_gap: float = 0.0) -> list[OpenWashingResult]:
    """The releases with the largest gap between claim and evidence, largest first (ties by
    name). Only releases with a gap above ``min_gap`` are listed.

    Candidates come from the ``release_summary`` table with an upper bound of their gap (from
    their claims, licence and gating there); full views are computed best bound first, and the
    search stops once the ``limit``-th gap found is at least the next bound — the result is
    the same as checking every release, at a fraction of the cost.
    """
    from openexplorer.views.release import release_view

    limit = max(1, int(limit))
    results: list[OpenWashingResult] = []
    for bound, _name, release_id in _candidates(cache):
        if len(results) >= limit:
            results.sort(key=lambda r: (-r.gap, r.name.lower(), r.release_id))
            if results[limit - 1].gap >= bound:
                break
        view = release_view(cache, release_id)
        if view is None:
            continue
        result = check(view)
        if result.gap > min_gap:
            results.append(result)
    results.sort(key=lambda r: (-r.gap, r.name.lower(), r.release_id))
    return results[:limit]


# --- output -------------------------------------------------------------------------------------


def _md(text: Any) -> str:
    return str(text if text not in (None, "") else "–").replace("|", "\\|").replace("\n", " ")


def markdown(results: Sequence[OpenWashingResult] | OpenWashingResult,
             snapshot_date: str | None = None) -> str:
    """One release's check, or a ranking, as Markdown."""
    if isinstance(results, OpenWashingResult):
        r = results
        out = [f"# Open-washing check: {r.name}", ""]
        if snapshot_date:
            out += [f"Data snapshot: {snapshot_date}.", ""]
        out += [f"Gap between claim and evidence: **{r.gap:.2f}** (0 = the evidence bears the "
                "claims out, 1 = an \"open source\" claim with nothing open)", "", "## Claims", ""]
        shown: set[tuple[str, str]] = set()
        for c in r.claims:
            if (c.phrase.lower(), c.source_label) in shown:
                continue
            shown.add((c.phrase.lower(), c.source_label))
            out.append(f"- \"{_md(c.phrase)}\" — {c.kind}, {_md(c.source_label)}"
                       + (f": {_md(c.context)}" if c.source in ("card", "text") else ""))
        if not r.claims:
            out.append("- No openness claim found in what we hold offline.")
        out += ["", "## Evidence", "", "| aspect | status | evidence |", "|---|---|---|"]
        for aspect, ev in r.evidence.items():
            label = rules()["aspects"][aspect]["label"]
            out.append(f"| {label} | {ev.status}{' (automated)' if ev.automated else ''} | "
                       f"{_md(ev.summary)} |")
        out += ["", "## Flags", ""]
        out += [f"- {_md(f)}" for f in r.flags] or ["- None."]
        return "\n".join(out) + "\n"
    out = ["# Open-washing: the largest gaps between claim and evidence", ""]
    if snapshot_date:
        out += [f"Data snapshot: {snapshot_date}.", ""]
    out += ["| # | release | organisation | gap | claim | flags |", "|---|---|---|---|---|---|"]
    for rank, r in enumerate(results, 1):
        top = r.top_claim
        claim = f"\"{top.phrase}\" ({top.source_label})" if top else "–"
        out.append(f"| {rank} | {_md(r.name)} | {_md(r.organization)} | {r.gap:.2f} | "
                   f"{_md(claim)} | {_md('; '.join(r.flags))} |")
    if not results:
        out.append("| – | no release with a gap | | | | |")
    return "\n".join(out) + "\n"
