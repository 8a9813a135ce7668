"""``openexplorer frameworks ID``: one release under every framework, and where they disagree."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from openexplorer.commands._output import emit, read_card_file

COMMAND = "frameworks"
HELP = ("one release under MOF, the index, OSAID, OSI's validation, FMTI and Epoch, side by side, "
        "with every disagreement explained")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a release id, Hub repo id or exact name")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
    parser.add_argument("--card", metavar="FILE",
                        help="the model card (README.md) to look for openness claims in")


def run(args: argparse.Namespace, open_cache: Callable[[], Any]) -> int:
    from openexplorer.analyses import crossframework
    from openexplorer.analyses import openwashing
    from openexplorer.commands._output import UsageError
    from openexplorer.views.release import release_view

    card = read_card_file(args.card)
    cache = open_cache()
    release_id = cache.resolve(args.id)
    if release_id is None:
        raise UsageError(f"unknown release: {args.id!r} (try: openexplorer search {args.id})")
    view = release_view(cache, release_id)
    if view is None:
        raise UsageError(f"unknown release: {args.id!r}")
    result = crossframework.compare_frameworks(view)
    washing = openwashing.check(view, card)
    if args.format == "json":
        out = {**result.to_dict(), "openwashing": washing.to_dict()}
        text = json.dumps(out, ensure_ascii=False, indent=2, default=str)
    else:
        text = crossframework.markdown(result, washing, cache.get_meta("snapshot_built"))
    emit(text)
    return 0

