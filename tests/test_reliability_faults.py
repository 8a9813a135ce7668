"""Faults during refresh: a seeded soak against the local fake Hub where a share of all requests
(20 %) fail at random — slow answers past the timeout, connections reset, 429, 500, 503, bodies
cut short, malformed JSON, an HTML page instead of JSON.

What must hold, checked after every refresh run of the soak:

* no exception ever comes out of ``refresh()``;
* every model is either updated completely (its stored Hub record, assessments included, equals
  the one a fault-free refresh of the same Hub state writes) or left exactly as it was;
* every model the run did not write is in the run's report (or the run says it stopped early);
* the cache passes ``PRAGMA quick_check``;
* over the whole soak, with an injected clock, never more API calls in any 5-minute window than
  the request budget.

CI runs :data:`CI_REQUESTS` requests; the full soak is ``python benchmarks/soak.py --requests
2000`` (figures in docs/reliability.md).
"""

from __future__ import annotations

import io
import json
import os
import random
import socket
import sqlite3
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest

from tests.fake_hub import FakeHub, Fault, Logged, load_corpus

CI_REQUESTS = int(os.environ.get("OPENEXPLORER_SOAK_REQUESTS", "300"))
FAULT_RATE = 0.2
FAULT_KINDS = ("slow", "reset", "429", "500", "503", "truncated", "malformed_json",
               "wrong_content_type")
API_BUDGET = 40  # API calls per 5 minutes: small, so that the budget binds during the soak
CLIENT_TIMEOUT = 0.25  # seconds; a "slow" answer comes after SLOW_DELAY
SLOW_DELAY = 0.6
MODELS = 24  # models refreshed by each run
WINDOW = 300.0


class SoakFailure(AssertionError):
    """An invariant of the soak did not hold."""


@dataclass
class Clock:
    """The injected clock: ``sleep`` moves it, nothing really sleeps."""

    t: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    slept: float = 0.0

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.slept += seconds
        self.t += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Served:
    at: float  # the injected clock when the request arrived
    method: str
    path: str
    fault: str | None

    @property
    def bucket(self) -> str:
        return "resolver" if "/resolve/" in self.path else "api"


class SoakHub(FakeHub):
    """The fake Hub with a fault on a random share of all requests (seeded)."""

    def __init__(self, *args: Any, clock: Clock, seed: int, rate: float = FAULT_RATE,
                 **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.clock = clock
        self.rng = random.Random(seed)
        self.rate = rate
        self.faulting = False
        self.served: list[Served] = []
        self._chosen = threading.local()

    def _choose(self) -> str | None:
        if not self.faulting or self.rng.random() >= self.rate:
            return None
        return self.rng.choice(FAULT_KINDS)

    def _fault(self, kind: str) -> Fault:
        if kind == "slow":
            return Fault.slow(SLOW_DELAY)
        if kind == "429":
            return Fault.rate_limited(self.rng.randint(1, 20))
        if kind in ("500", "503"):
            return Fault.server_error(int(kind))
        return getattr(Fault, kind)()

    def _serve(self, handler: Any) -> None:
        split = urlsplit(handler.path)
        with self._lock:
            kind = self._choose()
            self.served.append(Served(self.clock.t.timestamp(), handler.command,
                                      unquote(split.path), kind))
            fault = self._fault(kind) if kind and kind != "reset" else None
        if kind == "reset":
            with self._lock:
                self.log.append(Logged(handler.command, unquote(split.path), (),
                                       handler.headers.get("Authorization"),
                                       handler.headers.get("User-Agent")))
            self._reset(handler)
            return
        self._chosen.fault = fault
        try:
            super()._serve(handler)
        finally:
            self._chosen.fault = None

    def _take_fault(self, path: str, method: str, query: str) -> Fault | None:
        return getattr(self._chosen, "fault", None) or super()._take_fault(path, method, query)

    @staticmethod
    def _reset(handler: Any) -> None:
        """Close the connection with a TCP reset, no answer at all."""
        sock = handler.connection
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        handler.close_connection = True
        handler.rfile.close()
        handler.wfile.close()
        sock.close()
        handler.rfile, handler.wfile = io.BytesIO(), io.BytesIO()


# -- comparing what is stored ---------------------------------------------------------------------

_VOLATILE = {"id", "imported_at", "assessed_date", "release_id"}


def stored(db: Path, keys: list[str]) -> dict[str, Any]:
    """Each model's Hub record with its assessments, without what depends on when it was read;
    None for a model without a record. Also ``imported_at`` per model."""
    conn = sqlite3.connect(db)
    try:
        names = [d[0] for d in conn.execute("SELECT * FROM records LIMIT 0").description]
        out: dict[str, Any] = {}
        for key in keys:
            row = conn.execute("SELECT * FROM records WHERE source = 'hub' AND key = ?",
                               (key,)).fetchone()
            if row is None:
                out[key] = (None, None)
                continue
            record = dict(zip(names, row, strict=True))
            data = json.loads(record["data"] or "{}")
            data.pop("fetched_at", None)
            record["data"] = data
            assessments = conn.execute(
                "SELECT framework, component, status, value, license, license_given, urls, notes "
                "FROM assessments WHERE record_id = ? ORDER BY id", (record["id"],)).fetchall()
            when = record["imported_at"]
            norm = {k: v for k, v in record.items() if k not in _VOLATILE}
            norm["assessments"] = assessments
            out[key] = (json.dumps(norm, sort_keys=True, default=str), when)
        return out
    finally:
        conn.close()


def quick_check(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA quick_check").fetchone()[0])
    finally:
        conn.close()


def max_in_window(stamps: list[float], window: float = WINDOW) -> int:
    """The most stamps in any half-open window [t, t + window)."""
    stamps = sorted(stamps)
    best, j = 0, 0
    for i, start in enumerate(stamps):
        while j < len(stamps) and stamps[j] < start + window:
            j += 1
        best = max(best, j - i)
    return best


# -- the soak -------------------------------------------------------------------------------------

@dataclass
class SoakResult:
    requests: int = 0
    faults: Counter[str] = field(default_factory=Counter)
    endpoints: Counter[str] = field(default_factory=Counter)
    runs: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # by kind, over all runs
    stopped_runs: int = 0
    model_refreshes: int = 0  # models written, over all runs
    models_left: int = 0  # model-runs where the old record stayed (failed)
    models: int = 0
    max_api_in_window: int = 0
    api_budget: int = API_BUDGET
    waited: float = 0.0  # injected seconds of waits (budget, Retry-After, backoff)
    wall: float = 0.0
    seed: int = 0

    def figures(self) -> dict[str, Any]:
        return {
            "requests": self.requests, "faults": sum(self.faults.values()),
            "fault_share": round(sum(self.faults.values()) / max(1, self.requests), 3),
            "faults_by_kind": dict(sorted(self.faults.items())),
            "requests_by_endpoint": dict(sorted(self.endpoints.items())), "runs": self.runs,
            "models": self.models, "model_refreshes": self.model_refreshes,
            "models_left_as_they_were": self.models_left,
            "failures_in_reports": dict(sorted(self.failures.items())),
            "runs_stopped_early": self.stopped_runs,
            "max_api_calls_in_5_min": self.max_api_in_window, "api_budget": self.api_budget,
            "injected_wait_s": round(self.waited), "wall_s": round(self.wall, 1),
            "seed": self.seed,
        }


def run_soak(shared_data: Path, workdir: Path, *, requests: int, seed: int = 20261126,
             rate: float = FAULT_RATE, progress: Any = None) -> SoakResult:
    """The soak; raises :class:`SoakFailure` when an invariant does not hold. The caller must have
    switched huggingface_hub's offline mode off."""
    from openexplorer.hub.refresh import RefreshRequest, RequestBudget, refresh

    started = time.monotonic()
    clock = Clock()
    hub = SoakHub(load_corpus(shared_data / "hub-samples"), clock=clock, seed=seed, rate=rate)
    hub.start()
    result = SoakResult(seed=seed)
    try:
        ids = sorted(m for m in hub.models if m not in hub.redirects)[:MODELS]
        for dataset, licence in (("EleutherAI/pile", "mit"), ("bookcorpus", "unknown"),
                                 ("HuggingFaceH4/ultrachat_200k", "mit"),
                                 ("HuggingFaceH4/ultrafeedback_binarized", "mit"),
                                 ("argilla/dpo-mix-7k", "apache-2.0")):
            hub.add_dataset(dataset, licence)  # the models' other datasets answer 404

        def client(tag: str) -> Any:
            # A new card cache per run: the cards are downloaded (and can fail) every run.
            return hub.client(timeout=CLIENT_TIMEOUT, cache_dir=workdir / "hf" / tag)

        def clean_run(db: Path, tag: str) -> None:
            report = refresh(client(tag), db, RefreshRequest(ids=tuple(ids)),
                             now=clock.now, sleep=clock.sleep)
            if report.failed:
                raise SoakFailure(f"a fault-free run failed: {report.failed[:3]}")

        # State A in the cache; state B on the Hub; B's records as a fault-free run writes them.
        db = workdir / "soak.sqlite"
        clean_run(db, "a")
        keys = [k for k, (row, _) in stored(db, ids).items() if row is not None]
        before = {k: row for k, (row, _) in stored(db, keys).items()}
        for n, model_id in enumerate(ids):
            body = hub.models[model_id]
            body["downloads"] = int(body.get("downloads") or 0) + 1000 + n
            texts = hub.cards.get(model_id)
            if texts and n % 3 == 0:
                current = hub._commit(model_id)
                text = texts.get(current) or next(iter(texts.values()))
                hub.set_card(model_id, text + f"\n\n## Changelog\n\nRevision {n}.\n")
        reference_db = workdir / "reference.sqlite"
        clean_run(reference_db, "b")
        after = {k: row for k, (row, _) in stored(reference_db, keys).items()}
        changed = [k for k in keys if before[k] != after[k]]
        if len(changed) != len(keys):
            raise SoakFailure(f"only {len(changed)} of {len(keys)} models differ between states")
        result.models = len(keys)

        budget = RequestBudget(API_BUDGET, clock=lambda: clock.t.timestamp(), sleep=clock.sleep)
        hub.faulting = True
        first = len(hub.served)
        rng = random.Random(seed + 1)
        while len(hub.served) - first < requests:
            clock.sleep(rng.uniform(1, 30))  # between runs (the budget window carries over)
            run_start = clock.t.replace(microsecond=0).isoformat()
            request = RefreshRequest(ids=tuple(keys), batch_size=rng.choice((1, 3, 8, 50)))
            try:
                report = refresh(client(f"run{result.runs}"), db, request, now=clock.now,
                                 sleep=clock.sleep, budget=budget)
            except Exception as exc:
                raise SoakFailure(f"run {result.runs}: refresh raised {exc!r}") from exc
            result.runs += 1
            whole_run = [f for f in report.failed if f.id == "*"]
            result.stopped_runs += bool(report.stopped or whole_run)
            failed_ids = {f.id.lower() for f in report.failed}
            result.failures.update(f.kind for f in report.failed)
            for key, (row, when) in stored(db, keys).items():
                if row not in (before[key], after[key]):
                    raise SoakFailure(f"run {result.runs}: {key} is neither as it was nor as the "
                                      "Hub has it now: half written")
                written = when is not None and when >= run_start
                if written:
                    result.model_refreshes += 1
                    if row != after[key]:
                        raise SoakFailure(f"run {result.runs}: {key} written incompletely")
                else:
                    result.models_left += 1
                    if key.lower() not in failed_ids and not (whole_run or report.stopped
                                                              or report.cancelled):
                        raise SoakFailure(f"run {result.runs}: {key} was not written and the "
                                          f"report does not say why: {report.failed}")
            if quick_check(db) != "ok":
                raise SoakFailure(f"run {result.runs}: quick_check failed")
            if progress:
                progress(result.runs, len(hub.served) - first, report)
        served = hub.served[first:]
        result.requests = len(served)
        result.faults = Counter(s.fault for s in served if s.fault)
        result.endpoints = Counter(
            "card" if s.bucket == "resolver" else "dataset" if s.path.startswith("/api/datasets/")
            else "model" if s.path.startswith("/api/models/") else "listing/check"
            for s in served)
        result.max_api_in_window = max_in_window([s.at for s in served if s.bucket == "api"])
        result.waited = clock.slept
        if result.max_api_in_window > API_BUDGET:
            raise SoakFailure(f"{result.max_api_in_window} API calls in a 5-minute window, "
                              f"budget {API_BUDGET}")
        missing = set(FAULT_KINDS) - set(result.faults)
        if missing:
            raise SoakFailure(f"fault kinds never injected: {sorted(missing)}")
    finally:
        hub.stop()
        import huggingface_hub

        huggingface_hub.close_session()
        result.wall = time.monotonic() - started
    return result


# -- the test -------------------------------------------------------------------------------------

@pytest.fixture
def hub_online(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    for name in ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(constants, "HF_TOKEN_PATH", str(tmp_path / "hf-home" / "token"))


def test_refresh_survives_random_faults(shared_data: Path, tmp_path: Path,
                                        hub_online: None) -> None:
    result = run_soak(shared_data, tmp_path, requests=CI_REQUESTS)
    figures = result.figures()
    print(json.dumps(figures))
    assert result.requests >= CI_REQUESTS
    assert 0.12 <= figures["fault_share"] <= 0.28
    assert result.model_refreshes > 0 and result.models_left > 0
    assert result.max_api_in_window <= API_BUDGET
    assert result.wall < 60


def test_max_in_window() -> None:
    assert max_in_window([]) == 0
    assert max_in_window([0, 100, 299.9, 300, 600]) == 3
    assert max_in_window([0, 300, 600]) == 1


def test_two_repos_of_one_release_are_both_refreshed(fake_hub: FakeHub, tmp_path: Path) -> None:
    """Found by the crash soak: ``gpt2`` and ``openai-community/gpt2`` are one release; asking
    for one of them used to fetch the other (the release's hub_id) and skip it, unreported."""
    from openexplorer.hub.refresh import RefreshRequest, refresh

    db = tmp_path / "cache.sqlite"
    clock = Clock()
    for order in (("gpt2", "openai-community/gpt2"), ("openai-community/gpt2", "gpt2")):
        clock.sleep(3600)
        report = refresh(fake_hub.client(), db, RefreshRequest(ids=order, with_datasets=False),
                         now=clock.now, sleep=clock.sleep)
        assert report.ok and report.updated == 2
        stamps = {key: when for key, (_, when) in stored(db, list(order)).items()}
        assert set(stamps.values()) == {clock.t.replace(microsecond=0).isoformat()}, stamps
