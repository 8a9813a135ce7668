"""``openexplorer compare ID ID [ID...]``: 2 to 8 releases side by side, optionally a chart."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from openexplorer.commands._output import OpenCache, UsageError, emit

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
    try:
        comparison = compare(cache, args.ids)
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
