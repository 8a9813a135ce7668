"""Pages of search results read for the results table: :func:`read_page` (one page after a key,
as the tuples the model keeps) and :class:`PageReader`, which reads them on a thread of its own
with its own read-only connection, so that a table scrolling through a large cache never waits
for SQLite inside a frame.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openexplorer.db.cache import Cache
from openexplorer.search import planner
from openexplorer.search.summary import Filters

log = logging.getLogger(__name__)

#: The summary fields a row keeps (a tuple per row keeps loaded pages small).
FIELDS = (
    "release_id", "name", "family", "organization", "org_kind", "country", "release_date",
    "modality", "parameters", "origin", "license_id", "license_name", "license_category",
    "commercial_use", "osi_approved", "mof_class", "mof_progress_iii", "mof_progress_ii",
    "mof_progress_i", "mof_total", "mof_provisional", "osai_score", "osai_availability",
    "osai_documentation", "osai_access", "osai_provisional", "osaid_verdict", "osi_outcome",
    "gated", "downloads",
)
#: A page's row: FIELDS, then the text index key when there is a query.
KEYED = (*FIELDS, "search_key")



@dataclass(frozen=True)
class PageQuery:
    """What a page is read for: a model's query, filters and sort at one moment."""

    query: str
    filters: Filters
    sort: str
    descending: bool
    limit: int


def read_page(cache: Cache, search: PageQuery, after: Any, *,
              packed: bool = False) -> tuple[list[tuple[Any, ...]], Any]:
    """One page of ``search`` after the key ``after`` (None: the first), as the tuples a model
    keeps, and the key after its last row (None when the page is empty). ``packed`` on the
    reader's thread (see :func:`openexplorer.search.summary.search`)."""
    rows = planner.search(cache, search.query, search.filters, sort=search.sort,
                          descending=search.descending, limit=search.limit, after=after,
                          columns=FIELDS, packed=packed)  # tuples: no Python per row
    end = planner.page_key(dict(zip(KEYED, rows[-1], strict=False)), search.query,
                           sort=search.sort, descending=search.descending) if rows else None
    return rows, end


class _Job:
    __slots__ = ("generation", "page", "search", "after", "ahead")

    def __init__(self, generation: int, page: int, search: PageQuery, after: Any,
                 ahead: int) -> None:
        self.generation, self.page, self.search = generation, page, search
        self.after, self.ahead = after, ahead


class PageReader:
    """Reads pages of results on a thread of its own, with its own read-only connection, so
    that a table scrolling through a large cache never waits for SQLite inside a frame.

    :meth:`request` queues a page: ``urgent`` ones (a page a view is waiting for) before the
    pages read ahead, the newest first. ``ahead`` more pages are then read one after the other,
    each from the key where the one before ended. :meth:`take` hands over a page once read;
    :meth:`wait` blocks until a requested page is read. ``on_read(generation, page)`` is called on
    the reader's thread after each page. A new :meth:`start_generation` drops what older requests
    asked for. The thread ends after :attr:`IDLE_SECONDS` without work and starts again when a
    page is requested; :meth:`close` ends it at once.
    """

    IDLE_SECONDS = 5.0

    def __init__(self, path: Path, on_read: Callable[[int, int], None]) -> None:
        self._path = path
        self._on_read = on_read
        self._lock = threading.Condition()
        self._urgent: deque[_Job] = deque()
        self._later: deque[_Job] = deque()
        self._done: dict[int, tuple[list[tuple[Any, ...]], Any]] = {}
        self._pending: set[int] = set()  # pages queued or being read
        self._generation = 0
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def open(self) -> bool:
        """False once closed, or once a read failed (the caller reads on its own thread)."""
        return not self._closed

    def start_generation(self, generation: int) -> None:
        with self._lock:
            self._generation = generation
            self._urgent.clear()
            self._later.clear()
            self._done.clear()
            self._pending.clear()

    def request(self, generation: int, page: int, search: PageQuery, after: Any, *,
                urgent: bool = False, ahead: int = 0) -> None:
        with self._lock:
            if self._closed or generation != self._generation:
                return
            job = _Job(generation, page, search, after, ahead)
            if page in self._pending:
                if urgent:  # move it to the front
                    for queue in (self._urgent, self._later):
                        for queued in queue:
                            if queued.page == page:
                                queue.remove(queued)
                                job.ahead = max(ahead, queued.ahead)
                                self._urgent.appendleft(job)
                                break
                        else:
                            continue
                        break
                return
            if page in self._done:
                return
            self._pending.add(page)
            (self._urgent.appendleft if urgent else self._later.append)(job)
            self._lock.notify_all()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="results-pages",
                                                daemon=True)
                self._thread.start()

    def is_pending(self, page: int) -> bool:
        with self._lock:
            return page in self._pending

    def pending_count(self) -> int:
        """How many pages are queued or being read (0: the reader is idle)."""
        with self._lock:
            return len(self._pending)

    def done_count(self) -> int:
        """How many pages are read and not yet taken (held in memory by the reader)."""
        with self._lock:
            return len(self._done)

    def take(self, generation: int, page: int) -> tuple[list[tuple[Any, ...]], Any] | None:
        with self._lock:
            if generation != self._generation:
                return None
            return self._done.pop(page, None)

    def take_all(self, generation: int) -> dict[int, tuple[list[tuple[Any, ...]], Any]]:
        with self._lock:
            if generation != self._generation:
                return {}
            done, self._done = self._done, {}
            return done

    def wait(self, generation: int, page: int, timeout: float) -> bool:
        """Block until ``page`` is read (True) or is no longer asked for (False)."""
        with self._lock:
            return self._lock.wait_for(
                lambda: (generation != self._generation or page in self._done
                         or page not in self._pending), timeout) and page in self._done

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._urgent.clear()
            self._later.clear()
            self._lock.notify_all()

    def _next(self) -> _Job | None:
        """The next job (under the lock), None when idle for too long or closed."""
        while True:
            if self._closed:
                return None
            for queue in (self._urgent, self._later):
                while queue:
                    job = queue.popleft()
                    if job.generation == self._generation:
                        return job
            if not self._lock.wait(self.IDLE_SECONDS) and not (self._urgent or self._later):
                return None

    def _run(self) -> None:
        cache: Cache | None = None
        try:
            while True:
                with self._lock:
                    job = self._next()
                    if job is None:
                        self._thread = None
                        self._pending.clear()
                        self._lock.notify_all()
                        return
                try:
                    if cache is None:
                        cache = Cache.open(self._path, readonly=True)
                    rows, end = read_page(cache, job.search, job.after, packed=True)
                except Exception:  # e.g. a read-only folder without the WAL index
                    log.warning("reading a page of results on the reader failed", exc_info=True)
                    with self._lock:
                        self._closed = True
                        self._thread = None
                        self._pending.clear()
                        self._lock.notify_all()
                    self._on_read(job.generation, job.page)  # rows waiting for it: read there
                    return
                with self._lock:
                    if job.generation != self._generation:
                        continue
                    self._pending.discard(job.page)
                    self._done[job.page] = (rows, end)
                    if job.ahead > 0 and len(rows) == job.search.limit:
                        following = job.page + 1
                        if following not in self._pending and following not in self._done:
                            self._pending.add(following)
                            self._later.appendleft(_Job(job.generation, following, job.search,
                                                        end, job.ahead - 1))
                    self._lock.notify_all()
                self._on_read(job.generation, job.page)
        finally:
            if cache is not None:
                cache.close()


__all__ = ["FIELDS", "PageQuery", "PageReader", "read_page"]
