"""``openexplorer rubric``: rank releases under your own weighting of the openness criteria.

Weights start from a profile (built-in: Equal, Data first, Developer; or one you saved) and
``--weights`` changes some of them. Each release is shown with its rank under your rubric and
under the MOF and the index, and how far it moved. ``--sensitivity`` adds which conclusions hold
under any reasonable weighting. The rules are in docs/rubric.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

COMMAND = "rubric"
HELP = "rank releases under your own weighting of MOF components, index dimensions and licence"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--profile", metavar="NAME",
                        help="start from this profile (Equal, 'Data first', Developer, or one "
                             "you saved; default Equal)")
    parser.add_argument("--weights", metavar="C=W,...",
                        help="change weights, e.g. license=3,mof.datasets=2,osai.availability=0 "
                             "(see --list for the criteria)")
    parser.add_argument("--save", metavar="NAME", help="save the weights as a profile")
    parser.add_argument("--delete", metavar="NAME", help="delete a saved profile and stop")
    parser.add_argument("--list", action="store_true",
                        help="list the criteria with their weights, and the profiles")
    parser.add_argument("--limit", type=int, default=20, metavar="N",
                        help="show the first N releases (default 20)")
    parser.add_argument("--missing", choices=["skip", "zero"], default="skip",
                        help="missing evidence: leave it out (skip, default) or count it as 0")
    parser.add_argument("--include-hub", action="store_true",
                        help="also rank Hub-only releases, on provisional evidence")
    parser.add_argument("--sensitivity", action="store_true",
                        help="also show which conclusions hold under any reasonable weighting")
    parser.add_argument("--samples", type=int, default=200, metavar="N",
                        help="weightings drawn for --sensitivity (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="random seed for --sensitivity")
    parser.add_argument("--format", choices=["table", "json"], default="table")


def _change(value: int | None) -> str:
    if value is None:
        return ""
    return f"+{value}" if value > 0 else ("0" if value == 0 else str(value))


def _rank(rank: int | None, change: int | None) -> str:
    if rank is None:
        return "–"
    return f"{rank} ({_change(change)})" if change else str(rank)


def run(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.analyses import rubric
    from openexplorer.commands._output import UsageError

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.samples < 1:
        raise UsageError("--samples must be at least 1")
    cache = open_cache()
    try:
        if args.delete:
            if not rubric.delete_profile(cache, args.delete):
                raise UsageError(f"no saved profile {args.delete!r}")
            print(f"deleted rubric profile {args.delete!r}", file=sys.stderr)
            return 0
        profile = rubric.profile_name(cache, args.profile or rubric.DEFAULT_PROFILE)
        weights = rubric.load_profile(cache, profile)
        if args.weights:
            weights = rubric.parse_weights(args.weights, weights)
        if args.save:
            rubric.save_profile(cache, args.save, weights)
            print(f"saved rubric profile {args.save!r}", file=sys.stderr)
        if args.list:
            return _list(cache, weights, args.format)
        table = rubric.candidates(cache, curated_only=not args.include_hub)
        rows = rubric.rank_table(table, weights, missing=args.missing, limit=args.limit)
        result = None
        if args.sensitivity:
            result = rubric.sensitivity(table=table, base=weights, samples=args.samples,
                                        seed=args.seed, missing=args.missing)
    except rubric.RubricError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        document: dict[str, Any] = {
            "profile": args.save or profile, "weights": weights, "missing": args.missing,
            "releases_ranked": len(table), "ranking": [r.as_dict() for r in rows],
        }
        if result is not None:
            document["sensitivity"] = result.as_dict()
        sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = [f"Rubric: {args.save or profile}"
             + (" (changed)" if args.weights else "")
             + f"; {len(table)} assessed releases; missing evidence "
             + ("left out" if args.missing == "skip" else "counted as 0"),
             ""]
    header = ["rank", "release", "score", "evidence", "MOF rank (move)", "index rank (move)"]
    cells = [[str(r.rank), r.name + (" *" if r.provisional else ""), f"{r.score:.3f}",
              f"{r.coverage * 100:.0f} %", _rank(r.mof_rank, r.change_vs_mof),
              _rank(r.osai_rank, r.change_vs_osai)] for r in rows]
    widths = [min(48, max(len(h), *(len(c[i]) for c in cells))) if cells else len(h)
              for i, h in enumerate(header)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)))
    for row in cells:
        lines.append("  ".join(c[:w].ljust(w) for c, w in zip(row, widths, strict=True)))
    lines += ["", "move: places gained (+) or lost (-) under your rubric, among the releases that "
              "framework ranks. evidence: share of your weight with evidence."]
    if any(r.provisional for r in rows):
        lines.append("* provisional: some evidence comes from Hub metadata")
    if result is not None:
        lines += ["", f"Sensitivity: {result.samples} weightings, each weight between "
                  f"1/{result.spread:g} and {result.spread:g} times yours (seed {result.seed})", ""]
        for conclusion in result.conclusions:
            mark = "holds " if conclusion.robust else "varies"
            lines.append(f"  [{mark}] {conclusion.text}")
    sys.stdout.write("\n".join(lines) + "\n")
    return 0


def _list(cache: Any, weights: dict[str, float], fmt: str) -> int:
    from openexplorer.analyses import rubric

    if fmt == "json":
        sys.stdout.write(json.dumps({
            "criteria": [{"key": c.key, "name": c.name, "group": c.group, "weight": w}
                         for c, w in rubric.describe(weights)],
            "groups": {k: list(v) for k, v in rubric.GROUP_KEYS.items()},
            "profiles": rubric.profile_names(cache),
        }, ensure_ascii=False, indent=2) + "\n")
        return 0
    lines = []
    group = None
    for criterion, weight in rubric.describe(weights):
        if criterion.group != group:
            group = criterion.group
            lines += ["", group]
        lines.append(f"  {criterion.key:<42} {weight:>5g}  {criterion.name}")
    lines += ["", "Shorthands: " + ", ".join(rubric.GROUP_KEYS), "",
              "Profiles: " + ", ".join(rubric.profile_names(cache))]
    sys.stdout.write("\n".join(lines).lstrip("\n") + "\n")
    return 0
