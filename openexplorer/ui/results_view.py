"""The results table's view and the search box: :class:`ResultsView` (columns fitted to the width,
the scroll bar's groove kept while pages are read, the collector paused while scrolling) and
:class:`SearchBox` (Down moves to the results).
"""

from __future__ import annotations

import gc
import logging
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QObject,
    QPoint,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QKeyEvent,
    QPainter,
    QPixmap,
    QSinglePointEvent,
)
from PySide6.QtWidgets import (
    QLineEdit,
    QScrollBar,
    QStyle,
    QStyleOptionSlider,
    QTableView,
    QWidget,
)

from openexplorer.ui import collector

log = logging.getLogger(__name__)

class _GrooveKept(QObject):
    """Paints a scroll bar under the Fusion style with its groove drawn once per look and kept.

    Fusion fills the groove with a gradient at every repaint, and Qt's raster engine splits a
    gradient that tall over its GUI thread pool (a dozen tasks and a wait): the results table's
    scroll bar repaints at every scroll frame, and on a busy machine that wait was a quarter of
    the frame. The handle and the arrows are still drawn by the style each time, hovered or
    pressed as the scroll bar would draw them. Other styles paint as they always do.
    """

    def __init__(self, bar: QScrollBar) -> None:
        super().__init__(bar)
        self._bar = bar
        self._groove: tuple[tuple[Any, ...], QPixmap] | None = None
        self._pressed = QStyle.SubControl.SC_None
        self._pointer = QPoint()  # where the button was pressed, then dragged
        self._hover: QPoint | None = None  # where the pointer hovers over the bar
        bar.installEventFilter(self)

    def has_groove(self) -> bool:
        """Whether a groove was drawn and kept (the scroll bar was painted under Fusion)."""
        return self._groove is not None

    def _hit(self, opt: QStyleOptionSlider, pos: QPoint) -> QStyle.SubControl:
        return self._bar.style().hitTestComplexControl(
            QStyle.ComplexControl.CC_ScrollBar, opt, pos, self._bar)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Paint:
            return self._paint()
        if kind in (QEvent.Type.HoverEnter, QEvent.Type.HoverMove):
            if isinstance(event, QSinglePointEvent):  # a QHoverEvent
                self._hover = event.position().toPoint()
        elif kind == QEvent.Type.HoverLeave:
            self._hover = None
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove):
            if not isinstance(event, QSinglePointEvent):  # a QMouseEvent
                return False
            self._pointer = event.position().toPoint()
            if kind == QEvent.Type.MouseButtonPress:
                opt = QStyleOptionSlider()
                self._bar.initStyleOption(opt)
                self._pressed = self._hit(opt, self._pointer)
        elif kind == QEvent.Type.MouseButtonRelease:
            self._pressed = QStyle.SubControl.SC_None
        return False

    def _paint(self) -> bool:
        bar = self._bar
        style = bar.style()
        if style.name().lower() != "fusion":
            return False
        opt = QStyleOptionSlider()
        bar.initStyleOption(opt)
        # As QScrollBar.paintEvent: the pressed part (sunken while the pointer is on it), or
        # the part under the pointer.
        if self._pressed != QStyle.SubControl.SC_None:
            opt.activeSubControls = self._pressed
            if self._pressed == QStyle.SubControl.SC_ScrollBarSlider or \
                    self._hit(opt, self._pointer) == self._pressed:
                opt.state |= QStyle.StateFlag.State_Sunken
        elif self._hover is not None:
            opt.activeSubControls = self._hit(opt, self._hover)
        groove = QStyle.SubControl.SC_ScrollBarGroove
        ratio = bar.devicePixelRatioF()
        rect = opt.rect
        key = (rect.width(), rect.height(), ratio, opt.state.value, opt.orientation.value,
               opt.activeSubControls.value, opt.palette.cacheKey(), id(style))
        if self._groove is None or self._groove[0] != key:
            pixmap = QPixmap(max(1, round(rect.width() * ratio)),
                             max(1, round(rect.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            only = QStyleOptionSlider(opt)
            only.subControls = groove
            target = QPainter(pixmap)
            style.drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, only, target, bar)
            target.end()
            self._groove = (key, pixmap)
        painter = QPainter(bar)
        painter.drawPixmap(rect.topLeft(), self._groove[1])
        opt.subControls = QStyle.SubControl.SC_All & ~groove
        style.drawComplexControl(QStyle.ComplexControl.CC_ScrollBar, opt, painter, bar)
        painter.end()
        return True


class CollectorPause(QObject):
    """Keeps Python's cyclic garbage collector still while the results table scrolls.

    A frame of the table makes a few thousand short-lived wrapper objects, enough to start a
    young-generation collection every few dozen frames, in the middle of a frame (the scroll
    frames over 16 ms that were left; docs/benchmarks.md). The collector is switched
    off while the scroll bar moves and on again once the table has been still for
    :attr:`STILL_MS`; reference counting frees everything but cycles in the meantime. A collector
    someone else switched off stays off.
    """

    STILL_MS = 300

    def __init__(self, bar: QScrollBar) -> None:
        super().__init__(bar)
        self._paused = False
        self._still = QTimer(self)
        self._still.setSingleShot(True)
        self._still.setInterval(self.STILL_MS)
        self._still.timeout.connect(self.resume)
        bar.valueChanged.connect(self._on_scrolled)
        key = id(self)
        self.destroyed.connect(lambda *_: collector.release(key) if collector.installed()
                               else gc.enable() if self._paused else None)

    @Slot()
    def _on_scrolled(self) -> None:
        if collector.installed():  # the GUI thread's collector (ui/collector.py) waits
            if not self._paused:
                collector.hold(id(self))
                self._paused = True
        elif not self._paused and gc.isenabled():
            gc.disable()
            self._paused = True
        if self._paused:
            self._still.start()

    @Slot()
    def resume(self) -> None:
        if self._paused:
            self._paused = False
            if collector.installed():
                collector.release(id(self))
            else:
                gc.enable()


class ResultsView(QTableView):
    """The results table; Return in it opens the current release.

    The first column (Release) takes the width the others leave. When the table is too narrow
    for every column, the optional ones (:meth:`set_optional_columns`) are hidden, the least
    useful first, so the openness columns stay in view; they come back as the table widens.
    """

    FILL_MIN = 170

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._optional: list[int] = []
        self._widths: dict[int, int] = {}
        self._fitting = False
        self._header_selection: QItemSelectionModel | None = None
        self._groove_kept = _GrooveKept(self.verticalScrollBar())
        self._collector_pause = CollectorPause(self.verticalScrollBar())

    def groove_kept(self) -> bool:
        """Whether the vertical scroll bar's groove is painted from a kept pixmap (under the
        Fusion style, once painted; other styles paint it as they always do)."""
        return self._groove_kept.has_groove()

    def setModel(self, model: Any) -> None:  # noqa: N802
        super().setModel(model)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:  # noqa: N802
        super().setSelectionModel(selection)
        # The header paints each section with whether its column is wholly selected, which
        # Qt works out by asking the model row by row, twice per row in Python: seconds after a
        # Ctrl+A over a Hub-scale table (docs/benchmarks.md). Sections are not highlighted here (rows are selected, not
        # columns), so the header gets a selection model of its own that stays empty.
        header = self.horizontalHeader()
        if selection is not None and selection.model() is not None:
            before, self._header_selection = (self._header_selection,
                                              QItemSelectionModel(selection.model(), header))
            header.setSelectionModel(self._header_selection)
            if before is not None:
                before.deleteLater()

    def set_optional_columns(self, columns: list[int]) -> None:
        """Columns that may be hidden when space is short, the first to go first."""
        self._optional = list(columns)
        self.fit_columns()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit_columns()

    @Slot(int, int, int)
    def _on_section_resized(self, logical: int, _old: int, new: int) -> None:
        if self._fitting or logical == 0:
            return
        if new > 0:
            self._widths[logical] = new  # the user's width, kept while hidden
        self.fit_columns()

    def fit_columns(self) -> None:
        header = self.horizontalHeader()
        if self._fitting or header.count() == 0:
            return
        self._fitting = True
        try:
            for column in range(1, header.count()):
                if not header.isSectionHidden(column):
                    self._widths[column] = header.sectionSize(column)
            available = self.viewport().width()
            hidden: set[int] = set()
            shown = [c for c in range(1, header.count()) if c not in hidden]

            def others() -> int:
                return sum(self._widths.get(c, header.defaultSectionSize()) for c in shown)

            for column in self._optional:
                if others() + self.FILL_MIN <= available:
                    break
                hidden.add(column)
                shown.remove(column)
            for column in range(1, header.count()):
                if header.isSectionHidden(column) != (column in hidden):
                    header.setSectionHidden(column, column in hidden)
                    if column not in hidden:
                        header.resizeSection(column, self._widths.get(
                            column, header.defaultSectionSize()))
            width = max(self.FILL_MIN, available - others())
            if header.sectionSize(0) != width:
                header.resizeSection(0, width)
        finally:
            self._fitting = False

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated.emit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """The search box: Down / Return move to the results, Escape clears."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


__all__ = ["CollectorPause", "ResultsView", "SearchBox"]
