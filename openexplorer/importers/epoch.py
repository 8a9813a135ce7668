"""Epoch AI "Notable AI Models" CSV → one :class:`SourceRecord` per model.

Format: one CSV (``notable-ai-models.csv``, 46 columns) with a header row. Cells may hold
embedded newlines and trailing whitespace; every cell is stripped, and single-line facts (names,
organisations, countries, domains) have their inner whitespace collapsed.

Decisions (documented here because the source leaves them open):

* ``key`` is the model name, whitespace collapsed (a trailing newline, a no-break space in
  "ALLaM adapted 70B"). When several rows share a name, *every* one of them gets
  `` (<Publication date>)`` appended (so the key does not depend on row order); rows that still
  collide get `` #2``, `` #3`` … in file order.
* ``organization`` is the first organisation of the comma-separated ``Organization`` cell (the
  lead organisation as Epoch lists it); ``data["organizations"]`` keeps all of them, in order.
* ``Organization categorization`` and ``Country (of organization)`` are comma-separated lists
  that concatenate each organisation's values (usually one each, but an organisation may have
  two countries or none). Each organisation's kind and country come first from rows naming only
  that organisation, then from rows where the lists have one entry per organisation (paired by
  position), then from rows whose list is uniform; see :func:`_organizations`. An organisation
  with several countries keeps them joined with "," as Epoch writes them. The record keeps the
  raw strings in ``data["organization_categorization"]`` and ``data["country"]``.
* Kinds: Industry → ``company``, Academia → ``academic``, Government → ``public``, Research
  collective → ``academic``; anything else, or an organisation whose own categorization mixes
  kinds ("Industry,Government"), → None. ``label`` is Epoch's categorization of that one
  organisation. (Big Tech is decided elsewhere.)
* ``modality`` from ``Domain`` (comma-separated): Language → text, Vision / Image generation →
  image, Speech / Audio → audio, Video → video, Multimodal → multimodal. Image + video is
  ``video``; two or more other modalities are ``multimodal``; a text-only model whose every Task
  is code generation/completion is ``code``; no mappable domain (Games, Biology…) → None.
* ``url`` is the first URL of ``Link`` (which may hold several, separated by newlines or
  commas); all of them are in ``data["links"]``; ``hub_id`` is the first that names a Hub model.
* Accessibility notes are free text: they go only into the ``model_accessibility`` assessment's
  ``notes`` (plus any URLs in them into its ``urls``), never into ``data``.

Problems: a file that cannot be read or lacks a required column is one problem and yields
nothing; a row with the wrong number of cells, a CSV syntax error or no model name is skipped
with a problem ``"<path>:row N"`` where N is the file line on which the row starts (the header
is line 1). A cell that cannot be parsed (date, number) or an accessibility label not in the
table below is also reported, but the row is kept with that field left blank / ``unknown``.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from openexplorer.importers.common import (
    ImportRefused,
    check_path,
    csv_rows,
    hub_id_from_url,
    iso_date,
    read_bounded,
    source_version_near,
    urls_of,
)
from openexplorer.core.records import (
    Assessment,
    ImportProblem,
    ImportResult,
    OrganizationInfo,
    SourceRecord,
)

SOURCE = "epoch"
FRAMEWORK = "epoch"
FILE_NAME = "notable-ai-models.csv"

#: Epoch's accessibility labels, each mapped deliberately (labels as of the 2026-01 mirror).
ACCESSIBILITY_STATUS: dict[str, str] = {
    # Model accessibility
    "Open weights (unrestricted)": "open",
    "Open weights (non-commercial)": "partial",
    "Open weights (restricted use)": "partial",
    "API access": "closed",
    "Hosted access (no API)": "closed",
    "Unreleased": "closed",
    # Training code accessibility
    "Open source": "open",
    "Open (non-commercial)": "partial",
    "Open (restricted use)": "partial",
    # Inference code accessibility
    "Open access (non-commercial)": "partial",
    "Open access (restricted use)": "partial",
}

#: (assessment component, CSV column)
ACCESSIBILITY_COLUMNS = (
    ("model_accessibility", "Model accessibility"),
    ("training_code", "Training code accessibility"),
    ("inference_code", "Inference code accessibility"),
)

REQUIRED_COLUMNS = (
    "Model",
    "Organization",
    "Publication date",
    "Model accessibility",
    "Training code accessibility",
    "Inference code accessibility",
)
OPTIONAL_COLUMNS = (
    "Domain",
    "Task",
    "Parameters",
    "Training compute (FLOP)",
    "Training dataset",
    "Link",
    "Organization categorization",
    "Country (of organization)",
    "Base model",
    "Accessibility notes",
    "Frontier model",
)

ORG_KIND: dict[str, str] = {
    "Industry": "company",
    "Academia": "academic",
    "Government": "public",
    "Research collective": "academic",
}

_DOMAIN_MODALITY: dict[str, str] = {
    "Language": "text",
    "Vision": "image",
    "Image generation": "image",
    "Speech": "audio",
    "Audio": "audio",
    "Video": "video",
    "Multimodal": "multimodal",
}
_CODE_TASKS = {"Code generation", "Code autocompletion"}

#: ``read(weights=...)`` values.
WEIGHTS_ALL = "all"
WEIGHTS_OPEN_OR_RESTRICTED = "open-or-restricted"
_ACCESSIBLE = {"open", "partial"}

_WS = re.compile(r"\s+")


def read(
    path: Path, *, source_version: str | None = None, weights: str = WEIGHTS_ALL
) -> ImportResult:
    """Import the Epoch CSV at ``path`` (the file, or the folder holding it).

    ``weights="open-or-restricted"`` keeps only models whose weights are open or restricted
    (see :func:`accessible_only`). Never raises on bad content; see the module docstring.
    """
    if weights not in (WEIGHTS_ALL, WEIGHTS_OPEN_OR_RESTRICTED):
        raise ValueError(f"weights must be {WEIGHTS_ALL!r} or {WEIGHTS_OPEN_OR_RESTRICTED!r}")
    path = Path(path)
    result = ImportResult()
    csv_path = _find_csv(path, result)
    if csv_path is None:
        return result
    if source_version is None:
        source_version = source_version_near(csv_path)
    rows = _read_rows(csv_path, result)
    if rows is None:
        return result
    records = [
        record
        for record in (_record(csv_path, line, row, source_version, result) for line, row in rows)
        if record is not None
    ]
    _disambiguate_keys(records)
    result.records.extend(records)
    result.organizations.extend(_organizations(records))
    return accessible_only(result) if weights == WEIGHTS_OPEN_OR_RESTRICTED else result


def accessible_only(result: ImportResult) -> ImportResult:
    """A copy of ``result`` with only the models whose weights are open or restricted.

    That is: ``model_accessibility`` status ``open`` or ``partial`` (Open weights
    (unrestricted / non-commercial / restricted use)). Organisations are kept when a kept model
    names them; problems are kept as they are.
    """
    kept = [r for r in result.records if weights_status(r) in _ACCESSIBLE]
    names = {org for r in kept for org in r.data.get("organizations", ())}
    orgs = [o for o in result.organizations if o.name in names]
    return ImportResult(records=kept, organizations=orgs, problems=list(result.problems))


def weights_status(record: SourceRecord) -> str | None:
    """The status of the record's ``model_accessibility`` assessment, or None."""
    for assessment in record.assessments:
        if assessment.framework == FRAMEWORK and assessment.component == "model_accessibility":
            return assessment.status
    return None


# --- reading -------------------------------------------------------------------------------


def _find_csv(path: Path, result: ImportResult) -> Path | None:
    if not check_path(path, what="the Epoch notable-models CSV"):
        return path
    candidate = path / FILE_NAME
    if candidate.exists():  # whatever it is: reading it says why it will not do
        return candidate
    csvs = sorted(path.glob("*.csv"))
    if len(csvs) == 1:
        return csvs[0]
    reason = f"a folder with no {FILE_NAME}" + (
        f" and {len(csvs)} other CSV files; pass the file itself" if csvs else ""
    )
    result.problems.append(ImportProblem(str(path), reason))
    return None


def _read_rows(path: Path, result: ImportResult) -> list[tuple[int, dict[str, str]]] | None:
    """``(start line, {column: stripped cell})`` per well-formed row, or None if unusable."""
    try:
        text = read_bounded(path, SOURCE)
    except ImportRefused as exc:
        result.problems.append(ImportProblem(str(path), exc.reason))
        return None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        result.problems.append(ImportProblem(str(path), "empty file"))
        return None
    except csv.Error as exc:
        result.problems.append(ImportProblem(str(path), f"unreadable header: {exc}"))
        return None
    header = [_one_line(h) for h in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        result.problems.append(
            ImportProblem(
                str(path),
                "not an Epoch notable-models CSV: missing column(s) " + ", ".join(missing),
            )
        )
        return None
    absent = [c for c in OPTIONAL_COLUMNS if c not in header]
    if absent:
        result.problems.append(
            ImportProblem(str(path), "column(s) missing, left blank: " + ", ".join(absent))
        )
    index: dict[str, int] = {}
    for i, name in enumerate(header):
        index.setdefault(name, i)

    rows: list[tuple[int, dict[str, str]]] = []
    for start, cells in csv_rows(reader, path, result.problems):
        if len(cells) != len(header):
            result.problems.append(
                ImportProblem(
                    f"{path}:row {start}",
                    f"{len(cells)} cells, expected {len(header)} (malformed or truncated row)",
                )
            )
            continue
        rows.append((start, {name: cells[i].strip() for name, i in index.items()}))
    if not rows and not any(p.path.startswith(f"{path}:row") for p in result.problems):
        result.problems.append(ImportProblem(str(path), "no rows under the header"))
    return rows


_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([bmk])\b", re.I)


def _same_model(name: str, hub_id: str) -> bool:
    """Whether a Hub repo plausibly holds the model Epoch names: same name, or same sizes."""
    from openexplorer.core.identity import match_key

    repo = hub_id.split("/")[-1]
    ours, theirs = match_key(name) or "", match_key(repo) or ""
    if ours and theirs and (ours in theirs or theirs in ours):
        return True
    sizes = {f"{n}{u.lower()}" for n, u in _SIZE.findall(name)}
    repo_sizes = {f"{n}{u.lower()}" for n, u in _SIZE.findall(repo.replace("-", " "))}
    return bool(sizes) and sizes <= repo_sizes


def _record(
    path: Path,
    line: int,
    row: dict[str, str],
    source_version: str | None,
    result: ImportResult,
) -> SourceRecord | None:
    where = f"{path}:row {line}"
    name = _one_line(row.get("Model"))
    if not name:
        result.problems.append(ImportProblem(where, "no model name"))
        return None

    def problem(reason: str) -> None:
        result.problems.append(ImportProblem(where, f"{name}: {reason}"))

    raw_date = row.get("Publication date", "")
    release_date = iso_date(raw_date) if raw_date else None
    if raw_date and release_date is None:
        problem(f"Publication date {raw_date!r} is not a date; left blank")

    organizations = _split(row.get("Organization"))
    links = list(urls_of(row.get("Link") or None))
    hub_id = next((h for h in map(hub_id_from_url, links) if h), None)

    assessments = []
    for component, column in ACCESSIBILITY_COLUMNS:
        label = _one_line(row.get(column))
        status = _status(label, column, problem)
        notes = urls = None
        if component == "model_accessibility":
            notes = row.get("Accessibility notes") or None
            urls = urls_of(notes)
        if component == "model_accessibility" and hub_id is None and urls:
            # The notes often link the weights on the Hub (e.g. Llama 2-70B); use that link
            # only when it names exactly one model repo and that repo is this model (Llama
            # 3.1-405B's notes link the 8B repo).
            named = {h for h in map(hub_id_from_url, urls) if h}
            if len(named) == 1 and _same_model(name, next(iter(named))):
                hub_id = named.pop()
        assessments.append(
            Assessment(
                framework=FRAMEWORK,
                component=component,
                status=status,
                value=label or None,
                urls=urls or (),
                notes=notes,
            )
        )

    domain = _one_line(row.get("Domain")) or None
    task = _one_line(row.get("Task")) or None
    return SourceRecord(
        source=SOURCE,
        key=name,
        name=name,
        organization=organizations[0] if organizations else None,
        release_date=release_date,
        hub_id=hub_id,
        modality=modality_of(domain, task),
        parameters=_number(row.get("Parameters"), "Parameters", problem),
        url=links[0] if links else None,
        source_version=source_version,
        assessed_date=None,
        assessments=assessments,
        data={
            "organizations": organizations,
            "organization_categorization": _one_line(row.get("Organization categorization"))
            or None,
            "country": _one_line(row.get("Country (of organization)")) or None,
            "training_compute_flop": _number(
                row.get("Training compute (FLOP)"), "Training compute (FLOP)", problem
            ),
            "base_model": _one_line(row.get("Base model")) or None,
            "frontier_model": _one_line(row.get("Frontier model")).lower() in {"true", "yes", "1"},
            "training_dataset": _one_line(row.get("Training dataset")) or None,
            "domain": domain,
            "task": task,
            "links": links,
        },
    )


def _status(label: str, column: str, problem: Callable[[str], None]) -> str:
    if not label:
        return "unknown"
    status = ACCESSIBILITY_STATUS.get(label)
    if status is None:
        problem(f"{column} label {label!r} is not one this importer knows; status unknown")
        return "unknown"
    return status


def modality_of(domain: str | None, task: str | None = None) -> str | None:
    """Our modality from Epoch's ``Domain`` (and ``Task``, to tell code models apart)."""
    found = {_DOMAIN_MODALITY[d] for d in _split(domain) if d in _DOMAIN_MODALITY}
    if not found:
        return None
    if "multimodal" in found:
        return "multimodal"
    if found == {"image", "video"}:
        return "video"
    if len(found) > 1:
        return "multimodal"
    (modality,) = found
    tasks = set(_split(task))
    if modality == "text" and tasks and tasks <= _CODE_TASKS:
        return "code"
    return modality


def _number(
    text: str | None, column: str, problem: Callable[[str], None]
) -> float | None:
    text = (text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        problem(f"{column} {text!r} is not a number; left blank")
        return None
    return value


def _one_line(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _split(text: str | None) -> list[str]:
    return [part for part in (_one_line(p) for p in (text or "").split(",")) if part]


def _disambiguate_keys(records: list[SourceRecord]) -> None:
    counts = Counter(r.key for r in records)
    for record in records:
        if counts[record.key] > 1:
            record.key = f"{record.key} ({record.release_date or 'undated'})"
    seen: Counter[str] = Counter()
    counts = Counter(r.key for r in records)
    for record in records:
        if counts[record.key] > 1:
            seen[record.key] += 1
            if seen[record.key] > 1:
                record.key = f"{record.key} #{seen[record.key]}"


# --- organisations ---------------------------------------------------------------------------


def org_kind(label: str | None) -> str | None:
    """Our organisation kind for Epoch's categorization of *one* organisation.

    A few organisations carry two categories ("Industry,Government" for Saudi Aramco); the kind
    is set only when every category maps to the same kind, otherwise it is None (unknown) and
    the curated table decides.
    """
    kinds = {ORG_KIND.get(part) for part in _split(label)}
    return kinds.pop() if len(kinds) == 1 else None


def _organizations(records: list[SourceRecord]) -> list[OrganizationInfo]:
    """One :class:`OrganizationInfo` per distinct organisation, in order of first mention.

    Epoch's categorization and country cells are the concatenation of each organisation's own
    values (an organisation may have two countries, e.g. Google DeepMind "United States of
    America,United Kingdom of Great Britain and Northern Ireland", or none). So the evidence is
    ranked: rows naming only that organisation (all values are its own, distinct ones joined
    with ","), then rows where the lists have as many entries as organisations (paired by
    position), then rows whose list is uniform. The best tier with any evidence decides, by
    majority.
    """
    order: dict[str, None] = {}
    # votes[field][org] = [tier0 Counter, tier1 Counter, tier2 Counter]
    votes: dict[str, dict[str, list[Counter[str]]]] = {"cat": {}, "country": {}}
    for record in records:
        orgs = record.data["organizations"]
        for org in orgs:
            order.setdefault(org, None)
        for field_name, raw in (
            ("cat", record.data["organization_categorization"]),
            ("country", record.data["country"]),
        ):
            values = _split(raw)
            if not values or not orgs:
                continue
            if len(orgs) == 1:
                tier, pairs = 0, [(orgs[0], ",".join(dict.fromkeys(values)))]
            elif len(values) == len(orgs):
                tier, pairs = 1, list(zip(orgs, values))
            elif len(set(values)) == 1:
                tier, pairs = 2, [(org, values[0]) for org in orgs]
            else:
                continue
            for org, value in pairs:
                tiers = votes[field_name].setdefault(org, [Counter(), Counter(), Counter()])
                tiers[tier][value] += 1

    def pick(field_name: str, org: str) -> str | None:
        for counter in votes[field_name].get(org, ()):
            if counter:
                return counter.most_common(1)[0][0]
        return None

    out = []
    for org in order:
        label = pick("cat", org)
        out.append(
            OrganizationInfo(
                name=org,
                kind=org_kind(label),
                country=pick("country", org),
                source=SOURCE,
                label=label,
            )
        )
    return out


__all__ = [
    "ACCESSIBILITY_STATUS",
    "ORG_KIND",
    "WEIGHTS_ALL",
    "WEIGHTS_OPEN_OR_RESTRICTED",
    "accessible_only",
    "modality_of",
    "org_kind",
    "read",
    "weights_status",
]
