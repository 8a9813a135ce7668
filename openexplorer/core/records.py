"""The shapes every importer produces and the cache stores.

An importer reads one public format and returns an :class:`ImportResult`: a list of
:class:`SourceRecord` (one per thing the source assessed), organisation facts and the problems
it met. Records are *facts as the source wrote them*; framework views (MOF class, index score,
OSAID verdict) are computed from them on read, never stored.

Status vocabulary of :class:`Assessment` per framework:

``mof``
    ``present`` for a component listed in the MOT file (its licence as written in ``license``,
    ``license_given`` true when the component named a licence itself, even blank or
    ``unlicensed``); ``declared`` for a release-wide licence, component ``license:<type>`` with
    type one of distribution, code, data, document.
``osai`` / ``osai-legacy``
    ``open``, ``partial``, ``closed`` or ``unknown`` (blank in the source), per dimension ref.
``osaid``
    component ``verdict``: ``pass``, ``fail`` or ``would_pass_if_license_changed`` (OSI's outcome).
``epoch``
    ``open``, ``partial`` (restricted or non-commercial), ``closed`` or ``unknown``; ``value``
    keeps Epoch's own label ("Open weights (non-commercial)").
``fmti``
    per indicator ``open`` (1, disclosed) or ``closed`` (0); ``value`` holds the score.
``hub``
    derived automatically from Hub metadata, marked as such.
``user``
    the user's own corrections; never overwritten by an import or a refresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Scope = Literal["release", "family", "organization"]

#: Sources in order of authority for display (curated first, automated last).
SOURCES = ("user", "mot", "osai", "osai-legacy", "osi", "epoch", "fmti", "hub")

#: Organisation kinds, as shown in facets.
ORG_KINDS = ("big-tech", "company", "academic", "public", "unknown")


@dataclass(frozen=True)
class Assessment:
    """One source's judgement of one component."""

    framework: str
    component: str
    status: str
    value: str | None = None
    license: str | None = None
    license_given: bool = False
    urls: tuple[str, ...] = ()
    notes: str | None = None


@dataclass
class SourceRecord:
    """What one source says about one release (or family, or organisation).

    ``key`` is the source's own identifier (its file stem or id), stable across imports, so a
    re-import replaces the record instead of adding a second one.
    """

    source: str
    key: str
    name: str
    scope: Scope = "release"
    organization: str | None = None
    family: str | None = None
    release_date: str | None = None  # ISO date, "YYYY-MM-DD" or "YYYY-MM"
    hub_id: str | None = None  # "allenai/OLMo-7B", from a Hub URL the source gave
    modality: str | None = None  # text, code, image, audio, video, multimodal
    parameters: float | None = None
    license: str | None = None  # the headline licence, as the source wrote it
    url: str | None = None  # the source's own page or the evidence link for the release
    source_version: str | None = None  # commit or date of the source data
    assessed_date: str | None = None  # when the source last assessed this record
    assessments: list[Assessment] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)  # other facts (compute, base model…)


@dataclass(frozen=True)
class OrganizationInfo:
    """What a source says about an organisation: its kind and country."""

    name: str
    kind: str | None = None  # one of ORG_KINDS
    country: str | None = None
    source: str | None = None
    label: str | None = None  # the source's own wording, e.g. "Non-academic (American Big Tech)"


@dataclass(frozen=True)
class ImportProblem:
    """A file or row that could not be imported, and why. The rest of the import goes on."""

    path: str
    reason: str


@dataclass
class ImportResult:
    records: list[SourceRecord] = field(default_factory=list)
    organizations: list[OrganizationInfo] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def extend(self, other: ImportResult) -> None:
        self.records.extend(other.records)
        self.organizations.extend(other.organizations)
        self.problems.extend(other.problems)
