"""``openexplorer report``: a citable report pack for a comparison.

Writes the comparison chart (PNG, SVG), the data (CSV, JSON), a Markdown summary, a BibTeX file
citing every source used and a README with the snapshot date and the command that redraws the
figure offline (see :mod:`openexplorer.ui.reportpack`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

COMMAND = "report"
HELP = "write a citable report pack: chart (PNG, SVG), data (CSV, JSON), Markdown, BibTeX"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("ids", nargs="+", metavar="ID", help="release ids (2 to 8)")
    parser.add_argument("--out", metavar="FOLDER", type=Path, required=True,
                        help="the folder to write (created if needed)")


def run(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.ui import reportpack
    from openexplorer.commands._output import UsageError
    from openexplorer.analyses.compare import MAX_RELEASES, MIN_RELEASES, CompareError

    if not MIN_RELEASES <= len(args.ids) <= MAX_RELEASES:
        raise UsageError(f"report takes {MIN_RELEASES} to {MAX_RELEASES} releases, "
                         f"got {len(args.ids)}")
    cache = open_cache()
    try:
        paths = reportpack.write(cache, args.ids, args.out)
    except CompareError as exc:
        raise UsageError(str(exc)) from exc
    except reportpack.ReportPackError as exc:
        print(f"openexplorer report: {exc}", file=sys.stderr)
        return 1
    for path in paths:
        sys.stdout.write(f"{path}\n")
    print(f"wrote a report pack of {len(paths)} files to {args.out}", file=sys.stderr)
    return 0
