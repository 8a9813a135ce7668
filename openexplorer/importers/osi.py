"""Importer for the Open Source Initiative's published OSAID 1.0 validation outcomes (CC BY 4.0).

Reads ``osaid-validation.csv`` (columns system, organization, osi_outcome, …): one
:class:`SourceRecord` per system, scope ``family`` (OSI validated systems, not single
releases), source ``osi``, key = the system name, with a single assessment
``Assessment("osaid", "verdict", status=<pass | fail | would_pass_if_license_changed>)``.
This is OSI's own judgement, kept apart from the verdict OpenExplorer computes
(:mod:`openexplorer.frameworks.osaid`).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    read_bounded,
    source_version_near,
)
from openexplorer.core.records import Assessment, ImportProblem, ImportResult, SourceRecord

SOURCE = "osi"
URL = "https://opensource.org/ai"
#: OSAID 1.0 release date; the validation list was published with it.
ASSESSED = "2024-10-28"
OUTCOMES = {"pass", "fail", "would_pass_if_license_changed"}
FILE_NAME = "osaid-validation.csv"


def read(path: Path, *, source_version: str | None = None) -> ImportResult:
    """Import the validation CSV (``path`` is the file or the folder holding it).

    Raises :class:`ImportRefused` when ``path`` is missing or neither a regular file nor a
    folder; bad content becomes problems.
    """
    path = Path(path)
    if check_path(path, what="the OSI validation CSV"):
        if not (path / FILE_NAME).exists():
            return ImportResult(problems=[ImportProblem(str(path), f"a folder with no {FILE_NAME}")])
        path = path / FILE_NAME
    if source_version is None:
        # OSI publishes no repository; the SOURCE.txt there names no commit, so fall back to
        # the definition's release date.
        source_version = source_version_near(path.parent) or ASSESSED
    result = ImportResult()
    try:
        reader = csv.DictReader(io.StringIO(read_bounded(path, SOURCE), newline=""))
        rows = list(reader)
    except ImportRefused as exc:
        result.problems.append(ImportProblem(str(path), exc.reason))
        return result
    except csv.Error as exc:
        result.problems.append(ImportProblem(str(path), f"unreadable CSV: {exc}"))
        return result
    missing = [c for c in ("system", "osi_outcome") if c not in (reader.fieldnames or [])]
    if missing:
        result.problems.append(ImportProblem(
            str(path), "not the OSI validation CSV: no column " + ", ".join(missing)))
        return result
    if not rows:
        result.problems.append(ImportProblem(str(path), "no rows under the header"))
        return result
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):
        where = f"{path}:{number}"
        system = (row.get("system") or "").strip()
        outcome = (row.get("osi_outcome") or "").strip().lower().replace(" ", "_")
        if not system:
            result.problems.append(ImportProblem(where, "row without a system name"))
            continue
        if outcome not in OUTCOMES:
            result.problems.append(
                ImportProblem(where, f"unknown outcome {row.get('osi_outcome')!r} for {system}")
            )
            continue
        if system in seen:
            result.problems.append(ImportProblem(where, f"{system} listed twice; first kept"))
            continue
        seen.add(system)
        context = (row.get("osai_definition_version_context") or "").strip()
        result.records.append(
            SourceRecord(
                source=SOURCE,
                key=system,
                name=system,
                scope="family",
                organization=(row.get("organization") or "").strip() or None,
                family=system,
                release_date=None,
                url=URL,
                source_version=source_version,
                assessed_date=ASSESSED,
                assessments=[Assessment("osaid", "verdict", status=outcome)],
                data={"context": context} if context else {},
            )
        )
    return result
