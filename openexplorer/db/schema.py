"""The cache's schema: its version and the migrations that bring a file up to it.

Each migration is one SQL script, run in its own transaction; ``PRAGMA user_version`` holds the
number of the last one run. A file with a higher number was written by a newer OpenExplorer and
is refused before anything writes to it (:class:`openexplorer.db.errors.SchemaTooNewError`).
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from pathlib import Path

from openexplorer.db.errors import CacheError, MissingTablesError, SchemaTooNewError
from openexplorer.db.fts import popularity_sql, register_functions, text_index_sql

log = logging.getLogger(__name__)

SCHEMA_VERSION = 7

MIGRATIONS: list[str] = [
    # 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
    CREATE TABLE organizations (
        id TEXT PRIMARY KEY, name TEXT NOT NULL, kind TEXT, country TEXT, kind_source TEXT,
        kind_label TEXT
    );
    CREATE TABLE families (id TEXT PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE releases (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        family_id TEXT REFERENCES families(id),
        family TEXT,
        organization_id TEXT REFERENCES organizations(id),
        organization TEXT,
        release_date TEXT,
        hub_id TEXT,
        modality TEXT,
        parameters REAL,
        license TEXT,
        url TEXT,
        origin TEXT NOT NULL DEFAULT 'curated',
        tags TEXT,
        popularity INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT
    );
    -- Normalised names of each release (from every linked record and its Hub repo name), so a
    -- record without a Hub id can be linked by name.
    CREATE TABLE match_keys (
        key TEXT NOT NULL, release_id TEXT NOT NULL, PRIMARY KEY (key, release_id)
    ) WITHOUT ROWID;
    CREATE INDEX releases_family ON releases(family_id, release_date);
    CREATE INDEX releases_organization ON releases(organization_id);
    CREATE INDEX releases_hub_id ON releases(hub_id COLLATE NOCASE);
    CREATE INDEX releases_date ON releases(release_date);
    CREATE INDEX releases_origin ON releases(origin);
    CREATE TABLE records (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        key TEXT NOT NULL,
        scope TEXT NOT NULL DEFAULT 'release',
        release_id TEXT,  -- set before its release row exists (same transaction)
        family_id TEXT REFERENCES families(id),
        organization_id TEXT REFERENCES organizations(id),
        name TEXT,
        organization TEXT,
        family TEXT,
        release_date TEXT,
        hub_id TEXT,
        modality TEXT,
        parameters REAL,
        license TEXT,
        url TEXT,
        source_version TEXT,
        assessed_date TEXT,
        data TEXT,
        imported_at TEXT,
        UNIQUE (source, key)
    );
    CREATE INDEX records_release ON records(release_id);
    CREATE INDEX records_family ON records(family_id);
    CREATE INDEX records_organization ON records(organization_id);
    CREATE TABLE assessments (
        id INTEGER PRIMARY KEY,
        record_id INTEGER NOT NULL REFERENCES records(id) ON DELETE CASCADE,
        framework TEXT NOT NULL,
        component TEXT NOT NULL,
        status TEXT NOT NULL,
        value TEXT,
        license TEXT,
        license_given INTEGER NOT NULL DEFAULT 0,
        urls TEXT,
        notes TEXT
    );
    CREATE INDEX assessments_record ON assessments(record_id);
    CREATE TABLE changes (
        id INTEGER PRIMARY KEY,
        release_id TEXT,
        source TEXT,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        changed_at TEXT NOT NULL
    );
    CREATE INDEX changes_release ON changes(release_id, changed_at);
    CREATE VIRTUAL TABLE releases_fts USING fts5(
        name, hub_id, family, organization, tags, content='releases', content_rowid='rowid'
    );
    CREATE TRIGGER releases_ai AFTER INSERT ON releases BEGIN
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES (new.rowid, new.name, new.hub_id, new.family, new.organization, new.tags);
    END;
    CREATE TRIGGER releases_ad AFTER DELETE ON releases BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', old.rowid, old.name, old.hub_id, old.family, old.organization, old.tags);
    END;
    CREATE TRIGGER releases_au AFTER UPDATE ON releases BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', old.rowid, old.name, old.hub_id, old.family, old.organization, old.tags);
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES (new.rowid, new.name, new.hub_id, new.family, new.organization, new.tags);
    END;
    """,
    # 2: headline figures per release, derived from the views (see openexplorer.search.summary), so
    # facets and sorting over a large cache are indexed queries. Rebuilt when the rules change.
    """
    CREATE TABLE release_summary (
        release_id TEXT PRIMARY KEY,
        name TEXT, family TEXT, family_id TEXT, organization TEXT, organization_id TEXT,
        org_kind TEXT, country TEXT, release_date TEXT, year INTEGER, modality TEXT,
        parameters REAL, origin TEXT,
        license_id TEXT, license_name TEXT, license_category TEXT, commercial_use TEXT,
        osi_approved INTEGER,
        mof_class TEXT, mof_progress_iii REAL, mof_progress_ii REAL, mof_progress_i REAL,
        mof_total REAL, mof_provisional INTEGER,
        osai_score REAL, osai_availability REAL, osai_documentation REAL, osai_access REAL,
        osai_provisional INTEGER,
        osaid_verdict TEXT, osi_outcome TEXT, gated TEXT, downloads INTEGER
    ) WITHOUT ROWID;
    CREATE INDEX summary_license_category ON release_summary(license_category);
    CREATE INDEX summary_commercial_use ON release_summary(commercial_use);
    CREATE INDEX summary_mof_class ON release_summary(mof_class);
    CREATE INDEX summary_osai_score ON release_summary(osai_score);
    CREATE INDEX summary_osaid_verdict ON release_summary(osaid_verdict);
    CREATE INDEX summary_org_kind ON release_summary(org_kind);
    CREATE INDEX summary_country ON release_summary(country);
    CREATE INDEX summary_modality ON release_summary(modality);
    CREATE INDEX summary_year ON release_summary(year);
    CREATE INDEX summary_origin ON release_summary(origin);
    CREATE INDEX summary_parameters ON release_summary(parameters);
    CREATE INDEX summary_release_date ON release_summary(release_date);
    """,
    # 3: the user's own lists, never touched by an import or refresh: what they watch
    # (openexplorer.analyses.watchlist), their rubric profiles (openexplorer.analyses.rubric), and what they have
    # already seen of the changes to watched items.
    """
    CREATE TABLE watchlist (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('release', 'family', 'organization')),
        value TEXT NOT NULL,
        added_at TEXT NOT NULL,
        UNIQUE (kind, value)
    );
    CREATE TABLE rubric_profiles (
        name TEXT PRIMARY KEY, weights TEXT NOT NULL, saved_at TEXT NOT NULL
    );
    CREATE TABLE watch_seen (key TEXT PRIMARY KEY, value TEXT);
    CREATE INDEX changes_changed_at ON changes(changed_at);
    """,
    # 4: search and paging at Hub scale (a million releases; docs/benchmarks.md).
    # - The text index is keyed by popularity: its rowid is SEARCH_KEY (curated releases first,
    #   then by downloads, most first), so "the best 50 matches" is the first 50 rowids of a
    #   MATCH and the search stops there instead of ranking every match. Contentless: the text
    #   stays in ``releases``; a match gives the key, ``key & 0xFFFFFFFF`` the release's rowid.
    #   Prefixes of 1 to 6 characters have their own index entries, so a word being typed
    #   ("l", "lla", "llama") is read like a whole word, lazily, instead of merging the lists of
    #   every word it begins (``license``, ``llama``, ``lora``… for "l"); no column sizes are
    #   kept (no bm25 ranking any more).
    # - Every sortable summary column is indexed together with the name (release_id follows, as
    #   the table's key), so a page of a sorted listing is an index range (keyset paging).
    # - Records are indexed by organisation and family together with their scope: reading a
    #   release no longer walks every record of a Hub namespace with tens of thousands of models;
    #   match keys are indexed by release too (rebuilding a release replaced its keys by a scan);
    #   a family's releases by origin and downloads (a release lists its family's curated
    #   releases and most downloaded Hub ones, not all 250,000 Llama fine-tunes); the Hub
    #   records whose gate excludes the EU have a partial index (the licence clause matrix
    #   looked for them in every record's JSON, seconds at a million, before the window showed),
    #   and releases are indexed by popularity (the watchlist's completions: the 5,000 most
    #   downloaded names, a sort of the whole table before).
    # - Facet counts read the summary's facet columns as arrays (openexplorer.search.facet_index):
    #   ``facet_chunks`` holds a 64-byte entry per release (by its rowid), 4096 to a BLOB,
    #   ``facet_values`` the value of each code; a deleted release is noted in ``facet_stale``.
    #   They are filled from the summary on the next open (summary.ensure_summaries).
    f"""
    DROP TRIGGER IF EXISTS releases_ai;
    DROP TRIGGER IF EXISTS releases_ad;
    DROP TRIGGER IF EXISTS releases_au;
    {text_index_sql()}
    DROP INDEX IF EXISTS summary_release_date;
    DROP INDEX IF EXISTS summary_osai_score;
    DROP INDEX IF EXISTS summary_osaid_verdict;
    DROP INDEX IF EXISTS summary_parameters;
    CREATE INDEX summary_release_date ON release_summary(release_date, name COLLATE NOCASE);
    CREATE INDEX summary_osai_score ON release_summary(osai_score, name COLLATE NOCASE);
    CREATE INDEX summary_osaid_verdict ON release_summary(osaid_verdict, name COLLATE NOCASE);
    CREATE INDEX summary_parameters ON release_summary(parameters, name COLLATE NOCASE);
    CREATE INDEX summary_name ON release_summary(name COLLATE NOCASE);
    CREATE INDEX summary_organization_name
        ON release_summary(organization COLLATE NOCASE, name COLLATE NOCASE);
    CREATE INDEX summary_license_id
        ON release_summary(license_id COLLATE NOCASE, name COLLATE NOCASE);
    CREATE INDEX summary_mof_total ON release_summary(mof_total, name COLLATE NOCASE);
    CREATE INDEX summary_downloads ON release_summary(downloads, name COLLATE NOCASE);
    DROP INDEX IF EXISTS records_family;
    DROP INDEX IF EXISTS records_organization;
    CREATE INDEX records_family ON records(family_id, scope);
    CREATE INDEX records_organization ON records(organization_id, scope);
    CREATE INDEX match_keys_release ON match_keys(release_id);
    CREATE INDEX releases_family_origin ON releases(family_id, origin, popularity);
    CREATE INDEX releases_popularity ON releases(popularity DESC, name);
    CREATE INDEX records_eu_gated ON records(source, release_id)
        WHERE source = 'hub' AND json_extract(data, '$.eu_disallowed') = 1;
    CREATE TABLE facet_chunks (chunk INTEGER PRIMARY KEY, data BLOB NOT NULL);
    CREATE TABLE facet_values (
        facet TEXT NOT NULL, code INTEGER NOT NULL, value, PRIMARY KEY (facet, code)
    ) WITHOUT ROWID;
    CREATE UNIQUE INDEX facet_values_value ON facet_values(facet, value);
    CREATE TABLE facet_stale (release_rowid INTEGER PRIMARY KEY);
    CREATE TRIGGER releases_facets_ad AFTER DELETE ON releases BEGIN
        INSERT OR IGNORE INTO facet_stale(release_rowid) VALUES (old.rowid);
        UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)
            WHERE key = 'facet_generation';
    END;
    """,
    # 5: popularity by steps of the 1-2-5 series (popularity_of) instead of the exact download
    # count. Every refresh brings new counts; with the exact count, each one rewrote the
    # release's row, its two popularity indexes and, through the search key, its text-index
    # entries (every word, 7 times with its prefixes): most of a refresh's writing. Now they
    # move only when a release passes a step. The text index is rebuilt for the new keys
    # (once, on migration), its update trigger now fires only for a real change.
    f"""
    DROP TRIGGER IF EXISTS releases_ai;
    DROP TRIGGER IF EXISTS releases_ad;
    DROP TRIGGER IF EXISTS releases_au;
    DROP INDEX IF EXISTS releases_family_origin;
    DROP INDEX IF EXISTS releases_popularity;
    UPDATE releases SET popularity = {popularity_sql("popularity")}
        WHERE popularity IS NOT {popularity_sql("popularity")};
    CREATE INDEX releases_family_origin ON releases(family_id, origin, popularity);
    CREATE INDEX releases_popularity ON releases(popularity DESC, name);
    {text_index_sql(only_on_change=True)}
    """,
    # 6: the models the Hub refused (gone, private, unreadable): how often and when last, so
    # that the periodic refresh waits longer each time before asking again (refresh.due_ids).
    # At Hub scale deleted repos would otherwise head every run's list, never fetched again.
    """
    CREATE TABLE refresh_failures (
        hub_id TEXT PRIMARY KEY COLLATE NOCASE,
        kind TEXT NOT NULL,
        failures INTEGER NOT NULL,
        failed_at TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 7: the text index holds its text folded (openexplorer.db.fts.normalise: NFKC, then case
    # folding), as queries are: a full-width "Ｌｌａｍａ" finds "llama". The index is rebuilt with
    # the folded text and its triggers fold what they write (the oe_normalise function every
    # cache connection has). Same keys, same entries for ASCII names.
    f"""
    DROP TRIGGER IF EXISTS releases_ai;
    DROP TRIGGER IF EXISTS releases_ad;
    DROP TRIGGER IF EXISTS releases_au;
    {text_index_sql(only_on_change=True, normalised=True)}
    """,
]


def schema_version(conn: sqlite3.Connection) -> int:
    """The number of the last migration run on the file (0: a new or foreign file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def check_version(conn: sqlite3.Connection, path: Path | None) -> None:
    """Refuse a file written by a newer OpenExplorer (:class:`SchemaTooNewError`)."""
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path}: schema version {version} is newer than this OpenExplorer "
            f"understands ({SCHEMA_VERSION}); update OpenExplorer or use another cache"
        )


def check_ours(conn: sqlite3.Connection, path: Path | None) -> None:
    """Refuse, before anything writes to it, a file that is not an OpenExplorer cache: a newer
    one (:class:`SchemaTooNewError`), one of other tables (schema version 0 with tables in it),
    or one without tables its version has (:class:`MissingTablesError`). Reads only."""
    check_version(conn, path)
    version = schema_version(conn)
    if version == 0:
        if conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
            raise CacheError(f"{path}: this SQLite file is not an OpenExplorer cache; "
                             "it was left as it is")
        return
    missing = missing_tables(conn)
    if missing:
        raise MissingTablesError(path, missing)


@functools.cache
def expected_tables(version: int = SCHEMA_VERSION) -> frozenset[str]:
    """The tables a cache of schema ``version`` has (the text index's own tables included):
    the migrations up to it, run once on an empty database in memory."""
    conn = sqlite3.connect(":memory:")
    register_functions(conn)
    try:
        for number in range(1, min(version, SCHEMA_VERSION) + 1):
            conn.executescript(MIGRATIONS[number - 1])
        return frozenset(r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def missing_tables(conn: sqlite3.Connection) -> list[str]:
    """The tables the file's schema version has that are not in it, by name (empty: all there)."""
    version = schema_version(conn)
    if version <= 0:
        return []
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return sorted(expected_tables(version) - present)


def migrate(conn: sqlite3.Connection, path: Path | None) -> None:
    """Run the migrations the file has not had yet, each in its own transaction.

    Refuses a newer file, and a file of other tables (schema version 0 with tables in it: not
    an OpenExplorer cache, left as it is).
    """
    check_version(conn, path)
    version = schema_version(conn)
    if version == 0 and conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
        raise CacheError(f"{path}: this SQLite file is not an OpenExplorer cache")
    for number in range(version + 1, SCHEMA_VERSION + 1):
        with conn:
            conn.executescript("BEGIN;" + MIGRATIONS[number - 1] + ";")
            conn.execute(f"PRAGMA user_version = {number}")
        log.info("cache %s migrated to schema %d", path, number)
