"""The main window: search beside a release's page, its comparison and the field's overview."""

from __future__ import annotations

import importlib.util
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QCompleter,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from openexplorer.core import settings as user_settings
from openexplorer.db.cache import Cache
from openexplorer.ui import theme
from openexplorer.ui.cache_job import CacheReader
from openexplorer.ui.lazy_tab import LazyTab
from openexplorer.ui.release_page import ModelPage
from openexplorer.ui.refresh_status import RefreshStatus
from openexplorer.ui.refresh_worker import SETTING_OFFLINE, RefreshController
from openexplorer.ui.search_panel import SearchPanel
from openexplorer.ui.window_menus import MenuSlots, build_menus

if TYPE_CHECKING:  # the other tabs are imported when first built (start-up time)
    from openexplorer.views.model import ReleaseView
    from openexplorer.ui.clauses_view import ClausesView
    from openexplorer.ui.compare_view import CompareView
    from openexplorer.ui.crossframework_panel import CrossFrameworkPanel
    from openexplorer.ui.euaiact_panel import EuAiActPanel
    from openexplorer.ui.openwashing_view import OpenWashingView
    from openexplorer.ui.overview_view import OverviewView
    from openexplorer.ui.rubric_view import RubricView
    from openexplorer.ui.summary_worker import SummaryUpdater
    from openexplorer.ui.watchlist_view import WatchlistView

log = logging.getLogger(__name__)

SETTING_GEOMETRY = "window/geometry"
SETTING_STATE = "window/state"
SETTING_SPLITTER = "window/splitter"
SETTING_TAB = "window/tab"
SETTING_COMPARISON = "compare/ids"
SETTING_THEME = "ui/theme"


def _module_exists(name: str) -> bool:
    """Whether a module can be imported, without importing it."""
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:  # pragma: no cover
        return False


def first_screen_facts(cache: Cache, release_id: str | None
                       ) -> tuple[ReleaseView | None, int]:
    """The first release's page and the number of releases (a count of a large cache)."""
    from openexplorer.views.release import release_view

    view = release_view(cache, release_id) if release_id else None
    return view, cache.count("releases")


class _AfterPaint(QObject):
    """Calls ``then`` once, on the event-loop pass after ``widget``'s next paint."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, watched, self._then)  # not if the widget went away
            self.deleteLater()
        return False


class MainWindow(QMainWindow):
    """Search on the left; on the right a release's page, the comparison and the overview.

    Keyboard: Ctrl+F search, Ctrl+K go to model, Ctrl+R refresh, Ctrl+E export,
    Ctrl+Shift+C compare the selected releases, Delete removes from the comparison.
    """

    SHUTDOWN_WAIT_MS = 3000
    SHUTDOWN_HIDDEN_WAIT_MS = 30000
    TAB_RELEASE, TAB_COMPARE, TAB_OVERVIEW = range(3)
    #: The first release's page waits for the results' first paint, and the first facet
    #: count for the page's, or this long at most.
    FACETS_AFTER_MS = 500

    def __init__(
        self,
        cache: Cache,
        *,
        settings: QSettings | None = None,
        refresh_controller: RefreshController | None = None,
        periodic: bool | None = None,
    ) -> None:
        super().__init__()
        self._cache = cache
        self._settings = settings if settings is not None else QSettings()
        self.setWindowTitle("OpenExplorer")
        self._fit_to_screen(1360, 860)

        self._pending_release: str | None = None
        #: Closed: answers from threads that come later (queued signals) are dropped, as the
        #: cache may be closed by then.
        self._closed = False
        self._summary_updater: SummaryUpdater | None = None
        self._summary_label: QLabel | None = None
        #: The comparison restored from the settings, until the Compare tab is built.
        self._restored_comparison: list[str] = []
        self.search = SearchPanel(cache, self, hold_facets=True)  # see _show_first_release
        self.model_page = ModelPage(self, snapshot_date=cache.get_meta("snapshot_built"))
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.model_page, "&Release")
        # Every other tab is built when first shown or used: start-up builds the first screen.
        self._compare_tab = self._add_lazy_tab(self._build_compare_view, "&Compare")
        self._overview_tab = self._add_lazy_tab(self._build_overview, "O&verview")
        self._build_analysis_tabs()
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.search)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([620, 740])
        self.setCentralWidget(self.splitter)

        self._build_refresh(refresh_controller, periodic)
        self._build_menus()
        self._connect_signals()
        self._restore_state()
        built = cache.get_meta("snapshot_built")
        self._snapshot_note = f" · bundled snapshot of {built}" if built else ""
        #: Carries the first release's page and the release count from the pool thread.
        self._first_reader: CacheReader | None = None
        if cache.path is None:  # else counted with the first release, off the GUI thread
            self._show_release_count(cache.count("releases"))
        elif self.search.current_id():
            self.model_page.set_reading(True)
        QTimer.singleShot(0, self._show_first_release)

    # -- building --------------------------------------------------------------------------------

    def _add_lazy_tab(self, build: Callable[[QWidget], QWidget], text: str) -> LazyTab:
        tab = LazyTab(build, self.tabs)
        self.tabs.addTab(tab, text)
        return tab

    def _build_analysis_tabs(self) -> None:
        """The questions no tracker answers: frameworks side by side and the EU pre-check for
        the current release, licence clauses, open-washing, your own rubric, the watchlist."""
        self._frameworks_tab = self._add_lazy_tab(self._build_frameworks_page,
                                                  "&Frameworks && EU")
        self._clauses_tab = self._add_lazy_tab(self._build_clauses, "&Licences")
        self._openwashing_tab = self._add_lazy_tab(self._build_openwashing, "Open-&washing")
        self._rubric_tab = self._watchlist_tab = None
        # Built alongside; present in every release build.
        if _module_exists("openexplorer.ui.rubric_view"):
            self._rubric_tab = self._add_lazy_tab(self._build_rubric, "R&ubric")
        if _module_exists("openexplorer.ui.watchlist_view"):
            self._watchlist_tab = self._add_lazy_tab(self._build_watchlist, "Wa&tchlist")

    def _build_compare_view(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.compare_view import CompareView

        view = CompareView(self._cache, parent, settings=self._settings)
        view.release_requested.connect(self.show_release)
        view.message.connect(self._show_message)
        view.releases_changed.connect(self._on_comparison_changed)
        if self._restored_comparison:
            view.set_releases(self._restored_comparison)
        return view

    def _build_overview(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.overview_view import OverviewView

        view = OverviewView(self._cache, parent)
        view.filter_requested.connect(self._on_overview_filter)
        return view

    def _build_frameworks_page(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.crossframework_panel import CrossFrameworkPanel
        from openexplorer.ui.euaiact_panel import EuAiActPanel

        self._crossframework = CrossFrameworkPanel(parent)
        self._euaiact = EuAiActPanel(parent, settings=self._settings,
                                     snapshot_date=self._cache.get_meta("snapshot_built"))
        holder = QWidget(parent)
        column = QVBoxLayout(holder)
        column.addWidget(self._crossframework)
        column.addWidget(self._euaiact)
        column.addStretch(1)
        page = QScrollArea(parent)
        page.setWidgetResizable(True)
        page.setWidget(holder)
        shown = self.model_page.view()
        if shown is not None:  # the release on the Release tab, as if it had been fed all along
            self._crossframework.show_view(shown)
            self._euaiact.show_view(shown)
        return page

    def _build_clauses(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.clauses_view import ClausesView

        return ClausesView(self._cache, parent,
                           snapshot_date=self._cache.get_meta("snapshot_built"))

    def _build_openwashing(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.openwashing_view import OpenWashingView

        view = OpenWashingView(self._cache, parent)
        view.release_requested.connect(self.show_release)
        return view

    def _build_rubric(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.rubric_view import RubricView

        view = RubricView(self._cache, parent, background=True)
        if hasattr(view, "release_requested"):
            view.release_requested.connect(self.show_release)
        return view

    def _build_watchlist(self, parent: QWidget) -> QWidget:
        from openexplorer.ui.watchlist_view import WatchlistView

        view = WatchlistView(self._cache, parent, background=True)
        view.alerts_changed.connect(self._on_watch_alerts)
        view.release_requested.connect(self.show_release)
        return view

    # The tabs' views, built on first use (a menu, a shortcut or a test may reach them first).

    @property
    def compare_view(self) -> CompareView:
        return self._compare_tab.page()  # type: ignore[return-value]

    @property
    def overview(self) -> OverviewView:
        return self._overview_tab.page()  # type: ignore[return-value]

    @property
    def frameworks_page(self) -> QScrollArea:
        return self._frameworks_tab.page()  # type: ignore[return-value]

    @property
    def crossframework(self) -> CrossFrameworkPanel:
        self._frameworks_tab.page()
        return self._crossframework

    @property
    def euaiact(self) -> EuAiActPanel:
        self._frameworks_tab.page()
        return self._euaiact

    @property
    def clauses(self) -> ClausesView:
        return self._clauses_tab.page()  # type: ignore[return-value]

    @property
    def openwashing(self) -> OpenWashingView:
        return self._openwashing_tab.page()  # type: ignore[return-value]

    @property
    def rubric(self) -> RubricView | None:
        return self._rubric_tab.page() if self._rubric_tab else None  # type: ignore[return-value]

    @property
    def watchlist(self) -> WatchlistView | None:
        return (self._watchlist_tab.page()  # type: ignore[return-value]
                if self._watchlist_tab else None)

    def _page_of(self, widget: QWidget | None) -> QWidget | None:
        """The view a tab shows (a lazy tab's page, built if it was not yet)."""
        return widget.page() if isinstance(widget, LazyTab) else widget

    def _comparison_ids(self) -> list[str]:
        """The releases compared, without building the Compare tab for it."""
        view = self._compare_tab.built_page()
        if view is None:
            return list(self._restored_comparison)
        return view.ids()  # type: ignore[attr-defined]

    def _fit_to_screen(self, width: int, height: int) -> None:
        """A first size that fits the screen (the saved geometry wins later)."""
        screen = QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            width = min(width, int(area.width() * 0.95))
            height = min(height, int(area.height() * 0.92))
        self.resize(width, height)

    def _build_menus(self) -> None:
        menus = build_menus(self, MenuSlots(
            export=self._export, write_report_pack=self._write_report_pack, quit=self.close,
            copy_markdown=self._copy_markdown, open_settings=self._open_settings,
            focus_search=self.search.focus_search, go_to_model=self._go_to_model,
            compare_selected=self._compare_selected,
            remove_from_comparison=lambda: self.compare_view.remove_selected(),
            show_tab=self.tabs.setCurrentIndex, set_theme=self.set_theme,
            open_methodology=self._open_methodology, open_about=self._open_about,
        ), compare_page=self._compare_tab,
            tabs=((self.TAB_RELEASE, "Release"), (self.TAB_COMPARE, "Comparison"),
                  (self.TAB_OVERVIEW, "Overview")),
            current_theme=str(user_settings.value(self._settings, SETTING_THEME)),
            hub_menu=self.hub_menu)
        self.export_action, self.report_pack_action = menus.export_action, \
            menus.report_pack_action
        self.copy_markdown_action = menus.copy_markdown_action
        self.find_action, self.goto_action = menus.find_action, menus.goto_action
        self.compare_action, self.remove_action = menus.compare_action, menus.remove_action
        self.theme_actions = menus.theme_actions

    def _build_refresh(self, controller: RefreshController | None, periodic: bool | None) -> None:
        if controller is None:
            controller = RefreshController(self._cache.path, cache=self._cache,
                                           settings=self._settings, parent=self)
        self.refresh_controller = controller
        controller.set_offline(bool(user_settings.value(self._settings, SETTING_OFFLINE)))

        self.refresh_status = RefreshStatus(self)
        self._show_last_refresh()
        self.refresh_status.set_offline(controller.is_offline())
        self.statusBar().addPermanentWidget(self.refresh_status)

        self.refresh_action = QAction("&Refresh from the Hub", self)
        self.refresh_action.setShortcut(QKeySequence("Ctrl+R"))
        self.refresh_action.setStatusTip("Fetch fresh Hub metadata for the models that are due")
        self.addAction(self.refresh_action)
        self.offline_action = QAction("Work &offline", self, checkable=True)
        self.offline_action.setStatusTip("Never contact the Hugging Face Hub; use cached data only")
        self.offline_action.setChecked(controller.is_offline())
        if controller.forced_offline:
            self.offline_action.setEnabled(False)
            self.offline_action.setToolTip("HF_HUB_OFFLINE is set in the environment")
        self.refresh_action.setEnabled(not controller.is_offline())
        self.hub_menu = self.menuBar().addMenu("&Hub")
        self.hub_menu.addAction(self.refresh_action)
        self.hub_menu.addSeparator()
        self.hub_menu.addAction(self.offline_action)
        if periodic is not None:
            controller.set_periodic(periodic)

    def _connect_signals(self) -> None:
        self.search.current_release_changed.connect(self._on_current_release_changed)
        self.search.release_activated.connect(self._on_release_activated)
        self.search.compare_requested.connect(self._add_to_comparison)
        self.search.message.connect(self._show_message)
        self.model_page.release_requested.connect(self.show_release)
        self.model_page.compare_requested.connect(self._add_to_comparison)
        self.model_page.refresh_requested.connect(self._refresh_ids)
        if self._watchlist_tab is not None:
            self.refresh_controller.finished.connect(self._on_refresh_finished_for_watchlist)
        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.refresh_action.triggered.connect(self._on_refresh_triggered)
        self.offline_action.toggled.connect(self._on_offline_toggled)
        self.refresh_status.cancel_requested.connect(self.refresh_controller.cancel)
        controller = self.refresh_controller
        controller.running_changed.connect(self.refresh_status.set_running)
        controller.progressed.connect(self.refresh_status.show_progress)
        controller.finished.connect(self._on_refresh_finished)
        controller.failed.connect(self.refresh_status.show_failure)
        controller.nothing_due.connect(self.refresh_status.show_nothing_due)
        controller.offline_changed.connect(self._on_offline_changed)

    # -- state -----------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        geometry = self._settings.value(SETTING_GEOMETRY)
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self._settings.value(SETTING_STATE)
        if state is not None:
            self.restoreState(state)
        splitter = self._settings.value(SETTING_SPLITTER)
        if splitter is not None:
            self.splitter.restoreState(splitter)
        ids = self._settings.value(SETTING_COMPARISON)
        if ids:
            try:
                known = [i for i in json.loads(str(ids)) if self._cache.resolve(i)]
            except (ValueError, TypeError):
                known = []
            # Compared when the Compare tab is first shown (or a comparison is added to).
            self._restored_comparison = known
        tab = self._settings.value(SETTING_TAB, 0)  # an int, or its text in an INI file
        index = int(tab) if isinstance(tab, int) or (isinstance(tab, str) and tab.isdigit()) else 0
        self.tabs.setCurrentIndex(index % self.tabs.count())

    def _save_state(self) -> None:
        self._settings.setValue(SETTING_GEOMETRY, self.saveGeometry())
        self._settings.setValue(SETTING_STATE, self.saveState())
        self._settings.setValue(SETTING_SPLITTER, self.splitter.saveState())
        self._settings.setValue(SETTING_TAB, self.tabs.currentIndex())
        self._settings.setValue(SETTING_COMPARISON, json.dumps(self._comparison_ids()))
        self._settings.sync()

    def set_theme(self, name: str) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, name)
        self._settings.setValue(SETTING_THEME, name)
        for key, action in self.theme_actions.items():
            action.setChecked(key == name)

    # -- releases --------------------------------------------------------------------------------

    @Slot()
    def _show_first_release(self) -> None:
        # The first release's page and the background work begin once the first screen is
        # built and painted: they would otherwise compete with it for the interpreter.
        if self.isVisible():
            _AfterPaint(self.search.table.viewport(), self._after_first_paint)
            QTimer.singleShot(self.FACETS_AFTER_MS, self,  # if it is never painted
                              self._after_first_paint)
        else:
            self._after_first_paint()
        self._start_summary_update()

    @Slot()
    def _after_first_paint(self) -> None:
        if self._first_reader is not None:
            return  # already begun (painted before the fallback timer)
        self._first_reader = CacheReader(self, what="the first release")
        self._first_reader.ready.connect(self._on_first_release_read)
        self._first_reader.failed.connect(self._on_first_release_failed)
        if self._cache.path is None:  # a cache without a file: on this thread
            self._first_release_here()
            return
        current = self.search.current_id()
        # The page needs the licence catalogue, built on the pool thread too. The
        # facet count follows the page's paint (or FACETS_AFTER_MS): its first run imports
        # NumPy and loads the facet arrays, which would slow the page's painting threefold.
        self._first_reader.read(self._cache.path,
                                lambda cache: first_screen_facts(cache, current))
        QTimer.singleShot(self.FACETS_AFTER_MS, self.search, self.search.start_facets)

    @Slot(object)
    def _on_first_release_read(self, facts: tuple[ReleaseView | None, int]) -> None:
        if self._closed:
            return
        view, count = facts
        self._show_release_count(count)
        self.model_page.set_reading(False)
        # Unless a release was chosen meanwhile, or the results changed under it.
        if view is not None and self.model_page.view() is None \
                and view.id == self.search.current_id():
            self._show_view(view, switch=False)
            content = self.model_page.scroll_area.widget()
            if self.model_page.isVisible() and content is not None:
                _AfterPaint(content, self.search.start_facets)
                return
        self.search.start_facets()

    @Slot(str)
    def _on_first_release_failed(self, error: str) -> None:
        if self._closed:
            return
        # E.g. a second connection refused (a read-only folder without the WAL index): the
        # window's own connection reads them instead, as it did before there was a pool thread.
        log.info("the first release is read on the window's thread: %s", error)
        self.model_page.set_reading(False)
        self._show_release_count(self._cache.count("releases"))
        self._first_release_here()

    def _first_release_here(self) -> None:
        """The first release's page read on the window's own connection, then the facets."""
        current = self.search.current_id()
        if current and self.model_page.view() is None:
            self.show_release(current, switch=False)
        self.search.start_facets()

    def _show_release_count(self, count: int) -> None:
        self.statusBar().showMessage(f"{count:,} releases{self._snapshot_note}")

    @Slot(str)
    def show_release(self, release_id: str, switch: bool = True) -> None:
        from openexplorer.views.release import release_view

        view = release_view(self._cache, release_id)
        if view is None:
            self.statusBar().showMessage(f"{release_id} is not in the cache", 5000)
            return
        self._show_view(view, switch)

    def _show_view(self, view: ReleaseView, switch: bool) -> None:
        self._pending_release = None
        self.model_page.show_view(view)
        if self._frameworks_tab.is_built():  # else it is fed the release when it is built
            self._crossframework.show_view(view)
            self._euaiact.show_view(view)
        if switch:
            self.tabs.setCurrentIndex(self.TAB_RELEASE)

    @Slot(str)
    def _on_current_release_changed(self, release_id: str) -> None:
        if self.tabs.currentIndex() == self.TAB_RELEASE:
            self.show_release(release_id, switch=False)
        else:
            self._pending_release = release_id

    @Slot(int)
    def _on_watch_alerts(self, count: int) -> None:
        """Quiet unless something watched changed: then the tab says how many."""
        if self._watchlist_tab is None:  # no Watchlist tab, so no view to send alerts
            return
        index = self.tabs.indexOf(self._watchlist_tab)
        self.tabs.setTabText(index, f"Wa&tchlist ({count})" if count else "Wa&tchlist")
        if count:
            self.statusBar().showMessage(f"{count} change(s) to watched releases", 8000)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        self._page_of(self.tabs.widget(index))  # a lazy tab is built before it is painted
        if index == self.TAB_RELEASE and self._pending_release:
            self.show_release(self._pending_release, switch=False)
            self._pending_release = None

    @Slot(str)
    def _show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 6000)

    @Slot(str)
    def _on_release_activated(self, release_id: str) -> None:
        self.show_release(release_id)

    @Slot(list)
    def _add_to_comparison(self, ids: list[str]) -> None:
        current = self.compare_view.ids()
        if len(current) + len([i for i in ids if i not in current]) > 8:
            self.statusBar().showMessage("A comparison holds at most 8 releases; "
                                         "remove some first (Delete)", 6000)
        self.compare_view.add_releases(ids)
        self.tabs.setCurrentIndex(self.TAB_COMPARE)

    @Slot()
    def _compare_selected(self) -> None:
        ids = self.search.ids_for_comparison()
        if ids:
            self._add_to_comparison(ids)
        else:
            self.tabs.setCurrentIndex(self.TAB_COMPARE)

    @Slot(list)
    def _on_comparison_changed(self, ids: list[str]) -> None:
        self._settings.setValue(SETTING_COMPARISON, json.dumps(ids))

    @Slot(dict)
    def _on_overview_filter(self, facet: dict) -> None:
        self.search.apply_filter(facet)

    @Slot()
    def _go_to_model(self) -> None:
        from openexplorer.views.release import popular_release_names

        rows = popular_release_names(self._cache)
        names = sorted({f"{name} — {rid}" for name, rid in rows})
        dialog = QInputDialog(self)
        dialog.setWindowTitle("Go to model")
        dialog.setLabelText("Release name or Hub id:")
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        editor = dialog.findChild(QLineEdit)
        if editor is not None:
            completer = QCompleter(names, dialog)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            editor.setCompleter(completer)
        if dialog.exec() != QInputDialog.DialogCode.Accepted:
            return
        text = dialog.textValue().strip()
        release_id = self._cache.resolve(text.rsplit(" — ", 1)[-1]) or self._cache.resolve(text)
        if release_id is None:
            QMessageBox.information(self, "Go to model", f"No release called “{text}”.")
            return
        self.show_release(release_id)

    # -- export and copy ---------------------------------------------------------------------------

    @Slot()
    def _export(self) -> None:
        """Ctrl+E: export what the current tab shows (charts as PNG/SVG/PDF, data as text)."""
        page = self._page_of(self.tabs.currentWidget())
        if page is not None and page is self._compare_tab.built_page():
            if not self.compare_view.ids():
                self.statusBar().showMessage("Add releases to the comparison first", 5000)
                return
            self.compare_view.open_export_dialog()
            return
        charts = (page.chart_widgets() if page is not None and hasattr(page, "chart_widgets")
                  else [])
        if not charts:
            self.statusBar().showMessage("Nothing to export here", 4000)
            return
        names = [name for name, _ in charts]
        if len(names) > 1:
            name, ok = QInputDialog.getItem(self, "Export", "Chart to export:", names, 0, False)
            if not ok:
                return
        else:
            name = names[0]
        widget = dict(charts)[name]
        folder = str(self._settings.value("export/last_folder", "", str) or Path.home())
        stem = "".join(c if c.isalnum() or c in "-_" else "-" for c in name.lower()).strip("-")
        path, _ = QFileDialog.getSaveFileName(
            self, f"Export {name}", str(Path(folder) / f"{stem}.png"),
            "PNG image (*.png);;SVG image (*.svg);;PDF (*.pdf)")
        if not path:
            return
        if Path(path).suffix.lower() not in {".png", ".svg", ".pdf"}:
            path += ".png"
        from openexplorer.ui.charts import export_widget

        try:
            written = export_widget(widget, Path(path))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export", f"The chart could not be written:\n{exc}")
            return
        self._settings.setValue("export/last_folder", str(Path(path).parent))
        self.statusBar().showMessage(f"Exported {name} to {written}", 6000)

    @Slot()
    def _write_report_pack(self) -> None:
        ids = self._comparison_ids()
        if len(ids) < 2:
            self.statusBar().showMessage("Compare at least two releases first (Ctrl+Shift+C)",
                                         5000)
            return
        start = str(self._settings.value("export/last_folder", "", str) or Path.home())
        folder = QFileDialog.getExistingDirectory(self, "Write the report pack into", start)
        if not folder:
            return
        from openexplorer.ui import reportpack

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = reportpack.write(self._cache, ids, Path(folder))
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Report pack", f"The report pack could not be written:\n{exc}")
            return
        finally:
            QApplication.restoreOverrideCursor()
        self._settings.setValue("export/last_folder", folder)
        self.statusBar().showMessage(f"Wrote {len(written)} files to {folder}", 8000)

    @Slot()
    def _copy_markdown(self) -> None:
        page = self._page_of(self.tabs.currentWidget())
        markdown = getattr(page, "markdown", None)
        if callable(markdown):
            text = markdown()
            if text:
                QGuiApplication.clipboard().setText(text)
                self.statusBar().showMessage("Copied as Markdown", 3000)

    # -- dialogs ---------------------------------------------------------------------------------

    @Slot()
    def _open_settings(self) -> None:
        from openexplorer.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self._settings, self)
        if dialog.exec():
            self.set_theme(str(user_settings.value(self._settings, SETTING_THEME)))
            self.refresh_controller.set_offline(
                bool(user_settings.value(self._settings, SETTING_OFFLINE)))

    @Slot()
    def _open_about(self) -> None:
        from openexplorer.ui.about_dialog import AboutDialog

        AboutDialog(self._cache, self).exec()

    @Slot()
    def _open_methodology(self) -> None:
        local = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"
        if local.is_file():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(local)))
            return
        QMessageBox.information(
            self, "How is this computed?",
            "The methodology — how every figure is computed, one section per framework and per "
            "automated rule — is in docs/methodology.md of the OpenExplorer source; each "
            "release page names the source and date behind every figure.")

    # -- Hub refresh -----------------------------------------------------------------------------

    def _show_last_refresh(self, fallback: object = None) -> None:
        status = self.refresh_status
        status.set_last_refresh(self._cache.get_meta("last_refresh") or fallback)
        if status.last_refresh() is not None:
            try:
                status.set_stale_after(self.refresh_controller.stale_after())
            except ImportError:
                pass

    @Slot()
    def _on_refresh_triggered(self) -> None:
        if self.refresh_controller.is_running():
            return
        try:
            self.refresh_controller.start_stale()
        except ImportError as exc:
            self.refresh_status.show_failure(f"Refresh is not available ({exc}).")

    @Slot(list)
    def _refresh_ids(self, hub_ids: list[str]) -> None:
        from openexplorer.hub.refresh import RefreshRequest

        if self.refresh_controller.is_offline():
            self.statusBar().showMessage("Working offline: turn it off in the Hub menu", 5000)
            return
        self.refresh_controller.start(RefreshRequest(ids=tuple(hub_ids)))

    @Slot(bool)
    def _on_offline_toggled(self, offline: bool) -> None:
        self._settings.setValue(SETTING_OFFLINE, offline)
        self.refresh_controller.set_offline(offline)

    @Slot(bool)
    def _on_offline_changed(self, offline: bool) -> None:
        self.offline_action.setChecked(offline)
        self.refresh_action.setEnabled(not offline)
        self.refresh_status.set_offline(offline)

    @Slot(object)
    def _on_refresh_finished(self, report: object) -> None:
        if self._closed:  # delivered after the window closed: the cache may be closed too
            return
        self.refresh_status.show_report(report)
        self._show_last_refresh(fallback=self.refresh_status.last_refresh())
        self._reload_views()

    def _reload_views(self) -> None:
        """After the cache changed under the window: every built view reads it again."""
        self.search.reload()
        # Tabs not built yet read the refreshed cache when they are.
        overview, openwashing = self._overview_tab.built_page(), self._openwashing_tab.built_page()
        clauses, compare = self._clauses_tab.built_page(), self._compare_tab.built_page()
        if overview is not None:
            overview.refresh_stats()  # type: ignore[attr-defined]
        if openwashing is not None:
            openwashing.refresh()  # type: ignore[attr-defined]
        if clauses is not None:
            clauses.refresh()  # type: ignore[attr-defined]
        shown = self.model_page.view()
        if shown:
            self.show_release(shown.id, switch=False)
        if compare is not None and compare.ids():  # type: ignore[attr-defined]
            compare.set_releases(compare.ids())  # type: ignore[attr-defined]

    @Slot(object)
    def _on_refresh_finished_for_watchlist(self, report: object) -> None:
        """Changes to watched items are announced after a refresh: the Watchlist tab is built
        for it only when something is watched."""
        if self._closed:
            return
        view = self._watchlist_tab.built_page() if self._watchlist_tab else None
        if view is None:
            from openexplorer.analyses import watchlist

            try:
                if not watchlist.items(self._cache):
                    return
            except watchlist.WatchError as exc:
                log.warning("watchlist: %s", exc)
                return
            view = self.watchlist
        view.on_refresh_finished(report)  # type: ignore[union-attr]

    # -- summaries under a new version's rules ---------------------------------------------------

    def _start_summary_update(self) -> None:
        """A large cache opened by a new version keeps the earlier summaries until they are
        recomputed, in the background (summary_worker.py); the status bar says so."""
        from openexplorer.search import summary

        if self._summary_updater is not None or self._cache.path is None \
                or summary.is_current(self._cache):
            return
        from openexplorer.ui.summary_worker import SummaryUpdater

        self._summary_label = QLabel(self)
        self._summary_label.setToolTip(
            "This version computes some figures differently. Search results, facets and sorting "
            "show the figures of the earlier version until every release is recomputed; release "
            "pages and comparisons already follow this version. Closing the window keeps what "
            "is done, and the next start goes on from there.")
        self._summary_label.setText("Updating summaries…")
        self.statusBar().addPermanentWidget(self._summary_label)
        updater = self._summary_updater = SummaryUpdater(Path(self._cache.path), self)
        updater.progressed.connect(self._on_summary_progress)
        updater.finished.connect(self._on_summaries_updated)
        updater.failed.connect(self._on_summary_failure)
        updater.start()

    @property
    def summary_updater(self) -> SummaryUpdater | None:
        """The background update of the release summaries to this version's rules, once one
        was started (a large cache opened by a new version); None while the summaries were
        current. Read-only: for callers that follow its progress (its signals, is_running)."""
        return self._summary_updater

    def summary_note(self) -> str | None:
        """The status bar's note on that update ("Updating summaries: 40 %"), or None while
        none is shown (no update, or it finished)."""
        return None if self._summary_label is None else self._summary_label.text()

    @Slot(int, int)
    def _on_summary_progress(self, done: int, total: int) -> None:
        if self._summary_label is not None:
            share = 100 * done // total if total else 100
            self._summary_label.setText(f"Updating summaries: {share} %")
            self._summary_label.setStatusTip(
                f"{done:,} of {total:,} releases recomputed under this version's rules; the "
                "list, facets and sorting show the earlier figures until the end")

    @Slot(bool)
    def _on_summaries_updated(self, done: bool) -> None:
        if not done or self._closed:
            return
        if self._summary_label is not None:
            self.statusBar().removeWidget(self._summary_label)
            self._summary_label.deleteLater()
            self._summary_label = None
        self.statusBar().showMessage("Release summaries updated to this version", 8000)
        self._reload_views()

    @Slot(str)
    def _on_summary_failure(self, message: str) -> None:
        if self._summary_label is not None:
            self._summary_label.setText("Release summaries not updated (earlier figures shown)")
            self._summary_label.setToolTip(
                f"Recomputing the release summaries failed: {message}\n\nThe earlier figures "
                "are kept; the next start tries again.")

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Remember the layout; stop a running refresh cleanly (quit + wait) before going."""
        self._closed = True
        self._save_state()
        if self._summary_updater is not None and not self._summary_updater.shutdown(
                self.SHUTDOWN_WAIT_MS):
            log.error("the summary thread did not stop in time")
        controller = self.refresh_controller
        if not controller.shutdown(self.SHUTDOWN_WAIT_MS):
            self.hide()
            if not controller.shutdown(self.SHUTDOWN_HIDDEN_WAIT_MS):
                log.error("the refresh thread did not stop; the cache write may be incomplete")
        super().closeEvent(event)


