"""EU AI Act open-source route for general-purpose AI models: a pre-check from public evidence.

Regulation (EU) 2024/1689 (the AI Act) exempts providers of general-purpose AI (GPAI) models from
two documentation duties — Art. 53(1)(a) technical documentation for the AI Office and
Art. 53(1)(b) information for downstream providers — and, for providers outside the Union, from
appointing an authorised representative (Art. 54(6)), when the model is "released under a free
and open-source licence that allows for the access, usage, modification, and distribution of the
model, and whose parameters, including the weights, the information on the model architecture,
and the information on model usage, are made publicly available" (Art. 53(2)). Recital 103 adds
that a model provided against a price or otherwise monetised does not benefit. The exemption
never applies to GPAI models with systemic risk, and never covers the copyright policy
(Art. 53(1)(c)) or the public summary of the training content (Art. 53(1)(d)).

:func:`precheck` checks five conditions against the evidence in a release view
(:func:`openexplorer.views.release.release_view`), each ``pass``, ``fail`` or ``unknown`` with evidence
lines (source, date, what it says, link):

(a) **weights public** — the Hub lists weight files and the repository is not gated or private;
    or the European Open Source AI Index rates ``weights_endmodel`` open; or Epoch AI says "Open
    weights (…)"; or the MOT lists Model parameters (Final). Fails on a private repository, a
    Hub repository without weight files, a gate that excludes EU users
    (``extra_gated_eu_disallowed``, decisive), the index rating the weights closed, or Epoch
    saying "API access", "Hosted access (no API)" or "Unreleased". A gated repository (manual or
    automatic approval) is evidence for neither: whether a click-through gate still counts as
    "publicly available" is a legal question. The same holds for a weights cell the index rates
    closed *because* the download needs a licence to be signed or accepted (its notes say so,
    e.g. Llama 3.1): that is a licence gate, not unpublished weights, and counts as unknown.
(b) **architecture information public** — the MOT lists Model architecture (the code) or Model
    metadata (the configuration); or the index rates a document that covers the model
    architecture open or partial: ``modelcard`` ("comprehensive insight on model architecture,
    training, fine-tuning, and evaluation"), ``preprint`` or ``paper`` ("detail all major parts
    of the system"). Fails only when the index rates all three closed and nothing else shows it.
    The index's ``hardware_architecture`` rates the documentation of the *training hardware*
    ("the hardware architecture used for datasource processing and model training",
    ``_parameters-descriptions.yml``), not the model architecture, and is not read.
(c) **usage information public** — a model card: MOT Model card listed, the index's
    ``modelcard`` open or partial, or a card on the Hub. Fails when the index or the Hub says
    there is none.
(d) **free and open-source licence** — the release's licence (and the licence the MOT resolves
    for the weights, when different), identified by :func:`openexplorer.core.licenses.identify`:
    fails on any restriction of use recorded in ``license_restrictions.yml`` (non-commercial,
    acceptable-use policy, field-of-use, output-use bans, user or revenue thresholds, regional),
    on "no licence", and on a licence whose category is proprietary (ScanCode "Proprietary
    Free", "Commercial", "Source-available", "Free Restricted"); passes when the licence is
    OSI-approved, FSF-libre or on the MOF's open-licence list and none of those restrictions
    applies. Attribution and share-alike do not fail it: recital 102 counts a licence as free and
    open-source also when it requires crediting the provider and identical or comparable
    distribution terms. Anything else (unrecognised text, a licence we know nothing about) is
    unknown. An expression is judged part by part (``AND``: every part must pass; ``OR``: one).
(e) **no monetisation** — unknown unless there is evidence of it. Public data rarely shows prices,
    paid support or personal-data use, so this condition normally stays unknown and must be
    confirmed by the user. Fails when Epoch says the model is offered only as a service ("API
    access", "Hosted access (no API)"), or the licence makes larger users pay (a
    ``revenue-threshold`` restriction: royalties or a paid licence above a revenue figure).

Systemic risk: Art. 51(2) presumes high-impact capabilities when the cumulative training compute
is greater than 10^25 FLOP. The figure is Epoch AI's: the release's own Epoch record, else the
Epoch record :func:`linked_epoch` finds for it (the same model under Epoch's name, or the base
model it was fine-tuned from — cumulative compute includes the base model's pre-training; see
the Commission's guidelines, :data:`GUIDELINES`). With a figure above 10^25, the pre-check says
"presumed systemic risk: the open-source exemption does not apply" and the overall result is
``fail``.

Overall result: ``fail`` when a condition fails or systemic risk is presumed; ``pass`` only when
all five pass; ``unknown`` otherwise — in practice the usual outcome for an open model, since (e)
needs the user's own check.

Evidence older than :data:`STALE_DAYS` on the ``today`` given is marked as such. Nothing here
is legal advice; :func:`openexplorer.analyses.euaiact_memo.memo_markdown` says so at the top of every memo.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from openexplorer.core import licenses
from openexplorer.db import queries
from openexplorer.core.identity import match_key
from openexplorer.frameworks import mof
from openexplorer.views.model import (Citation, EpochView, HubView, MofComponent, OsaiClass,
                                      ReleaseView, UserCitation)

__all__ = [
    "COMPUTE_THRESHOLD_FLOP",
    "CONDITIONS",
    "GUIDELINES",
    "GUIDELINES_URL",
    "LEGAL_SOURCES",
    "NOT_LEGAL_ADVICE",
    "REGULATION",
    "REGULATION_URL",
    "Condition",
    "Evidence",
    "PreCheck",
    "SystemicRisk",
    "linked_epoch",
    "precheck",
]

Status = Literal["pass", "fail", "unknown"]
STATUSES: tuple[str, ...] = ("pass", "fail", "unknown")

#: Art. 51(2): training compute above this presumes high-impact capabilities (systemic risk).
COMPUTE_THRESHOLD_FLOP = 1e25
#: Evidence older than this (in days, counted to ``today``) is flagged as possibly out of date.
STALE_DAYS = 365

REGULATION = ("Regulation (EU) 2024/1689 of the European Parliament and of the Council of "
              "13 June 2024 laying down harmonised rules on artificial intelligence "
              "(Artificial Intelligence Act), OJ L, 2024/1689, 12.7.2024")
REGULATION_URL = "https://eur-lex.europa.eu/eli/reg/2024/1689/oj"
#: The Commission's guidelines for GPAI providers (C(2025) 5045 final, 18 July 2025): its reading
#: of the open-source exemption (Art. 53(2)), monetisation and training-compute estimates.
GUIDELINES = ("European Commission, Guidelines on the scope of the obligations for providers of "
              "general-purpose AI models under the AI Act (Communication C(2025) 5045 final, "
              "18 July 2025)")
GUIDELINES_URL = ("https://digital-strategy.ec.europa.eu/en/library/"
                  "guidelines-scope-obligations-providers-general-purpose-ai-models-under-ai-act")
#: The legal texts every pre-check cites (title, address), for the memo and the panel.
LEGAL_SOURCES: tuple[tuple[str, str], ...] = ((REGULATION, REGULATION_URL),
                                              (GUIDELINES, GUIDELINES_URL))
NOT_LEGAL_ADVICE = (
    "Not legal advice. This memo is an automated pre-check of public evidence recorded by "
    "OpenExplorer. It cannot establish who the provider is, whether the model is a "
    "general-purpose AI model, or whether it is monetised; have a qualified lawyer review it "
    "before relying on the open-source route."
)

#: (key, name, what the Act asks) of each condition, in the order of Art. 53(2) and recital 103.
CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("a", "Weights publicly available",
     "Art. 53(2): the parameters, including the weights, are made publicly available."),
    ("b", "Architecture information publicly available",
     "Art. 53(2): the information on the model architecture is made publicly available."),
    ("c", "Usage information publicly available",
     "Art. 53(2): the information on model usage is made publicly available."),
    ("d", "Free and open-source licence",
     "Art. 53(2): released under a free and open-source licence that allows access, usage, "
     "modification and distribution of the model (recital 102)."),
    ("e", "Not monetised",
     "Recital 103: not provided against a price or otherwise monetised (technical support, a "
     "paid platform, personal data beyond security and interoperability)."),
)

#: What the open-source route leaves in place, always (Art. 53(1)(c), 53(1)(d), 53(2), 54(6)).
NOT_REMOVED: tuple[tuple[str, str], ...] = (
    ("Copyright policy",
     "Art. 53(1)(c): a policy to comply with Union copyright law, including identifying and "
     "honouring text-and-data-mining opt-outs (Art. 4(3) of Directive (EU) 2019/790), is still "
     "required."),
    ("Training-content summary",
     "Art. 53(1)(d): a sufficiently detailed public summary of the content used for training, "
     "following the AI Office's template, is still required."),
    ("Systemic risk",
     "Art. 53(2) and 54(6): the exemptions do not apply to general-purpose AI models with "
     "systemic risk, which keep every obligation, plus those of Art. 55."),
)

_LICENCE_FAIL_KINDS = frozenset({"non-commercial", "acceptable-use-policy", "field-of-use",
                                 "output-use-ban", "user-threshold", "revenue-threshold",
                                 "regional"})
_KIND_WORDS = {
    "non-commercial": "non-commercial only",
    "acceptable-use-policy": "acceptable-use policy",
    "field-of-use": "field-of-use ban",
    "output-use-ban": "ban on using outputs",
    "user-threshold": "user threshold",
    "revenue-threshold": "revenue threshold",
    "regional": "regional restriction",
    "share-alike": "share-alike",
    "attribution-naming": "attribution or naming duty",
}
_NOT_FREE_CATEGORIES = frozenset({"Proprietary Free", "Commercial", "Source-available",
                                  "Free Restricted", "Patent License", "CLA"})
_SOURCE_NAMES = {
    "mot": "MOT", "osai": "OSAI index", "epoch": "Epoch AI", "hub": "Hugging Face Hub",
    "osai-legacy": "Opening up ChatGPT", "osi": "OSI", "fmti": "FMTI", "user": "your correction",
    "licence": "OpenExplorer licence table",
    "openexplorer": "OpenExplorer",
}
#: Sources that are our own tables or notes: they carry no date of their own.
_UNDATED_SOURCES = frozenset({"licence", "openexplorer"})
_EPOCH_OPEN_WEIGHTS = re.compile(r"^open weights", re.IGNORECASE)
_EPOCH_SERVICE = frozenset({"API access", "Hosted access (no API)"})
_EPOCH_CLOSED = frozenset({"API access", "Hosted access (no API)", "Unreleased"})
_DATE = re.compile(r"\d{4}-\d{2}(?:-\d{2})?")
#: Index notes that say the weights sit behind a licence to sign or accept (a gate), not that
#: they are unpublished ("requires signing Meta Llama 3.1's bespoke 'community license'").
_LICENCE_GATE = re.compile(
    r"\bgated\b|request(?:ing)? access|(?:sign|accept|agree)\w*\b.{0,80}licen[cs]e"
    r"|licen[cs]e.{0,80}\b(?:sign|accept|agree)\w*", re.IGNORECASE)
#: Index dimensions whose documents cover the model architecture (_parameters-descriptions.yml).
_ARCHITECTURE_DOCS = (
    ("modelcard", "model card (covers the model architecture)"),
    ("preprint", "preprint (details all major parts of the system)"),
    ("paper", "peer-reviewed paper (details all major parts of the system)"),
)


# --- results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Evidence:
    """One line of evidence: what a source says, when, where; and what it means here."""

    source: str  # a source id (mot, osai, epoch, hub, …) or "licence" for our licence table
    text: str
    status: Status  # what this line alone points to
    date: str | None = None
    url: str | None = None
    stale: bool = False  # older than STALE_DAYS on the pre-check's date
    decisive: bool = False  # a failure that outweighs any passing evidence

    @property
    def source_name(self) -> str:
        return _SOURCE_NAMES.get(self.source, self.source)

    @property
    def when(self) -> str:
        """The date to show: the evidence's date, "undated", or "" for our own tables."""
        if self.date:
            return self.date
        return "" if self.source in _UNDATED_SOURCES else "undated"

    def line(self) -> str:
        """"[Epoch AI, 2026-01-26] says … (url)" — one line for text outputs."""
        when = f", {self.when}" if self.when else ""
        stale = " — over a year old" if self.stale else ""
        link = f" ({self.url})" if self.url else ""
        return f"[{self.source_name}{when}{stale}] {self.text}{link}"


@dataclass(frozen=True)
class Condition:
    key: str
    name: str
    requirement: str
    status: Status
    summary: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class SystemicRisk:
    """Epoch's training compute against the 10^25 FLOP presumption of Art. 51(2)."""

    status: Literal["presumed", "below", "unknown"]
    text: str
    compute_flop: float | None = None
    threshold_flop: float = COMPUTE_THRESHOLD_FLOP
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class PreCheck:
    release_id: str
    name: str
    date: str  # the day the pre-check was made (ISO)
    verdict: Status
    headline: str
    conditions: tuple[Condition, ...]
    systemic_risk: SystemicRisk
    not_removed: tuple[tuple[str, str], ...] = NOT_REMOVED
    sources: tuple[str, ...] = ()  # source ids the evidence came from
    organization: str | None = None
    license: str | None = None

    def condition(self, key: str) -> Condition:
        return next(c for c in self.conditions if c.key == key)

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["not_removed"] = [{"obligation": n, "basis": t} for n, t in self.not_removed]
        out["not_legal_advice"] = NOT_LEGAL_ADVICE
        out["regulation"] = {"title": REGULATION, "url": REGULATION_URL}
        out["guidelines"] = {"title": GUIDELINES, "url": GUIDELINES_URL}
        return out


# --- helpers ------------------------------------------------------------------------------------


def _day(value: Any) -> str | None:
    """The ISO date (or year-month) inside a date, timestamp or "commit date" text."""
    if not value:
        return None
    m = _DATE.search(str(value))
    return m.group(0) if m else None


def _cite_date(cite: Citation | UserCitation | None) -> str | None:
    if not cite:
        return None
    return _day(cite.assessed_date) or _day(cite.source_version)


def _parse(day: str | None) -> dt.date | None:
    if not day:
        return None
    try:
        if len(day) == 7:
            return dt.date.fromisoformat(day + "-01")
        return dt.date.fromisoformat(day[:10])
    except ValueError:
        return None


@dataclass
class _Collector:
    today: dt.date
    items: list[Evidence] = field(default_factory=list)

    def add(self, source: str, text: str, status: Status, *, date: str | None = None,
            url: str | None = None, decisive: bool = False) -> None:
        when = _parse(date)
        stale = when is not None and (self.today - when).days > STALE_DAYS
        self.items.append(Evidence(source=source, text=text, status=status, date=date,
                                   url=url or None, stale=stale, decisive=decisive))

    def status(self) -> Status:
        if any(e.decisive and e.status == "fail" for e in self.items):
            return "fail"
        if any(e.status == "pass" for e in self.items):
            return "pass"
        if any(e.status == "fail" for e in self.items):
            return "fail"
        return "unknown"


def _evidence_urls(view: ReleaseView, source: str, component: str,
                   key: str | None = None) -> str | None:
    for row in view.evidence or ():
        if row.source == source and row.component == component \
                and (key is None or row.key == key) and row.urls:
            return str(row.urls[0])
    return None


def _mof_component(view: ReleaseView, name: str) -> tuple[str | None, MofComponent | None]:
    components = view.mof.components or {}
    outcome = components.get(name)
    return (outcome.state if outcome is not None else None), outcome


def _mof_source(view: ReleaseView) -> tuple[str, str | None, str | None, str]:
    """(source id, date, url, label) of the record behind the MOF view."""
    mof_view = view.mof
    cite = mof_view.source
    source = (cite.source if cite is not None else None) or "mot"
    label = "MOT" if source == "mot" else "Hub metadata (provisional MOF)" \
        if source == "hub" else _SOURCE_NAMES.get(source, source)
    date = _cite_date(cite) or _day((view.hub.fetched_at if view.hub is not None else None)
                                    if source == "hub" else None)
    return source, date, (cite.url if cite is not None else None), label


def _osai(view: ReleaseView) -> tuple[Mapping[str, OsaiClass | None], str | None, str | None,
                                      str | None]:
    osai_view = view.osai
    cite = osai_view.source
    source = (cite.source if cite is not None else None) or "osai"
    return (osai_view.dimensions or {}), _cite_date(cite), (cite.url if cite is not None else None), \
        (cite.key if cite is not None else None) if source == "osai" else None


def _osai_notes(view: ReleaseView, dim: str, key: str | None) -> str | None:
    """The index's notes on one dimension of the record behind the view's index part."""
    cite = view.osai.source
    source = (cite.source if cite is not None else None) or "osai"
    for row in view.evidence or ():
        if row.source == source and row.component == dim \
                and (key is None or row.key == key) and row.notes:
            return str(row.notes)
    return None


def _osai_url(view: ReleaseView, dim: str, key: str | None, fallback: str | None) -> str | None:
    cite = view.osai.source
    return _evidence_urls(view, (cite.source if cite is not None else None) or "osai", dim, key) or fallback


def _epoch(view: ReleaseView) -> tuple[str | None, str | None, str | None]:
    epoch = view.epoch
    if epoch is None:
        return None, None, _evidence_urls(view, "epoch", "model_accessibility")
    model = epoch.accessibility.get("model_accessibility")
    label = model.label if model is not None else None
    url = _evidence_urls(view, "epoch", "model_accessibility") or epoch.source.url
    return label, _cite_date(epoch.source), url


def _hub(view: ReleaseView) -> tuple[HubView | None, str | None, str | None]:
    hub = view.hub
    if hub is None:
        return None, None, None
    return hub, _day(hub.fetched_at) or _cite_date(hub.source), hub.source.url



# --- the conditions ------------------------------------------------------------------------------


def _weights(view: ReleaseView, today: dt.date, hub_data: dict[str, Any] | None
             ) -> Condition:
    c = _Collector(today)
    hub, hub_date, hub_url = _hub(view)
    if hub:
        evidence = hub.evidence.get("weights")
        hub_status = evidence.status if evidence is not None else None
        url = ((evidence.urls if evidence is not None else ()) or (hub_url,))[0]
        gated = hub.gated
        n = hub.weight_files or 0
        eu_excluded = bool(hub.eu_disallowed
                           or (hub_data or {}).get("eu_disallowed"))
        if hub.private:
            c.add("hub", "the repository is private", "fail", date=hub_date, url=url)
        elif eu_excluded:
            c.add("hub", f"{n} weight files behind a gate that excludes users in the EU "
                  "(extra_gated_eu_disallowed)", "fail", date=hub_date, url=url, decisive=True)
        elif hub_status == "open":
            c.add("hub", f"{n} weight files, repository not gated", "pass", date=hub_date,
                  url=url)
        elif hub_status == "partial" and gated in ("auto", "manual"):
            how = "approved automatically" if gated == "auto" else "approved by the provider"
            c.add("hub", f"{n} weight files behind an access gate (requests {how}); whether a "
                  "gated download counts as publicly available is for legal review", "unknown",
                  date=hub_date, url=url)
        elif hub_status == "closed":
            c.add("hub", "no weight files in the repository", "fail", date=hub_date, url=url)
        else:
            c.add("hub", f"{n} weight files; gating not known", "unknown", date=hub_date,
                  url=url)
    dims, osai_date, osai_url, key = _osai(view)
    if dims.get("weights_endmodel"):
        rating = dims["weights_endmodel"]
        status_for: Status = "pass" if rating == "open" else \
            "fail" if rating == "closed" else "unknown"
        meaning = {"open": "shared", "partial": "partially or not fully shared",
                   "closed": "not shared"}.get(rating or "", rating)
        notes = _osai_notes(view, "weights_endmodel", key)
        if rating == "closed" and notes and _LICENCE_GATE.search(notes):
            status_for = "unknown"
            meaning = (f"the index's note: \"{notes}\" — a licence gate, not unpublished "
                       "weights; whether a licence-gated download counts as publicly available "
                       "is for legal review")
        c.add("osai", f"end-model weights rated {rating} ({meaning})", status_for,
              date=osai_date, url=_osai_url(view, "weights_endmodel", key, osai_url))
    label, epoch_date, epoch_url = _epoch(view)
    if label:
        if _EPOCH_OPEN_WEIGHTS.match(label):
            c.add("epoch", f"model accessibility: \"{label}\"", "pass", date=epoch_date,
                  url=epoch_url)
        elif label in _EPOCH_CLOSED:
            c.add("epoch", f"model accessibility: \"{label}\" — no public weights", "fail",
                  date=epoch_date, url=epoch_url)
        else:
            c.add("epoch", f"model accessibility: \"{label}\"", "unknown", date=epoch_date,
                  url=epoch_url)
    state, _outcome = _mof_component(view, "Model parameters (Final)")
    if state is not None:
        source, date, url, label_ = _mof_source(view)
        if state != "missing":
            c.add(source, f"{label_} lists Model parameters (Final) as released", "pass",
                  date=date, url=url)
        else:
            c.add(source, f"{label_} does not list Model parameters (Final)", "unknown",
                  date=date, url=url)
    status = c.status()
    summary = {
        "pass": "The weights are published.",
        "fail": "The weights are not publicly available"
        + (" to users in the EU." if any(e.decisive for e in c.items) else "."),
        "unknown": "No source shows the weights as publicly downloadable.",
    }[status]
    return _condition("a", status, summary, c.items)


def _architecture(view: ReleaseView, today: dt.date) -> Condition:
    c = _Collector(today)
    source, date, url, label = _mof_source(view)
    for component, what in (("Model architecture", "the model architecture (code)"),
                            ("Model metadata", "the model metadata (configuration)")):
        state, outcome = _mof_component(view, component)
        if state is None:
            continue
        if state != "missing":
            lic = outcome.license if outcome is not None else None
            note = f"; licence {lic}" if lic else ""
            c.add(source, f"{label} lists {what}{note}", "pass", date=date, url=url)
        elif component == "Model architecture":
            c.add(source, f"{label} does not list {what}", "unknown", date=date, url=url)
    dims, osai_date, osai_url, key = _osai(view)
    for dim, what in _ARCHITECTURE_DOCS:
        rating = dims.get(dim)
        if not rating:
            continue
        status: Status = "pass" if rating in ("open", "partial") else \
            "fail" if rating == "closed" else "unknown"
        c.add("osai", f"{what} rated {rating} ({dim})", status, date=osai_date,
              url=_osai_url(view, dim, key, osai_url))
    status = c.status()
    summary = {
        "pass": "Information on the model architecture is published.",
        "fail": "The architecture is not documented publicly.",
        "unknown": "No source records whether the architecture is documented.",
    }[status]
    return _condition("b", status, summary, c.items)


def _usage(view: ReleaseView, today: dt.date) -> Condition:
    c = _Collector(today)
    state, _outcome = _mof_component(view, "Model card")
    if state is not None:
        source, date, url, label = _mof_source(view)
        if state != "missing":
            c.add(source, f"{label} lists a model card", "pass", date=date, url=url)
        else:
            c.add(source, f"{label} does not list a model card", "unknown", date=date, url=url)
    dims, osai_date, osai_url, key = _osai(view)
    rating = dims.get("modelcard")
    if rating:
        status = "pass" if rating in ("open", "partial") else \
            "fail" if rating == "closed" else "unknown"
        c.add("osai", f"model card rated {rating}", status,  # type: ignore[arg-type]
              date=osai_date, url=_osai_url(view, "modelcard", key, osai_url))
    hub, hub_date, hub_url = _hub(view)
    if hub:
        card = hub.evidence.get("model_card")
        card_status = card.status if card is not None else None
        url = ((card.urls if card is not None else ()) or (hub_url,))[0]
        completeness = hub.card_completeness
        if card_status in ("open", "partial") or (card is not None and card_status == "unknown"
                                                  and card.field in ("siblings", "cardData")):
            detail = (f", {completeness:.0%} of the expected sections"
                      if isinstance(completeness, int | float) else "")
            c.add("hub", f"a model card is published{detail}", "pass", date=hub_date, url=url)
        elif card_status == "closed":
            c.add("hub", "no usable model card in the repository", "fail", date=hub_date,
                  url=url)
    status = c.status()
    summary = {
        "pass": "A model card documents how to use the model.",
        "fail": "No model card or usage documentation was found.",
        "unknown": "No source records a model card.",
    }[status]
    return _condition("c", status, summary, c.items)


def _licence_verdict(info: licenses.LicenseInfo) -> tuple[Status, str]:
    """pass / fail / unknown for one identified licence, with the reason."""
    if info.is_expression and info.components:
        parts = [_licence_verdict(p) for p in info.components]
        statuses = [s for s, _ in parts]
        if info.operator == "OR":
            status: Status = "pass" if "pass" in statuses else \
                "unknown" if "unknown" in statuses else "fail"
        else:
            status = "fail" if "fail" in statuses else \
                "unknown" if "unknown" in statuses else "pass"
        reasons = "; ".join(f"{p.display}: {r}" for p, (_, r) in zip(info.components, parts,
                                                                    strict=True))
        return status, reasons
    if not info.recognised:
        if info.statement == "none":
            return "fail", "no licence: without a grant, access, use, modification and " \
                "distribution are not allowed"
        return "unknown", "the licence text is not one we recognise; its terms are unknown"
    blocking = [r for r in info.restrictions if r.kind in _LICENCE_FAIL_KINDS]
    if blocking:
        kinds = ", ".join(dict.fromkeys(_KIND_WORDS[r.kind] for r in blocking))
        return "fail", f"restricts use ({kinds})"
    open_listed = bool(info.osi_approved) or bool(info.fsf_libre) or \
        mof.is_open_license(info.id)
    if open_listed:
        which = "OSI-approved" if info.osi_approved else \
            "FSF-libre" if info.fsf_libre else "on the MOF's open-licence list"
        duties = [_KIND_WORDS[r.kind] for r in info.restrictions]
        extra = f"; its {', '.join(dict.fromkeys(duties))} terms are allowed by recital " \
            "102" if duties else ""
        return "pass", f"{which}, with no restriction of use recorded{extra}"
    if info.category in _NOT_FREE_CATEGORIES:
        return "fail", f"a proprietary licence (category {info.category}), not a free and " \
            "open-source one"
    return "unknown", "not OSI-approved or on the MOF's open list, and no restriction " \
        "recorded: review the text"


def _licence_source(view: ReleaseView) -> tuple[str, str | None, str | None]:
    """Which record the release's licence most likely came from (the cache's authority
    order: user, hub, mot, osai, epoch…) with its date and link."""
    sources = {s.source for s in view.sources}
    cites: dict[str, Citation | UserCitation | None] = {
        "hub": view.hub.source if view.hub is not None else None,
        "mot": view.mof.source,
        "osai": view.osai.source,
        "epoch": view.epoch.source if view.epoch is not None else None,
    }
    for source, cite in cites.items():
        if source in sources:
            date = (_day(view.hub.fetched_at if view.hub is not None else None)
                    if source == "hub" else None)
            return source, date or _cite_date(cite), cite.url if cite is not None else None
    return "licence", None, None


def _licence(view: ReleaseView, today: dt.date) -> Condition:
    c = _Collector(today)
    lic = view.license
    written = lic.as_written
    source, date, url = _licence_source(view)
    hub = view.hub
    info = licenses.identify(written, name=(hub.license_name if hub is not None else None),
                             link=(hub.license_link if hub is not None else None))
    verdicts: list[Status] = []
    if written is not None:
        status, reason = _licence_verdict(info)
        verdicts.append(status)
        c.add(source, f"licence \"{info.display or written}\": {reason}", status, date=date,
              url=info.url or (hub.license_link if hub is not None else None) or url)
        for r in info.restrictions:
            blocks = r.kind in _LICENCE_FAIL_KINDS
            note = "" if blocks else " An attribution or share-alike term is compatible " \
                "with a free and open-source licence (recital 102)."
            c.add("licence", f"{r.clause}: {r.summary}{note}", "fail" if blocks else "pass",
                  url=r.source_url)
    _state, outcome = _mof_component(view, "Model parameters (Final)")
    weights_licence = outcome.license if outcome is not None else None
    if weights_licence and weights_licence != written and weights_licence != lic.id:
        winfo = licenses.identify(weights_licence)
        status, reason = _licence_verdict(winfo)
        verdicts.append(status)
        m_source, m_date, m_url, label = _mof_source(view)
        c.add(m_source, f"{label}: the weights' licence resolves to \"{winfo.display}\": "
              f"{reason}", status, date=m_date, url=winfo.url or m_url)
    dims, osai_date, osai_url, key = _osai(view)
    rating = dims.get("licenses")
    if rating:
        meaning = {"open": "the project is fully under OSI-approved licences",
                   "partial": "only parts are under OSI-approved licences",
                   "closed": "not clearly licensed or not OSI-approved"}.get(rating, rating)
        status_for: Status = "fail" if rating == "closed" else \
            "pass" if rating == "open" and not verdicts else "unknown"
        c.add("osai", f"licences rated {rating}: {meaning}", status_for, date=osai_date,
              url=_osai_url(view, "licenses", key, osai_url))
        if not verdicts:
            verdicts.append(status_for)
    hub_licence = (((hub.evidence if hub is not None else None) or {}).get("license"))
    if written is None and (hub_licence.status if hub_licence is not None else None) == "closed":
        _hub_view, hub_date, hub_url = _hub(view)
        c.add("hub", "the model card declares no licence", "fail", date=hub_date,
              url=((hub_licence.urls if hub_licence is not None else None) or [hub_url])[0])
        verdicts.append("fail")
    if not c.items:
        c.add("openexplorer", "no licence is recorded for this release", "unknown")
    # Every licence judged must pass; one that fails decides.
    if "fail" in verdicts:
        status = "fail"
    elif verdicts and all(v == "pass" for v in verdicts):
        status = "pass"
    else:
        status = "unknown"
    # The licence table's own lines explain a failure; they do not make a pass.
    summary = {
        "pass": "A free and open-source licence allows access, use, modification and "
                "distribution.",
        "fail": "The licence restricts use or is not a free and open-source licence. Whether "
                "a restriction is compatible with Art. 53(2) is contested; we take the strict "
                "reading.",
        "unknown": "The licence's terms are not known well enough to decide.",
    }[status]
    return _condition("d", status, summary, c.items)


def _monetisation(view: ReleaseView, today: dt.date) -> Condition:
    c = _Collector(today)
    label, epoch_date, epoch_url = _epoch(view)
    if label in _EPOCH_SERVICE:
        c.add("epoch", f"model accessibility: \"{label}\" — offered only as a service; the "
              "provider's platform is where any price is charged", "fail", date=epoch_date,
              url=epoch_url)
    info = licenses.identify(view.license.as_written)
    for r in info.restrictions:
        if r.kind == "revenue-threshold":
            c.add("licence", f"{r.clause}: {r.summary}", "fail", url=r.source_url)
    if not c.items:
        c.add("openexplorer", "no source we read records prices, paid support, a paid platform or "
              "use of personal data; recital 103: publishing in an open repository is not in "
              "itself monetisation", "unknown")
    status: Status = "fail" if any(e.status == "fail" for e in c.items) else "unknown"
    summary = {
        "fail": "There is evidence of monetisation.",
        "unknown": "Public data cannot show that the model is not monetised: confirm it.",
        "pass": "",
    }[status]
    return _condition("e", status, summary, c.items)


def _condition(key: str, status: Status, summary: str, items: Iterable[Evidence]) -> Condition:
    _k, name, requirement = next(c for c in CONDITIONS if c[0] == key)
    return Condition(key=key, name=name, requirement=requirement, status=status,
                     summary=summary, evidence=tuple(items))


def _compute_of(epoch: EpochView | dict[str, Any] | None) -> float | None:
    compute = (epoch.training_compute_flop if isinstance(epoch, EpochView)
               else (epoch or {}).get("training_compute_flop"))
    if not isinstance(compute, int | float) or isinstance(compute, bool) or compute <= 0:
        return None
    return float(compute)


def _systemic(view: ReleaseView, today: dt.date,
              linked: dict[str, Any] | None = None) -> SystemicRisk:
    epoch = view.epoch
    compute = _compute_of(epoch)
    cite_date = _cite_date(epoch.source) if epoch is not None else None
    cite_url = epoch.source.url if epoch is not None else None
    via = ""
    if compute is None and linked and _compute_of(linked):
        # the linked Epoch record (linked_epoch): the Epoch part's keys, a name, a relation
        source = linked.get("source") or {}
        name = linked.get("name") or source.get("key")
        base = ", the base model" if linked.get("relation") == "base" else ""
        via = f": record \"{name}\"{base}"
        compute = _compute_of(linked)
        cite_date = _day(source.get("assessed_date")) or _day(source.get("source_version"))
        cite_url = source.get("url")
    if compute is None:
        return SystemicRisk(
            status="unknown", compute_flop=None,
            text="Epoch AI has no training-compute figure for this release: the 10^25 FLOP "
                 "presumption (Art. 51(2)) cannot be checked here. The Commission can also "
                 "designate a model (Art. 51(1)(b)).")
    c = _Collector(today)
    figure = flop_text(compute)
    if compute > COMPUTE_THRESHOLD_FLOP:
        status: Literal["presumed", "below", "unknown"] = "presumed"
        text = (f"Training compute {figure} (Epoch AI{via}) is above 10^25 FLOP: presumed systemic "
                "risk (Art. 51(2)): the open-source exemption does not apply.")
        c.add("epoch", f"training compute {figure} ({via[2:]})" if via else
              f"training compute {figure}", "fail", date=cite_date,
              url=cite_url)
    else:
        status = "below"
        text = (f"Training compute {figure} (Epoch AI{via}) is not above 10^25 FLOP: no presumption "
                "of systemic risk (Art. 51(2)); the Commission can still designate a model "
                "(Art. 51(1)(b)).")
        c.add("epoch", f"training compute {figure} ({via[2:]})" if via else
              f"training compute {figure}", "pass", date=cite_date,
              url=cite_url)
    return SystemicRisk(status=status, text=text, compute_flop=float(compute),
                        evidence=tuple(c.items))


def flop_text(value: float) -> str:
    """3.8e25 → "3.8 × 10^25 FLOP"."""
    exponent = int(f"{value:e}".split("e")[1])
    mantissa = value / 10 ** exponent
    return f"{mantissa:.3g} × 10^{exponent} FLOP"


def precheck(view: ReleaseView, *, today: dt.date | str,
             hub_data: dict[str, Any] | None = None,
             epoch: dict[str, Any] | None = None) -> PreCheck:
    """The open-source route pre-check of one release view (``release_view(cache, id)``).

    ``today`` dates the pre-check and decides which evidence is stale. ``hub_data`` is the Hub
    record's ``data`` (for ``eu_disallowed``) when the view does not carry it. ``epoch`` is the
    Epoch evidence :func:`linked_epoch` found for a release whose view has no compute figure of
    its own; the systemic-risk presumption is read from it then.
    """
    day = today if isinstance(today, dt.date) else dt.date.fromisoformat(str(today)[:10])
    conditions = (
        _weights(view, day, hub_data),
        _architecture(view, day),
        _usage(view, day),
        _licence(view, day),
        _monetisation(view, day),
    )
    systemic = _systemic(view, day, epoch)
    statuses = [c.status for c in conditions]
    failed = [c for c in conditions if c.status == "fail"]
    if systemic.status == "presumed":
        verdict: Status = "fail"
        headline = "Presumed systemic risk: the open-source exemption does not apply."
        if failed:
            headline += " Also failed: " + ", ".join(f"({c.key}) {c.name.lower()}"
                                                       for c in failed) + "."
    elif failed:
        verdict = "fail"
        headline = "The open-source route is not available on this evidence: " + ", ".join(
            f"({c.key}) {c.name.lower()}" for c in failed) + " failed."
    elif all(s == "pass" for s in statuses):
        verdict = "pass"
        headline = "Every condition is met on this evidence."
    else:
        verdict = "unknown"
        open_ = [c for c in conditions if c.status == "unknown"]
        if [c.key for c in open_] == ["e"]:
            headline = ("Conditions (a)–(d) are met on this evidence; (e) no monetisation "
                        "cannot be shown from public data: confirm it before relying on the "
                        "route.")
        else:
            headline = "Not decided: " + ", ".join(f"({c.key}) {c.name.lower()}"
                                                   for c in open_) + " could not be checked."
    used = {e.source for c in conditions for e in c.evidence} | \
        {e.source for e in systemic.evidence}
    used -= _UNDATED_SOURCES
    lic = view.license
    return PreCheck(
        release_id=view.id or "",
        name=view.name or view.id or "",
        organization=view.organization,
        license=lic.name or lic.id or lic.as_written,
        date=day.isoformat(),
        verdict=verdict,
        headline=headline,
        conditions=conditions,
        systemic_risk=systemic,
        sources=tuple(sorted(used)),
    )


# --- the Epoch record of a release without one -------------------------------------------------------


def linked_epoch(cache: Any, view: ReleaseView) -> dict[str, Any] | None:
    """Epoch AI's evidence for a release whose view has no training-compute figure of its own.

    The release's own Epoch part when it has a figure; else the one Epoch record, with a figure,
    whose name is the release's (its name, its Hub name, either without the organisation's name
    in front: "Meta-Llama-3.1-405B" is Epoch's "Llama 3.1-405B") or, failing that, its base
    model's (the index's ``basemodelname``, the Hub's ``base_model``; cumulative training compute
    includes the base model's). Several candidates for one name: none is chosen. The result has
    the Epoch part's keys plus ``name`` and ``relation`` (``same`` or ``base``).
    """
    own = view.epoch
    if _compute_of(own) is not None:
        return None
    org = match_key(view.organization) or ""

    def keys(*names: Any) -> list[str]:
        out: list[str] = []
        for name in names:
            key = match_key(str(name).split("/")[-1]) if name else None
            if not key:
                continue
            out.append(key)
            if org and key.startswith(org) and len(key) > len(org) + 3:
                out.append(key[len(org):])
        return out

    rows = queries.record_data_of(cache, view.id)
    bases: list[Any] = []
    for _source, data in rows:
        try:
            parsed = json.loads(data) if isinstance(data, str) else (data or {})
        except ValueError:
            continue
        if isinstance(parsed, dict):
            for field_ in ("basemodelname", "base_model"):
                value = parsed.get(field_)
                bases.extend(value if isinstance(value, list) else [value])
    for relation, names in (("same", keys(view.name, view.hub_id)),
                            ("base", keys(*bases))):
        found: dict[str, tuple[str, dict[str, Any], str | None]] = {}
        for key in dict.fromkeys(names):
            if len(key) < 4:
                continue
            for release_id in queries.releases_with_match_key(cache, key):
                for rkey, name, data, version, epoch_org in queries.epoch_records_of(
                        cache, release_id):
                    parsed = json.loads(data) if isinstance(data, str) else (data or {})
                    if _compute_of(parsed) is None or release_id == view.id:
                        continue
                    # A base model's compute counts for its own provider's fine-tunes; another
                    # provider's modification is judged by its own compute (the guidelines).
                    other = match_key(epoch_org) or ""
                    if relation == "base" and not (org and other and (
                            other.startswith(org) or org.startswith(other))):
                        continue
                    found[rkey] = (name, parsed, version)
        if len(found) == 1:
            rkey, (name, chosen, version) = next(iter(found.items()))
            links = chosen.get("links") or []
            return {"training_compute_flop": chosen.get("training_compute_flop"),
                    "name": name, "relation": relation,
                    "source": {"source": "epoch", "key": rkey, "source_version": version,
                               "url": links[0] if links else None}}
    return None
