"""``openexplorer clauses``: the licence clause matrix of every licence in the cache.

One row per licence with its number of releases; the clauses that decide commercial use, each
citing the licence section it comes from (JSON, CSV and Markdown carry the clauses and links).
``--commercial-without-review`` keeps the licences usable commercially without legal review,
``--needs-review`` the others. Rules: :mod:`openexplorer.analyses.clauses`. Not legal advice.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

COMMAND = "clauses"
HELP = "the licence clause matrix: commercial use, thresholds, use policies… per licence"

_SHORT = {
    "commercial_use": "commercial", "thresholds": "thresholds", "acceptable_use": "aup",
    "field_of_use": "field-of-use", "output_use": "outputs", "attribution": "attribution",
    "regional": "regional", "share_alike": "share-alike",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["table", "json", "csv", "markdown"],
                        default="table")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--commercial-without-review", action="store_true",
                       help="only licences usable commercially without legal review")
    which.add_argument("--needs-review", action="store_true",
                       help="only licences that need legal review")


def _table(matrix: list[Any]) -> str:
    from openexplorer.analyses.clauses import BUCKETS, CLAUSES, bucket_counts

    header = ["licence", "releases", *(_SHORT[c] for c in CLAUSES), "review"]
    rows = [[lc.name, str(lc.releases), *(lc.cells[c].text for c in CLAUSES),
             "no" if lc.usable else "yes"] for lc in matrix]
    widths = [min(44 if i == 0 else 26, max(len(h), *(len(r[i]) for r in rows)) if rows
                  else len(h)) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))]
    for row in rows:
        lines.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True))
                     .rstrip())
    counts = bucket_counts(matrix)
    lines.append("")
    lines += [f"{BUCKETS[b]}: {counts[b][0]} licences, {counts[b][1]} releases"
              for b in counts]
    lines.append("Not legal advice; see --format markdown for each clause and its source.")
    return "\n".join(lines)


def run(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.analyses import clauses

    cache = open_cache()
    matrix = clauses.clause_matrix(cache)
    if args.commercial_without_review:
        matrix = [lc for lc in matrix if clauses.usable_commercially_without_review(lc)]
    elif args.needs_review:
        matrix = [lc for lc in matrix if clauses.needs_legal_review(lc)]
    if args.format == "json":
        text = clauses.matrix_json(matrix)
    elif args.format == "csv":
        text = clauses.matrix_csv(matrix)
    elif args.format == "markdown":
        text = clauses.matrix_markdown(matrix, cache.get_meta("snapshot_built"))
    else:
        text = _table(matrix)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
