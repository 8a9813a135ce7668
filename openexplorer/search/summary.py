"""Headline figures per release (the ``release_summary`` table), for facets, sorting and charts
over a large cache.

The framework views are computed from assessments on read (:mod:`openexplorer.views.release`). Facet
counts and sorting over hundreds of thousands of releases cannot compute every view per
keystroke, so each release's headline figures are kept in ``release_summary`` — a derived table,
recomputed for the releases an import or refresh touched, and recomputed whole whenever the rules
change (:func:`rules_version`: the code version plus a digest of the rule tables in resources/) —
at once for a small cache, in the background for a large one (:func:`update_to_rules`: the app
shows the earlier figures until it is done).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable
from functools import cache
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from openexplorer import __version__
from openexplorer.db.cache import Cache, iter_batches
from openexplorer.search import facet_index

# The search's public names, importable from here as before the package was cut at its seams:
# the facet table (facets), the filters (filters), the counts (counts), the pages (planner).
from openexplorer.search.counts import count, facet_counts, facet_counts_sql, facet_summary
from openexplorer.search.facets import FACETS, NONE
from openexplorer.search.filters import Filters, where_clause
from openexplorer.search.planner import PLANNED_UNDER, SORTS, page_key, search

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

log = logging.getLogger(__name__)

#: Bump when summarize() changes what it stores.
SUMMARY_FORMAT = 1
_RULE_FILES = (
    "mof_licenses.json", "osai_parameters.json", "license_restrictions.yml",
    "license_aliases.csv", "organizations.csv", "families.csv", "identity.csv",
    "hub_renames.csv",
)

COLUMNS = (
    "release_id", "name", "family", "family_id", "organization", "organization_id", "org_kind",
    "country", "release_date", "year", "modality", "parameters", "origin", "license_id",
    "license_name", "license_category", "commercial_use", "osi_approved", "mof_class",
    "mof_progress_iii", "mof_progress_ii", "mof_progress_i", "mof_total", "mof_provisional",
    "osai_score", "osai_availability", "osai_documentation", "osai_access", "osai_provisional",
    "osaid_verdict", "osi_outcome", "gated", "downloads",
)


@cache
def rules_version() -> str:
    """Changes whenever the code version, the summary format or a rule table changes."""
    digest = hashlib.sha256(f"{__version__}/{SUMMARY_FORMAT}".encode())
    for name in _RULE_FILES:
        resource = files("openexplorer.resources") / name
        if resource.is_file():
            digest.update(resource.read_bytes())
    return digest.hexdigest()[:16]


def _year(date: str | None) -> int | None:
    if date and len(date) >= 4 and date[:4].isdigit():
        return int(date[:4])
    return None


def summarize(view: ReleaseView) -> dict[str, Any]:
    """One ``release_summary`` row from a release view (``release_view(..., detail=False)``)."""
    progress = view.mof.progress or {}
    groups = view.osai.groups or {}
    license_ = view.license
    published = view.osaid.osi_published
    osi_approved = license_.osi_approved
    hub = view.hub
    gated = hub.gated if hub else None
    return {
        "release_id": view.id,
        "name": view.name,
        "family": view.family,
        "family_id": view.family_id,
        "organization": view.organization,
        "organization_id": view.organization_id,
        "org_kind": view.organization_kind,
        "country": view.country,
        "release_date": view.release_date,
        "year": _year(view.release_date),
        "modality": view.modality,
        "parameters": view.parameters,
        "origin": view.origin,
        "license_id": license_.id or license_.as_written,
        "license_name": license_.name,
        "license_category": license_.category,
        "commercial_use": license_.commercial_use,
        "osi_approved": None if osi_approved is None else int(bool(osi_approved)),
        "mof_class": view.mof.class_,
        "mof_progress_iii": progress.get("III"),
        "mof_progress_ii": progress.get("II"),
        "mof_progress_i": progress.get("I"),
        "mof_total": view.mof.total,
        "mof_provisional": int(bool(view.mof.provisional)),
        "osai_score": view.osai.score,
        "osai_availability": groups.get("availability"),
        "osai_documentation": groups.get("documentation"),
        "osai_access": groups.get("access"),
        "osai_provisional": int(bool(view.osai.provisional)),
        "osaid_verdict": view.osaid.verdict,
        "osi_outcome": published[0].outcome if published else None,
        "gated": None if gated is None else str(gated).lower(),
        "downloads": hub.downloads if hub else None,
    }


#: The summary columns the facet arrays hold (openexplorer.search.facet_index).
_FACET_COLUMNS = (*facet_index.CODED, *facet_index.YESNO, *facet_index.FLOATS)


def update(cache: Cache, release_ids: Iterable[str]) -> int:
    """Recompute the summary rows of these releases (inside the caller's transaction, if any)."""
    from openexplorer.views.release import release_view  # views import the cache, not the other way

    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT OR REPLACE INTO release_summary ({', '.join(COLUMNS)}) VALUES ({marks})"
    select = f"SELECT {', '.join(COLUMNS)} FROM release_summary WHERE release_id = ?"
    count = 0
    for batch in iter_batches(release_ids, 500):
        rows = []
        entries: list[tuple[int, dict[str, Any] | None]] = []  # for the facet arrays
        for release_id in batch:
            view = release_view(cache, release_id, detail=False)
            if view is None:
                cache.conn.execute("DELETE FROM release_summary WHERE release_id = ?",
                                   (release_id,))
                continue
            row = summarize(view)
            count += 1
            stored = cache.conn.execute(select, (release_id,)).fetchone()
            if stored is None:
                rows.append(tuple(row[c] for c in COLUMNS))
            else:
                # Only the columns that changed: each of the summary's 17 indexes rewritten
                # for nothing was most of a refresh's writing.
                old = dict(zip(COLUMNS, stored, strict=True))
                changed = [c for c in COLUMNS if old[c] != row[c]]
                if changed:
                    cache.conn.execute(
                        f"UPDATE release_summary SET {', '.join(f'{c} = ?' for c in changed)} "
                        "WHERE release_id = ?", (*(row[c] for c in changed), release_id))
                if not any(old[c] != row[c] for c in _FACET_COLUMNS):
                    continue  # its facet entry is what it was
            found = cache.conn.execute("SELECT rowid FROM releases WHERE id = ?",
                                       (release_id,)).fetchone()
            if found is not None:
                entries.append((int(found[0]), row))
        cache.conn.executemany(sql, rows)
        facet_index.update(cache, entries)
    return count


def update_downloads(cache: Cache, downloads: dict[str, int | None]) -> None:
    """Write the Hub's download counts of releases whose evidence did not change (inside the
    caller's transaction): the rest of their summary rows stays as it is, and the facet arrays
    hold no downloads. A release without a summary row yet gets its whole row computed."""
    missing = []
    for release_id, count in downloads.items():
        cursor = cache.conn.execute(
            "UPDATE release_summary SET downloads = ? WHERE release_id = ? AND downloads IS NOT ?",
            (count, release_id, count))
        if not cursor.rowcount and cache.conn.execute(
                "SELECT 1 FROM release_summary WHERE release_id = ?", (release_id,)
        ).fetchone() is None:
            missing.append(release_id)
    if missing:
        update(cache, missing)


def rebuild_all(cache: Cache) -> int:
    """Recompute every summary row (after a rules change) in one transaction."""
    with cache.conn:
        cache.conn.execute("DELETE FROM release_summary")
        cache.conn.execute("DELETE FROM meta WHERE key = 'facet_index'")  # rebuilt below
        count = update(cache, list(cache.iter_release_ids()))
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('summary_rules', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (rules_version(),))
        if facet_index.available():
            facet_index.rebuild(cache)
    log.info("release summaries rebuilt: %d releases", count)
    return count


#: Above this many releases the app brings the summaries to new rules in the background
#: (:func:`update_to_rules`; its cost per release is in docs/benchmarks.md).
BACKGROUND_OVER = 5_000
#: Releases recomputed per transaction in the background (about a second at a million).
BACKGROUND_BATCH = 2_000


def is_current(cache: Cache) -> bool:
    """Whether the summaries were computed under this version's rules."""
    return cache.get_meta("summary_rules") == rules_version()


def ensure_summaries(cache: Cache, *, defer_over: int | None = None,
                     progress: Callable[[int, int], None] | None = None) -> bool:
    """Rebuild the summaries if the rules changed since they were computed. True if rebuilt.

    With ``defer_over``, a cache of more releases than that is left as it is (False): the
    caller brings it up to date with :func:`update_to_rules` in the background, and shows the
    earlier figures meanwhile. Otherwise a cache of more than :data:`BACKGROUND_OVER` releases
    is brought up to date by :func:`update_to_rules` here, in batches (``progress(done,
    total)`` after each; an interruption keeps the batches done), a smaller one rebuilt in one
    transaction. Also builds the facet arrays (:mod:`openexplorer.search.facet_index`) of a cache that
    has none yet.
    """
    if is_current(cache) or (defer_over is not None and cache.count("releases") > defer_over):
        if facet_index.ensure(cache):
            log.info("facet index of %s built", cache.path)
        return False
    if cache.count("releases") > BACKGROUND_OVER:
        update_to_rules(cache, progress=progress)
        facet_index.ensure(cache)
    else:
        rebuild_all(cache)
    return True


_RULES_TARGET, _RULES_NEXT = "summary_rules_target", "summary_rules_after"


def update_to_rules(
    cache: Cache,
    *,
    batch: int | None = None,
    should_stop: Callable[[], bool] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> bool:
    """Recompute every summary row under this version's rules, ``batch`` releases per
    transaction (default :data:`BACKGROUND_BATCH`), so that other writers (a refresh) wait a
    second at most and a stop loses nothing: the release reached is kept in ``meta`` and the
    next run goes on from there.

    Rows are written only where a figure changed, the facet entries with them (as an import
    writes them); releases written meanwhile by an import already follow the new rules. True
    once done (``summary_rules`` then names these rules), False if ``should_stop`` said so.
    ``progress(done, total)`` after each batch.
    """
    target = rules_version()
    if cache.get_meta("summary_rules") == target:
        return True
    batch = batch or BACKGROUND_BATCH
    last = cache.get_meta(_RULES_NEXT) if cache.get_meta(_RULES_TARGET) == target else None
    last = last or ""
    total = cache.count("releases")
    done = cache.conn.execute("SELECT count(*) FROM releases WHERE id <= ?",
                              (last,)).fetchone()[0] if last else 0
    while True:
        if should_stop is not None and should_stop():
            return False
        ids = [row[0] for row in cache.conn.execute(
            "SELECT id FROM releases WHERE id > ? ORDER BY id LIMIT ?", (last, batch))]
        if not ids:
            break
        with cache.conn:
            cache.begin_write()
            update(cache, ids)
            last = ids[-1]
            cache.conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                ((_RULES_TARGET, target), (_RULES_NEXT, last)))
        done += len(ids)
        if progress is not None:
            progress(min(done, total), total)
    with cache.conn:
        cache.begin_write()
        # Rows of releases gone meanwhile (a rebuild starts from an empty table).
        gone = cache.conn.execute(
            "SELECT s.release_id FROM release_summary s "
            "LEFT JOIN releases r ON r.id = s.release_id WHERE r.id IS NULL").fetchall()
        cache.conn.executemany("DELETE FROM release_summary WHERE release_id = ?", gone)
        cache.conn.execute("DELETE FROM meta WHERE key IN (?, ?)", (_RULES_TARGET, _RULES_NEXT))
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('summary_rules', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (target,))
    log.info("release summaries brought to the current rules: %d releases", total)
    return True


__all__ = [
    "BACKGROUND_BATCH", "BACKGROUND_OVER", "COLUMNS", "FACETS", "NONE", "PLANNED_UNDER", "SORTS",
    "SUMMARY_FORMAT", "Filters", "count", "ensure_summaries", "facet_counts", "facet_counts_sql",
    "facet_summary", "is_current", "page_key", "rebuild_all", "rules_version", "search",
    "summarize", "update", "update_downloads", "update_to_rules", "where_clause",
]
