"""``openexplorer refresh``: Hub metadata for curated releases, given ids or a search on the Hub.

The loop is :func:`openexplorer.hub.refresh.refresh`; this module prints its progress (one line
rewritten on a terminal, a line per batch elsewhere) and its report.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from typing import Any, TextIO

from openexplorer.commands._output import OpenCache

COMMAND = "refresh"
HELP = "refresh metadata from the Hugging Face Hub"
DESCRIPTION = "Refresh Hub metadata for curated releases or a search on the Hub."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--search", metavar="Q")
    parser.add_argument("--author", metavar="A")
    parser.add_argument("--ids", nargs="+", metavar="ID")
    parser.add_argument("--limit", type=int, metavar="N")


def run(args: argparse.Namespace, open_cache: OpenCache) -> int:
    try:
        import openexplorer.hub.refresh  # noqa: F401 - is the Hub client installed?
    except ImportError:
        print("openexplorer refresh: refreshing from the Hugging Face Hub is not available in "
              "this version; the bundled snapshot and imports work offline.", file=sys.stderr)
        return 1
    return run_refresh(args, open_cache())


class TerminalProgress:
    """A progress line on a terminal (``\\r``), or one line per batch written elsewhere."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.shown = False
        self.width = max(40, min(120, shutil.get_terminal_size((80, 20)).columns - 1))

    def __call__(self, p: Any) -> None:
        """Show ``p``, a :class:`openexplorer.hub.refresh.RefreshProgress`."""
        if self.tty:
            if p.phase == "done":
                return
            if p.total:
                filled = int(20 * min(p.done, p.total) / p.total)
                bar = f"[{'#' * filled}{'.' * (20 - filled)}] {p.done}/{p.total}"
            else:
                bar = f"{p.done} models"
            note = getattr(p, "note", None)
            label = {"waiting": note or "waiting", "writing": "writing"}.get(p.phase,
                                                                         p.current_id or "")
            line = f"refresh {bar} {label}"[: self.width]
            self.stream.write("\r" + line.ljust(self.width))
            self.stream.flush()
            self.shown = True
        elif p.phase == "waiting" and getattr(p, "note", None):
            self.stream.write(f"refresh: {p.note}\n")
            self.stream.flush()
        elif p.phase == "writing":
            total = f" of {p.total}" if p.total else ""
            self.stream.write(f"refresh: {p.done}{total} models fetched, writing\n")
            self.stream.flush()

    def close(self) -> None:
        if self.tty and self.shown:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def run_refresh(args: Any, cache: Any, *, stream: TextIO | None = None,
                client: Any = None) -> int:
    """``openexplorer refresh [--search Q] [--author A] [--ids ID...] [--limit N]`` on ``cache``.

    Returns 0 when all went well (or some models failed: a warning says which), 1 when offline,
    when the Hub was unreachable or when everything failed, 130 on Ctrl-C. ``client`` defaults
    to a :class:`openexplorer.hub.client.HubClient` from the environment.
    """
    from openexplorer.hub.client import HubClient, is_offline
    from openexplorer.hub.refresh import RefreshRequest, refresh

    out = stream or sys.stderr
    if is_offline():
        out.write("openexplorer refresh: offline mode is on (HF_HUB_OFFLINE is set); the Hub was "
                  "not contacted\n")
        return 1
    if cache.path is None:
        out.write("openexplorer refresh: this cache is in memory; give --db a file\n")
        return 1
    limit = getattr(args, "limit", None)
    if limit is not None and limit < 1:
        out.write("openexplorer refresh: --limit must be at least 1\n")
        return 2
    request = RefreshRequest(search=getattr(args, "search", None),
                             author=getattr(args, "author", None),
                             ids=tuple(getattr(args, "ids", None) or ()), limit=limit)
    client = client or HubClient()
    progress = TerminalProgress(out)
    try:
        report = refresh(client, cache.path, request, on_progress=progress)
    except KeyboardInterrupt:
        progress.close()
        out.write("openexplorer refresh: interrupted; batches already written are kept\n")
        return 130
    progress.close()
    return print_report(report, client.endpoint, out)


def print_report(report: Any, endpoint: str, out: TextIO) -> int:
    """Write ``report`` (a :class:`openexplorer.hub.refresh.RefreshReport`) to ``out``; return
    the command's exit status."""
    whole_run = report.whole_run
    if report.unreachable and whole_run is not None and report.updated == 0 \
            and not report.failed_models:
        out.write(f"openexplorer refresh: {whole_run.message}\n")
        return 1
    seconds = ((report.finished or report.started) - report.started).total_seconds()
    if report.requested == 0 and not report.failed:
        out.write("openexplorer refresh: nothing to refresh (no model matched or none is due)\n")
        return 0
    waits = [f"{seconds_waited:.0f} s {why}" for seconds_waited, why in (
        (report.waited_for_rate_limits, "waiting for rate limits"),
        (report.waited_for_errors, "waiting after Hub errors (5xx, timeouts)"))
        if seconds_waited >= 1]
    out.write(
        f"refreshed {report.updated}"
        + (f" of {max(report.requested, report.updated)}" if report.requested else "")
        + f" models from {endpoint} in {seconds:.1f} s: {report.changes} facts changed, {report.unchanged} "
        f"unchanged, {report.calls} requests" + "".join(f", {w}" for w in waits) + "\n")
    out.writelines(f"  renamed on the Hub: {old} -> {new}\n"
                   for old, new in sorted(report.renamed.items()))
    out.writelines(f"  note: {line}\n" for line in report.warnings)
    if report.gave_up and report.stopped:
        out.write(f"warning: {report.stopped}; the models not refreshed keep their cached data; "
                  "run `openexplorer refresh` again later (the app's scheduled refresh tries "
                  "again on its own)\n")
    elif report.stopped:
        out.write(f"warning: the refresh stopped early: {report.stopped}\n")
    models = report.failed_models
    if models:
        out.write(f"warning: {len(models)} of {max(report.requested, len(models))} models could "
                  "not be refreshed (their cached data is unchanged):\n")
    elif report.failed:
        out.write("warning: the refresh did not complete:\n")
    out.writelines(f"  {failure.id}: {failure.kind}: {failure.message}\n"
                   for failure in report.failed)
    if report.cancelled:
        out.write("openexplorer refresh: cancelled\n")
        return 1
    if report.failed and report.updated == 0:
        return 1
    return 0
