"""The field at a glance: openness by release year, by organisation kind, MOF classes, index scores.

Pure Python over the cache's derived ``release_summary`` table (one row per release, see
:mod:`openexplorer.search.summary`), read through :mod:`openexplorer.db.queries`. Every figure
carries the number of releases it rests on, so a chart can say "mean 0.54 over 37 scored releases
(of 120)".

Scales: the index score is 0–1 (``osai_score``); the MOF total is a percentage, 0–100
(``mof_total``, the mean of the three class progresses, as the MOT sorts by).

Each category also carries the search filter it stands for (``"filter"``): ``year``,
``org_kind``, ``mof_class``, ``osai_score_min`` / ``osai_score_max``, and ``origin``
(``"curated"`` when the overview counts curated releases only). ``"none"``
(:data:`openexplorer.search.summary.NONE`) stands for "not set", as in the search facets
(``{"mof_class": "none"}``: releases without an MOF class). An index score bin includes its
minimum and excludes its maximum, except the last, 0.9–1.0, which includes 1.0;
:func:`to_filters` turns a filter into the search's :class:`~openexplorer.search.summary.Filters` with
exactly the releases the bar counts.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping
from dataclasses import astuple
from typing import Any

from openexplorer.db import queries
from openexplorer.search.summary import NONE, Filters

#: Organisation kinds in chart order, with the label a user reads.
ORG_KINDS: tuple[tuple[str | None, str], ...] = (
    ("big-tech", "Big Tech"),
    ("company", "Company"),
    ("academic", "Academic & non-profit"),
    ("public", "Public sector"),
    (None, "Unknown"),
)
#: MOF classes in chart order (Class I is the most open), with their labels.
MOF_CLASSES: tuple[tuple[str | None, str], ...] = (
    ("I", "Class I"),
    ("II", "Class II"),
    ("III", "Class III"),
    (None, "Unclassified"),
)
#: Index score histogram: ten bins of width 0.1 over 0–1.
SCORE_BINS = 10

TABLE = queries.SUMMARY_TABLE


def summary_available(conn: sqlite3.Connection) -> bool:
    """Whether the cache has the derived ``release_summary`` table."""
    return queries.summary_table_exists(conn)


def _mean(total: float | None, n: int) -> float | None:
    return (total or 0.0) / n if n else None


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def bin_edges() -> list[float]:
    """The lower edge of each index score bin: 0.0, 0.1, … 0.9 (as the decimal literals)."""
    return [round(index / SCORE_BINS, 1) for index in range(SCORE_BINS)]


def score_bin(score: float) -> int:
    """The histogram bin (0–9) of an index score: the last edge not above it; 1.0 goes to the
    last bin. Compared with the edges themselves, so a score and a search filter on the same
    edges always agree (an index score of exactly 0.5 is in 0.5–0.6)."""
    index = 0
    for number, edge in enumerate(bin_edges()):
        if score >= edge:
            index = number
    return index


# The figures of queries.SummaryFigures, in its fields' order.
_RAW = ("count", "osai_n", "osai_sum", "mof_n", "mof_sum", "mof_classified",
        "osai_provisional", "mof_provisional", "osi_approved", "osi_known")


def _raw(figures: queries.SummaryFigures) -> dict[str, float]:
    return {key: value or 0 for key, value in zip(_RAW, astuple(figures), strict=True)}


def _merge(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(row[key] for row in rows) for key in _RAW}


def _figures(raw: Mapping[str, float]) -> dict[str, Any]:
    count = int(raw["count"])
    osai_n, mof_n = int(raw["osai_n"]), int(raw["mof_n"])
    classified = int(raw["mof_classified"])
    osi_known, osi_approved = int(raw["osi_known"]), int(raw["osi_approved"])
    return {
        "count": count,
        "osai_mean": _mean(raw["osai_sum"], osai_n),
        "osai_n": osai_n,
        "osai_provisional": int(raw["osai_provisional"]),
        "mof_mean": _mean(raw["mof_sum"], mof_n),
        "mof_n": mof_n,
        "mof_provisional": int(raw["mof_provisional"]),
        "mof_classified": classified,
        "mof_classified_share": _share(classified, count),
        "osi_approved": osi_approved,
        "osi_known": osi_known,
        "osi_approved_share": _share(osi_approved, osi_known),
    }


def _year_entries(
    per_year: list[tuple[int, dict[str, float]]], base: dict[str, Any], min_year_count: int
) -> list[dict[str, Any]]:
    """One entry per year; the sparse early years (before the first year from which every year
    has at least ``min_year_count`` releases) together in one, labelled "≤ last year"."""
    start = len(per_year)
    while start > 0 and per_year[start - 1][1]["count"] >= min_year_count:
        start -= 1
    if start == len(per_year):  # even the latest year is sparse: no grouping
        start = 0
    entries = []
    if start > 1:
        years = [year for year, _raw in per_year[:start]]
        entries.append({
            "year": None, "years": years, "label": f"≤ {years[-1]}",
            **_figures(_merge([raw for _year, raw in per_year[:start]])),
            "filter": {**base, "year": years},
        })
    else:
        start = 0
    for year, raw in per_year[start:]:
        entries.append({"year": year, "years": [year], "label": str(year), **_figures(raw),
                        "filter": {**base, "year": year}})
    return entries


def empty_stats(curated_only: bool = True) -> dict[str, Any]:
    """The shape of :func:`overview_stats` with nothing in it (no summary table, or no cache)."""
    return {
        "available": False, "curated_only": curated_only, "total": 0, "by_year": [],
        "undated": 0, "by_org_kind": [], "mof_classes": [], "osai_histogram": [],
        "osai_scored": 0,
    }


def overview_stats(
    cache: queries.Connected, *, curated_only: bool = True, min_year_count: int = 5
) -> dict[str, Any]:
    """Openness of the field from the cache's ``release_summary`` table.

    ``cache`` is an :class:`openexplorer.db.cache.Cache` (anything with its sqlite3 ``conn``).
    With ``curated_only`` (the default), only releases from the curated sources count, not the
    Hub-only models a refresh added.

    Returns a dict:

    * ``total``: releases counted; ``curated_only``; ``available`` (False without the table);
    * ``by_year``: one entry per release year, oldest first, with ``year``, ``years``,
      ``label``, ``count``,
      ``osai_mean`` / ``osai_n`` (mean index score, 0–1, and how many releases have one),
      ``mof_mean`` / ``mof_n`` (mean MOF total, 0–100), ``mof_classified`` /
      ``mof_classified_share`` (releases with an MOF class), ``osi_approved`` / ``osi_known`` /
      ``osi_approved_share`` (an OSI-approved licence), the ``*_provisional`` counts (figures
      computed from Hub metadata, not a curated source) and ``filter``. Sparse early years
      (before the first year from which every year has ``min_year_count`` releases) share one
      entry: ``year`` None, ``years`` the list, ``label`` "≤ 2017", a filter on all of them;
      ``undated``: releases with no year;
    * ``by_org_kind``: the same figures per organisation kind (``kind``, ``label``), in the
      order of :data:`ORG_KINDS`, kinds with no release left out;
    * ``mof_classes``: ``mof_class``, ``label``, ``count``, ``share``, ``filter`` for I, II, III
      and unclassified (the last with ``assessed``: how many of them have an MOF assessment
      that meets no class);
    * ``osai_histogram``: ten bins with ``min``, ``max``, ``count``, ``share``,
      ``provisional``, ``filter``; ``osai_scored``: releases with an index score.
    """
    conn: sqlite3.Connection = cache.conn
    if not summary_available(conn):
        return empty_stats(curated_only)
    base: dict[str, Any] = {"origin": "curated"} if curated_only else {}
    total = queries.summary_count(conn, curated_only=curated_only)
    per_year = []
    undated = 0
    for year, figures in queries.summary_figures_by(conn, "year", curated_only=curated_only):
        if year is None:
            undated = int(figures.count)
            continue
        per_year.append((int(year), _raw(figures)))
    by_year = _year_entries(per_year, base, min_year_count)

    kinds = {
        kind: _figures(_raw(figures))
        for kind, figures in queries.summary_figures_by(conn, "org_kind",
                                                        curated_only=curated_only)
    }
    by_kind = [
        {"kind": kind, "label": label, **kinds[kind],
         "filter": {**base, "org_kind": kind or NONE}}
        for kind, label in ORG_KINDS
        if kind in kinds
    ]
    # A kind outside the known list (a newer cache) still counts, after the known ones.
    known = {kind for kind, _label in ORG_KINDS}
    by_kind += [
        {"kind": kind, "label": str(kind), **figures, "filter": {**base, "org_kind": kind}}
        for kind, figures in sorted(kinds.items(), key=lambda item: str(item[0]))
        if kind not in known
    ]

    class_counts = queries.mof_class_counts(conn, curated_only=curated_only)
    mof_classes = []
    for mof_class, label in MOF_CLASSES:
        count, assessed = class_counts.get(mof_class, (0, 0))
        entry: dict[str, Any] = {
            "mof_class": mof_class, "label": label, "count": count,
            "share": _share(count, total),
            "filter": {**base, "mof_class": mof_class or NONE},
        }
        if mof_class is None:
            entry["assessed"] = assessed
        mof_classes.append(entry)

    bins = [0] * SCORE_BINS
    provisional = [0] * SCORE_BINS
    for index, count, provisional_count in queries.osai_score_bins(
            conn, bin_edges(), curated_only=curated_only):
        bins[index] = count
        provisional[index] = provisional_count
    scored = sum(bins)
    histogram = []
    edges = [*bin_edges(), 1.0]
    for index, count in enumerate(bins):
        low, high = edges[index], edges[index + 1]
        histogram.append({
            "min": low, "max": high, "count": count,
            "share": _share(count, scored), "provisional": provisional[index],
            "filter": {**base, "osai_score_min": low, "osai_score_max": high},
        })
    return {
        "available": True,
        "curated_only": curated_only,
        "total": total,
        "by_year": by_year,
        "undated": undated,
        "by_org_kind": by_kind,
        "mof_classes": mof_classes,
        "osai_histogram": histogram,
        "osai_scored": scored,
    }


def to_filters(facet_filter: Mapping[str, Any]) -> Filters:
    """A chart's filter (``{"year": 2024}``, ``{"osai_score_min": 0.5, "osai_score_max": 0.6}``…)
    as the search's :class:`Filters`, matching exactly the releases its bar counts.

    The search's ``osai_max`` includes its bound; a bin below the last excludes its maximum, so
    the bound becomes the largest float below it.
    """
    values: dict[str, Any] = {}
    for name in ("year", "org_kind", "mof_class", "origin"):
        if name in facet_filter:
            value = facet_filter[name]
            if isinstance(value, list | tuple):
                values[name] = tuple(NONE if v is None else v for v in value)
            else:
                values[name] = (NONE if value is None else value,)
    if "osai_score_min" in facet_filter:
        values["osai_min"] = float(facet_filter["osai_score_min"])
    if "osai_score_max" in facet_filter:
        high = float(facet_filter["osai_score_max"])
        values["osai_max"] = high if high >= 1.0 else math.nextafter(high, -math.inf)
    return Filters(**values)
