"""Suspected source errors about a release's identity, both sides shown.

Computed on read from the records linked to a release (nothing stored). Each check is a general
rule of :mod:`openexplorer.core.identity`:

- ``refused_link``: a source linked the record to a Hub repo its own name, size or organisation
  disagrees with; the link was not followed (:func:`openexplorer.store.linking.as_linked`);
- ``name_conflict``: a source's file names one model in its file name and Hub link and another
  in its release name (the file's name stands);
- ``records_disagree``: two records of the release state different sizes, or name different
  curated organisations;
- ``evidence_link``: a record's evidence links to a Hub repo whose size disagrees with the
  record's (a file's data copied from another model).

:func:`release_checks` gives the ``source_checks`` list of a release's view;
:func:`disagreeing_releases` scans a whole cache (the identity check of the snapshot).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from openexplorer.core import identity
from openexplorer.db.cache import Cache

__all__ = ["disagreeing_releases", "markdown_lines", "release_checks", "records_disagree"]

#: data keys written by :func:`openexplorer.store.linking.as_linked` and the MOT importer
#: (repeated here: views sit below store and importers).
_REFUSED_LINK = "hub_link_as_written"
_NAME_AS_WRITTEN = "name_as_written"

_HUB_URL = re.compile(
    r"^https?://(?:www\.)?huggingface\.co/(?!datasets/|spaces/|docs/|blog/|papers/)"
    r"([\w.-]+)/([\w.-]+)")


@dataclass(frozen=True, slots=True)
class SourceCheck:
    """One suspected source error of a release, both sides shown: what the record says
    (``record``), what disagrees with it (``other``) and why (``reasons``)."""

    kind: str  # refused_link, name_conflict, records_disagree, evidence_link
    source: str
    key: str
    record: str
    other: str
    reasons: tuple[str, ...] = ()

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> SourceCheck:
        return cls(kind=str(d["kind"]), source=str(d["source"]), key=str(d["key"]),
                   record=str(d["record"]), other=str(d["other"]),
                   reasons=tuple(str(r) for r in d.get("reasons") or ()))

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "source": self.source, "key": self.key,
                "record": self.record, "other": self.other, "reasons": list(self.reasons)}


def _side(record: dict[str, Any]) -> dict[str, Any]:
    return {"source": record["source"], "key": record["key"], "name": record["name"]}


def release_checks(records: list[dict[str, Any]]) -> tuple[SourceCheck, ...]:
    """The suspected source errors among a release's records, each with both sides."""
    own = [r for r in records if r.get("scope", "release") == "release"]
    checks: list[dict[str, Any]] = []
    for record in own:
        data = record.get("data") or {}
        link = data.get(_REFUSED_LINK)
        if isinstance(link, str) and link:
            found = identity.link_disagreements(
                name=record["name"], hub_id=identity.canonical_hub_id(link) or link,
                organization=record.get("organization"))
            checks.append({
                "kind": "refused_link", **_side(record),
                "record": f"{record['name']} ({record.get('organization') or 'no organisation'})",
                "other": f"https://huggingface.co/{link}",
                "reasons": [d.describe() for d in found] or ["the link disagrees with the record"],
            })
        written = data.get(_NAME_AS_WRITTEN)
        if isinstance(written, str) and written:
            checks.append({
                "kind": "name_conflict", **_side(record),
                "record": f"file {record['key']} and Hub link {record.get('hub_id') or '-'}",
                "other": f"release name {written!r}",
                "reasons": ["the file's name and its Hub link agree on a size its release name "
                            "contradicts: the file's name is shown"],
            })
        checks.extend(_evidence_links(record))
    checks.extend(records_disagree(own))
    # The index's current and past file of one model say the same: one note each.
    unique: dict[tuple[str, str, str], dict[str, Any]] = {}
    for check in checks:
        unique.setdefault((check["kind"], check["other"], "; ".join(check["reasons"])), check)
    return tuple(SourceCheck.from_dict(c) for c in unique.values())


def _evidence_links(record: dict[str, Any]) -> list[dict[str, Any]]:
    """Evidence links to a Hub repo of the same organisation whose size disagrees with the
    record's name and Hub link (the index's Falcon3 file with Falcon-40B's weights links)."""
    own_sizes = identity.sizes(record["name"]) | identity.sizes(record.get("hub_id") or "")
    namespace = (record.get("hub_id") or "").partition("/")[0].lower()
    if not own_sizes or not namespace:
        return []
    seen: dict[str, list[str]] = {}
    for assessment in record.get("assessments") or []:
        for url in assessment.urls:
            match = _HUB_URL.match(url)
            if not match or match.group(1).lower() != namespace:
                continue
            repo = f"{match.group(1)}/{match.group(2)}"
            theirs = identity.sizes(match.group(2))
            if theirs and not any(_close(a, b) for a in own_sizes for b in theirs):
                seen.setdefault(repo, []).append(assessment.component)
    return [{
        "kind": "evidence_link", **_side(record),
        "record": f"{record['name']} ({record.get('hub_id')})",
        "other": f"https://huggingface.co/{repo}",
        "reasons": [f"evidence for {', '.join(sorted(set(components)))} links to the repo "
                    f"of a model of another size ({_sizes_text(repo)}): the source may have "
                    "taken it from a sibling model"],
    } for repo, components in seen.items()]


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= 0.12 * max(a, b)


def _sizes_text(repo: str) -> str:
    return ", ".join(f"{s / 1e9:g}B" for s in sorted(identity.sizes(repo))) or "?"


def records_disagree(records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pairs of a release's records that state different sizes (in their names) or name
    different curated organisations: one release should not hold both."""
    own = [r for r in records if r.get("scope", "release") == "release" and r.get("name")]
    found: list[dict[str, Any]] = []
    for i, first in enumerate(own):
        for second in own[i + 1:]:
            reasons = []
            a, b = identity.sizes(first["name"]), identity.sizes(second["name"])
            if a and b and not any(_close(x, y) for x in a for y in b):
                reasons.append(f"size: {first['name']!r} and {second['name']!r}")
            org_a = identity.organizations_named(first.get("organization"))
            org_b = identity.organizations_named(second.get("organization"))
            if org_a and org_b and not identity.same_organizations(org_a, org_b):
                reasons.append(f"organisation: {first.get('organization')!r} and "
                               f"{second.get('organization')!r}")
            if reasons:
                found.append({
                    "kind": "records_disagree", **_side(first),
                    "record": f"{first['source']}:{first['key']} ({first['name']})",
                    "other": f"{second['source']}:{second['key']} ({second['name']})",
                    "reasons": reasons,
                })
    return found


def disagreeing_releases(cache: Cache) -> dict[str, list[dict[str, Any]]]:
    """Every release of ``cache`` whose records disagree on size or organisation, with the
    disagreements (the identity check: none should be left)."""
    rows = cache.conn.execute(
        "SELECT release_id, source, key, name, organization FROM records "
        "WHERE scope = 'release' AND release_id IS NOT NULL ORDER BY release_id, source, key")
    by_release: dict[str, list[dict[str, Any]]] = {}
    for release_id, source, key, name, organization in rows:
        by_release.setdefault(release_id, []).append(
            {"source": source, "key": key, "name": name, "organization": organization,
             "scope": "release"})
    result = {}
    for release_id, records in by_release.items():
        if len(records) > 1:
            found = records_disagree(records)
            if found:
                result[release_id] = found
    return result


KIND_TITLES = {
    "refused_link": "Hub link not followed",
    "name_conflict": "Name contradicts the file",
    "records_disagree": "Records disagree",
    "evidence_link": "Evidence names another model",
}


def markdown_lines(checks: Sequence[SourceCheck]) -> list[str]:
    """The "Source notes" section of a release's Markdown (none when there are no checks)."""
    if not checks:
        return []
    out = ["", "## Source notes", "",
           "Suspected source errors: a source's facts disagree with each other (a Hub link "
           "that disagrees with its own record is not followed).", ""]
    for check in checks:
        reasons = "; ".join(check.reasons)
        out.append(f"- **{KIND_TITLES.get(check.kind, check.kind)}** "
                   f"({check.source}: {check.key}): the record: {check.record}; "
                   f"the other side: {check.other}" + (f". {reasons}" if reasons else ""))
    return [line.replace("\n", " ") for line in out]
