"""Lineage: a release's base-model chain through the cache, and the limits it inherits from it.

A fine-tune inherits from its base: the base's licence still binds whoever uses the derivative
(Llama's user threshold and use policy travel with every Llama fine-tune, whatever licence the
fine-tune's card declares), and data the base never disclosed stays undisclosed.

The chain follows ``data["base_models"]`` of the newest Hub record (source ``hub``) of each
release, as :func:`openexplorer.hub.evidence.record_from_hub` writes it. Release ids are the
lower-cased Hub repo ids; renamed repos are followed through ``resources/hub_renames.csv``.
A base that is not in the cache ends its branch (``known`` false); a base that is already an
ancestor on the same path is a cycle and ends it too. Reads the cache, writes nothing. The
limits themselves (:func:`limits_from_bases`) are read from the bases' views, which
:func:`openexplorer.views.release.inherited_limits` passes in (this module does not compute
views: the release view uses it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from openexplorer.core.identity import canonical_hub_id
from openexplorer.views.model import BaseLink, LicenseView, ReleaseView

if TYPE_CHECKING:
    from openexplorer.db.cache import Cache

__all__ = ["base_chain", "limits_from_bases"]


def _release_id_for(cache: Cache, hub_id: str) -> str | None:
    """The release a Hub repo id belongs to, renames followed; None when not in the cache."""
    canonical = canonical_hub_id(hub_id) or hub_id
    for candidate in dict.fromkeys((canonical.lower(), hub_id.lower())):
        if cache.release(candidate) is not None:
            return candidate
    for candidate in dict.fromkeys((canonical, hub_id)):
        found = cache.release_id_for_hub_id(candidate)
        if found:
            return found
    return None


def _bases(data: dict[str, Any]) -> list[dict[str, Any]]:
    items = data.get("base_models")
    out = []
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict) and isinstance(item.get("id"), str) and item["id"].strip():
            out.append(item)
    return out


def base_chain(cache: Cache, release_id: str, *, max_depth: int = 10) -> tuple[BaseLink, ...]:
    """The base models of a release, nearest first (breadth-first up the chain).

    One :class:`~openexplorer.views.model.BaseLink` per base reached: ``id`` (the Hub id as the child's record names it),
    ``release_id`` (None when not in the cache), ``known``, ``relation`` (finetune, quantized,
    adapter, merge or None), ``depth`` (1 = direct base), ``child`` (the release it is a base
    of), and for known bases ``name`` and ``license`` (the release's headline licence). Flags:
    ``cycle`` (the base is already an ancestor on this path; not followed), ``seen`` (reached
    before through another parent, as in a merge; not repeated), ``truncated`` (``max_depth``
    reached while this base has bases of its own). A base outside the cache ends its branch.
    """
    start = _release_id_for(cache, release_id) or release_id
    if cache.release(start) is None:
        return ()
    out: list[BaseLink] = []
    visited = {start}
    frontier: list[tuple[str, int, frozenset[str]]] = [(start, 0, frozenset({start}))]
    while frontier:
        child, depth, path = frontier.pop(0)
        found = cache.latest_hub_data(child)
        if found is None:
            continue
        bases = _bases(found[1])
        if depth >= max_depth:
            if bases and out:
                out = [dataclasses.replace(e, truncated=True) if e.release_id == child else e
                       for e in out]
            continue
        for base in bases:
            rid = _release_id_for(cache, base["id"].strip())
            relation = base.get("relation") if isinstance(base.get("relation"), str) else None
            entry = BaseLink(id=base["id"].strip(), release_id=rid, known=rid is not None,
                             relation=relation, depth=depth + 1, child=child)
            if rid is not None:
                release = cache.release(rid) or {}
                entry = dataclasses.replace(entry, name=release.get("name"),
                                            license=release.get("license"),
                                            cycle=rid in path,
                                            seen=rid not in path and rid in visited)
            out.append(entry)
            if rid is not None and not entry.cycle and not entry.seen:
                visited.add(rid)
                frontier.append((rid, depth + 1, path | {rid}))
    return tuple(out)


# --- inherited limits ---------------------------------------------------------------------------


def _millions(value: Any) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return ""
    if value >= 1_000_000_000:
        return f"{value / 1_000_000_000:g}B"
    if value >= 1_000_000:
        return f"{value / 1_000_000:g}M"
    return f"{value:g}"


def _restriction_labels(license_id: str | None, kinds: list[str]) -> list[str]:
    """Short labels of a licence's restrictions, in order, each kind once."""
    thresholds: dict[str, Any] = {}
    if license_id:
        from openexplorer.core.licenses import identify

        for restriction in identify(license_id).restrictions:
            if restriction.threshold is not None:
                thresholds.setdefault(restriction.kind, restriction.threshold)
    labels = {
        "user-threshold": (f"{_millions(thresholds['user-threshold'])} MAU threshold"
                           if "user-threshold" in thresholds else "user threshold"),
        "revenue-threshold": (f"revenue threshold ({_millions(thresholds['revenue-threshold'])})"
                              if "revenue-threshold" in thresholds else "revenue threshold"),
        "acceptable-use-policy": "acceptable-use policy",
        "non-commercial": "non-commercial use only",
        "output-use-ban": "outputs may not improve other models",
        "field-of-use": "field-of-use restrictions",
        "attribution-naming": "attribution and naming requirements",
        "regional": "regional exclusions",
        "share-alike": "share-alike",
    }
    out: list[str] = []
    for kind in kinds:
        label = labels.get(kind, kind)
        if label not in out:
            out.append(label)
    return out


def _license_is_open(license: LicenseView) -> bool:
    from openexplorer.frameworks.mof import is_open_license
    from openexplorer.frameworks.osaid import is_open_content

    kinds = [r.kind for r in license.restrictions]
    if "non-commercial" in kinds:
        return False
    lid = license.id
    return bool(license.osi_approved) or is_open_license(lid) or is_open_content(lid)


def _license_line(base_id: str, license: LicenseView) -> str | None:
    lid = license.id
    if lid is None:
        return f"licence of base model {base_id} not identified"
    if _license_is_open(license):
        return None
    name = license.name or lid
    labels = _restriction_labels(lid, [r.kind for r in license.restrictions])
    if labels:
        return f"licence {name} from {base_id}: {', '.join(labels)}"
    return f"licence {name} from {base_id}: not an open licence"


def limits_from_bases(chain: Sequence[BaseLink],
                      views: Mapping[str, ReleaseView | None]) -> list[str]:
    """One line per limit a release inherits from a base model, nearest base first.

    ``chain`` is the release's :func:`base_chain`; ``views`` the view of each known base by
    release id (:func:`openexplorer.views.release.release_view` with ``detail=False``; keys
    ``license``, ``osai`` and ``mof`` are read). From each base's view: a licence that is not
    open (its restrictions named), training data or training code or weights the index rates
    closed (weights also when partial, e.g. gated), a MOT record that reaches no MOF class. For
    a base the index has not rated, the view's provisional ratings from the base's Hub evidence
    stand in, and the line says so ("Hub evidence, automated" instead of "index"). A base
    outside the cache gives one line saying its limits are unknown. Pure: reads no cache.
    """
    lines: list[str] = []
    for entry in chain:
        if entry.cycle or entry.seen:
            continue
        base_id = entry.id
        if not entry.known:
            lines.append(f"base model {base_id} is not in the cache: its licence and data are "
                         "unknown")
            continue
        view = views.get(entry.release_id) if entry.release_id is not None else None
        if view is None:  # no view of a known base: nothing read, its licence unidentified
            lines.append(f"licence of base model {base_id} not identified")
            continue
        license_line = _license_line(base_id, view.license)
        if license_line:
            lines.append(license_line)

        osai_view = view.osai
        dimensions = osai_view.dimensions
        from_hub = osai_view.source is not None and osai_view.source.source == "hub"
        said = "Hub evidence, automated" if osai_view.provisional or from_hub else "index"
        if any(dimensions.get(ref) == "closed"
               for ref in ("datasources_basemodel", "datasources_endmodel")):
            lines.append(f"training data undisclosed in base model {base_id} ({said}: closed)")
        if dimensions.get("trainingcode") == "closed":
            lines.append(f"training code of base model {base_id} not released ({said}: closed)")
        weights = dimensions.get("weights_endmodel")
        if weights == "partial":
            lines.append(f"weights of base model {base_id} only partly available, e.g. gated "
                         f"({said}: partial)")
        elif weights == "closed":
            lines.append(f"weights of base model {base_id} not released ({said}: closed)")

        mof = view.mof
        if mof.source is not None and mof.source.source == "mot" and mof.class_ is None:
            progress = (mof.progress or {}).get("III")
            shown = f" (Class III {progress:.0f}%)" if isinstance(progress, int | float) else ""
            lines.append(f"base model {base_id} reaches no MOF class{shown}")
    return list(dict.fromkeys(lines))
