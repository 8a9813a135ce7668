"""A crash at any moment: a refresh process killed with SIGKILL at random points, over and over.

Each run refreshes every model of the local fake Hub into the same cache, in small batches (one
transaction each), and is killed at a random moment of its run — some while the cache is still
being created from the bundled snapshot (first launch). After every kill:

* the cache opens (``store.open_cache``: its integrity check included), ``PRAGMA integrity_check``
  is ok, no foreign key is dangling, the full-text index passes its own check;
* no half-written release: every Hub record has all its assessments, and the release and its
  summary row carry the downloads of that very record (written in the same transaction);

and after the last kill, the next refresh completes and stores what the Hub says.

The runs are forked from a "zygote" process that has already imported everything (a fresh
interpreter takes a second to import the Hub client; the kills are what is being tested), and a
few are the real command, ``python -m openexplorer refresh``. CI kills :data:`CI_KILLS` times; the
full run is ``python benchmarks/soak.py --kills 50``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.fake_hub import FakeHub, load_corpus
from tests.test_reliability_faults import stored

REPO = Path(__file__).resolve().parent.parent
CI_KILLS = int(os.environ.get("OPENEXPLORER_CRASH_KILLS", "10"))
CI_MODELS = 20  # models per run in CI (the full run: every model of the fake Hub)
BATCH = 2

ZYGOTE = r'''
import json, os, sys, traceback
from openexplorer.store.cache_file import open_cache
from openexplorer.hub.client import HubClient
from openexplorer.hub.refresh import RefreshRequest, refresh

def child(cmd):
    open_cache(cmd["db"]).close()
    client = HubClient(cmd["endpoint"], token=False, cache_dir=cmd["cache_dir"], timeout=5)
    report = refresh(client, cmd["db"], RefreshRequest(ids=tuple(cmd["ids"]),
                                                       batch_size=cmd["batch"]))
    return 0 if report.ok else 4

print("ready", flush=True)
for line in sys.stdin:
    cmd = json.loads(line)
    if cmd.get("quit"):
        break
    pid = os.fork()
    if pid == 0:
        try:
            code = child(cmd)
        except BaseException:
            traceback.print_exc()
            code = 3
        sys.stdout.flush(); sys.stderr.flush()
        os._exit(code)
    print(json.dumps({"pid": pid}), flush=True)
    sys.stdin.readline()  # "reap": the child stays a zombie until then, so its pid is not reused
    _, status = os.waitpid(pid, 0)
    print(json.dumps({"killed": os.WIFSIGNALED(status),
                      "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None}),
          flush=True)
'''


class CrashFailure(AssertionError):
    pass


@dataclass
class CrashResult:
    kills: int = 0  # runs killed before they finished
    finished: int = 0  # runs that finished before the kill came
    first_launch_kills: int = 0  # killed while the cache was being created
    models: int = 0  # models per run
    cli_kills: int = 0  # of the kills, `python -m openexplorer refresh`
    transactions_seen: int = 0  # Hub records found written, over all checks
    full_run_s: float = 0.0
    wall: float = 0.0
    seed: int = 0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {"kills": self.kills, "of_which_first_launch": self.first_launch_kills,
                "of_which_cli": self.cli_kills, "runs_finished_before_kill": self.finished,
                "hub_records_checked": self.transactions_seen,
                "models_per_run": self.models, "full_run_s": round(self.full_run_s, 2),
                "wall_s": round(self.wall, 1),
                "seed": self.seed}


def _env(workdir: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "0",
            "HF_HUB_DISABLE_TELEMETRY": "1", "HF_HOME": str(workdir / "hf-home"),
            "HF_TOKEN": "", "OPENEXPLORER_DB": str(workdir / "unused.sqlite")}


def check_cache(db: Path, assessments: dict[str, int], downloads: set[int]) -> int:
    """The checks after a kill; returns how many Hub records were checked."""
    from openexplorer.db.cache import popularity_of
    from openexplorer.store.cache_file import open_cache

    if not db.exists():
        return 0  # killed before the new cache took its name: nothing half made is left
    with open_cache(db, backup=False) as cache:  # opens, and passes the quick check
        conn = cache.conn
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise CrashFailure("integrity_check failed")
        if conn.execute("PRAGMA foreign_key_check").fetchall():
            raise CrashFailure("dangling foreign keys")
        conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
        if conn.execute("SELECT count(*) FROM assessments WHERE record_id NOT IN "
                        "(SELECT id FROM records)").fetchone()[0]:
            raise CrashFailure("assessments without their record")
        if cache.get_meta("snapshot_built") is None:
            raise CrashFailure("a cache without the snapshot")
        rows = conn.execute(
            "SELECT r.key, r.release_id, r.data, (SELECT count(*) FROM assessments a "
            "WHERE a.record_id = r.id) FROM records r WHERE r.source = 'hub'").fetchall()
        hub_records_per_release: dict[str, int] = {}
        for _, release_id, _, _ in rows:
            hub_records_per_release[release_id] = hub_records_per_release.get(release_id, 0) + 1
        for key, release_id, data, count in rows:
            if count != assessments.get(key):
                raise CrashFailure(f"{key}: {count} assessments, a complete record has "
                                   f"{assessments.get(key)}")
            got = json.loads(data)["downloads"]
            if got not in downloads:
                raise CrashFailure(f"{key}: downloads {got} were never served")
            release = conn.execute("SELECT popularity FROM releases WHERE id = ?",
                                   (release_id,)).fetchone()
            summary = conn.execute("SELECT downloads FROM release_summary WHERE release_id = ?",
                                   (release_id,)).fetchone()
            if release is None or summary is None:
                raise CrashFailure(f"{key}: its release or summary row is missing")
            if hub_records_per_release[release_id] == 1 and (release[0], summary[0]) != (
                    popularity_of(got), got):
                raise CrashFailure(f"{key}: record says {got} downloads, release popularity "
                                   f"{release[0]}, summary {summary[0]}: written in pieces")
        return len(rows)


def run_crashes(shared_data: Path, workdir: Path, *, kills: int, seed: int = 20261126,
                models: int | None = None, cli_every: int = 7, first_launch_every: int = 4,
                progress: Any = None) -> CrashResult:
    """Kill refresh runs ``kills`` times; raises CrashFailure when a check fails. The caller must
    have switched huggingface_hub's offline mode off (for the final in-process check)."""
    from openexplorer.hub.client import HubClient
    from openexplorer.hub.refresh import RefreshRequest, refresh

    started = time.monotonic()
    rng = random.Random(seed)
    result = CrashResult(seed=seed)
    hub = FakeHub(load_corpus(shared_data / "hub-samples"))
    hub.start()
    assert hub._server is not None
    hub._server.handle_error = lambda *a: None  # a killed client's connection resets: expected
    zygote_file = workdir / "zygote.py"
    zygote_file.write_text(ZYGOTE, encoding="utf-8")
    zygote = subprocess.Popen([sys.executable, str(zygote_file)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=_env(workdir), cwd=workdir)
    try:
        assert zygote.stdout is not None and zygote.stdin is not None
        if zygote.stdout.readline().strip() != "ready":
            raise CrashFailure(f"the zygote did not start: {zygote.stderr.read()}")
        ids = sorted(m for m in hub.models if m not in hub.redirects)
        ids = sorted(rng.sample(ids, models)) if models else ids
        result.models = len(ids)
        db = workdir / "cache.sqlite"
        served: set[int] = set()
        version = 0

        def new_hub_state() -> None:
            nonlocal version
            version += 1
            for n, model_id in enumerate(ids):
                hub.models[model_id]["downloads"] = 1_000_000 * version + n
                served.add(1_000_000 * version + n)

        def fork_run(timeout: float | None, iteration: int) -> tuple[bool, float]:
            command = {"db": str(db), "endpoint": hub.url, "ids": ids, "batch": BATCH,
                       "cache_dir": str(workdir / "hf" / str(iteration))}
            zygote.stdin.write(json.dumps(command) + "\n")
            zygote.stdin.flush()
            pid = json.loads(zygote.stdout.readline())["pid"]
            began = time.monotonic()
            if timeout is not None:
                time.sleep(timeout)
                os.kill(pid, signal.SIGKILL)  # our own child (a zombie at worst: not reaped yet)
            zygote.stdin.write("reap\n")
            zygote.stdin.flush()
            status = json.loads(zygote.stdout.readline())
            if not status["killed"] and status["code"] != 0:
                raise CrashFailure(f"a run ended with status {status['code']}")
            return status["killed"], time.monotonic() - began

        # A fault-free run: how long a whole run takes (the kills land within it), and what a
        # complete record of each model looks like.
        new_hub_state()
        killed, first_launch_s = fork_run(None, 0)  # a first launch, then the refresh
        new_hub_state()
        killed, result.full_run_s = fork_run(None, -1)  # the refresh alone
        with sqlite3.connect(db) as conn:
            assessments = dict(conn.execute(
                "SELECT r.key, (SELECT count(*) FROM assessments a WHERE a.record_id = r.id) "
                "FROM records r WHERE r.source = 'hub'").fetchall())
        conn.close()
        if len(assessments) != len(ids):
            raise CrashFailure(f"the fault-free run wrote {len(assessments)} of {len(ids)}")
        iteration = 0
        while (result.kills < kills or (first_launch_every and not result.first_launch_kills)
               or (cli_every and not result.cli_kills)) and iteration < 10 * kills:
            iteration += 1
            new_hub_state()
            first_launch = iteration % first_launch_every == 0
            if first_launch:
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{db}{suffix}").unlink(missing_ok=True)
            if cli_every and iteration % cli_every == 0:
                delay = rng.uniform(0.3, 1.0 + (first_launch_s if first_launch
                                                 else result.full_run_s))
                killed = _cli_run(db, hub.url, ids, workdir, delay)
                result.cli_kills += killed
            else:
                whole = first_launch_s if first_launch else result.full_run_s
                killed, _ = fork_run(rng.uniform(0, whole), iteration)
            if killed:
                result.kills += 1
                result.first_launch_kills += first_launch
            else:
                result.finished += 1
            result.transactions_seen += check_cache(db, assessments, served)
            if progress:
                progress(result)
        # The next refresh completes, and stores what the Hub says now.
        new_hub_state()
        killed, _ = fork_run(None, iteration + 1)
        check_cache(db, assessments, served)
        reference = workdir / "reference.sqlite"
        report = refresh(HubClient(hub.url, token=False, cache_dir=workdir / "hf" / "ref"),
                         reference, RefreshRequest(ids=tuple(ids), batch_size=50))
        if not report.ok:
            raise CrashFailure(f"the reference run failed: {report.failed[:3]}")
        mine = {k: row for k, (row, _) in stored(db, ids).items()}
        theirs = {k: row for k, (row, _) in stored(reference, ids).items()}
        different = [k for k in ids if mine[k] != theirs[k]]
        if different:
            raise CrashFailure(f"after the last kill, the next refresh left {different[:3]} "
                               "different from what the Hub says: "
                               + _difference(mine[different[0]], theirs[different[0]]))
    finally:
        if zygote.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                zygote.stdin.write(json.dumps({"quit": True}) + "\n")
                zygote.stdin.flush()
            try:
                zygote.wait(timeout=10)
            except subprocess.TimeoutExpired:
                zygote.kill()
                zygote.wait()
        hub.stop()
        import huggingface_hub

        huggingface_hub.close_session()
        result.wall = time.monotonic() - started
    return result


def _difference(mine: str | None, theirs: str | None) -> str:
    if mine is None or theirs is None:
        return f"stored: {mine is not None}, expected: {theirs is not None}"
    a, b = json.loads(mine), json.loads(theirs)
    out = []
    for key in sorted(set(a) | set(b)):
        if a.get(key) == b.get(key):
            continue
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            out += [f"{key}.{k}: {str(a[key].get(k))[:120]} != {str(b[key].get(k))[:120]}"
                    for k in sorted(set(a[key]) | set(b[key])) if a[key].get(k) != b[key].get(k)]
        else:
            out.append(f"{key}: {str(a.get(key))[:120]} != {str(b.get(key))[:120]}")
    return "; ".join(out)


def _cli_run(db: Path, endpoint: str, ids: list[str], workdir: Path, delay: float) -> bool:
    """``python -m openexplorer --db DB refresh --ids …``, killed after ``delay`` seconds."""
    env = {**_env(workdir), "HF_ENDPOINT": endpoint}
    process = subprocess.Popen([sys.executable, "-m", "openexplorer", "--db", str(db),
                                "refresh", "--ids", *ids], env=env, cwd=workdir,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        process.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGKILL)  # our own child, by its Popen handle
        process.wait()
        return True
    err = process.stderr.read() if process.stderr else ""
    if process.returncode != 0 or "Traceback" in err:
        raise CrashFailure(f"`openexplorer refresh` failed: {process.returncode} {err[-500:]}")
    return False


def test_sigkill_at_random_points_never_damages_the_cache(shared_data: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    result = run_crashes(shared_data, tmp_path, kills=CI_KILLS, models=CI_MODELS)
    print(json.dumps(result.figures()))
    assert result.kills >= CI_KILLS and result.first_launch_kills >= 1 and result.cli_kills >= 1
