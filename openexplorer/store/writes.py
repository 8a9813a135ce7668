"""The cache's writes below an import: a release's facts rebuilt from its records, a release
given a new id, organisations and families made known, a change logged.

:func:`openexplorer.store.ingest.ingest` calls these for every record; the Hub refresh and the
recovery of the user's data call some of them directly. Each runs inside the caller's
transaction (none begins or commits one).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from openexplorer.core import identity
from openexplorer.core.records import Assessment, OrganizationInfo
from openexplorer.db.cache import Cache
from openexplorer.db.fts import popularity_of
from openexplorer.views import facts

__all__ = ["ensure_family", "ensure_organization", "log_change", "now_stamp",
           "rebuild_release", "rekey_release", "upsert_organization"]

# Release fields merged from linked records; the first record (by authority) that has a value wins.
_RELEASE_FIELDS = ("name", "release_date", "hub_id", "modality", "parameters", "license", "url")
# Authority of sources for the release's headline facts.
_FIELD_AUTHORITY = ("user", "hub", "mot", "osai", "epoch", "osai-legacy", "osi", "fmti")


def now_stamp() -> str:
    """The time of a write as the cache stores it (UTC, seconds, ISO 8601)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def log_change(cache: Cache, release_id: str | None, source: str | None, what: str,
               old: Any, new: Any, now: str) -> None:
    """Note in ``changes`` that ``what`` of a release went from ``old`` to ``new``."""
    cache.conn.execute(
        "INSERT INTO changes(release_id, source, field, old, new, changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (release_id, source, what, None if old is None else str(old),
         None if new is None else str(new), now),
    )


def upsert_organization(cache: Cache, info: OrganizationInfo) -> None:
    """Make an organisation a source names known, or improve what is known of its kind and
    country (curated kinds win; then the index's tags, then Epoch's categories)."""
    org = identity.organization_for(info.name)
    if org is None:
        return
    row = cache.conn.execute(
        "SELECT kind, kind_source FROM organizations WHERE id = ?", (org.id,)
    ).fetchone()
    if row is None:
        cache.conn.execute(
            "INSERT INTO organizations(id, name, kind, country, kind_source, kind_label) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (org.id, org.name, org.kind or info.kind,
             org.country or identity.country_name(info.country),
             "curated" if org.kind else info.source, info.label),
        )
        return
    kind, kind_source = row
    # Curated kinds win; otherwise the index's tags rank above Epoch's categorisation.
    rank = {"curated": 0, "osai": 1, "epoch": 2, None: 9}
    if info.kind and rank.get(info.source, 5) < rank.get(kind_source, 5) or (
        kind is None and info.kind
    ):
        cache.conn.execute(
            "UPDATE organizations SET kind = ?, kind_source = ?, kind_label = ?, "
            "country = COALESCE(country, ?) WHERE id = ?",
            (info.kind, info.source, info.label, identity.country_name(info.country), org.id),
        )
    elif info.country:
        cache.conn.execute(
            "UPDATE organizations SET country = COALESCE(country, ?) WHERE id = ?",
            (identity.country_name(info.country), org.id),
        )


def ensure_organization(cache: Cache, name: str | None) -> str | None:
    """The id of the organisation ``name`` stands for, made known if new (None for no name)."""
    org = identity.organization_for(name)
    if org is None:
        return None
    cache.conn.execute(
        "INSERT OR IGNORE INTO organizations(id, name, kind, country, kind_source) "
        "VALUES (?, ?, ?, ?, ?)",
        (org.id, org.name, org.kind, org.country, "curated" if org.kind else None),
    )
    return org.id


def ensure_family(cache: Cache, name: str | None) -> str | None:
    """The id of the family ``name``, made known if new (None for no name)."""
    if not name:
        return None
    family_id = identity.slug(name)
    cache.conn.execute(
        "INSERT OR IGNORE INTO families(id, name) VALUES (?, ?)", (family_id, name)
    )
    return family_id


def rebuild_release(cache: Cache, release_id: str, *, now: str | None = None,
                    record_changes: bool = True) -> int:
    """Recompute a release's headline facts from its linked records; log what changed."""
    now = now or now_stamp()
    rows = cache.conn.execute(
        "SELECT source, name, release_date, hub_id, modality, parameters, license, url, "
        "organization, family, organization_id, assessed_date, data FROM records "
        "WHERE release_id = ?",
        (release_id,),
    ).fetchall()
    if not rows:
        return 0
    authority = {s: i for i, s in enumerate(_FIELD_AUTHORITY)}
    # Most authoritative source first; within a source, the latest assessment first.
    rows.sort(key=lambda r: (authority.get(r[0], 99), _neg_date(r[11])))
    merged: dict[str, Any] = {}
    for index, name in enumerate(_RELEASE_FIELDS, start=1):
        merged[name] = next((r[index] for r in rows if r[index] not in (None, "")), None)
    # Licence, release date and parameters by the documented precedence of views.facts (the
    # same rules the release view shows with their provenance).
    chosen = facts.release_facts(_fact_records(cache, release_id),
                                 name=merged["name"], hub_id=merged["hub_id"])
    merged["license"] = chosen.license.value
    merged["release_date"] = chosen.release_date.value
    merged["parameters"] = chosen.parameters.value
    if merged["hub_id"]:
        # The repo's own name, unless a curated source named the release itself.
        merged["name"] = next(
            (r[1] for r in rows if r[0] in ("user", "mot") and r[1]),
            merged["hub_id"].split("/")[-1],
        )
    organization_name = next((r[8] for r in rows if r[8]), None)
    organization_id = next((r[10] for r in rows if r[10]), None)
    family_name = identity.family_for(
        names=[r[1] for r in rows if r[1]] + [r[3] for r in rows if r[3]],
        source_families=[r[9] for r in rows if r[9]],
    )
    family_id = ensure_family(cache, family_name)
    organization_display = None
    if organization_id:
        found = cache.conn.execute(
            "SELECT name FROM organizations WHERE id = ?", (organization_id,)
        ).fetchone()
        organization_display = found[0] if found else organization_name
    hub = next((r for r in rows if r[0] == "hub"), None)
    hub_data = json.loads(hub[12]) if hub and hub[12] else {}
    hub_tags = hub_data.get("tags")
    tags: list[Any] = hub_tags if isinstance(hub_tags, list) else []
    merged.update(
        family_id=family_id, family=family_name, organization_id=organization_id,
        organization=organization_display,
        # Releases only the Hub knows about are "hub"; any curated source makes it curated.
        origin="hub" if all(r[0] == "hub" for r in rows) else "curated",
        popularity=popularity_of(hub_data.get("downloads")),
        tags=" ".join(str(t) for t in tags[:40]) or None,
    )
    keys = {identity.match_key(r[1]) for r in rows}
    keys |= {identity.match_key(r[3].split("/")[-1]) for r in rows if r[3]}
    keys.discard(None)
    stored = {row[0] for row in cache.conn.execute(
        "SELECT key FROM match_keys WHERE release_id = ?", (release_id,))}
    if stored != keys:  # a refresh mostly leaves them as they were
        cache.conn.execute("DELETE FROM match_keys WHERE release_id = ?", (release_id,))
        cache.conn.executemany(
            "INSERT OR IGNORE INTO match_keys(key, release_id) VALUES (?, ?)",
            [(key, release_id) for key in keys if key],
        )
    old = cache.conn.execute("SELECT * FROM releases WHERE id = ?", (release_id,)).fetchone()
    columns = cache.release_columns()
    changes = 0
    if old is None:
        merged.update(id=release_id, updated_at=now)
        names = ", ".join(merged)
        cache.conn.execute(
            f"INSERT INTO releases({names}) VALUES ({', '.join('?' for _ in merged)})",
            tuple(merged.values()),
        )
    else:
        previous = dict(zip(columns, old, strict=True))
        diff = {k: v for k, v in merged.items() if previous.get(k) != v}
        if diff and record_changes:
            for key in ("license", "release_date", "name", "family", "organization",
                        "hub_id", "parameters", "modality"):
                if key in diff:
                    log_change(cache, release_id, None, key, previous.get(key), diff[key], now)
                    changes += 1
        if diff:
            diff["updated_at"] = now
            sets = ", ".join(f"{k} = ?" for k in diff)
            cache.conn.execute(
                f"UPDATE releases SET {sets} WHERE id = ?", (*diff.values(), release_id)
            )
    return changes


def _fact_records(cache: Cache, release_id: str) -> list[dict[str, Any]]:
    """The release's own records with their assessments, as views.facts reads them (the
    release row may not exist yet: Cache.records_for needs it)."""
    cursor = cache.conn.execute(
        "SELECT id, source, key, name, release_date, hub_id, parameters, license, url, "
        "source_version, assessed_date, data FROM records WHERE release_id = ? "
        "ORDER BY source, assessed_date DESC, key", (release_id,))
    names = [d[0] for d in cursor.description]
    records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    by_record: dict[int, list[Assessment]] = {r["id"]: [] for r in records}
    if by_record:
        marks = ", ".join("?" for _ in by_record)
        for row in cache.conn.execute(
            "SELECT record_id, framework, component, status, value, license FROM assessments "
            f"WHERE record_id IN ({marks}) AND component IN (?, ?, ?, ?, ?, ?, ?)",
            (*by_record, *facts.FACT_COMPONENTS),
        ):
            by_record[row[0]].append(Assessment(framework=row[1], component=row[2],
                                                status=row[3], value=row[4], license=row[5]))
    for record in records:
        record["data"] = json.loads(record["data"]) if record["data"] else {}
        record["assessments"] = by_record[record["id"]]
    return records


def rekey_release(cache: Cache, old_id: str, new_id: str) -> None:
    """Give a release a new id (a Hub repo id found later), keeping everything linked."""
    for sql in (
        "UPDATE releases SET id = ? WHERE id = ?",
        "UPDATE records SET release_id = ? WHERE release_id = ?",
        "UPDATE match_keys SET release_id = ? WHERE release_id = ?",
        "UPDATE changes SET release_id = ? WHERE release_id = ?",
        "UPDATE release_summary SET release_id = ? WHERE release_id = ?",
    ):
        cache.conn.execute(sql, (new_id, old_id))


def _neg_date(value: str | None) -> str:
    # Sort key that puts later dates first without parsing them.
    if not value:
        return "~"
    return "".join(chr(0x7E - (ord(c) - 0x20)) if 0x20 <= ord(c) <= 0x7E else c for c in value)
