#!/usr/bin/env python3
"""Build the bundled snapshot from the public source data (run by developers, not at install).

    python scripts/build_snapshot.py ../shared/data

Writes resources/snapshot/snapshot.json.gz: facts only (no free-text notes), with provenance and
the attribution each source asks for. Prints what went in.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from openexplorer.store import snapshot  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shared_data", type=Path, help="the folder with one sub-folder per source")
    parser.add_argument("--out", type=Path,
                        default=REPO / "resources" / "snapshot" / snapshot.SNAPSHOT_NAME)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(message)s")
    if not args.shared_data.is_dir():
        parser.error(f"{args.shared_data}: not a folder")
    started = time.perf_counter()
    document = snapshot.build(args.shared_data)
    snapshot.write(document, args.out)
    for part in document["parts"]:
        print(f"{part['source']:12} {part['path']:40} {len(part['records']):5} records "
              f"{len(part['problems']):3} problems")
    size = args.out.stat().st_size
    print(f"wrote {args.out} ({size / 1024:.0f} KiB) in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
