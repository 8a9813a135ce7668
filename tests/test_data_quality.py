"""scripts/data_quality.py: the figures it prints and the Markdown it writes, on a cache built
from the importers over ../shared/data."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from openexplorer.db.cache import Cache
from tests.conftest import cache_from

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "data_quality.py"


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("data_quality", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def cache_path(tmp_path_factory, source_snapshot) -> Path:
    path = tmp_path_factory.mktemp("quality") / "c.sqlite"
    cache_from(source_snapshot, path).close()
    return path


def test_figures_and_report(script, cache_path, tmp_path, capsys):
    cache = Cache.open(cache_path, readonly=True)
    figures = script.measure(cache)
    cache.close()
    counts, known = figures["counts"], figures["known"]
    assert counts["all"] > 700
    assert 0 < counts["open"] < counts["all"]
    # The precedence fills commercial use for most open-weight releases (Epoch's labels).
    assert known["open"]["commercial_use"] / counts["open"] >= 0.75
    assert known["all"]["commercial_use"] / counts["all"] >= 0.75
    assert all(d["values"] and d["why"] for d in figures["disagreements"])

    out = tmp_path / "dq.md"
    assert script.main(["--db", str(cache_path), "--write", str(out)]) == 0
    text = out.read_text()
    assert "| licence |" in text and "## Sources that disagree" in text
    assert script.SOURCE_CHECKS_MARK in text
    # Source errors are counted, and no release keeps records that disagree on size or org.
    assert figures["noted"] > 0 and sum(figures["notes"].values()) >= figures["noted"]
    assert "disagree on size or organisation: 0." in text
    assert "open-weight releases" in capsys.readouterr().out
