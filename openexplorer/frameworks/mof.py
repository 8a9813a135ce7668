"""The Model Openness Framework (MOF) as the Model Openness Tool (MOT) implements it.

Reproduces ``ModelEvaluator`` of lfai/model_openness_tool at the commit of the data we ship,
8b5d30e90a7c62d7d6ece48b91e69ff495920a4d: the file
``web/modules/mof/src/ModelEvaluator.php`` at that commit
(https://github.com/lfai/model_openness_tool/blob/8b5d30e90a7c62d7d6ece48b91e69ff495920a4d/web/modules/mof/src/ModelEvaluator.php),
last changed by 115b581 "Cleanup ModelEvaluator." (2025-06-20), which replaced the
``!array_search(11, …)`` test (index 0 is falsy in PHP) with ``handleTechnicalReportOmission``
and an explicit ``getComponentStatus``. It decides which licence a component has, whether that
licence counts, the per-class progress and the class. The MOT, not the MOF paper, is the
reference: its results are what users see on mot.isitopen.ai, its rules included (non-SPDX
spellings are invalid, a lower class shows 0 % until the higher one is complete).

The licence tables come from ``resources/mof_licenses.json`` (built by
``scripts/build_mof_license_table.py``); nothing here reads the shared source data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

from openexplorer.core.records import Assessment

ContentType = Literal["code", "data", "document"]
ClassName = Literal["I", "II", "III"]
State = Literal["included", "open-with-warning", "invalid", "unlicensed", "missing"]
LicenseSource = Literal["component", "type", "distribution"]

FRAMEWORK = "mof"
LICENSE_TYPES = ("distribution", "code", "data", "document")
#: The component-name prefix of a release-wide licence in stored assessments.
LICENSE_COMPONENT_PREFIX = "license:"

#: States that count towards progress.
COUNTING_STATES: frozenset[str] = frozenset({"included", "open-with-warning"})

UNCLASSIFIED = "Unclassified"
#: The MOT's labels (``ModelEvaluator::getClassLabel``); ``None`` is no class.
CLASS_LABELS: Mapping[ClassName | None, str] = {
    "I": "Class I - Open Science Model",
    "II": "Class II - Open Tooling Model",
    "III": "Class III - Open Model",
    None: UNCLASSIFIED,
}

_CLASS_NAMES: dict[int, ClassName] = {3: "III", 2: "II", 1: "I"}
_TECHNICAL_REPORT = 11
_RESEARCH_PAPER = 21
_UNLICENSED = "unlicensed"  # the MOT's marker for "no licence", compared case-sensitively


@dataclass(frozen=True)
class Component:
    """One MOF component as defined in the MOT's ``mof.settings.yml``."""

    id: int
    name: str  # the exact string model files use
    content_type: ContentType
    mof_class: int  # 3, 2 or 1 (III, II, I)
    required: bool

    @property
    def class_name(self) -> ClassName:
        return _CLASS_NAMES[self.mof_class]


#: The 17 components, Class III first, in the order of docs/frameworks.md §1.1.
COMPONENTS: tuple[Component, ...] = (
    Component(9, "Model architecture", "code", 3, True),
    Component(10, "Model parameters (Final)", "data", 3, True),
    Component(11, "Technical report", "document", 3, True),
    Component(12, "Evaluation results", "document", 3, True),
    Component(13, "Model card", "document", 3, True),
    Component(14, "Data card", "document", 3, True),
    Component(20, "Sample model outputs", "document", 3, False),
    Component(7, "Training code", "code", 2, True),
    Component(8, "Inference code", "code", 2, True),
    Component(18, "Evaluation code", "code", 2, True),
    Component(19, "Evaluation data", "data", 2, True),
    Component(22, "Supporting libraries and tools", "code", 2, False),
    Component(15, "Datasets", "data", 1, True),
    Component(16, "Data preprocessing code", "code", 1, True),
    Component(24, "Model parameters (Intermediate)", "data", 1, True),
    Component(21, "Research paper", "document", 1, True),
    Component(17, "Model metadata", "data", 1, False),
)
COMPONENTS_BY_NAME: Mapping[str, Component] = {c.name: c for c in COMPONENTS}
_BY_ID: dict[int, Component] = {c.id: c for c in COMPONENTS}


def required_ids(mof_class: int) -> tuple[int, ...]:
    """Ids of the components a class adds to the ones below it (not cumulative)."""
    return tuple(c.id for c in COMPONENTS if c.mof_class == mof_class and c.required)


# --- licence tables -------------------------------------------------------------------------


@dataclass(frozen=True)
class LicenseTable:
    """Which licence ids the MOT treats as open, and which suit each content type."""

    open: frozenset[str]
    type_appropriate: Mapping[str, frozenset[str]]
    source_commit: str | None = None
    attribution: str = ""


@lru_cache(maxsize=1)
def license_table() -> LicenseTable:
    """The shipped table (``openexplorer.resources/mof_licenses.json``), loaded once."""
    path = resources.files("openexplorer.resources") / "mof_licenses.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    return LicenseTable(
        open=frozenset(raw["open"]),
        type_appropriate={t: frozenset(ids) for t, ids in raw["type_appropriate"].items()},
        source_commit=raw.get("source", {}).get("commit"),
        attribution=raw.get("attribution", ""),
    )


def is_open_license(license_id: str | None) -> bool:
    """OSI-approved or FSF-libre (SPDX flags as the MOT has them), an open-data licence, or
    OpenMDW-1.0. Exact, case-sensitive ids: "Apache 2.0" is not "Apache-2.0"."""
    return license_id is not None and license_id in license_table().open


def is_type_appropriate(license_id: str | None, content_type: str) -> bool:
    """Whether the MOT lists the licence for this content type (code, data, document)."""
    ids = license_table().type_appropriate.get(content_type, frozenset())
    return license_id is not None and license_id in ids


# --- inputs and results ---------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentInput:
    """A component as listed in a model file.

    ``license`` is the component's licence as written; ``license_given`` says whether the file
    had a ``license`` key for it at all (a given blank or ``unlicensed`` means *no licence*
    and does not fall back to the release-wide licences).
    """

    license: str | None = None
    license_given: bool = False


@dataclass(frozen=True)
class ComponentOutcome:
    """How one component fared."""

    component: Component
    state: State
    license: str | None = None  # the resolved licence; None when unlicensed or missing
    license_source: LicenseSource | None = None  # where the licence (or its absence) came from
    type_appropriate: bool = False
    warning: str | None = None

    @property
    def counts(self) -> bool:
        """Whether the component counts towards progress (open, with or without warning)."""
        return self.state in COUNTING_STATES


@dataclass(frozen=True)
class MofResult:
    """The MOT's verdict on one release."""

    mof_class: ClassName | None
    label: str
    progress: Mapping[str, float]  # {"III": …, "II": …, "I": …}, percentages, unrounded
    total: float  # mean of the three, the MOT's sort key
    components: tuple[ComponentOutcome, ...]  # all 17, in COMPONENTS order
    # The research paper was counted for Classes III and II in place of the technical report.
    research_paper_substitutes: bool = False
    unknown_components: tuple[str, ...] = ()  # listed names that are not MOF components
    licenses: Mapping[str, str | None] = field(default_factory=dict)  # release-wide, as given

    def component(self, name: str) -> ComponentOutcome:
        """The outcome for a component by its exact name."""
        for outcome in self.components:
            if outcome.component.name == name:
                return outcome
        raise KeyError(name)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(o.warning for o in self.components if o.warning)


# --- evaluation -----------------------------------------------------------------------------


def _blank(value: str | None) -> bool:
    return value is None or not value.strip()


def resolve_license(
    component: Component, given: ComponentInput, licenses: Mapping[str, str | None]
) -> tuple[str | None, LicenseSource | None]:
    """The licence the MOT applies to a listed component, and where it came from.

    Order (``ModelEvaluator::resolveLicense``): the component's own licence when it has a
    ``license`` key, even blank or ``unlicensed`` (no fallback then); else the release licence
    for the component's content type; else the distribution licence; else none. Blank comes
    back as None; the literal ``unlicensed`` comes back as written (it means no licence).
    """
    if given.license_given:
        return (None if _blank(given.license) else given.license), "component"
    by_type = licenses.get(component.content_type)
    if not _blank(by_type):
        return by_type, "type"
    distribution = licenses.get("distribution")
    if not _blank(distribution):
        return distribution, "distribution"
    return None, None


def _outcome(
    component: Component, given: ComponentInput | None, licenses: Mapping[str, str | None]
) -> ComponentOutcome:
    if given is None:
        return ComponentOutcome(component, "missing")
    license_id, source = resolve_license(component, given, licenses)
    if license_id is None or license_id == _UNLICENSED:
        return ComponentOutcome(component, "unlicensed", None, source)
    appropriate = is_type_appropriate(license_id, component.content_type)
    if not is_open_license(license_id):
        return ComponentOutcome(component, "invalid", license_id, source, appropriate)
    if appropriate:
        return ComponentOutcome(component, "included", license_id, source, True)
    warning = (
        f"{component.name} of type {component.content_type} has an open license "
        f"({license_id}) but should have a type-appropriate open license"
    )
    return ComponentOutcome(component, "open-with-warning", license_id, source, False, warning)


def _progress(counted: Mapping[int, int], mof_class: int, paper_replaces_report: bool) -> float:
    """``ModelEvaluator::getProgress``: percentage of a class's cumulative requirements met.

    ``counted[c]`` is how many required components of classes III..c count (with the research
    paper added for III and II when it stands in for the technical report). A higher class
    that is not complete stops the count: every lower class then shows 0.
    """
    total = 0
    for level in range(3, mof_class - 1, -1):
        total += len(required_ids(level))
        if counted[level] < total:
            if level > mof_class:
                return 0.0
            break
    if mof_class == 1 and paper_replaces_report:
        total -= 1  # Class I: the paper replaces the report, one requirement fewer
    # Report and paper both counting can exceed the requirement; the MOT caps at 100.
    return min(100.0, counted[mof_class] / total * 100)


def evaluate(
    components: Mapping[str, ComponentInput], licenses: Mapping[str, str | None]
) -> MofResult:
    """Evaluate a release: ``components`` by exact MOF name, ``licenses`` the release-wide
    licences by type (distribution, code, data, document). Unknown names are ignored."""
    outcomes = {c.id: _outcome(c, components.get(c.name), licenses) for c in COMPONENTS}
    counting = {cid for cid, o in outcomes.items() if o.counts}
    report, paper = outcomes[_TECHNICAL_REPORT], outcomes[_RESEARCH_PAPER]

    # ``handleTechnicalReportOmission``: when the technical report is not "included" (it does
    # not count), a research paper listed at all (even invalid or unlicensed; its status is not
    # null) takes the report out of "missing" and is added, with its own status, to Classes III
    # and II. A counting report is never joined by the paper.
    substitutes = not report.counts and paper.state != "missing"

    counted: dict[int, int] = {}
    cumulative: list[int] = []
    for level in (3, 2, 1):
        cumulative.extend(required_ids(level))
        counted[level] = sum(1 for cid in cumulative if cid in counting)
        if substitutes and level in (3, 2) and paper.counts:
            counted[level] += 1

    paper_replaces_report = not report.counts and paper.counts
    progress_by_level = {
        level: _progress(counted, level, paper_replaces_report) for level in (3, 2, 1)
    }

    # Lowest qualifying class wins (the MOT checks III, II, I and keeps the last at 100 %).
    mof_class: ClassName | None = None
    for level in (3, 2, 1):
        if progress_by_level[level] == 100.0:
            mof_class = _CLASS_NAMES[level]

    total = 0.0
    for level in (3, 2, 1):  # the MOT's summation order
        total += progress_by_level[level]

    return MofResult(
        mof_class=mof_class,
        label=CLASS_LABELS[mof_class],
        progress={_CLASS_NAMES[level]: progress_by_level[level] for level in (3, 2, 1)},
        total=total / 3,
        components=tuple(outcomes[c.id] for c in COMPONENTS),
        research_paper_substitutes=substitutes,
        unknown_components=tuple(n for n in components if n not in COMPONENTS_BY_NAME),
        licenses=dict(licenses),
    )


def inputs_from_assessments(
    assessments: Iterable[Assessment],
) -> tuple[dict[str, ComponentInput], dict[str, str | None]]:
    """Split stored ``mof`` assessments into :func:`evaluate`'s two arguments.

    ``present`` rows are listed components; ``declared`` rows named ``license:<type>`` are
    the release-wide licences. Rows of other frameworks are ignored; a later row wins.
    """
    components: dict[str, ComponentInput] = {}
    licenses: dict[str, str | None] = {}
    for row in assessments:
        if row.framework != FRAMEWORK:
            continue
        if row.status == "present":
            components[row.component] = ComponentInput(row.license, row.license_given)
        elif row.status == "declared" and row.component.startswith(LICENSE_COMPONENT_PREFIX):
            license_type = row.component[len(LICENSE_COMPONENT_PREFIX):]
            if license_type in LICENSE_TYPES:
                licenses[license_type] = row.license
    return components, licenses


def evaluate_assessments(assessments: Iterable[Assessment]) -> MofResult:
    """:func:`evaluate` from the stored form (see :mod:`openexplorer.core.records`)."""
    components, licenses = inputs_from_assessments(assessments)
    return evaluate(components, licenses)
