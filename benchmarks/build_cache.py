#!/usr/bin/env python3
"""Build a synthetic cache of N Hub models through the product's own refresh ingest path.

    python benchmarks/build_cache.py --models 1000000 [--seed 1] [--path /tmp/…sqlite]

The cache starts as a new user's does (``store.open_cache``: the bundled snapshot), then takes
the synthetic models of :mod:`synthetic` in batches exactly as a Hub refresh writes them:
``hub_evidence.record_from_hub`` on each body (parse, evidence), then ``store.ingest`` (link,
merge, ``changes``, release summaries with the framework scores, the FTS index), one transaction
per batch. The parsing runs in a second process; nothing bypasses the product's tables.

At 1,000,000 models this takes a while (see docs/benchmarks.md) and the file is several GB, so it
goes to /tmp, never into the repository. It can be stopped and started again: the number of
models written is kept in the cache's ``meta`` (``bench_synthetic``) and a second run goes on from
there. The result depends only on ``--models`` and ``--seed``.
"""

from __future__ import annotations

import argparse
import collections
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import synthetic  # noqa: E402

#: When the synthetic Hub was "read" (fixed, so that two builds give the same cache).
FETCHED_AT = "2026-10-01T00:00:00Z"
NOW = "2026-10-01T00:00:00+00:00"
BATCH = 1000
META_KEY = "bench_synthetic"


def default_path(models: int, seed: int) -> Path:
    return Path("/tmp/openexplorer-bench") / f"hub-{models}-seed{seed}.sqlite"


def _parse_range(task: tuple[int, int, int]) -> list[tuple[int, str, Any]]:
    """Models ``start`` … ``start + count - 1``: (index, repo id lower case, SourceRecord)."""
    from openexplorer.hub import evidence as hub_evidence

    start, count, seed = task
    out = []
    for i in range(start, start + count):
        body = synthetic.hub_body(i, seed)
        out.append((i, body["id"].lower(),
                    hub_evidence.record_from_hub(body, None, fetched_at=FETCHED_AT)))
    return out


def _records(parsed: list[tuple[int, str, Any]], seen: set[str], seed: int) -> list[Any]:
    """The batch's records, a repeated repo id renamed as :func:`synthetic.unique_bodies` does."""
    from openexplorer.hub import evidence as hub_evidence

    records = []
    for i, key, record in parsed:
        if key in seen:
            body = synthetic.renamed(synthetic.hub_body(i, seed), i)
            key = body["id"].lower()
            record = hub_evidence.record_from_hub(body, None, fetched_at=FETCHED_AT)
        seen.add(key)
        records.append(record)
    return records


def build(path: Path, models: int, seed: int = 1, *, processes: int = 1,
          progress: bool = True) -> dict[str, Any]:
    """Build (or finish building) the cache at ``path``; returns its ``bench_synthetic`` meta."""
    from openexplorer.core.records import ImportResult
    from openexplorer.store.cache_file import open_cache
    from openexplorer.store.ingest import ingest

    path.parent.mkdir(parents=True, exist_ok=True)
    cache = open_cache(path)
    try:
        state = json.loads(cache.get_meta(META_KEY) or "{}")
        if state and (state.get("models") != models or state.get("seed") != seed):
            raise SystemExit(f"{path} holds another synthetic cache ({state}); use another path")
        done = int(state.get("done", 0))
        if done >= models:
            return state
        started = time.perf_counter()
        first = done
        seconds = float(state.get("seconds", 0.0))
        seen = {body["id"].lower() for _, body in synthetic.unique_bodies(done, seed)}
        tasks = [(start, min(BATCH, models - start), seed) for start in range(done, models, BATCH)]
        pool = multiprocessing.get_context("fork").Pool(processes) if processes > 0 else None
        try:
            pending: collections.deque[Any] = collections.deque()
            for position in range(len(tasks)):
                # A few batches ahead, never the whole run (the parsed records are large).
                while pool and len(pending) < 3 and position + len(pending) < len(tasks):
                    pending.append(pool.apply_async(_parse_range,
                                                    (tasks[position + len(pending)],)))
                parsed = pending.popleft().get() if pool else _parse_range(tasks[position])
                records = _records(parsed, seen, seed)
                ingest(cache, ImportResult(records=records), now=NOW)
                done += len(records)
                elapsed = seconds + time.perf_counter() - started
                state = {"models": models, "seed": seed, "done": done,
                         "seconds": round(elapsed, 1), "fetched_at": FETCHED_AT}
                cache.set_meta(META_KEY, json.dumps(state))
                if progress and (done % 20_000 < BATCH or done == models):
                    rate = (done - first) / (time.perf_counter() - started)
                    print(f"  {done:,} / {models:,} models, {elapsed:,.0f} s "
                          f"({rate:,.0f} models/s)", flush=True)
        finally:
            if pool:
                pool.terminate()
                pool.join()
        cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        cache.conn.execute("PRAGMA optimize")
        return state
    finally:
        cache.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--path", type=Path, default=None)
    parser.add_argument("--processes", type=int, default=1,
                        help="parsing processes beside the writer (0: parse in the writer)")
    args = parser.parse_args()
    path = args.path or default_path(args.models, args.seed)
    print(f"building {path}: {args.models:,} synthetic Hub models, seed {args.seed}")
    state = build(path, args.models, args.seed, processes=args.processes)
    print(f"done: {state}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
