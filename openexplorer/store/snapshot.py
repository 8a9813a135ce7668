"""The bundled snapshot: the public sources, as facts, so the app is useful offline on first launch.

Built by developers (``python scripts/build_snapshot.py ../shared/data``), not at install time.
It holds ratings, licence ids, evidence URLs, dates, names and numbers converted to our record
shape — no free-text notes from the sources — plus the provenance and attribution of each source.
A user who imports the sources' files themselves (``openexplorer import …``) gets the notes too.
"""

from __future__ import annotations

import gzip
import json
import logging
from dataclasses import asdict, replace
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from openexplorer.core.records import (
    Assessment,
    ImportProblem,
    ImportResult,
    OrganizationInfo,
    SourceRecord,
)
from openexplorer.core.sources import SOURCES
from openexplorer.db.cache import Cache
from openexplorer.core import identity
from openexplorer.importers import epoch, fmti, hub_cards, mot, osai, osai_legacy, osi
from openexplorer.search import summary
from openexplorer.store.ingest import IngestReport, ingest

log = logging.getLogger(__name__)

SNAPSHOT_NAME = "snapshot.json.gz"
FORMAT_VERSION = 1

# (source id, importer, path under the shared data folder). Order matters: releases with Hub ids
# come first so that later sources can link to them by name.
_PLAN = (
    ("mot", mot.read, "mof-mot/models"),
    ("osai", osai.read, "osai-index/releases"),
    ("osai", osai.read, "osai-index/models"),
    ("osai-legacy", osai_legacy.read, "opening-up-chatgpt/projects"),
    ("epoch", epoch.read, "epoch-ai/notable-ai-models.csv"),
    ("osi", osi.read, "osi-osaid/osaid-validation.csv"),
    ("fmti", fmti.read, "fmti"),
    # Last: the 2024 Hub cards only add licence facts to releases the sources above made known
    # (a card never makes a release of its own; see _known_releases_only).
    ("hub-cards-2024", hub_cards.read, "hub-cards-2024"),
)


def _facts_only(record: SourceRecord) -> SourceRecord:
    """The record without the source's free-text notes (the snapshot ships facts only)."""
    return replace(record, assessments=[replace(a, notes=None) for a in record.assessments])


def build(shared_data: Path) -> dict[str, Any]:
    """Run every importer over ``shared_data`` and return the snapshot document."""
    parts: list[dict[str, Any]] = []
    for source, read, relative in _PLAN:
        path = shared_data / relative
        result = read(path)
        if source == "epoch":
            # Only models whose weights are open or restricted-but-downloadable.
            result = epoch.accessible_only(result)
        if source == "hub-cards-2024":
            # Only the cards of repos another source names (the rest would be no release's).
            known = {(identity.canonical_hub_id(r["hub_id"]) or "").lower() for p in parts
                     for r in p["records"] if r.get("hub_id")}
            result = ImportResult(
                records=[r for r in result.records
                         if (identity.canonical_hub_id(r.hub_id) or "").lower() in known],
                problems=result.problems)
        for problem in result.problems:
            log.warning("%s: %s", problem.path, problem.reason)
        parts.append({
            "source": source,
            "path": relative,
            "records": [asdict(_facts_only(r)) for r in result.records],
            "organizations": [asdict(o) for o in result.organizations],
            "problems": [asdict(p) for p in result.problems],
        })
    return {
        "format": FORMAT_VERSION,
        "built": datetime.now(UTC).date().isoformat(),
        "sources": {
            sid: {**asdict(s), "version": _version_of(parts, sid)} for sid, s in SOURCES.items()
            if sid != "hub"
        },
        "parts": parts,
    }


def _version_of(parts: list[dict[str, Any]], source: str) -> str | None:
    for part in parts:
        if part["source"] == source and part["records"]:
            return str(part["records"][0].get("source_version"))
    return None


def write(document: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    # mtime=0: the same data gives the same bytes, so rebuilding does not churn git.
    with gzip.GzipFile(path, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(payload.encode("utf-8"))


def bundled_path() -> Path:
    return Path(str(files("openexplorer.resources") / "snapshot" / SNAPSHOT_NAME))


def read(path: Path | None = None) -> dict[str, Any]:
    path = path or bundled_path()
    with gzip.open(path, "rb") as handle:
        document: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    if document.get("format") != FORMAT_VERSION:
        raise ValueError(f"{path}: snapshot format {document.get('format')} is not supported")
    return document


def _to_result(part: dict[str, Any]) -> ImportResult:
    records = []
    for raw in part["records"]:
        raw = dict(raw)
        raw["assessments"] = [
            Assessment(**{**a, "urls": tuple(a.get("urls") or ())}) for a in raw["assessments"]
        ]
        records.append(SourceRecord(**raw))
    return ImportResult(
        records=records,
        organizations=[OrganizationInfo(**o) for o in part["organizations"]],
        problems=[ImportProblem(**p) for p in part["problems"]],
    )


def _known_releases_only(cache: Cache, result: ImportResult) -> ImportResult:
    """The Hub-card records whose repo is a release the cache already holds: a card adds facts
    to a release, it never makes one (nor renames one known only by name)."""
    kept = []
    for record in result.records:
        hub_id = identity.canonical_hub_id(record.hub_id)
        if hub_id and cache.conn.execute(
                "SELECT 1 FROM releases WHERE id = ?", (hub_id.lower(),)).fetchone():
            kept.append(record)
    return ImportResult(records=kept, problems=result.problems)


def install(cache: Cache, path: Path | None = None) -> IngestReport:
    """Fill ``cache`` from the snapshot (used on first launch and to rebuild a damaged cache)."""
    document = read(path)
    total = IngestReport()
    stamp = f"{document['built']}T00:00:00+00:00"
    for part in document["parts"]:
        result = _to_result(part)
        if part["source"] == "hub-cards-2024":
            result = _known_releases_only(cache, result)
        report = ingest(cache, result, now=stamp, record_changes=False,
                        summarize=False)
        total.records += report.records
        total.releases_created += report.releases_created
        total.releases_linked += report.releases_linked
    cache.set_meta("snapshot_built", document["built"])
    cache.set_meta("snapshot_sources", json.dumps(document["sources"], sort_keys=True))
    summary.rebuild_all(cache)  # once, rather than after every part
    return total
