"""The facet column's widgets: a list of values with counts (:class:`ListFacet`, one
:class:`FacetCheck` per value) and a range between two bounds (:class:`RangeFacet`), each in a
foldable :class:`FacetGroup` with a clear button. The search panel builds one per row of the facet
table (:data:`openexplorer.search.facets.FACET_TABLE`).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QPoint,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QPainter,
    QPaintEvent,
    QPalette,
    QValidator,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

#: Values shown before "Show more".
_COLLAPSED_VALUES = 6


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

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
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


__all__ = ["FacetCheck", "FacetGroup", "ListFacet", "RangeFacet"]
