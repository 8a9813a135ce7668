"""Helpers every importer shares: bounded reading, provenance from SOURCE.txt, Hub ids from URLs,
safe YAML.

Every file an importer opens goes through :func:`read_bounded`: regular files only (a FIFO would
block the import forever, a device such as ``/dev/zero`` never ends), at most the source's
:data:`SIZE_LIMITS` bytes, UTF-8. YAML is parsed by :func:`load_yaml`, which refuses documents
nested deeper than :data:`MAX_YAML_DEPTH` instead of running out of stack. What is refused raises
:class:`ImportRefused`, an :class:`OSError` naming the file and why, so a command prints it as it
prints any unreadable file; importers reading a folder report it as one file's problem and go on.
:func:`require_records` refuses a whole import that yielded nothing: an import never replaces
data with an empty or unreadable file's.
"""

from __future__ import annotations

import csv
import errno
import os
import re
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from openexplorer.core.records import ImportProblem, ImportResult

_MIB = 1024 * 1024

#: The largest file each importer reads, in bytes. Generous next to the public files (the
#: largest source files are Epoch's CSV of about 2 MB, an index release file under 0.1 MB,
#: YAML model files of about 5 KB; tests/test_importers_hostile.py checks the margin), small enough that a runaway file is refused.
SIZE_LIMITS: Mapping[str, int] = {
    "epoch": 64 * _MIB,
    "fmti": 8 * _MIB,
    "osi": 1 * _MIB,
    "mot": 1 * _MIB,
    "osai": 4 * _MIB,
    "osai-legacy": 1 * _MIB,
}
#: The limit for a source not listed above and for side files (SOURCE.txt).
DEFAULT_SIZE_LIMIT = 1 * _MIB
#: The deepest nesting of mappings and lists a YAML file may have (the real files nest fewer
#: than ten levels; the parser recurses once per level).
MAX_YAML_DEPTH = 64


class ImportRefused(OSError):
    """A file or folder an importer will not read: what it is and why, in one line.

    An :class:`OSError` (``filename`` is the path, ``strerror`` the reason) so that the command
    line reports it like any file it cannot read, with exit status 1 and no traceback.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(errno.EINVAL, reason, str(path))
        self.path = str(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _megabytes(size: int) -> str:
    return f"{size / _MIB:.1f} MB"


def size_limit(source: str) -> int:
    """The largest file, in bytes, the importer of ``source`` reads."""
    return SIZE_LIMITS.get(source, DEFAULT_SIZE_LIMIT)


def check_path(path: Path | str, *, what: str) -> bool:
    """Whether ``path`` (given to an importer) is a folder; False for a regular file.

    Raises :class:`ImportRefused` for a path that does not exist or is neither a regular file
    nor a folder (a FIFO, a device, a socket), saying which. ``what`` names the expected file
    in the message (e.g. ``"an FMTI scores CSV"``).
    """
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise ImportRefused(path, "no such file or folder") from None
    except OSError as exc:
        raise ImportRefused(path, f"cannot read: {exc.strerror or exc}") from None
    if stat.S_ISDIR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise ImportRefused(path, f"refused: it is {_kind(mode)}, not {what}")
    return False


def read_bounded(
    path: Path | str, source: str, *, encoding: str = "utf-8-sig", errors: str = "strict"
) -> str:
    """The text of the regular file ``path``, at most :func:`size_limit` bytes of it.

    Raises :class:`ImportRefused` (saying why) for a FIFO, a device, a folder, a file over the
    limit or text that is not UTF-8. The file is opened without blocking and checked on the
    opened descriptor, so a file swapped for a FIFO after a check cannot hang the reading.
    """
    limit = size_limit(source)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ImportRefused(path, "no such file or folder") from None
    except IsADirectoryError:
        raise ImportRefused(path, "refused: it is a folder, not a file") from None
    except OSError as exc:
        raise ImportRefused(path, f"cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ImportRefused(path, f"refused: it is {_kind(info.st_mode)}, not a regular file")
        if info.st_size > limit:
            raise ImportRefused(
                path,
                f"refused: {_megabytes(info.st_size)}, over the {_megabytes(limit)} limit for "
                f"{source} files",
            )
        chunks: list[bytes] = []
        size = 0
        while size <= limit:  # at most limit + 1 bytes, however the file grows
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as exc:
        if isinstance(exc, ImportRefused):
            raise
        raise ImportRefused(path, f"cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # grew since it was looked at
        raise ImportRefused(
            path, f"refused: over the {_megabytes(limit)} limit for {source} files"
        )
    try:
        return data.decode(encoding, errors)
    except UnicodeDecodeError as exc:
        raise ImportRefused(
            path, f"refused: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def require_records(result: ImportResult, path: Path | str, source: str) -> ImportResult:
    """``result`` if it holds at least one record; else :class:`ImportRefused` saying why.

    An import replaces the records it brings: a file that yields none (empty, only a header,
    another format, every row broken) is refused whole rather than ingested as "nothing".
    """
    if result.records:
        return result
    if not result.problems:
        raise ImportRefused(path, f"refused: no {source} records in it")
    first = result.problems[0]
    more = len(result.problems) - 1
    where = first.path
    if where.startswith(str(path)):  # the file itself, or one of its rows
        where = where[len(str(path)):].lstrip(":/")
    where = f"{where}: " if where else ""
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    reason = first.reason.removeprefix("refused: ")
    raise ImportRefused(path, f"refused: nothing to import; {where}{reason}{tail}")

_COMMIT = re.compile(
    r"^\s*(?:Commit|Snapshot read):\s*(?:branch \S+ at )?([0-9a-f]{7,40})", re.M
)
_DATE = re.compile(
    r"(?:Commit date|Date Accessed|Accessed|Released|Snapshot read)[^\n]*?(\d{4}-\d{2}-\d{2})",
    re.I,
)

# Paths under huggingface.co that are not model repos.
_HUB_NON_MODEL = {
    "datasets", "spaces", "papers", "docs", "blog", "collections", "organizations", "models",
    "settings", "join", "login", "pricing", "tasks", "learn", "posts", "api", "chat",
}
_HUB_PART = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def source_version_near(path: Path) -> str | None:
    """The commit (short) and date recorded in the nearest SOURCE.txt above ``path``.

    Returns e.g. ``"8b5d30e9 2026-05-11"``, or None when no SOURCE.txt is found.
    """
    path = Path(path).resolve()
    for folder in [path, *path.parents][:4]:
        candidate = folder / "SOURCE.txt" if folder.is_dir() else None
        if candidate is not None and candidate.is_file():
            try:
                text = read_bounded(candidate, "SOURCE.txt", errors="replace")
            except ImportRefused:
                return None
            commit = _COMMIT.search(text)
            date = _DATE.search(text)
            parts = [commit.group(1)[:8] if commit else None, date.group(1) if date else None]
            return " ".join(p for p in parts if p) or None
    return None


def hub_id_from_url(url: str | None) -> str | None:
    """``https://huggingface.co/allenai/OLMo-7B/tree/main`` → ``allenai/OLMo-7B``.

    Returns None for anything that is not a model repo on huggingface.co (datasets, spaces,
    collections, papers, a bare organisation page).
    """
    if not url or not isinstance(url, str):
        return None
    try:
        parsed = urlparse(url.strip())
    except ValueError:
        return None
    host = (parsed.hostname or "").lower()
    if host not in {"huggingface.co", "www.huggingface.co", "hf.co"}:
        return None
    parts = [p for p in parsed.path.split("/") if p]
    if len(parts) < 2 or parts[0].lower() in _HUB_NON_MODEL:
        return None
    owner, name = parts[0], parts[1]
    if not (_HUB_PART.match(owner) and _HUB_PART.match(name)):
        return None
    return f"{owner}/{name}"


def urls_of(value: object) -> tuple[str, ...]:
    """Evidence links as the sources write them: a string, a list, or nothing."""
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        if isinstance(item, str):
            for piece in item.split():
                if piece.startswith(("http://", "https://")):
                    out.append(piece.strip(",;"))
    return tuple(out)


class YAMLTooDeep(yaml.YAMLError):
    """A YAML document nested deeper than :data:`MAX_YAML_DEPTH`."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (the sources mix YYYY-MM and YYYY-MM-DD) and
    refuses nesting deeper than :data:`MAX_YAML_DEPTH` (the composer recurses once a level)."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self._depth += 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise YAMLTooDeep(f"nested deeper than {MAX_YAML_DEPTH} levels")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    if not isinstance(node, yaml.ScalarNode):  # an explicit !!timestamp on a list or mapping
        raise yaml.constructor.ConstructorError(
            None, None, "a timestamp that is not a scalar", node.start_mark
        )
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def load_yaml(text: str) -> object:
    """Parse YAML safely; dates stay strings. Raises yaml.YAMLError on bad input, and
    :class:`YAMLTooDeep` (a yaml.YAMLError) on nesting deeper than :data:`MAX_YAML_DEPTH`."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:  # constructing keys recurses too; never let it out
        raise YAMLTooDeep(f"nested deeper than {MAX_YAML_DEPTH} levels") from None


def iso_date(value: object) -> str | None:
    """Normalise the date forms the sources use to ``YYYY-MM-DD`` or ``YYYY-MM``."""
    if value is None:
        return None
    text = str(value).strip()
    match = re.match(r"^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", text)
    if not match:
        match_year = re.match(r"^(\d{4})$", text)
        return match_year.group(1) if match_year else None
    year, month, day = match.groups()
    if not 1 <= int(month) <= 12:
        return year
    if day:
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return f"{year}-{int(month):02d}"


def text_or_none(value: Any) -> str | None:
    """A YAML or CSV value as stripped text; blank becomes None."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


RATINGS = frozenset({"open", "partial", "closed"})


def rating(value: Any) -> str:
    """An index class as written (``Open ``) → open / partial / closed, else ``unknown``."""
    text = str(value).strip().lower() if value is not None else ""
    return text if text in RATINGS else "unknown"


def csv_rows(
    reader: Any, path: Path | str, problems: list[ImportProblem]
) -> Iterator[tuple[int, list[str]]]:
    """Non-blank rows of a ``csv.reader`` with the file line each starts on.

    Line numbers stay right when cells span several lines. A row the csv module cannot parse
    becomes a problem (``path:row N``) and the reading goes on.
    """
    line = reader.line_num  # the last line consumed so far
    while True:
        start = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(ImportProblem(f"{path}:row {start}", f"CSV error: {exc}"))
            line = reader.line_num
            continue
        line = reader.line_num
        if cells and any(c.strip() for c in cells):
            yield start, cells
