"""Comparing releases side by side, and what changed from one to the next."""

from __future__ import annotations

from typing import Any

from openexplorer.cache import Cache
from openexplorer.frameworks import mof, osai

MIN_RELEASES, MAX_RELEASES = 2, 8


class CompareError(ValueError):
    """Wrong number of releases, or an id that is not in the cache."""


def _sort_key(view: dict[str, Any]) -> tuple[str, str]:
    return (view["release_date"] or "9999", view["name"] or "")


def component_matrix(views: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows of (framework, component) with each release's status, in framework order.

    Status: open / partial / closed / unknown; MOF components map included → open,
    open-with-warning → partial, invalid / unlicensed / missing → closed, no MOT record → unknown.
    """
    rows: list[dict[str, Any]] = []
    for component in mof.COMPONENTS:
        cells = []
        for view in views:
            outcome = (view["mof"].get("components") or {}).get(component.name)
            cells.append(_mof_status(outcome) if view["mof"].get("progress") else "unknown")
        rows.append({"framework": "mof", "component": component.name,
                     "group": f"Class {component.class_name}", "cells": cells})
    for dimension in osai.DIMENSIONS:
        cells = [view["osai"]["dimensions"].get(dimension.ref) or "unknown" for view in views]
        rows.append({"framework": "osai", "component": dimension.name, "ref": dimension.ref,
                     "group": dimension.group, "cells": cells})
    return rows


def _mof_status(outcome: Any) -> str:
    if not outcome:
        return "closed"
    return {"included": "open", "open-with-warning": "partial"}.get(outcome["state"], "closed")


def differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per fact that differs between two releases (older first)."""
    lines = []
    if before["license"]["as_written"] != after["license"]["as_written"]:
        lines.append(
            f"Licence: {before['license']['id'] or before['license']['as_written'] or 'none'} → "
            f"{after['license']['id'] or after['license']['as_written'] or 'none'}"
        )
    if before["mof"]["class"] != after["mof"]["class"]:
        lines.append(f"MOF class: {before['mof']['class'] or 'unclassified'} → "
                     f"{after['mof']['class'] or 'unclassified'}")
    b_score, a_score = before["osai"]["score"], after["osai"]["score"]
    if b_score is not None and a_score is not None and abs(b_score - a_score) > 1e-9:
        lines.append(f"Index score: {b_score:.2f} → {a_score:.2f}")
    for ref, status in after["osai"]["dimensions"].items():
        old = before["osai"]["dimensions"].get(ref)
        if old and status and old != status:
            lines.append(f"Index {ref}: {old} → {status}")
    b_components = before["mof"].get("components") or {}
    a_components = after["mof"].get("components") or {}
    for name in a_components.keys() & b_components.keys():
        old_state = _mof_status(b_components[name])
        new_state = _mof_status(a_components[name])
        if old_state != new_state:
            lines.append(f"MOF {name}: {old_state} → {new_state}")
    if before["osaid"]["verdict"] != after["osaid"]["verdict"]:
        lines.append(f"OSAID: {before['osaid']['verdict']} → {after['osaid']['verdict']}")
    return lines


def compare(cache: Cache, ids: list[str]) -> dict[str, Any]:
    """Views of 2–8 releases in release order, their component matrix and what changed."""
    from openexplorer.views import release_view

    if not MIN_RELEASES <= len(ids) <= MAX_RELEASES:
        raise CompareError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} releases, "
                           f"got {len(ids)}")
    views = []
    for text in ids:
        release_id = cache.resolve(text)
        if release_id is None:
            raise CompareError(f"unknown release: {text!r}")
        view = release_view(cache, release_id)
        assert view is not None
        views.append(view)
    views.sort(key=_sort_key)
    changes = [
        {"from": a["id"], "to": b["id"], "changes": differences(a, b)}
        for a, b in zip(views, views[1:], strict=False)
    ]
    return {"releases": views, "matrix": component_matrix(views), "changes": changes}
