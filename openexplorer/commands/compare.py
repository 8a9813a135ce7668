"""``openexplorer compare ID ID [ID...]``: 2 to 8 releases side by side, optionally a chart."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from openexplorer.commands._output import OpenCache, UsageError, emit

if TYPE_CHECKING:
    from openexplorer.db.cache import Cache

COMMAND = "compare"
HELP = "compare 2 to 8 releases side by side"
DESCRIPTION = "Compare 2 to 8 releases side by side."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="release ids (2 to 8)")
    parser.add_argument("--format", choices=["json", "markdown", "csv"], default=None,
                        help="what to print (default markdown; with --chart, only where the "
                        "chart was written unless --format is given)")
    parser.add_argument("--chart", metavar="FILE",
                        help="also write the comparison chart (.png, .svg or .pdf)")


def _distinct(cache: Cache, texts: list[str]) -> list[str]:
    """The ids given, each release once: ids are resolved as ``show`` resolves them (any case,
    a Hub repo id, a name; a renamed Hub repo by its old id), and a second mention of the same
    release is dropped with a note on stderr. Unknown ids are kept (compare reports them)."""
    from openexplorer.core.identity import canonical_hub_id

    seen: dict[str, str] = {}
    out: list[str] = []
    for text in texts:
        release_id = cache.resolve(text) or cache.resolve(canonical_hub_id(text.strip()) or "")
        if release_id is None:
            out.append(text)
        elif release_id in seen:
            print(f"compare: {text!r} is the same release as {seen[release_id]!r} "
                  f"({release_id}); shown once", file=sys.stderr)
        else:
            seen[release_id] = text
            out.append(release_id)
    return out


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    from openexplorer.analyses.compare import (
        MAX_RELEASES,
        MIN_RELEASES,
        CompareError,
        compare,
        comparison_for_json,
    )
    from openexplorer.analyses.export import comparison_csv, comparison_markdown

    if not MIN_RELEASES <= len(args.ids) <= MAX_RELEASES:
        raise UsageError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} releases, "
                         f"got {len(args.ids)}")
    cache = open_cache()
    ids = _distinct(cache, args.ids)
    if len(ids) < MIN_RELEASES:
        raise UsageError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} different releases, "
                         f"got {len(ids)}")
    try:
        comparison = compare(cache, ids)
    except CompareError as exc:
        raise UsageError(str(exc)) from exc
    if args.chart:
        suffix = Path(args.chart).suffix.lower()
        if suffix not in {".png", ".svg", ".pdf"}:
            raise UsageError("--chart takes a .png, .svg or .pdf file name")
        try:
            from openexplorer.ui.charts import export_comparison_chart
        except ImportError as exc:
            raise UsageError(f"chart export needs the desktop app's charts: {exc}") from exc
        export_comparison_chart(comparison, Path(args.chart))
        print(f"wrote the comparison chart to {args.chart}", file=sys.stderr)
        if args.format is None:  # the chart was asked for, not the text
            return 0
    if args.format == "json":
        emit(json.dumps(comparison_for_json(comparison), ensure_ascii=False, indent=2,
                        default=str))
    elif args.format == "csv":
        emit(comparison_csv(comparison, cache.get_meta("snapshot_built")))
    else:
        emit(comparison_markdown(comparison, cache.get_meta("snapshot_built")))
    return 0
