"""The benchmark suite works end to end on a small synthetic cache (no timing is asserted).

``python benchmarks/run.py --quick --models 300 --cache …`` builds the cache through the
product's ingest, measures every benchmark once and writes the results file; the real run is
``python benchmarks/run.py`` (docs/benchmarks.md).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import run  # noqa: E402
import suite  # noqa: E402
import synthetic  # noqa: E402


def test_synthetic_models_are_reproducible_and_distinct():
    first = [body for _, body in synthetic.unique_bodies(2000, seed=3)]
    again = [body for _, body in synthetic.unique_bodies(2000, seed=3)]
    assert first == again
    assert len({b["id"].lower() for b in first}) == len(first)
    assert synthetic.hub_body(1234, 3) == first[1234] or first[1234]["id"].endswith("-1234")
    other = [b["id"] for _, b in synthetic.unique_bodies(50, seed=4)]
    assert other != [b["id"] for b in first[:50]]
    licences = {t for b in first for t in b["tags"] if t.startswith("license:")}
    assert {"license:apache-2.0", "license:mit"} <= licences
    assert any(b["downloads"] == 0 for b in first) and max(b["downloads"] for b in first) > 1000
    assert sum("llama" in b["id"].lower() for b in first) > 100


def test_keystrokes_are_every_prefix_typed():
    assert suite.keystrokes(["ab c"]) == ["a", "ab", "ab c"]


def test_the_whole_suite_runs_and_writes_the_results(tmp_path, qapp):
    cache = tmp_path / "hub-300.sqlite"
    output = tmp_path / "benchmarks.md"
    output.write_text(f"# Benchmarks\n\nkept\n\n{run.START}\nOLD-RESULTS\n{run.END}\n\nalso kept\n")
    assert run.main(["--models", "300", "--cache", str(cache), "--quick",
                     "--output", str(output)]) == 0
    text = output.read_text()
    assert text.startswith("# Benchmarks\n\nkept") and text.rstrip().endswith("also kept")
    assert "OLD-RESULTS" not in text
    for what in ("search as you type", "facet counts", "cold start", "scrolling",
                 "refresh ingest", "8-release comparison", "peak memory",
                 "other interactions at scale"):
        assert what in text, what
    assert "failed" not in text
    with sqlite3.connect(cache) as conn:
        # The interactions benchmark watched a family for a moment, and no longer.
        assert conn.execute("SELECT count(*) FROM watchlist").fetchone()[0] == 0
        records = conn.execute("SELECT count(*) FROM records WHERE source = 'hub'").fetchone()[0]
        assert records == 300  # a few link to a curated release of the snapshot
        # The refresh benchmark put the models back as they were.
        assert conn.execute("SELECT count(*) FROM changes WHERE changed_at LIKE '2026-10-20%'"
                            ).fetchone()[0] == 0
