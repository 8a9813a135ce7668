"""``openexplorer search [QUERY]``: releases by name, organisation, family, with filters."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from typing import Any

from openexplorer.commands._output import OpenCache, UsageError, emit, table

COMMAND = "search"
HELP = "search releases"
DESCRIPTION = "Search releases by name, organisation, family."

def add_facet_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per facet, read from the facet table (:data:`openexplorer.search.facets.FACET_TABLE`)."""
    from openexplorer.search.facets import add_cli_flags

    add_cli_flags(parser)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", nargs="?", default="", help="words to look for (may be empty)")
    add_facet_flags(parser)
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results")
    parser.add_argument("--format", choices=["table", "json", "csv"], default="table")


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    from openexplorer.search import summary
    from openexplorer.search.filters import FilterError, filters_from_args, known_values
    from openexplorer.views.release import release_view

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    opened = functools.cache(open_cache)
    try:  # the bounds are checked before the cache is opened
        filters = filters_from_args(args, lambda column: known_values(opened(), column))
    except FilterError as exc:
        raise UsageError(str(exc)) from exc
    cache = opened()
    rows = summary.search(cache, args.query, filters, limit=args.limit)
    if args.format == "json":
        from openexplorer.analyses.export import export_record

        views = [release_view(cache, row["release_id"], detail=False) for row in rows]
        emit(json.dumps([
            {**export_record(v), "mof.class": v.mof.class_,
             "osai.score": v.osai.score, "osaid.verdict": v.osaid.verdict}
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

        from openexplorer.analyses.export import provenance

        snapshot = cache.get_meta("snapshot_built")
        write_csv(({**row, **provenance(_sources(cache, row["id"]), snapshot)} for row in found),
                  sys.stdout)
    else:
        emit(table(found, ["id", "name", "organization", "release_date", "license",
                           "mof_class", "osai_score", "osaid_verdict"]))
        if len(rows) == args.limit:  # perhaps cut: say so (JSON and CSV stay data only)
            total = summary.count(cache, args.query, filters)
            if total > len(rows):
                print(f"{len(rows):,} of {total:,} shown; --limit N for more", file=sys.stderr)
    return 0


def _sources(cache: Any, release_id: str) -> list[str]:
    """The sources of one release's facts (the CSV's ``sources`` column)."""
    from openexplorer.views.release import release_view

    view = release_view(cache, release_id, detail=False)
    return [s.source for s in view.sources] if view is not None else []
