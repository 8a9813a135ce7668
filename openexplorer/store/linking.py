"""Linking a record to the release, family and organisation it speaks about, in one cache.

The rules are :mod:`openexplorer.core.identity`'s (curated mapping, Hub repo id when the
record's own evidence agrees with it, the curated table of well-known releases, a unique
normalised name, else a release of its own); this module applies them to what the cache already
holds, inside an ingest's transaction (:func:`openexplorer.store.ingest.ingest`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from openexplorer.core import identity
from openexplorer.core.records import SourceRecord
from openexplorer.db.cache import Cache
from openexplorer.store.writes import ensure_family, rekey_release

__all__ = ["HUB_ID_FROM", "REFUSED_LINK", "Linker", "Target", "as_linked", "trusted_hub_id"]


@dataclass(frozen=True)
class Target:
    """Where a record belongs: its release (``created`` when the release is new) or family."""

    release_id: str | None = None
    family_id: str | None = None
    created: bool = False


def trusted_hub_id(record: SourceRecord) -> str | None:
    """The record's Hub repo (renames followed) when its own name, size and organisation agree
    with it (:func:`openexplorer.core.identity.link_disagreements`), else None."""
    hub_id = identity.canonical_hub_id(record.hub_id)
    if not hub_id:
        return None
    if record.source == "hub":
        # The Hub's own answer about the repo it was asked for (an answer naming another repo
        # is refused before it gets here, hub.client): its id is what the record is about.
        return hub_id
    if identity.link_disagreements(name=record.name, hub_id=hub_id,
                                   organization=record.organization):
        return None
    return hub_id


#: ``data`` keys of a stored record: the Hub link its source wrote when the link disagreed
#: with the record (kept, shown as a suspected source error, never followed), and the curated
#: table's citation when the record's Hub repo comes from ``well_known_releases.csv``.
REFUSED_LINK = "hub_link_as_written"
HUB_ID_FROM = "hub_id_from"


def as_linked(record: SourceRecord, *, table: bool = True) -> SourceRecord:
    """The record as the cache stores it: a Hub link that disagrees with the record moves to
    ``data[REFUSED_LINK]``; a record without a (trusted) link takes the curated table's repo
    (unless ``table`` is false), its citation in ``data[HUB_ID_FROM]``. Everything else as
    the source wrote it."""
    hub_id = trusted_hub_id(record)
    if hub_id or record.scope != "release":
        return record
    data = dict(record.data)
    if record.hub_id:
        data[REFUSED_LINK] = record.hub_id
    known = identity.well_known(record.name) if table else None
    if known and identity.link_disagreements(name=record.name, hub_id=known.hub_id,
                                             organization=record.organization):
        known = None  # the name matches a row, the rest of the record does not
    if known:
        data[HUB_ID_FROM] = known.citation
    if data == record.data:
        return record
    return replace(record, hub_id=known.hub_id if known else None, data=data)


class Linker:
    """Links records to releases in one cache, within one ingest transaction."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

    def prepare(self, record: SourceRecord) -> SourceRecord:
        """The record as it will be stored (:func:`as_linked`): a release another source
        already linked and that the record's name matches (unique) is left to the name; the
        curated table gives a Hub repo only to a record no release of the cache answers to."""
        if record.scope != "release":
            return record
        moved = as_linked(record, table=False)
        if (moved.hub_id is None and REFUSED_LINK not in moved.data
                and self._match_by_name(moved)):
            return moved
        return as_linked(record)

    def _exists(self, release_id: str) -> bool:
        row = self._cache.conn.execute(
            "SELECT 1 FROM releases WHERE id = ?", (release_id,)
        ).fetchone()
        return row is not None

    def link(self, record: SourceRecord) -> Target:
        """Where ``record`` belongs (see :mod:`openexplorer.core.identity` for the order)."""
        if record.scope == "organization":
            return Target()
        curated = identity.curated_links().get((record.source, record.key))
        if record.scope == "family":
            family = curated.removeprefix("family:") if curated else None
            family = family or identity.family_for(names=[record.family or record.name],
                                                   source_families=[])
            family = family or record.family or record.name
            return Target(family_id=ensure_family(self._cache, family))
        if curated:
            return Target(release_id=curated, created=not self._exists(curated))
        hub_id = trusted_hub_id(record)
        refused = REFUSED_LINK in record.data or (bool(record.hub_id) and hub_id is None)
        if hub_id:
            release_id = hub_id.lower()
            if self._exists(release_id):
                return Target(release_id=release_id)
            # A release another source knew only by name (the MOT's "Llama-2-70B") takes the
            # Hub id now that one source gives it.
            by_name = self._match_by_name(record, without_hub_id=True)
            if by_name:
                rekey_release(self._cache, by_name, release_id)
                return Target(release_id=release_id)
            return Target(release_id=release_id, created=True)
        if refused:
            # The source's link disagrees with its own record: neither the link nor the
            # (suspect) name joins another source's release; the source's own entries of
            # the same name stay together (the index's current and past file of a model).
            same = self._same_source_by_name(record)
            release_id = same or f"{record.source}:{record.key}"
            return Target(release_id=release_id, created=not self._exists(release_id))
        by_name = self._match_by_name(record)
        if by_name:
            return Target(release_id=by_name)
        release_id = f"{record.source}:{record.key}"
        return Target(release_id=release_id, created=not self._exists(release_id))

    def _same_source_by_name(self, record: SourceRecord) -> str | None:
        key = identity.match_key(record.name)
        if not key:
            return None
        row = self._cache.conn.execute(
            "SELECT m.release_id FROM match_keys m JOIN records x ON x.release_id = m.release_id "
            "WHERE m.key = ? AND x.source = ? AND json_extract(x.data, ?) = ? "
            "ORDER BY m.release_id LIMIT 1",
            (key, record.source, f"$.{REFUSED_LINK}", record.data.get(REFUSED_LINK)),
        ).fetchone()
        return str(row[0]) if row else None

    def _match_by_name(self, record: SourceRecord, *, without_hub_id: bool = False) -> str | None:
        """The one release whose names include the record's name (normalised), if unique."""
        keys = {identity.match_key(record.name)}
        hub_id = trusted_hub_id(record)
        if hub_id:
            keys.add(identity.match_key(hub_id.split("/")[-1]))
        found: set[str] = set()
        for key in keys:
            if not key or len(key) < 4:
                continue
            sql = ("SELECT m.release_id FROM match_keys m JOIN releases r "
                   "ON r.id = m.release_id WHERE m.key = ?")
            if without_hub_id:
                sql += " AND r.hub_id IS NULL"
            # A release whose source's link was refused keeps to itself: its name is suspect.
            sql += (" AND NOT EXISTS (SELECT 1 FROM records x WHERE x.release_id = m.release_id"
                    f" AND x.data LIKE '%\"{REFUSED_LINK}\"%')")
            found |= {row[0] for row in self._cache.conn.execute(sql + " LIMIT 2", (key,))}
        return found.pop() if len(found) == 1 else None
