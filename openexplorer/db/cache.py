"""The local SQLite cache: schema, migrations, ingest, search.

A plain SQLite file with readable table names (open it with Datasette or the sqlite-utils CLI):

``releases``       one row per release, its headline facts merged from every linked record
``families``       releases that belong together (Llama, OLMo…)
``organizations``  who released them, with a kind (big-tech, company, academic, public) and country
``records``        what each source says about a release, family or organisation (one per source+key)
``assessments``    the per-component judgements inside a record
``changes``        every fact that changed on import or refresh: old, new, when, which source
``meta``           schema version, snapshot date

Framework views (MOF class, index score, OSAID verdict) are computed from ``assessments`` on read
(see :mod:`openexplorer.views.release`), never stored, so a rule change needs no migration.

One writer at a time: writes happen in a single transaction per batch; WAL lets readers go on.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openexplorer.core import identity
from openexplorer.core.records import Assessment, ImportResult, OrganizationInfo, SourceRecord

log = logging.getLogger(__name__)

SCHEMA_VERSION = 6
BUSY_TIMEOUT_MS = 10_000
#: Releases of a family listed with a release (Cache.family_releases): the curated ones and the
#: most downloaded Hub-only ones.
FAMILY_RELEASES_LIMIT = 200

# Release fields merged from linked records; the first record (by authority) that has a value wins.
_RELEASE_FIELDS = ("name", "release_date", "hub_id", "modality", "parameters", "license", "url")
# Authority of sources for the release's headline facts.
_FIELD_AUTHORITY = ("user", "hub", "mot", "osai", "epoch", "osai-legacy", "osi", "fmti")
#: Keys of a record's ``data`` that change between two reads of the same source without saying
#: anything about openness (the Hub's counters and dates): a record that differs from the stored
#: one only there (and in its commit, read date and the links naming the commit) keeps its
#: assessments and scores (Cache._refresh_record). Downloads are no change in ``changes``
#: either way.
_VOLATILE_DATA = {"hub": frozenset({"downloads", "likes", "last_modified", "fetched_at"})}


class CacheError(Exception):
    """The cache cannot be opened or used (damaged file, newer schema, locked)."""


class SchemaTooNewError(CacheError):
    """The file was written by a newer OpenExplorer than this one."""


class CacheBusyError(CacheError):
    """Another program kept the cache locked for longer than the busy timeout."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        where = f" {path}" if path else ""
        super().__init__(
            f"the cache{where} is busy: another OpenExplorer window, an `openexplorer` command "
            "or another program is writing to it. Try again when it has finished."
        )


#: The text index's rowid for a release (see migration 4): curated releases first, then by
#: popularity (most first, capped at 2**30 - 1), then by rowid; the release's rowid is the low
#: 32 bits.
SEARCH_KEY_ROWID_MASK = 0xFFFFFFFF
#: Releases with fewer downloads than this (a month, as the Hub counts them) share the lowest
#: popularity: counts that small are mostly mirrors and crawlers, and move by more than
#: themselves from one day to the next.
POPULARITY_FLOOR = 100
_POPULARITY_CAP = 1073741823  # 2**30 - 1: the search key keeps 30 bits for it


def popularity_of(downloads: Any) -> int:
    """A release's popularity (``releases.popularity``, since migration 5) from the Hub's
    download count: the step of the 1-2-5 series at or below it — 1,234 downloads are 1,000,
    3,456 are 2,000, 7,890 are 5,000 — and 0 under :data:`POPULARITY_FLOOR`.

    What orders search results, completions and a family's listing. Coarse on purpose: a
    refresh that brings a few more downloads leaves the release's row, its indexes and its
    text-index entries as they were (the exact count is in the summary and the Hub record).
    """
    count = min(max(int(downloads or 0), 0), _POPULARITY_CAP)
    if count < POPULARITY_FLOOR:
        return 0
    digits = str(count)
    step = 5 if digits[0] >= "5" else 2 if digits[0] >= "2" else 1
    return step * 10 ** (len(digits) - 1)


def _popularity_sql(downloads: str) -> str:
    """:func:`popularity_of` in SQL (no math functions: SQLite may be built without them)."""
    count = f"min(max(coalesce({downloads}, 0), 0), {_POPULARITY_CAP})"
    return (f"(CASE WHEN {count} < {POPULARITY_FLOOR} THEN 0 ELSE "
            f"(CASE WHEN substr({count}, 1, 1) >= '5' THEN 5 "
            f"WHEN substr({count}, 1, 1) >= '2' THEN 2 ELSE 1 END) "
            f"* CAST('1' || substr('000000000', 1, length({count}) - 1) AS INTEGER) END)")


def _search_key(row: str) -> str:
    """SQL for the search key of a ``releases`` row (``new``, ``old`` or the table's name)."""
    return (f"((CASE WHEN {row}.origin = 'hub' THEN 1 ELSE 0 END) << 62) + "
            f"((1073741823 - min(max(coalesce({row}.popularity, 0), 0), 1073741823)) << 32) + "
            f"{row}.rowid")


def _text_index_sql(*, only_on_change: bool = False) -> str:
    """The text index (releases_fts) built anew from ``releases``, and the triggers that keep it
    (migrations 4 and 5). ``only_on_change``: the update trigger fires only when a value it
    indexes, or the search key, really changed."""
    when = ("""    WHEN old.name IS NOT new.name OR old.hub_id IS NOT new.hub_id
        OR old.family IS NOT new.family OR old.organization IS NOT new.organization
        OR old.tags IS NOT new.tags OR old.popularity IS NOT new.popularity
        OR old.origin IS NOT new.origin
""" if only_on_change else "")
    return f"""DROP TABLE IF EXISTS releases_fts;
    CREATE VIRTUAL TABLE releases_fts USING fts5(
        name, hub_id, family, organization, tags, content='', columnsize=0,
        prefix='1 2 3 4 5 6'
    );
    INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        SELECT {_search_key("releases")}, name, hub_id, family, organization, tags
        FROM releases ORDER BY 1;
    INSERT INTO releases_fts(releases_fts) VALUES ('optimize');
    CREATE TRIGGER releases_ai AFTER INSERT ON releases BEGIN
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES ({_search_key("new")}, new.name, new.hub_id, new.family, new.organization,
                new.tags);
    END;
    CREATE TRIGGER releases_ad AFTER DELETE ON releases BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', {_search_key("old")}, old.name, old.hub_id, old.family,
                old.organization, old.tags);
    END;
    CREATE TRIGGER releases_au
    AFTER UPDATE OF name, hub_id, family, organization, tags, popularity, origin ON releases
{when}    BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', {_search_key("old")}, old.name, old.hub_id, old.family,
                old.organization, old.tags);
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES ({_search_key("new")}, new.name, new.hub_id, new.family, new.organization,
                new.tags);
    END;"""


_MIGRATIONS: list[str] = [
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
    {_text_index_sql()}
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
    # (about 8 s per 100,000 releases), its update trigger now fires only for a real change.
    f"""
    DROP TRIGGER IF EXISTS releases_ai;
    DROP TRIGGER IF EXISTS releases_ad;
    DROP TRIGGER IF EXISTS releases_au;
    DROP INDEX IF EXISTS releases_family_origin;
    DROP INDEX IF EXISTS releases_popularity;
    UPDATE releases SET popularity = {_popularity_sql("popularity")}
        WHERE popularity IS NOT {_popularity_sql("popularity")};
    CREATE INDEX releases_family_origin ON releases(family_id, origin, popularity);
    CREATE INDEX releases_popularity ON releases(popularity DESC, name);
    {_text_index_sql(only_on_change=True)}
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
]


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# Printable ASCII but the quote and the backslash: what json.dumps writes as it is.
_JSON_AS_IS = re.compile(r"[ !#-\[\]-~]*")


#: Stands for the record's commit in its stored links (NUL: never in a URL), so that a refresh
#: that brings a new commit and nothing else leaves the assessments' rows alone.
_COMMIT = "\x00"
_COMMIT_JSON = "\\u0000"


def _urls_json(urls: Sequence[str], commit: str | None = None) -> str | None:
    """An assessment's links as stored: ``json.dumps(list(urls))``, None for none, with the
    record's ``commit`` written as :data:`_COMMIT` (:func:`_urls_read` puts it back). Links
    rarely need escaping, so they are joined directly (a refresh writes some 20 lists per
    model)."""
    if not urls:
        return None
    if all(isinstance(u, str) for u in urls) and _JSON_AS_IS.fullmatch("".join(urls)):
        text = '["' + '", "'.join(urls) + '"]'
        if not commit:
            return text
        if commit.isalnum():  # never part of the quotes and commas between the links
            return text.replace(commit, _COMMIT_JSON)
    if commit:
        urls = [u.replace(commit, _COMMIT) if isinstance(u, str) else u for u in urls]
    return json.dumps(list(urls))


def _urls_read(text: str | None, commit: str | None) -> tuple[str, ...]:
    """The links :func:`_urls_json` stored, with the record's commit put back."""
    if not text:
        return ()
    urls = json.loads(text)
    if commit and _COMMIT_JSON in text:
        return tuple(u.replace(_COMMIT, commit) for u in urls)
    return tuple(urls)


def _link_commit(source: str, source_version: str | None) -> str | None:
    """The commit a record's links are stored relative to: a Hub record's (the sources whose
    refresh is mostly counters and a new commit); None for the others, stored as they are."""
    return source_version if source in _VOLATILE_DATA else None


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


def quote_fts(text: str) -> str:
    """Turn user text into a safe FTS5 query: every term quoted, the last one a prefix.

    User search text is never passed raw to FTS5 (``llama-3`` would be read as a column filter).
    """
    terms = re.findall(r"\w[\w.+-]*", text, flags=re.UNICODE)
    if not terms:
        return ""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms[:16]]
    quoted[-1] += "*"
    return " ".join(quoted)


class _Database:
    """The cache's connection, set up as sqlite-utils' ``Database`` set it up (recursive triggers
    on), without importing sqlite-utils and numpy: only the connection was ever used, and the
    import was a sixth of the app's start-up."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.execute("PRAGMA recursive_triggers = on")


class Cache:
    """The SQLite cache. Open with :meth:`open`; use as a context manager to close it."""

    def __init__(self, db: _Database, path: Path | None) -> None:
        self.db = db
        self.path = path

    # -- opening -------------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False) -> Cache:
        """Open (creating if needed) the cache at ``path`` and bring its schema up to date."""
        path = Path(path)
        if not readonly:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn: sqlite3.Connection | None = None
        try:
            if readonly:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            else:
                conn = sqlite3.connect(str(path), check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cache = cls(_Database(conn), path)
            # Check before anything writes: a newer or foreign file must stay byte for byte.
            cache._check_version()
            if not readonly:
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            if not readonly:
                cache._migrate()
        except sqlite3.DatabaseError as exc:
            if conn is not None:
                conn.close()
            raise CacheError(f"{path}: not a usable OpenExplorer cache ({exc})") from exc
        except CacheError:
            if conn is not None:
                conn.close()
            raise
        return cache

    @classmethod
    def memory(cls) -> Cache:
        """An in-memory cache (tests, one-off commands)."""
        conn = sqlite3.connect(":memory:", check_same_thread=False)
        cache = cls(_Database(conn), None)
        cache._migrate()
        return cache

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def schema_version(self) -> int:
        return int(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise SchemaTooNewError(
                f"{self.path}: schema version {version} is newer than this OpenExplorer "
                f"understands ({SCHEMA_VERSION}); update OpenExplorer or use another cache"
            )

    def _migrate(self) -> None:
        self._check_version()
        version = self.schema_version()
        if version == 0 and self._has_foreign_tables():
            raise CacheError(f"{self.path}: this SQLite file is not an OpenExplorer cache")
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with self.conn:
                self.conn.executescript("BEGIN;" + _MIGRATIONS[number - 1] + ";")
                self.conn.execute(f"PRAGMA user_version = {number}")
            log.info("cache %s migrated to schema %d", self.path, number)

    def _has_foreign_tables(self) -> bool:
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        return bool(names)

    # -- meta ------------------------------------------------------------------------------------

    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def begin_write(self) -> None:
        """Start a write transaction by taking the write lock first (``BEGIN IMMEDIATE``, waiting
        up to the busy timeout): one writer at a time, and nothing read inside the transaction
        can be outdated by another writer's commit. :class:`CacheBusyError` when the lock is not
        had in time. Does nothing inside a transaction already begun."""
        if self.conn.in_transaction:
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise CacheBusyError(self.path) from exc
            raise

    def set_meta(self, key: str, value: str) -> None:
        with self.conn:
            self.begin_write()
            self.conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def is_empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM records LIMIT 1").fetchone() is None

    # -- ingest ----------------------------------------------------------------------------------

    def ingest(
        self,
        result: ImportResult,
        *,
        now: str | None = None,
        record_changes: bool = True,
        summarize: bool = True,
    ) -> IngestReport:
        """Store an importer's result: link each record to its release, family, organisation.

        One transaction for the whole result: a failure leaves the cache as it was. A record
        replaces the earlier record of the same source and key; records of source ``user`` are
        never replaced by an import. Every changed fact goes to ``changes`` (unless
        ``record_changes`` is false: building a cache from the snapshot changes nothing).
        """
        now = now or _now()
        report = IngestReport(problems=[f"{p.path}: {p.reason}" for p in result.problems])
        linker = identity.Linker(self)
        touched: set[str] = set()
        rescored: set[str] = set()  # releases rebuilt from a record whose evidence changed
        downloads: dict[str, Any] = {}  # releases whose only news is the Hub's counters
        with self.conn:
            self.begin_write()
            for info in result.organizations:
                self._upsert_organization(info)
            for record in result.records:
                if record.source == "user" and self._record_id(record.source, record.key):
                    report.skipped_user += 1
                    continue
                target = linker.link(record)
                if target.created:
                    report.releases_created += 1
                elif target.release_id:
                    report.releases_linked += 1
                volatile_only = self._refresh_record(record, target, now)
                if not volatile_only:
                    report.changes += self._store_record(record, target, now, record_changes)
                report.records += 1
                touched |= self._releases_affected(record, target)
                if volatile_only:  # its facts and scores are as they were
                    downloads[target.release_id] = record.data.get("downloads")
                elif target.release_id:
                    # At once, so later records of this import can match it by name.
                    report.changes += self.rebuild_release(
                        target.release_id, now=now, record_changes=record_changes
                    )
                    rescored.add(target.release_id)
            report.touched = touched
            if summarize and touched:
                from openexplorer.search import summary  # computed from the views, which use the cache

                # Releases that only gained downloads keep their scores: only the summary's
                # counters are written (unless another record of the import touched them).
                summary.update(self, touched - (set(downloads) - rescored))
                summary.update_downloads(
                    self, {k: v for k, v in downloads.items() if k not in rescored})
        return report

    def _releases_affected(self, record: SourceRecord, target: identity.Target) -> set[str]:
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
        return {row[0] for row in self.conn.execute(sql, (arg,))}

    def _record_id(self, source: str, key: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM records WHERE source = ? AND key = ?", (source, key)
        ).fetchone()
        return row[0] if row else None

    def _upsert_organization(self, info: OrganizationInfo) -> None:
        org = identity.organization_for(info.name)
        if org is None:
            return
        row = self.conn.execute(
            "SELECT kind, kind_source FROM organizations WHERE id = ?", (org.id,)
        ).fetchone()
        if row is None:
            self.conn.execute(
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
            self.conn.execute(
                "UPDATE organizations SET kind = ?, kind_source = ?, kind_label = ?, "
                "country = COALESCE(country, ?) WHERE id = ?",
                (info.kind, info.source, info.label, identity.country_name(info.country), org.id),
            )
        elif info.country:
            self.conn.execute(
                "UPDATE organizations SET country = COALESCE(country, ?) WHERE id = ?",
                (identity.country_name(info.country), org.id),
            )

    def ensure_organization(self, name: str | None) -> str | None:
        org = identity.organization_for(name)
        if org is None:
            return None
        self.conn.execute(
            "INSERT OR IGNORE INTO organizations(id, name, kind, country, kind_source) "
            "VALUES (?, ?, ?, ?, ?)",
            (org.id, org.name, org.kind, org.country, "curated" if org.kind else None),
        )
        return org.id

    def ensure_family(self, name: str | None) -> str | None:
        if not name:
            return None
        family_id = identity.slug(name)
        self.conn.execute(
            "INSERT OR IGNORE INTO families(id, name) VALUES (?, ?)", (family_id, name)
        )
        return family_id

    def _refresh_record(self, record: SourceRecord, target: identity.Target, now: str) -> bool:
        """Write a record sent again with nothing new but its volatile fields, if it is one.

        A Hub refresh mostly brings back the same model with more downloads, a new commit and a
        new read date: the assessments (and so every framework score) are the same, only their
        links name the new commit. Then the stored record keeps its row and its assessments'
        rows; its volatile columns, its data and the links are written in place, and the
        release's popularity follows the downloads: the cache is left as replacing the record
        and rebuilding the release would leave it, without rewriting rows and their indexes.
        True when done so; False when the record must go the full way (:meth:`_store_record`,
        :meth:`rebuild_release`).
        """
        volatile = _VOLATILE_DATA.get(record.source)
        if volatile is None or not target.release_id or target.created:
            return False
        # Another record of the source on the release (two repos of one model) would compete
        # with this one for the release's facts and figures: the full path decides that.
        row = self.conn.execute(
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
        stored = self.conn.execute(
            "SELECT id, framework, component, status, value, license, license_given, notes, "
            "urls FROM assessments WHERE record_id = ? ORDER BY id", (row[0],),
        ).fetchall()
        if len(stored) != len(record.assessments):
            return False
        links: list[tuple[str | None, int]] = []
        commit = _link_commit(record.source, record.source_version)
        for old, new in zip(stored, record.assessments, strict=True):
            if old[1:8] != (new.framework, new.component, new.status, new.value, new.license,
                            int(new.license_given), new.notes):
                return False
            urls = _urls_json(new.urls, commit)
            if old[8] != urls:  # relative to the commit: mostly the same
                links.append((urls, old[0]))
        self.conn.execute(
            "UPDATE records SET source_version = ?, assessed_date = ?, data = ?, imported_at = ? "
            "WHERE id = ?",
            (record.source_version, record.assessed_date,
             json.dumps(record.data, sort_keys=True) if record.data else None, now, row[0]),
        )
        if links:  # links are stored relative to the commit: mostly none
            self.conn.executemany("UPDATE assessments SET urls = ? WHERE id = ?", links)
        # What rebuild_release would find: the release's facts come from the same records,
        # its popularity from this one's downloads (in steps: mostly the same).
        popularity = popularity_of(record.data.get("downloads"))
        if popularity != row[16]:
            self.conn.execute("UPDATE releases SET popularity = ?, updated_at = ? WHERE id = ?",
                              (popularity, now, target.release_id))
        return True

    def _store_record(
        self, record: SourceRecord, target: identity.Target, now: str, record_changes: bool
    ) -> int:
        old_id = self._record_id(record.source, record.key)
        old_assessments: dict[tuple[str, str], tuple[Any, ...]] = {}
        if old_id is not None:
            for row in self.conn.execute(
                "SELECT framework, component, status, license FROM assessments "
                "WHERE record_id = ?",
                (old_id,),
            ):
                old_assessments[(row[0], row[1])] = (row[2], row[3])
            self.conn.execute("DELETE FROM assessments WHERE record_id = ?", (old_id,))
            self.conn.execute("DELETE FROM records WHERE id = ?", (old_id,))
        organization_id = self.ensure_organization(record.organization)
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
        cursor = self.conn.execute(
            f"INSERT INTO records({columns}) VALUES ({marks})", tuple(values.values())
        )
        record_id = cursor.lastrowid
        commit = _link_commit(record.source, record.source_version)
        self.conn.executemany(
            "INSERT INTO assessments(record_id, framework, component, status, value, license, "
            "license_given, urls, notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (record_id, a.framework, a.component, a.status, a.value, a.license,
                 int(a.license_given), _urls_json(a.urls, commit), a.notes)
                for a in record.assessments
            ],
        )
        changes = 0
        if old_id is not None and target.release_id and record_changes:
            new_assessments = {(a.framework, a.component): (a.status, a.license)
                               for a in record.assessments}
            for key in sorted(set(old_assessments) | set(new_assessments)):
                old, new = old_assessments.get(key), new_assessments.get(key)
                if old != new:
                    self._log_change(target.release_id, record.source,
                                     f"{key[0]}:{key[1]}", _fmt(old), _fmt(new), now)
                    changes += 1
        return changes

    def _log_change(self, release_id: str | None, source: str | None, what: str,
                    old: Any, new: Any, now: str) -> None:
        self.conn.execute(
            "INSERT INTO changes(release_id, source, field, old, new, changed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (release_id, source, what, None if old is None else str(old),
             None if new is None else str(new), now),
        )

    def rebuild_release(
        self, release_id: str, *, now: str | None = None, record_changes: bool = True
    ) -> int:
        """Recompute a release's headline facts from its linked records; log what changed."""
        now = now or _now()
        rows = self.conn.execute(
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
        # The most precise curated date wins (Epoch gives days, the index months); the Hub's
        # repo creation date only when no curated source dates the release.
        dates = [r[2] for r in rows if r[2] and r[0] != "hub"] or [r[2] for r in rows if r[2]]
        if dates:
            merged["release_date"] = max(dates, key=lambda d: (len(d), d))
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
        family_id = self.ensure_family(family_name)
        organization_display = None
        if organization_id:
            found = self.conn.execute(
                "SELECT name FROM organizations WHERE id = ?", (organization_id,)
            ).fetchone()
            organization_display = found[0] if found else organization_name
        hub = next((r for r in rows if r[0] == "hub"), None)
        hub_data = json.loads(hub[12]) if hub and hub[12] else {}
        tags = hub_data.get("tags") if isinstance(hub_data.get("tags"), list) else []
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
        stored = {row[0] for row in self.conn.execute(
            "SELECT key FROM match_keys WHERE release_id = ?", (release_id,))}
        if stored != keys:  # a refresh mostly leaves them as they were
            self.conn.execute("DELETE FROM match_keys WHERE release_id = ?", (release_id,))
            self.conn.executemany(
                "INSERT OR IGNORE INTO match_keys(key, release_id) VALUES (?, ?)",
                [(key, release_id) for key in keys if key],
            )
        old = self.conn.execute("SELECT * FROM releases WHERE id = ?", (release_id,)).fetchone()
        columns = self._release_columns()
        changes = 0
        if old is None:
            merged.update(id=release_id, updated_at=now)
            names = ", ".join(merged)
            self.conn.execute(
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
                        self._log_change(release_id, None, key, previous.get(key), diff[key], now)
                        changes += 1
            if diff:
                diff["updated_at"] = now
                sets = ", ".join(f"{k} = ?" for k in diff)
                self.conn.execute(
                    f"UPDATE releases SET {sets} WHERE id = ?", (*diff.values(), release_id)
                )
        return changes

    def _release_columns(self) -> list[str]:
        # Asked once per connection (and schema): rebuild_release runs once per record ingested.
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        cached = getattr(self, "_columns_cache", None)
        if cached is None or cached[0] != version:
            cached = (version, [d[1] for d in self.conn.execute("PRAGMA table_info(releases)")])
            self._columns_cache = cached
        return cached[1]

    def rekey_release(self, old_id: str, new_id: str) -> None:
        """Give a release a new id (a Hub repo id found later), keeping everything linked."""
        for sql in (
            "UPDATE releases SET id = ? WHERE id = ?",
            "UPDATE records SET release_id = ? WHERE release_id = ?",
            "UPDATE match_keys SET release_id = ? WHERE release_id = ?",
            "UPDATE changes SET release_id = ? WHERE release_id = ?",
            "UPDATE release_summary SET release_id = ? WHERE release_id = ?",
        ):
            self.conn.execute(sql, (new_id, old_id))

    # -- reading -------------------------------------------------------------------------------

    def release(self, release_id: str) -> dict[str, Any] | None:
        cursor = self.conn.execute("SELECT * FROM releases WHERE id = ?", (release_id,))
        row = cursor.fetchone()
        if row is None:
            return None
        return dict(zip([d[0] for d in cursor.description], row, strict=True))

    def resolve(self, text: str) -> str | None:
        """The release id for what a user typed: an id, a Hub repo id, or an exact name."""
        text = text.strip()
        if not text:
            return None
        for sql in (
            "SELECT id FROM releases WHERE id = ?",
            "SELECT id FROM releases WHERE id = ? COLLATE NOCASE",
            "SELECT id FROM releases WHERE hub_id = ? COLLATE NOCASE",
            "SELECT id FROM releases WHERE name = ? COLLATE NOCASE ORDER BY release_date DESC",
        ):
            row = self.conn.execute(sql, (text,)).fetchone()
            if row:
                return str(row[0])
        row = self.conn.execute(
            "SELECT release_id FROM records WHERE key = ? COLLATE NOCASE "
            "AND release_id IS NOT NULL", (text,)
        ).fetchone()
        return str(row[0]) if row else None

    def records_for(self, release_id: str) -> list[dict[str, Any]]:
        """Every record that speaks about a release: its own, its family's, its organisation's."""
        release = self.release(release_id)
        if release is None:
            return []
        cursor = self.conn.execute(
            "SELECT * FROM records WHERE release_id = ? "
            "OR (scope = 'family' AND family_id IS NOT NULL AND family_id = ?) "
            "OR (scope = 'organization' AND organization_id IS NOT NULL "
            "    AND organization_id = ?) "
            "ORDER BY source, assessed_date DESC, key",
            (release_id, release["family_id"], release["organization_id"]),
        )
        names = [d[0] for d in cursor.description]
        records = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        # Every record's assessments in one query (a release has a few records).
        by_record: dict[int, list[Assessment]] = {record["id"]: [] for record in records}
        commits = {record["id"]: _link_commit(record["source"], record["source_version"])
                   for record in records}
        if by_record:
            marks = ", ".join("?" for _ in by_record)
            for row in self.conn.execute(
                "SELECT record_id, framework, component, status, value, license, "
                f"license_given, urls, notes FROM assessments WHERE record_id IN ({marks}) "
                "ORDER BY record_id, id", tuple(by_record),
            ):
                by_record[row[0]].append(Assessment(
                    framework=row[1], component=row[2], status=row[3], value=row[4],
                    license=row[5], license_given=bool(row[6]),
                    urls=_urls_read(row[7], commits[row[0]]), notes=row[8]))
        for record in records:
            record["data"] = json.loads(record["data"]) if record["data"] else {}
            record["assessments"] = by_record[record["id"]]
        return records

    def family_releases(
        self, family_id: str, *, limit: int | None = FAMILY_RELEASES_LIMIT
    ) -> list[dict[str, Any]]:
        """The family's releases in date order: every curated one, then as many Hub-only ones
        as ``limit`` leaves room for, the most downloaded (a family on the Hub can have a
        quarter of a million fine-tunes and copies; :meth:`family_size` counts them all)."""
        names = ("id", "name", "release_date")
        rows = self.conn.execute(
            "SELECT id, name, release_date FROM releases WHERE family_id = ? "
            "AND (origin < 'hub' OR origin > 'hub')", (family_id,)).fetchall()
        room = -1 if limit is None else max(0, limit - len(rows))
        if room:
            rows += self.conn.execute(
                "SELECT id, name, release_date FROM releases WHERE family_id = ? "
                "AND origin = 'hub' ORDER BY popularity DESC, rowid LIMIT ?",
                (family_id, room)).fetchall()
        rows.sort(key=lambda r: (r[2] is None, r[2] or "", r[1] or ""))
        return [dict(zip(names, r, strict=True)) for r in rows]

    def family_size(self, family_id: str) -> int:
        """How many releases the family has."""
        return int(self.conn.execute("SELECT count(*) FROM releases WHERE family_id = ?",
                                     (family_id,)).fetchone()[0])

    def changes_for(self, release_id: str) -> list[dict[str, Any]]:
        cursor = self.conn.execute(
            "SELECT field, old, new, source, changed_at FROM changes WHERE release_id = ? "
            "ORDER BY changed_at DESC, id DESC",
            (release_id,),
        )
        return [dict(zip(("field", "old", "new", "source", "changed_at"), r, strict=True))
                for r in cursor]

    def search(
        self,
        query: str = "",
        *,
        where: Sequence[str] = (),
        params: Sequence[Any] = (),
        limit: int = 50,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """Releases matching ``query`` (FTS, quoted) and extra SQL conditions, best first.

        Best first is the text index's order (:data:`SEARCH_KEY_ROWID_MASK`): curated releases,
        then the most downloaded (by :func:`popularity_of` steps, then in order of arrival), so
        the search stops after ``limit`` matches.
        """
        conditions = list(where)
        args: list[Any] = []
        match = quote_fts(query)
        if match:
            sql = (
                "SELECT releases.* FROM releases_fts JOIN releases "
                f"ON releases.rowid = (releases_fts.rowid & {SEARCH_KEY_ROWID_MASK}) "
                "WHERE releases_fts MATCH ?"
            )
            args.append(match)
            order = "releases_fts.rowid"
        else:
            sql = "SELECT releases.* FROM releases WHERE 1"
            order = "releases.release_date IS NULL, releases.release_date DESC, releases.name"
        for condition in conditions:
            sql += f" AND ({condition})"
        args.extend(params)
        sql += f" ORDER BY {order} LIMIT ? OFFSET ?"
        args.extend([max(0, int(limit)), max(0, int(offset))])
        cursor = self.conn.execute(sql, args)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def iter_release_ids(self, batch: int = 1000) -> Iterator[str]:
        """Every release id, in pages (never the whole table in memory)."""
        last = ""
        while True:
            rows = self.conn.execute(
                "SELECT id FROM releases WHERE id > ? ORDER BY id LIMIT ?", (last, batch)
            ).fetchall()
            if not rows:
                return
            for (release_id,) in rows:
                yield release_id
            last = rows[-1][0]

    def count(self, table: str) -> int:
        if table not in {"releases", "records", "assessments", "families", "organizations",
                         "changes", "release_summary"}:
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def _fmt(value: tuple[Any, ...] | None) -> str | None:
    if value is None:
        return None
    status, license_ = value
    return f"{status} ({license_})" if license_ else str(status)


def _neg_date(value: str | None) -> str:
    # Sort key that puts later dates first without parsing them.
    if not value:
        return "~"
    return "".join(chr(0x7E - (ord(c) - 0x20)) if 0x20 <= ord(c) <= 0x7E else c for c in value)


def iter_batches(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
