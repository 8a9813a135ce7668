"""The text index over releases (``releases_fts``) and the search key that orders it.

The index is keyed by popularity (migration 4 in :mod:`openexplorer.db.schema`): its rowid is
the release's search key, so "the best 50 matches" are the first 50 rowids of a MATCH. Here:
the key's SQL, the popularity steps it is made of (in Python and in SQL), the index's DDL and
triggers, the quoting of user text into an FTS5 query, and :func:`normalise`, the one
folding both the index's text and the query go through (so ``Ｌｌａｍａ`` finds ``llama``).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from typing import Any

#: The text index's rowid for a release (see migration 4): curated releases first, then by
#: popularity (most first, capped at 2**30 - 1), then by rowid; the release's rowid is the low
#: 32 bits.
SEARCH_KEY_ROWID_MASK = 0xFFFFFFFF
#: Releases with fewer downloads than this (a month, as the Hub counts them) share the lowest
#: popularity: counts that small are mostly mirrors and crawlers, and move by more than
#: themselves from one day to the next.
POPULARITY_FLOOR = 100
_POPULARITY_CAP = 1073741823  # 2**30 - 1: the search key keeps 30 bits for it


#: The SQL name of :func:`normalise` on the cache's connections (:func:`register_functions`):
#: the text index's triggers (migration 7) call it.
NORMALISE_SQL = "oe_normalise"


def normalise(text: str) -> str:
    """The text as the text index holds it and as a query is matched against it: Unicode
    compatibility forms folded (NFKC: full-width ``Ｌｌａｍａ`` is ``Llama``, ``ﬁ`` is ``fi``,
    ``²`` is ``2``), then case folded (``ß`` is ``ss``). Every index write (migration 7's
    triggers, through :data:`NORMALISE_SQL`) and every query (:func:`quote_fts`) uses it.

    NFKC and case folding are stable for assigned characters (Unicode's stability policy), so
    an entry written by one Python is deleted by the same text under another.
    """
    return unicodedata.normalize("NFKC", text).casefold()


def _normalise_sql(value: Any) -> Any:
    return normalise(value) if isinstance(value, str) else value


def register_functions(conn: sqlite3.Connection) -> None:
    """Make :data:`NORMALISE_SQL` callable on ``conn``. Every connection that writes
    ``releases`` needs it (its triggers call it): the cache's own connections have it."""
    conn.create_function(NORMALISE_SQL, 1, _normalise_sql, deterministic=True)


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
    return step * int(10 ** (len(digits) - 1))


def popularity_sql(downloads: str) -> str:
    """:func:`popularity_of` in SQL (no math functions: SQLite may be built without them)."""
    count = f"min(max(coalesce({downloads}, 0), 0), {_POPULARITY_CAP})"
    return (f"(CASE WHEN {count} < {POPULARITY_FLOOR} THEN 0 ELSE "
            f"(CASE WHEN substr({count}, 1, 1) >= '5' THEN 5 "
            f"WHEN substr({count}, 1, 1) >= '2' THEN 2 ELSE 1 END) "
            f"* CAST('1' || substr('000000000', 1, length({count}) - 1) AS INTEGER) END)")


def search_key_sql(row: str) -> str:
    """SQL for the search key of a ``releases`` row (``new``, ``old`` or the table's name)."""
    return (f"((CASE WHEN {row}.origin = 'hub' THEN 1 ELSE 0 END) << 62) + "
            f"((1073741823 - min(max(coalesce({row}.popularity, 0), 0), 1073741823)) << 32) + "
            f"{row}.rowid")


def text_index_sql(*, only_on_change: bool = False, normalised: bool = False) -> str:
    """The text index (releases_fts) built anew from ``releases``, and the triggers that keep it
    (migrations 4, 5 and 7). ``only_on_change``: the update trigger fires only when a value it
    indexes, or the search key, really changed. ``normalised`` (migration 7): every value goes
    through :func:`normalise` (:data:`NORMALISE_SQL`) on its way in and out of the index."""

    def cols(row: str) -> str:
        names = ("name", "hub_id", "family", "organization", "tags")
        prefix = f"{row}." if row else ""
        if normalised:
            return ", ".join(f"{NORMALISE_SQL}({prefix}{n})" for n in names)
        return ", ".join(f"{prefix}{n}" for n in names)

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
        SELECT {search_key_sql("releases")}, {cols("")}
        FROM releases ORDER BY 1;
    INSERT INTO releases_fts(releases_fts) VALUES ('optimize');
    CREATE TRIGGER releases_ai AFTER INSERT ON releases BEGIN
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES ({search_key_sql("new")}, {cols("new")});
    END;
    CREATE TRIGGER releases_ad AFTER DELETE ON releases BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', {search_key_sql("old")}, {cols("old")});
    END;
    CREATE TRIGGER releases_au
    AFTER UPDATE OF name, hub_id, family, organization, tags, popularity, origin ON releases
{when}    BEGIN
        INSERT INTO releases_fts(releases_fts, rowid, name, hub_id, family, organization, tags)
        VALUES ('delete', {search_key_sql("old")}, {cols("old")});
        INSERT INTO releases_fts(rowid, name, hub_id, family, organization, tags)
        VALUES ({search_key_sql("new")}, {cols("new")});
    END;"""



def quote_fts(text: str) -> str:
    """Turn user text into a safe FTS5 query: every term quoted, the last one a prefix.

    User search text is never passed raw to FTS5 (``llama-3`` would be read as a column filter).
    The text is folded first as the index's text was (:func:`normalise`).
    """
    terms = re.findall(r"\w[\w.+-]*", normalise(text), flags=re.UNICODE)
    if not terms:
        return ""
    quoted = ['"' + term.replace('"', '""') + '"' for term in terms[:16]]
    quoted[-1] += "*"
    return " ".join(quoted)
