"""The main window: search the cache, see a release under every framework."""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from openexplorer.cache import Cache
from openexplorer.export import release_markdown
from openexplorer.ui.refresh_status import RefreshStatus
from openexplorer.ui.refresh_worker import SETTING_OFFLINE, RefreshController
from openexplorer.views import release_view

log = logging.getLogger(__name__)

_COLUMNS = (
    ("name", "Release"),
    ("organization", "Organisation"),
    ("family", "Family"),
    ("release_date", "Released"),
    ("license", "Licence"),
)

_Index = QModelIndex | QPersistentModelIndex


class ReleaseTableModel(QAbstractTableModel):
    """Search results: one release per row."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def release_id(self, row: int) -> str | None:
        return self._rows[row]["id"] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(_COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole,
                                               Qt.ItemDataRole.ToolTipRole):
            return None
        value = self._rows[index.row()].get(_COLUMNS[index.column()][0])
        return "" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section][1]
        return None


def _to_bool(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


class MainWindow(QMainWindow):
    """Search on the left, the selected release under every framework on the right."""

    SEARCH_DELAY_MS = 150
    #: closeEvent waits this long for a running refresh to stop, then longer with the window hidden.
    SHUTDOWN_WAIT_MS = 3000
    SHUTDOWN_HIDDEN_WAIT_MS = 30000

    def __init__(
        self,
        cache: Cache,
        *,
        settings: QSettings | None = None,
        refresh_controller: RefreshController | None = None,
        periodic: bool | None = None,
    ) -> None:
        """``settings`` defaults to the app's QSettings; ``refresh_controller`` to one over
        ``cache.path``. ``periodic=True`` turns on the periodic stale-only refresh (it runs only
        when online); the default leaves the controller as it is (the built-in one: off)."""
        super().__init__()
        self._cache = cache
        self._settings = settings if settings is not None else QSettings()
        self.setWindowTitle("OpenExplorer")
        self.resize(1200, 760)

        self.search_box = QLineEdit(placeholderText="Search releases, organisations, families…")
        self.search_box.setClearButtonEnabled(True)
        self.results = QTableView()
        self.model = ReleaseTableModel(self)
        self.results.setModel(self.model)
        self.results.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.results.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.results.verticalHeader().hide()
        self.results.horizontalHeader().setStretchLastSection(True)
        self.details = QTextBrowser(openExternalLinks=True)

        left = QWidget()
        layout = QVBoxLayout(left)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.search_box)
        layout.addWidget(self.results)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.details)
        splitter.setSizes([560, 640])
        self.setCentralWidget(splitter)

        self._debounce = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self._build_refresh(refresh_controller, periodic)
        self._connect_signals()
        built = cache.get_meta("snapshot_built")
        self.statusBar().showMessage(
            f"{cache.count('releases')} releases"
            + (f" · bundled snapshot of {built}" if built else "")
        )
        self._run_search()

    def _connect_signals(self) -> None:
        self.search_box.textChanged.connect(self._debounce.start)
        self._debounce.timeout.connect(self._run_search)
        self.results.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        QShortcut(QKeySequence.StandardKey.Find, self, self.search_box.setFocus)
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

    # -- Hub refresh -----------------------------------------------------------------------------

    def _build_refresh(self, controller: RefreshController | None, periodic: bool | None) -> None:
        if controller is None:
            controller = RefreshController(self._cache.path, cache=self._cache,
                                           settings=self._settings, parent=self)
        self.refresh_controller = controller
        offline = _to_bool(self._settings.value(SETTING_OFFLINE, False))
        controller.set_offline(offline)

        self.refresh_status = RefreshStatus(self)
        self._show_last_refresh()
        self.refresh_status.set_offline(controller.is_offline())
        self.statusBar().addPermanentWidget(self.refresh_status)

        self.refresh_action = QAction("&Refresh from the Hub", self)
        self.refresh_action.setShortcut(QKeySequence("Ctrl+R"))
        self.refresh_action.setStatusTip("Fetch fresh Hub metadata for the models that are due")
        self.offline_action = QAction("Work &offline", self, checkable=True)
        self.offline_action.setStatusTip("Never contact the Hugging Face Hub; use cached data only")
        self.offline_action.setChecked(controller.is_offline())
        if controller.forced_offline:
            self.offline_action.setEnabled(False)
            self.offline_action.setToolTip("HF_HUB_OFFLINE is set in the environment")
        self.refresh_action.setEnabled(not controller.is_offline())
        hub_menu = self.menuBar().addMenu("&Hub")
        hub_menu.addAction(self.refresh_action)
        hub_menu.addSeparator()
        hub_menu.addAction(self.offline_action)
        if periodic is not None:
            controller.set_periodic(periodic)

    def _show_last_refresh(self, fallback: object = None) -> None:
        status = self.refresh_status
        status.set_last_refresh(self._cache.get_meta("last_refresh") or fallback)
        if status.last_refresh() is not None:
            # Only a cache that was refreshed before can be stale; the limit comes from
            # openexplorer.refresh, which is not imported at startup otherwise.
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
        except ImportError as exc:  # the refresh module is missing from this build
            self.refresh_status.show_failure(f"Refresh is not available ({exc}).")

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
        self.refresh_status.show_report(report)
        # The cache's own record wins; else the end of this run, if it refreshed anything.
        self._show_last_refresh(fallback=self.refresh_status.last_refresh())
        current = self.model.release_id(self.results.currentIndex().row())
        self._run_search()
        ids = [self.model.release_id(r) for r in range(self.model.rowCount())]
        if current in ids:
            self.results.selectRow(ids.index(current))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        """Stop a running refresh cleanly (quit + wait) before the window goes."""
        controller = self.refresh_controller
        if not controller.shutdown(self.SHUTDOWN_WAIT_MS):
            # A Hub call is still in flight: hide, then give it its request timeout to return.
            self.hide()
            if not controller.shutdown(self.SHUTDOWN_HIDDEN_WAIT_MS):
                log.error("the refresh thread did not stop; the cache write may be incomplete")
        super().closeEvent(event)

    @Slot()
    def _run_search(self) -> None:
        self.model.set_rows(self._cache.search(self.search_box.text(), limit=200))
        if self.model.rowCount():
            self.results.selectRow(0)

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        release_id = self.model.release_id(current.row())
        if release_id is None:
            self.details.clear()
            return
        view = release_view(self._cache, release_id)
        if view is not None:
            self.details.setMarkdown(release_markdown(view, self._cache.get_meta("snapshot_built")))
