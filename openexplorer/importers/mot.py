"""Import Model Openness Tool model files (``models/<Name>.yml`` of lfai/model_openness_tool).

One :class:`SourceRecord` per file. Each listed component becomes a ``mof`` assessment with
status ``present`` (its licence as written, ``license_given`` when the file had a ``license``
key for it); each release-wide licence becomes ``declared`` under ``license:<type>``. The MOF
class is not stored: :func:`openexplorer.frameworks.mof.evaluate_assessments` computes it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from openexplorer.frameworks.mof import FRAMEWORK, LICENSE_COMPONENT_PREFIX, LICENSE_TYPES
from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    hub_id_from_url,
    iso_date,
    load_yaml,
    read_bounded,
    source_version_near,
    urls_of,
)
from openexplorer.core import identity
from openexplorer.core.records import Assessment, ImportProblem, ImportResult, SourceRecord

SOURCE = "mot"

# MOT ``release.type`` → the modality vocabulary of records.SourceRecord; others pass through.
_MODALITY = {"language": "text", "vision": "image"}
# A bare Hub repo id ("mistralai/Mistral-7B-v0.1"), which some files give instead of a URL.
_HUB_SLUG = re.compile(r"^[A-Za-z0-9][\w.-]*/[A-Za-z0-9][\w.-]*$")


class _Malformed(ValueError):
    """The file parsed but does not have the shape of a MOT model file."""


def read(path: Path, *, source_version: str | None = None) -> ImportResult:
    """Read one MOT model YAML, or every ``*.yml`` in a folder (or in its ``models/``).

    Files that cannot be read or do not look like MOT model files are reported as
    :class:`ImportProblem` and skipped; this never raises on bad content. Raises
    :class:`ImportRefused` when ``path`` is missing or neither a regular file nor a folder.
    """
    path = Path(path)
    result = ImportResult()
    files = _model_files(path, result)
    if source_version is None:
        source_version = source_version_near(path)
    for file in files:
        if identity.is_placeholder(file.stem):
            # A test or template file ("DeepSeek-V3-test.yml") is not a model: it never
            # names a release.
            result.problems.append(ImportProblem(str(file), "a test or template file, not a "
                                                 "model: not imported"))
            continue
        try:
            record = _read_file(file, source_version)
        except ImportRefused as exc:
            result.problems.append(ImportProblem(str(file), exc.reason))
        except yaml.YAMLError as exc:
            result.problems.append(ImportProblem(str(file), f"invalid YAML: {_first_line(exc)}"))
        except _Malformed as exc:
            result.problems.append(ImportProblem(str(file), str(exc)))
        else:
            result.records.append(record)
    return result


def _model_files(path: Path, result: ImportResult) -> list[Path]:
    if not check_path(path, what="a MOT model file (.yml)"):
        return [path]
    folder = path / "models" if (path / "models").is_dir() else path
    files = sorted([*folder.glob("*.yml"), *folder.glob("*.yaml")])
    if not files:
        result.problems.append(ImportProblem(str(path), "a folder with no MOT model files (*.yml)"))
    return files


def _stem_names_the_link(stem: str, name: str, hub_id: str | None) -> bool:
    """Whether the file's name and its Hub link agree on the model's size while the release's
    name states another (see :func:`openexplorer.core.identity.link_disagreements`)."""
    if not hub_id or identity.match_key(stem) == identity.match_key(name):
        return False
    by_name = identity.link_disagreements(name=name, hub_id=hub_id)
    by_stem = identity.link_disagreements(name=stem, hub_id=hub_id)
    return any(d.kind == "size" for d in by_name) and not by_stem


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _read_file(file: Path, source_version: str | None) -> SourceRecord:
    document = load_yaml(read_bounded(file, SOURCE, encoding="utf-8"))
    if not isinstance(document, dict):
        raise _Malformed("not a MOT model file: the top level is not a mapping")
    release = document.get("release")
    if not isinstance(release, dict):
        raise _Malformed("no 'release' mapping")
    name = release.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Malformed("release.name is missing or not a text")
    components = release.get("components")
    if not isinstance(components, list):
        raise _Malformed("release.components is missing or not a list")

    hub_id, hub_url = _hub_link(_text(release, "huggingface"))
    repository = _text(release, "repository")
    release_licenses = _release_licenses(release.get("license"))
    mot_type = _text(release, "type")

    assessments = [_component_assessment(i, item) for i, item in enumerate(components)]
    for license_type, (license_name, license_path) in release_licenses.items():
        assessments.append(
            Assessment(
                framework=FRAMEWORK,
                component=f"{LICENSE_COMPONENT_PREFIX}{license_type}",
                status="declared",
                license=license_name,
                license_given=True,
                urls=urls_of(license_path),
            )
        )

    if not assessments:  # it would replace a cached record with one that says nothing
        raise _Malformed("no components and no licences: nothing to import")
    distribution = release_licenses.get("distribution", (None, None))[0]
    data: dict[str, Any] = {
        key: value
        for key in ("version", "architecture", "origin", "treatment")
        if (value := _text(release, key))
    }
    if mot_type:
        data["mot_type"] = mot_type
    framework = document.get("framework")
    if isinstance(framework, dict) and framework.get("version") is not None:
        data["mof_version"] = str(framework["version"])

    name = name.strip()
    if _stem_names_the_link(file.stem, name, hub_id):
        # The file and its Hub link agree on a size the release's name contradicts (the file
        # for Qwen2.5-72B-Instruct names "Qwen2.5-32B-Instruct"): the file's own name stands,
        # the name as written is kept and shown as a suspected source error.
        data["name_as_written"] = name
        name = file.stem
    if identity.is_placeholder(name):
        raise _Malformed(f"release.name {name!r} is a test or template, not a model")

    return SourceRecord(
        source=SOURCE,
        key=file.stem,
        name=name,
        organization=_text(release, "producer"),
        release_date=None,  # release.date is when the record was last updated, not the release
        hub_id=hub_id,
        modality=_MODALITY.get(mot_type, mot_type) if mot_type else None,
        license=distribution if distribution and distribution.strip() else None,
        url=hub_url or (repository if _is_url(repository) else None),
        source_version=source_version,
        assessed_date=iso_date(release.get("date")),
        assessments=assessments,
        data=data,
    )


def _is_url(value: str | None) -> bool:
    return value is not None and value.startswith(("http://", "https://"))


def _hub_link(value: str | None) -> tuple[str | None, str | None]:
    """``release.huggingface`` → (hub id, URL). Most files give a URL, some with the page title
    pasted after it ("… · Hugging Face", dropped); a few give the bare ``owner/name`` slug
    (Mistral-7B-v0.1, Grok-1 …); one gives a paper title (ignored)."""
    if value is not None and _is_url(value):
        url = value.split()[0]
        return hub_id_from_url(url), url
    if value and _HUB_SLUG.match(value):
        url = f"https://huggingface.co/{value}"
        hub_id = hub_id_from_url(url)
        return hub_id, url if hub_id else None
    return None, None


def _text(mapping: dict[str, Any], key: str) -> str | None:
    """A non-blank text field, stripped; None when absent or blank. Wrong types are malformed."""
    value = mapping.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise _Malformed(f"release.{key} is not a text")
    text = str(value).strip()
    return text or None


def _release_licenses(block: object) -> dict[str, tuple[str | None, object]]:
    """``release.license`` → {type: (name as written, path)} for the types the MOT knows."""
    if block is None:
        return {}
    if not isinstance(block, dict):
        raise _Malformed("release.license is not a mapping")
    out: dict[str, tuple[str | None, object]] = {}
    for license_type in LICENSE_TYPES:
        entry = block.get(license_type)
        if entry is None:
            continue
        if not isinstance(entry, dict):
            raise _Malformed(f"release.license.{license_type} is not a mapping")
        license_name = entry.get("name")
        if license_name is not None and not isinstance(license_name, str):
            raise _Malformed(f"release.license.{license_type}.name is not a text")
        out[license_type] = (license_name, entry.get("path"))
    return out


def _component_assessment(index: int, item: object) -> Assessment:
    if not isinstance(item, dict):
        raise _Malformed(f"release.components[{index}] is not a mapping")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Malformed(f"release.components[{index}] has no name")
    license_name = item.get("license")
    if license_name is not None and not isinstance(license_name, str):
        raise _Malformed(f"release.components[{index}].license is not a text")
    # component_path first: the evidence; license_path second. The description is not kept.
    urls = urls_of(item.get("component_path")) + urls_of(item.get("license_path"))
    return Assessment(
        framework=FRAMEWORK,
        component=name.strip(),
        status="present",
        license=license_name,
        license_given="license" in item,
        urls=tuple(dict.fromkeys(urls)),
    )
