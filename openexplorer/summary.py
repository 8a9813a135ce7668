"""Headline figures per release, for facets, sorting and charts over a large cache.

The framework views are computed from assessments on read (:mod:`openexplorer.views`). Facet
counts and sorting over hundreds of thousands of releases cannot compute every view per
keystroke, so each release's headline figures are kept in ``release_summary`` — a derived table,
recomputed for the releases an import or refresh touched, and rebuilt whole whenever the rules
change (:data:`RULES_VERSION`: the code version plus a digest of the rule tables in resources/).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import cache
from importlib.resources import files
from typing import Any

from openexplorer import __version__
from openexplorer.cache import Cache, iter_batches

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


def summarize(view: dict[str, Any]) -> dict[str, Any]:
    """One ``release_summary`` row from a release view (``release_view(..., detail=False)``)."""
    progress = view["mof"].get("progress") or {}
    groups = view["osai"].get("groups") or {}
    license_ = view["license"]
    published = view["osaid"].get("osi_published") or []
    osi_approved = license_.get("osi_approved")
    hub = view.get("hub") or {}
    gated = hub.get("gated") if hub else None
    return {
        "release_id": view["id"],
        "name": view["name"],
        "family": view["family"],
        "family_id": view.get("family_id"),
        "organization": view["organization"],
        "organization_id": view.get("organization_id"),
        "org_kind": view.get("organization_kind"),
        "country": view.get("country"),
        "release_date": view["release_date"],
        "year": _year(view["release_date"]),
        "modality": view.get("modality"),
        "parameters": view.get("parameters"),
        "origin": view.get("origin"),
        "license_id": license_.get("id") or license_.get("as_written"),
        "license_name": license_.get("name"),
        "license_category": license_.get("category"),
        "commercial_use": license_.get("commercial_use"),
        "osi_approved": None if osi_approved is None else int(bool(osi_approved)),
        "mof_class": view["mof"].get("class"),
        "mof_progress_iii": progress.get("III"),
        "mof_progress_ii": progress.get("II"),
        "mof_progress_i": progress.get("I"),
        "mof_total": view["mof"].get("total"),
        "mof_provisional": int(bool(view["mof"].get("provisional"))),
        "osai_score": view["osai"].get("score"),
        "osai_availability": groups.get("availability"),
        "osai_documentation": groups.get("documentation"),
        "osai_access": groups.get("access"),
        "osai_provisional": int(bool(view["osai"].get("provisional"))),
        "osaid_verdict": view["osaid"].get("verdict"),
        "osi_outcome": published[0]["outcome"] if published else None,
        "gated": None if gated is None else str(gated).lower(),
        "downloads": hub.get("downloads") if hub else None,
    }


def update(cache: Cache, release_ids: Iterable[str]) -> int:
    """Recompute the summary rows of these releases (inside the caller's transaction, if any)."""
    from openexplorer.views import release_view  # views import the cache, not the other way

    marks = ", ".join("?" for _ in COLUMNS)
    sql = f"INSERT OR REPLACE INTO release_summary ({', '.join(COLUMNS)}) VALUES ({marks})"
    count = 0
    for batch in iter_batches(release_ids, 500):
        rows = []
        for release_id in batch:
            view = release_view(cache, release_id, detail=False)
            if view is None:
                cache.conn.execute("DELETE FROM release_summary WHERE release_id = ?",
                                   (release_id,))
                continue
            row = summarize(view)
            rows.append(tuple(row[c] for c in COLUMNS))
        cache.conn.executemany(sql, rows)
        count += len(rows)
    return count


def rebuild_all(cache: Cache) -> int:
    """Recompute every summary row (after a rules change) in one transaction."""
    with cache.conn:
        cache.conn.execute("DELETE FROM release_summary")
        count = update(cache, list(cache.iter_release_ids()))
        cache.conn.execute(
            "INSERT INTO meta(key, value) VALUES ('summary_rules', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (rules_version(),))
    log.info("release summaries rebuilt: %d releases", count)
    return count


def ensure_summaries(cache: Cache) -> bool:
    """Rebuild the summaries if the rules changed since they were computed. True if rebuilt."""
    if cache.get_meta("summary_rules") == rules_version():
        return False
    rebuild_all(cache)
    return True


# -- facets and search ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """What the user narrowed the search to. Empty tuples and None mean "any"."""

    license_category: tuple[str, ...] = ()
    commercial_use: tuple[str, ...] = ()
    osi_approved: bool | None = None
    mof_class: tuple[str, ...] = ()  # "I", "II", "III", "none"
    osai_min: float | None = None
    osai_max: float | None = None
    osaid_verdict: tuple[str, ...] = ()
    org_kind: tuple[str, ...] = ()
    organization: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    modality: tuple[str, ...] = ()
    params_min: float | None = None
    params_max: float | None = None
    year: tuple[int, ...] = ()
    origin: tuple[str, ...] = ()  # "curated", "hub"
    gated: tuple[str, ...] = ()

    def without(self, name: str) -> Filters:
        """The same filters minus one facet (a facet's own counts ignore its own choice)."""
        default = next(f.default for f in fields(self) if f.name == name)
        return Filters(**{**self.__dict__, name: default})

    def is_empty(self) -> bool:
        return self == Filters()


#: Facets with a list of values and counts: (filter name, summary column).
FACETS: dict[str, str] = {
    "license_category": "license_category",
    "commercial_use": "commercial_use",
    "mof_class": "mof_class",
    "osaid_verdict": "osaid_verdict",
    "org_kind": "org_kind",
    "organization": "organization",
    "country": "country",
    "modality": "modality",
    "year": "year",
    "origin": "origin",
    "gated": "gated",
}
#: "No value" stands for NULL in facets (e.g. releases without an MOF class).
NONE = "none"

SORTS = {
    "relevance": None,
    "name": "s.name COLLATE NOCASE",
    "family": "s.family COLLATE NOCASE",
    "origin": "s.origin",
    "release_date": "s.release_date",
    "organization": "s.organization COLLATE NOCASE",
    "license": "s.license_id COLLATE NOCASE",
    "mof": "s.mof_total",
    "osai_score": "s.osai_score",
    "osaid": "s.osaid_verdict",
    "downloads": "s.downloads",
    "parameters": "s.parameters",
}


def _in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    real = [v for v in values if v != NONE]
    parts, args = [], []
    if real:
        parts.append(f"{column} IN ({', '.join('?' for _ in real)})")
        args.extend(real)
    if len(real) != len(values):
        parts.append(f"{column} IS NULL")
    return "(" + " OR ".join(parts) + ")", args


def where_clause(filters: Filters) -> tuple[list[str], list[Any]]:
    conditions: list[str] = []
    args: list[Any] = []
    for name, column in FACETS.items():
        values = getattr(filters, name)
        if values:
            sql, extra = _in(f"s.{column}", values)
            conditions.append(sql)
            args.extend(extra)
    if filters.osi_approved is not None:
        conditions.append("s.osi_approved = ?")
        args.append(int(filters.osi_approved))
    for column, low, high in (("osai_score", filters.osai_min, filters.osai_max),
                              ("parameters", filters.params_min, filters.params_max)):
        if low is not None:
            conditions.append(f"s.{column} >= ?")
            args.append(low)
        if high is not None:
            conditions.append(f"s.{column} <= ?")
            args.append(high)
    return conditions, args


def _base(query: str, filters: Filters) -> tuple[str, list[Any], bool]:
    from openexplorer.cache import quote_fts

    conditions, args = where_clause(filters)
    match = quote_fts(query)
    if match:
        sql = ("FROM releases_fts JOIN releases r ON r.rowid = releases_fts.rowid "
               "JOIN release_summary s ON s.release_id = r.id WHERE releases_fts MATCH ?")
        args = [match, *args]
    else:
        sql = "FROM release_summary s WHERE 1"
    for condition in conditions:
        sql += f" AND {condition}"
    return sql, args, bool(match)


def search(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008 - frozen, never mutated
    *,
    sort: str = "relevance",
    descending: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Summary rows matching the query and filters, in the chosen order."""
    sql, args, matched = _base(query, filters)
    column = SORTS.get(sort)
    if column is None:
        order = ("releases_fts.rank, s.downloads DESC" if matched else
                 "s.release_date IS NULL, s.release_date DESC")
    else:
        direction = "DESC" if descending else "ASC"
        order = f"{column} IS NULL, {column} {direction}"
    cursor = cache.conn.execute(
        f"SELECT s.* {sql} ORDER BY {order}, s.name COLLATE NOCASE LIMIT ? OFFSET ?",
        [*args, max(0, int(limit)), max(0, int(offset))],
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def count(cache: Cache, query: str = "", filters: Filters = Filters()) -> int:  # noqa: B008
    sql, args, _ = _base(query, filters)
    return int(cache.conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0])


def facet_counts(
    cache: Cache,
    query: str = "",
    filters: Filters = Filters(),  # noqa: B008
    *,
    facets: Iterable[str] = FACETS,
    limit: int = 30,
) -> dict[str, list[tuple[Any, int]]]:
    """For each facet, its values with how many releases match (the facet's own choice aside).

    Values are ordered by count, then value; NULL is reported as :data:`NONE`.
    """
    out: dict[str, list[tuple[Any, int]]] = {}
    for name in facets:
        column = FACETS[name]
        sql, args, _ = _base(query, filters.without(name))
        rows = cache.conn.execute(
            f"SELECT s.{column}, count(*) AS n {sql} GROUP BY s.{column} "
            f"ORDER BY n DESC, s.{column} LIMIT ?", [*args, limit]).fetchall()
        out[name] = [(NONE if value is None else value, n) for value, n in rows]
    return out
