"""A hostile or failing Hub (issue #16), through the real huggingface_hub client against the local
fake Hub (loopback only):

* an answer that names another model than the one asked, without a redirect, is refused and the
  curated release keeps its key (a 307 rename is still followed);
* a Hub that fails everything (500s, hangs, 429s without Retry-After) is given up on within a
  minute: the circuit breaker;
* the reachability probe waits as long as the client would, and says what happened;
* a huge model card is read only up to the size cap, with bounded memory, and the model's other
  evidence is still stored;
* the messages say what happened (5xx back-off is not "waiting for rate limits"; counts add up).
"""

from __future__ import annotations

import io
import socket
import sqlite3
import struct
import threading
import time
import tracemalloc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from huggingface_hub import constants

from openexplorer import cli
from openexplorer.commands.refresh import print_report, run_refresh
from openexplorer.db.cache import Cache
from openexplorer.hub.client import DEFAULT_TIMEOUT, MAX_CARD_BYTES, HubClient, HubError
from openexplorer.hub.refresh import (
    BREAKER_REQUESTS,
    RefreshProgress,
    RefreshReport,
    RefreshRequest,
    refresh,
)
from tests.fake_hub import FakeHub, Fault

FLAN = "google/flan-t5-xxl"
WHISPER = "openai/whisper-tiny"
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
GEMMA = "google/gemma-2b-it"
FALCON = "tiiuae/falcon-40b"  # a curated release of the snapshot (issue: falcon-7b)


@dataclass
class Clock:
    """An injected clock: ``sleep`` moves it, nothing really sleeps."""

    t: datetime = field(default_factory=lambda: datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    sleeps: list[float] = field(default_factory=list)

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)


@pytest.fixture(scope="module")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache built from the bundled snapshot, as on first launch (copied per test)."""
    path = tmp_path_factory.mktemp("hostile") / "snapshot.sqlite"
    assert cli.main(["--db", str(path), "search", "x", "--limit", "1", "--format", "json"]) == 0
    return path


@pytest.fixture
def db(snapshot_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite"
    source, target = sqlite3.connect(snapshot_db), sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return path


def some_ids(hub: FakeHub, n: int) -> tuple[str, ...]:
    return tuple(sorted(hub.models, key=str.lower)[:n])


def run(hub: FakeHub, db: Path, *, clock: Clock | None = None, client: HubClient | None = None,
        progress: list[RefreshProgress] | None = None, **request: Any) -> RefreshReport:
    request.setdefault("with_datasets", False)
    kw: dict[str, Any] = {}
    if clock is not None:
        kw.update(now=clock.now, sleep=clock.sleep)
    if progress is not None:
        kw["on_progress"] = progress.append
    return refresh(client or hub.client(), db, RefreshRequest(**request), **kw)


def printed(report: RefreshReport, hub: FakeHub) -> str:
    out = io.StringIO()
    print_report(report, hub.url, out)
    return out.getvalue()


# -- 1. an answer for another model --------------------------------------------------------------

def test_an_answer_naming_another_model_is_refused_and_the_release_keeps_its_key(
        fake_hub: FakeHub, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Cache.open(db) as cache:
        release_id = cache.resolve(FALCON)
        assert release_id and (cache.release(release_id) or {}).get("hub_id") == FALCON
        changes_before = cache.conn.execute("SELECT count(*) FROM changes").fetchone()[0]
    body = {**fake_hub.models[FLAN], "id": "evil/other-model", "modelId": "evil/other-model"}
    import json
    fake_hub.fail(f"/api/models/{FALCON}", Fault(status=200, body=json.dumps(body), times=None))

    with pytest.raises(HubError) as refused:
        fake_hub.client().model_info(FALCON)
    assert refused.value.kind == "malformed" and "evil/other-model" in str(refused.value)

    code = cli.main(["--db", str(db), "refresh", "--ids", FALCON])
    err = capsys.readouterr().err
    assert code == 1  # nothing refreshed: not the silent exit 0 of before
    assert "1 of 1 models could not be refreshed" in err
    assert "answered for 'evil/other-model' without redirecting" in err
    with Cache.open(db) as cache:
        assert cache.resolve(FALCON) == release_id
        assert (cache.release(release_id) or {}).get("hub_id") == FALCON
        assert not cache.release("evil/other-model") and not cache.resolve("evil/other-model")
        assert cache.conn.execute("SELECT count(*) FROM records WHERE source = 'hub' AND "
                                  "lower(key) = 'evil/other-model'").fetchone()[0] == 0
        assert cache.conn.execute("SELECT count(*) FROM changes").fetchone()[0] == changes_before


def test_a_rename_the_hub_redirects_to_is_still_followed(fake_hub: FakeHub, db: Path) -> None:
    report = run(fake_hub, db, clock=Clock(), ids=("bert-base-uncased",))
    assert report.ok and report.renamed == {"bert-base-uncased": "google-bert/bert-base-uncased"}
    redirected = [r.path for r in fake_hub.log if r.path == "/api/models/bert-base-uncased"]
    assert redirected  # the rename came from the Hub's 307, not from the body alone


# -- 2. the circuit breaker ----------------------------------------------------------------------

def test_a_hub_answering_500_to_everything_is_given_up_within_a_minute(
        fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail_everything(Fault.server_error(500, times=None))
    ids = some_ids(fake_hub, 40)
    progress: list[RefreshProgress] = []
    started = time.monotonic()
    report = run(fake_hub, db, ids=ids, progress=progress)  # real time, real sleeps
    took = time.monotonic() - started
    assert took < 60, took
    assert report.gave_up and report.updated == 0
    assert report.stopped and f"the Hub failed {BREAKER_REQUESTS} requests in a row (HTTP 500)" \
        in report.stopped
    assert report.calls <= BREAKER_REQUESTS + 1  # the probe and five model requests
    notes = [p.note for p in progress if p.phase == "waiting"]
    assert "the Hub answered HTTP 500; retrying in 1 s" in notes
    assert not any("rate limit" in (n or "") for n in notes)
    text = printed(report, fake_hub)
    assert "the Hub failed 5 requests in a row (HTTP 500)" in text
    assert "run `openexplorer refresh` again later" in text
    assert "waiting for rate limits" not in text and "waiting after Hub errors" in text
    print(f"\n500 everywhere: gave up after {took:.1f} s, {report.calls} requests, "
          f"{len(ids)} models due")


def test_a_hub_that_hangs_is_given_up_within_a_minute(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail_everything(Fault.slow(120.0, times=None))
    started = time.monotonic()
    report = run(fake_hub, db, ids=some_ids(fake_hub, 40))  # the client's default timeout
    took = time.monotonic() - started
    assert took < 60, took
    assert report.unreachable and report.updated == 0
    message = report.summary()
    assert f"timed out after {DEFAULT_TIMEOUT:g} s" in message and "within 1 s" not in message
    print(f"\nhanging Hub: gave up after {took:.1f} s")


def test_a_hub_whose_models_hang_trips_the_breaker(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail_everything(Fault.slow(120.0, times=None))
    fake_hub.fail("/api/models", Fault(times=None))  # the probe is answered at once
    started = time.monotonic()
    report = run(fake_hub, db, ids=some_ids(fake_hub, 40), client=fake_hub.client(timeout=3.0))
    took = time.monotonic() - started
    assert took < 60, took
    assert report.gave_up and report.updated == 0
    assert report.stopped and "requests in a row (no answer in time)" in report.stopped
    print(f"\nmodels hang (3 s timeout): gave up after {took:.1f} s, {report.calls} requests")


def test_a_hub_rate_limiting_everything_without_retry_after_is_given_up(
        fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail_everything(Fault.rate_limited(None, times=None))
    fake_hub.fail("/api/models", Fault(times=None))
    clock = Clock()
    report = run(fake_hub, db, clock=clock, ids=some_ids(fake_hub, 40))
    assert report.gave_up and report.updated == 0
    assert sum(clock.sleeps) <= 60  # was 65 s a model, every model
    assert report.stopped and "rate limited, HTTP 429" in report.stopped


def test_the_breaker_needs_failures_in_a_row(fake_hub: FakeHub, db: Path) -> None:
    # A model with transient errors of its own, between models that answer: no give-up.
    fake_hub.fail(f"/api/models/{FLAN}", Fault.server_error(503, times=3))
    fake_hub.fail(f"/api/models/{LLAMA}", Fault.server_error(500, times=3))
    report = run(fake_hub, db, clock=Clock(), ids=(FLAN, WHISPER, LLAMA, GEMMA))
    assert report.ok and not report.gave_up and report.updated == 4


# -- 3. the probe --------------------------------------------------------------------------------

def test_a_hub_answering_every_request_after_2_s_completes_a_refresh(
        fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail_everything(Fault.slow(2.0, times=None))
    started = time.monotonic()
    report = run(fake_hub, db, ids=(FLAN, WHISPER, GEMMA))  # cards too, default timeout
    took = time.monotonic() - started
    assert report.ok and report.updated == 3, report.failed
    assert report.calls >= 7  # the probe, three model bodies, the cards
    print(f"\n2 s Hub: 3 models in {took:.1f} s, {report.calls} requests")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_probe_says_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    client = HubClient(f"http://127.0.0.1:{_closed_port()}", token=False,
                       cache_dir=tmp_path / "hub")
    assert client.probe() == "connection refused"
    report = refresh(client, tmp_path / "c.sqlite", RefreshRequest(ids=(FLAN,)))
    assert report.summary().endswith("could not be reached: connection refused; nothing was "
                                     "refreshed")


def test_the_probe_says_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    stop = threading.Event()

    def reset_all() -> None:
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            conn.recv(65536)
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()

    thread = threading.Thread(target=reset_all, daemon=True)
    thread.start()
    try:
        client = HubClient(f"http://127.0.0.1:{server.getsockname()[1]}", token=False,
                           cache_dir=tmp_path / "hub")
        problem = client.probe()
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
    assert problem == "connection reset"


# -- 4. a huge card ------------------------------------------------------------------------------

def test_a_huge_card_is_read_up_to_the_cap_with_bounded_memory(fake_hub: FakeHub,
                                                               db: Path) -> None:
    size = 100 * 1024 * 1024
    fake_hub.set_huge_card(FLAN, size)
    tracemalloc.start()
    try:
        started = time.monotonic()
        report = run(fake_hub, db, clock=Clock(), ids=(FLAN, WHISPER))
        took = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.ok and report.updated == 2, report.failed
    assert peak < 40 * 1024 * 1024, peak  # was 1.8 GB for this card
    conn = sqlite3.connect(db)
    try:
        data, = conn.execute("SELECT data FROM records WHERE source = 'hub' AND key = ?",
                             (FLAN,)).fetchone()
        assessments = conn.execute(
            "SELECT count(*) FROM assessments a JOIN records r ON r.id = a.record_id "
            "WHERE r.source = 'hub' AND r.key = ?", (FLAN,)).fetchone()[0]
    finally:
        conn.close()
    import json
    record = json.loads(data)
    assert record["card"]["truncated_from"] == size
    assert record["card"]["length"] <= MAX_CARD_BYTES
    assert any("only its first 1,048,576 were read" in p for p in record["problems"])
    assert record["downloads"] is not None and assessments > 5  # the other evidence is stored
    # Nothing of the huge card was written to the card cache.
    cached = sum(p.stat().st_size for p in Path(str(fake_hub.cache_dir)).rglob("*") if p.is_file())
    assert cached < 5 * 1024 * 1024
    print(f"\n100 MB card: peak {peak / 2**20:.1f} MiB traced, {took:.1f} s")


def test_a_card_within_the_cap_is_read_whole(fake_hub: FakeHub) -> None:
    text = "---\nlicense: mit\n---\n" + "a line of a long card\n" * 40_000  # ~880 KB
    fake_hub.set_card(FLAN, text)
    card = fake_hub.client().model_card(FLAN)
    assert card == text and getattr(card, "full_size", None) is None


# -- 5. messages -----------------------------------------------------------------------------------

def test_a_failed_listing_is_not_counted_as_1_of_0_models(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail("/api/models", Fault(times=1))  # the probe passes
    fake_hub.fail("/api/models", Fault.not_found(times=None, query="search="))
    out = io.StringIO()
    args = SimpleNamespace(search="llama", author=None, ids=None, limit=None)
    cache = SimpleNamespace(path=db)
    code = run_refresh(args, cache, stream=out, client=fake_hub.client())
    text = out.getvalue()
    assert "of 0 models" not in text
    assert "warning: the refresh did not complete:" in text and "search:llama" in text
    assert code == 1


def test_the_status_bar_says_the_hub_failed_and_when_it_tries_again(qapp: Any) -> None:
    from openexplorer.hub.refresh import RefreshFailure
    from openexplorer.ui.refresh_status import RefreshStatus

    report = RefreshReport(started=datetime(2026, 1, 5, 9, 0, tzinfo=UTC), requested=40,
                           gave_up=True,
                           stopped="the Hub failed 5 requests in a row (HTTP 500) over 7 s; "
                                   "stopped",
                           retry_at=datetime(2026, 1, 5, 15, 0, tzinfo=UTC))
    report.failed.append(RefreshFailure("*", "server", report.stopped or ""))
    status = RefreshStatus()
    status.show_report(report)
    text = status.label.text()
    assert text.startswith("Refresh stopped: the Hub failed 5 requests in a row (HTTP 500)")
    assert "will try again at" in text and "Refresh failed" not in text
