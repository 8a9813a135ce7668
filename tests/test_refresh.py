"""refresh() through the real huggingface_hub client, against the local fake Hub, into a cache."""

from __future__ import annotations

import io
import json
import socket
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from huggingface_hub import constants

from openexplorer.views.model import from_dict
from openexplorer import cli
from openexplorer.db.cache import Cache
from openexplorer.hub.client import HubClient
from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.hub.refresh import (
    DEFAULT_STALE_AFTER,
    RefreshProgress,
    RefreshReport,
    RefreshRequest,
    due_ids,
    refresh,
)
from openexplorer.hub.policy import RequestBudget, budget_for
from openexplorer.store.ingest import ingest
from tests.fake_hub import FakeHub, Fault


FLAN = "google/flan-t5-xxl"  # a recorded API body and a card
WHISPER = "openai/whisper-tiny"  # known from its card only
LLAMA = "meta-llama/Llama-3.1-8B-Instruct"
GEMMA = "google/gemma-2b-it"


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


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "cache.sqlite"


def run(hub: FakeHub, db: Path, clock: Clock | None = None, *, client: HubClient | None = None,
        **request: Any) -> RefreshReport:
    clock = clock or Clock()
    request.setdefault("with_datasets", False)
    return refresh(client or hub.client(timeout=0.3), db, RefreshRequest(**request),
                   now=clock.now, sleep=clock.sleep)


def hub_record(db: Path, key: str) -> dict[str, Any] | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT * FROM records WHERE source = 'hub' AND key = ?",
                           (key,)).fetchone()
        if row is None:
            return None
        names = [d[0] for d in conn.execute("SELECT * FROM records LIMIT 0").description]
        record = dict(zip(names, row, strict=True))
        record["assessments"] = conn.execute(
            "SELECT framework, component, status, value, license, urls, notes FROM assessments "
            "WHERE record_id = ? ORDER BY id", (record["id"],)).fetchall()
        return record
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        conn.close()


def count(db: Path, table: str) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        conn.close()


# -- the happy paths ----------------------------------------------------------------------------

def test_listing_fills_the_cache_in_batches(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.page_size = 3
    progress: list[RefreshProgress] = []
    clock = Clock()
    report = refresh(fake_hub.client(), db, RefreshRequest(search="llama", limit=20,
                                                            batch_size=4, with_datasets=False),
                     now=clock.now, sleep=clock.sleep, on_progress=progress.append)
    assert report.ok and report.requested == report.updated == 10
    assert report.finished is not None and report.finished >= report.started
    assert clock.sleeps == []
    assert count(db, "records") == 10 and integrity(db) == "ok"
    # Every request the Hub saw was counted: the check, one per page (4), the cards.
    assert report.calls == len(fake_hub.log)
    assert len(fake_hub.requests("/api/models", "GET")) == 1 + 4
    assert len(fake_hub.requests("/api/models/")) == 0  # no model_info per listed model
    writes = [p for p in progress if p.phase == "writing"]
    assert [p.done for p in writes] == [4, 8, 10]
    assert [p.done for p in progress] == sorted(p.done for p in progress)
    assert all(p.total is None for p in progress if p.phase == "listing")
    assert progress[-1] == RefreshProgress(10, 10, progress[-1].current_id, "done")
    with Cache.open(db) as cache:
        release = cache.release(cache.resolve(LLAMA) or "")
        assert release is not None and release["origin"] == "hub"
        assert release["license"] == "llama3.1"


def test_ids_follow_renames_and_a_second_run_is_unchanged(fake_hub: FakeHub, db: Path) -> None:
    report = run(fake_hub, db, ids=("bert-base-uncased", FLAN, WHISPER))
    assert report.ok and report.updated == 3
    assert report.renamed == {"bert-base-uncased": "google-bert/bert-base-uncased"}
    assert hub_record(db, "google-bert/bert-base-uncased") is not None
    assert hub_record(db, "bert-base-uncased") is None
    again = run(fake_hub, db, ids=("google-bert/bert-base-uncased", FLAN, WHISPER))
    assert again.updated == again.unchanged == 3 and again.changes == 0
    # The cards were cached per commit: the second run only asked for metadata.
    assert all("/resolve/" not in r.path for r in fake_hub.log[-4:])


def test_every_recorded_body_and_card_refreshes_without_an_exception(fake_hub: FakeHub,
                                                                      db: Path) -> None:
    ids = tuple(sorted(fake_hub.models))
    report = run(fake_hub, db, ids=ids, batch_size=25)
    assert report.failed == [] and report.updated == len(ids)
    assert integrity(db) == "ok"


# -- faults: the old data is kept, the error is in the report ------------------------------------

INFO_FAULTS = {
    "gated-403": (Fault.gated(403, times=None), "gated"),
    "gated-401": (Fault.gated(401, times=None), "gated"),
    "private-401": (Fault.private(times=None), "not_found"),
    "missing-404": (Fault.not_found(times=None), "not_found"),
    "429-retry-after": (Fault.rate_limited(7, times=None), "rate_limited"),
    "500": (Fault.server_error(500, times=None), "server"),
    "503": (Fault.server_error(503, times=None), "server"),
    "timeout": (Fault.slow(2.0, times=None), "timeout"),
    "truncated-body": (Fault.truncated(times=None), "malformed"),
    "malformed-json": (Fault.malformed_json(times=None), "malformed"),
    "html-content-type": (Fault.wrong_content_type(times=None), "malformed"),
}


@pytest.mark.parametrize(("fault", "kind"), INFO_FAULTS.values(), ids=INFO_FAULTS.keys())
def test_a_failing_model_keeps_its_old_record(fake_hub: FakeHub, db: Path, fault: Fault,
                                              kind: str) -> None:
    assert run(fake_hub, db, ids=(FLAN, WHISPER)).ok
    before = hub_record(db, FLAN)
    other_before = hub_record(db, WHISPER)
    fake_hub.fail(f"/api/models/{FLAN}", fault)
    clock = Clock(t=datetime(2026, 1, 9, tzinfo=UTC))
    report = run(fake_hub, db, clock, ids=(FLAN, WHISPER))
    assert [(f.id, f.kind) for f in report.failed] == [(FLAN, kind)]
    assert FLAN in report.failed[0].message
    assert report.updated == 1 and not report.cancelled
    assert hub_record(db, FLAN) == before  # untouched: same row, data, time, assessments
    after = hub_record(db, WHISPER)
    assert after is not None and other_before is not None
    assert after["imported_at"] > other_before["imported_at"]  # the other one was refreshed
    assert integrity(db) == "ok"
    if kind == "rate_limited":
        assert clock.sleeps == [7.0] * 4  # Retry-After, then give up after 5 attempts
    elif kind in ("server", "timeout"):
        assert clock.sleeps == [1.0, 2.0, 4.0][: len(clock.sleeps)] and clock.sleeps


@pytest.mark.parametrize(("fault", "kind"), [
    (Fault.server_error(503, method="HEAD", times=None), "server"),
    (Fault.truncated(method="GET", times=None), "malformed"),
    (Fault.slow(2.0, method="GET", times=None), "timeout"),
])
def test_a_failing_card_keeps_the_old_record(fake_hub: FakeHub, db: Path, fault: Fault,
                                             kind: str) -> None:
    assert run(fake_hub, db, ids=(WHISPER,)).ok
    before = hub_record(db, WHISPER)
    old = fake_hub.models[WHISPER]["sha"]
    text = fake_hub.cards[WHISPER][old].replace("license: apache-2.0", "license: mit")
    fake_hub.set_card(WHISPER, text)  # a new commit: the card must be downloaded again
    fake_hub.fail(f"/{WHISPER}/resolve/{fake_hub.models[WHISPER]['sha']}/README.md", fault)
    report = run(fake_hub, db, ids=(WHISPER,))
    assert [(f.id, f.kind) for f in report.failed] == [(WHISPER, kind)]
    assert hub_record(db, WHISPER) == before and integrity(db) == "ok"
    fake_hub.clear_faults()
    report = run(fake_hub, db, ids=(WHISPER,))
    assert report.ok and report.changes >= 1
    record = hub_record(db, WHISPER)
    assert record is not None and record["license"] == "mit"


def test_a_gated_card_still_gives_a_record_from_the_metadata(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail(f"/{LLAMA}/resolve/{fake_hub.models[LLAMA]['sha']}/README.md",
                  Fault.gated(401, method="HEAD", times=None))
    report = run(fake_hub, db, ids=(LLAMA,))
    assert report.updated == 1 and report.failed == []
    assert report.warnings == [f"{LLAMA}: card not read (gated)"]
    record = hub_record(db, LLAMA)
    assert record is not None and record["license"] == "llama3.1"


@pytest.mark.parametrize(("fault", "sleeps"), [
    (Fault.rate_limited(7), [7.0]),
    (Fault.rate_limited(42, ratelimit=True), [42.0]),
    (Fault.rate_limited(None), [5.0]),
    (Fault.server_error(500, times=2), [1.0, 2.0]),
    (Fault.server_error(503), [1.0]),
    (Fault.slow(2.0), [1.0]),
])
def test_transient_failures_are_retried_with_the_injected_sleep(
        fake_hub: FakeHub, db: Path, fault: Fault, sleeps: list[float]) -> None:
    fake_hub.fail(f"/api/models/{FLAN}", fault)
    clock = Clock()
    started = time.monotonic()
    report = run(fake_hub, db, clock, ids=(FLAN,))
    assert report.ok and report.updated == 1
    assert clock.sleeps == sleeps and report.waited == sum(sleeps)
    assert time.monotonic() - started < 3  # nothing slept for real
    assert len(fake_hub.requests(f"/api/models/{FLAN}")) == len(sleeps) + 1


def test_a_failed_page_is_listed_again_without_duplicates(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.page_size = 3
    fake_hub.fail("/api/models", Fault.server_error(500, query="cursor=6"))
    clock = Clock()
    report = run(fake_hub, db, clock, search="llama", batch_size=4)
    assert report.ok and report.updated == report.requested == 10
    assert clock.sleeps == [1.0]
    assert count(db, "records") == 10


def test_a_listing_that_keeps_failing_keeps_what_it_got(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.page_size = 3
    fake_hub.fail("/api/models", Fault.rate_limited(3, query="cursor=3", times=None))
    clock = Clock()
    report = run(fake_hub, db, clock, search="llama")
    assert report.updated == 3
    assert [(f.id, f.kind) for f in report.failed] == [("search:llama", "rate_limited")]
    assert clock.sleeps == [3.0] * 4
    assert count(db, "records") == 3 and integrity(db) == "ok"


def test_a_very_long_rate_limit_stops_the_run(fake_hub: FakeHub, db: Path) -> None:
    fake_hub.fail(f"/api/models/{FLAN}", Fault.rate_limited(3600, times=None))
    clock = Clock()
    report = run(fake_hub, db, clock, ids=(WHISPER, FLAN, LLAMA))
    assert clock.sleeps == []
    assert report.stopped and "3600" in report.stopped
    assert report.updated == 1  # WHISPER, fetched before the stop, is kept
    assert hub_record(db, LLAMA) is None


# -- cards: no front matter, broken YAML, model-index object ---------------------------------------

def test_cards_without_or_with_broken_front_matter(fake_hub: FakeHub, db: Path,
                                                   shared_data: Path) -> None:
    draft = shared_data / "hub-samples/cards/bloom/github-bigscience-model_card__6ee8986.md"
    fake_hub.set_card("bigscience/bloom", draft.read_text(encoding="utf-8"))
    real = fake_hub.cards[WHISPER][fake_hub.models[WHISPER]["sha"]]
    broken = real.replace("license: apache-2.0", "license: [apache-2.0\n  : : :", 1)
    assert broken != real
    fake_hub.set_card(WHISPER, broken)
    report = run(fake_hub, db, ids=("bigscience/bloom", WHISPER,
                                    "Waynehillsdev/Waynehills-STT-doogie-server"))
    assert report.ok and report.updated == 3
    for key in ("bigscience/bloom", WHISPER, "Waynehillsdev/Waynehills-STT-doogie-server"):
        assert hub_record(db, key) is not None
    assert integrity(db) == "ok"


# -- the change log over two real revisions of a card -------------------------------------------

def test_licence_change_between_two_real_revisions_is_logged(fake_hub: FakeHub, db: Path) -> None:
    first, second = "fa36ef4", "af758b2"  # launch card (no licence) -> "add tos" (Gemma terms)
    fake_hub.use_card_revision(GEMMA, first)
    assert run(fake_hub, db, ids=(GEMMA,)).ok
    record = hub_record(db, GEMMA)
    assert record is not None and record["license"] is None
    fake_hub.use_card_revision(GEMMA, second)
    report = run(fake_hub, db, Clock(t=datetime(2026, 2, 1, tzinfo=UTC)), ids=(GEMMA,))
    assert report.ok and report.changes >= 1 and report.unchanged == 0
    with Cache.open(db) as cache:
        release_id = cache.resolve(GEMMA)
        assert release_id is not None
        changes = {c["field"]: c for c in cache.changes_for(release_id)}
    # Before the Hub named one, the cited family table gave Gemma's licence (views.facts).
    assert changes["license"]["old"] == "gemma"
    assert changes["license"]["new"] == "gemma-terms-of-use"
    assert changes["license"]["changed_at"].startswith("2026-02-01")
    assert "hub:license" in changes  # the Hub evidence for the licence changed too


# -- budget ---------------------------------------------------------------------------------------

def test_the_loop_waits_instead_of_going_over_the_budget(fake_hub: FakeHub, db: Path) -> None:
    clock = Clock()
    stamps: list[float] = []
    client = fake_hub.client()
    ids = (FLAN, WHISPER, LLAMA, GEMMA, "openai/whisper-large")
    with client.observe(after_response=lambda bucket, status, headers:
                        stamps.append(clock.t.timestamp()) if bucket == "api" else None):
        report = refresh(client, db, RefreshRequest(ids=ids, api_budget=3, with_cards=False,
                                                    with_datasets=False),
                         now=clock.now, sleep=clock.sleep)
    assert report.ok and report.updated == 5
    assert len(stamps) == 6  # the connectivity check + one call per model
    assert clock.sleeps == [300.0] and report.waited == 300.0
    for i, start in enumerate(stamps):
        assert sum(1 for s in stamps[i:] if s < start + 300) <= 3


def test_request_budget_sliding_window() -> None:
    clock = Clock()
    budget = RequestBudget(2, 10, clock=lambda: clock.t.timestamp(), sleep=clock.sleep)
    assert [budget.acquire() for _ in range(2)] == [0.0, 0.0]
    clock.sleep(4)
    assert budget.delay() == 6.0
    assert budget.acquire() == 6.0 and budget.used == 1
    budget.observe(remaining=0, reset_in=8)  # the Hub says: none left for 8 s
    assert budget.acquire() == 8.0
    assert budget.waited == 14.0 and clock.sleeps == [4, 6.0, 8.0]


def test_request_budget_never_loops_when_sleep_does_not_move_the_clock() -> None:
    sleeps: list[float] = []
    budget = RequestBudget(1, 60, clock=lambda: 1000.0, sleep=sleeps.append)
    for _ in range(4):
        budget.acquire()
    assert sleeps == [60.0, 60.0, 60.0]


def test_budget_by_plan() -> None:
    assert budget_for("anonymous") == 450 and budget_for("free") == 900
    assert budget_for("pro") == 2250 and budget_for("anonymous", "resolver") == 2700
    with pytest.raises(ValueError):
        budget_for("gold")


# -- unreachable, offline, cancel, mid-run loss ---------------------------------------------------

def test_unreachable_hub_gives_a_report_at_once(db: Path, monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = HubClient(f"http://127.0.0.1:{port}", token=False, cache_dir=tmp_path / "hub")
    started = time.monotonic()
    sleeps: list[float] = []
    report = refresh(client, db, RefreshRequest(ids=(FLAN, LLAMA)), sleep=sleeps.append)
    assert sleeps == []
    assert time.monotonic() - started < 5
    assert [(f.id, f.kind) for f in report.failed] == [("*", "unreachable")]
    assert report.unreachable and report.updated == 0
    assert integrity(db) == "ok" and count(db, "records") == 0


def test_offline_mode_sends_no_request(fake_hub: FakeHub, db: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    report = run(fake_hub, db, ids=(FLAN,))
    assert [(f.id, f.kind) for f in report.failed] == [("*", "offline")]
    assert fake_hub.log == []


def test_cancel_keeps_written_batches_and_drops_the_half_batch(fake_hub: FakeHub,
                                                               db: Path) -> None:
    done = {"n": 0}

    def on_progress(p: RefreshProgress) -> None:
        done["n"] = p.done

    clock = Clock()
    report = refresh(fake_hub.client(), db,
                     RefreshRequest(ids=(FLAN, WHISPER, LLAMA, GEMMA), batch_size=2,
                                    with_datasets=False),
                     now=clock.now, sleep=clock.sleep, on_progress=on_progress,
                     should_stop=lambda: done["n"] >= 3)
    assert report.cancelled and not report.ok
    assert report.updated == 2 and count(db, "records") == 2
    assert hub_record(db, LLAMA) is None and hub_record(db, GEMMA) is None
    assert report.warnings == ["cancelled: 1 fetched models were not written"]
    assert integrity(db) == "ok"


def test_the_hub_going_away_mid_run_stops_it_and_keeps_what_was_fetched(
        fake_hub: FakeHub, db: Path) -> None:
    def on_progress(p: RefreshProgress) -> None:
        if p.done == 1:
            fake_hub.stop()

    clock = Clock()
    report = refresh(fake_hub.client(), db,
                     RefreshRequest(ids=(FLAN, WHISPER, LLAMA), with_datasets=False),
                     now=clock.now, sleep=clock.sleep, on_progress=on_progress)
    assert report.updated == 1 and hub_record(db, FLAN) is not None
    assert (WHISPER, "unreachable") in [(f.id, f.kind) for f in report.failed]
    assert report.failed[-1].id == "*" and report.stopped
    assert hub_record(db, LLAMA) is None and integrity(db) == "ok"


# -- staleness ------------------------------------------------------------------------------------

def _due_reference(cache: Cache, older_than: timedelta, now: datetime) -> list[str]:
    """Due ids worked out in Python, one release at a time (what due_ids did before SQLite)."""
    cutoff = now - older_than
    due = []
    for release_id, hub_id in cache.conn.execute(
            "SELECT id, hub_id FROM releases WHERE hub_id IS NOT NULL AND hub_id != ''"):
        stamps = [r[0] for r in cache.conn.execute(
            "SELECT imported_at FROM records WHERE release_id = ? AND source = 'hub'",
            (release_id,))]
        newest = max(stamps) if stamps else None
        when = datetime.fromisoformat(newest) if newest else None
        if when is None:
            due.append((0, datetime.min.replace(tzinfo=UTC), hub_id))
        elif when < cutoff:
            due.append((1, when, hub_id))
    out: list[str] = []
    for _, _, hub_id in sorted(due, key=lambda d: (d[0], d[1], d[2].lower())):
        if hub_id.lower() not in {o.lower() for o in out}:
            out.append(hub_id)
    return out


def test_due_ids_agree_with_the_reference_and_stop_at_the_limit() -> None:
    import random

    rng = random.Random(3)
    cache = Cache.memory()
    base = datetime(2026, 1, 1, tzinfo=UTC)
    with cache.conn:
        for i in range(300):
            hub_id = f"Org{i % 7}/Model-{i // 2}" if i % 11 else f"org{i % 7}/model-{i // 2}"
            cache.conn.execute("INSERT INTO releases(id, name, hub_id) VALUES (?, ?, ?)",
                               (f"r{i}", f"R{i}", None if i % 23 == 0 else hub_id))
            for n in range(rng.choice((0, 1, 1, 1, 2))):  # none, one, or two Hub repos
                when = base + timedelta(hours=rng.randrange(0, 24 * 60), seconds=n)
                cache.conn.execute(
                    "INSERT INTO records(source, key, release_id, imported_at) "
                    "VALUES ('hub', ?, ?, ?)", (f"k{i}-{n}", f"r{i}", when.isoformat()))
            if i % 5 == 0:  # another source's record does not count
                cache.conn.execute(
                    "INSERT INTO records(source, key, release_id, imported_at) "
                    "VALUES ('mot', ?, ?, ?)", (f"m{i}", f"r{i}", base.isoformat()))
    now = base + timedelta(days=40)
    for older_than in (timedelta(days=1), timedelta(days=20), timedelta(days=365)):
        expected = _due_reference(cache, older_than, now)
        assert due_ids(cache, older_than, now) == expected
        for limit in (1, 5, 40, 1000):
            assert due_ids(cache, older_than, now, limit=limit) == expected[:limit]
    assert len(_due_reference(cache, timedelta(days=20), now)) > 40  # the limits did cut


def test_a_model_the_hub_refused_waits_longer_each_time(fake_hub: FakeHub, db: Path) -> None:
    """A repo the Hub does not know (deleted, renamed away) is asked again after the stale
    period, then twice that, and so on: at Hub scale such repos would otherwise head every
    run's list. A model read again forgets its failures."""
    gone = "nobody/deleted-model"
    with Cache.open(db) as cache:
        ingest(cache, ImportResult(records=[SourceRecord(
            source="epoch", key=key, name=key, hub_id=hub_id,
            assessments=[Assessment("epoch", "weights", "open")])
            for key, hub_id in (("Flan", FLAN), ("deleted-model", gone))]))
    clock = Clock()
    report = run(fake_hub, db, clock)
    assert report.updated == 1 and [f.kind for f in report.failed] == ["not_found"]
    with Cache.open(db) as cache:
        assert cache.conn.execute("SELECT hub_id, kind, failures FROM refresh_failures"
                                  ).fetchall() == [(gone, "not_found", 1)]
        assert due_ids(cache, DEFAULT_STALE_AFTER, clock.t) == []  # not again at once
        assert due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=6)) == []
        # After the stale period both are due: FLAN to refresh, the gone one for a 2nd try.
        # (never read first, then the oldest)
        assert due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=8)) == [gone, FLAN]
    calls = len(fake_hub.log)
    assert run(fake_hub, db, clock).requested == 0 and len(fake_hub.log) == calls

    clock.t += timedelta(days=8)
    report = run(fake_hub, db, clock)
    assert report.requested == 2 and [f.kind for f in report.failed] == ["not_found"]
    with Cache.open(db) as cache:
        assert cache.conn.execute("SELECT failures FROM refresh_failures").fetchall() == [(2,)]
        # Twice the stale period now: not due after 8 days, due after 15.
        assert gone not in due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=8))
        assert gone in due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=15))
        # Asked for by name, it is tried whatever its failures (only the planning waits).
    report = run(fake_hub, db, clock, ids=(gone,))
    assert report.requested == 1 and [f.kind for f in report.failed] == ["not_found"]
    with Cache.open(db) as cache:
        assert cache.conn.execute("SELECT failures FROM refresh_failures").fetchall() == [(3,)]
        # A model read again forgets its failures.
        cache.conn.execute("INSERT INTO refresh_failures VALUES (?, 'not_found', 4, ?)",
                           (FLAN.upper(), clock.t.isoformat()))
        cache.conn.commit()
    run(fake_hub, db, clock, ids=(FLAN,))
    with Cache.open(db) as cache:
        assert [r[0] for r in cache.conn.execute("SELECT hub_id FROM refresh_failures")] == [gone]


def test_the_backoff_is_capped_and_ignores_case() -> None:
    cache = Cache.memory()
    now = datetime(2026, 6, 1, tzinfo=UTC)
    with cache.conn:
        cache.conn.execute("INSERT INTO releases(id, name, hub_id) VALUES ('r', 'R', 'Org/Model')")
        cache.conn.execute("INSERT INTO refresh_failures VALUES ('org/model', 'not_found', 30, ?)",
                           ((now - timedelta(days=89)).isoformat(),))
    assert due_ids(cache, timedelta(days=7), now) == []  # 7 × 2^29 days, but at most 90
    with cache.conn:
        cache.conn.execute("UPDATE refresh_failures SET failed_at = ?",
                           ((now - timedelta(days=91)).isoformat(),))
    assert due_ids(cache, timedelta(days=7), now) == ["Org/Model"]


def test_due_ids_and_a_stale_only_refresh(fake_hub: FakeHub, db: Path) -> None:
    with Cache.open(db) as cache:
        ingest(cache, ImportResult(records=[SourceRecord(
            source="epoch", key="Flan-T5 XXL", name="Flan-T5 XXL", hub_id=FLAN,
            assessments=[Assessment("epoch", "weights", "open")])]))
        assert due_ids(cache, DEFAULT_STALE_AFTER, datetime(2026, 1, 5, tzinfo=UTC)) == [FLAN]
    clock = Clock()
    report = run(fake_hub, db, clock)  # nothing asked: what is due
    assert report.ok and report.updated == 1
    with Cache.open(db) as cache:
        assert due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=6)) == []
        assert due_ids(cache, DEFAULT_STALE_AFTER, clock.t + timedelta(days=8)) == [FLAN]
    calls = len(fake_hub.log)
    assert run(fake_hub, db, clock).requested == 0
    assert len(fake_hub.log) == calls  # nothing due: no request at all


def test_dataset_licences_are_looked_up_once(fake_hub: FakeHub, db: Path) -> None:
    zephyr = "HuggingFaceH4/zephyr-7b-beta"
    fake_hub.add_dataset("HuggingFaceH4/ultrachat_200k", "mit")
    fake_hub.add_dataset("HuggingFaceH4/ultrafeedback_binarized", "mit")
    report = run(fake_hub, db, ids=(zephyr, "HuggingFaceH4/zephyr-7b-gemma-v0.1"),
                 with_datasets=True)
    assert report.ok
    record = hub_record(db, zephyr)
    assert record is not None
    datasets = [a for a in record["assessments"] if a[:2] == ("hub", "datasets")]
    assert datasets and datasets[0][2] == "open"
    asked = [r.path for r in fake_hub.requests("/api/datasets/")]
    assert len(asked) == len(set(asked))


# -- the token never leaks ------------------------------------------------------------------------

def test_the_token_stays_out_of_reports_logs_and_the_cache(
        fake_hub: FakeHub, db: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    secret = "hf_TestSecretToken0123456789"
    monkeypatch.setenv("HF_TOKEN", secret)
    caplog.set_level("DEBUG")
    client = HubClient(fake_hub.url, cache_dir=fake_hub.cache_dir, timeout=0.3)
    fake_hub.fail(f"/api/models/{FLAN}", Fault.gated(403, times=None))
    fake_hub.fail(f"/api/models/{WHISPER}", Fault.bad_token())
    report = run(fake_hub, db, client=client, ids=(LLAMA, FLAN, WHISPER))
    assert {f.kind for f in report.failed} == {"gated", "unauthorized"}
    assert report.stopped  # a refused token ends the run
    # Every Hub call carried it (the connectivity check is anonymous on purpose).
    calls = [r for r in fake_hub.log if r.param("limit") != ["1"]]
    assert calls and all(r.authorization == f"Bearer {secret}" for r in calls)
    assert secret not in repr(report) and secret not in caplog.text
    for path in db.parent.glob("cache.sqlite*"):
        assert secret.encode() not in path.read_bytes()


# -- the command line -----------------------------------------------------------------------------

def test_cli_refresh_fills_the_cache_and_show_works_for_a_hub_only_model(
        fake_hub: FakeHub, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--db", str(db), "refresh", "--search", "llama", "--limit", "20"]) == 0
    err = capsys.readouterr().err
    assert "refreshed 10 of 10 models" in err
    assert "models fetched, writing" in err  # not a terminal: one line per batch
    hermes = "NousResearch/Hermes-3-Llama-3.1-8B"  # not in the bundled snapshot
    assert cli.main(["--db", str(db), "show", hermes, "--format", "json"]) == 0
    view = from_dict(json.loads(capsys.readouterr().out))  # the JSON is the typed view's
    assert view.origin == "hub" and view.hub_id == hermes
    assert view.license.as_written == "llama3"
    assert view.license.recognised and view.license.category
    assert view.license.osi_approved is False
    assert view.hub.base_models
    assert view.hub.evidence["license"].status in {"open", "partial", "closed"}
    assert view.mof and view.osai and view.osaid.verdict
    # Hub-only: the framework views are provisional and say so; the base model's limits show.
    assert view.mof.provisional and view.osai.provisional
    assert view.osaid.provisional
    assert not any("MOT record" in reason for reason in view.osaid.reasons)
    assert view.base_chain and view.base_chain[0].id.startswith("meta-llama/")
    assert any("700M" in line for line in view.inherited_limits)
    assert cli.main(["--db", str(db), "show", hermes]) == 0
    page = capsys.readouterr().out
    assert "provisional, from Hub metadata" in page and "## On the Hub (automated)" in page


def test_cli_refresh_reports_partial_failures_and_still_succeeds(
        fake_hub: FakeHub, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake_hub.fail(f"/api/models/{FLAN}", Fault.not_found(times=None))
    assert cli.main(["--db", str(db), "refresh", "--ids", FLAN, WHISPER]) == 0
    err = capsys.readouterr().err
    assert "warning: 1 of 2 models could not be refreshed" in err
    assert f"{FLAN}: not_found" in err
    fake_hub.fail(f"/api/models/{WHISPER}", Fault.not_found(times=None))
    assert cli.main(["--db", str(db), "refresh", "--ids", FLAN, WHISPER]) == 1


def test_cli_refresh_offline_and_unreachable(fake_hub: FakeHub, db: Path,
                                             monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    assert cli.main(["--db", str(db), "refresh", "--search", "llama"]) == 1
    assert "offline mode is on" in capsys.readouterr().err
    assert fake_hub.log == []
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{fake_hub.port}")
    fake_hub.stop()
    started = time.monotonic()
    assert cli.main(["--db", str(db), "refresh", "--search", "llama"]) == 1
    assert time.monotonic() - started < 5
    assert "could not be reached: connection refused" in capsys.readouterr().err


def test_terminal_progress_line(fake_hub: FakeHub, db: Path) -> None:
    from openexplorer.commands.refresh import run_refresh

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out = Tty()

    class Args:
        search, author, ids, limit = "llama", None, None, 3

    with Cache.open(db) as cache:
        assert run_refresh(Args(), cache, stream=out, client=fake_hub.client()) == 0
    text = out.getvalue()
    assert "\rrefresh " in text and "refreshed 3 of 3 models" in text


def test_a_release_known_by_a_repos_old_name_follows_the_rename(fake_hub: FakeHub,
                                                                  db: Path) -> None:
    from openexplorer.db.cache import Cache
    from openexplorer.core.records import ImportResult, SourceRecord

    with Cache.open(db) as cache:
        ingest(cache, ImportResult(records=[SourceRecord(
            source="epoch", key="BERT-Large", name="BERT", hub_id="bert-base-uncased")]))
    report = run(fake_hub, db, ids=("bert-base-uncased",))
    assert report.renamed == {"bert-base-uncased": "google-bert/bert-base-uncased"}
    with Cache.open(db) as cache:
        assert cache.release("bert-base-uncased") is None
        release = cache.release("google-bert/bert-base-uncased")
        assert release is not None and release["hub_id"] == "google-bert/bert-base-uncased"
        assert {r["source"] for r in cache.records_for(release["id"])} == {"epoch", "hub"}
        assert cache.count("releases") == 1


def test_a_run_that_wrote_records_stamps_last_refresh(fake_hub: FakeHub, db: Path) -> None:
    from openexplorer.db.cache import Cache

    clock = Clock()
    run(fake_hub, db, clock, ids=(FLAN,))
    with Cache.open(db) as cache:
        stamp = cache.get_meta("last_refresh")
    assert stamp is not None and stamp.startswith(clock.t.date().isoformat())
