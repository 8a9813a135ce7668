"""How an assessment's links are stored in the ``assessments`` table.

A Hub record's links name its commit; a refresh mostly brings a new commit and nothing else, so
links are stored with the commit replaced by :data:`COMMIT` and put back on read: the rows stay
as they were. Shared by the reads (:meth:`openexplorer.db.cache.Cache.records_for`) and the
writes (:mod:`openexplorer.store.ingest`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

#: Keys of a record's ``data`` that change between two reads of the same source without saying
#: anything about openness (the Hub's counters and dates): a record that differs from the stored
#: one only there (and in its commit, read date and the links naming the commit) keeps its
#: assessments and scores (:func:`openexplorer.store.ingest.ingest`). Downloads are no change in
#: ``changes`` either way.
VOLATILE_DATA = {"hub": frozenset({"downloads", "likes", "last_modified", "fetched_at"})}

# Printable ASCII but the quote and the backslash: what json.dumps writes as it is.
_JSON_AS_IS = re.compile(r"[ !#-\[\]-~]*")


#: Stands for the record's commit in its stored links (NUL: never in a URL), so that a refresh
#: that brings a new commit and nothing else leaves the assessments' rows alone.
COMMIT = "\x00"
COMMIT_JSON = "\\u0000"


def urls_json(urls: Sequence[str], commit: str | None = None) -> str | None:
    """An assessment's links as stored: ``json.dumps(list(urls))``, None for none, with the
    record's ``commit`` written as :data:`COMMIT` (:func:`urls_read` puts it back). Links
    rarely need escaping, so they are joined directly (a refresh writes some 20 lists per
    model)."""
    if not urls:
        return None
    if all(isinstance(u, str) for u in urls) and _JSON_AS_IS.fullmatch("".join(urls)):
        text = '["' + '", "'.join(urls) + '"]'
        if not commit:
            return text
        if commit.isalnum():  # never part of the quotes and commas between the links
            return text.replace(commit, COMMIT_JSON)
    if commit:
        urls = [u.replace(commit, COMMIT) if isinstance(u, str) else u for u in urls]
    return json.dumps(list(urls))


def urls_read(text: str | None, commit: str | None) -> tuple[str, ...]:
    """The links :func:`urls_json` stored, with the record's commit put back."""
    if not text:
        return ()
    urls = json.loads(text)
    if commit and COMMIT_JSON in text:
        return tuple(u.replace(COMMIT, commit) for u in urls)
    return tuple(urls)


def link_commit(source: str, source_version: str | None) -> str | None:
    """The commit a record's links are stored relative to: a Hub record's (the sources whose
    refresh is mostly counters and a new commit); None for the others, stored as they are."""
    return source_version if source in VOLATILE_DATA else None
