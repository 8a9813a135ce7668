"""The ``openexplorer`` command. With no arguments it opens the window.

Exit status: 0 on success, 1 when the cache cannot be used or an import failed entirely,
2 on bad arguments or unknown release ids.
"""

from __future__ import annotations

import argparse
import json
import logging
import sqlite3
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openexplorer import __version__

log = logging.getLogger(__name__)

IMPORT_SOURCES = ("mot", "osai", "osai-legacy", "epoch", "fmti", "osi")


class UsageError(Exception):
    """A bad argument or an unknown id: exit status 2."""


def _add_db(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="the cache file to use (default: your user cache, created from the bundled "
        "snapshot on first use)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openexplorer",
        description="How open is an AI model, really? With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"openexplorer {__version__}")
    _add_db(parser, top=True)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    search = commands.add_parser("search", help="search releases",
                                 description="Search releases by name, organisation, family.")
    _add_db(search)
    search.add_argument("query", nargs="?", default="", help="words to look for (may be empty)")
    search.add_argument("--license-category", metavar="C",
                        help="licence category, e.g. Permissive, Copyleft, 'Proprietary Free'")
    search.add_argument("--mof-class", choices=["I", "II", "III"],
                        help="MOF class reached (I includes nothing lower)")
    search.add_argument("--min-score", type=float, metavar="X",
                        help="minimum European Open Source AI Index score (0 to 1)")
    search.add_argument("--limit", type=int, default=20, metavar="N", help="at most N results")
    search.add_argument("--format", choices=["table", "json", "csv"], default="table")

    show = commands.add_parser("show", help="everything known about one release",
                               description="Show one release under every framework.")
    _add_db(show)
    show.add_argument("id", help="a release id, Hub repo id or exact name")
    show.add_argument("--format", choices=["json", "markdown"], default="markdown")

    compare = commands.add_parser("compare", help="compare 2 to 8 releases side by side",
                                  description="Compare 2 to 8 releases side by side.")
    _add_db(compare)
    compare.add_argument("ids", nargs="+", metavar="ID", help="release ids (2 to 8)")
    compare.add_argument("--format", choices=["json", "markdown", "csv"], default="markdown")
    compare.add_argument("--chart", metavar="FILE",
                         help="also write the comparison chart (.png, .svg or .pdf)")

    importer = commands.add_parser(
        "import", help="import a public source's files",
        description="Import a source's own files (notes included) into the cache. Into a new "
        "cache, only what you import goes in.")
    _add_db(importer)
    importer.add_argument("source", choices=IMPORT_SOURCES)
    importer.add_argument("path", type=Path, help="the file or folder to import")

    refresh = commands.add_parser(
        "refresh", help="refresh metadata from the Hugging Face Hub",
        description="Refresh Hub metadata for curated releases or a search on the Hub.")
    _add_db(refresh)
    refresh.add_argument("--search", metavar="Q")
    refresh.add_argument("--author", metavar="A")
    refresh.add_argument("--ids", nargs="+", metavar="ID")
    refresh.add_argument("--limit", type=int, metavar="N")

    for module in _extension_commands():
        extra = commands.add_parser(module.COMMAND, help=module.HELP, description=module.HELP)
        _add_db(extra)
        module.add_arguments(extra)

    export = commands.add_parser("export", help="export every release",
                                 description="Export every release with its headline figures.")
    _add_db(export)
    export.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    export.add_argument("out", help="output file, or - for standard output")
    return parser


def _extension_commands() -> list[Any]:
    """The modules of :mod:`openexplorer.commands`, in name order."""
    import importlib
    import pkgutil

    from openexplorer import commands

    return [importlib.import_module(f"openexplorer.commands.{m.name}")
            for m in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name)]


def _open(args: argparse.Namespace, *, seed: bool = True) -> Any:
    from openexplorer.store.cache_file import open_cache

    return open_cache(args.db, seed=seed, summary_progress=_SummaryProgress(sys.stderr),
                      notify=lambda line: print(f"openexplorer: {line}", file=sys.stderr))


class _SummaryProgress:
    """After an update, a large cache's summaries are recomputed before the first command
    (minutes at a million releases): say so on standard error, a line every few seconds (or one
    line rewritten on a terminal)."""

    EVERY_SECONDS = 5.0

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        import time

        now = time.monotonic()
        if done < total and now - self._last < self.EVERY_SECONDS:
            return
        self._last = now
        tty = getattr(self._stream, "isatty", lambda: False)()
        line = (f"Updating release summaries to this version: {100 * done // max(total, 1)} % "
                f"({done:,} of {total:,} releases)")
        self._stream.write(("\r" + line + ("\n" if done >= total else "")) if tty
                           else line + "\n")
        self._stream.flush()


def _emit(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def _table(rows: list[dict[str, Any]], columns: Sequence[str]) -> str:
    if not rows:
        return "no releases found"
    def text(value: Any) -> str:
        if value is None:
            return ""
        return f"{value:.2f}" if isinstance(value, float) else str(value)

    cells = [[text(r.get(c)) for c in columns] for r in rows]
    widths = [min(40, max(len(c), *(len(row[i]) for row in cells))) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    for row in cells:
        lines.append("  ".join(v[:w].ljust(w) for v, w in zip(row, widths, strict=True)))
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace) -> int:
    from openexplorer.search import summary
    from openexplorer.views.release import release_view

    if args.limit is not None and args.limit < 1:
        raise UsageError("--limit must be at least 1")
    if args.min_score is not None and not 0 <= args.min_score <= 1:
        raise UsageError("--min-score is an index score between 0 and 1")
    cache = _open(args)
    categories: tuple[str, ...] = ()
    if args.license_category:
        known = [r[0] for r in cache.conn.execute(
            "SELECT DISTINCT license_category FROM release_summary "
            "WHERE license_category IS NOT NULL")]
        categories = tuple(c for c in known if c.lower() == args.license_category.lower())
        if not categories:
            raise UsageError(f"no licence category {args.license_category!r}; known: "
                             + ", ".join(sorted(known)))
    # A class is reached with everything above it: asking for III includes II and I.
    reached = {"III": ("III", "II", "I"), "II": ("II", "I"), "I": ("I",)}
    filters = summary.Filters(
        license_category=categories,
        mof_class=reached[args.mof_class] if args.mof_class else (),
        osai_min=args.min_score,
    )
    rows = summary.search(cache, args.query, filters, limit=args.limit)
    if args.format == "json":
        from openexplorer.analyses.export import export_record

        views = [release_view(cache, row["release_id"], detail=False) for row in rows]
        _emit(json.dumps([
            {**export_record(v), "mof.class": v["mof"]["class"],
             "osai.score": v["osai"]["score"], "osaid.verdict": v["osaid"]["verdict"]}
            for v in views if v is not None], ensure_ascii=False, indent=2))
        return 0
    table = [{
        "id": r["release_id"], "name": r["name"], "family": r["family"],
        "organization": r["organization"], "release_date": r["release_date"],
        "license": r["license_id"], "license_category": r["license_category"],
        "mof_class": r["mof_class"], "osai_score": r["osai_score"],
        "osaid_verdict": r["osaid_verdict"],
    } for r in rows]
    if args.format == "csv":
        from openexplorer.analyses.export import write_csv

        write_csv(table, sys.stdout)
    else:
        _emit(_table(table, ["id", "name", "organization", "release_date", "license",
                             "mof_class", "osai_score", "osaid_verdict"]))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from openexplorer.analyses.export import release_markdown
    from openexplorer.views.release import release_view

    cache = _open(args)
    release_id = cache.resolve(args.id)
    if release_id is None:
        raise UsageError(f"unknown release: {args.id!r} (try: openexplorer search {args.id})")
    view = release_view(cache, release_id)
    if args.format == "json":
        _emit(json.dumps(view, ensure_ascii=False, indent=2, default=str))
    else:
        _emit(release_markdown(view, cache.get_meta("snapshot_built")))
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    from openexplorer.analyses.compare import MAX_RELEASES, MIN_RELEASES, CompareError, compare
    from openexplorer.analyses.export import comparison_csv, comparison_markdown

    if not MIN_RELEASES <= len(args.ids) <= MAX_RELEASES:
        raise UsageError(f"compare takes {MIN_RELEASES} to {MAX_RELEASES} releases, "
                         f"got {len(args.ids)}")
    cache = _open(args)
    try:
        comparison = compare(cache, args.ids)
    except CompareError as exc:
        raise UsageError(str(exc)) from exc
    if args.chart:
        suffix = Path(args.chart).suffix.lower()
        if suffix not in {".png", ".svg", ".pdf"}:
            raise UsageError("--chart takes a .png, .svg or .pdf file name")
        try:
            from openexplorer.ui.charts import export_comparison_chart
        except ImportError as exc:
            raise UsageError(f"chart export needs the desktop app's charts: {exc}") from exc
        export_comparison_chart(comparison, Path(args.chart))
    if args.format == "json":
        _emit(json.dumps(comparison, ensure_ascii=False, indent=2, default=str))
    elif args.format == "csv":
        _emit(comparison_csv(comparison))
    else:
        _emit(comparison_markdown(comparison, cache.get_meta("snapshot_built")))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    import importlib

    from openexplorer.store.ingest import ingest

    if not args.path.exists():
        raise UsageError(f"{args.path}: no such file or folder")
    module = importlib.import_module(f"openexplorer.importers.{args.source.replace('-', '_')}")
    result = module.read(args.path)
    cache = _open(args, seed=False)
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


def cmd_refresh(args: argparse.Namespace) -> int:
    try:
        from openexplorer.hub.refresh import run_from_cli
    except ImportError:
        print("openexplorer refresh: refreshing from the Hugging Face Hub is not available in "
              "this version; the bundled snapshot and imports work offline.", file=sys.stderr)
        return 1
    return int(run_from_cli(args, _open(args)))


def cmd_export(args: argparse.Namespace) -> int:
    from openexplorer.analyses.export import iter_export, iter_summary_rows, write_csv, write_jsonl

    cache = _open(args)
    out = sys.stdout if args.out == "-" else open(args.out, "w", encoding="utf-8", newline="")  # noqa: SIM115
    try:
        if args.format == "jsonl":
            count = write_jsonl(iter_export(cache), out)
        else:
            count = write_csv(iter_summary_rows(cache), out)
    finally:
        if out is not sys.stdout:
            out.close()
    if args.out != "-":
        print(f"wrote {count} releases to {args.out}", file=sys.stderr)
    return 0


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "search": cmd_search,
    "show": cmd_show,
    "compare": cmd_compare,
    "import": cmd_import,
    "refresh": cmd_refresh,
    "export": cmd_export,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "db", None) == "":
        parser.error("--db needs a file name (leave --db out for your user cache)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        from openexplorer.ui.app import main as run_app

        return run_app(db=args.db)
    from openexplorer.db.cache import CacheError

    handler = COMMANDS.get(args.command)
    if handler is None:
        module = next(m for m in _extension_commands() if m.COMMAND == args.command)
        handler = lambda a: module.run(a, lambda: _open(a))  # noqa: E731
    try:
        return handler(args)
    except UsageError as exc:
        print(f"openexplorer {args.command}: {exc}", file=sys.stderr)
        return 2
    except CacheError as exc:
        print(f"openexplorer: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:  # met after opening: a lock held too long, damage further in
        from openexplorer.db.cache import CacheBusyError
        from openexplorer.core.paths import default_cache_path
        from openexplorer.store.cache_file import DamagedCacheError, is_busy, is_damage

        path = Path(args.db) if args.db else default_cache_path()
        if is_busy(exc):
            print(f"openexplorer: {CacheBusyError(path)}", file=sys.stderr)
        elif is_damage(exc):
            print(f"openexplorer: {DamagedCacheError(path, str(exc))}", file=sys.stderr)
        else:
            print(f"openexplorer {args.command}: the cache could not be used ({exc})",
                  file=sys.stderr)
        return 1
    except OSError as exc:  # a file given on the command line that cannot be read or written
        where = f" {exc.filename!r}" if exc.filename is not None else ""
        print(f"openexplorer {args.command}:{where} {exc.strerror or exc}", file=sys.stderr)
        return 1
