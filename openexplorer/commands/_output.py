"""What every ``openexplorer`` command shares: its usage error, ``--db``, and terminal output.

Commands import this module, never :mod:`openexplorer.cli` (which imports them).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

__all__ = ["OpenCache", "SummaryProgress", "UsageError", "add_db", "emit", "read_card_file",
           "table"]

#: ``open_cache(seed=True)``: the cache chosen by ``--db`` (``seed=False``: a new cache stays
#: empty instead of being filled from the bundled snapshot).
OpenCache = Callable[..., Any]


class UsageError(Exception):
    """A bad argument or an unknown id: exit status 2."""


def add_db(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    """``--db PATH`` on ``parser`` (on a subcommand it only overrides the top-level one)."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None if top else argparse.SUPPRESS,
        help="the cache file to use (default: your user cache, created from the bundled "
        "snapshot on first use)",
    )


def emit(text: str) -> None:
    """``text`` on standard output, ending with one newline."""
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def read_card_file(path: str | None) -> str | None:
    """The text of the model card file given with ``--card``, or None without one."""
    if not path:
        return None
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError as exc:
        raise UsageError(f"--card {path}: {exc.strerror or exc}") from exc


#: Columns whose values users copy (release and licence ids): shown whole, never cut or
#: wrapped, however wide.
WHOLE = frozenset({"id", "license", "license_id", "release_id", "hub_id"})

#: The widest other columns get: longer text wraps onto the next lines, between words.
WRAP_AT = 40


def table(rows: list[dict[str, Any]], columns: Sequence[str],
          whole: Iterable[str] = WHOLE) -> str:
    """``rows`` as aligned text columns; a note when empty.

    The ``whole`` columns (ids) are as wide as their longest value; other text wraps between
    words at :data:`WRAP_AT` characters (a word longer than that widens its column), so no
    value is ever cut. Numbers are written for people (:func:`human_number`)."""
    import textwrap

    from openexplorer.analyses.export import human_number

    if not rows:
        return "no releases found"
    keep = set(whole)

    def lines_of(column: str, value: Any) -> list[str]:
        text = "" if value is None else human_number(value)
        if column in keep or len(text) <= WRAP_AT:
            return [text]
        return textwrap.wrap(text, WRAP_AT, break_long_words=False,
                             break_on_hyphens=False) or [text]

    cells = [[lines_of(c, r.get(c)) for c in columns] for r in rows]
    widths = [max(len(c), *(len(line) for row in cells for line in row[i]))
              for i, c in enumerate(columns)]
    out = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    for row in cells:
        for n in range(max(len(cell) for cell in row)):
            out.append("  ".join((cell[n] if n < len(cell) else "").ljust(w)
                                 for cell, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(out)


class SummaryProgress:
    """After an update, a large cache's summaries are recomputed before the first command
    (minutes at a million releases): say so on standard error, a line every few seconds (or one
    line rewritten on a terminal)."""

    EVERY_SECONDS = 5.0

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
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
