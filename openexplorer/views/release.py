"""Framework views of a release, computed from the cache's assessments on read.

Nothing here is stored: a change of a framework's rules needs no migration. Every figure names
the record (source, key, version, date) it was computed from, so the UI and exports can cite it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any, cast

from openexplorer.core import licenses
from openexplorer.db import queries
from openexplorer.db.cache import Cache
from openexplorer.frameworks import mof, osai, osaid
from openexplorer.views import facts, lineage, source_checks
from openexplorer.views.model import (
    BaseLink,
    Change,
    Citation,
    EpochAccess,
    EpochView,
    EvidenceRow,
    FamilyRelease,
    FmtiEdition,
    FmtiView,
    HubBaseModel,
    HubEvidence,
    HubView,
    LegacyView,
    LicenseView,
    MofComponent,
    MofView,
    OsaiClass,
    OsaiView,
    OsaidView,
    OsiPublished,
    ReleaseView,
    Restriction,
    SourceRef,
    UserCitation,
)


def _latest(records: list[dict[str, Any]], source: str) -> dict[str, Any] | None:
    """The record of ``source`` assessed last (the index's current file wins a tie)."""
    candidates = [r for r in records if r["source"] == source and r["scope"] == "release"]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r["assessed_date"] or "", "/" not in r["key"]))


def _cite(record: dict[str, Any] | None) -> Citation | None:
    if record is None:
        return None
    return Citation(record["source"], record["key"], record["source_version"],
                    record["assessed_date"], record["url"])


def mof_view(records: list[dict[str, Any]]) -> MofView:
    user = [a for r in records if r["source"] == "user" for a in r["assessments"]
            if a.framework == "mof"]
    record = _latest(records, "mot")
    provisional = False
    if record is None:
        # No curated MOT record: a provisional breakdown from Hub metadata, marked as such.
        record = _with_framework(_latest(records, "hub"), "mof")
        provisional = record is not None
    if record is None and not user:
        return MofView(components={})
    assessments = [a for a in (record["assessments"] if record else []) if a.framework == "mof"]
    if user:  # the user's corrections replace the source's entry for the same component
        corrected = {a.component for a in user}
        assessments = [a for a in assessments if a.component not in corrected] + user
    result = mof.evaluate_assessments(assessments)
    return MofView(
        class_=result.mof_class,
        label=result.label,
        progress=cast("dict[mof.ClassName, float]", dict(result.progress)),
        total=result.total,
        components={
            o.component.name: MofComponent(o.state, o.license, o.license_source,
                                           o.type_appropriate, o.warning,
                                           o.component.class_name)
            for o in result.components
        },
        source=_cite(record) or UserCitation(),
        provisional=provisional,
    )


def osai_view(records: list[dict[str, Any]], modality: str | None) -> OsaiView:
    record = _latest(records, "osai")
    provisional = False
    if record is None:
        record = _with_framework(_latest(records, "hub"), "osai")
        provisional = record is not None
    if record is None:
        return OsaiView()
    assessments = [a for a in record["assessments"] if a.framework == "osai"]
    result = osai.score_assessments(assessments, record.get("modality") or modality)
    dimensions = cast("dict[str, OsaiClass | None]", dict(result.dimensions))
    return OsaiView(result.score, dict(result.groups), dimensions, _cite(record), provisional)


def _with_framework(record: dict[str, Any] | None, framework: str) -> dict[str, Any] | None:
    """``record`` if it carries assessments of ``framework``, else None."""
    if record and any(a.framework == framework for a in record["assessments"]):
        return record
    return None


def legacy_view(records: list[dict[str, Any]]) -> LegacyView | None:
    record = _latest(records, "osai-legacy")
    if record is None:
        return None
    classes = {a.component: a.status for a in record["assessments"]}
    return LegacyView(osai.legacy_score(classes), classes, Citation.from_dict(record))


def osaid_view(records: list[dict[str, Any]]) -> OsaidView:
    assessments = []
    for source in ("mot", "osai"):
        record = _latest(records, source)
        if record:
            assessments.extend(record["assessments"])
    provisional = not assessments
    if provisional:
        hub = _latest(records, "hub")
        assessments = [a for a in (hub["assessments"] if hub else [])
                       if a.framework in ("mof", "osai")]
    result = osaid.verdict(assessments)
    verdict, reasons = result.verdict, list(result.reasons)
    if provisional:
        reasons = [r.replace("not listed in the MOT record", "not found in the Hub metadata")
                   for r in reasons]
    if provisional and verdict == "fail" and not any("licen" in r.lower() for r in reasons):
        # Hub metadata cannot show training code or data being absent, only not inferred:
        # without a licence reason, that is not enough to fail a model.
        verdict = "unknown"
        reasons.append("Hub metadata alone cannot show that these components are unavailable; "
                       "unknown until a curated assessment exists.")
    published = tuple(
        OsiPublished(r["name"], a.status, r["source"], r["key"], r["source_version"],
                     r["assessed_date"], r["url"])
        for r in records if r["source"] == "osi" for a in r["assessments"]
    )
    return OsaidView(verdict, tuple(reasons), result.basis,
                     provisional and bool(assessments), published)


def epoch_view(records: list[dict[str, Any]]) -> EpochView | None:
    record = _latest(records, "epoch")
    if record is None:
        return None
    return EpochView(
        {a.component: EpochAccess(a.status, a.value) for a in record["assessments"]},
        record["data"].get("training_compute_flop"),
        Citation.from_dict(record),
    )


def fmti_view(records: list[dict[str, Any]]) -> FmtiView | None:
    editions = [r for r in records if r["source"] == "fmti"]
    if not editions:
        return None
    latest = max(editions, key=lambda r: r["release_date"] or "")
    return FmtiView(
        developer=latest["name"],
        edition=latest["data"].get("edition") or latest["release_date"],
        total=latest["data"].get("total"),
        history=tuple(sorted(
            (FmtiEdition(r["release_date"], r["data"].get("total")) for r in editions),
            key=lambda e: e.edition or "",
        )),
        source=Citation.from_dict(latest),
    )


def hub_view(records: list[dict[str, Any]]) -> HubView | None:
    """What the Hub's metadata says (automated): gating, weights, datasets, lineage, card."""
    record = _latest(records, "hub")
    if record is None:
        return None
    data = record["data"]
    card = data.get("card") if isinstance(data.get("card"), dict) else {}
    return HubView(
        gated=data.get("gated"),
        private=data.get("private"),
        downloads=data.get("downloads"),
        likes=data.get("likes"),
        library=data.get("library_name"),
        pipeline_tag=data.get("pipeline_tag"),
        datasets=tuple(data.get("datasets") or ()),
        base_models=tuple(HubBaseModel.from_dict(b) for b in data.get("base_models") or ()),
        arxiv=tuple(data.get("arxiv") or ()),
        weight_files=len(data.get("weight_files") or []),
        card_completeness=card.get("completeness"),
        license_name=data.get("license_name"),
        license_link=data.get("license_link"),
        eu_disallowed=data.get("eu_disallowed"),
        extra_gated_fields=tuple(data.get("extra_gated_fields") or ()),
        fetched_at=data.get("fetched_at"),
        evidence={a.component: HubEvidence(a.status, a.value, tuple(a.urls))
                  for a in record["assessments"] if a.framework == "hub"},
        source=Citation.from_dict(record),
    )


def license_view(text: str | None) -> LicenseView:
    info = licenses.identify(text)
    return LicenseView(
        id=info.id,
        spdx_id=info.spdx_id,
        as_written=info.as_written,
        name=info.name,
        recognised=info.recognised,
        category=info.category,
        osi_approved=info.osi_approved,
        commercial_use=info.commercial_use,
        restrictions=tuple(Restriction(r.kind, r.summary, r.clause, r.source_url)
                           for r in info.restrictions),
    )


def release_view(cache: Cache, release_id: str, *, detail: bool = True) -> ReleaseView | None:
    """Everything known about one release, every framework at once (typed:
    :class:`openexplorer.views.model.ReleaseView`; :func:`openexplorer.views.model.to_json`
    gives its JSON).

    ``detail=False`` leaves out per-component evidence (for listings and exports of many rows).
    """
    release = cache.release(release_id)
    if release is None:
        return None
    records = cache.records_for(release_id)
    organization = (cache.organization(release["organization_id"])
                    if release["organization_id"] else None)
    release_facts = facts.release_facts(records, name=release["name"], hub_id=release["hub_id"])
    mof_part = mof_view(records)
    hub = hub_view(records)
    view = ReleaseView(
        id=release["id"],
        name=release["name"],
        family=release["family"],
        family_id=release["family_id"],
        organization=release["organization"],
        organization_id=release["organization_id"],
        organization_kind=organization["kind"] if organization else None,
        country=organization["country"] if organization else None,
        release_date=release["release_date"],
        hub_id=release["hub_id"],
        modality=release["modality"],
        parameters=release["parameters"],
        origin=release["origin"],
        sources=tuple(SourceRef(r["source"], r["key"]) for r in records
                      if r["scope"] == "release"),
        license=dataclasses.replace(
            license_view(release["license"]),
            # Epoch's accessibility has the last word on commercial use (views.facts).
            commercial_use=release_facts.commercial_use.value or "unknown"),
        facts=release_facts,
        mof=dataclasses.replace(mof_part, components=None) if not detail else mof_part,
        osai=osai_view(records, release["modality"]),
        osaid=osaid_view(records),
        source_checks=source_checks.release_checks(records),
        hub=hub,
    )
    if not detail:
        return view
    chain = lineage.base_chain(cache, release_id) if hub else ()
    family_id = release["family_id"]
    return dataclasses.replace(
        view,
        osai_legacy=legacy_view(records),
        epoch=epoch_view(records),
        fmti=fmti_view(records),
        base_chain=chain,
        inherited_limits=tuple(_limits_from(cache, chain)) if chain else (),
        evidence=tuple(_with_outcomes(evidence_rows(records), mof_part)),
        family_releases=tuple(
            FamilyRelease(f["id"], f["name"], f["release_date"])
            for f in (cache.family_releases(family_id) if family_id else [])),
        # All of them (family_releases lists the curated ones and the most downloaded others).
        family_size=cache.family_size(family_id) if family_id else 0,
        changes=tuple(Change(c["field"], c["old"], c["new"], c["source"], c["changed_at"])
                      for c in cache.changes_for(release_id)),
    )


def _with_outcomes(rows: list[EvidenceRow], mof_part: MofView) -> Iterator[EvidenceRow]:
    """MOF rows show what the framework made of the component, not only that it is listed:
    the rows of the record the MOF view rests on carry the component's outcome."""
    outcomes = mof_part.components or {}
    cited = mof_part.source.source if mof_part.source is not None else None
    for row in rows:
        outcome = outcomes.get(row.component) if row.framework == "mof" else None
        if outcome and row.source == cited:
            row = dataclasses.replace(row, outcome=outcome.state,
                                      resolved_license=outcome.license,
                                      license_source=outcome.license_source)
        yield row


def inherited_limits(cache: Cache, release_id: str) -> list[str]:
    """One line per limit a release inherits from its base models, nearest base first: each
    base's view read by :func:`openexplorer.views.lineage.limits_from_bases`."""
    return _limits_from(cache, lineage.base_chain(cache, release_id))


def _limits_from(cache: Cache, chain: Sequence[BaseLink]) -> list[str]:
    views: dict[str, ReleaseView | None] = {}
    for entry in chain:
        rid = entry.release_id
        if (entry.known and isinstance(rid, str) and rid not in views
                and not entry.cycle and not entry.seen):
            views[rid] = release_view(cache, rid, detail=False)
    return lineage.limits_from_bases(chain, views)


def evidence_rows(records: list[dict[str, Any]]) -> list[EvidenceRow]:
    """One row per assessment: component, status, licence, links, source, date, curated?"""
    return [
        EvidenceRow(
            framework=a.framework,
            component=a.component,
            status=a.status,
            value=a.value,
            notes=a.notes,
            license=a.license,
            urls=tuple(a.urls),
            source=record["source"],
            key=record["key"],
            scope=record["scope"],
            assessed_date=record["assessed_date"],
            source_version=record["source_version"],
            automated=record["source"] == "hub",
        )
        for record in records for a in record["assessments"]
    ]


def summary_row(view: ReleaseView) -> dict[str, Any]:
    """The headline figures of a release, flat, for tables and CSV."""
    progress = view.mof.progress or {}
    return {
        "id": view.id,
        "name": view.name,
        "family": view.family,
        "organization": view.organization,
        "release_date": view.release_date,
        "license": view.license.id or view.license.as_written,
        "license_category": view.license.category,
        "mof_class": view.mof.class_,
        "mof_progress_III": progress.get("III"),
        "mof_progress_II": progress.get("II"),
        "mof_progress_I": progress.get("I"),
        "osai_score": view.osai.score,
        "osaid_verdict": view.osaid.verdict,
    }


def popular_release_names(cache: Cache, limit: int = 20_000) -> list[tuple[str, str]]:
    """``(name, release id)`` of the ``limit`` most popular releases, most popular first (the
    window's "Go to model" completions)."""
    return queries.popular_releases(cache, limit)
