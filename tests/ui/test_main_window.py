"""The main window: search, a release's page, the comparison and the overview, wired together."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QFontInfo, QGuiApplication  # noqa: E402

from openexplorer.store import open_cache  # noqa: E402
from openexplorer.ui.main_window import SETTING_COMPARISON, MainWindow  # noqa: E402

TIMEOUT = 5000


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("ui") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, cache, settings):
    win = MainWindow(cache, settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    qtbot.waitUntil(lambda: win.model_page.view() is not None, timeout=TIMEOUT)
    return win


def test_text_renders_with_a_real_font(qapp):
    # Without fonts Qt draws boxes and says nothing (TECH-NOTES G3).
    assert QFontInfo(qapp.font()).family() != ""


def test_window_lists_the_snapshot_and_shows_the_first_release(window, cache):
    assert window.search.model.rowCount() > 100
    assert str(cache.count("releases")) in window.statusBar().currentMessage()
    assert window.model_page.view()["id"] == window.search.current_id()


def test_typing_searches_and_activating_opens_the_release(window, qtbot):
    window.search.set_query("OLMo-7B")
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0 and window.search.is_idle(),
                    timeout=TIMEOUT)
    window.search.select_release("allenai/olmo-7b")
    qtbot.waitUntil(lambda: (window.model_page.view() or {}).get("id") == "allenai/olmo-7b",
                    timeout=TIMEOUT)
    view = window.model_page.view()
    assert view["mof"]["class"] == "I"
    assert window.model_page.mof_class_label.text().startswith("Class I")
    assert window.tabs.currentIndex() == window.TAB_RELEASE


def test_compare_selected_releases_and_remember_them(window, qtbot, settings):
    window.search.set_query("")
    ids = ["allenai/olmo-7b", "meta-llama/llama-3.1-8b", "meta-llama/llama-2-70b"]
    window._add_to_comparison(ids)
    assert window.tabs.currentIndex() == window.TAB_COMPARE
    assert set(window.compare_view.ids()) == set(ids)
    window.close()
    assert set(json.loads(settings.value(SETTING_COMPARISON))) == set(ids)


def test_last_comparison_and_layout_come_back(qtbot, cache, settings):
    first = MainWindow(cache, settings=settings)
    qtbot.addWidget(first)
    first._add_to_comparison(["allenai/olmo-7b", "meta-llama/llama-3.1-8b"])
    first.tabs.setCurrentIndex(first.TAB_OVERVIEW)
    first.close()
    second = MainWindow(cache, settings=settings)
    qtbot.addWidget(second)
    assert second.compare_view.ids() == first.compare_view.ids()
    assert second.tabs.currentIndex() == second.TAB_OVERVIEW


def test_delete_removes_the_selected_release_from_the_comparison(window, qtbot):
    window._add_to_comparison(["allenai/olmo-7b", "meta-llama/llama-3.1-8b",
                               "meta-llama/llama-2-70b"])
    before = window.compare_view.ids()
    matrix = window.compare_view.matrix
    matrix.setFocus()
    matrix.selectColumn(1)  # column 0 holds the row labels
    chosen = matrix.release_at_column(1)
    window.remove_action.trigger()
    assert window.compare_view.ids() == [i for i in before if i != chosen]


def test_shortcuts(window):
    shortcuts = {a.shortcut().toString() for a in window.actions()}
    assert {"Ctrl+K", "Ctrl+R", "Ctrl+E", "Ctrl+Shift+C"} <= shortcuts
    assert window.remove_action.shortcut().toString() == "Del"


def test_overview_bar_filters_the_search(window, qtbot):
    window.overview.filter_requested.emit({"mof_class": "I"})
    qtbot.waitUntil(lambda: window.search.is_idle() and window.search.model.rowCount() > 0,
                    timeout=TIMEOUT)
    assert window.search.filters().mof_class == ("I",)


def test_copy_as_markdown_copies_the_release_page(window, qtbot):
    window.tabs.setCurrentIndex(window.TAB_RELEASE)
    window.copy_markdown_action.trigger()
    assert QGuiApplication.clipboard().text().startswith(f"# {window.model_page.view()['name']}")


def test_theme_switch_is_remembered(window, settings, qapp):
    window.set_theme("dark")
    assert settings.value("ui/theme") == "dark"
    assert qapp.palette().color(qapp.palette().ColorRole.Window).lightness() < 128
    window.set_theme("system")
    assert window.theme_actions["system"].isChecked()


def test_search_with_fts_syntax_does_not_break_the_window(window, qtbot):
    qtbot.keyClicks(window.search.search_box, 'llama-3 "unclosed AND (')
    qtbot.waitUntil(window.search.is_idle, timeout=TIMEOUT)
    assert window.isVisible()
    assert window.search.search_box.text() == 'llama-3 "unclosed AND ('
    # quoted terms: the rows found contain the words typed
    for row in range(window.search.model.rowCount()):
        release_id = window.search.model.data(window.search.model.index(row, 0),
                                              Qt.ItemDataRole.UserRole)
        assert release_id


def test_a_new_window_fits_the_screen(qtbot, cache, tmp_path):
    fresh = QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat)
    win = MainWindow(cache, settings=fresh)
    qtbot.addWidget(win)
    area = QGuiApplication.primaryScreen().availableGeometry()
    assert win.width() <= area.width() and win.height() <= area.height()
