"""One release under every openness framework, side by side, with every disagreement explained.

:func:`compare_frameworks` takes a :func:`openexplorer.views.release.release_view` dict (``detail=True``,
so Epoch and FMTI are in it) and gives a :class:`CrossFrameworkView`: one :class:`FrameworkRow`
per framework — the Model Openness Framework (as the MOT computes it), the European Open Source
AI Index, the OSAID verdict we compute, OSI's own published validation, the FMTI (developer
level) and Epoch AI's accessibility — each with its verdict or score, a status normalised to
open / partial / closed / unknown (for charts), its source and date; and the disagreements
between them, one line each, produced by the named rules in :data:`RULES`
(``docs/crossframework.md`` has one section per rule).

Pure: no Qt, no cache access. Every line is computed from the view; nothing is looked up again.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from openexplorer.frameworks import osai as osai_rules
from openexplorer.views.model import (
    Citation,
    EpochAccess,
    LicenseView,
    OsiPublished,
    ReleaseView,
    UserCitation,
)
from openexplorer.views.release import license_view

__all__ = [
    "FRAMEWORKS",
    "RULES",
    "STATUSES",
    "CrossFrameworkView",
    "Disagreement",
    "FrameworkRow",
    "compare_frameworks",
    "effective_license",
    "markdown",
    "use_restrictions",
]

STATUSES = ("open", "partial", "closed", "unknown")

#: The frameworks, in display order: key → (name, unit it judges).
FRAMEWORKS: Mapping[str, tuple[str, str]] = {
    "mof": ("Model Openness Framework (MOT)", "release"),
    "osai": ("European Open Source AI Index", "family (its largest/latest member)"),
    "osaid": ("OSAID 1.0 (computed here)", "release"),
    "osi": ("OSI's published OSAID validation", "system (family)"),
    "fmti": ("Foundation Model Transparency Index", "developer (flagship model)"),
    "epoch": ("Epoch AI accessibility", "model"),
}

#: MOF component states that count towards a class (the component is open for the MOT).
_COUNTED = frozenset({"included", "open-with-warning"})
#: Licence restriction kinds that restrict *use* (attribution and share-alike do not).
USE_RESTRICTIONS = frozenset({
    "user-threshold", "revenue-threshold", "acceptable-use-policy", "non-commercial",
    "output-use-ban", "field-of-use", "regional",
})
_RESTRICTION_WORDS = {
    "user-threshold": "a monthly-user threshold",
    "revenue-threshold": "a revenue threshold",
    "acceptable-use-policy": "an acceptable-use policy",
    "non-commercial": "no commercial use",
    "output-use-ban": "a ban on using outputs to train other models",
    "field-of-use": "field-of-use bans",
    "regional": "regional restrictions",
}
_OSI_OUTCOMES = {
    "pass": "pass",
    "fail": "fail",
    "would_pass_if_license_changed": "would pass if the licence changed",
}
#: The index's dimensions and the MOF component that covers the same ground (None: the MOF
#: does not assess it). Used to say *why* an MOF class and an index score disagree.
INDEX_TO_MOF: Mapping[str, tuple[str | None, str]] = {
    "datasources_basemodel": ("Datasets", ""),
    "datasources_endmodel": ("Datasets", "the MOF has one Datasets component for all data"),
    "weights_basemodel": (None, "the MOF assesses only this release's weights"),
    "weights_endmodel": ("Model parameters (Final)", ""),
    "trainingcode": ("Training code", ""),
    "code": (None, "the MOF does not rate how well code is documented"),
    "hardware_architecture": ("Model architecture", "the MOF asks for architecture code"),
    "preprint": ("Technical report", ""),
    "paper": (None, "the MOF does not ask for peer review"),
    "modelcard": ("Model card", ""),
    "datasheet": ("Data card", ""),
    "licenses": (None, "the MOF checks each component's licence instead"),
}
#: Index score below which a release counts as "mostly closed" for the index (its colour
#: scale splits at 0.5).
INDEX_SPLIT = 0.5


@dataclass(frozen=True)
class FrameworkRow:
    """One framework's judgement of the release.

    ``verdict`` is the short result ("Class I", "0.96", "pass", "31/100", "Open weights
    (restricted use)", or "not assessed"); ``score`` its 0–1 value where it has one; ``label``
    one line of detail; ``status`` the verdict normalised to open / partial / closed / unknown.
    """

    framework: str
    name: str
    unit: str
    verdict: str
    score: float | None
    label: str
    status: str
    source: str
    date: str | None
    provisional: bool = False
    url: str | None = None
    assessed: bool = True


@dataclass(frozen=True)
class Disagreement:
    """One disagreement: the rule that found it, the line explaining it, who disagrees."""

    rule: str
    text: str
    frameworks: tuple[str, ...]


@dataclass
class CrossFrameworkView:
    release_id: str
    name: str
    rows: list[FrameworkRow] = field(default_factory=list)
    disagreements: list[str] = field(default_factory=list)
    findings: list[Disagreement] = field(default_factory=list)

    def row(self, framework: str) -> FrameworkRow:
        return next(r for r in self.rows if r.framework == framework)

    def to_dict(self) -> dict[str, Any]:
        return {
            "release_id": self.release_id,
            "name": self.name,
            "frameworks": [asdict(r) for r in self.rows],
            "disagreements": list(self.disagreements),
            "findings": [{"rule": f.rule, "text": f.text, "frameworks": list(f.frameworks)}
                         for f in self.findings],
        }


# --- small helpers ------------------------------------------------------------------------------


def _date_of(source: Citation | UserCitation | OsiPublished | None) -> str | None:
    """The assessed date of a cited record, else the date in its source version."""
    if not source:
        return None
    if source.assessed_date:
        return str(source.assessed_date)
    found = re.search(r"\d{4}-\d{2}(?:-\d{2})?", str(source.source_version or ""))
    return found.group(0) if found else None


def _cite(label: str, source: Citation | UserCitation | OsiPublished | None) -> str:
    if not source:
        return label
    key = source.key
    return f"{label} · {key}" if key else label


def _nearest_stop(score: float | None) -> str:
    """A 0–1 score → the nearest of the index's three colour stops (0, 0.5, 1)."""
    if score is None:
        return "unknown"
    if score >= 0.75:
        return "open"
    if score >= 0.25:
        return "partial"
    return "closed"


def _not_assessed(key: str, why: str = "no record") -> FrameworkRow:
    name, unit = FRAMEWORKS[key]
    return FrameworkRow(key, name, unit, "not assessed", None, why, "unknown", "—", None,
                        assessed=False)


def _dim_name(ref: str) -> str:
    dim = osai_rules.dimension(ref)
    return dim.name if dim else ref


def _mof_state(view: ReleaseView, component: str) -> str | None:
    comps = view.mof.components or {}
    entry = comps.get(component)
    return entry.state if entry else None


def _mof_assessed(view: ReleaseView) -> bool:
    return bool(view.mof.source)


def _index_assessed(view: ReleaseView) -> bool:
    return view.osai.score is not None


def _epoch_label(view: ReleaseView, component: str = "model_accessibility") -> str | None:
    epoch = view.epoch
    entry = ((epoch.accessibility if epoch is not None else None) or {}).get(component)
    return (entry.label if entry is not None else None)


def _shorten(reason: str, limit: int = 150) -> str:
    reason = " ".join(str(reason).split()).rstrip(".")
    return reason if len(reason) <= limit else reason[: limit - 1].rstrip() + "…"


def _norm_name(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def effective_license(view: ReleaseView) -> tuple[LicenseView, str]:
    """The release's licence as :func:`openexplorer.views.release.license_view` describes it,
    and where it is from (``"release"``); when the release names none, the licence the MOT
    record gives its final weights (``"MOT weights component"``)."""
    lic = view.license
    if lic.recognised or lic.as_written:
        return lic, "release"
    weights = (view.mof.components or {}).get("Model parameters (Final)")
    if weights is not None and weights.license:
        return license_view(weights.license), "MOT weights component"
    return lic, "release"


def use_restrictions(lic: LicenseView) -> list[str]:
    """The licence's restrictions on use, in words ("an acceptable-use policy", …)."""
    kinds = [r.kind for r in lic.restrictions]
    words = [_RESTRICTION_WORDS[k] for k in dict.fromkeys(kinds) if k in USE_RESTRICTIONS]
    if not words and lic.commercial_use == "not allowed":
        words.append(_RESTRICTION_WORDS["non-commercial"])
    return words


def _license_name(lic: LicenseView) -> str:
    return str(lic.name or lic.id or lic.as_written or "unknown licence")


# --- the rows -----------------------------------------------------------------------------------


def _mof_row(view: ReleaseView) -> FrameworkRow:
    m = view.mof
    if not m.source:
        return _not_assessed("mof", "no MOT record")
    name, unit = FRAMEWORKS["mof"]
    cls = m.class_
    progress = m.progress or {}
    total = m.total
    status = "open" if cls == "I" else "partial" if cls in ("II", "III") else "closed"
    source = m.source
    label = "progress " + ", ".join(
        f"{c} {progress[c]:.0f} %" for c in ("III", "II", "I") if progress.get(c) is not None)
    if cls:
        label = f"{m.label or 'Class ' + cls} · {label}"
    return FrameworkRow(
        "mof", name, unit, f"Class {cls}" if cls else "Unclassified",
        None if total is None else total / 100, label, status,
        "Hub metadata (automated)" if m.provisional else _cite("MOT", source),
        _date_of(source), bool(m.provisional), source.url)


def _osai_row(view: ReleaseView) -> FrameworkRow:
    o = view.osai
    if o.score is None:
        return _not_assessed("osai", "not in the index")
    name, unit = FRAMEWORKS["osai"]
    groups = o.groups or {}
    label = " · ".join(f"{g.name} {groups[g.ref]:.2f}" for g in osai_rules.GROUPS
                       if groups.get(g.ref) is not None)
    source = o.source
    return FrameworkRow(
        "osai", name, unit, f"{o.score:.2f}", float(o.score), label,
        _nearest_stop(o.score),
        "Hub metadata (automated)" if o.provisional else _cite("Index", source),
        _date_of(source), bool(o.provisional), (source.url if source is not None else None))


def _osaid_row(view: ReleaseView) -> FrameworkRow:
    o = view.osaid
    name, unit = FRAMEWORKS["osaid"]
    verdict = o.verdict or "unknown"
    basis = o.basis or "none"
    if basis == "none":
        return _not_assessed("osaid", "nothing to check the checklist against")
    reasons = o.reasons
    source = (view.mof.source if basis == "mof" else view.osai.source if basis == "osai"
              else None)
    status = {"pass": "open", "fail": "closed"}.get(verdict, "unknown")
    label = _shorten(reasons[0]) if reasons else ""
    if len(reasons) > 1:
        label += f" (+{len(reasons) - 1} more)"
    basis_label = {"mof": "from the MOT record", "osai": "from the index"}.get(basis, basis)
    if o.provisional:
        basis_label = "from Hub metadata (automated)"
    return FrameworkRow("osaid", name, unit, verdict, None, label, status,
                        f"computed {basis_label}", _date_of(source), bool(o.provisional),
                        source.url if source is not None else None)


def _osi_row(view: ReleaseView) -> FrameworkRow:
    published = view.osaid.osi_published
    if not published:
        return _not_assessed("osi", "OSI validated 12 systems in 2024; this is not one of them")
    pub = published[0]
    name, unit = FRAMEWORKS["osi"]
    outcome = pub.outcome or ""
    status = {"pass": "open", "would_pass_if_license_changed": "partial",
              "fail": "closed"}.get(outcome, "unknown")
    return FrameworkRow("osi", name, unit, _OSI_OUTCOMES.get(outcome, outcome), None,
                        f"OSI validated {pub.system}", status,
                        f"OSI · {pub.system}", _date_of(pub), False, pub.url)


def _fmti_row(view: ReleaseView) -> FrameworkRow:
    f = view.fmti
    if not f:
        return _not_assessed("fmti", "the developer is not in the FMTI")
    name, unit = FRAMEWORKS["fmti"]
    total = f.total
    score = None if total is None else float(total) / 100
    verdict = "–" if total is None else f"{total:g}/100"
    return FrameworkRow("fmti", name, unit, verdict, score,
                        f"{f.developer}, {f.edition} edition (developer level)",
                        _nearest_stop(score), _cite("FMTI", f.source),
                        str(f.edition or "") or _date_of(f.source), False,
                        f.source.url)


def _access_label(access: EpochAccess | None) -> str | None:
    return access.label if access is not None else None


def _epoch_row(view: ReleaseView) -> FrameworkRow:
    e = view.epoch
    if not e:
        return _not_assessed("epoch", "not among Epoch's notable models")
    name, unit = FRAMEWORKS["epoch"]
    acc = e.accessibility
    model = acc.get("model_accessibility")
    parts = [f"{what} {_access_label(acc.get(key)) or '–'}"
             for key, what in (("training_code", "training code:"),
                               ("inference_code", "inference code:"))]
    return FrameworkRow("epoch", name, unit, (model.label if model is not None else None) or "no accessibility given",
                        None, " · ".join(parts), (model.status if model is not None else None) or "unknown",
                        _cite("Epoch AI", e.source), _date_of(e.source), False,
                        e.source.url)


_ROWS: tuple[Callable[[ReleaseView], FrameworkRow], ...] = (
    _mof_row, _osai_row, _osaid_row, _osi_row, _fmti_row, _epoch_row)


# --- the rules ----------------------------------------------------------------------------------
# Each rule takes the release view and returns a Disagreement or None. docs/crossframework.md
# describes each one under its name.


def gated_weights(view: ReleaseView) -> Disagreement | None:
    """The weights sit behind a gate (Hub gating, or the index rates them partial) while a
    framework that does not look at gates counts them as open."""
    hub = view.hub
    gate = (hub.gated if hub is not None else None) if (hub.gated if hub is not None else None) in ("manual", "auto") else None
    dims = view.osai.dimensions or {}
    index_partial = _index_assessed(view) and dims.get("weights_endmodel") == "partial"
    if not gate and not index_partial:
        return None
    mof_counts = _mof_state(view, "Model parameters (Final)") in _COUNTED
    index_open = _index_assessed(view) and dims.get("weights_endmodel") == "open"
    epoch_open = _epoch_label(view) == "Open weights (unrestricted)"
    ignorers = []
    if mof_counts:
        ignorers.append(("mof", "MOF counts the licence, not the gate"))
    if gate and index_open:
        ignorers.append(("osai", "the index rates the weights open"))
    if gate and epoch_open:
        ignorers.append(("epoch", "Epoch says 'Open weights (unrestricted)'"))
    if not ignorers:
        return None
    what = (f"gated weights (Hub: {'manual' if gate == 'manual' else 'automatic'} approval)"
            if gate else "gated weights")
    seen = "the index says partial; " if index_partial else ""
    frameworks = (("hub",) if gate else ()) + (("osai",) if index_partial else ()) + \
        tuple(k for k, _ in ignorers)
    return Disagreement("gated_weights",
                        f"{what}: {seen}" + "; ".join(t for _, t in ignorers),
                        tuple(dict.fromkeys(frameworks)))


def weights_licence_type(view: ReleaseView) -> Disagreement | None:
    """An open licence for code (Apache-2.0, MIT…) on the weights: the MOT counts it, with a
    warning that it is not a type-appropriate (data) licence."""
    comps = view.mof.components or {}
    weights = comps.get("Model parameters (Final)")
    if (weights.state if weights is not None else None) != "open-with-warning":
        return None
    return Disagreement(
        "weights_licence_type",
        f"{(weights.license if weights is not None else None)} on weights: open for MOF but not a type-appropriate licence "
        "(open with warning)", ("mof",))


def _published(view: ReleaseView) -> OsiPublished | None:
    published = view.osaid.osi_published
    return published[0] if published else None


def osaid_vs_osi(view: ReleaseView) -> Disagreement | None:
    """The OSAID verdict computed here differs from the outcome OSI published; the line gives
    the computed verdict's first reason."""
    pub = _published(view)
    o = view.osaid
    if pub is None or not o:
        return None
    outcome: Any = pub.outcome  # as OSI published it (a key of _OSI_OUTCOMES)
    verdict = o.verdict or "unknown"
    agree = (outcome == "pass" and verdict == "pass") or (
        outcome in ("fail", "would_pass_if_license_changed") and verdict == "fail")
    if agree:
        return None
    reasons = o.reasons
    why = _shorten(reasons[0], 170) if reasons else "no reason recorded"
    if verdict == "pass":
        why = "every checklist item is met in our evidence"
    return Disagreement(
        "osaid_vs_osi",
        f"OSAID: OSI published {_OSI_OUTCOMES.get(outcome, outcome)} for {pub.system} "
        f"({pub.assessed_date or pub.source_version}); the verdict computed here "
        f"is {verdict} — {why}", ("osi", "osaid"))


def osi_other_system(view: ReleaseView) -> Disagreement | None:
    """OSI's outcome was published for another member of the family (e.g. Llama 2 for a Llama
    3.1 release): it is carried over, not a judgement of this release."""
    pub = _published(view)
    if pub is None:
        return None
    system = _norm_name(pub.system)
    names = {_norm_name(view.name), _norm_name(view.id)}
    if system and any(system in n for n in names if n):
        return None
    return Disagreement(
        "osi_other_system",
        f"OSI's published outcome is for {pub.system}, not {view.name}: OSI "
        "validated systems, and the outcome is carried over from the family", ("osi",))


def mof_vs_index(view: ReleaseView) -> Disagreement | None:
    """An MOF class with an index score under 0.5, or an index score of 0.5 or more without an
    MOF class: which dimensions or components explain it."""
    if not (_mof_assessed(view) and _index_assessed(view)):
        return None
    m, o = view.mof, view.osai
    assert o.score is not None  # _index_assessed
    score, cls = float(o.score), m.class_
    dims = o.dimensions or {}
    comps = m.components or {}
    if cls and score < INDEX_SPLIT:
        parts = []
        for ref, status in dims.items():
            if status not in ("closed", "partial"):
                continue
            component, note = INDEX_TO_MOF.get(ref, (None, ""))
            found = comps.get(component) if component else None
            state = found.state if found is not None else None
            if component is None:
                parts.append(f"{_dim_name(ref)} {status} ({note or 'not assessed by the MOF'})")
            elif state in _COUNTED:
                parts.append(f"{_dim_name(ref)} {status} (MOF counts {component})")
            else:
                parts.append(f"{_dim_name(ref)} {status}")
        return Disagreement(
            "mof_vs_index",
            f"MOF Class {cls} but index score {score:.2f} (< {INDEX_SPLIT}): the index rates "
            + ", ".join(parts), ("mof", "osai"))
    if cls is None and score >= INDEX_SPLIT:
        from openexplorer.frameworks import mof as mof_rules

        short = []
        for comp in mof_rules.COMPONENTS:
            if comp.mof_class != 3 or not comp.required:
                continue
            entry = comps.get(comp.name)
            state = entry.state if entry is not None else None
            if entry is None or state in _COUNTED or state is None:
                continue
            paper = comps.get("Research paper")
            if comp.name == "Technical report" and paper is not None and \
                    paper.state in _COUNTED:
                continue
            lic = f" ({entry.license})" if state == "invalid" and entry.license else ""
            short.append(f"{comp.name} {state}{lic}")
        why = ", ".join(short) or "a class below III is incomplete"
        return Disagreement(
            "mof_vs_index",
            f"index score {score:.2f} but MOF Unclassified: for Class III the MOF finds {why} — "
            "the index rates availability and documentation, the MOF each component's licence",
            ("osai", "mof"))
    return None


def epoch_vs_licence(view: ReleaseView) -> Disagreement | None:
    """Epoch's weights label and the licence on record disagree about restrictions."""
    label = _epoch_label(view)
    if not label or not label.startswith("Open weights"):
        return None
    lic, _ = effective_license(view)
    if not lic.recognised:
        return None
    words = use_restrictions(lic)
    name = _license_name(lic)
    if label == "Open weights (unrestricted)" and words:
        return Disagreement(
            "epoch_vs_licence",
            f"Epoch says '{label}' but the licence ({name}) restricts use: " + ", ".join(words),
            ("epoch", "licence"))
    if label != "Open weights (unrestricted)" and not words and \
            lic.commercial_use == "allowed":
        return Disagreement(
            "epoch_vs_licence",
            f"Epoch says '{label}' but the licence on record ({name}) is "
            f"{(lic.category or 'open').lower()} with no use restriction we know of — "
            "Epoch may rate other terms (a use policy, an earlier licence)", ("epoch", "licence"))
    return None


def epoch_vs_mof_licence(view: ReleaseView) -> Disagreement | None:
    """Epoch calls the weights open weights; the MOF finds their licence not open."""
    label = _epoch_label(view)
    if not label or not label.startswith("Open weights"):
        return None
    weights = (view.mof.components or {}).get("Model parameters (Final)")
    if weights is None or weights.state not in ("invalid", "unlicensed"):
        return None
    lic = weights.license
    if weights.state == "unlicensed" or not lic:
        why = "finds them without a licence"
    elif license_view(lic).recognised:
        why = f"rates their licence ({lic}) not open"
    else:
        why = f"cannot read their licence text ({lic!r}) as an open licence"
    return Disagreement(
        "epoch_vs_mof_licence",
        f"weights: Epoch says '{label}'; the MOF {why}, so they do not count towards a class",
        ("epoch", "mof"))


def weights_released(view: ReleaseView) -> Disagreement | None:
    """Epoch and the index (or the MOF) disagree on whether the weights are out at all."""
    label = _epoch_label(view)
    if not label:
        return None
    epoch_out = label.startswith("Open weights")
    epoch_not = label in ("API access", "Hosted access (no API)", "Unreleased")
    dims = view.osai.dimensions or {}
    index = dims.get("weights_endmodel") if _index_assessed(view) else None
    mof_listed = _mof_assessed(view) and _mof_state(view, "Model parameters (Final)") not in \
        (None, "missing")
    if epoch_out and index == "closed":
        return Disagreement(
            "weights_released",
            f"weights: Epoch says '{label}' but the index rates End User Model Weights closed",
            ("epoch", "osai"))
    if epoch_not and (index == "open" or mof_listed):
        other = "the index rates End User Model Weights open" if index == "open" \
            else "the MOT record lists Model parameters (Final)"
        return Disagreement(
            "weights_released", f"weights: Epoch says '{label}' but {other}",
            ("epoch", "osai" if index == "open" else "mof"))
    return None


def fmti_developer_level(view: ReleaseView) -> Disagreement | None:
    """The FMTI scores a developer's transparency on its flagship model, not this release."""
    f = view.fmti
    if not f:
        return None
    total = f.total
    score = "no total" if total is None else f"{total:g}/100"
    return Disagreement(
        "fmti_developer_level",
        f"FMTI scores the developer ({f.developer}, {f.edition}: {score}), not "
        "this release: a transparent developer can ship a closed model and the reverse",
        ("fmti",))


#: Every rule, in the order its lines are shown.
RULES: Mapping[str, Callable[[ReleaseView], Disagreement | None]] = {
    "gated_weights": gated_weights,
    "weights_licence_type": weights_licence_type,
    "osaid_vs_osi": osaid_vs_osi,
    "osi_other_system": osi_other_system,
    "mof_vs_index": mof_vs_index,
    "epoch_vs_licence": epoch_vs_licence,
    "epoch_vs_mof_licence": epoch_vs_mof_licence,
    "weights_released": weights_released,
    "fmti_developer_level": fmti_developer_level,
}


def compare_frameworks(view: ReleaseView) -> CrossFrameworkView:
    """The release under every framework, side by side, and where they disagree."""
    rows = [make(view) for make in _ROWS]
    findings = [found for rule in RULES.values() if (found := rule(view)) is not None]
    return CrossFrameworkView(
        release_id=str(view.id or ""), name=str(view.name or view.id or ""),
        rows=rows, disagreements=[f.text for f in findings], findings=findings)


# --- Markdown -----------------------------------------------------------------------------------


def _md(text: Any) -> str:
    return str(text if text not in (None, "") else "–").replace("|", "\\|").replace("\n", " ")


def markdown(result: CrossFrameworkView, openwashing: Any = None,
             snapshot_date: str | None = None) -> str:
    """The comparison as Markdown: the table, the disagreements, the open-washing flags."""
    out = [f"# {result.name} across frameworks", ""]
    if snapshot_date:
        out += [f"Data snapshot: {snapshot_date}.", ""]
    out += ["| framework | judges | verdict | status | detail | source | date |",
            "|---|---|---|---|---|---|---|"]
    for r in result.rows:
        verdict = r.verdict + (" (provisional, from Hub metadata)" if r.provisional else "")
        out.append(f"| {_md(r.name)} | {_md(r.unit)} | {_md(verdict)} | {r.status} | "
                   f"{_md(r.label)} | {_md(r.source)} | {_md(r.date)} |")
    out += ["", "## Where the frameworks disagree", ""]
    out += [f"- {_md(line)}" for line in result.disagreements] or ["- No disagreement found."]
    if openwashing is not None:
        out += ["", "## Open-washing check", ""]
        claims = getattr(openwashing, "claims", [])
        if not claims:
            out.append("- No openness claim found in what we hold offline.")
        else:
            counted: dict[tuple[str, str], int] = {}
            for c in claims:
                key = (c.phrase.lower(), c.source_label)
                counted[key] = counted.get(key, 0) + 1
            out.append("Claims: " + "; ".join(
                f"\"{phrase}\" ({where})" + (f" ×{n}" if n > 1 else "")
                for (phrase, where), n in counted.items()))
            out.append("")
            out.append(f"Gap between claim and evidence: {openwashing.gap:.2f}")
            out.append("")
            out += [f"- {_md(flag)}" for flag in openwashing.flags] or \
                ["- The evidence we hold supports the claims."]
    return "\n".join(out) + "\n"
