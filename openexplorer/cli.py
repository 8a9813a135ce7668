"""The ``openexplorer`` command. With no arguments it opens the window.

This module only builds the parser from the command modules of :mod:`openexplorer.commands`
and dispatches to them; what a command does is in its module.

Exit status: 0 on success, 1 when the cache cannot be used or an import failed entirely,
2 on bad arguments or unknown release ids.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

from openexplorer import __version__, commands
from openexplorer.commands._output import SummaryProgress, UsageError, add_db

__all__ = ["COMMANDS", "SummaryProgress", "UsageError", "build_parser", "command_modules", "main"]

log = logging.getLogger(__name__)

#: The commands of the command-line contract (docs/architecture.md) (the README lists them), in its order;
#: the other command modules follow them, by name.
CONTRACT = ("search", "show", "compare", "import", "refresh", "export")


def command_modules() -> list[ModuleType]:
    """Every command module of :mod:`openexplorer.commands`: the contract's first, in its
    order, then the others by command name. Modules whose name starts with ``_`` are helpers."""
    found = [importlib.import_module(f"openexplorer.commands.{m.name}")
             for m in pkgutil.iter_modules(commands.__path__) if not m.name.startswith("_")]

    def order(module: ModuleType) -> tuple[int, str]:
        name: str = module.COMMAND
        return (CONTRACT.index(name), "") if name in CONTRACT else (len(CONTRACT), name)

    return sorted(found, key=order)


#: The contract's commands by name (the README names each).
COMMANDS: dict[str, ModuleType] = {m.COMMAND: m for m in command_modules()
                                   if m.COMMAND in CONTRACT}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="openexplorer",
        description="How open is an AI model, really? With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"openexplorer {__version__}")
    add_db(parser, top=True)
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in command_modules():
        sub = subparsers.add_parser(module.COMMAND, help=module.HELP,
                                    description=getattr(module, "DESCRIPTION", module.HELP))
        add_db(sub)
        module.add_arguments(sub)
    return parser


def _open(args: argparse.Namespace, *, seed: bool = True) -> Any:
    from openexplorer.store.cache_file import open_cache

    return open_cache(args.db, seed=seed, summary_progress=SummaryProgress(sys.stderr),
                      notify=lambda line: print(f"openexplorer: {line}", file=sys.stderr))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.command_line = parser  # the whole parser, for the commands that describe it (completion)
    if getattr(args, "db", None) == "":
        parser.error("--db needs a file name (leave --db out for your user cache)")
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        from openexplorer.ui.app import main as run_app

        return int(run_app(db=args.db))
    from openexplorer.db.cache import CacheError

    module = next(m for m in command_modules() if m.COMMAND == args.command)

    def open_cache(seed: bool = True) -> Any:
        return _open(args, seed=seed)

    try:
        return int(module.run(args, open_cache))
    except UsageError as exc:
        print(f"openexplorer {args.command}: {exc}", file=sys.stderr)
        return 2
    except CacheError as exc:
        print(f"openexplorer: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except sqlite3.Error as exc:  # met after opening: a lock held too long, damage further in
        from openexplorer.core.paths import default_cache_path
        from openexplorer.db.cache import CacheBusyError
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
