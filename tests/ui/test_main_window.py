"""The first main window over a cache built from the bundled snapshot."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QFontInfo  # noqa: E402

from openexplorer.store import open_cache  # noqa: E402
from openexplorer.ui.main_window import MainWindow  # noqa: E402


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("ui") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def window(qtbot, cache):
    win = MainWindow(cache)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_text_renders_with_a_real_font(qapp):
    # Without fonts Qt draws boxes and says nothing (TECH-NOTES G3).
    assert QFontInfo(qapp.font()).family() != ""


def test_window_lists_the_snapshot_and_shows_the_first_release(window, cache):
    assert window.model.rowCount() > 100
    assert str(cache.count("releases")) in window.statusBar().currentMessage()
    assert window.details.toPlainText().strip() != ""


def test_typing_searches_and_selecting_shows_the_release(window, qtbot):
    qtbot.keyClicks(window.search_box, "OLMo-7B")
    qtbot.waitUntil(lambda: window.model.rowCount() > 0
                    and "olmo" in window.model.release_id(0), timeout=3000)
    ids = [window.model.release_id(r) for r in range(window.model.rowCount())]
    row = ids.index("allenai/olmo-7b")
    window.results.selectRow(row)
    qtbot.waitUntil(lambda: "Class I - Open Science Model" in window.details.toPlainText(),
                    timeout=3000)
    text = window.details.toPlainText()
    assert "OLMo-7B" in text and "Apache-2.0" in text


def test_search_with_fts_syntax_does_not_break_the_window(window, qtbot):
    qtbot.keyClicks(window.search_box, 'llama-3 "unclosed AND (')
    qtbot.wait(window.SEARCH_DELAY_MS + 100)
    assert window.model.rowCount() >= 0
