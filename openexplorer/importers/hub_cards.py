"""Hub model cards' front matter as of 2024-11 (source ``hub-cards-2024``) → one
:class:`SourceRecord` per model.

Format: ``front_matter.jsonl``, one JSON object a line: ``{"id": "OWNER/NAME", "front_matter":
{...} or null}`` (see that folder's SOURCE.txt: the card metadata of 3,377 popular Hub models, as
fetched in late November 2024 by the public GitHub project YinanWusoymilk/hf-readme).

Decisions:

* ``key`` and ``hub_id`` are the model id; ``name`` its repo name; ``url`` its Hub page.
* ``license`` is the card's ``license`` tag; when the tag is ``other`` (or missing) and the card
  gives a ``license_name``, that name (the Hub's convention for custom licences). ``license_link``
  goes to ``data`` with the tag and the name as written.
* ``data`` also keeps ``base_model`` (always a list), ``base_model_relation``, ``datasets`` (a
  list), ``pipeline_tag``, ``library_name`` and ``gated`` (the card had ``extra_gated_*`` keys).
* No release date (a card states none) and no assessments: these are the authors' declarations,
  used only as a dated source of licence facts (:mod:`openexplorer.views.facts`).
* ``source_version`` and ``assessed_date`` are ``2024-11``, the crawl's month.

Problems: a line that is not JSON, or has no ``id`` of the form ``owner/name``, is skipped with a
problem ``"<path>:line N"``; a ``null`` front matter is no record (the card said nothing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openexplorer.core.records import ImportProblem, ImportResult, SourceRecord
from openexplorer.importers.common import ImportRefused, check_path, read_bounded

SOURCE = "hub-cards-2024"
FILE_NAME = "front_matter.jsonl"
VERSION = "2024-11"
_STATEMENTS = {"other", "unknown", ""}


def _as_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, list):
        return [str(v) for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    return []


def _text(value: Any) -> str | None:
    if isinstance(value, list):  # a card may give several licence tags
        value = value[0] if len(value) == 1 else None
    return value.strip() if isinstance(value, str) and value.strip() else None


def record_from_card(model_id: str, card: dict[str, Any]) -> SourceRecord:
    """One model's record from its card front matter."""
    tag = _text(card.get("license"))
    name = _text(card.get("license_name"))
    license_text = tag
    if (tag is None or tag.lower() in _STATEMENTS) and name:
        license_text = name
    data: dict[str, Any] = {
        "license_tag": tag,
        "license_name": name,
        "license_link": _text(card.get("license_link")),
        "base_model": _as_list(card.get("base_model")),
        "base_model_relation": _text(card.get("base_model_relation")),
        "datasets": _as_list(card.get("datasets")),
        "pipeline_tag": _text(card.get("pipeline_tag")),
        "library_name": _text(card.get("library_name")),
        "gated": bool(card.get("extra_gated")),
    }
    return SourceRecord(
        source=SOURCE,
        key=model_id,
        name=model_id.split("/", 1)[1],
        organization=model_id.split("/", 1)[0],
        hub_id=model_id,
        license=license_text,
        url=f"https://huggingface.co/{model_id}",
        source_version=VERSION,
        assessed_date=VERSION,
        data={k: v for k, v in data.items() if v not in (None, [], False)},
    )


def read(path: Path) -> ImportResult:
    """Import ``front_matter.jsonl`` (``path`` is the file or the folder holding it).

    Raises :class:`ImportRefused` when ``path`` is missing or neither a file nor a folder.
    """
    path = Path(path)
    if check_path(path, what="the Hub cards' front matter (JSON lines)"):
        if not (path / FILE_NAME).exists():
            return ImportResult(problems=[ImportProblem(str(path), f"a folder with no {FILE_NAME}")])
        path = path / FILE_NAME
    result = ImportResult()
    try:
        text = read_bounded(path, SOURCE)
    except ImportRefused as exc:
        result.problems.append(ImportProblem(str(path), exc.reason))
        return result
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            result.problems.append(ImportProblem(f"{path}:line {number}", f"not JSON: {exc.msg}"))
            continue
        model_id = row.get("id") if isinstance(row, dict) else None
        if not isinstance(model_id, str) or model_id.count("/") != 1 or \
                not all(model_id.split("/")):
            result.problems.append(ImportProblem(f"{path}:line {number}", "no owner/name id"))
            continue
        card = row.get("front_matter")
        if not isinstance(card, dict) or model_id.lower() in seen:
            continue
        seen.add(model_id.lower())
        result.records.append(record_from_card(model_id, card))
    return result
