"""``openexplorer watch``: follow releases, families and organisations, and see what changed.

``watch add|remove KIND VALUE`` (KIND: release, family, organization), ``watch list`` (with
"possibly stale" families), ``watch changes [--since DATE]`` (old → new, when, which source).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

COMMAND = "watch"
HELP = "watch releases, families or organisations and list what changed in them"


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the cache file to use")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from openexplorer.analyses.watchlist import KINDS

    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, text in (("add", "watch a release, family or organisation"),
                       ("remove", "stop watching it")):
        action = actions.add_parser(name, help=text, description=text)
        _db(action)
        action.add_argument("kind", choices=KINDS)
        action.add_argument("value", help="an id or name (a release: id, Hub repo id or name)")
    listing = actions.add_parser("list", help="what you watch, with possibly stale families",
                                 description="What you watch, with possibly stale families.")
    _db(listing)
    listing.add_argument("--format", choices=["table", "json"], default="table")
    changes = actions.add_parser(
        "changes", help="what changed in watched releases",
        description="What changed in watched releases, newest first: old and new value, when, "
        "which source.")
    _db(changes)
    changes.add_argument("--since", metavar="DATE",
                         help="only changes since DATE (2025-03-01, 2025-03-01T10:00, or 7d)")
    changes.add_argument("--unseen", action="store_true",
                         help="only changes you have not marked as seen")
    changes.add_argument("--mark-seen", action="store_true",
                         help="then mark every change up to now as seen")
    changes.add_argument("--limit", type=int, metavar="N", help="at most N changes")
    changes.add_argument("--format", choices=["table", "json"], default="table")


def run(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.analyses import watchlist
    from openexplorer.commands._output import UsageError

    cache = open_cache()
    try:
        if args.action == "add":
            item = watchlist.add(cache, args.kind, args.value)
            covered = len(watchlist.release_ids_of(cache, item))
            print(f"watching {item.kind} {item.label} ({item.value}; {covered} release"
                  f"{'' if covered == 1 else 's'})", file=sys.stderr)
            return 0
        if args.action == "remove":
            if not watchlist.remove(cache, args.kind, args.value):
                raise UsageError(f"not watched: {args.kind} {args.value!r}")
            print(f"no longer watching {args.kind} {args.value}", file=sys.stderr)
            return 0
        if args.action == "list":
            return _list(cache, args.format)
        if args.limit is not None and args.limit < 1:
            raise UsageError("--limit must be at least 1")
        if args.unseen:
            found = watchlist.unseen_changes(cache)
            if args.since:
                since = watchlist.stamp(args.since) or ""
                found = [c for c in found if c.changed_at >= since]
            found = found[:args.limit] if args.limit else found
        else:
            found = watchlist.changes_since(cache, args.since, limit=args.limit)
        if args.mark_seen:
            watchlist.mark_seen(cache)
    except watchlist.WatchError as exc:
        raise UsageError(str(exc)) from exc
    if args.format == "json":
        sys.stdout.write(json.dumps([c.as_dict() for c in found], ensure_ascii=False,
                                    indent=2) + "\n")
        return 0
    if not found:
        sys.stdout.write("no changes to watched items" + (f" since {args.since}"
                                                          if args.since else "") + "\n")
        return 0
    for change in found:
        sys.stdout.write(f"{change.changed_at}  {change.release_name}  {change.label}: "
                         f"{change.old or '–'} → {change.new or '–'}  "
                         f"[{change.source or 'merged facts'}]\n")
    return 0


def _list(cache: Any, fmt: str) -> int:
    from openexplorer.analyses import watchlist

    state = watchlist.state(cache, limit=0)  # each watched release looked up once
    entries, stale, unseen = state.items, state.stale, state.unseen_ids
    if fmt == "json":
        sys.stdout.write(json.dumps({
            "items": [{"kind": i.kind, "value": i.value, "name": i.label,
                       "added_at": i.added_at, "releases": state.releases[i.id]}
                      for i in entries],
            "possibly_stale": [s.as_dict() for s in stale],
            "unseen_changes": len(unseen),
        }, ensure_ascii=False, indent=2) + "\n")
        return 0
    if not entries:
        sys.stdout.write("nothing watched yet: openexplorer watch add release|family|"
                         "organization NAME\n")
        return 0
    stale_families = {s.family_id for s in stale if not s.acknowledged}
    for item in entries:
        releases = state.releases[item.id]
        note = "  [possibly stale]" if state.families[item.id] & stale_families else ""
        sys.stdout.write(f"{item.kind:<12} {item.label}  ({item.value}; {releases} "
                         f"release{'' if releases == 1 else 's'}){note}\n")
    for family in stale:
        if not family.acknowledged:
            sys.stdout.write(f"\npossibly stale: {family.line()}\n")
    if unseen:
        sys.stdout.write(f"\n{len(unseen)} unseen change{'' if len(unseen) == 1 else 's'}: "
                         "openexplorer watch changes --unseen\n")
    return 0
