"""A large cache opened by a new version: the window shows at once with the earlier summaries,
which are brought to the new rules in the background (ui/summary_worker.py), stopped on close
and resumed on the next start."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings

from openexplorer.search import summary
from openexplorer.db.cache import Cache
from openexplorer.store.cache_file import open_cache
from openexplorer.ui.main_window import MainWindow

TIMEOUT = 60_000
EARLIER = "Earlier rule"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("summaries") / "cache.sqlite"
    open_cache(path, backup=False).close()
    return path


@pytest.fixture
def stale(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy whose summaries were computed by an earlier version (other licence categories),
    counted as large: the app leaves it for the background."""
    path = tmp_path / "stale.sqlite"
    shutil.copy(built, path)
    computed = summary.summarize

    def earlier(view: dict[str, Any]) -> dict[str, Any]:
        return {**computed(view), "license_category": EARLIER}

    with pytest.MonkeyPatch.context() as patch, Cache.open(path) as cache:
        patch.setattr(summary, "summarize", earlier)
        patch.setattr(summary, "rules_version", lambda: "earlier-rules")
        summary.rebuild_all(cache)
    monkeypatch.setattr(summary, "BACKGROUND_OVER", 10)
    monkeypatch.setattr(summary, "BACKGROUND_BATCH", 50)
    return path


def categories(window: MainWindow) -> set[Any]:
    model = window.search.model
    return {model.row_data(row)["license_category"] for row in range(min(model.rowCount(), 60))}


def open_window(qtbot: Any, path: Path, tmp_path: Path) -> tuple[MainWindow, Cache]:
    cache = open_cache(path, backup=False, summaries_later=True)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(cache, settings=settings, periodic=False)
    qtbot.addWidget(window)
    window.show()
    return window, cache


def test_the_window_shows_the_earlier_figures_then_the_new_ones(qtbot, stale: Path,
                                                                tmp_path: Path) -> None:
    window, cache = open_window(qtbot, stale, tmp_path)
    try:
        assert not summary.is_current(cache)
        assert categories(window) == {EARLIER}  # at once, as they were
        qtbot.waitUntil(lambda: window.summary_note() is not None, timeout=TIMEOUT)
        qtbot.waitUntil(lambda: summary.is_current(cache) and window.summary_note() is None,
                        timeout=TIMEOUT)
        assert "updated" in window.statusBar().currentMessage()
        qtbot.waitUntil(lambda: window.search.is_idle(), timeout=TIMEOUT)
        assert EARLIER not in categories(window)  # the list was read again
        assert cache.conn.execute("SELECT count(*) FROM release_summary WHERE "
                                  "license_category = ?", (EARLIER,)).fetchone()[0] == 0
    finally:
        window.close()
        cache.close()


def test_closing_stops_between_batches_and_the_next_start_goes_on(
        qtbot, stale: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    update = summary.update

    def slow(cache: Cache, ids: Any) -> int:
        time.sleep(0.05)  # a large cache's batch, in small
        return update(cache, ids)

    monkeypatch.setattr(summary, "update", slow)
    window, cache = open_window(qtbot, stale, tmp_path)
    qtbot.waitUntil(lambda: "%" in (window.summary_note() or ""), timeout=TIMEOUT)
    window.close()  # stops the thread between two batches
    updater = window.summary_updater
    assert updater is not None and not updater.is_running()
    assert not summary.is_current(cache)
    reached = cache.get_meta("summary_rules_after")
    assert reached  # kept for the next start
    assert cache.conn.execute("SELECT count(*) FROM release_summary WHERE license_category = ? "
                              "AND release_id <= ?", (EARLIER, reached)).fetchone()[0] == 0
    cache.close()
    updater.finished.emit(True)  # an answer queued before the close, delivered after it
    assert "updated" not in window.statusBar().currentMessage()  # nothing read the closed cache

    again, cache = open_window(qtbot, stale, tmp_path)
    try:
        qtbot.waitUntil(lambda: summary.is_current(cache), timeout=TIMEOUT)
        assert cache.conn.execute("SELECT count(*) FROM release_summary WHERE "
                                  "license_category = ?", (EARLIER,)).fetchone()[0] == 0
    finally:
        again.close()
        cache.close()


def test_a_current_cache_starts_no_update(qtbot, built: Path, tmp_path: Path) -> None:
    path = tmp_path / "current.sqlite"
    shutil.copy(built, path)
    window, cache = open_window(qtbot, path, tmp_path)
    try:
        qtbot.waitUntil(lambda: window.model_page.view() is not None, timeout=TIMEOUT)
        assert window.summary_updater is None and window.summary_note() is None
    finally:
        window.close()
        cache.close()
