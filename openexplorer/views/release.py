"""Framework views of a release, computed from the cache's assessments on read.

Nothing here is stored: a change of a framework's rules needs no migration. Every figure names
the record (source, key, version, date) it was computed from, so the UI and exports can cite it.
"""

from __future__ import annotations

from typing import Any

from openexplorer.core import licenses
from openexplorer.db.cache import Cache
from openexplorer.frameworks import mof, osai, osaid
from openexplorer.views import lineage, source_checks


def _latest(records: list[dict[str, Any]], source: str) -> dict[str, Any] | None:
    """The record of ``source`` assessed last (the index's current file wins a tie)."""
    candidates = [r for r in records if r["source"] == source and r["scope"] == "release"]
    if not candidates:
        return None
    return max(candidates, key=lambda r: (r["assessed_date"] or "", "/" not in r["key"]))


def _cite(record: dict[str, Any] | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "source": record["source"],
        "key": record["key"],
        "source_version": record["source_version"],
        "assessed_date": record["assessed_date"],
        "url": record["url"],
    }


def mof_view(records: list[dict[str, Any]]) -> dict[str, Any]:
    user = [a for r in records if r["source"] == "user" for a in r["assessments"]
            if a.framework == "mof"]
    record = _latest(records, "mot")
    provisional = False
    if record is None:
        # No curated MOT record: a provisional breakdown from Hub metadata, marked as such.
        record = _with_framework(_latest(records, "hub"), "mof")
        provisional = record is not None
    if record is None and not user:
        return {"class": None, "progress": None, "total": None, "label": None, "source": None,
                "components": {}, "provisional": False}
    assessments = [a for a in (record["assessments"] if record else []) if a.framework == "mof"]
    if user:  # the user's corrections replace the source's entry for the same component
        corrected = {a.component for a in user}
        assessments = [a for a in assessments if a.component not in corrected] + user
    result = mof.evaluate_assessments(assessments)
    return {
        "class": result.mof_class,
        "label": result.label,
        "progress": dict(result.progress),
        "total": result.total,
        "components": {
            o.component.name: {
                "state": o.state,
                "license": o.license,
                "license_source": o.license_source,
                "type_appropriate": o.type_appropriate,
                "warning": o.warning,
                "class": o.component.class_name,
            }
            for o in result.components
        },
        "source": _cite(record) or {"source": "user"},
        "provisional": provisional,
    }


def osai_view(records: list[dict[str, Any]], modality: str | None) -> dict[str, Any]:
    record = _latest(records, "osai")
    provisional = False
    if record is None:
        record = _with_framework(_latest(records, "hub"), "osai")
        provisional = record is not None
    if record is None:
        return {"score": None, "groups": {}, "dimensions": {}, "source": None,
                "provisional": False}
    assessments = [a for a in record["assessments"] if a.framework == "osai"]
    result = osai.score_assessments(assessments, record.get("modality") or modality)
    return {
        "score": result.score,
        "groups": dict(result.groups),
        "dimensions": dict(result.dimensions),
        "source": _cite(record),
        "provisional": provisional,
    }


def _with_framework(record: dict[str, Any] | None, framework: str) -> dict[str, Any] | None:
    """``record`` if it carries assessments of ``framework``, else None."""
    if record and any(a.framework == framework for a in record["assessments"]):
        return record
    return None


def legacy_view(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    record = _latest(records, "osai-legacy")
    if record is None:
        return None
    classes = {a.component: a.status for a in record["assessments"]}
    return {"openness": osai.legacy_score(classes), "features": classes,
            "source": _cite(record)}


def osaid_view(records: list[dict[str, Any]]) -> dict[str, Any]:
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
    published = [
        {"system": r["name"], "outcome": a.status, **(_cite(r) or {})}
        for r in records if r["source"] == "osi" for a in r["assessments"]
    ]
    return {"verdict": verdict, "reasons": reasons, "basis": result.basis,
            "provisional": provisional and bool(assessments), "osi_published": published}


def epoch_view(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    record = _latest(records, "epoch")
    if record is None:
        return None
    return {
        "accessibility": {a.component: {"status": a.status, "label": a.value}
                          for a in record["assessments"]},
        "training_compute_flop": record["data"].get("training_compute_flop"),
        "source": _cite(record),
    }


def fmti_view(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    editions = [r for r in records if r["source"] == "fmti"]
    if not editions:
        return None
    latest = max(editions, key=lambda r: r["release_date"] or "")
    return {
        "developer": latest["name"],
        "edition": latest["data"].get("edition") or latest["release_date"],
        "total": latest["data"].get("total"),
        "history": sorted(
            ({"edition": r["release_date"], "total": r["data"].get("total")} for r in editions),
            key=lambda e: e["edition"] or "",
        ),
        "source": _cite(latest),
    }


def hub_view(records: list[dict[str, Any]]) -> dict[str, Any] | None:
    """What the Hub's metadata says (automated): gating, weights, datasets, lineage, card."""
    record = _latest(records, "hub")
    if record is None:
        return None
    data = record["data"]
    card = data.get("card") if isinstance(data.get("card"), dict) else {}
    return {
        "gated": data.get("gated"),
        "private": data.get("private"),
        "downloads": data.get("downloads"),
        "likes": data.get("likes"),
        "library": data.get("library_name"),
        "pipeline_tag": data.get("pipeline_tag"),
        "datasets": data.get("datasets") or [],
        "base_models": data.get("base_models") or [],
        "arxiv": data.get("arxiv") or [],
        "weight_files": len(data.get("weight_files") or []),
        "card_completeness": card.get("completeness"),
        "license_name": data.get("license_name"),
        "license_link": data.get("license_link"),
        "eu_disallowed": data.get("eu_disallowed"),
        "extra_gated_fields": data.get("extra_gated_fields") or [],
        "fetched_at": data.get("fetched_at"),
        "evidence": {a.component: {"status": a.status, "field": a.value, "urls": list(a.urls)}
                     for a in record["assessments"] if a.framework == "hub"},
        "source": _cite(record),
    }


def license_view(text: str | None) -> dict[str, Any]:
    info = licenses.identify(text)
    return {
        "id": info.id,
        "spdx_id": info.spdx_id,
        "as_written": info.as_written,
        "name": info.name,
        "recognised": info.recognised,
        "category": info.category,
        "osi_approved": info.osi_approved,
        "commercial_use": info.commercial_use,
        "restrictions": [
            {"kind": r.kind, "summary": r.summary, "clause": r.clause, "url": r.source_url}
            for r in info.restrictions
        ],
    }


def release_view(cache: Cache, release_id: str, *, detail: bool = True) -> dict[str, Any] | None:
    """Everything known about one release, every framework at once.

    ``detail=False`` leaves out per-component evidence (for listings and exports of many rows).
    """
    release = cache.release(release_id)
    if release is None:
        return None
    records = cache.records_for(release_id)
    organization = (cache.organization(release["organization_id"])
                    if release["organization_id"] else None)
    view: dict[str, Any] = {
        "id": release["id"],
        "name": release["name"],
        "family": release["family"],
        "family_id": release["family_id"],
        "organization": release["organization"],
        "organization_id": release["organization_id"],
        "organization_kind": organization["kind"] if organization else None,
        "country": organization["country"] if organization else None,
        "release_date": release["release_date"],
        "hub_id": release["hub_id"],
        "modality": release["modality"],
        "parameters": release["parameters"],
        "origin": release["origin"],
        "sources": [{"source": r["source"], "key": r["key"]} for r in records
                    if r["scope"] == "release"],
        "license": license_view(release["license"]),
        "mof": mof_view(records),
        "osai": osai_view(records, release["modality"]),
        "osaid": osaid_view(records),
        "source_checks": source_checks.release_checks(records),
    }
    if not detail:
        view["mof"].pop("components", None)
        view["hub"] = hub_view(records)
        return view
    view["osai_legacy"] = legacy_view(records)
    view["epoch"] = epoch_view(records)
    view["fmti"] = fmti_view(records)
    view["hub"] = hub_view(records)
    view["base_chain"] = lineage.base_chain(cache, release_id) if view["hub"] else []
    view["inherited_limits"] = (
        _limits_from(cache, view["base_chain"]) if view["base_chain"] else [])
    view["evidence"] = evidence_rows(records)
    # MOF rows show what the framework made of the component, not only that it is listed.
    outcomes = view["mof"].get("components") or {}
    for row in view["evidence"]:
        outcome = outcomes.get(row["component"]) if row["framework"] == "mof" else None
        if outcome and row["source"] == (view["mof"]["source"] or {}).get("source"):
            row["outcome"] = outcome["state"]
            row["resolved_license"] = outcome["license"]
            row["license_source"] = outcome["license_source"]
    view["family_releases"] = (
        cache.family_releases(release["family_id"]) if release["family_id"] else []
    )
    # All of them (family_releases lists the curated ones and the most downloaded others).
    view["family_size"] = (
        cache.family_size(release["family_id"]) if release["family_id"] else 0
    )
    view["changes"] = cache.changes_for(release_id)
    return view


def inherited_limits(cache: Cache, release_id: str) -> list[str]:
    """One line per limit a release inherits from its base models, nearest base first: each
    base's view read by :func:`openexplorer.views.lineage.limits_from_bases`."""
    return _limits_from(cache, lineage.base_chain(cache, release_id))


def _limits_from(cache: Cache, chain: list[dict[str, Any]]) -> list[str]:
    views: dict[str, dict[str, Any]] = {}
    for entry in chain:
        rid = entry.get("release_id")
        if (entry.get("known") and isinstance(rid, str) and rid not in views
                and not entry.get("cycle") and not entry.get("seen")):
            views[rid] = release_view(cache, rid, detail=False) or {}
    return lineage.limits_from_bases(chain, views)


def evidence_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per assessment: component, status, licence, links, source, date, curated?"""
    rows = []
    for record in records:
        for a in record["assessments"]:
            rows.append({
                "framework": a.framework,
                "component": a.component,
                "status": a.status,
                "value": a.value,
                "notes": a.notes,
                "license": a.license,
                "urls": list(a.urls),
                "source": record["source"],
                "key": record["key"],
                "scope": record["scope"],
                "assessed_date": record["assessed_date"],
                "source_version": record["source_version"],
                "automated": record["source"] == "hub",
            })
    return rows


def summary_row(view: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of a release, flat, for tables and CSV."""
    progress = view["mof"].get("progress") or {}
    return {
        "id": view["id"],
        "name": view["name"],
        "family": view["family"],
        "organization": view["organization"],
        "release_date": view["release_date"],
        "license": view["license"]["id"] or view["license"]["as_written"],
        "license_category": view["license"]["category"],
        "mof_class": view["mof"]["class"],
        "mof_progress_III": progress.get("III"),
        "mof_progress_II": progress.get("II"),
        "mof_progress_I": progress.get("I"),
        "osai_score": view["osai"]["score"],
        "osaid_verdict": view["osaid"]["verdict"],
    }


def popular_release_names(cache: Cache, limit: int = 20_000) -> list[tuple[str, str]]:
    """``(name, release id)`` of the ``limit`` most popular releases, most popular first (the
    window's "Go to model" completions)."""
    return [(name, rid) for name, rid in cache.conn.execute(
        "SELECT name, id FROM releases ORDER BY popularity DESC, name LIMIT ?", (limit,))]
