"""``openexplorer show ID``: everything known about one release, under every framework."""

from __future__ import annotations

import argparse
import json

from openexplorer.commands._output import OpenCache, UsageError, emit

COMMAND = "show"
HELP = "everything known about one release"
DESCRIPTION = "Show one release under every framework."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a release id, Hub repo id or exact name")
    parser.add_argument("--format", choices=["json", "markdown"], default="markdown")


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    from openexplorer.analyses.compare import facts_markdown
    from openexplorer.analyses.export import release_markdown
    from openexplorer.views.model import to_json
    from openexplorer.views.release import release_view

    cache = open_cache()
    release_id = cache.resolve(args.id)
    if release_id is None:
        raise UsageError(f"unknown release: {args.id!r} (try: openexplorer search {args.id})")
    view = release_view(cache, release_id)
    if view is None:
        raise UsageError(f"unknown release: {args.id!r}")
    if args.format == "json":
        emit(json.dumps(to_json(view), ensure_ascii=False, indent=2, default=str))
    else:
        # The release facts with their sources and any disagreement between sources.
        emit(release_markdown(view, cache.get_meta("snapshot_built")).rstrip("\n") + "\n\n"
             + facts_markdown(view))
    return 0
