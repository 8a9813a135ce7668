"""Importer for the European Open Source AI Index (osai-index.eu, CC BY 4.0).

Two layouts are read, told apart by ``index.csv``:

* **current files** — a folder of ``<Family>.yaml`` files as in the index's repository (the
  submission template is skipped). Key = file stem ("OLMo"), url = osai-index.eu/model/<stem>,
  assessed_date = the file's last commit date from ``derived/model_file_history.csv`` when that
  file is found next to the folder (else None).
* **past releases** — ``<family>/NN-slug.yaml`` plus ``index.csv`` (recovered from the index's git
  history, see releases/SOURCE.txt). Key = "<family>/<NN-slug>", assessed_date = index.csv
  ``last_date``, url = the file at its commit on GitHub.

Each file becomes one :class:`SourceRecord` (source ``osai``) with one :class:`Assessment` per
dimension block in the file (status open/partial/closed/unknown; urls from ``link``; notes kept).
Older files also carry ``package``/``api`` (kept, not scored); the old dimension name
``architecture`` is stored as ``hardware_architecture`` (same criterion, renamed by the index);
the v1 ``project:`` schema (only chatgpt) has its 14 legacy features mapped to the dimensions
the 2024-10 migration turned them into (llmdata → datasources_basemodel, rlweights →
weights_endmodel …). The ``licenses`` assessment carries ``system.endmodellicense`` in its
``license`` field, so an OSAID check from the assessments alone can see the licence.

Organisation tags exist only as YAML comments ("# - National origin: …", "# - Contributor type:
…"); they are read from the raw text and returned as :class:`OrganizationInfo`.

Record name: ``system.endmodelname`` held a description of the fine-tuning data until about
mid-2025 ("Evol-Instruct (synthetic)", "Unspecified"), so it is used only when it looks like a
model name (see :func:`release_name`); otherwise the Hub repo name from the system link, else
``system.name``.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import yaml

from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    hub_id_from_url,
    iso_date,
    load_yaml,
    rating,
    read_bounded,
    source_version_near,
    text_or_none,
    urls_of,
)
from openexplorer.core.records import (
    Assessment,
    ImportProblem,
    ImportResult,
    OrganizationInfo,
    SourceRecord,
)

SOURCE = "osai"
FRAMEWORK = "osai"
SITE = "https://osai-index.eu/model/"
REPOSITORY = "https://github.com/Language-Technology-Assessment/main-database"

#: Files in the index folder that are blank forms, not models.
TEMPLATE_STEMS = {"a_submission_template", "a_sample"}

#: Dimension refs of the current schema, the retired ones and the image variant's.
CURRENT_DIMENSIONS = (
    "datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel",
    "trainingcode", "code", "hardware_architecture", "preprint", "paper", "modelcard",
    "datasheet", "licenses",
)
RETIRED_DIMENSIONS = ("package", "api")
#: Old names of current dimensions.
RENAMED = {"architecture": "hardware_architecture"}
#: The v1 (``project:``) features and what the 2024-10-16 migration made of them.
V1_TO_V2 = {
    "opencode": "trainingcode",
    "llmdata": "datasources_basemodel",
    "llmweights": "weights_basemodel",
    "rldata": "datasources_endmodel",
    "rlweights": "weights_endmodel",
    "license": "licenses",
    "architecture": "hardware_architecture",
}

_NON_DIMENSION_KEYS = {"system", "project", "org"}
_PLACEHOLDERS = {
    "", "unspecified", "unknown", "undisclosed", "unclear", "various", "na", "n/a", "none", "-",
    "tbd", "null",
}
_GENERIC_TOKENS = {"instruct", "chat", "base", "model", "preview", "the", "and", "hf"}
#: From about June 2025 endmodelname is a model name in every file the index touched.
_NAMES_RELIABLE_FROM = "2025-06"

_ORIGIN = re.compile(r"^[ \t]*#[ \t]*-?[ \t]*National origin:[ \t]*(.*?)[ \t\r]*$", re.M | re.I)
_CONTRIBUTOR = re.compile(
    r"^[ \t]*#[ \t]*-?[ \t]*Contributor type:[ \t]*(.*?)[ \t\r]*$", re.M | re.I
)


class _Skip(Exception):
    """A file that cannot become a record; the message is the problem's reason."""


# --- organisation tags --------------------------------------------------------------------------


def org_kind(label: str | None) -> str | None:
    """Map the index's "Contributor type" text to one of records.ORG_KINDS (or None).

    Values seen (2026-06): Non-academic (Company | American Big Tech | Chinese Big Tech | European
    Big Tech | Big Tech | Chinese AI Tiger | Research institution | Research community | Research
    lab | Individual); Academic (Research institution | Research community | University |
    Individual). Mapping: any "Big Tech" → big-tech; government/public → public;
    "Academic (…)" and non-academic research institutions/communities, universities and
    non-profits → academic; companies, start-ups, "Chinese AI Tiger" (Moonshot, Zhipu,
    DeepSeek… start-ups) and commercial "Research lab"s (Genmo, PleIAs, Maya Research) →
    company; a non-academic "Individual" (a single developer) and anything unrecognised → None.
    """
    if not label:
        return None
    text = label.strip().lower()
    inner_match = re.search(r"\(([^)]*)\)", text)
    inner = inner_match.group(1) if inner_match else text
    if "big tech" in text:
        return "big-tech"
    if any(w in text for w in ("government", "public sector", "public body", "state-owned")):
        return "public"
    if text.startswith("academic"):
        return "academic"
    if any(w in inner for w in ("individual", "unknown", "undisclosed")):
        return None
    if any(
        w in inner
        for w in ("research institution", "research community", "university", "non-profit",
                  "nonprofit", "academic")
    ):
        return "academic"
    if any(w in inner for w in ("company", "start-up", "startup", "ai tiger", "research lab")):
        return "company"
    return None


def org_tags(text: str) -> tuple[str | None, str | None]:
    """(national origin, contributor type) from the YAML comments, None where absent."""
    origin = _ORIGIN.search(text)
    contributor = _CONTRIBUTOR.search(text)
    return (
        origin.group(1).strip() or None if origin else None,
        contributor.group(1).strip() or None if contributor else None,
    )


def _organization(name: str | None, text: str) -> OrganizationInfo | None:
    if not name:
        return None
    country, label = org_tags(text)
    if country is None and label is None:
        return None
    if country and country.strip().lower() in {"undisclosed", "unknown"}:
        country = None
    return OrganizationInfo(
        name=name, kind=org_kind(label), country=country, source=SOURCE, label=label
    )


# --- names ----------------------------------------------------------------------------------


def _norm(text: str | None) -> str:
    return re.sub(r"[^a-z0-9]", "", (text or "").lower())


def _tokens(text: str | None) -> set[str]:
    return {t for t in re.findall(r"[a-z]{3,}", (text or "").lower()) if t not in _GENERIC_TOKENS}


def _related(a: str | None, b: str | None) -> bool:
    na, nb = _norm(a), _norm(b)
    if len(na) >= 3 and len(nb) >= 3 and (na in nb or nb in na):
        return True
    return bool(_tokens(a) & _tokens(b))


def looks_like_model_name(text: str | None) -> bool:
    """False for blanks, placeholders ("Unspecified") and data descriptions ("ShareGPT, alpaca
    (synthetic)", "ShareGPT with C-RLFT")."""
    if text is None:
        return False
    value = str(text).strip()
    if value.lower() in _PLACEHOLDERS:
        return False
    lowered = value.lower()
    if "synthetic" in lowered or "," in value or " + " in value or "(" in value:
        return False
    return not any(f" {w} " in f" {lowered} " for w in ("with", "and", "recipe"))


def release_name(
    endmodelname: str | None,
    system_name: str | None,
    hub_id: str | None,
    fallback: str,
    assessed_date: str | None = None,
) -> str:
    """The display name of a release.

    1. ``endmodelname`` when it looks like a model name and either the file was last assessed
       from June 2025 on (when the index had turned it into a model name everywhere) or it is
       related to ``system.name`` or the Hub repo (shares a word, or one contains the other);
    2. else the Hub repo name of the system link ("allenai/OLMo-7B" → "OLMo-7B");
    3. else ``system.name``; 4. else ``fallback`` (the file stem).
    """
    hub_name = hub_id.split("/", 1)[1] if hub_id else None
    if looks_like_model_name(endmodelname):
        end = str(endmodelname).strip()
        if (assessed_date and assessed_date >= _NAMES_RELIABLE_FROM) or _related(
            end, system_name
        ) or _related(end, hub_name):
            return end
    if hub_name:
        return hub_name
    if system_name and str(system_name).strip():
        return str(system_name).strip()
    return fallback


# --- one file -------------------------------------------------------------------------------


def _schema(data: dict[str, Any]) -> str:
    if isinstance(data.get("project"), dict):
        return "v1"
    system = data.get("system")
    if not isinstance(system, dict):
        system = {}
    if "modelname" in system and "endmodelname" not in system:
        return "v2-image"
    return "v2"


def _hub_from_links(value: Any) -> str | None:
    for url in urls_of(value):
        hub = hub_id_from_url(url)
        if hub:
            return hub
    return None


def _assessments(data: dict[str, Any], schema: str, license_text: str | None) -> list[Assessment]:
    out: list[Assessment] = []
    seen: set[str] = set()
    known = set(CURRENT_DIMENSIONS) | set(RETIRED_DIMENSIONS) | set(RENAMED) | set(V1_TO_V2)
    for key, block in data.items():
        if not isinstance(key, str) or key in _NON_DIMENSION_KEYS:
            continue
        if isinstance(block, dict):
            if "class" not in block and key not in known:
                continue
            cls, link, notes = block.get("class"), block.get("link"), block.get("notes")
        elif key in known:
            cls, link, notes = block, None, None
        else:
            continue
        ref = V1_TO_V2.get(key, key) if schema == "v1" else RENAMED.get(key, key)
        if ref in seen:
            continue
        if ref != key and ref in data:  # old and current name in one file: keep the current one
            continue
        seen.add(ref)
        out.append(
            Assessment(
                framework=FRAMEWORK,
                component=ref,
                status=rating(cls),
                urls=urls_of(link),
                notes=text_or_none(notes),
                license=license_text if ref == "licenses" else None,
            )
        )
    return out


def parse_text(
    text: str,
    *,
    key: str,
    family: str,
    url: str | None,
    assessed_date: str | None,
    source_version: str | None,
) -> tuple[SourceRecord, OrganizationInfo | None]:
    """One index file (any schema) → its record and organisation tags. Raises _Skip."""
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise _Skip(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc}") from exc
    if not isinstance(data, dict):
        raise _Skip("not a YAML mapping")
    schema = _schema(data)
    system = data.get("project") if schema == "v1" else data.get("system")
    if not isinstance(system, dict):
        raise _Skip("no system: block")
    org_block = data.get("org")
    org: dict[Any, Any] = org_block if isinstance(org_block, dict) else {}

    base: str | None
    end: str | None
    license_text: str | None
    modality: str | None
    if schema == "v1":
        base, end = text_or_none(system.get("llmbase")), text_or_none(system.get("rlbase"))
        license_text = text_or_none(system.get("license"))
        modality = "text"  # every v1 entry was an instruction-tuned text generator
    elif schema == "v2-image":
        base, end = None, text_or_none(system.get("modelname"))
        license_text = text_or_none(system.get("endlicense"))
        modality = text_or_none(system.get("type"))
    else:
        base = text_or_none(system.get("basemodelname") or system.get("basemodel"))
        end = text_or_none(system.get("endmodelname"))
        license_text = text_or_none(
            system.get("endmodellicense")
            if system.get("endmodellicense") is not None
            else system.get("endmodel license")
        )
        modality = text_or_none(system.get("type"))
    if license_text and license_text.lower() in {"na", "n/a"}:
        license_text = None
    if modality:
        modality = ",".join(t.strip() for t in modality.split(",") if t.strip())

    assessments = _assessments(data, schema, license_text)
    if not assessments:
        raise _Skip("no openness dimensions in the file")

    system_link = text_or_none(system.get("link"))
    hub_id = hub_id_from_url(system_link)
    if hub_id is None:
        block = data.get("weights_endmodel")
        if isinstance(block, dict):
            hub_id = _hub_from_links(block.get("link"))
    system_name = text_or_none(system.get("name"))
    org_name = text_or_none(org.get("name"))
    performance = text_or_none(system.get("performanceclass"))
    record = SourceRecord(
        source=SOURCE,
        key=key,
        name=release_name(end, system_name, hub_id, family, assessed_date),
        scope="release",
        organization=org_name,
        family=family,
        release_date=iso_date(system.get("releasedate")),
        hub_id=hub_id,
        modality=modality,
        license=license_text,
        url=url,
        source_version=source_version,
        assessed_date=assessed_date,
        assessments=assessments,
        data={
            "basemodelname": base,
            "endmodelname": end,
            "performanceclass": performance.lower() if performance else None,
            "schema": schema,
        },
    )
    return record, _organization(org_name, text)


def _read_text(path: Path) -> str:
    return read_bounded(path, SOURCE, errors="replace")


def _why(exc: Exception) -> str:
    """A skipped file's reason (the problem names the file already)."""
    if isinstance(exc, ImportRefused):
        return exc.reason
    return str(exc) or type(exc).__name__


def _csv_dicts(path: Path) -> list[dict[str, str]]:
    """The rows of a side CSV (index.csv, the file history), read bounded."""
    text = read_bounded(path, SOURCE, encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _snapshot_version(path: Path) -> str | None:
    """Fallback for releases/SOURCE.txt, whose indented "Snapshot read: branch main at <sha>
    (<date>…)" line common.source_version_near does not match."""
    folder = path if path.is_dir() else path.parent
    candidate = folder / "SOURCE.txt"
    if not candidate.is_file():
        return None
    try:
        text = read_bounded(candidate, "SOURCE.txt", encoding="utf-8", errors="replace")
    except OSError:
        return None
    match = re.search(
        r"Snapshot read:.*?\b([0-9a-f]{40})\b\s*(?:\((\d{4}-\d{2}-\d{2}))?", text, re.S
    )
    if not match:
        return None
    return " ".join(p for p in (match.group(1)[:8], match.group(2)) if p)


# --- layouts --------------------------------------------------------------------------------


def _history_dates(folder: Path) -> dict[str, str]:
    """file name → last commit date (YYYY-MM-DD) from a nearby derived/model_file_history.csv."""
    for candidate in (
        folder / "derived" / "model_file_history.csv",
        folder.parent / "derived" / "model_file_history.csv",
    ):
        if candidate.is_file():
            try:
                out = {}
                for row in _csv_dicts(candidate):
                    name, date = row.get("path"), iso_date(row.get("last_commit_date"))
                    if name and date:
                        out[name] = date
                return out
            except (OSError, csv.Error, UnicodeDecodeError):
                return {}
    return {}


def _add(
    result: ImportResult,
    seen_orgs: set[OrganizationInfo],
    record: SourceRecord,
    org: OrganizationInfo | None,
) -> None:
    result.records.append(record)
    if org is not None and org not in seen_orgs:
        seen_orgs.add(org)
        result.organizations.append(org)


def _read_current(files: list[Path], folder: Path, source_version: str | None) -> ImportResult:
    result = ImportResult()
    seen_orgs: set[OrganizationInfo] = set()
    dates = _history_dates(folder)
    for path in files:
        if path.stem.lower() in TEMPLATE_STEMS:
            continue
        try:
            record, org = parse_text(
                _read_text(path),
                key=path.stem,
                family=path.stem,
                url=SITE + quote(path.stem),
                assessed_date=dates.get(path.name),
                source_version=source_version,
            )
        except (_Skip, OSError) as exc:
            result.problems.append(ImportProblem(str(path), _why(exc)))
            continue
        _add(result, seen_orgs, record, org)
    return result


def _read_releases(folder: Path, source_version: str | None) -> ImportResult:
    result = ImportResult()
    seen_orgs: set[OrganizationInfo] = set()
    index = folder / "index.csv"
    rows: list[dict[str, str]] = []
    try:
        rows = _csv_dicts(index)
    except (OSError, csv.Error) as exc:
        result.problems.append(ImportProblem(str(index), f"unreadable index.csv: {_why(exc)}"))
    listed: set[Path] = set()
    for row in rows:
        rel = (row.get("path_in_this_folder") or "").strip()
        if not rel:
            result.problems.append(ImportProblem(str(index), f"row without a path: {row}"))
            continue
        path = folder / rel
        listed.add(path.resolve())
        family = Path((row.get("family_file") or "").strip()).stem or Path(rel).parent.name
        commit = (row.get("last_commit") or "").strip()
        git_path = (row.get("source_path_in_git") or "").strip()
        url = f"{REPOSITORY}/blob/{commit}/{quote(git_path)}" if commit and git_path else None
        extra: dict[str, Any] = {}
        try:
            extra["release_order"] = int(row.get("release_order") or "")
        except ValueError:
            pass
        if iso_date(row.get("first_seen_date")):
            extra["first_seen_date"] = iso_date(row.get("first_seen_date"))
        try:
            record, org = parse_text(
                _read_text(path),
                key=f"{family}/{Path(rel).stem}",
                family=family,
                url=url,
                assessed_date=iso_date(row.get("last_date")),
                source_version=source_version,
            )
        except (_Skip, OSError) as exc:
            result.problems.append(ImportProblem(str(path), _why(exc)))
            continue
        record.data.update(extra)
        _add(result, seen_orgs, record, org)
    # Release files that index.csv does not list still count (family = their folder).
    for path in sorted(folder.glob("*/*.yaml")):
        if path.resolve() in listed or path.stem.lower() in TEMPLATE_STEMS:
            continue
        family = path.parent.name
        try:
            record, org = parse_text(
                _read_text(path),
                key=f"{family}/{path.stem}",
                family=family,
                url=None,
                assessed_date=None,
                source_version=source_version,
            )
        except (_Skip, OSError) as exc:
            result.problems.append(ImportProblem(str(path), _why(exc)))
            continue
        _add(result, seen_orgs, record, org)
    return result


def read(path: Path, *, source_version: str | None = None) -> ImportResult:
    """Import the index's current files or its past releases (a folder with index.csv).

    ``path`` may also be a single ``.yaml`` file (read as a current file). Bad files become
    :class:`ImportProblem` entries; this never raises on bad content.
    """
    path = Path(path)
    is_folder = check_path(path, what="an index YAML file")
    if source_version is None:
        source_version = source_version_near(path) or _snapshot_version(path)
    if not is_folder:
        return _read_current([path], path.parent, source_version)
    if (path / "index.csv").is_file():
        return _read_releases(path, source_version)
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in {".yaml", ".yml"})
    if not files:
        return ImportResult(problems=[
            ImportProblem(str(path), "a folder with no index YAML files (*.yaml) or index.csv")])
    return _read_current(files, path, source_version)
