"""The SQL the analyses run, as named reads (and the writes of the user's own tables).

The analyses (:mod:`openexplorer.analyses`) keep the rules — what a change is, when a family's
assessments are stale, how a rubric ranks, what counts as an open-washing claim; the statements
that read the cache for them live here, in the db layer, so that every SQL statement of the
analyses can be found, read and tuned in one place. Each function takes the
:class:`~openexplorer.db.cache.Cache` (anything with its ``conn``: :class:`Connected`) or, where
the caller holds only that, its :class:`sqlite3.Connection`, and returns plain values: tuples
for the reads that can return a family's 100,000 releases (no object per row), frozen
dataclasses for the small ones.

Grouped by what they read:

* names of releases, families and organisations (what a watch item or a timeline names);
* the watchlist and what the user has seen (``watchlist``, ``watch_seen``: the user's tables,
  which no import or refresh touches — their writes are here too);
* the changes of watched releases, and the reads behind "possibly stale" assessments;
* rubric profiles (``rubric_profiles``, the user's) and the assessed releases the rubric ranks;
* overview counts over the ``release_summary`` table (maintained by
  :mod:`openexplorer.search.summary`);
* the licence catalogue's reads (releases per licence, Hub gates that exclude the EU);
* family timeline points;
* open-washing candidates.

The statements are the ones the analyses ran before they moved here, unchanged: several are
tuned for a cache of a million Hub models (docs/benchmarks.md) — the family timeline's OR arms
that each one index answers, the assessing records read before the family's releases, lists of
ids bound in chunks of 500 to stay under SQLite's variable limit.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

#: Ids bound in one statement: well under SQLite's default variable limit (32,766 since 3.32,
#: 999 before) whatever else the statement binds.
CHUNK = 500


class Connected(Protocol):
    """The cache, as the reads here need it: its SQLite connection."""

    @property
    def conn(self) -> sqlite3.Connection: ...


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" for _ in values)


# -- names ----------------------------------------------------------------------------------------

#: Tables whose rows have an id and a name.
NamedTable = Literal["releases", "families", "organizations"]


def named_by_id(cache: Connected, table: Literal["families", "organizations"],
                value: str) -> tuple[str, str] | None:
    """(id, name) of the family or organisation whose id is ``value``."""
    row = cache.conn.execute(f"SELECT id, name FROM {table} WHERE id = ?", (value,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def named_by_name(cache: Connected, table: Literal["families", "organizations"],
                  name: str) -> tuple[str, str] | None:
    """(id, name) of the family or organisation called ``name`` (in any case)."""
    row = cache.conn.execute(f"SELECT id, name FROM {table} WHERE name = ? COLLATE NOCASE",
                             (name,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def names_containing(cache: Connected, table: Literal["families", "organizations"],
                     text: str, limit: int = 5) -> list[str]:
    """The first ``limit`` names (alphabetically) of the table that contain ``text``: what a
    user may have meant by a name the cache does not know."""
    return [str(r[0]) for r in cache.conn.execute(
        f"SELECT name FROM {table} WHERE name LIKE ? ORDER BY name LIMIT {int(limit)}",
        (f"%{text}%",))]


def name_of(cache: Connected, table: NamedTable, value: str) -> str | None:
    """The name of the release, family or organisation whose id is ``value``."""
    row = cache.conn.execute(f"SELECT name FROM {table} WHERE id = ?", (value,)).fetchone()
    return str(row[0]) if row else None


def release_names(cache: Connected, release_ids: Sequence[str]) -> dict[str, str]:
    """Release id → name, in one statement: for at most a few hundred ids (each is bound)."""
    return dict(cache.conn.execute(
        f"SELECT id, name FROM releases WHERE id IN ({_marks(release_ids)})", list(release_ids)
    ).fetchall())


def family_ids(cache: Connected) -> list[str]:
    """Every family's id, in id order."""
    return [r[0] for r in cache.conn.execute("SELECT id FROM families ORDER BY id")]


def family_ids_named(cache: Connected, wanted: Sequence[str]) -> list[str]:
    """The ids of the families whose id or name is one of ``wanted`` (not empty)."""
    marks = ", ".join("?" * len(wanted))
    return [r[0] for r in cache.conn.execute(
        f"SELECT id FROM families WHERE id IN ({marks}) OR name IN ({marks})",
        [*wanted, *wanted])]


# -- the watchlist and what the user has seen ---------------------------------------------------


@dataclass(frozen=True)
class WatchRow:
    """A row of the ``watchlist`` table."""

    id: int
    kind: str
    value: str
    added_at: str


def watch_rows(cache: Connected) -> list[WatchRow]:
    """Everything watched, in the order it was added."""
    return [WatchRow(id=r[0], kind=r[1], value=r[2], added_at=r[3]) for r in cache.conn.execute(
        "SELECT id, kind, value, added_at FROM watchlist ORDER BY added_at, id").fetchall()]


def insert_watch_item(cache: Connected, kind: str, value: str, added_at: str) -> None:
    """Watch ``value`` as a ``kind``; nothing happens when it is watched already."""
    with cache.conn:
        cache.conn.execute(
            "INSERT OR IGNORE INTO watchlist(kind, value, added_at) VALUES (?, ?, ?)",
            (kind, value, added_at))


def delete_watch_items(cache: Connected, kind: str, values: Collection[str]) -> int:
    """Stop watching each of ``values`` (a few ids or names) as a ``kind``: how many were."""
    with cache.conn:
        cursor = cache.conn.execute(
            f"DELETE FROM watchlist WHERE kind = ? AND value IN "
            f"({', '.join('?' for _ in values)})", (kind, *values))
    return cursor.rowcount


def seen_value(cache: Connected, key: str) -> str | None:
    """The ``watch_seen`` entry of ``key`` (when changes were last seen, acknowledged
    releases…), None when there is none."""
    row = cache.conn.execute("SELECT value FROM watch_seen WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_seen_value(cache: Connected, key: str, value: str | None) -> None:
    """Write (or, with None, delete) the ``watch_seen`` entry of ``key``."""
    with cache.conn:
        if value is None:
            cache.conn.execute("DELETE FROM watch_seen WHERE key = ?", (key,))
        else:
            cache.conn.execute(
                "INSERT INTO watch_seen(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value", (key, value))


# -- what a watch item covers, and its changes -------------------------------------------------

#: What owns releases: a family or an organisation.
Owner = Literal["family", "organization"]


def release_ids_of(cache: Connected, owner: Owner, value: str, *,
                   ordered: bool = True) -> list[str]:
    """The ids of the family's or organisation's releases, by date and name (``ordered=False``:
    in no particular order, which is quicker for a family of 100,000 Hub fine-tunes)."""
    column = "family_id" if owner == "family" else "organization_id"
    order = " ORDER BY release_date, name" if ordered else ""
    return [r[0] for r in cache.conn.execute(
        f"SELECT id FROM releases WHERE {column} = ?{order}", (value,))]


def families_of(cache: Connected, kind: Literal["release", "organization"],
                value: str) -> list[str]:
    """The families of a release or of an organisation's releases: one ``DISTINCT`` query,
    not one per release."""
    column = "id" if kind == "release" else "organization_id"
    return [r[0] for r in cache.conn.execute(
        f"SELECT DISTINCT family_id FROM releases WHERE {column} = ? AND family_id IS NOT NULL",
        (value,))]


#: A row of ``changes``: (id, release id, source, field, old, new, changed at).
ChangeRow = tuple[int, str, str | None, str, str | None, str | None, str]


def change_rows(cache: Connected, release_ids: Sequence[str],
                since: str | None) -> list[ChangeRow]:
    """The recorded changes of these releases (since ``since``, when given), in no particular
    order. The ids are bound in chunks, under SQLite's variable limit, for a big watched
    organisation."""
    out: list[ChangeRow] = []
    for start in range(0, len(release_ids), CHUNK):
        chunk = release_ids[start:start + CHUNK]
        sql = (f"SELECT id, release_id, source, field, old, new, changed_at FROM changes "
               f"WHERE release_id IN ({', '.join('?' for _ in chunk)})")
        args: list[str] = list(chunk)
        if since:
            sql += " AND changed_at >= ?"
            args.append(since)
        out += cache.conn.execute(sql, args).fetchall()
    return out


#: What an assessing record says about when: (release id, assessed date, imported at,
#: organisation id); the release id is None for a family's own record.
AssessmentRow = tuple[str | None, str | None, str | None, str | None]
#: A release of a family: (id, name, release date, organisation id).
FamilyRelease = tuple[str, str, str | None, str | None]


def family_assessments(cache: Connected, family_id: str,
                       sources: Sequence[str]) -> list[AssessmentRow]:
    """The records of the assessing ``sources`` for the family's releases and for the family.

    The assessing sources' records are a few hundred: read from them to the family (CROSS JOIN
    keeps that order), not from each of a family's 100,000 releases.
    """
    marks = _marks(sources)
    return cache.conn.execute(
        f"SELECT r.release_id, r.assessed_date, r.imported_at, r.organization_id "
        f"FROM records r CROSS JOIN releases rel ON rel.id = r.release_id "
        f"WHERE r.source IN ({marks}) AND rel.family_id = ? "
        f"UNION ALL SELECT release_id, assessed_date, imported_at, organization_id "
        f"FROM records WHERE scope = 'family' AND family_id = ? AND source IN ({marks})",
        (*sources, family_id, family_id, *sources)).fetchall()


def family_release_rows(cache: Connected, family_id: str) -> list[FamilyRelease]:
    """Every release of the family, in no particular order."""
    return cache.conn.execute(
        "SELECT id, name, release_date, organization_id FROM releases WHERE family_id = ?",
        (family_id,)).fetchall()


def first_recorded(cache: Connected, release_ids: Sequence[str]) -> dict[str, str]:
    """When each release was first recorded (its earliest record's import), read in chunks that
    keep each statement under SQLite's variable limit."""
    out: dict[str, str] = {}
    for start in range(0, len(release_ids), CHUNK):
        chunk = release_ids[start:start + CHUNK]
        out.update(cache.conn.execute(
            f"SELECT release_id, min(imported_at) FROM records WHERE release_id IN "
            f"({', '.join('?' for _ in chunk)}) GROUP BY release_id", chunk).fetchall())
    return out


# -- rubric profiles and the releases the rubric ranks --------------------------------------------


def rubric_profile_names(cache: Connected) -> list[str]:
    """The user's saved rubric profiles, by name (in any case)."""
    return [r[0] for r in cache.conn.execute(
        "SELECT name FROM rubric_profiles ORDER BY name COLLATE NOCASE")]


def rubric_profile_weights(cache: Connected, name: str) -> str | None:
    """The stored weights (JSON) of the saved profile ``name``: spelt as stored, or else in
    any case. None when there is none."""
    row = cache.conn.execute(
        "SELECT weights FROM rubric_profiles WHERE name = ?", (name,)).fetchone()
    if row is None:
        row = cache.conn.execute(
            "SELECT weights FROM rubric_profiles WHERE name = ? COLLATE NOCASE",
            (name,)).fetchone()
    return row[0] if row is not None else None


def save_rubric_profile(cache: Connected, name: str, weights_json: str, saved_at: str) -> None:
    """Save (or replace) the user's profile ``name``."""
    with cache.conn:
        cache.conn.execute(
            "INSERT INTO rubric_profiles(name, weights, saved_at) VALUES (?, ?, ?) "
            "ON CONFLICT(name) DO UPDATE SET weights = excluded.weights, "
            "saved_at = excluded.saved_at",
            (name, weights_json, saved_at))


def delete_rubric_profile(cache: Connected, name: str) -> int:
    """Delete the user's profile ``name``: how many were deleted (0 or 1)."""
    with cache.conn:
        cursor = cache.conn.execute("DELETE FROM rubric_profiles WHERE name = ?", (name,))
    return cursor.rowcount


#: A release the MOF or the index assessed, from the release summary: (release id, name,
#: organisation, family, release date, licence id, MOF provisional, index provisional, MOF class).
AssessedRow = tuple[str, str, str | None, str | None, str | None, str | None, int | None,
                    int | None, str | None]


def assessed_releases(cache: Connected, *, curated_only: bool) -> list[AssessedRow]:
    """The releases with an MOF total or an index score, by id. ``curated_only``: curated
    releases whose MOF or index figure is not provisional (computed from Hub metadata)."""
    sql = ("SELECT release_id, name, organization, family, release_date, license_id, "
           "mof_provisional, osai_provisional, mof_class FROM release_summary "
           "WHERE (mof_total IS NOT NULL OR osai_score IS NOT NULL)")
    if curated_only:
        sql += (" AND origin = 'curated' AND ((mof_total IS NOT NULL AND mof_provisional = 0) "
                "OR (osai_score IS NOT NULL AND osai_provisional = 0))")
    return cache.conn.execute(sql + " ORDER BY release_id").fetchall()


# -- overview counts (the release summary) ------------------------------------------------------

SUMMARY_TABLE = "release_summary"

# The aggregates every grouping uses, as SQL over the summary's columns (the order of
# SummaryFigures' fields).
_AGGREGATES = """
    COUNT(*) AS count,
    COUNT(osai_score) AS osai_n,
    SUM(osai_score) AS osai_sum,
    COUNT(mof_total) AS mof_n,
    SUM(mof_total) AS mof_sum,
    COUNT(mof_class) AS mof_classified,
    SUM(CASE WHEN osai_score IS NOT NULL AND osai_provisional THEN 1 ELSE 0 END)
        AS osai_provisional,
    SUM(CASE WHEN mof_total IS NOT NULL AND mof_provisional THEN 1 ELSE 0 END)
        AS mof_provisional,
    SUM(CASE WHEN osi_approved = 1 THEN 1 ELSE 0 END) AS osi_approved,
    COUNT(osi_approved) AS osi_known
"""


@dataclass(frozen=True)
class SummaryFigures:
    """The overview's sums over a group of releases (None where SQL's ``SUM`` had nothing)."""

    count: int
    osai_n: int  # releases with an index score
    osai_sum: float | None
    mof_n: int  # releases with an MOF total
    mof_sum: float | None
    mof_classified: int
    osai_provisional: int | None
    mof_provisional: int | None
    osi_approved: int | None
    osi_known: int


def summary_table_exists(conn: sqlite3.Connection) -> bool:
    """Whether the cache has the derived ``release_summary`` table."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name = ?",
        (SUMMARY_TABLE,)).fetchone()
    return row is not None


def _where(curated_only: bool) -> str:
    return "WHERE origin = 'curated'" if curated_only else ""


def summary_count(conn: sqlite3.Connection, *, curated_only: bool) -> int:
    """Releases in the summary (``curated_only``: curated ones)."""
    return int(conn.execute(
        f"SELECT COUNT(*) FROM {SUMMARY_TABLE} {_where(curated_only)}").fetchone()[0])


def summary_figures_by(conn: sqlite3.Connection, column: Literal["year", "org_kind"], *,
                       curated_only: bool) -> list[tuple[int | str | None, SummaryFigures]]:
    """(value, figures) for each release year (in year order, None first) or organisation
    kind (in no particular order)."""
    order = " ORDER BY year" if column == "year" else ""
    return [(row[0], SummaryFigures(*row[1:])) for row in conn.execute(
        f"SELECT {column}, {_AGGREGATES} FROM {SUMMARY_TABLE} {_where(curated_only)} "
        f"GROUP BY {column}{order}")]


def mof_class_counts(conn: sqlite3.Connection, *,
                     curated_only: bool) -> dict[str | None, tuple[int, int]]:
    """MOF class (None: none) → (releases, of which have an MOF assessment)."""
    return {row[0]: (int(row[1]), int(row[2])) for row in conn.execute(
        f"SELECT mof_class, COUNT(*) AS count, COUNT(mof_total) AS assessed "
        f"FROM {SUMMARY_TABLE} {_where(curated_only)} GROUP BY mof_class")}


def _bin_sql(column: str, edges: Sequence[float]) -> str:
    """The bin of ``column``: the last of ``edges`` not above it (0 below the second)."""
    cases = " ".join(
        f"WHEN {column} >= {edge!r} THEN {index}"
        for index, edge in reversed(list(enumerate(edges))) if index
    )
    return f"CASE {cases} ELSE 0 END"


def osai_score_bins(conn: sqlite3.Connection, edges: Sequence[float], *,
                    curated_only: bool) -> list[tuple[int, int, int]]:
    """(bin, releases, of which provisional) of the index scores, binned by their lower
    ``edges`` (bins with no release left out)."""
    where = _where(curated_only)
    score_where = f"{where} {'AND' if where else 'WHERE'} osai_score IS NOT NULL"
    return [(int(index), int(count), int(provisional or 0)) for index, count, provisional
            in conn.execute(
                f"SELECT {_bin_sql('osai_score', edges)} AS bin, COUNT(*), "
                f"SUM(CASE WHEN osai_provisional THEN 1 ELSE 0 END) "
                f"FROM {SUMMARY_TABLE} {score_where} GROUP BY bin")]


# -- the licence catalogue ----------------------------------------------------------------------


def eu_gated_hub_keys(cache: Connected) -> list[tuple[str | None, str]]:
    """(licence id of the release, Hub repository) of each Hub record whose gate excludes EU
    users (an index answers it: ``records_eu_gated``)."""
    return cache.conn.execute(
        "SELECT s.license_id, r.key FROM records r "
        "JOIN release_summary s ON s.release_id = r.release_id "
        "WHERE r.source = 'hub' AND json_extract(r.data, '$.eu_disallowed') = 1").fetchall()


def releases_per_licence(cache: Connected) -> list[tuple[str | None, int]]:
    """(licence id, releases) from the release summary (None: no licence recorded)."""
    return cache.conn.execute(
        "SELECT license_id, count(*) FROM release_summary GROUP BY license_id").fetchall()


def release_ids_with_licences(cache: Connected, license_ids: Sequence[str], *,
                              unlicensed: bool = False) -> list[str]:
    """The releases whose licence id is one of ``license_ids`` (bound in chunks), then, with
    ``unlicensed``, those with none; in no particular order."""
    out: list[str] = []
    for start in range(0, len(license_ids), CHUNK):
        part = license_ids[start:start + CHUNK]
        out += [r[0] for r in cache.conn.execute(
            f"SELECT release_id FROM release_summary WHERE license_id IN "
            f"({', '.join('?' for _ in part)})", part)]
    if unlicensed:
        out += [r[0] for r in cache.conn.execute(
            "SELECT release_id FROM release_summary WHERE license_id IS NULL")]
    return out


# -- the family timeline ------------------------------------------------------------------------


def crowded_family_counts(cache: Connected, family_ids: Sequence[str] | None,
                          most: int) -> dict[str, tuple[str, int]]:
    """Families (of ``family_ids``; None: every family) with more than ``most`` dated
    releases: family id → (name, dated releases)."""
    sql = ("SELECT r.family_id, f.name, count(*) FROM releases r "
           "JOIN families f ON f.id = r.family_id WHERE r.release_date IS NOT NULL")
    if family_ids is not None:
        sql += f" AND r.family_id IN ({', '.join('?' * len(family_ids))})"
    sql += " GROUP BY r.family_id HAVING count(*) > ?"
    return {r[0]: (r[1], r[2]) for r in cache.conn.execute(sql, [*(family_ids or []), most])}


#: A point of the family timeline: (release id, name, release date as written, family name,
#: score, provisional flag).
TimelineRow = tuple[str, str, str, str, float, int | None]


def family_timeline_rows(cache: Connected, family_ids: Sequence[str] | None, *,
                         measure: Literal["osai", "mof"], crowded: Sequence[str] = (),
                         keep: Collection[str] = ()) -> list[TimelineRow]:
    """The dated releases of the families (None: every family) with an index score
    (``measure="osai"``) or MOF total (``"mof"``) in the release summary, by family name,
    release date as written, name and id. The ``crowded`` families (a subset of
    ``family_ids``) give only their curated releases and those in ``keep``.

    Each arm of the condition is one an index can answer (SQLite reads them one by one and
    joins the rows found): the plain families' releases, the crowded ones' curated releases,
    the releases kept — not a filter over a crowded family's 100,000 releases.
    """
    score, provisional = (("s.osai_score", "s.osai_provisional") if measure == "osai"
                          else ("s.mof_total", "s.mof_provisional"))
    sql = (f"SELECT r.id, r.name, r.release_date, f.name, {score}, {provisional} "
           "FROM releases r JOIN families f ON f.id = r.family_id "
           "JOIN release_summary s ON s.release_id = r.id "
           f"WHERE r.release_date IS NOT NULL AND {score} IS NOT NULL")

    def among(column: str, values: Sequence[str]) -> str:
        return f"{column} IN ({', '.join('?' * len(values))})"

    arms: list[str] = []
    args: list[str] = []
    plain = [i for i in family_ids if i not in crowded] if family_ids is not None else None
    if plain is None:
        if crowded:
            arms.append(f"NOT {among('r.family_id', crowded)}")
            args += crowded
    elif plain:
        arms.append(among("r.family_id", plain))
        args += plain
    if crowded:
        arms.append(f"({among('r.family_id', crowded)} AND r.origin = 'curated')")
        args += crowded
        kept = sorted(set(keep))
        if kept:
            arms.append(f"({among('r.id', kept)} AND {among('r.family_id', crowded)})")
            args += [*kept, *crowded]
    if arms:
        sql += " AND (" + " OR ".join(arms) + ")"
    sql += " ORDER BY f.name COLLATE NOCASE, r.release_date, r.name, r.id"  # (ties: by id)
    return cache.conn.execute(sql, args).fetchall()


# -- open-washing candidates --------------------------------------------------------------------


def open_named_records(cache: Connected) -> list[tuple[str, str, str]]:
    """(release id, source, key) of the release records that could carry an "open" claim: the
    index's (its list is a claim), and any whose key says "open" or "oss"."""
    return cache.conn.execute(
        "SELECT release_id, source, key FROM records WHERE release_id IS NOT NULL "
        "AND scope = 'release' AND (source IN ('osai', 'osai-legacy') "
        "OR key LIKE '%open%' OR key LIKE '%oss%')").fetchall()


#: A release that could carry an "open" claim, from the release summary: (release id, name,
#: licence id, licence name, licence as written, OSI-approved, commercial use, gated).
ClaimSummaryRow = tuple[str, str | None, str | None, str | None, str | None, int | None,
                        str | None, str | None]


def open_claim_summaries(cache: Connected, release_ids: Collection[str]) -> list[ClaimSummaryRow]:
    """The summary rows of the releases whose name or licence says "open" or "oss", and of
    ``release_ids`` (bound as one JSON array, whatever their number)."""
    return cache.conn.execute(
        "SELECT s.release_id, s.name, s.license_id, s.license_name, r.license, s.osi_approved, "
        "s.commercial_use, s.gated FROM release_summary s JOIN releases r ON r.id = s.release_id "
        "WHERE s.name LIKE '%open%' OR s.name LIKE '%oss%' OR s.license_id LIKE '%open%' "
        "OR s.license_name LIKE '%open%' OR r.license LIKE '%open%' "
        "OR s.release_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(set(release_ids))),)).fetchall()


# -- completions ----------------------------------------------------------------------------------


def family_names(cache: Connected) -> list[str]:
    """Every family's name, alphabetically (any case)."""
    return [row[0] for row in cache.conn.execute(
        "SELECT name FROM families ORDER BY name COLLATE NOCASE")]


def organization_names(cache: Connected) -> list[str]:
    """Every organisation's name, alphabetically (any case)."""
    return [row[0] for row in cache.conn.execute(
        "SELECT name FROM organizations ORDER BY name COLLATE NOCASE")]


def popular_releases(cache: Connected, limit: int) -> list[tuple[str, str]]:
    """``(name, release id)`` of the ``limit`` most popular releases, most popular first."""
    return [(str(name), str(rid)) for name, rid in cache.conn.execute(
        "SELECT name, id FROM releases ORDER BY popularity DESC, name LIMIT ?", (limit,))]


# -- the EU pre-check's linked Epoch record ---------------------------------------------------------


def record_data_of(cache: Connected, release_id: str) -> list[tuple[str, str | None]]:
    """``(source, data JSON)`` of every record linked to a release."""
    return [(str(s), d) for s, d in cache.conn.execute(
        "SELECT source, data FROM records WHERE release_id = ?", (release_id,))]


def releases_with_match_key(cache: Connected, key: str) -> list[str]:
    """The releases one of whose names normalises to ``key`` (identity.match_key)."""
    return [str(r) for (r,) in cache.conn.execute(
        "SELECT release_id FROM match_keys WHERE key = ?", (key,))]


def epoch_records_of(cache: Connected, release_id: str
                     ) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """``(key, name, data JSON, source version, organisation)`` of a release's Epoch records."""
    return [(str(k), str(n), d, v, o) for k, n, d, v, o in cache.conn.execute(
        "SELECT key, name, data, source_version, organization FROM records "
        "WHERE source = 'epoch' AND release_id = ?", (release_id,))]
