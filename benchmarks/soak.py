#!/usr/bin/env python3
"""The reliability soaks at full length (CI runs shorter versions of the same code).

    python benchmarks/soak.py                       # faults (2,000 requests) and crashes (50 kills)
    python benchmarks/soak.py --requests 2000 --seed 7
    python benchmarks/soak.py --kills 50 --only crash
    python benchmarks/soak.py --fuzz --only fuzz     # hypothesis, 10,000 cases per target

* faults: refresh runs against the local fake Hub with 20 % of all requests failing at random
  (tests/test_reliability_faults.py); every model updated completely or left as it was, every
  failure in the report, the request budget never exceeded (injected clock).
* crash: refresh processes killed with SIGKILL at random points (tests/test_reliability_crash.py);
  the cache always opens and passes integrity_check, no half-written release, the next refresh
  completes.
* fuzz: ``OPENEXPLORER_FUZZ=long pytest tests/test_reliability_fuzz.py``.

Prints the figures as JSON (one line per soak) and exits 1 if an invariant did not hold.
Figures from a run are in docs/reliability.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# Before huggingface_hub is imported (it reads these once, docs/tech-notes.md G7).
os.environ["HF_HUB_OFFLINE"] = "0"
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ.pop("HF_TOKEN", None)
sys.path.insert(0, str(REPO))


def shared_data() -> Path:
    configured = os.environ.get("OPENEXPLORER_SHARED_DATA")
    return Path(configured) if configured else REPO.parent / "shared" / "data"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="requests in the fault soak")
    parser.add_argument("--kills", type=int, default=50, help="SIGKILLs in the crash soak")
    parser.add_argument("--models", type=int, default=0,
                        help="models per crash run (default: every model of the fake Hub)")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--fuzz", action="store_true", help="also the long fuzz (slow)")
    parser.add_argument("--only", choices=["faults", "crash", "fuzz"])
    args = parser.parse_args()
    data = shared_data()
    if not data.is_dir():
        print(f"the public data is not at {data} (set OPENEXPLORER_SHARED_DATA)", file=sys.stderr)
        return 2
    print(f"# {platform.platform()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M')}", flush=True)
    failed = False
    with tempfile.TemporaryDirectory(prefix="openexplorer-soak-") as folder:
        root = Path(folder)
        os.environ["HF_HOME"] = str(root / "hf-home")
        os.environ["OPENEXPLORER_DB"] = str(root / "unused.sqlite")
        if args.only in (None, "faults"):
            from tests.test_reliability_faults import SoakFailure, run_soak

            work = root / "faults"
            work.mkdir()

            def progress(runs: int, requests: int, report: object) -> None:
                print(f"  faults: run {runs}, {requests} requests", file=sys.stderr, flush=True)

            try:
                result = run_soak(data, work, requests=args.requests, seed=args.seed,
                                  progress=progress)
                print(json.dumps({"soak": "faults", "ok": True, **result.figures()}), flush=True)
            except SoakFailure as exc:
                failed = True
                print(json.dumps({"soak": "faults", "ok": False, "error": str(exc)}), flush=True)
        if args.only in (None, "crash"):
            from tests.test_reliability_crash import CrashFailure, run_crashes

            work = root / "crash"
            work.mkdir()

            def crash_progress(result: object) -> None:
                print(f"  crash: {getattr(result, 'kills', 0)} kills", file=sys.stderr,
                      flush=True)

            try:
                crashes = run_crashes(data, work, kills=args.kills, seed=args.seed,
                                      models=args.models or None, progress=crash_progress)
                print(json.dumps({"soak": "crash", "ok": True, **crashes.figures()}), flush=True)
            except CrashFailure as exc:
                failed = True
                print(json.dumps({"soak": "crash", "ok": False, "error": str(exc)}), flush=True)
        if args.fuzz or args.only == "fuzz":
            started = time.monotonic()
            env = {**os.environ, "OPENEXPLORER_FUZZ": "long", "QT_QPA_PLATFORM": "offscreen"}
            out = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                 "-W", "ignore::hypothesis.errors.HypothesisWarning",
                 str(REPO / "tests" / "test_reliability_fuzz.py")],
                cwd=REPO, env=env, capture_output=True, text=True, check=False)
            summary = (out.stdout.strip().splitlines() or [""])[-1]
            print(json.dumps({"soak": "fuzz", "ok": out.returncode == 0,
                              "cases_per_target": 10_000, "result": summary,
                              "wall_s": round(time.monotonic() - started)}), flush=True)
            if out.returncode != 0:
                failed = True
                print(out.stdout[-5000:], file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
