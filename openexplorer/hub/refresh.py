"""Refreshing Hub metadata into the cache: a pure loop (no Qt), with progress and cancel callbacks.

:func:`refresh` reads models from the Hub through a :class:`~openexplorer.hub.client.HubClient` — a
listing (``search``/``author``, pages of expanded metadata, no request per model), the given ids
(``model_info``), or, with neither, every release whose Hub data is older than ``stale_after``
(:func:`due_ids`) — fetches each card (and the licences of the datasets it names), turns each
model into a Hub record (:func:`openexplorer.hub.evidence.record_from_hub`) and writes the records
in batches, one ``store.ingest.ingest`` (one transaction) per batch, on its own connection: it runs on
a worker thread and is the only writer. The cache logs every fact that changed.

What can go wrong, and what happens then:

* offline (``HF_HUB_OFFLINE``) → one ``offline`` failure, no request at all;
* the Hub does not answer the probe (:meth:`HubClient.probe`, one request with the client's own
  timeout) → one ``unreachable`` failure saying what happened (timed out after 10 s, connection
  refused or reset, DNS), at once (not after the library's ~23 s of retries, docs/tech-notes.md G9);
* the Hub answers for another model than the one asked, without redirecting the request → that
  model fails (``malformed``), its record keeps its key (:meth:`HubClient.model_info`);
* a model fails (not found, gated, private, malformed answer…) → its failure goes in the report,
  its old record stays as it was, the others go on;
* 429 → wait ``Retry-After`` / ``RateLimit`` seconds (through the injected ``sleep``) and try the
  same request again, at most :data:`MAX_ATTEMPTS` times; a wait longer than :data:`MAX_WAIT`
  stops the run instead;
* 5xx and timeouts → exponential backoff (1, 2, 4… s, capped), a bounded number of times;
* the Hub goes away mid-run, or refuses the token → the run stops, written batches stay;
* the Hub fails :data:`BREAKER_REQUESTS` requests in a row (5xx, timeouts, unreachable, 429), or
  :data:`BREAKER_MIN_REQUESTS` in a row over :data:`BREAKER_SECONDS` → the run gives up (the
  circuit breaker: ``report.gave_up``), written batches stay, the next run tries again;
* ``should_stop()`` → checked between models (and during waits): batches already written stay,
  the batch being collected is dropped (nothing half-done is written), ``report.cancelled``.

Budget and retries: :mod:`openexplorer.hub.policy` (a :class:`RequestBudget` per bucket, API
and resolver). The tier is ``free`` when a token is set, else ``anonymous``;
``RefreshRequest.tier`` or ``.api_budget`` override it.

Nothing here prints: progress goes to ``on_progress``, the outcome is the returned
:class:`RefreshReport` (``openexplorer refresh`` prints both, :mod:`openexplorer.commands.refresh`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from openexplorer.core.records import ImportResult, SourceRecord
from openexplorer.store.ingest import ingest
from openexplorer.store.writes import rekey_release
from openexplorer.db.cache import Cache, CacheError
from openexplorer.hub import evidence as hub_evidence
from openexplorer.hub.client import HubClient, HubError, ModelInfo
from openexplorer.hub.transport import proxy_settings_problem
from openexplorer.hub.policy import (
    MAX_WAIT,
    RequestBudget,
    budget_for,
    rate_limit_state,
    retry_delay,
)

__all__ = [
    "BACKOFF_KINDS",
    "DEFAULT_STALE_AFTER",
    "PHASES",
    "RefreshFailure",
    "RefreshProgress",
    "RefreshReport",
    "RefreshRequest",
    "RequestBudget",  # from openexplorer.hub.policy, where it lives
    "budget_for",  # likewise
    "due_ids",
    "refresh",
]

log = logging.getLogger(__name__)

#: A release whose newest Hub record is older than this is due for a refresh.
DEFAULT_STALE_AFTER = timedelta(days=7)
#: Answers after which the periodic refresh waits before asking for a model again: the stale
#: period, doubled at each failure in a row, at most :data:`BACKOFF_MAX_DAYS` (a repo deleted,
#: made private or unreadable; never a rate limit or a network failure).
BACKOFF_KINDS = frozenset({"not_found", "gated", "unauthorized", "malformed"})
BACKOFF_MAX_DAYS = 90.0
#: Kinds of failure that say the Hub itself is failing (not this model): they feed the breaker.
BREAKER_KINDS = frozenset({"server", "timeout", "unreachable", "rate_limited"})
#: Failed requests in a row, for more than one model, after which a run gives up on the Hub
#: (one model's own retries never trip it by their number alone) …
BREAKER_REQUESTS = 5
#: … or this many in a row, over at least :data:`BREAKER_SECONDS` (a Hub that hangs costs the
#: client's timeout a request: 3 hung requests are 30 s).
BREAKER_MIN_REQUESTS = 3
BREAKER_SECONDS = 30.0
#: Datasets per model whose licence is looked up (the rest stay "unknown").
MAX_DATASETS_PER_MODEL = 8

PHASES = ("checking", "listing", "fetching", "waiting", "writing", "done")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _stamp(when: datetime) -> str:
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True)
class RefreshRequest:
    """What to refresh.

    ``ids``: these models (Hub repo ids, or anything :meth:`Cache.resolve` knows). Else
    ``search``/``author``: a Hub listing, at most ``limit`` models. Else: every release that is
    due (:func:`due_ids` with ``stale_after``, default :data:`DEFAULT_STALE_AFTER`), at most
    ``limit``. With ``ids`` and ``stale_after`` both, only the due ones among the ids.
    """

    search: str | None = None
    author: str | None = None
    ids: tuple[str, ...] = ()
    limit: int | None = None
    stale_after: timedelta | None = None
    with_cards: bool = True
    with_datasets: bool = True  # look up the licences of the datasets a model names
    batch_size: int = 50
    tier: str | None = None  # "anonymous" | "free" | "pro"; default from the token
    api_budget: int | None = None  # API calls per 5 minutes, overriding the tier's


@dataclass(frozen=True)
class RefreshProgress:
    done: int  # models finished (written, failed or skipped)
    total: int | None  # None while a listing is still being read
    current_id: str | None
    phase: str  # one of PHASES
    note: str | None = None  # while waiting: why and how long ("the Hub answered HTTP 503; …")


class RefreshFailure(NamedTuple):
    id: str  # the model as requested; "*" for the whole run; "search:…" for a listing
    kind: str  # a HubError kind, or "cache"
    message: str


@dataclass
class RefreshReport:
    started: datetime
    finished: datetime | None = None
    requested: int = 0  # models asked for (ids given, or listed so far)
    updated: int = 0  # Hub records written
    unchanged: int = 0  # of those, models whose commit (sha) is the one we had
    failed: list[RefreshFailure] = field(default_factory=list)
    cancelled: bool = False
    calls: int = 0  # HTTP requests made (API and file)
    changes: int = 0  # facts that changed (rows added to the changes table)
    renamed: dict[str, str] = field(default_factory=dict)  # requested id -> current repo id
    warnings: list[str] = field(default_factory=list)
    waited: float = 0.0  # seconds spent waiting: rate limits, backoff and the budget
    waited_for_errors: float = 0.0  # of those, backoff after 5xx answers and timeouts
    stopped: str | None = None  # why the run ended early (not a cancel), if it did
    gave_up: bool = False  # the circuit breaker stopped the run: the Hub failed too often
    retry_at: datetime | None = None  # when the next scheduled run will try (set by a scheduler)

    @property
    def ok(self) -> bool:
        return not self.failed and not self.cancelled

    @property
    def unreachable(self) -> bool:
        return self.whole_run is not None and self.whole_run.kind in ("unreachable", "offline")

    @property
    def whole_run(self) -> RefreshFailure | None:
        """The failure that stopped the whole run (id ``"*"``), if one did."""
        return next((f for f in self.failed if f.id == "*"), None)

    @property
    def failed_models(self) -> list[RefreshFailure]:
        """The failures of models (not of the whole run, nor of a listing)."""
        return [f for f in self.failed if f.id != "*" and not f.id.startswith(("search:",
                                                                                "author:"))]

    @property
    def waited_for_rate_limits(self) -> float:
        return max(0.0, self.waited - self.waited_for_errors)

    def summary(self) -> str:
        """One line for a status bar or a terminal."""
        whole_run = self.whole_run
        if self.unreachable and whole_run is not None:
            return whole_run.message
        parts = [f"{self.updated} of {max(self.requested, self.updated)} models refreshed"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        parts.append(f"{self.changes} changes")
        if self.failed_models:
            parts.append(f"{len(self.failed_models)} failed")
        if self.gave_up and whole_run is not None:
            parts.append(whole_run.message)
        if self.cancelled:
            parts.append("cancelled")
        return ", ".join(parts)


def _probe(client: Any) -> str | None:
    """Why the Hub cannot be reached (:meth:`HubClient.probe`), or None."""
    probe = getattr(client, "probe", None)
    if callable(probe):
        found = probe()
        return None if found is None else str(found)
    return None if client.reachable() else "it did not answer"


def _what_failed(exc: HubError) -> str:
    if exc.kind == "server":
        return f"HTTP {exc.status}" if exc.status else "server errors"
    if exc.kind == "timeout":
        return "HTTP 408" if exc.status == 408 else "no answer in time"
    if exc.kind == "rate_limited":
        return "rate limited, HTTP 429"
    return "not reachable"


def _retry_note(exc: HubError, delay: float) -> str:
    """What a wait before another try is for, for the progress line."""
    if exc.kind == "rate_limited":
        if exc.retry_after is not None:
            return f"rate limited by the Hub (HTTP 429); waiting {delay:.0f} s as it asks"
        return (f"rate limited by the Hub (HTTP 429, no usable Retry-After); retrying in "
                f"{delay:.0f} s")
    if exc.kind == "server":
        status = f"HTTP {exc.status}" if exc.status else "a server error"
        return f"the Hub answered {status}; retrying in {delay:.0f} s"
    if exc.kind == "timeout":
        return f"the Hub did not answer in time; retrying in {delay:.0f} s"
    return f"{exc.kind}; retrying in {delay:.0f} s"


# -- staleness ----------------------------------------------------------------------------------

def due_ids(cache: Cache, older_than: timedelta, now: datetime, *,
            limit: int | None = None) -> list[str]:
    """Hub ids of releases due for a refresh: never read from the Hub first, then the oldest;
    the first ``limit`` of them (all without).

    A release is due when it has a Hub id and no Hub record yet, or its newest Hub record was
    written longer than ``older_than`` before ``now`` — unless the Hub refused the model lately
    (:data:`BACKOFF_KINDS`: ``older_than`` after one failure, twice that after two, and so on,
    at most :data:`BACKOFF_MAX_DAYS`; ``refresh_failures``). Worked out by SQLite, which keeps
    only the first ``limit`` while it sorts, rather than every release read into Python
    (docs/benchmarks.md).
    """
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    cutoff = (now - older_than).astimezone(UTC).isoformat()
    # A model the Hub refused waits the stale period doubled at each failure in a row.
    sql = (
        "SELECT d.hub_id FROM ("
        "  SELECT r.hub_id AS hub_id, julianday(MAX(rec.imported_at)) AS day FROM releases r"
        "  LEFT JOIN records rec ON rec.release_id = r.id AND rec.source = 'hub'"
        "  WHERE r.hub_id IS NOT NULL AND r.hub_id != '' GROUP BY r.id) AS d "
        "LEFT JOIN refresh_failures f ON f.hub_id = d.hub_id "
        "WHERE (d.day IS NULL OR d.day < julianday(:cutoff)) AND (f.hub_id IS NULL "
        "  OR julianday(f.failed_at) + min(:days * (1 << min(f.failures - 1, 16)), :most) "
        "     <= julianday(:now)) "
        "ORDER BY d.day IS NOT NULL, d.day, lower(d.hub_id)"
    )
    values = {"cutoff": cutoff, "now": now.astimezone(UTC).isoformat(),
              "days": older_than.total_seconds() / 86400, "most": BACKOFF_MAX_DAYS}
    wanted = limit if limit is not None and limit > 0 else None
    rows = wanted * 2 if wanted else None  # room for releases that share a Hub id
    while True:
        found = cache.conn.execute(sql + (" LIMIT :rows" if rows else ""),
                                   {**values, "rows": rows}).fetchall()
        seen: set[str] = set()
        out: list[str] = []
        for (hub_id,) in found:
            if hub_id.lower() not in seen:
                seen.add(hub_id.lower())
                out.append(hub_id)
        if wanted is None or rows is None or len(out) >= wanted or len(found) < rows:
            return out[:wanted] if wanted else out
        rows *= 4


# -- the loop -----------------------------------------------------------------------------------

class _Cancelled(Exception):
    pass


class _Abort(Exception):
    """The run cannot go on (the Hub went away, the token is refused, a very long rate limit)."""

    def __init__(self, failure: RefreshFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


def refresh(
    client: HubClient,
    cache_path: str | Path,
    request: RefreshRequest,
    *,
    now: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
    should_stop: Callable[[], bool] = lambda: False,
    on_progress: Callable[[RefreshProgress], None] = lambda p: None,
    budget: RequestBudget | None = None,
) -> RefreshReport:
    """Refresh Hub metadata into the cache at ``cache_path``; see the module docstring.

    ``budget`` (API calls) may be shared between runs (the app keeps one); by default each run
    starts a new one from the request's tier. Waits go through ``sleep``: pass one that returns
    early when a stop is requested to cancel during long waits.
    """
    return _Run(client, request, now=now, sleep=sleep, should_stop=should_stop,
                on_progress=on_progress, budget=budget).execute(Path(cache_path))


class _Run:
    def __init__(self, client: HubClient, request: RefreshRequest, *,
                 now: Callable[[], datetime], sleep: Callable[[float], None],
                 should_stop: Callable[[], bool],
                 on_progress: Callable[[RefreshProgress], None],
                 budget: RequestBudget | None) -> None:
        if request.batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.client = client
        self.request = request
        self.now = now
        self.sleep = sleep
        self.should_stop = should_stop
        self.on_progress = on_progress
        self.report = RefreshReport(started=now())
        tier = request.tier or ("free" if getattr(client, "has_token", False) else "anonymous")

        def clock() -> float:
            return self.now().timestamp()

        self.budgets = {
            "api": budget or RequestBudget(request.api_budget or budget_for(tier, "api"),
                                           clock=clock, sleep=sleep),
            "resolver": RequestBudget(budget_for(tier, "resolver"), clock=clock, sleep=sleep),
        }
        self.done = 0
        self.total: int | None = None
        self.current: str | None = None
        self.phase = "checking"
        self.seen: set[str] = set()
        self.refused: dict[str, tuple[str, str]] = {}  # lower-case id -> (id, kind), to record
        self.dataset_licenses: dict[str, str | None] = {}
        self.cache: Cache | None = None
        self.streak = 0  # Hub failures in a row (BREAKER_KINDS), for the circuit breaker
        self.last_answer = self.report.started  # when the Hub last answered (or the run began)
        self.streak_subjects: set[str] = set()  # the models (or calls) the streak spans

    # -- plumbing --------------------------------------------------------------------------------

    def progress(self, phase: str | None = None, current: str | None = None) -> None:
        if phase:
            self.phase = phase
        if current is not None:
            self.current = current
        self.on_progress(RefreshProgress(self.done, self.total, self.current, self.phase))

    def fail(self, model_id: str, kind: str, message: str) -> None:
        self.report.failed.append(RefreshFailure(model_id, kind, message))
        log.info("refresh: %s failed (%s): %s", model_id, kind, message)

    def wait(self, seconds: float, note: str | None = None, *, error: bool = False) -> None:
        phase = self.phase
        self.phase = "waiting"
        self.on_progress(RefreshProgress(self.done, self.total, self.current, "waiting", note))
        self.sleep(seconds)
        self.report.waited += seconds
        if error:
            self.report.waited_for_errors += seconds
        if self.should_stop():
            raise _Cancelled
        self.progress(phase)

    def before_request(self, bucket: str) -> None:
        self.report.calls += 1
        budget = self.budgets.get(bucket, self.budgets["api"])
        delay = budget.delay()
        if delay > 0:
            phase = self.phase
            self.phase = "waiting"
            self.on_progress(RefreshProgress(
                self.done, self.total, self.current, "waiting",
                f"staying within the Hub's rate limit ({budget.limit} calls per "
                f"{budget.window / 60:g} min); waiting {delay:.0f} s"))
            self.report.waited += budget.acquire()
            self.progress(phase)
        else:
            budget.acquire()

    def after_response(self, bucket: str, status: int, headers: Any) -> None:
        state = rate_limit_state(headers)
        if state is not None:
            self.budgets.get(bucket, self.budgets["api"]).observe(*state)

    def retry_delay(self, exc: HubError, attempt: int, subject: str) -> float | None:
        """Seconds to wait before trying again, or None to give up."""
        wait = retry_delay(exc.kind, attempt, exc.retry_after)
        if wait is not None and wait > MAX_WAIT:
            raise _Abort(RefreshFailure(
                subject, exc.kind, f"the Hub asks us to wait {wait:.0f} s; try again later"))
        return wait

    def call(self, subject: str, fn: Callable[[], Any]) -> Any:
        """``fn()`` with retries on rate limits, 5xx and timeouts."""
        attempt = 1
        while True:
            try:
                result = fn()
            except HubError as exc:
                self.hub_failed(exc, subject)
                delay = self.retry_delay(exc, attempt, subject)
                if delay is None:
                    raise
                log.info("refresh: %s: %s; trying again in %.1f s", subject, exc.kind, delay)
                self.wait(delay, _retry_note(exc, delay), error=exc.kind != "rate_limited")
                attempt += 1
            else:
                self.hub_answered()
                return result

    # -- the circuit breaker ---------------------------------------------------------------------

    def hub_answered(self) -> None:
        self.streak, self.last_answer = 0, self.now()
        self.streak_subjects.clear()

    def hub_failed(self, exc: HubError, subject: str) -> None:
        """Count a failed request; give up on the Hub when too many failed in a row."""
        if exc.kind not in BREAKER_KINDS:
            self.hub_answered()  # the Hub answered (not found, gated…): it works
            return
        self.streak += 1
        self.streak_subjects.add(subject.lower())
        lasted = (self.now() - self.last_answer).total_seconds()
        if (self.streak >= BREAKER_REQUESTS and len(self.streak_subjects) > 1) or (
                self.streak >= BREAKER_MIN_REQUESTS and lasted >= BREAKER_SECONDS):
            self.report.gave_up = True
            raise _Abort(RefreshFailure(
                "*", exc.kind, f"the Hub failed {self.streak} requests in a row "
                f"({_what_failed(exc)}) over {lasted:.0f} s; stopped"))

    def check_fatal(self, exc: HubError, subject: str) -> None:
        """Stop the whole run on failures every other model would share."""
        if exc.kind == "offline":
            raise _Abort(RefreshFailure("*", "offline", "offline mode was switched on"))
        if exc.kind == "unauthorized" and exc.status == 401 and getattr(self.client,
                                                                          "has_token", False):
            raise _Abort(RefreshFailure("*", "unauthorized",
                                        "the Hub refused the token; check HF_TOKEN or log in"))
        if exc.kind == "unreachable":
            problem = _probe(self.client)
            if problem is not None:
                raise _Abort(RefreshFailure(
                    "*", "unreachable",
                    f"the Hub at {self.client.endpoint} stopped answering ({problem})"))

    # -- the run ---------------------------------------------------------------------------------

    def execute(self, cache_path: Path) -> RefreshReport:
        report = self.report
        try:
            if self.client.offline:
                self.fail("*", "offline", "offline mode is on (HF_HUB_OFFLINE); the Hub was not "
                          "contacted")
                return report
            self.progress("checking")
            with Cache.open(cache_path) as cache:
                self.cache = cache
                ids = self.plan(cache)
                if ids is not None and not ids:
                    return report  # nothing due, nothing asked: no network at all
                with self.client.observe(self.before_request, self.after_response):
                    found = _probe(self.client)
                    if found is not None:
                        problem = proxy_settings_problem()
                        self.fail("*", "unreachable", f"{problem}; nothing was refreshed"
                                  if problem else
                                  f"the Hugging Face Hub at {self.client.endpoint} could not be "
                                  f"reached: {found}; nothing was refreshed")
                        return report
                    self.hub_answered()
                    try:
                        self.loop(ids)
                    finally:
                        self._failures_after(())  # the refusals after the last batch
                if report.updated:
                    # What the status bar shows as "last refreshed".
                    cache.set_meta("last_refresh", _stamp(self.now()))
        finally:
            self.cache = None
            report.finished = self.now()
            self.progress("done")
        return report

    def plan(self, cache: Cache) -> list[str] | None:
        """The ids to refresh, or None for a listing."""
        request = self.request
        limit = request.limit if request.limit and request.limit > 0 else None
        if request.ids:
            ids: list[str] = []
            for text in request.ids:
                hub_id = self.hub_id_for(cache, text)
                if hub_id:
                    ids.append(hub_id)
            if request.stale_after is not None:
                due = {i.lower() for i in due_ids(cache, request.stale_after, self.now())}
                ids = [i for i in ids if i.lower() in due]
        elif request.search or request.author:
            return None
        else:
            ids = due_ids(cache, request.stale_after or DEFAULT_STALE_AFTER, self.now(),
                          limit=limit)
        ids = list(dict.fromkeys(ids))[:limit] if limit else list(dict.fromkeys(ids))
        self.total = len(ids) + self.done
        self.report.requested += len(ids)
        return ids

    def hub_id_for(self, cache: Cache, text: str) -> str | None:
        text = text.strip()
        if not text:
            return None
        if "/" in text and ":" not in text and " " not in text:
            # A Hub repo id is asked for as it is: two repos can share one release (gpt2 and
            # openai-community/gpt2), and the release's hub_id names only one of them.
            return text
        release_id = cache.resolve(text)
        release = cache.release(release_id) if release_id else None
        if release and release.get("hub_id"):
            return str(release["hub_id"])
        if release and (":" in text or " " in text):
            self.report.requested += 1
            self.done += 1
            self.fail(text, "not_found", "no Hugging Face repo is known for this release")
            return None
        return text

    def items(self, ids: list[str] | None) -> Iterator[tuple[str, ModelInfo | None]]:
        if ids is not None:
            self.phase = "fetching"
            for model_id in ids:
                yield model_id, None
            return
        yield from self.listing()

    def listing(self) -> Iterator[tuple[str, ModelInfo | None]]:
        """The listing's models, page by page; a failed page is retried by listing again and
        skipping what was already seen."""
        request = self.request
        subject = f"search:{request.search}" if request.search else f"author:{request.author}"
        limit = request.limit if request.limit and request.limit > 0 else None
        self.phase = "listing"
        listed: set[str] = set()
        attempt = 1
        while True:
            models = self.client.list_models(search=request.search, author=request.author,
                                             limit=limit)
            try:
                for info in models:
                    if info.id.lower() in listed:
                        continue
                    listed.add(info.id.lower())
                    attempt = 1
                    self.report.requested += 1
                    yield info.id, info
                self.total = self.done  # the last one is done when the listing runs out
                return
            except HubError as exc:
                self.hub_failed(exc, subject)
                delay = self.retry_delay(exc, attempt, subject)
                if delay is None:
                    self.fail(subject, exc.kind, f"listing stopped: {exc}")
                    self.check_fatal(exc, subject)
                    self.total = self.done
                    return
                self.wait(delay, _retry_note(exc, delay), error=exc.kind != "rate_limited")
                attempt += 1

    def loop(self, ids: list[str] | None) -> None:
        batch: list[SourceRecord] = []
        try:
            for requested, info in self.items(ids):
                if self.should_stop():
                    raise _Cancelled
                self.progress(current=requested)
                try:
                    record = self.one(requested, info)
                finally:
                    self.done += 1
                if record is not None:
                    batch.append(record)
                if len(batch) >= self.request.batch_size:
                    pending, batch = batch, []
                    self.write(pending)
                self.progress()
            if batch:
                pending, batch = batch, []
                self.write(pending)
        except _Cancelled:
            self.report.cancelled = True
            if batch:
                self.report.warnings.append(
                    f"cancelled: {len(batch)} fetched models were not written")
        except _Abort as abort:
            self.report.failed.append(abort.failure)
            self.report.stopped = abort.failure.message
            if batch:  # complete records fetched before the stop: keep them
                try:
                    self.write(batch)
                except _Abort as again:
                    self.report.failed.append(again.failure)
        if self.total is None or self.total < self.done:
            self.total = self.done

    def one(self, requested: str, info: ModelInfo | None) -> SourceRecord | None:
        """One model's record, or None (its failure reported). Raises _Abort / _Cancelled."""
        client = self.client
        try:
            if info is None:
                info = self.call(requested, lambda: client.model_info(requested))
            assert info is not None
            canonical = info.id
            if canonical.lower() != requested.lower():
                self.report.renamed[requested] = canonical
            if canonical.lower() in self.seen:
                return None  # the same repo under another name in this run
            self.seen.add(canonical.lower())
            card = self.card(canonical, info) if self.request.with_cards else None
            fetched_at = _stamp(self.now())
            record = hub_evidence.record_from_hub(info, card, fetched_at=fetched_at)
            if self.request.with_datasets:
                licenses = self.licenses_of(record)
                if licenses:
                    record = hub_evidence.record_from_hub(info, card, fetched_at=fetched_at,
                                                          dataset_licenses=licenses)
        except HubError as exc:
            self.fail(requested, exc.kind, str(exc))
            self.check_fatal(exc, requested)
            self.refuse(requested, exc.kind)
            return None
        except (_Abort, _Cancelled):
            raise
        except Exception as exc:
            log.exception("refresh: %s could not be read", requested)
            self.fail(requested, "malformed", f"{requested}: could not be read "
                      f"({type(exc).__name__}: {exc})")
            self.refuse(requested, "malformed")
            return None
        if not record.key:
            problems = "; ".join(record.data.get("problems") or []) or "no repo id"
            self.fail(requested, "malformed", f"{requested}: unusable answer ({problems})")
            self.refuse(requested, "malformed")
            return None
        return record

    def refuse(self, hub_id: str, kind: str) -> None:
        """Note a model the Hub refused, for :func:`due_ids` to wait before the next try."""
        if kind in BACKOFF_KINDS:
            self.refused[hub_id.lower()] = (hub_id, kind)

    def record_failures(self, written: Iterable[str] = ()) -> None:
        """Store the refusals noted since the last call; forget the failures of ``written``."""
        assert self.cache is not None
        refused, self.refused = self.refused, {}
        conn, stamp = self.cache.conn, _stamp(self.now())
        if conn.execute("SELECT 1 FROM refresh_failures LIMIT 1").fetchone() is None:
            written = []  # nothing to forget (the usual case): no transaction for it
        written = [key for key in written if key.lower() not in refused]
        if not refused and not written:
            return
        with conn:
            self.cache.begin_write()
            conn.executemany("DELETE FROM refresh_failures WHERE hub_id = ?",
                             [(key,) for key in written])
            conn.executemany(
                "INSERT INTO refresh_failures(hub_id, kind, failures, failed_at) "
                "VALUES (?, ?, 1, ?) ON CONFLICT(hub_id) DO UPDATE SET kind = excluded.kind, "
                "failures = failures + 1, failed_at = excluded.failed_at",
                [(hub_id, kind, stamp) for hub_id, kind in refused.values()])

    def card(self, repo_id: str, info: ModelInfo) -> str | None:
        try:
            text: str | None = self.call(repo_id, lambda: self.client.model_card(
                repo_id, revision=info.sha or None))
            return text
        except HubError as exc:
            if exc.kind in ("gated", "unauthorized", "not_found"):
                # The metadata came through; the card's front matter is in it (cardData).
                self.report.warnings.append(f"{repo_id}: card not read ({exc.kind})")
                return None
            raise

    def licenses_of(self, record: SourceRecord) -> dict[str, str | None]:
        datasets = [d for d in record.data.get("datasets") or [] if isinstance(d, str)]
        out: dict[str, str | None] = {}
        for name in datasets[:MAX_DATASETS_PER_MODEL]:
            key = name.lower()
            if key not in self.dataset_licenses:
                try:
                    self.dataset_licenses[key] = self.call(
                        name, lambda n=name: self.client.dataset_license(n))  # type: ignore[misc]
                except HubError as exc:
                    self.check_fatal(exc, name)
                    if exc.kind not in ("not_found", "gated", "unauthorized"):
                        # A transient failure: the model fails and keeps its old record, rather
                        # than being written without this licence (half updated).
                        raise
                    self.dataset_licenses[key] = None
            out[name] = self.dataset_licenses[key]
        return {k: v for k, v in out.items() if v}

    def write(self, batch: list[SourceRecord]) -> None:
        assert self.cache is not None
        phase = self.phase
        self.progress("writing")
        conn = self.cache.conn
        previous: dict[str, str | None] = {}
        for record in batch:
            row = conn.execute(
                "SELECT source_version FROM records WHERE source = 'hub' AND key = ?",
                (record.key,)).fetchone()
            if row is not None:
                previous[record.key] = row[0]
        self._follow_renames()
        try:
            result = ingest(self.cache, ImportResult(records=batch), now=_stamp(self.now()))
        except (sqlite3.Error, CacheError) as exc:
            for record in batch:
                self.fail(record.key, "cache", f"not written: {exc}")
            raise _Abort(RefreshFailure("*", "cache", f"the cache could not be written: {exc}"))
        self.report.updated += result.records
        self.report.changes += result.changes
        self._failures_after([r.key for r in batch] + list(self.report.renamed))
        self.report.unchanged += sum(
            1 for r in batch if r.source_version and previous.get(r.key) == r.source_version)
        log.info("refresh: wrote %d Hub records, %d changes", result.records, result.changes)
        self.phase = phase

    def _failures_after(self, written: Iterable[str]) -> None:
        try:
            self.record_failures(written)
        except (sqlite3.Error, CacheError) as exc:  # the next run simply asks again
            log.warning("refresh: failures not recorded: %s", exc)

    def _follow_renames(self) -> None:
        """A release known under a repo's old name takes the new one (no second release)."""
        cache = self.cache
        assert cache is not None
        for old, new in self.report.renamed.items():
            old_id, new_id = old.lower(), new.lower()
            if old_id != new_id and cache.release(old_id) and not cache.release(new_id):
                rekey_release(cache, old_id, new_id)
