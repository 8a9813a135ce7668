"""Importer for "Opening up ChatGPT" (Liesenfeld, Lopez & Dingemanse, CUI '23; CC BY 4.0), the
frozen predecessor of the European Open Source AI Index.

Reads ``projects/*.yaml`` (``A_sample.yaml``, the blank form, is skipped): one
:class:`SourceRecord` per project, source ``osai-legacy``, key = file stem, with one
:class:`Assessment` (framework ``osai-legacy``) per each of the 14 features (opencode, llmdata,
llmweights, rldata, rlweights, license, code, architecture, preprint, paper, modelcard,
datasheet, package, api); a feature missing from the file is recorded as ``unknown``.
The project had no per-file assessment dates (data last changed 2024-08-30), so
``assessed_date`` is None; ``source_version`` carries the snapshot's commit and date.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    hub_id_from_url,
    load_yaml,
    rating,
    read_bounded,
    source_version_near,
    text_or_none,
    urls_of,
)
from openexplorer.core.records import Assessment, ImportProblem, ImportResult, SourceRecord

SOURCE = "osai-legacy"
FRAMEWORK = "osai-legacy"
FEATURES = (
    "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license", "code",
    "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
)
TEMPLATE_STEMS = {"a_sample", "a_submission_template"}
class _Skip(Exception):
    pass


def parse_text(text: str, *, key: str, source_version: str | None) -> SourceRecord:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise _Skip(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc}") from exc
    if not isinstance(data, dict):
        raise _Skip("not a YAML mapping")
    project = data.get("project")
    if not isinstance(project, dict):
        raise _Skip("no project: block")
    org_block = data.get("org")
    org: dict[Any, Any] = org_block if isinstance(org_block, dict) else {}
    if not any(isinstance(data.get(f), dict) for f in FEATURES):
        raise _Skip("none of the 14 features in the file")
    assessments = []
    for feature in FEATURES:
        block = data.get(feature)
        if isinstance(block, dict):
            cls, link, notes = block.get("class"), block.get("link"), block.get("notes")
        else:
            cls, link, notes = block, None, None
        assessments.append(
            Assessment(
                framework=FRAMEWORK,
                component=feature,
                status=rating(cls),
                urls=urls_of(link),
                notes=text_or_none(notes),
            )
        )
    link = text_or_none(project.get("link"))
    hub_id = hub_id_from_url(link)
    if hub_id is None:
        rlweights = data.get("rlweights")
        if isinstance(rlweights, dict):
            hub_id = next(
                (h for h in map(hub_id_from_url, urls_of(rlweights.get("link"))) if h), None
            )
    return SourceRecord(
        source=SOURCE,
        key=key,
        name=text_or_none(project.get("name")) or key,
        scope="release",
        organization=text_or_none(org.get("name")),
        hub_id=hub_id,
        modality="text",  # the project covered instruction-tuned text generators only
        license=text_or_none(project.get("license")),
        url=link if link and link.startswith(("http://", "https://")) else None,
        source_version=source_version,
        assessed_date=None,
        assessments=assessments,
        data={"llmbase": text_or_none(project.get("llmbase")), "rlbase": text_or_none(project.get("rlbase"))},
    )


def read(path: Path, *, source_version: str | None = None) -> ImportResult:
    """Import a ``projects/`` folder (or the repository root holding one, or one file)."""
    path = Path(path)
    is_folder = check_path(path, what="an Opening up ChatGPT project file (.yaml)")
    if is_folder and (path / "projects").is_dir():
        path = path / "projects"
    if source_version is None:
        source_version = source_version_near(path)
    result = ImportResult()
    if is_folder:
        files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".yaml", ".yml"})
        if not files:
            result.problems.append(
                ImportProblem(str(path), "a folder with no project files (*.yaml)"))
    else:
        files = [path]
    for file in files:
        if file.stem.lower() in TEMPLATE_STEMS:
            continue
        try:
            text = read_bounded(file, SOURCE, errors="replace")
            result.records.append(parse_text(text, key=file.stem, source_version=source_version))
        except ImportRefused as exc:
            result.problems.append(ImportProblem(str(file), exc.reason))
        except _Skip as exc:
            result.problems.append(ImportProblem(str(file), str(exc) or type(exc).__name__))
    return result
