"""Storing an importer's result in the cache: each record linked to its release, family and
organisation, the releases' facts rebuilt, what changed logged, the summary brought up to date.

:func:`ingest` is how every import, the snapshot's installation, a Hub refresh and a restore of
the user's corrections write records. A Hub record sent again with nothing new but its counters
and commit takes a shorter way (:func:`ingest`'s ``fast_refresh``) that leaves the cache as the
full way would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from openexplorer.core import identity
from openexplorer.core.records import ImportResult, SourceRecord
from openexplorer.db.cache import Cache
from openexplorer.db.fts import popularity_of
from openexplorer.db.record_links import VOLATILE_DATA, link_commit, urls_json
from openexplorer.search import summary
from openexplorer.store.linking import Linker, Target
from openexplorer.store.writes import (
    ensure_organization,
    log_change,
    now_stamp,
    rebuild_release,
    upsert_organization,
)

__all__ = ["IngestReport", "ingest"]


@dataclass
class IngestReport:
    """What an import did to the cache."""

    records: int = 0
    releases_created: int = 0
    releases_linked: int = 0
    changes: int = 0
    skipped_user: int = 0
    problems: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # releases whose figures may have changed
    #: Keys of the records sent again with nothing new but their volatile fields, written in
    #: place (the fast way), in order.
    refreshed_in_place: list[str] = field(default_factory=list)


def ingest(
    cache: Cache,
    result: ImportResult,
    *,
    now: str | None = None,
    record_changes: bool = True,
    summarize: bool = True,
    fast_refresh: bool = True,
) -> IngestReport:
    """Store an importer's result: link each record to its release, family, organisation.

    One transaction for the whole result: a failure leaves the cache as it was. A record
    replaces the earlier record of the same source and key; records of source ``user`` are
    never replaced by an import. Every changed fact goes to ``changes`` (unless
    ``record_changes`` is false: building a cache from the snapshot changes nothing).
    ``fast_refresh=False`` sends every record the full way (replaced, its release rebuilt),
    as before the fast way existed: the cache must end up the same either way.
    """
    now = now or now_stamp()
    report = IngestReport(problems=[f"{p.path}: {p.reason}" for p in result.problems])
    linker = Linker(cache)
    touched: set[str] = set()
    rescored: set[str] = set()  # releases rebuilt from a record whose evidence changed
    downloads: dict[str, Any] = {}  # releases whose only news is the Hub's counters
    with cache.conn:
        cache.begin_write()
        for info in result.organizations:
            upsert_organization(cache, info)
        for record in result.records:
            if record.source == "user" and _record_id(cache, record.source, record.key):
                report.skipped_user += 1
                continue
            record = linker.prepare(record)  # a disagreeing Hub link is kept apart, not followed
            target = linker.link(record)
            if target.created:
                report.releases_created += 1
            elif target.release_id:
                report.releases_linked += 1
            volatile_only = fast_refresh and _refresh_record(cache, record, target, now)
            if volatile_only:
                report.refreshed_in_place.append(record.key)
            else:
                report.changes += _store_record(cache, record, target, now, record_changes)
            report.records += 1
            touched |= _releases_affected(cache, record, target)
            if volatile_only and target.release_id:  # its facts and scores are as they were
                downloads[target.release_id] = record.data.get("downloads")
            elif target.release_id:
                # At once, so later records of this import can match it by name.
                report.changes += rebuild_release(
                    cache, target.release_id, now=now, record_changes=record_changes
                )
                rescored.add(target.release_id)
        report.touched = touched
        if summarize and touched:
            # Releases that only gained downloads keep their scores: only the summary's
            # counters are written (unless another record of the import touched them).
            summary.update(cache, touched - (set(downloads) - rescored))
            summary.update_downloads(
                cache, {k: v for k, v in downloads.items() if k not in rescored})
    return report


def _releases_affected(cache: Cache, record: SourceRecord, target: Target) -> set[str]:
    if target.release_id:
        return {target.release_id}
    if record.scope == "family" and target.family_id:
        sql, arg = "SELECT id FROM releases WHERE family_id = ?", target.family_id
    elif record.scope == "organization":
        org = identity.organization_for(record.organization)
        if org is None:
            return set()
        sql, arg = "SELECT id FROM releases WHERE organization_id = ?", org.id
    else:
        return set()
    return {row[0] for row in cache.conn.execute(sql, (arg,))}


def _record_id(cache: Cache, source: str, key: str) -> int | None:
    row = cache.conn.execute(
        "SELECT id FROM records WHERE source = ? AND key = ?", (source, key)
    ).fetchone()
    return row[0] if row else None


def _refresh_record(cache: Cache, record: SourceRecord, target: Target, now: str) -> bool:
    """Write a record sent again with nothing new but its volatile fields, if it is one.

    A Hub refresh mostly brings back the same model with more downloads, a new commit and a
    new read date: the assessments (and so every framework score) are the same, only their
    links name the new commit. Then the stored record keeps its row and its assessments'
    rows; its volatile columns, its data and the links are written in place, and the
    release's popularity follows the downloads: the cache is left as replacing the record
    and rebuilding the release would leave it, without rewriting rows and their indexes.
    True when done so; False when the record must go the full way (:func:`_store_record`,
    :func:`rebuild_release`).
    """
    volatile = VOLATILE_DATA.get(record.source)
    if volatile is None or not target.release_id or target.created:
        return False
    # Another record of the source on the release (two repos of one model) would compete
    # with this one for the release's facts and figures: the full path decides that.
    row = cache.conn.execute(
        "SELECT r.id, r.release_id, r.scope, r.family_id, r.organization_id, r.name, "
        "r.organization, r.family, r.release_date, r.hub_id, r.modality, r.parameters, "
        "r.license, r.url, r.data, "
        "(SELECT count(*) FROM records o WHERE o.release_id = r.release_id "
        " AND o.source = r.source), "
        "(SELECT popularity FROM releases WHERE id = r.release_id) "
        "FROM records r WHERE r.source = ? AND r.key = ?", (record.source, record.key),
    ).fetchone()
    if row is None or row[15] != 1:
        return False
    org = identity.organization_for(record.organization)
    if row[1:14] != (
        target.release_id, record.scope, target.family_id, org.id if org else None,
        record.name, record.organization, record.family, record.release_date,
        record.hub_id, record.modality, record.parameters, record.license, record.url,
    ):
        return False
    old_data = json.loads(row[14]) if row[14] else {}
    if ({k: v for k, v in old_data.items() if k not in volatile}
            != {k: v for k, v in record.data.items() if k not in volatile}):
        return False
    stored = cache.conn.execute(
        "SELECT id, framework, component, status, value, license, license_given, notes, "
        "urls FROM assessments WHERE record_id = ? ORDER BY id", (row[0],),
    ).fetchall()
    if len(stored) != len(record.assessments):
        return False
    links: list[tuple[str | None, int]] = []
    commit = link_commit(record.source, record.source_version)
    for old, new in zip(stored, record.assessments, strict=True):
        if old[1:8] != (new.framework, new.component, new.status, new.value, new.license,
                        int(new.license_given), new.notes):
            return False
        urls = urls_json(new.urls, commit)
        if old[8] != urls:  # relative to the commit: mostly the same
            links.append((urls, old[0]))
    cache.conn.execute(
        "UPDATE records SET source_version = ?, assessed_date = ?, data = ?, imported_at = ? "
        "WHERE id = ?",
        (record.source_version, record.assessed_date,
         json.dumps(record.data, sort_keys=True) if record.data else None, now, row[0]),
    )
    if links:  # links are stored relative to the commit: mostly none
        cache.conn.executemany("UPDATE assessments SET urls = ? WHERE id = ?", links)
    # What rebuild_release would find: the release's facts come from the same records,
    # its popularity from this one's downloads (in steps: mostly the same).
    popularity = popularity_of(record.data.get("downloads"))
    if popularity != row[16]:
        cache.conn.execute("UPDATE releases SET popularity = ?, updated_at = ? WHERE id = ?",
                           (popularity, now, target.release_id))
    return True


def _store_record(cache: Cache, record: SourceRecord, target: Target, now: str,
                  record_changes: bool) -> int:
    old_id = _record_id(cache, record.source, record.key)
    old_assessments: dict[tuple[str, str], tuple[Any, ...]] = {}
    if old_id is not None:
        for row in cache.conn.execute(
            "SELECT framework, component, status, license FROM assessments "
            "WHERE record_id = ?",
            (old_id,),
        ):
            old_assessments[(row[0], row[1])] = (row[2], row[3])
        cache.conn.execute("DELETE FROM assessments WHERE record_id = ?", (old_id,))
        cache.conn.execute("DELETE FROM records WHERE id = ?", (old_id,))
    organization_id = ensure_organization(cache, record.organization)
    values = {
        "source": record.source,
        "key": record.key,
        "scope": record.scope,
        "release_id": target.release_id,
        "family_id": target.family_id,
        "organization_id": organization_id,
        "name": record.name,
        "organization": record.organization,
        "family": record.family,
        "release_date": record.release_date,
        "hub_id": record.hub_id,
        "modality": record.modality,
        "parameters": record.parameters,
        "license": record.license,
        "url": record.url,
        "source_version": record.source_version,
        "assessed_date": record.assessed_date,
        "data": json.dumps(record.data, sort_keys=True) if record.data else None,
        "imported_at": now,
    }
    columns = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = cache.conn.execute(
        f"INSERT INTO records({columns}) VALUES ({marks})", tuple(values.values())
    )
    record_id = cursor.lastrowid
    commit = link_commit(record.source, record.source_version)
    cache.conn.executemany(
        "INSERT INTO assessments(record_id, framework, component, status, value, license, "
        "license_given, urls, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (record_id, a.framework, a.component, a.status, a.value, a.license,
             int(a.license_given), urls_json(a.urls, commit), a.notes)
            for a in record.assessments
        ],
    )
    changes = 0
    if old_id is not None and record_changes:
        new_assessments = {(a.framework, a.component): (a.status, a.license)
                           for a in record.assessments}
        for key in sorted(set(old_assessments) | set(new_assessments)):
            old, new = old_assessments.get(key), new_assessments.get(key)
            if old != new:
                log_change(cache, target.release_id, record.source,
                           _change_field(record, target, key), _fmt(old), _fmt(new), now)
                changes += 1
    return changes


def _change_field(record: SourceRecord, target: Target, key: tuple[str, str]) -> str:
    """The ``changes.field`` of a replaced assessment: ``framework:component`` for a record of
    a release; for a record of a family or an organisation (an FMTI score: release_id NULL),
    prefixed with the record's scope and key, which say whose value it was
    (``organization 2025-12/Meta · fmti:…``)."""
    field = f"{key[0]}:{key[1]}"
    return field if target.release_id else f"{record.scope} {record.key} · {field}"


def _fmt(value: tuple[Any, ...] | None) -> str | None:
    if value is None:
        return None
    status, license_ = value
    return f"{status} ({license_})" if license_ else str(status)
