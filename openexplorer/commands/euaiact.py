"""``openexplorer eu-check ID``: the EU AI Act open-source route pre-check of one release.

Prints the dated memo (Markdown, marked "not legal advice") or the pre-check as JSON; ``--out``
writes the memo to a ``.md`` or ``.pdf`` file instead (PDF needs the desktop app's Qt modules,
which run offscreen without a display). Rules: :mod:`openexplorer.analyses.euaiact`, docs/eu-ai-act.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

COMMAND = "eu-check"
HELP = ("EU AI Act open-source route pre-check of one release (Art. 53(2), 54(6)); "
        "not legal advice")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("id", help="a release id, Hub repo id or exact name")
    parser.add_argument("--format", choices=["markdown", "json"], default="markdown")
    parser.add_argument("--out", metavar="FILE",
                        help="write the memo to FILE.md or FILE.pdf instead of printing it")
    parser.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)


def _hub_data(cache: Any, release_id: str) -> dict[str, Any] | None:
    """The data of the release's newest Hub record (for its EU gating flag), if it has one."""
    hub = [r for r in cache.records_for(release_id)
           if r["source"] == "hub" and r["release_id"] == release_id]
    newest = max(hub, key=lambda r: r["assessed_date"] or "", default=None)
    data = newest["data"] if newest is not None else None
    return data if isinstance(data, dict) and data else None


def run(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.analyses import euaiact, euaiact_memo
    from openexplorer.commands._output import UsageError
    from openexplorer.views.release import release_view

    try:
        today = dt.date.fromisoformat(args.today) if args.today else dt.date.today()
    except ValueError as exc:
        raise UsageError(f"--today takes YYYY-MM-DD: {exc}") from exc
    out = Path(args.out) if args.out else None
    if out is not None and out.suffix.lower() not in (".md", ".markdown", ".pdf"):
        raise UsageError("--out takes a .md or .pdf file name")
    cache = open_cache()
    release_id = cache.resolve(args.id)
    if release_id is None:
        raise UsageError(f"unknown release: {args.id!r} (try: openexplorer search {args.id})")
    view = release_view(cache, release_id)
    if view is None:  # resolved, then gone (a rebuild between) or a record of no release
        raise UsageError(f"unknown release: {args.id!r}")
    check = euaiact.precheck(view, today=today, hub_data=_hub_data(cache, release_id),
                             epoch=euaiact.linked_epoch(cache, view))
    snapshot = cache.get_meta("snapshot_built")
    memo = euaiact_memo.memo_markdown(check, view, snapshot)
    if out is not None:
        if out.suffix.lower() == ".pdf":
            try:
                from openexplorer.ui.euaiact_panel import write_memo_pdf
            except ImportError as exc:
                raise UsageError(f"PDF needs the desktop app's Qt modules: {exc}") from exc
            write_memo_pdf(memo, out, title=f"EU AI Act pre-check: {check.name}")
        else:
            from openexplorer.analyses.export import write_text_atomically

            write_text_atomically(out, memo)
        print(f"wrote the memo on {check.name} ({check.verdict}) to {out}", file=sys.stderr)
        return 0
    if args.format == "json":
        text = json.dumps({**check.to_dict(), "snapshot_date": snapshot}, ensure_ascii=False,
                          indent=2)
    else:
        text = memo
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0
