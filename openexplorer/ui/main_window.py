"""The main window: search the cache, see a release under every framework."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
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
from openexplorer.views import release_view

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


class MainWindow(QMainWindow):
    """Search on the left, the selected release under every framework on the right."""

    SEARCH_DELAY_MS = 150

    def __init__(self, cache: Cache) -> None:
        super().__init__()
        self._cache = cache
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
