"""Comparing releases side by side, and what changed from one to the next."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Sequence
from typing import Any

from openexplorer.core import licenses
from openexplorer.db import queries
from openexplorer.db.cache import Cache
from openexplorer.frameworks import mof, osai
from openexplorer.views.facts import SOURCE_LABELS
from openexplorer.views.model import ReleaseView, to_json

MIN_RELEASES, MAX_RELEASES = 2, 8
#: What the family timeline plots: the index score (0–1) or the MOF total progress (0–100 %).
MEASURES = ("osai", "mof")
MEASURE_LABELS = {
    "osai": "European Open Source AI Index score (0–1)",
    "mof": "MOF total progress (%)",
}
#: MOF classes from the first reached (III) to the last (I).
MOF_CLASSES = ("III", "II", "I")


class CompareError(ValueError):
    """Wrong number of releases, or an id that is not in the cache."""


def _sort_key(view: ReleaseView) -> tuple[str, str]:
    return (view.release_date or "9999", view.name or "")


def component_matrix(views: Sequence[ReleaseView]) -> list[dict[str, Any]]:
    """Rows of (framework, component) with each release's status, in framework order.

    Status: open / partial / closed / unknown; MOF components map included → open,
    open-with-warning → partial, invalid / unlicensed / missing → closed, no MOT record → unknown.
    """
    rows: list[dict[str, Any]] = []
    for component in mof.COMPONENTS:
        cells = []
        for view in views:
            outcome = (view.mof.components or {}).get(component.name)
            cells.append(_mof_status(outcome) if view.mof.progress else "unknown")
        rows.append({"framework": "mof", "component": component.name,
                     "group": f"Class {component.class_name}", "cells": cells})
    for dimension in osai.DIMENSIONS:
        cells = [view.osai.dimensions.get(dimension.ref) or "unknown" for view in views]
        rows.append({"framework": "osai", "component": dimension.name, "ref": dimension.ref,
                     "group": dimension.group, "cells": cells})
    return rows


def _mof_status(outcome: Any) -> str:
    if not outcome:
        return "closed"
    return {"included": "open", "open-with-warning": "partial"}.get(outcome.state, "closed")


def differences(before: ReleaseView, after: ReleaseView) -> list[str]:
    """One line per fact that differs between two releases (older first)."""
    lines = []
    # The same licence written two ways ("Apache 2.0", "Apache-2.0") is no change.
    b_lic, a_lic = before.license, after.license
    if (b_lic.id or b_lic.as_written) != (a_lic.id or a_lic.as_written):
        lines.append(
            f"Licence: {before.license.id or before.license.as_written or 'none'} → "
            f"{after.license.id or after.license.as_written or 'none'}"
        )
    if before.mof.class_ != after.mof.class_:
        lines.append(f"MOF class: {before.mof.class_ or 'unclassified'} → "
                     f"{after.mof.class_ or 'unclassified'}")
    b_score, a_score = before.osai.score, after.osai.score
    if b_score is not None and a_score is not None and abs(b_score - a_score) > 1e-9:
        lines.append(f"Index score: {b_score:.2f} → {a_score:.2f}")
    for ref, status in after.osai.dimensions.items():
        old = before.osai.dimensions.get(ref)
        if old and status and old != status:
            lines.append(f"Index {ref}: {old} → {status}")
    b_components = before.mof.components or {}
    a_components = after.mof.components or {}
    for name in a_components.keys() & b_components.keys():
        old_state = _mof_status(b_components[name])
        new_state = _mof_status(a_components[name])
        if old_state != new_state:
            lines.append(f"MOF {name}: {old_state} → {new_state}")
    if before.osaid.verdict != after.osaid.verdict:
        lines.append(f"OSAID: {before.osaid.verdict} → {after.osaid.verdict}")
    return lines


def compare(cache: Cache, ids: list[str]) -> dict[str, Any]:
    """Views of 2–8 releases in release order, their component matrix and what changed."""
    from openexplorer.views.release import release_view

    if not MIN_RELEASES <= len(ids) <= MAX_RELEASES:
        raise CompareError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} releases, "
                           f"got {len(ids)}")
    views: list[ReleaseView] = []
    for text in ids:
        release_id = cache.resolve(text)
        if release_id is None:
            raise CompareError(f"unknown release: {text!r}")
        view = release_view(cache, release_id)
        assert view is not None
        if all(v.id != view.id for v in views):  # the same release named twice: once
            views.append(view)
    if len(views) < MIN_RELEASES:
        raise CompareError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} different "
                           f"releases, got {len(views)}")
    views.sort(key=_sort_key)
    changes = [
        {"from": a.id, "to": b.id, "changes": differences(a, b)}
        for a, b in zip(views, views[1:], strict=False)
    ]
    return {"releases": views, "matrix": component_matrix(views), "changes": changes,
            "snapshot_date": cache.get_meta("snapshot_built"),
            "last_refresh": cache.get_meta("last_refresh")}


#: The comparison's fact rows: (label, fact name in the view's ``facts`` part).
FACT_ROWS = (("Released", "release_date"), ("Parameters", "parameters"),
             ("Licence", "license"), ("Commercial use", "commercial_use"))


def format_fact_value(name: str, value: Any) -> str:
    """A fact's value as shown: parameters as "7.0 B", "unknown" for no value."""
    if value in (None, "", "unknown"):
        return "unknown"
    if name == "parameters":
        number = float(value)
        for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
            if number >= size:
                return f"{number / size:.1f} {unit}".replace(".0 ", " ")
        return f"{number:.0f}"
    if name == "license":
        info = licenses.identify(str(value))
        if info.recognised and info.name:
            return info.name if not info.id or info.id.startswith("LicenseRef-") else info.id
    return str(value)


def fact_cell(view: ReleaseView, name: str) -> tuple[str, list[str], bool]:
    """One fact of a release as the comparison, the release page and ``show`` print it:
    ("value (source)", lines explaining it — the rule, every source's value —, whether the
    sources disagree). Unknown facts say that no source we hold states them."""
    if view.facts is None:
        return "unknown", ["Used: unknown"], False
    fact = view.facts.fact(name)
    value = format_fact_value(name, fact.value)
    label = SOURCE_LABELS.get(fact.source, fact.source) if fact.source else None
    text = f"{value} ({label})" if label and value != "unknown" else value
    lines = [f"Used: {value}" + (f" — {fact.rule}" if fact.rule else "")]
    disagreement = next((d for d in view.facts.disagreements if d.fact == name), None)
    if disagreement:
        text = f"⚠ {text}"
        lines.append("Sources disagree:")
        lines += [f"  {SOURCE_LABELS.get(source, source)}: {format_fact_value(name, v)}"
                  for source, v in disagreement.values]
        lines.append(f"Why this one: {disagreement.why}")
    elif len(fact.claims) > 1:
        lines.append("Also stated by: " + ", ".join(
            SOURCE_LABELS.get(c.source, c.source) for c in fact.claims[1:]))
    if fact.url:
        lines.append(f"Source: {fact.url}")
    return text, lines, disagreement is not None


def fact_source_label(view: ReleaseView, name: str) -> str | None:
    """The name of the source a fact was taken from (None: unknown)."""
    if view.facts is None:
        return None
    source = view.facts.fact(name).source
    return SOURCE_LABELS.get(source, source) if source else None


def facts_markdown(view: ReleaseView) -> str:
    """The release's facts with their sources, and where sources disagree (for ``show``)."""
    out = ["## Release facts", "", "| fact | value | source | rule |", "| --- | --- | --- | --- |"]
    if view.facts is None:
        return "\n".join(out) + "\n"
    for label, name in FACT_ROWS:
        fact = view.facts.fact(name)
        value = format_fact_value(name, fact.value)
        source = SOURCE_LABELS.get(fact.source, fact.source) if fact.source else None
        out.append(f"| {label} | {value} | {source or '—'} | "
                   f"{(fact.rule or '').replace('|', '/')} |")
    if view.facts.disagreements:
        out += ["", "**Sources disagree:**", ""]
        for d in view.facts.disagreements:
            values = "; ".join(f"{SOURCE_LABELS.get(s, s)}: {format_fact_value(d.fact, v)}"
                               for s, v in d.values)
            out.append(f"- {d.fact}: {values} — used "
                       f"{format_fact_value(d.fact, d.chosen)} ({d.why})")
    return "\n".join(out) + "\n"


_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_release_date(text: str | None) -> dt.date | None:
    """A release date as the sources write it (2024, 2024-02, 2024-02-24…) as a date.

    Partial dates fall on the first of their month or year. Anything else gives None.
    """
    match = _DATE.match((text or "").strip())
    if not match:
        return None
    year, month, day = (int(part) if part else 1 for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def release_score(view: ReleaseView, measure: str = "osai") -> float | None:
    """The figure a timeline plots for one release: index score or MOF total progress."""
    score: float | None
    if measure == "osai":
        score = view.osai.score
        return score
    if measure == "mof":
        score = view.mof.total
        return score
    raise ValueError(f"measure is one of {MEASURES}, not {measure!r}")


def _family_ids(cache: Cache, family_ids: list[str] | None) -> list[str] | None:
    """The ids of the families named by id or name (None: every family)."""
    if family_ids is None:
        return None
    wanted = sorted({str(f) for f in family_ids if f})
    if not wanted:
        return []
    return queries.family_ids_named(cache, wanted)


def crowded_families(cache: Cache, family_ids: list[str] | None,
                     most: int) -> dict[str, tuple[str, int]]:
    """Families (ids or names; None: every family) with more than ``most`` dated releases:
    family id → (name, dated releases). A family of the Hub's fine-tunes can have 100,000."""
    ids = _family_ids(cache, family_ids)
    if ids == []:
        return {}
    return queries.crowded_family_counts(cache, ids, most)


def family_timeline(
    cache: Cache, family_ids: list[str] | None = None, *, measure: str = "osai",
    crowded: Collection[str] = (), keep: Sequence[str] = (),
) -> dict[str, list[dict[str, Any]]]:
    """Each family's dated, scored releases in release order, for the family timeline chart.

    ``family_ids`` are family ids or names (None: every family). ``measure`` is "osai" (the
    index score, 0–1) or "mof" (the MOF total progress, 0–100). Releases without a usable date
    or without that figure are left out, and so are families with nothing left. A point:
    ``{id, name, release_date, score, provisional}`` (provisional: computed from Hub metadata).
    ``crowded`` (family ids, :func:`crowded_families`): these families keep only their curated
    releases and those in ``keep`` — a line through 100,000 fine-tunes of the Hub tells
    nothing, and takes seconds to draw.
    """
    if measure not in MEASURES:
        raise ValueError(f"measure is one of {MEASURES}, not {measure!r}")
    # The scores and their provisional flags as the release summary keeps them (computed from
    # each release's view by the same rules): one query, not a view per release — a family
    # can have 100,000 Hub fine-tunes.
    ids = _family_ids(cache, family_ids)  # first, so that releases are read by family
    if ids == []:
        return {}
    rows = queries.family_timeline_rows(
        cache, ids, measure="osai" if measure == "osai" else "mof",
        crowded=sorted(c for c in crowded if ids is None or c in ids), keep=keep)
    timeline: dict[str, list[dict[str, Any]]] = {}
    dates: dict[str, Any] = {}  # release dates repeat: each parsed once
    for release_id, name, release_date, family, value, flag in rows:
        if release_date not in dates:
            dates[release_date] = parse_release_date(release_date)
        if dates[release_date] is None:
            continue
        timeline.setdefault(family, []).append({
            "id": release_id, "name": name, "release_date": release_date, "score": value,
            "provisional": bool(flag),
        })
    for points in timeline.values():
        points.sort(key=lambda p: (dates[p["release_date"]], p["name"] or ""))
    return timeline


def family_ids_of(cache: Cache, release_ids: list[str]) -> list[str]:
    """The families the given releases belong to (ids, in the releases' order, no repeats)."""
    found: list[str] = []
    for release_id in release_ids:
        release = cache.release(release_id)
        if release and release["family_id"] and release["family_id"] not in found:
            found.append(release["family_id"])
    return found


def score_series(comparison: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The figures behind the comparison's grouped bars, per framework.

    ``{"osai": {"title", "unit", "maximum", "categories": [(key, label)...],
    "values": [[value or None per category] per release]}, "mof": {...}}``; index group scores
    and the overall score on 0–1, MOF class progress on 0–100 (%).
    """
    views = comparison["releases"]
    osai_categories = [(g.ref, g.name) for g in osai.GROUPS] + [("score", "Overall")]
    osai_values = [
        [v.osai.groups.get(key) if key != "score" else v.osai.score
         for key, _ in osai_categories]
        for v in views
    ]
    mof_categories = [(name, f"Class {name}") for name in MOF_CLASSES]
    mof_values = [
        [(v.mof.progress or {}).get(key) for key, _ in mof_categories] for v in views
    ]
    return {
        "osai": {"title": "European Open Source AI Index: group scores", "unit": "score (0–1)",
                 "maximum": 1.0, "categories": osai_categories, "values": osai_values},
        "mof": {"title": "Model Openness Framework: class progress", "unit": "progress (%)",
                "maximum": 100.0, "categories": mof_categories, "values": mof_values},
    }


_MOF_DETAIL = {
    "included": "Included, under an open licence of the right kind",
    "open-with-warning": "Open licence, but not the kind the MOF asks for",
    "invalid": "Its licence is not one the MOF accepts as open",
    "unlicensed": "Listed without a licence",
    "missing": "Not listed in the MOT record",
}
_LICENSE_SOURCE = {
    "component": "given for this component",
    "type": "the release's licence for this kind of content",
    "distribution": "the release's distribution licence",
}


def cell_evidence(view: ReleaseView, line: dict[str, Any], status: str) -> dict[str, Any]:
    """What stands behind one matrix cell: the finding, licence, source record, date, links.

    ``view`` is a release view with detail (as in :func:`compare`), ``line`` a row of
    :func:`component_matrix` and ``status`` that release's cell in it.
    """
    framework, component = line["framework"], line["component"]
    record = view.mof.source if framework == "mof" else view.osai.source
    license_, license_note, warning = None, None, None
    if framework == "mof":
        outcome = (view.mof.components or {}).get(component)
        evidence_component = component
        if not view.mof.progress and status == "unknown":
            detail = "No Model Openness Tool record for this release"
        elif outcome is None:
            detail = _MOF_DETAIL["missing"]
        else:
            detail = _MOF_DETAIL.get(outcome.state, outcome.state)
            license_ = outcome.license
            license_note = _LICENSE_SOURCE.get(outcome.license_source or "")
            warning = outcome.warning
    else:
        evidence_component = line.get("ref") or component
        if not record:
            detail = "Not assessed by the European Open Source AI Index"
        elif status == "unknown":
            detail = "No rating in the index's record"
        else:
            detail = f"Rated {status} by the index"
    rows = [r for r in view.evidence or []
            if r.framework == framework and r.component == evidence_component
            and (not record or r.source == record.source)]
    links: list[str] = []
    for row in rows:
        links += [u for u in row.urls if u not in links]
        if license_ is None and row.license:
            license_ = row.license
    if record is not None and record.url and record.url not in links:
        links.append(record.url)
    return {
        "framework": framework,
        "component": component,
        "status": status,
        "detail": detail,
        "license": license_,
        "license_note": license_note,
        "warning": warning,
        "source": record.source if record is not None else None,
        "source_key": record.key if record is not None else None,
        "source_version": record.source_version if record is not None else None,
        "assessed_date": record.assessed_date if record is not None else None,
        "links": links,
        "provisional": (view.mof if framework == "mof" else view.osai).provisional,
    }


def timeline_of_views(views: Sequence[ReleaseView],
                      measure: str = "osai") -> dict[str, list[dict[str, Any]]]:
    """A family timeline from the compared releases alone (when there is no cache to ask)."""
    timeline: dict[str, list[dict[str, Any]]] = {}
    for view in views:
        score = release_score(view, measure)
        if not view.family or score is None or \
                parse_release_date(view.release_date) is None:
            continue
        part = view.osai if measure == "osai" else view.mof
        timeline.setdefault(view.family, []).append({
            "id": view.id, "name": view.name, "release_date": view.release_date,
            "score": score, "provisional": bool(part.provisional),
        })
    for points in timeline.values():
        points.sort(key=lambda p: (parse_release_date(p["release_date"]), p["name"] or ""))
    return dict(sorted(timeline.items(), key=lambda item: item[0].lower()))


def timeline_gaps(views: Sequence[ReleaseView], measure: str = "osai") -> list[str]:
    """Why compared releases are missing from the family timeline, one line each."""
    what = "index score" if measure == "osai" else "MOF record"
    lines = []
    for view in views:
        reasons = []
        if not view.family:
            reasons.append("no family")
        if parse_release_date(view.release_date) is None:
            reasons.append("no release date")
        if release_score(view, measure) is None:
            reasons.append(f"no {what}")
        if reasons:
            lines.append(f"{view.name}: {', '.join(reasons)}")
    return lines


def comparison_for_json(comparison: dict[str, Any]) -> dict[str, Any]:
    """The comparison with its releases' views as their JSON dicts
    (:func:`openexplorer.views.model.to_json`), ready for ``json.dumps``."""
    return {**comparison, "releases": [to_json(v) for v in comparison["releases"]]}


def comparison_json(comparison: dict[str, Any], snapshot_date: str | None = None) -> str:
    """The comparison as JSON, with the snapshot date and the sources it cites."""
    import json

    from openexplorer.core.sources import SOURCES

    used = sorted({s.source for v in comparison["releases"] for s in v.sources}
                  & SOURCES.keys())
    document = {
        **comparison_for_json(comparison),
        "snapshot_date": snapshot_date or comparison.get("snapshot_date"),
        "sources": [
            {"id": s, "name": SOURCES[s].name, "url": SOURCES[s].url,
             "license": SOURCES[s].license, "citation": SOURCES[s].citation}
            for s in used
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
