"""``openexplorer search [QUERY]``: releases by name, organisation, family, with filters."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openexplorer.commands._output import OpenCache, UsageError, emit, table

COMMAND = "search"
HELP = "search releases"
DESCRIPTION = "Search releases by name, organisation, family."

#: A class is reached with everything above it: asking for III includes II and I.
_MOF_REACHED = {"III": ("III", "II", "I"), "II": ("II", "I"), "I": ("I",)}


def add_facet_flags(parser: argparse.ArgumentParser) -> None:
    """The facet filters (licence category, MOF class, index score). Kept in one place: the
    facet vocabulary of :mod:`openexplorer.search` is to name them."""
    parser.add_argument("--license-category", metavar="C",
                        help="licence category, e.g. Permissive, Copyleft, 'Proprietary Free'")
    parser.add_argument("--mof-class", choices=["I", "II", "III"],
                        help="MOF class reached (I includes nothing lower)")
    parser.add_argument("--min-score", type=float, metavar="X",
                        help="minimum European Open Source AI Index score (0 to 1)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default="", help="words to look for (may be empty)")
    add_facet_flags(parser)
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")


def _license_categories(cache: Any, asked: str) -> tuple[str, ...]:
    """The cache's licence categories equal to ``asked`` (any case); UsageError if none."""
    from openexplorer.search import summary

    counts = summary.facet_counts(cache, facets=["license_category"], limit=1_000_000)
    known = [str(v) for v, _ in counts["license_category"] if v != summary.NONE]
    found = tuple(c for c in known if c.lower() == asked.lower())
    if not found:
        raise UsageError(f"no licence category {asked!r}; known: " + ", ".join(sorted(known)))
    return found


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    from openexplorer.search import summary
    from openexplorer.views.release import release_view

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.min_score is not None and not 0 <= args.min_score <= 1:
        raise UsageError("--min-score is an index score between 0 and 1")
    cache = open_cache()
    filters = summary.Filters(
        license_category=(_license_categories(cache, args.license_category)
                          if args.license_category else ()),
        mof_class=_MOF_REACHED[args.mof_class] if args.mof_class else (),
        osai_min=args.min_score,
    )
    rows = summary.search(cache, args.query, filters, limit=args.limit)
    if args.format == "json":
        from openexplorer.analyses.export import export_record

        views = [release_view(cache, row["release_id"], detail=False) for row in rows]
        emit(json.dumps([
            {**export_record(v), "mof.class": v["mof"]["class"],
             "osai.score": v["osai"]["score"], "osaid.verdict": v["osaid"]["verdict"]}
            for v in views if v is not None], ensure_ascii=False, indent=2))
        return 0
    found = [{
        "id": r["release_id"], "name": r["name"], "family": r["family"],
        "organization": r["organization"], "release_date": r["release_date"],
        "license": r["license_id"], "license_category": r["license_category"],
        "mof_class": r["mof_class"], "osai_score": r["osai_score"],
        "osaid_verdict": r["osaid_verdict"],
    } for r in rows]
    if args.format == "csv":
        from openexplorer.analyses.export import write_csv

        write_csv(found, sys.stdout)
    else:
        emit(table(found, ["id", "name", "organization", "release_date", "license",
                           "mof_class", "osai_score", "osaid_verdict"]))
    return 0
