"""``openexplorer export OUT``: every release with its headline figures, as JSON lines or CSV."""

from __future__ import annotations

import argparse
import sys
from typing import IO

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
    from openexplorer.analyses.export import (
        atomic_output,
        iter_export,
        iter_summary_rows,
        write_csv,
        write_jsonl,
    )

    cache = open_cache()

    def write(out: IO[str]) -> int:
        if args.format == "jsonl":
            return write_jsonl(iter_export(cache), out)
        return write_csv(iter_summary_rows(cache), out)

    if args.out == "-":
        write(sys.stdout)
        return 0
    # Whole or not at all: a full disk leaves no partial file and the earlier export intact.
    with atomic_output(args.out, newline="") as out:
        count = write(out)
    print(f"wrote {count} releases to {args.out}", file=sys.stderr)
    return 0
