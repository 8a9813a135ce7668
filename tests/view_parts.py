"""Typed release views built from hand-written parts, for tests of the view's consumers.

Tests describe a release by the parts that matter to them, as the view's JSON has them
(:func:`openexplorer.views.model.to_json`: ``{"mof": {"class": "I", ...}}``), leaving out what
does not matter. :func:`typed_view` fills in the rest (nothing assessed, no Hub record) and
gives the :class:`~openexplorer.views.model.ReleaseView` the consumers read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from openexplorer.views.model import ReleaseView, from_dict
from openexplorer.views.release import license_view

_CITATION = {"source": None, "key": None, "source_version": None, "assessed_date": None,
             "url": None}


def _json(part: Any) -> Any:
    return part.to_json() if hasattr(part, "to_json") else part


def _cite(source: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if source is None:
        return None
    if set(source) == {"source"} and source["source"] == "user":
        return dict(source)
    return {**_CITATION, **source}


def _mof(mof: Mapping[str, Any]) -> dict[str, Any]:
    out = {"class": None, "label": None, "progress": None, "total": None, "source": None,
           "components": {}, "provisional": False, **mof}
    if out["components"] is not None:
        out["components"] = {
            name: {"state": "missing", "license": None, "license_source": None,
                   "type_appropriate": True, "warning": None, "class": None, **c}
            for name, c in out["components"].items()}
    out["source"] = _cite(out["source"])
    return out


def _license(lic: Mapping[str, Any]) -> dict[str, Any]:
    return {"id": None, "spdx_id": None, "as_written": None, "name": None, "recognised": False,
            "category": None, "osi_approved": None, "commercial_use": "unknown",
            "restrictions": [], **lic}


def _osai(osai: Mapping[str, Any]) -> dict[str, Any]:
    out = {"score": None, "groups": {}, "dimensions": {}, "source": None, "provisional": False,
           **osai}
    out["source"] = _cite(out["source"])
    return out


def _osaid(osaid: Mapping[str, Any]) -> dict[str, Any]:
    out = {"verdict": "unknown", "reasons": [], "basis": "none", "provisional": False,
           "osi_published": [], **osaid}
    out["osi_published"] = [{"system": None, "outcome": None, **_CITATION, **p}
                            for p in out["osi_published"]]
    return out


def _epoch(epoch: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if epoch is None:
        return None
    out = {"accessibility": {}, "training_compute_flop": None, "source": {}, **epoch}
    out["accessibility"] = {k: {"status": "unknown", "label": None, **a}
                            for k, a in out["accessibility"].items()}
    out["source"] = _cite(out["source"] or {"source": "epoch"})
    return out


def _fmti(fmti: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if fmti is None:
        return None
    out = {"developer": None, "edition": None, "total": None, "history": [], "source": {},
           **fmti}
    out["source"] = _cite(out["source"] or {"source": "fmti"})
    return out


def _hub(hub: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if hub is None:
        return None
    out = {"gated": None, "private": None, "downloads": None, "likes": None, "library": None,
           "pipeline_tag": None, "datasets": [], "base_models": [], "arxiv": [],
           "weight_files": 0, "card_completeness": None, "license_name": None,
           "license_link": None, "eu_disallowed": None, "extra_gated_fields": [],
           "fetched_at": None, "evidence": {}, "source": {}, **hub}
    out["evidence"] = {k: {"status": "unknown", "field": None, "urls": [], **e}
                       for k, e in out["evidence"].items()}
    out["source"] = _cite(out["source"] or {"source": "hub"})
    return out


def _row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {"framework": None, "component": None, "status": None, "value": None, "notes": None,
            "license": None, "urls": [], "source": None, "key": None, "scope": "release",
            "assessed_date": None, "source_version": None, "automated": False, **row}


def typed_view(parts: Mapping[str, Any]) -> ReleaseView:
    """A release view with nothing assessed but what ``parts`` (JSON-shaped, or model
    objects) say. With ``evidence`` in ``parts`` it is a ``detail=True`` view."""
    parts = {k: _json(v) for k, v in parts.items()}
    d: dict[str, Any] = {
        "id": "org/model", "name": "Model", "family": None, "family_id": None,
        "organization": None, "organization_id": None, "organization_kind": None,
        "country": None, "release_date": None, "hub_id": None, "modality": None,
        "parameters": None, "origin": "curated", "sources": [],
        "license": license_view(None).to_json(), **parts,
    }
    d["license"] = _license(d["license"])
    d["mof"] = _mof(d.get("mof") or {})
    d["osai"] = _osai(d.get("osai") or {})
    d["osaid"] = _osaid(d.get("osaid") or {})
    d["hub"] = _hub(d.get("hub"))
    d["osai_legacy"] = d.get("osai_legacy")
    d["epoch"] = _epoch(d.get("epoch"))
    d["fmti"] = _fmti(d.get("fmti"))
    if "evidence" in d:
        d["evidence"] = [_row(r) for r in d["evidence"] or []]
        for key in ("base_chain", "inherited_limits", "family_releases", "changes"):
            d[key] = d.get(key) or []
        d["family_size"] = d.get("family_size") or 0
    return from_dict(d)
