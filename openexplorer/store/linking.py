"""Linking a record to the release, family and organisation it speaks about, in one cache.

The rules are :mod:`openexplorer.core.identity`'s (curated mapping, Hub repo id, a unique
normalised name, else a release of its own); this module applies them to what the cache already
holds, inside an ingest's transaction (:func:`openexplorer.store.ingest.ingest`).
"""

from __future__ import annotations

from dataclasses import dataclass

from openexplorer.core import identity
from openexplorer.core.records import SourceRecord
from openexplorer.db.cache import Cache
from openexplorer.store.writes import ensure_family, rekey_release

__all__ = ["Linker", "Target"]


@dataclass(frozen=True)
class Target:
    """Where a record belongs: its release (``created`` when the release is new) or family."""

    release_id: str | None = None
    family_id: str | None = None
    created: bool = False


class Linker:
    """Links records to releases in one cache, within one ingest transaction."""

    def __init__(self, cache: Cache) -> None:
        self._cache = cache

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
        hub_id = identity.canonical_hub_id(record.hub_id)
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
        by_name = self._match_by_name(record)
        if by_name:
            return Target(release_id=by_name)
        release_id = f"{record.source}:{record.key}"
        return Target(release_id=release_id, created=not self._exists(release_id))

    def _match_by_name(self, record: SourceRecord, *, without_hub_id: bool = False) -> str | None:
        """The one release whose names include the record's name (normalised), if unique."""
        keys = {identity.match_key(record.name)}
        if record.hub_id:
            keys.add(identity.match_key(record.hub_id.split("/")[-1]))
        found: set[str] = set()
        for key in keys:
            if not key or len(key) < 4:
                continue
            sql = "SELECT release_id FROM match_keys WHERE key = ?"
            if without_hub_id:
                sql = ("SELECT m.release_id FROM match_keys m JOIN releases r "
                       "ON r.id = m.release_id WHERE m.key = ? AND r.hub_id IS NULL")
            found |= {row[0] for row in self._cache.conn.execute(sql + " LIMIT 2", (key,))}
        return found.pop() if len(found) == 1 else None
