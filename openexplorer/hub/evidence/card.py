"""The model card: its YAML front matter, its section headings, and how complete it is."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from openexplorer.importers.common import load_yaml

_FRONT_MATTER = re.compile(
    r"\A\ufeff?[ \t\r\n]*---[ \t]*\r?\n(.*?)(?:\r?\n)?^(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)",
    re.S | re.M,
)
_EMPTY_FRONT_MATTER = re.compile(
    r"\A\ufeff?[ \t\r\n]*---[ \t]*\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)")


def card_metadata(card_text: Any) -> tuple[dict[str, Any], str]:
    """Split a model card into its YAML front matter (as a dict) and its Markdown body.

    No front matter, broken YAML, or front matter that is a list, a string or a number all give
    an empty dict (the body is then everything after the front matter block, or the whole text
    when there is no block). Keys that are not strings are dropped. Never raises.
    """
    if not isinstance(card_text, str):
        return {}, ""
    try:
        empty = _EMPTY_FRONT_MATTER.match(card_text)
        if empty:
            return {}, card_text[empty.end():]
        match = _FRONT_MATTER.match(card_text)
        if not match:
            return {}, card_text
        body = card_text[match.end():]
        try:
            parsed = load_yaml(match.group(1))
        except Exception:  # noqa: BLE001 - broken YAML (or a parser limit) is no metadata
            return {}, body
        if not isinstance(parsed, dict):
            return {}, body
        return {k: v for k, v in parsed.items() if isinstance(k, str)}, body
    except Exception:  # noqa: BLE001 - regex or recursion limits on hostile text
        return {}, card_text


_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_ATX = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*))?$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.I | re.S)
_BOLD_LEAD = re.compile(r"^ {0,3}(?:\*\*|__)([^*_\n]{2,60}?)(?:\*\*|__)\s*:?(?=\s|$)")
_MAX_SECTIONS = 80
_MAX_HEADING = 120


def _clean_heading(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links → their text
    text = re.sub(r"<[^>]*>", " ", text)  # html tags
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"\s+#+\s*$", "", text)  # closing hashes
    text = " ".join(text.split()).strip(" :.-–—|")
    return text[:_MAX_HEADING]


def card_sections(body: Any) -> list[str]:
    """The section headings of a card's Markdown body, in order, without duplicates.

    Reads ATX (``## Training Data``) and setext headings, HTML ``<h1>``–``<h6>``, and the bold
    lead labels many cards use instead (``**License** …`` at the start of a line). Fenced code
    blocks are skipped (their ``# pip install`` lines are not headings). Never raises.
    """
    if not isinstance(body, str):
        return []
    out: list[str] = []
    seen: set[str] = set()

    def add(text: str) -> None:
        name = _clean_heading(text)
        if name and name.lower() not in seen and len(out) < _MAX_SECTIONS:
            seen.add(name.lower())
            out.append(name)

    try:
        in_fence: str | None = None
        previous = ""
        for line in body.splitlines():
            fence = _FENCE.match(line)
            if fence:
                marker = fence.group(1)
                if in_fence is None:
                    in_fence = marker
                elif marker == in_fence:
                    in_fence = None
                previous = ""
                continue
            if in_fence is not None:
                continue
            atx = _ATX.match(line)
            if atx:
                add(atx.group(1) or "")
                previous = ""
                continue
            if _SETEXT.match(line) and previous.strip() and not re.match(
                    r"^\s*(?:[-*+>|]|\d+[.)])", previous):
                add(previous)
                previous = ""
                continue
            for match in _HTML_HEADING.finditer(line):
                add(match.group(2))
            bold = _BOLD_LEAD.match(line)
            if bold:
                add(bold.group(1))
            previous = line
            if len(out) >= _MAX_SECTIONS:
                break
        # HTML headings spanning lines.
        if "<h" in body.lower() and len(out) < _MAX_SECTIONS:
            for match in _HTML_HEADING.finditer(body):
                add(match.group(2))
    except Exception:  # noqa: BLE001 - regex limits on hostile text
        return out
    return out


#: What a model card should cover (Hugging Face's card guidebook, Mitchell et al. 2019), each
#: with the heading words that count for it. A heading may count for two (``Intended uses &
#: limitations``).
CARD_SECTION_GROUPS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.I)) for name, pattern in (
        ("model details", r"model (?:details|description|information|summary|overview|type)"
                          r"|^(?:description|overview|introduction|summary|about)\b|^model$"),
        ("intended uses", r"intended|\buses?\b|\busage\b|use[- ]cases?|how to use"),
        ("limitations", r"limitation|\bbias|\brisks?\b|ethic|safety|harm|fairness"
                        r"|out[- ]of[- ]scope|responsib"),
        ("training data", r"(?:training|pre-?training|fine-?tuning|train) (?:data|datasets?|corp)"
                          r"|training and evaluation data|^data(?:sets?)?$|model data"
                          r"|data ?sources?|^datasets? used"),
        ("training procedure", r"training (?:procedure|details|process|setup|hyper-?param"
                               r"|recipe|regime|config|method|factors|infrastructure)"
                               r"|^training$|hyper-?parameters|compute infrastructure"
                               r"|preprocessing|^pre-?training$|^fine-?tuning$"),
        ("evaluation", r"evaluat|benchmark|\bresults?\b|performance|metrics"),
        ("license", r"licen[cs]|terms of use"),
        ("citation", r"citation|\bcite\b|bibtex|^references?$"),
    )
)


def card_completeness(sections: Iterable[str]) -> tuple[float, list[str]]:
    """(share of :data:`CARD_SECTION_GROUPS` covered by the headings, the groups found)."""
    found = []
    names = [re.sub(r"^[\d.\s)]+", "", s).strip() for s in sections]
    for group, pattern in CARD_SECTION_GROUPS:
        if any(pattern.search(name) for name in names):
            found.append(group)
    return len(found) / len(CARD_SECTION_GROUPS), found
