"""The main window: search, a release's page, the comparison and the overview, wired together."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QFontInfo, QGuiApplication  # noqa: E402

from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.lazy_tab import LazyTab  # noqa: E402
from openexplorer.ui.main_window import (  # noqa: E402
    SETTING_COMPARISON,
    SETTING_TAB,
    MainWindow,
)

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
    # Without fonts Qt draws boxes and says nothing (docs/tech-notes.md G3).
    assert QFontInfo(qapp.font()).family() != ""


def test_window_lists_the_snapshot_and_shows_the_first_release(window, cache):
    assert window.search.model.rowCount() > 100
    assert f"{cache.count('releases'):,} releases" in window.statusBar().currentMessage()
    assert window.model_page.view().id == window.search.current_id()


def test_typing_searches_and_activating_opens_the_release(window, qtbot):
    window.search.set_query("OLMo-7B")
    qtbot.waitUntil(lambda: window.search.model.rowCount() > 0 and window.search.is_idle(),
                    timeout=TIMEOUT)
    window.search.select_release("allenai/olmo-7b")
    qtbot.waitUntil(lambda: getattr(window.model_page.view(), "id", None) == "allenai/olmo-7b",
                    timeout=TIMEOUT)
    view = window.model_page.view()
    assert view.mof.class_ == "I"
    assert window.model_page.mof_card.class_label.text().startswith("Class I")
    assert window.tabs.currentIndex() == window.TAB_RELEASE


def test_compare_selected_releases_and_remember_them(window, qtbot, settings):
    window.search.set_query("")
    ids = ["allenai/olmo-7b", "meta-llama/llama-3.1-8b", "meta-llama/llama-2-70b"]
    window.search.compare_requested.emit(ids)  # the results' Compare
    assert window.tabs.currentIndex() == window.TAB_COMPARE
    assert set(window.compare_view.ids()) == set(ids)
    window.close()
    assert set(json.loads(settings.value(SETTING_COMPARISON))) == set(ids)


def test_last_comparison_and_layout_come_back(qtbot, cache, settings):
    first = MainWindow(cache, settings=settings)
    qtbot.addWidget(first)
    first.search.compare_requested.emit(["allenai/olmo-7b", "meta-llama/llama-3.1-8b"])
    first.tabs.setCurrentIndex(first.TAB_OVERVIEW)
    first.close()
    second = MainWindow(cache, settings=settings)
    qtbot.addWidget(second)
    assert second.compare_view.ids() == first.compare_view.ids()
    assert second.tabs.currentIndex() == second.TAB_OVERVIEW


def test_a_saved_tab_that_is_not_a_number_opens_the_first_tab(qtbot, cache, settings):
    settings.setValue(SETTING_TAB, "overview")  # a hand-edited settings file
    window = MainWindow(cache, settings=settings)
    qtbot.addWidget(window)
    assert window.tabs.currentIndex() == 0
    settings.setValue(SETTING_TAB, str(window.TAB_OVERVIEW))  # as an INI file keeps it
    again = MainWindow(cache, settings=settings)
    qtbot.addWidget(again)
    assert again.tabs.currentIndex() == again.TAB_OVERVIEW

def test_delete_removes_the_selected_release_from_the_comparison(window, qtbot):
    window.search.compare_requested.emit(["allenai/olmo-7b", "meta-llama/llama-3.1-8b",
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
    assert QGuiApplication.clipboard().text().startswith(f"# {window.model_page.view().name}")


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


# -- tabs built when first needed (start-up builds only the first screen) ----------------------


def _tab(window, text: str) -> LazyTab:
    """The tab page titled ``text`` (as the tab bar shows it)."""
    (page,) = [window.tabs.widget(i) for i in range(window.tabs.count())
               if window.tabs.tabText(i) == text]
    return page


def _built(window) -> set[str]:
    """The titles of the tabs built so far, among those built when first needed."""
    tabs = window.tabs
    return {tabs.tabText(i) for i in range(tabs.count())
            if isinstance(tabs.widget(i), LazyTab) and tabs.widget(i).is_built()}


def test_only_the_release_tab_is_built_at_start(window):
    lazy = [window.tabs.widget(i) for i in range(window.tabs.count())
            if isinstance(window.tabs.widget(i), LazyTab)]
    assert len(lazy) >= 5 and window.tabs.widget(window.TAB_COMPARE) in lazy
    assert _built(window) == set()
    assert window.tabs.currentWidget() is window.model_page


def test_a_tab_is_built_when_first_shown(window, qtbot):
    tab = _tab(window, "&Licences")
    index = window.tabs.indexOf(tab)
    window.tabs.setCurrentIndex(index)
    assert _built(window) == {"&Licences"}
    page = tab.built_page()
    assert page is window.clauses and page.parent() is tab
    qtbot.waitUntil(page.isVisible, timeout=TIMEOUT)
    window.tabs.setCurrentIndex(window.TAB_RELEASE)
    window.tabs.setCurrentIndex(index)
    assert window.clauses is page  # built once


def test_the_restored_tab_is_built_and_the_others_wait(qtbot, cache, settings):
    first = MainWindow(cache, settings=settings)
    qtbot.addWidget(first)
    first.tabs.setCurrentIndex(first.tabs.indexOf(_tab(first, "Open-&washing")))
    first.close()
    second = MainWindow(cache, settings=settings)
    qtbot.addWidget(second)
    assert second.tabs.currentWidget() is _tab(second, "Open-&washing")
    assert _built(second) == {"Open-&washing"}


def test_go_menu_shortcut_builds_the_overview(window):
    show_overview = next(a for a in window.actions() if a.shortcut().toString() == "Ctrl+3")
    show_overview.trigger()
    assert window.tabs.currentIndex() == window.TAB_OVERVIEW
    assert _built(window) == {"O&verview"}
    window.overview.filter_requested.emit({"mof_class": "I"})  # connected when built
    assert window.search.filters().mof_class == ("I",)


def test_the_comparison_comes_back_without_building_its_tab(qtbot, cache, settings):
    ids = ["allenai/olmo-7b", "meta-llama/llama-3.1-8b"]
    first = MainWindow(cache, settings=settings)
    qtbot.addWidget(first)
    first.search.compare_requested.emit(ids)
    first.tabs.setCurrentIndex(first.TAB_RELEASE)
    first.close()
    second = MainWindow(cache, settings=settings)
    qtbot.addWidget(second)
    assert "&Compare" not in _built(second)
    second.close()  # saving the layout keeps the comparison it did not build
    assert set(json.loads(settings.value(SETTING_COMPARISON))) == set(ids)
    third = MainWindow(cache, settings=settings)
    qtbot.addWidget(third)
    assert set(third.compare_view.ids()) == set(ids)  # built on first use, with the releases
    assert "&Compare" in _built(third)


def test_the_frameworks_tab_shows_the_current_release_when_built(window):
    window.show_release("allenai/olmo-7b", switch=False)
    assert "&Frameworks && EU" not in _built(window)
    assert window.euaiact.view().id == "allenai/olmo-7b"
    assert window.crossframework.result() is not None
    window.show_release("meta-llama/llama-3.1-8b", switch=False)  # fed from now on
    assert window.euaiact.view().id == "meta-llama/llama-3.1-8b"


def test_delete_and_export_reach_a_tab_built_late(window):
    window.tabs.setCurrentIndex(window.TAB_COMPARE)
    compare = window.tabs.currentWidget()
    assert _built(window) == {"&Compare"}
    assert window.remove_action in compare.actions()
    window.search.compare_requested.emit(["allenai/olmo-7b", "meta-llama/llama-3.1-8b"])
    assert window.tabs.currentWidget() is compare and compare.built_page() is window.compare_view


def test_start_up_imports_only_what_the_first_screen_needs(tmp_path, cache):
    code = (
        "import sys\n"
        "from PySide6.QtCore import QSettings\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from openexplorer.store.cache_file import open_cache\n"
        "from openexplorer.ui.main_window import MainWindow\n"
        f"cache = open_cache({str(cache.path)!r})\n"
        f"settings = QSettings({str(tmp_path / 's.ini')!r}, QSettings.Format.IniFormat)\n"
        "window = MainWindow(cache, settings=settings)\n"
        "window.show()\n"
        "heavy = ['pyqtgraph', 'sqlite_utils', 'keyring', 'yaml', 'numpy',\n"
        "         'openexplorer.views.release', 'openexplorer.core.licenses', 'license_expression',\n"
        "         'openexplorer.frameworks.mof', 'openexplorer.frameworks.osai',\n"
        "         'openexplorer.core.sources',\n"
        "         'openexplorer.store.snapshot', 'openexplorer.ui.compare_view',\n"
        "         'openexplorer.ui.overview_view', 'openexplorer.ui.clauses_view',\n"
        "         'openexplorer.ui.openwashing_view', 'openexplorer.ui.rubric_view',\n"
        "         'openexplorer.ui.watchlist_view', 'openexplorer.ui.euaiact_panel']\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout + out.stderr


def test_the_first_release_is_read_off_the_gui_thread_and_the_facets_follow_it(
        qtbot, cache, settings, monkeypatch):
    import threading

    from openexplorer.ui import main_window

    threads: list[int] = []
    facts = main_window.first_screen_facts

    def reading(*args):
        threads.append(threading.get_ident())
        return facts(*args)

    monkeypatch.setattr(main_window, "first_screen_facts", reading)
    monkeypatch.setattr(MainWindow, "FACETS_AFTER_MS", 60_000)  # no fallback in this test
    win = MainWindow(cache, settings=settings)
    qtbot.addWidget(win)
    page_when_counted: list[object] = []
    start_facets = win.search.start_facets
    win.search.start_facets = lambda: (page_when_counted.append(win.model_page.view()),
                                       start_facets())
    assert win.model_page.placeholder.text() == ""  # not "Select a release" while it is read
    win.show()
    qtbot.waitUntil(lambda: bool(page_when_counted), timeout=TIMEOUT)
    assert threads and threads[0] != threading.get_ident()
    # The facet count (NumPy's import, the arrays) began only once the page was there.
    assert page_when_counted[0] is not None
    assert page_when_counted[0].id == win.search.current_id()
    assert f"{cache.count('releases'):,} releases" in win.statusBar().currentMessage()
    qtbot.waitUntil(win.search.is_idle, timeout=TIMEOUT)


def test_the_first_release_is_read_here_when_the_pool_thread_cannot(qtbot, cache, settings,
                                                                   monkeypatch):
    from openexplorer.ui import main_window

    def refused(*_args):
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(main_window, "first_screen_facts", refused)
    win = MainWindow(cache, settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(lambda: win.model_page.view() is not None, timeout=TIMEOUT)
    assert win.model_page.view().id == win.search.current_id()
    assert f"{cache.count('releases'):,} releases" in win.statusBar().currentMessage()
    qtbot.waitUntil(win.search.is_idle, timeout=TIMEOUT)  # the facets were counted too


class _HeldFirstRead:
    """``first_screen_facts`` held on the pool thread until ``release()``: its answer arrives
    when the test chooses (``fail``: it raises instead, as a refused connection would)."""

    def __init__(self, monkeypatch, *, fail: bool = False) -> None:
        import threading

        from openexplorer.ui import main_window

        self.called, self._go, self._fail = threading.Event(), threading.Event(), fail
        self._facts = main_window.first_screen_facts
        monkeypatch.setattr(main_window, "first_screen_facts", self)

    def __call__(self, *args):
        self.called.set()
        self._go.wait(TIMEOUT / 1000)
        if self._fail:
            raise sqlite3.OperationalError("unable to open database file")
        return self._facts(*args)

    def release(self, qtbot) -> None:
        """Let the read answer, and deliver its queued answer to the window."""
        from PySide6.QtCore import QCoreApplication, QThreadPool

        self._go.set()
        assert QThreadPool.globalInstance().waitForDone(TIMEOUT)
        QCoreApplication.processEvents()
        qtbot.wait(50)


@pytest.mark.parametrize("fail", [False, True], ids=["read", "failed"])
def test_answers_arriving_after_the_window_closed_touch_no_closed_cache(qtbot, settings,
                                                                        tmp_path, monkeypatch,
                                                                        fail):
    from datetime import UTC, datetime

    from openexplorer.hub.refresh import RefreshReport

    held = _HeldFirstRead(monkeypatch, fail=fail)
    own = open_cache(tmp_path / "closing.sqlite")
    win = MainWindow(own, settings=settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitUntil(held.called.is_set, timeout=TIMEOUT)
    message = win.statusBar().currentMessage()
    win.close()
    own.close()  # as app.main does once the window is gone
    # Answers from the threads, delivered now: each would read the closed cache.
    held.release(qtbot)  # the first release's page (or its failure)
    win.refresh_controller.finished.emit(RefreshReport(started=datetime.now(UTC)))
    assert win.model_page.view() is None
    assert win.statusBar().currentMessage() == message


def test_a_late_first_release_never_replaces_the_one_chosen_meanwhile(qtbot, cache, settings,
                                                                      monkeypatch):
    held = _HeldFirstRead(monkeypatch)
    window = MainWindow(cache, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(held.called.is_set, timeout=TIMEOUT)
    first = window.search.current_id()
    chosen = next(r for r in ("allenai/olmo-7b", "allenai/olmo-2-1124-7b") if r != first)
    window.show_release(chosen)  # e.g. from the Go menu, the results unchanged
    held.release(qtbot)
    assert window.model_page.view().id == chosen
    assert window.statusBar().currentMessage().startswith(f"{cache.count('releases'):,} releases")


def test_lazy_tab_builds_its_page_once_when_shown(qtbot):
    from PySide6.QtWidgets import QLabel, QTabWidget

    from openexplorer.ui.lazy_tab import LazyTab

    made = []

    def build(parent):
        made.append(QLabel("page", parent))
        return made[-1]

    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.addTab(QLabel("first"), "First")
    lazy = LazyTab(build)
    tabs.addTab(lazy, "Second")
    tabs.show()
    qtbot.waitExposed(tabs)
    assert not made and lazy.built_page() is None
    with qtbot.waitSignal(lazy.built):
        tabs.setCurrentIndex(1)
    assert made == [lazy.page()] and lazy.page().isVisible()
    tabs.setCurrentIndex(0)
    tabs.setCurrentIndex(1)
    assert len(made) == 1
