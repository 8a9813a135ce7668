#!/usr/bin/env python3
"""First launch: building a new cache from the bundled snapshot.

    python benchmarks/first_launch.py [--runs N]

Times ``store.open_cache`` on a new file (what the first launch and `openexplorer` commands do
on a fresh machine), in a fresh process each run so imports are counted too, and prints the
median and the worst run.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import sys, time
started = time.perf_counter()
from openexplorer.store.cache_file import open_cache
cache = open_cache(sys.argv[1])
releases = cache.count("releases")
cache.close()
print(time.perf_counter() - started, releases)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    times = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            out = subprocess.run([sys.executable, "-c", CHILD, str(Path(folder) / "c.sqlite")],
                                 capture_output=True, text=True, check=True)
            seconds, releases = out.stdout.split()
            times.append(float(seconds))
    print(f"machine: {platform.platform()}, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d')}")
    print(f"first launch, snapshot to cache ({releases} releases), {args.runs} runs: "
          f"median {statistics.median(times):.2f} s, worst {max(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
