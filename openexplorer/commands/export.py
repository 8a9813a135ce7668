"""``openexplorer export OUT``: every release with its headline figures, as JSON lines or CSV."""

from __future__ import annotations

import argparse
import sys

from openexplorer.commands._output import OpenCache

COMMAND = "export"
HELP = "export every release"
DESCRIPTION = ("Export every release with its headline figures. Each JSON line lists the "
               "release's sources; each CSV row ends with the columns `sources` (the ids of "
               "the sources its facts come from, e.g. `mot; osai`) and `snapshot` (the date of "
               "the data snapshot the cache was built from).")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    parser.add_argument("out", help="output file, or - for standard output")


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    from openexplorer.analyses.export import iter_export, iter_summary_rows, write_csv, write_jsonl

    cache = open_cache()
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        if args.format == "jsonl":
            count = write_jsonl(iter_export(cache), out)
        else:
            count = write_csv(iter_summary_rows(cache), out)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"wrote {count} releases to {args.out}", file=sys.stderr)
    return 0
