"""``openexplorer openwashing [ID]``: openness claims next to the evidence.

With an id: that release's claims, the evidence and one flag per mismatch. Without: the releases
with the largest gaps between claim and evidence.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from openexplorer.commands._output import emit, read_card_file

COMMAND = "openwashing"
HELP = ("openness claims (\"open source\", \"fully open\", \"open weights\"…) next to the "
        "evidence: one release, or the ranking of the largest gaps")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", nargs="?", help="a release id, Hub repo id or exact name "
                        "(without one: the ranking)")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="at most N releases in the ranking (default 20)")
    parser.add_argument("--format", choices=["table", "json", "markdown"], default="table")
    parser.add_argument("--card", metavar="FILE",
                        help="the release's model card (README.md) to look for claims in")


def run(args: argparse.Namespace, open_cache: Callable[[], Any]) -> int:
    from openexplorer.analyses import openwashing
    from openexplorer.commands._output import UsageError
    from openexplorer.views.release import release_view

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.card and not args.id:
        raise UsageError("--card needs the id of the release the card belongs to")
    card = read_card_file(args.card)
    cache = open_cache()
    snapshot = cache.get_meta("snapshot_built")
    if args.id:
        release_id = cache.resolve(args.id)
        if release_id is None:
            raise UsageError(f"unknown release: {args.id!r} (try: openexplorer search {args.id})")
        view = release_view(cache, release_id)
        if view is None:
            raise UsageError(f"unknown release: {args.id!r}")
        result = openwashing.check(view, card)
        if args.format == "json":
            emit(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        elif args.format == "markdown":
            emit(openwashing.markdown(result, snapshot))
        else:
            emit(_one_table(result))
        return 0
    results = openwashing.ranking(cache, args.limit)
    if args.format == "json":
        emit(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
    elif args.format == "markdown":
        emit(openwashing.markdown(results, snapshot))
    else:
        emit(_ranking_table(results))
    return 0


def _one_table(result: Any) -> str:
    from openexplorer.analyses.openwashing import rules

    lines = [f"{result.name} ({result.release_id})", f"gap: {result.gap:.2f}", "", "claims:"]
    seen: dict[tuple[str, str], int] = {}
    for c in result.claims:
        key = (c.phrase.lower(), c.source_label)
        seen[key] = seen.get(key, 0) + 1
    lines += [f"  \"{phrase}\" ({where})" + (f" ×{n}" if n > 1 else "")
              for (phrase, where), n in seen.items()] or ["  none found in what we hold offline"]
    lines += ["", "evidence:"]
    for aspect, ev in result.evidence.items():
        label = rules()["aspects"][aspect]["label"]
        lines.append(f"  {label:<22} {ev.status:<8} {ev.summary}")
    lines += ["", "flags:"]
    lines += [f"  - {f}" for f in result.flags] or ["  none"]
    return "\n".join(lines)


def _ranking_table(results: list[Any]) -> str:
    from openexplorer.commands._output import table

    rows = []
    for rank, r in enumerate(results, 1):
        top = r.top_claim
        rows.append({"#": rank, "id": r.release_id, "name": r.name, "gap": r.gap,
                     "claim": f"\"{top.phrase}\" ({top.source})" if top else "",
                     "flags": len(r.flags), "licence": r.license})
    return table(rows, ["#", "id", "name", "gap", "claim", "flags", "licence"])
