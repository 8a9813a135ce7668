"""Helpers every importer shares: provenance from SOURCE.txt, Hub ids from URLs, safe YAML."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import yaml

from openexplorer.core.records import ImportProblem

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
            text = candidate.read_text(encoding="utf-8", errors="replace")
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


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (the sources mix YYYY-MM and YYYY-MM-DD)."""


_Loader.add_constructor(
    "tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node)
)


def load_yaml(text: str) -> object:
    """Parse YAML safely; dates stay strings. Raises yaml.YAMLError on bad input."""
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


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
