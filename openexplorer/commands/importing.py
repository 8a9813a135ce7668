"""``openexplorer import SOURCE PATH``: a public source's own files into the cache.

(The module is not called ``import``: that is a Python keyword.)
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from openexplorer.commands._output import OpenCache, UsageError

COMMAND = "import"
HELP = "import a public source's files"
DESCRIPTION = ("Import a source's own files (notes included) into the cache. Into a new "
               "cache, only what you import goes in.")

#: The sources ``import`` reads; ``osai-legacy`` is :mod:`openexplorer.importers.osai_legacy`.
IMPORT_SOURCES = ("mot", "osai", "osai-legacy", "epoch", "fmti", "osi")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("source", choices=IMPORT_SOURCES)
    parser.add_argument("path", type=Path, help="the file or folder to import")


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    if not args.path.exists():
        raise UsageError(f"{args.path}: no such file or folder")
    from openexplorer.importers.common import require_records
    from openexplorer.store.ingest import ingest

    module = importlib.import_module(f"openexplorer.importers.{args.source.replace('-', '_')}")
    result = require_records(module.read(args.path), args.path, args.source)
    cache = open_cache(seed=False)
    report = ingest(cache, result)
    for problem in report.problems:
        print(f"skipped {problem}", file=sys.stderr)
    print(
        f"imported {report.records} records from {args.source}: "
        f"{report.releases_created} new releases, {report.releases_linked} linked to known "
        f"ones, {report.changes} changes, {len(report.problems)} problems",
        file=sys.stderr,
    )
    return 0 if report.records or not report.problems else 1
