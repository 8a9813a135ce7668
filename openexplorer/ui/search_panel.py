"""Search as you type, facets beside the results, and the results table.

:class:`SearchPanel` is the left half of the main window. Typing searches after a short pause
(:attr:`SearchPanel.SEARCH_DELAY_MS`); the first page of results is read on the GUI thread (one
``LIMIT`` query), the rest as the table scrolls
(:class:`~openexplorer.ui.results_model.ResultsModel`).
Facet counts and the number of matches — a dozen ``GROUP BY`` queries, the slow part over a
large cache — are computed after the pause on a worker thread with its own read-only SQLite
connection; a newer search supersedes a running one, and the window never waits for them.
A cache without a file (``Cache.memory()``) counts on the GUI thread instead.

Every count and every result comes from :mod:`openexplorer.search.summary` (``search``, ``count``,
``facet_counts``); a facet's own counts ignore its own choice, so checking one value never hides
the others.
"""

from __future__ import annotations

import dataclasses
import gc
import logging
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    QSize,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QColor,
    QGuiApplication,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmap,
    QValidator,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDoubleSpinBox,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QSizePolicy,
    QSplitter,
    QStyle,
    QStyleOptionButton,
    QStyleOptionSlider,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from openexplorer.search import summary
from openexplorer.db.cache import Cache
from openexplorer.search.summary import FACETS, NONE, Filters
from openexplorer.ui import collector
from openexplorer.ui.results_model import (
    COLUMN_KEYS,
    VALUE_ORDER,
    OpennessBarDelegate,
    ResultsModel,
    value_label,
)

log = logging.getLogger(__name__)

#: The facet column, top to bottom: (name, title, kind). ``list`` names are summary.FACETS keys;
#: ``osi_approved`` is a yes/no list; ``osai`` and ``params`` are ranges.
FACET_LAYOUT: tuple[tuple[str, str, str], ...] = (
    ("license_category", "Licence category", "list"),
    ("commercial_use", "Commercial use", "list"),
    ("osi_approved", "OSI-approved licence", "bool"),
    ("mof_class", "MOF class", "list"),
    ("osai", "Index score", "range"),
    ("osaid_verdict", "OSAID verdict", "list"),
    ("org_kind", "Organisation kind", "list"),
    ("organization", "Organisation", "list"),
    ("country", "Country", "list"),
    ("modality", "Modality", "list"),
    ("params", "Parameters (billions)", "range"),
    ("year", "Release year", "list"),
    ("origin", "Source", "list"),
    ("gated", "Gated on the Hub", "list"),
)
#: Facets with few values also list the ones without matches (greyed); the others list only
#: values with matches (and the checked ones).
_SMALL_DOMAIN = {"license_category", "commercial_use", "mof_class", "osaid_verdict", "org_kind",
                 "modality", "year", "origin", "gated"}
#: Values shown before "Show more".
_COLLAPSED_VALUES = 6
#: Values counted per facet (organisations and countries: the top ones).
FACET_LIMIT = 40
#: Filters fields of the two ranges.
_RANGE_FIELDS = {"osai": ("osai_min", "osai_max"), "params": ("params_min", "params_max")}
_PARAMS_UNIT = 1e9  # the spin boxes speak billions; the summary stores parameters


# -- facet counting (worker thread) ---------------------------------------------------------------


def compute_facets(cache: Cache, query: str, filters: Filters,
                   superseded: Callable[[], bool] = lambda: False) -> dict[str, Any] | None:
    """Everything the facet column shows, for one query and filters; None if superseded.

    One :func:`openexplorer.search.summary.facet_summary` (a single pass over the query's matches).
    """
    if superseded():
        return None
    out = summary.facet_summary(cache, query, filters, limit=FACET_LIMIT)
    if superseded():
        return None
    return out


class _FacetRelay(QObject):
    """Carries a worker's result back to the GUI thread (a queued signal)."""

    done = Signal(int, object)


class _Generation:
    """The newest facet request; a worker whose request is older stops early."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def current(self) -> int:
        with self._lock:
            return self._value


# -- facet widgets --------------------------------------------------------------------------------


class FacetCheck(QCheckBox):
    """A facet value: a check box with its label (elided to fit) and its count on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.value: Any = None
        self.label = ""
        self.count = 0
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_entry(self, value: Any, label: str, count: int, checked: bool) -> None:
        self.value, self.label, self.count = value, label, count
        self.setText(f"{label} ({count:,})")  # for accessibility and tests; painted differently
        self.blockSignals(True)
        self.setChecked(checked)
        self.blockSignals(False)
        self.setEnabled(count > 0 or checked)
        self.setToolTip(f"{label}: {count:,} release{'s' if count != 1 else ''}")
        self.update()

    def hitButton(self, pos: QPoint) -> bool:  # noqa: N802
        return self.rect().contains(pos)  # the whole row, count included, toggles

    def _count_text(self) -> str:
        return f"{self.count:,}"

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        metrics = self.fontMetrics()
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        indicator = self.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, opt, self)
        width = (indicator.width() + 8 + metrics.horizontalAdvance(self.label) + 12
                 + metrics.horizontalAdvance(self._count_text()) + 4)
        return QSize(width, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(80, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802, ARG002
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        opt.text = ""
        painter = QPainter(self)
        style = self.style()
        style.drawControl(QStyle.ControlElement.CE_CheckBox, opt, painter, self)
        contents = style.subElementRect(QStyle.SubElement.SE_CheckBoxContents, opt, self)
        contents = contents.adjusted(2, 0, -2, 0)
        contents.setRight(self.rect().right() - 2)
        metrics = self.fontMetrics()
        count = self._count_text()
        count_width = metrics.horizontalAdvance(count)
        enabled = self.isEnabled()
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        text_color = self.palette().color(group, QPalette.ColorRole.WindowText)
        label_width = max(0, contents.width() - count_width - 10)
        label = metrics.elidedText(self.label, Qt.TextElideMode.ElideRight, label_width)
        align = Qt.AlignmentFlag.AlignVCenter
        painter.setPen(text_color)
        painter.drawText(contents.adjusted(0, 0, -(count_width + 10), 0),
                         int(align | Qt.AlignmentFlag.AlignLeft), label)
        count_color = QColor(text_color)
        if enabled:
            count_color.setAlphaF(0.62)
        painter.setPen(count_color)
        painter.drawText(contents, int(align | Qt.AlignmentFlag.AlignRight), count)
        painter.end()


class _BoundSpin(QDoubleSpinBox):
    """One end of a range. "Any" sits just past the end: below the minimum for the lower bound,
    above the maximum for the upper one, so stepping from "Any" starts at the range's end."""

    ANY = "Any"

    def __init__(self, low: float, high: float, step: float, decimals: int, *, upper: bool,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._low, self._high, self._upper = low, high, upper
        self.setDecimals(decimals)
        self.setSingleStep(step)
        self._any = high + step if upper else low - step
        self.setRange(min(low, self._any), max(high, self._any))
        self.setValue(self._any)
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self.setAlignment(Qt.AlignmentFlag.AlignRight)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.fontMetrics().horizontalAdvance("000.00") + 28),
                     hint.height())

    def _is_any(self, value: float) -> bool:
        return value > self._high + 1e-9 if self._upper else value < self._low - 1e-9

    def bound(self) -> float | None:
        value = self.value()
        return None if self._is_any(value) else value

    def set_bound(self, value: float | None) -> None:
        self.setValue(self._any if value is None else min(self._high, max(self._low, value)))

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return self.ANY if self._is_any(value) else super().textFromValue(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        cleaned = text.strip()
        if not cleaned or self.ANY.lower().startswith(cleaned.lower()):
            return self._any
        return super().valueFromText(text)

    def validate(self, text: str, pos: int) -> object:
        cleaned = text.strip()
        if not cleaned or self.ANY.lower().startswith(cleaned.lower()):
            state = (QValidator.State.Acceptable if cleaned.lower() in ("", self.ANY.lower())
                     else QValidator.State.Intermediate)
            return state, text, pos
        return super().validate(text, pos)


class FacetGroup(QWidget):
    """A facet's title (click to fold), its "Clear" button, and its body.

    Signals:
        clear_requested(): the user asked to clear this facet's choice.
    """

    clear_requested = Signal()

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self.title = title
        self.toggle = QToolButton(self)
        self.toggle.setText(title)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setAutoRaise(True)
        self.toggle.setIconSize(QSize(9, 9))
        font = self.toggle.font()
        font.setBold(True)
        self.toggle.setFont(font)
        self.toggle.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.toggle.setToolTip(f"Show or hide {title.lower()}")
        self.toggle.clicked.connect(self._on_toggle_clicked)
        self._folded = False
        self.clear_button = QToolButton(self)
        self.clear_button.setText("Clear")
        self.clear_button.setAutoRaise(True)
        self.clear_button.setToolTip(f"Clear the {title.lower()} filter")
        self.clear_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_button.clicked.connect(self.clear_requested)
        self.clear_button.setVisible(False)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(2)
        header.addWidget(self.toggle, 1)
        header.addWidget(self.clear_button)
        self.body = QWidget(self)
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setContentsMargins(18, 0, 2, 2)
        self.body_layout.setSpacing(0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 4)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addWidget(self.body)

    @Slot()
    def _on_toggle_clicked(self) -> None:
        self.set_folded(not self._folded)

    def is_folded(self) -> bool:
        return self._folded

    def set_folded(self, folded: bool) -> None:
        self._folded = folded
        self.toggle.setArrowType(Qt.ArrowType.RightArrow if folded else Qt.ArrowType.DownArrow)
        self.body.setVisible(not folded)

    def set_active(self, active: bool) -> None:
        self.clear_button.setVisible(active)


class ListFacet(FacetGroup):
    """A facet with checkable values and their counts, folded to a few values at first.

    Signals:
        toggled(object, bool): a value was checked or unchecked by the user.
    """

    toggled = Signal(object, bool)

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(name, title, parent)
        self.checks: list[FacetCheck] = []
        self.more = QToolButton(self.body)
        self.more.setAutoRaise(True)
        self.more.setCursor(Qt.CursorShape.PointingHandCursor)
        self.more.clicked.connect(self._on_more)
        self.more.setVisible(False)
        self.empty = QLabel("No matches", self.body)
        self.empty.setEnabled(False)
        self.empty.setVisible(False)
        self.body_layout.addWidget(self.empty)
        self.body_layout.addWidget(self.more, 0, Qt.AlignmentFlag.AlignLeft)
        self._expanded = False
        self._entries: list[tuple[Any, str, int, bool]] = []

    def entries(self) -> list[tuple[Any, str, int, bool]]:
        """(value, label, count, checked) for every value listed, shown or folded away."""
        return list(self._entries)

    def check_for(self, value: Any) -> FacetCheck | None:
        """The check box of a value, if it is shown."""
        for check in self.checks:
            if check.isVisible() and check.value == value:
                return check
        return None

    def set_entries(self, entries: list[tuple[Any, str, int, bool]]) -> None:
        self._entries = entries
        self._show()

    def _show(self) -> None:
        entries = self._entries
        folded = len(entries) > _COLLAPSED_VALUES + 1 and not self._expanded
        shown = entries[:_COLLAPSED_VALUES] if folded else entries
        if folded:  # a checked value is never folded away
            shown = shown + [e for e in entries[_COLLAPSED_VALUES:] if e[3]]
        while len(self.checks) < len(shown):
            check = FacetCheck(self.body)
            check.toggled.connect(self._on_check_toggled)
            self.body_layout.insertWidget(len(self.checks), check)
            self.checks.append(check)
        for check, (value, label, count, checked) in zip(self.checks, shown, strict=False):
            check.set_entry(value, label, count, checked)
            check.setVisible(True)
        for check in self.checks[len(shown):]:
            check.setVisible(False)
        hidden = len(entries) - len(shown)
        self.more.setVisible(len(entries) > _COLLAPSED_VALUES + 1)
        self.more.setText(f"Show {hidden} more" if folded else "Show fewer")
        self.empty.setVisible(not entries)

    @Slot()
    def _on_more(self) -> None:
        self._expanded = not self._expanded
        self._show()

    @Slot(bool)
    def _on_check_toggled(self, checked: bool) -> None:
        check = self.sender()
        if isinstance(check, FacetCheck):
            self.toggled.emit(check.value, checked)


class RangeFacet(FacetGroup):
    """A facet with a lower and an upper bound ("Any" at either end means no bound).

    Signals:
        range_changed(object, object): the bounds the user set (None for "Any").
    """

    range_changed = Signal(object, object)

    def __init__(self, name: str, title: str, low: float, high: float, step: float,
                 decimals: int, parent: QWidget | None = None) -> None:
        super().__init__(name, title, parent)
        self.low_spin = _BoundSpin(low, high, step, decimals, upper=False, parent=self.body)
        self.high_spin = _BoundSpin(low, high, step, decimals, upper=True, parent=self.body)
        self.low_spin.setToolTip(f"{title}: at least (Any: no lower bound)")
        self.high_spin.setToolTip(f"{title}: at most (Any: no upper bound)")
        row = QHBoxLayout()
        row.setContentsMargins(0, 2, 0, 2)
        row.setSpacing(4)
        row.addWidget(self.low_spin, 1)
        row.addWidget(QLabel("to", self.body))
        row.addWidget(self.high_spin, 1)
        self.body_layout.addLayout(row)
        self.hint = QLabel(self.body)
        self.hint.setEnabled(False)
        self.body_layout.addWidget(self.hint)
        for spin in (self.low_spin, self.high_spin):
            spin.valueChanged.connect(self._on_value_changed)

    def set_bounds(self, low: float | None, high: float | None) -> None:
        for spin, value in ((self.low_spin, low), (self.high_spin, high)):
            spin.blockSignals(True)
            spin.set_bound(value)
            spin.blockSignals(False)

    def bounds(self) -> tuple[float | None, float | None]:
        return self.low_spin.bound(), self.high_spin.bound()

    @Slot(float)
    def _on_value_changed(self, _value: float) -> None:
        self.range_changed.emit(*self.bounds())


# -- the panel ------------------------------------------------------------------------------------


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

    def _hit(self, opt: QStyleOptionSlider, pos: QPoint) -> QStyle.SubControl:
        return self._bar.style().hitTestComplexControl(
            QStyle.ComplexControl.CC_ScrollBar, opt, pos, self._bar)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Paint:
            return self._paint()
        if kind in (QEvent.Type.HoverEnter, QEvent.Type.HoverMove):
            self._hover = event.position().toPoint()
        elif kind == QEvent.Type.HoverLeave:
            self._hover = None
        elif kind in (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove):
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


class _CollectorPause(QObject):
    """Keeps Python's cyclic garbage collector still while the results table scrolls.

    A frame of the table makes a few thousand short-lived wrapper objects, enough to start a
    young-generation collection every 20–30 frames, and those collections took 5–15 ms in the
    middle of a frame (the scroll frames over 16 ms that were left). The collector is switched
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
        self._collector_pause = _CollectorPause(self.verticalScrollBar())

    def setModel(self, model: Any) -> None:  # noqa: N802
        super().setModel(model)
        self.horizontalHeader().sectionResized.connect(self._on_section_resized)

    def setSelectionModel(self, selection: QItemSelectionModel) -> None:  # noqa: N802
        super().setSelectionModel(selection)
        # The header paints each section with whether its column is wholly selected, which
        # Qt works out by asking the model row by row, twice per row in Python: 2 s after a
        # Ctrl+A over 200,000 rows. Sections are not highlighted here (rows are selected, not
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


class _SearchBox(QLineEdit):
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


class SearchPanel(QWidget):
    """Search box, facet column and results table over the cache's release summaries.

    Signals:
        release_activated(str): a release was opened (double-click or Return on a row).
        current_release_changed(str): the current row moved to another release.
        compare_requested(list): "Add to comparison" on the selected releases (their ids).
        filters_changed(object): the :class:`~openexplorer.search.summary.Filters` changed.
        facets_updated(): the facet counts and the status line show the current search.
        message(str): something for the status bar ("Copied 1,204 lines").
    """

    SEARCH_DELAY_MS = 150
    #: Below this width the facet column folds away by itself (until "Filters" is clicked).
    FACETS_AUTO_MIN_WIDTH = 780

    release_activated = Signal(str)
    current_release_changed = Signal(str)
    compare_requested = Signal(list)
    filters_changed = Signal(object)
    facets_updated = Signal()
    message = Signal(str)

    def __init__(self, cache: Cache, parent: QWidget | None = None, *,
                 hold_facets: bool = False) -> None:
        """``cache`` is the GUI thread's cache; facets are counted on a worker thread over their
        own read-only connection to ``cache.path`` (on the GUI thread if it has no path).

        With ``hold_facets`` no count starts before :meth:`start_facets`: the main window lets
        its first screen be built first (the worker would compete with it for the interpreter).
        """
        super().__init__(parent)
        self._cache = cache
        self._facets_held = hold_facets
        self._filters = Filters()
        self._current_id: str | None = None
        self._known: dict[str, list[Any]] = {}
        self._facet_result: dict[str, Any] | None = None
        self._facet_generation = -1
        # Created before the relay: the pool, a child, is destroyed first and waits for its
        # worker, whose result then goes to a relay that still exists.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _FacetRelay(self)
        self._relay.done.connect(self._on_facets_done)
        self._generation = _Generation()

        self._facets_auto = True  # shown or hidden by the panel's width until the user decides
        self._build()
        self._connect()
        self._run_search()

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search_box = _SearchBox(self)
        self.search_box.setPlaceholderText("Search releases, organisations, families…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Search as you type (Ctrl+F). Down or Return: go to the "
                                   "results; Escape: clear")
        self.filters_button = QToolButton(self)
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(True)
        self.filters_button.setToolTip("Show or hide the filters")
        self.compare_button = QPushButton("Add to comparison", self)
        self.compare_button.setToolTip("Compare the selected releases (select several with "
                                       "Ctrl or Shift)")
        self.compare_button.setEnabled(False)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(6)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.filters_button)
        top.addWidget(self.compare_button)

        self.facet_panel = self._build_facets()

        self.model = ResultsModel(self._cache, self)
        self.model.hold_until_search()  # the sort set up below is read by the first search
        self.table = ResultsView(self)
        self.table.setModel(self.model)
        self.delegate = OpennessBarDelegate(self.table)
        for key in ("mof", "osai", "osaid"):
            self.table.setItemDelegateForColumn(COLUMN_KEYS.index(key), self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.fontMetrics()
        widths = {"name": 26, "organization": 22, "family": 12, "release_date": 0,
                  "license": 25, "mof": 0, "osai": 0, "osaid": 0, "origin": 0}
        for column, key in enumerate(COLUMN_KEYS):
            chars = widths[key]
            if key == "release_date":
                width = metrics.horizontalAdvance("2024-12-31") + 24
            elif key == "mof":
                width = metrics.horizontalAdvance("III") + 3 * 16 + 2 * 3 + 26
            elif key == "osai":
                width = metrics.horizontalAdvance("0.00") + 76
            elif key == "osaid":
                width = metrics.horizontalAdvance("Not known") + 34
            elif key == "origin":
                width = metrics.horizontalAdvance("Curated") + 24
            else:
                width = metrics.averageCharWidth() * chars
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        self.table.set_optional_columns([COLUMN_KEYS.index(key) for key in (
            "origin", "family", "license", "release_date", "organization")])

        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        results = QWidget(self)
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(4)
        results_layout.addWidget(self.table, 1)
        results_layout.addWidget(self.status)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(True)
        self.splitter.addWidget(self.facet_panel)
        self.splitter.addWidget(results)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self._sized = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.compare_action = QAction("Add to &comparison", self)
        self.open_action = QAction("&Open", self)
        self.copy_id_action = QAction("Copy release &id", self)
        self.copy_name_action = QAction("Copy &name", self)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.SEARCH_DELAY_MS)
        self._counting = QTimer(self)
        self._counting.setSingleShot(True)
        self._counting.setInterval(300)

    def _build_facets(self) -> QWidget:
        self.facets: dict[str, FacetGroup] = {}
        column = QWidget()
        column.setObjectName("facetColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(4, 0, 6, 6)
        layout.setSpacing(2)
        for name, title, kind in FACET_LAYOUT:
            group: FacetGroup
            if kind == "range" and name == "osai":
                group = RangeFacet(name, title, 0.0, 1.0, 0.05, 2, column)
                group.range_changed.connect(self._on_range_changed)
            elif kind == "range":
                group = RangeFacet(name, title, 0.0, 10000.0, 1.0, 1, column)
                group.range_changed.connect(self._on_range_changed)
            else:
                group = ListFacet(name, title, column)
                group.toggled.connect(self._on_facet_toggled)
            group.clear_requested.connect(self._on_clear_facet)
            self.facets[name] = group
            layout.addWidget(group)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facet_scroll = scroll

        title = QLabel("Filters")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        title.setFont(font)
        self.clear_all_button = QToolButton()
        self.clear_all_button.setText("Clear all")
        self.clear_all_button.setAutoRaise(True)
        self.clear_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_all_button.setToolTip("Clear every filter (the search text stays)")
        self.clear_all_button.setEnabled(False)
        head = QHBoxLayout()
        head.setContentsMargins(4, 0, 6, 0)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.clear_all_button)

        panel = QWidget(self)
        panel.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.setSpacing(2)
        panel_layout.addLayout(head)
        panel_layout.addWidget(scroll, 1)
        return panel

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.to_results.connect(self._on_to_results)
        self._debounce.timeout.connect(self._run_search)
        self._counting.timeout.connect(self._on_counting)
        self.filters_button.toggled.connect(self._on_filters_button)
        self.filters_button.clicked.connect(self._on_filters_clicked)
        self.compare_button.clicked.connect(self._on_compare)
        self.compare_action.triggered.connect(self._on_compare)
        self.open_action.triggered.connect(self._on_open_current)
        self.copy_id_action.triggered.connect(self._on_copy_ids)
        self.copy_name_action.triggered.connect(self._on_copy_names)
        self.clear_all_button.clicked.connect(self.clear_filters)
        self.table.activated.connect(self._on_activated)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_indicator)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        selection.selectionChanged.connect(self._on_selection_changed)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._sized:  # the facet column's first width, once the panel has its own
            self._sized = True
            self.splitter.setSizes([self.facet_width(), max(1, self.splitter.width()
                                                             - self.facet_width())])

    def facet_width(self) -> int:
        """A width that shows the facet column without clipping."""
        column = self.facet_scroll.widget()
        bar = self.facet_scroll.verticalScrollBar().sizeHint().width()
        return max(column.minimumSizeHint().width() + bar + 4,
                   self.fontMetrics().horizontalAdvance("Class I – Open Science") + 110)

    # -- public API ------------------------------------------------------------------------------

    def query(self) -> str:
        return self.search_box.text()

    def filters(self) -> Filters:
        return self._filters

    def set_query(self, text: str) -> None:
        """Search for ``text`` now (no pause)."""
        self.search_box.blockSignals(True)
        self.search_box.setText(text)
        self.search_box.blockSignals(False)
        self._run_search()

    def set_filters(self, filters: Filters) -> None:
        """Replace every filter and search again."""
        self._change_filters(filters)

    def apply_filter(self, facet: Mapping[str, Any]) -> None:
        """Merge a chart's filter into the current ones and search again.

        ``facet`` maps :class:`~openexplorer.search.summary.Filters` fields (or the overview's
        ``osai_score_min`` / ``osai_score_max``) to a value or a list of values, e.g.
        ``{"year": 2024}``, ``{"org_kind": "big-tech"}``, ``{"mof_class": "II"}`` or
        ``{"osai_score_min": 0.5, "osai_score_max": 0.6}``. A facet named replaces that facet's
        choice. As in the overview's histogram, a score maximum below 1 excludes itself.
        """
        self._change_filters(merge_filter(self._filters, facet))

    def clear_filters(self) -> None:
        self._change_filters(Filters())

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def selected_spans(self) -> list[tuple[int, int]]:
        """The selected rows as spans ``(first, last)``, top to bottom, none overlapping: what
        the selection holds, without a Python object per row (a Ctrl+A over a million rows)."""
        spans: list[list[int]] = []
        for top, bottom in sorted((r.top(), r.bottom())
                                  for r in self.table.selectionModel().selection()):
            if spans and top <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], bottom)
            else:
                spans.append([top, bottom])
        return [(top, bottom) for top, bottom in spans]

    def selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self.selected_spans())

    def selected_ids(self, limit: int | None = None) -> list[str]:
        """The selected releases, top to bottom (the first ``limit`` of them)."""
        spans = self.selected_spans()
        if limit is not None:  # read no further than needed
            kept, left = [], limit
            for top, bottom in spans:
                if left <= 0:
                    break
                kept.append((top, min(bottom, top + left - 1)))
                left -= kept[-1][1] - top + 1
            spans = kept
        return [row[0] for row in self.model.values(spans, ("release_id",)) if row[0]]

    def ids_for_comparison(self) -> list[str]:
        """The first selected releases, as many as can fill a comparison whatever it already
        holds and one more (so that the window can tell there were too many)."""
        from openexplorer.analyses.compare import MAX_RELEASES  # (not on the start's path)

        return self.selected_ids(limit=2 * MAX_RELEASES + 1)

    def selected_names(self) -> list[str]:
        """The selected releases' names as the table shows them, top to bottom."""
        return [str(name or release_id) for name, release_id
                in self.model.values(self.selected_spans(), ("name", "release_id"))]

    def current_id(self) -> str | None:
        return self.model.release_id(self.table.currentIndex().row())

    def select_release(self, release_id: str) -> bool:
        """Make a loaded release the current row; False if it is not among the loaded rows."""
        row = self.model.row_of(release_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def reload(self) -> None:
        """Search again with the same query, filters and sort (after a refresh changed the
        cache); the current release stays current if it is still found."""
        self._debounce.stop()
        self.model.refresh()
        self._after_search()

    def facet_entries(self, name: str) -> list[tuple[Any, str, int, bool]]:
        """What a list facet shows: (value, label, count, checked) for each value."""
        group = self.facets[name]
        return group.entries() if isinstance(group, ListFacet) else []

    # -- searching -------------------------------------------------------------------------------

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self._debounce.start()

    @Slot()
    def _run_search(self) -> None:
        self._debounce.stop()
        self.model.set_search(self.search_box.text(), self._filters)
        self._after_search()

    def _after_search(self) -> None:
        self._restore_current()
        self._show_status()
        self._request_facets()

    def _restore_current(self) -> None:
        """Keep the current release current if it is still listed, else the first row."""
        if not self.model.rowCount():
            if self._current_id is not None:
                self._current_id = None
            return
        row = self.model.row_of(self._current_id) if self._current_id else None
        self._select_row(row if row is not None else 0)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _change_filters(self, filters: Filters) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._sync_facet_choices()
        self.filters_changed.emit(filters)
        self._run_search()

    # -- facets ----------------------------------------------------------------------------------

    def start_facets(self) -> None:
        """Count the facets of the current search, if they were held (see ``hold_facets``)."""
        if self._facets_held:
            self._facets_held = False
            self._request_facets()

    def _request_facets(self) -> None:
        generation = self._generation.next()
        if self._facets_held:
            return  # counted by start_facets()
        query, filters = self.search_box.text(), self._filters
        path = self._cache.path
        if path is None:
            self._count_here(generation)
            return
        latest = self._generation
        relay = self._relay

        def work() -> None:
            if latest.current() != generation:
                return
            result: dict[str, Any] | None = None
            failed = False
            try:
                with Cache.open(path, readonly=True) as cache:
                    result = compute_facets(cache, query, filters,
                                            lambda: latest.current() != generation)
            except Exception:  # e.g. a read-only folder without the WAL index: count here
                log.warning("facet counts failed on the worker for %r", query, exc_info=True)
                failed = True
            if result is not None or failed:
                try:
                    relay.done.emit(generation, result)
                except RuntimeError:  # the panel is gone
                    pass

        self._pool.start(work)

    def _count_here(self, generation: int) -> None:
        """Count on the GUI thread (a cache without a file, or the worker failed)."""
        try:
            result = compute_facets(self._cache, self.search_box.text(), self._filters)
        except Exception:
            log.exception("facet counts failed for %r", self.search_box.text())
            result = None
        if result is None:
            self._facet_result = None
            self._facet_generation = generation
            self._show_status()
            self.facets_updated.emit()
            return
        self._on_facets_done(generation, result)

    @Slot(int, object)
    def _on_facets_done(self, generation: int, result: object) -> None:
        if generation != self._generation.current():
            return
        if not isinstance(result, dict):
            self._count_here(generation)
            return
        self._facet_result = result
        self._show_facets(result)
        self._facet_generation = generation
        self._show_status()
        self.facets_updated.emit()

    def wait_for_facets(self, timeout_ms: int = 5000) -> bool:
        """Block until the worker is idle (tests, screenshots); True if it finished."""
        done = self._pool.waitForDone(timeout_ms)
        QGuiApplication.processEvents()
        return done

    def _show_facets(self, result: dict[str, Any]) -> None:
        counts: dict[str, list[tuple[Any, int]]] = dict(result["facets"])
        counts["osi_approved"] = result["osi_approved"]
        for name, group in self.facets.items():
            if isinstance(group, ListFacet):
                group.set_entries(self._entries_for(name, counts.get(name, [])))
            elif isinstance(group, RangeFacet):
                known = result.get(f"{name}_known")
                noun = "with a score" if name == "osai" else "with a known size"
                group.hint.setText("" if known is None else f"{known:,} {noun}")
        self._sync_facet_choices()

    def _chosen(self, name: str) -> tuple[Any, ...]:
        if name == "osi_approved":
            value = self._filters.osi_approved
            return () if value is None else (value,)
        return tuple(getattr(self._filters, name))

    def _entries_for(self, name: str,
                     counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, str, int, bool]]:
        counted = dict(counts)
        known = self._known.setdefault(name, [])
        for value in counted:
            if value not in known:
                known.append(value)
        chosen = self._chosen(name)
        if name == "osi_approved":
            values = [True, False]
        elif name in _SMALL_DOMAIN:
            values = list(known)
        else:
            values = list(counted)
        values += [v for v in chosen if v not in values]
        order = VALUE_ORDER.get(name)
        if order is not None:
            values.sort(key=lambda v: (order.index(v) if v in order else len(order), str(v)))
        elif name == "year":
            values.sort(key=lambda v: (v == NONE, -(v if isinstance(v, int) else 0)))
        elif name in _SMALL_DOMAIN:  # a stable order: values do not jump as counts change
            values.sort(key=lambda v: (v == NONE, known.index(v) if v in known else len(known)))
        elif name != "osi_approved":
            values.sort(key=lambda v: (v == NONE, -counted.get(v, 0), str(v).lower()))
        return [(v, value_label(name, v), counted.get(v, 0), v in chosen) for v in values]

    def _sync_facet_choices(self) -> None:
        """Show the current filters in the facet column (checks, ranges, clear buttons)."""
        active = 0
        for name, group in self.facets.items():
            if isinstance(group, ListFacet):
                chosen = self._chosen(name)
                entries = group.entries()
                values = [e[0] for e in entries]
                missing = [v for v in chosen if v not in values]
                entries = [(v, label, n, v in chosen) for v, label, n, _ in entries]
                entries += [(v, value_label(name, v), 0, True) for v in missing]
                group.set_entries(entries)
                group.set_active(bool(chosen))
                active += bool(chosen)
            elif isinstance(group, RangeFacet):
                low_field, high_field = _RANGE_FIELDS[name]
                low, high = getattr(self._filters, low_field), getattr(self._filters, high_field)
                scale = _PARAMS_UNIT if name == "params" else 1.0
                group.set_bounds(None if low is None else low / scale,
                                 None if high is None else high / scale)
                group.set_active(low is not None or high is not None)
                active += low is not None or high is not None
        self.clear_all_button.setEnabled(active > 0)
        self.filters_button.setText(f"Filters ({active})" if active else "Filters")

    @Slot(object, bool)
    def _on_facet_toggled(self, value: Any, checked: bool) -> None:
        group = self.sender()
        if not isinstance(group, ListFacet):
            return
        name = group.name
        if name == "osi_approved":
            new = dataclasses.replace(self._filters, osi_approved=value if checked else None)
        else:
            current = list(getattr(self._filters, name))
            if checked and value not in current:
                current.append(value)
            elif not checked and value in current:
                current.remove(value)
            new = dataclasses.replace(self._filters, **{name: tuple(current)})
        self._change_filters(new)

    @Slot(object, object)
    def _on_range_changed(self, low: float | None, high: float | None) -> None:
        group = self.sender()
        if not isinstance(group, RangeFacet):
            return
        scale = _PARAMS_UNIT if group.name == "params" else 1.0
        low_field, high_field = _RANGE_FIELDS[group.name]
        self._change_filters(dataclasses.replace(
            self._filters, **{low_field: None if low is None else low * scale,
                              high_field: None if high is None else high * scale}))

    @Slot()
    def _on_clear_facet(self) -> None:
        group = self.sender()
        if not isinstance(group, FacetGroup):
            return
        filters = self._filters
        for field in _RANGE_FIELDS.get(group.name, (group.name,)):
            filters = filters.without(field)
        self._change_filters(filters)

    # -- status line -----------------------------------------------------------------------------

    def is_counting(self) -> bool:
        """Whether the facet counts shown are not yet those of the current search."""
        return self._facet_generation != self._generation.current()

    def is_idle(self) -> bool:
        """No search waiting for its pause and no count running (tests, screenshots)."""
        return not self._debounce.isActive() and not self.is_counting()

    def known_total(self) -> int | None:
        """How many releases match the current search, if known yet."""
        if self.model.is_complete():  # everything fitted in the pages loaded
            return self.model.rowCount()
        if self._facet_result is not None \
                and self._facet_generation == self._generation.current():
            return int(self._facet_result["total"])
        return None

    def _show_status(self) -> None:
        total = self.known_total()
        if total is None and self.is_counting():
            # The worker is counting; say so only if it takes a while (no flicker per keystroke).
            self._counting.start()
            return
        self._counting.stop()
        self.status.setText(self._status_text(total, failed=total is None))

    @Slot()
    def _on_counting(self) -> None:
        if self.known_total() is None and self.is_counting():
            self.status.setText(self._status_text(None))

    def _status_text(self, total: int | None, failed: bool = False) -> str:
        query = self.search_box.text().strip()
        if total is None:
            text = "Could not count the matches (see the log)" if failed else "Counting…"
        else:
            text = f"{total:,} release{'s' if total != 1 else ''}"
            if query:
                text += f" match “{query}”"
        active = sum(1 for name, _t, _k in FACET_LAYOUT if self._is_active(name))
        if active:
            text += f" · {active} filter{'s' if active != 1 else ''}"
        if self.model.sort_column() >= 0:
            title = self.model.headerData(self.model.sort_column(), Qt.Orientation.Horizontal)
            order = ("descending" if self.model.sort_order() == Qt.SortOrder.DescendingOrder
                     else "ascending")
            text += f" · sorted by {str(title).lower()}, {order}"
        return text

    def _is_active(self, name: str) -> bool:
        if name in _RANGE_FIELDS:
            return any(getattr(self._filters, f) is not None for f in _RANGE_FIELDS[name])
        return bool(self._chosen(name))

    # -- results ---------------------------------------------------------------------------------

    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        header = self.table.horizontalHeader()
        if not self.model.is_sortable(column):
            # Family and Source have no SQL sort: put the indicator back where it was.
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
            header.blockSignals(False)
            self.status.setToolTip("")
            return
        # The view has sorted the model by now (its slot was connected first).
        QTimer.singleShot(0, self._after_sort)

    @Slot()
    def _after_sort(self) -> None:
        self._restore_current()
        self._show_status()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        release_id = self.model.release_id(current.row())
        if release_id is not None and release_id != self._current_id:
            self._current_id = release_id
            self.current_release_changed.emit(release_id)

    @Slot()
    def _on_selection_changed(self) -> None:
        count = self.selected_count()
        self.compare_button.setEnabled(count > 0)
        self.compare_button.setText("Add to comparison" if count <= 1
                                    else f"Add {count:,} to comparison")

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        release_id = self.model.release_id(index.row())
        if release_id:
            self.release_activated.emit(release_id)

    @Slot()
    def _on_open_current(self) -> None:
        self._on_activated(self.table.currentIndex())

    @Slot()
    def _on_compare(self) -> None:
        ids = self.ids_for_comparison()
        if ids:
            self.compare_requested.emit(ids)

    @Slot()
    def _on_copy_ids(self) -> None:
        self._copy(self.selected_ids)

    @Slot()
    def _on_copy_names(self) -> None:
        self._copy(self.selected_names)

    def _copy(self, read: Callable[[], list[str]]) -> None:
        count = self.selected_count()
        if count > self.model.PAGE_SIZE:  # thousands of rows: read in one query, a moment
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            lines = read()
        finally:
            if count > self.model.PAGE_SIZE:
                QGuiApplication.restoreOverrideCursor()
        QGuiApplication.clipboard().setText("\n".join(lines))
        if count > 1:
            self.message.emit(f"Copied {len(lines):,} lines")

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self._select_row(index.row())
        count = self.selected_count()
        self.compare_action.setText("Add to &comparison" if count <= 1
                                    else f"Add {count:,} to &comparison")
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.compare_action)
        menu.addSeparator()
        menu.addAction(self.copy_name_action)
        menu.addAction(self.copy_id_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    @Slot()
    def _on_to_results(self) -> None:
        if self._debounce.isActive():
            self._run_search()
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid():
                self._select_row(0)

    @Slot(bool)
    def _on_filters_button(self, shown: bool) -> None:
        self.facet_panel.setVisible(shown)

    @Slot()
    def _on_filters_clicked(self) -> None:
        self._facets_auto = False

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._facets_auto:
            wanted = self.width() >= self.FACETS_AUTO_MIN_WIDTH
            if self.filters_button.isChecked() != wanted:
                self.filters_button.setChecked(wanted)


def merge_filter(filters: Filters, facet: Mapping[str, Any]) -> Filters:
    """``filters`` with a chart's filter merged in (see :meth:`SearchPanel.apply_filter`)."""
    values: dict[str, Any] = {}
    names = {f.name: f for f in dataclasses.fields(Filters)}
    for key, value in facet.items():
        if key == "osai_score_min":
            values["osai_min"] = None if value is None else float(value)
        elif key == "osai_score_max":
            high = None if value is None else float(value)
            values["osai_max"] = (high if high is None or high >= 1.0
                                  else math.nextafter(high, -math.inf))
        elif key in names:
            default = names[key].default
            if isinstance(default, tuple):
                items = value if isinstance(value, list | tuple | set) else [value]
                values[key] = tuple(NONE if v is None else v for v in items)
            else:
                values[key] = value
        else:
            log.warning("unknown search filter %r ignored", key)
    return dataclasses.replace(filters, **values)


__all__ = ["FACET_LAYOUT", "SearchPanel", "compute_facets", "merge_filter"]
