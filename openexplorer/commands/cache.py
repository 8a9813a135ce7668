"""``openexplorer cache``: check the cache, rebuild a damaged one, save and restore your own data.

``cache check`` (exit 0 when the file is sound, 1 otherwise), ``cache rebuild [--force]`` (build a
new cache from the bundled snapshot beside the damaged one, restore your corrections and
watchlist into it, export them, then swap it in, the damaged file kept aside; exit 0 when
rebuilt, 2 when refused because the cache is sound and --force was not given, 1 when it could
not be done and the cache was left as it was), ``cache export-user FILE`` (your corrections, watchlist and
rubric profiles as JSON; also from a damaged cache, as much as can be read) and
``cache restore-user FILE``.
A cache written by a newer OpenExplorer is never rebuilt.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

COMMAND = "cache"
HELP = "check the cache, rebuild a damaged one, export or restore your own data"


def _db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS,
                        help="the cache file to use")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="check the cache file (integrity, schema)",
                               description="Check the cache file: whether it opens, its schema "
                               "and SQLite's integrity check. Exit status 1 when it is not sound.")
    _db(check)
    check.add_argument("--format", choices=["text", "json"], default="text")
    rebuild = actions.add_parser(
        "rebuild", help="rebuild a damaged cache from the bundled snapshot",
        description="Rebuild a damaged cache from the bundled snapshot. The new cache is built "
        "beside the damaged one and takes its place only when complete; the damaged file is "
        "renamed (never deleted), your corrections and watchlist are exported beside it and "
        "restored into the new cache. Exit status 0 when rebuilt; 2 when refused (the cache is "
        "sound: --force rebuilds it anyway); 1 when it could not be done (a newer version's "
        "cache, a full disk: the cache is then left as it was).")
    _db(rebuild)
    rebuild.add_argument("--force", action="store_true",
                         help="rebuild even a cache that is not damaged (the old file is kept)")
    rebuild.add_argument("--no-restore", action="store_true",
                         help="export your data but do not restore it into the new cache")
    export = actions.add_parser(
        "export-user", help="write your corrections and watchlist to a JSON file",
        description="Write your own data (corrections, watchlist, rubric profiles) to a JSON "
        "file; works on a damaged cache too, as far as it can be read.")
    _db(export)
    export.add_argument("file", type=Path, help="the JSON file to write")
    restore = actions.add_parser(
        "restore-user", help="restore your data from an export",
        description="Restore corrections, watchlist and rubric profiles from a file written by "
        "`cache export-user` or `cache rebuild`. What is already in the cache is kept.")
    _db(restore)
    restore.add_argument("file", type=Path, help="the JSON file to read")


def _path(args: argparse.Namespace) -> Path:
    from openexplorer.core.paths import default_cache_path

    db = getattr(args, "db", None)
    return Path(db) if db else default_cache_path()


def run(args: argparse.Namespace, open_cache: Any) -> int:
    return {"check": _check, "rebuild": _rebuild, "export-user": _export,
            "restore-user": _restore}[args.action](args, open_cache)


def _check(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.db.cache import CacheError, SchemaTooNewError
    from openexplorer.store.cache_file import DamagedCacheError, inspect
    from openexplorer.store.cache_file import open_cache as open_path

    path = _path(args)
    result: dict[str, Any] = {"path": str(path)}
    state = inspect(path)
    if state.kind == "missing":
        result.update(status="missing", message="no cache yet: it is created from the bundled "
                      "snapshot on first use")
    elif state.kind == "empty":
        result.update(status="empty", message=(
            f"{path} is not a usable OpenExplorer cache: {state.detail}. The next start keeps "
            "it aside, builds a new one and restores your data from the copy beside it; or: "
            f"openexplorer --db {path} cache rebuild"))
    elif state.kind == "incomplete":
        result.update(status="damaged", missing_tables=list(state.missing),
                      message=str(DamagedCacheError(path, state.detail)))
    elif state.kind == "foreign":
        result.update(status="unusable", message=f"{path}: {state.detail}; it was left as it is")
    else:
        try:
            with open_path(path, seed=False, check="always", backup=False,
                           notify=lambda line: None) as cache:
                result.update(status="ok", message="the cache is sound",
                              schema=cache.schema_version(),
                              releases=cache.count("releases"), records=cache.count("records"),
                              snapshot=cache.get_meta("snapshot_built"),
                              readonly=cache.readonly)
        except DamagedCacheError as exc:
            result.update(status="damaged", message=str(exc))
        except SchemaTooNewError as exc:
            result.update(status="too-new", message=str(exc))
        except CacheError as exc:
            result.update(status="unusable", message=str(exc))
    if args.format == "json":
        print(json.dumps(result, indent=2))
    else:
        if result["status"] == "ok":
            print(f"{path}: the cache is sound (schema {result['schema']}, "
                  f"{result['releases']} releases, {result['records']} records"
                  + ("; read-only here" if result["readonly"] else "") + ")")
        elif result["status"] == "missing":
            print(f"{path}: {result['message']}")
        else:
            print(f"openexplorer cache check: {result['message']}", file=sys.stderr)
    return 0 if result["status"] in ("ok", "missing") else 1


def _rebuild(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.store import recovery

    path = _path(args)
    try:
        report = recovery.rebuild(path, restore=not args.no_restore, force=args.force)
    except recovery.RebuildRefused as exc:
        print(f"openexplorer cache rebuild: {exc}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line, file=sys.stderr)
    if report.export and args.no_restore:
        print(f"restore it with: openexplorer --db {path} cache restore-user {report.export}",
              file=sys.stderr)
    return 0


def _export(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.store import recovery
    from openexplorer.store.cache_file import DamagedCacheError

    path = _path(args)
    try:
        cache = open_cache()
    except DamagedCacheError:
        data = recovery.read_user_data(path)  # as much as the damaged file still gives
        if not data.readable:
            print(f"openexplorer cache: nothing could be read from {path}: "
                  + "; ".join(data.problems), file=sys.stderr)
            return 1
    else:
        with cache:
            cache.conn.execute("BEGIN")  # one consistent view
            try:
                data = recovery.read_user_data_from(cache.conn, str(path))
            finally:
                cache.conn.rollback()
    out = recovery.write_export(data, args.file, overwrite=True)
    print(f"wrote {data.summary()} to {out}", file=sys.stderr)
    for problem in data.problems:
        print(f"  not read: {problem}", file=sys.stderr)
    return 0


def _restore(args: argparse.Namespace, open_cache: Any) -> int:
    from openexplorer.store import recovery
    from openexplorer.commands._output import UsageError

    if not args.file.exists():
        raise UsageError(f"{args.file}: no such file")
    data = recovery.read_export(args.file)
    with open_cache() as cache:
        report = recovery.restore_user_data(cache, data)
    print(report.summary(), file=sys.stderr)
    for problem in report.problems:
        print(f"  {problem}", file=sys.stderr)
    return 0
