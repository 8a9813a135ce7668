"""The release page's evidence table: one row per assessment, its links opened only when http(s).

:class:`EvidenceTableModel` holds the rows of a release view's ``evidence``;
:class:`EvidenceSection` is the page's table under its heading, sized to its rows, with the
developer-level FMTI rows behind a check box.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QMenu,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from openexplorer.ui import theme
from openexplorer.ui.breakdown_charts import mof_status, tooltip
from openexplorer.ui.release_page.widgets import (
    button_text,
    heading,
    is_safe_url,
    open_url,
    plain_label,
    short_url,
    table_height,
    text_or,
)

if TYPE_CHECKING:
    from openexplorer.views.model import EvidenceRow

_Index = QModelIndex | QPersistentModelIndex

FRAMEWORK_NAMES: Mapping[str, str] = {
    "mof": "MOF",
    "osai": "Index",
    "osai-legacy": "Index (legacy)",
    "osaid": "OSAID",
    "epoch": "Epoch AI",
    "fmti": "FMTI",
    "hub": "Hub",
}
_STATUS_WORDS: Mapping[str, str] = {"pass": "open", "fail": "closed", "present": "unknown"}


class EvidenceTableModel(QAbstractTableModel):
    """One evidence row per assessment: what a source says about one component."""

    COLUMNS = (
        ("framework", "Framework"),
        ("component", "Component"),
        ("status", "Status"),
        ("license", "Licence"),
        ("link", "Link"),
        ("source", "Source"),
        ("date", "Date"),
        ("origin", "Origin"),
    )
    LINK_COLUMN = 4
    STATUS_COLUMN = 2
    RowRole = Qt.ItemDataRole.UserRole + 1
    StatusRole = Qt.ItemDataRole.UserRole + 2
    UrlsRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[EvidenceRow] = []

    def set_rows(self, rows: Sequence[EvidenceRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, row: int) -> EvidenceRow:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section][1]
        return None

    # -- cell values -----------------------------------------------------------------------------

    @staticmethod
    def status_of(row: EvidenceRow) -> str:
        """The row's status as one of open / partial / closed / unknown (for its colour)."""
        if row.outcome:
            return mof_status(row.outcome)
        status = str(row.status or "unknown")
        status = _STATUS_WORDS.get(status, status)
        return status if status in theme.STATUS_COLORS else "unknown"

    @staticmethod
    def statustext_or(row: EvidenceRow) -> str:
        """As release_markdown writes it: the MOF's outcome, the Hub field, a source's label."""
        status = str(row.outcome or row.status or "unknown")
        value = row.value
        if row.framework == "hub" and value:
            return f"{status} ({value})"
        if row.framework in ("epoch", "fmti") and value:
            return str(value)
        return status.replace("-", " ")

    @staticmethod
    def componenttext_or(row: EvidenceRow) -> str:
        component = str(row.component or "")
        if row.framework == "osai":
            from openexplorer.frameworks import osai  # (the frameworks: not on the start's path)

            dimension = osai.dimension(component)
            if dimension:
                return dimension.name
        if row.framework in ("epoch", "hub", "osai-legacy"):
            return component.replace("_", " ").capitalize()
        return component

    @staticmethod
    def licensetext_or(row: EvidenceRow) -> str:
        license_ = row.resolved_license or row.license
        if not license_:
            return ""
        if row.license_source in ("type", "distribution"):
            return f"{license_} (release-wide)"
        return str(license_)

    @staticmethod
    def linktext_or(urls: Sequence[str]) -> str:
        if not urls:
            return ""
        first = short_url(urls[0]) if is_safe_url(urls[0]) else urls[0]
        return first + (f"  (+{len(urls) - 1})" if len(urls) > 1 else "")

    def _display(self, row: EvidenceRow, column: str) -> str:
        if column == "framework":
            return FRAMEWORK_NAMES.get(row.framework or "", str(row.framework))
        if column == "component":
            return self.componenttext_or(row)
        if column == "status":
            return self.statustext_or(row)
        if column == "license":
            return self.licensetext_or(row)
        if column == "link":
            return self.linktext_or(row.urls or [])
        if column == "source":
            return str(row.source or "")
        if column == "date":
            return text_or(row.assessed_date, "")
        if column == "origin":
            return "Automated" if row.automated else "Curated"
        return ""

    def _tooltip(self, row: EvidenceRow, column: str) -> str:
        if column == "link":
            urls = row.urls
            if not urls:
                return ""
            lines = [str(u) + ("" if is_safe_url(u) else "  (not opened: not an http(s) link)")
                     for u in urls]
            return tooltip(lines + ["Click to open the first link; right-click for all."])
        if column == "source":
            from openexplorer.core.sources import SOURCES

            source = SOURCES.get(str(row.source))
            return tooltip([
                source.name if source else str(row.source),
                f"Record: {row.key}" if row.key else None,
                f"Source version: {row.source_version}"
                if row.source_version else None,
                f"Scope: {row.scope}" if row.scope else None,
            ])
        if column == "component":
            return tooltip([str(row.component or ""), row.framework])
        if column == "origin":
            return tooltip(["Inferred automatically from Hugging Face Hub metadata"
                            if row.automated else "From a curated source"])
        return tooltip([self._display(row, column)])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "status":
            return theme.status_color(self.status_of(row))
        if role == Qt.ItemDataRole.ForegroundRole and column == "link":
            urls = row.urls
            if urls and is_safe_url(urls[0]):
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
            return None
        if role == Qt.ItemDataRole.FontRole and column == "link":
            urls = row.urls
            if urls and is_safe_url(urls[0]):
                font = QFont()
                font.setUnderline(True)
                return font
            return None
        if role == self.RowRole:
            return row
        if role == self.StatusRole:
            return self.status_of(row)
        if role == self.UrlsRole:
            return list(row.urls or [])
        return None



class _OnResize(QObject):
    """Calls ``then`` on the next event-loop pass after the widget it is a child of is resized
    (a child, so it goes with that widget)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]) -> None:
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self._then)
        return super().eventFilter(watched, event)


class EvidenceSection:
    """The "Evidence" heading, its row count, the developer-level rows' check box and the table.

    Built into the page's layout (not a widget of its own, so the page lays out as one column).
    Links open on click only when they are http(s); right-click lists every link of a row.
    """

    VISIBLE_ROWS = 14

    def __init__(self, page: QVBoxLayout, parent: QWidget) -> None:
        self._parent = parent
        self._rows: Sequence[EvidenceRow] = []
        self._content_widths: list[int] = []
        page.addSpacing(6)
        row = QHBoxLayout()
        row.addWidget(heading("Evidence", 1.3))
        self.count = plain_label(wrap=False, muted=True)
        row.addWidget(self.count)
        row.addStretch(1)
        self.org_rows_check = QCheckBox()
        row.addWidget(self.org_rows_check)
        page.addLayout(row)
        self.model = EvidenceTableModel(parent)
        self.proxy = QSortFilterProxyModel(parent)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.verticalHeader().hide()
        self.view.setMouseTracking(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSortingEnabled(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(48)
        _OnResize(self.view.viewport(), self._fit_columns)
        self.view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        page.addWidget(self.view)
        self.empty = plain_label("No evidence recorded.", muted=True)
        page.addWidget(self.empty)

        self.view.clicked.connect(self.open_link)
        self.view.activated.connect(self.open_link)
        self.view.entered.connect(self._on_hovered)
        self.view.customContextMenuRequested.connect(self._on_menu)
        self.org_rows_check.toggled.connect(self._show_rows)

    def fill(self, rows: Sequence[EvidenceRow]) -> None:
        """Show a release view's evidence rows (the developer-level ones if checked)."""
        self._rows = rows
        self._show_rows()

    def clear(self) -> None:
        self._rows = []
        self.model.set_rows([])

    @Slot()
    def _show_rows(self) -> None:
        rows = self._rows
        org_rows = [r for r in rows if r.scope == "organization"]
        self.org_rows_check.setVisible(bool(org_rows))
        if org_rows:
            developer = org_rows[0].key or "the developer"
            self.org_rows_check.setText(
                f"Show {len(org_rows)} developer-level FMTI indicators")
            self.org_rows_check.setToolTip(tooltip([f"FMTI record {developer}: indicators "
                                                    "about the organisation, not this release"]))
        shown = [r for r in rows if r.scope != "organization"
                 or self.org_rows_check.isChecked()]
        self.model.set_rows(shown)
        self.count.setText(f"{len(shown)} rows" if len(shown) != 1 else "1 row")
        self.view.setVisible(bool(shown))
        self.empty.setVisible(not shown)
        self._size_table()

    def _size_table(self) -> None:
        view = self.view
        self._content_widths = self._content_widths_now()
        self._fit_columns()
        view.setFixedHeight(table_height(view, self.VISIBLE_ROWS))

    def _content_widths_now(self) -> list[int]:
        """Each column's width for its header and its text (cheaper than Qt's
        resizeColumnsToContents, which asks the model for every role of every cell)."""
        model, view = self.model, self.view
        fm = view.fontMetrics()
        header_fm = view.horizontalHeader().fontMetrics()
        icon = view.iconSize().width() if view.iconSize().isValid() else 16
        widths = []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            width = header_fm.horizontalAdvance(title) + 28  # room for the sort arrow
            for row in range(min(model.rowCount(), 400)):
                text = model.data(model.index(row, column))
                width = max(width, fm.horizontalAdvance(text or "") + 14
                            + (icon + 6 if column == EvidenceTableModel.STATUS_COLUMN else 0))
            widths.append(width)
        return widths

    @Slot()
    def _fit_columns(self) -> None:
        """Share the table's width: short columns as wide as their contents, the rest split
        between component, status, licence and link (which takes what is left)."""
        widths = list(self._content_widths)
        header = self.view.horizontalHeader()
        if len(widths) != header.count():
            return
        available = self.view.viewport().width()
        fixed = (0, 5, 6, 7)  # framework, source, date, origin
        flexible = {1: 0.30, 2: 0.24, 3: 0.22}  # shares of the flexible space, link gets rest
        rest = available - sum(widths[c] for c in fixed)
        for column, share in flexible.items():
            widths[column] = max(60, min(widths[column], int(rest * share)))
        widths[EvidenceTableModel.LINK_COLUMN] = max(
            80, available - sum(w for c, w in enumerate(widths)
                                if c != EvidenceTableModel.LINK_COLUMN))
        for column, width in enumerate(widths):
            header.resizeSection(column, width)

    def urls_at(self, index: QModelIndex) -> list[str]:
        """The links of the row at ``index`` of the table (safe or not), in the source's order."""
        source = self.proxy.mapToSource(index)
        if not source.isValid():
            return []
        return self.model.data(source, EvidenceTableModel.UrlsRole) or []

    @Slot(QModelIndex)
    def open_link(self, index: QModelIndex) -> None:
        """A click on a link cell: open its first http(s) link (anything else never opens)."""
        if index.column() != EvidenceTableModel.LINK_COLUMN:
            return
        for url in self.urls_at(index):
            if is_safe_url(url):
                open_url(url)
                return

    @Slot(QModelIndex)
    def _on_hovered(self, index: QModelIndex) -> None:
        urls = self.urls_at(index) if index.column() == EvidenceTableModel.LINK_COLUMN else []
        cursor = (Qt.CursorShape.PointingHandCursor if any(is_safe_url(u) for u in urls)
                  else Qt.CursorShape.ArrowCursor)
        self.view.viewport().setCursor(cursor)

    @Slot(QPoint)
    def _on_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        urls = self.urls_at(index) if index.isValid() else []
        if not urls:
            return
        menu = QMenu(self._parent)
        for url in urls:
            action = menu.addAction(button_text(f"Open {short_url(url)}"))
            action.setEnabled(is_safe_url(url))
            action.triggered.connect(lambda _=False, u=url: open_url(u))
        menu.addSeparator()
        copy = menu.addAction("Copy link" if len(urls) == 1 else "Copy links")
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText("\n".join(urls)))
        menu.popup(self.view.viewport().mapToGlobal(pos))
