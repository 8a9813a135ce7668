"""How the results table paints its openness columns: :class:`OpennessBarDelegate` draws the MOF
column (three tiny bars for Class III / II / I progress), the Index column (a bar of the score)
and the OSAID column (a status dot), in the theme's status colours, each look drawn once and
kept.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from openexplorer.ui.results_model import (
    BAR_ROLE,
    ResultsModel,
    progress_status,
    score_status,
)
from openexplorer.ui.theme import STATUS_COLORS

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex



class OpennessBarDelegate(QStyledItemDelegate):
    """Paints the MOF, Index and OSAID cells: tiny progress bars and a status dot.

    Cells without :data:`BAR_ROLE` data are painted as plain text. Colours: the theme's status
    colours for the fills; the tracks are the text colour, faint, so they read on light, dark and
    selected rows alike.
    """

    BAR_HEIGHT = 6
    MOF_BAR_WIDTH = 16
    GAP = 3
    PAD = 6
    #: Pixmaps of painted cells kept (a cell's look: its bars, text, size, colours and font).
    PIXMAPS_KEPT = 2000

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pixmaps: dict[tuple[Any, ...], QPixmap] = {}
        self._font, self._font_key = QFont(), QFont().key()

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: _Index) -> None:
        model = index.model()
        if isinstance(model, ResultsModel):  # straight from the model's cell cache
            cell = model.cell(index.row(), index.column())
            bar, text = (cell[1], cell[0]) if cell is not None else (None, "")
        else:
            bar, text = index.data(BAR_ROLE), None
        if not bar:
            super().paint(painter, option, index)
            return
        if text is None:
            text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        # Not initStyleOption (it asks the model for every role): the view's option has the
        # state, palette, font and features the panel and the bars need.
        # The view leaves the option's text empty (the delegate fills it in initStyleOption), so
        # the option is used as it is: no copy per cell.
        opt = option if not option.text else QStyleOptionViewItem(option)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        state = opt.state  # ("in", not "&": a third of the cost with PySide's enums)
        selected = QStyle.StateFlag.State_Selected in state
        group = (QPalette.ColorGroup.Normal if QStyle.StateFlag.State_Enabled in state
                 else QPalette.ColorGroup.Disabled)
        fg = opt.palette.color(group, QPalette.ColorRole.HighlightedText if selected
                               else QPalette.ColorRole.Text)
        # The bars and their text are drawn once per look and kept as a pixmap: the same few
        # looks repeat down a table of a million rows, and a scroll frame repaints every cell.
        device = painter.device()
        ratio = device.devicePixelRatioF() if device else 1.0
        rect = opt.rect
        size = rect.size()
        if opt.font != self._font:  # QFont.key() builds a string: once per font
            self._font, self._font_key = QFont(opt.font), opt.font.key()
        key = (bar, text, size.width(), size.height(), fg.rgba(), self._font_key, ratio,
               tuple(STATUS_COLORS.values()))
        pixmap = self._pixmaps.get(key)
        if pixmap is None:
            pixmap = QPixmap(max(1, round(size.width() * ratio)),
                             max(1, round(size.height() * ratio)))
            pixmap.setDevicePixelRatio(ratio)
            pixmap.fill(Qt.GlobalColor.transparent)
            local = QStyleOptionViewItem(opt)
            local.rect = QRect(0, 0, size.width(), size.height())
            target = QPainter(pixmap)
            target.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            area = local.rect.adjusted(self.PAD, 0, -self.PAD, 0)
            if bar[0] == "mof":
                self._paint_mof(target, local, area, bar, fg)
            elif bar[0] == "osai":
                self._paint_osai(target, local, area, bar, fg, text)
            else:
                self._paint_dot(target, local, area, bar, fg, text)
            target.end()
            if len(self._pixmaps) >= self.PIXMAPS_KEPT:
                self._pixmaps.clear()
            self._pixmaps[key] = pixmap
        painter.drawPixmap(rect.topLeft(), pixmap)

    def _track(self, fg: QColor) -> QColor:
        track = QColor(fg)
        track.setAlpha(55)
        return track

    def _fill(self, status: str, provisional: bool) -> QColor:
        color = QColor(STATUS_COLORS.get(status, STATUS_COLORS["unknown"]))
        if provisional:
            color.setAlpha(150)
        return color

    def _bar_rect(self, x: float, rect: Any, width: float) -> QRectF:
        y = rect.center().y() - self.BAR_HEIGHT / 2 + 1
        return QRectF(x, y, width, self.BAR_HEIGHT)

    def _paint_bar(self, painter: QPainter, area: QRectF, fraction: float, fill: QColor,
                   track: QColor) -> None:
        radius = self.BAR_HEIGHT / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRoundedRect(area, radius, radius)
        fraction = max(0.0, min(1.0, fraction))
        if fraction > 0:
            filled = QRectF(area)
            filled.setWidth(max(area.height(), area.width() * fraction))
            painter.setBrush(fill)
            painter.drawRoundedRect(filled, radius, radius)

    def _paint_mof(self, painter: QPainter, opt: QStyleOptionViewItem, rect: Any,
                   bar: tuple[Any, ...], fg: QColor) -> None:
        _kind, mof_class, iii, ii, i, provisional = bar
        metrics = opt.fontMetrics
        label_width = metrics.horizontalAdvance("III") + self.PAD
        font = QFont(opt.font)
        if provisional:
            font.setItalic(True)
        painter.setFont(font)
        painter.setPen(fg)
        painter.drawText(rect.adjusted(0, 0, 0, 0),
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                         mof_class or "–")
        track = self._track(fg)
        available = rect.width() - label_width
        width = max(6.0, min(float(self.MOF_BAR_WIDTH), (available - 2 * self.GAP) / 3))
        x = float(rect.left() + label_width)
        for progress in (iii, ii, i):
            self._paint_bar(painter, self._bar_rect(x, rect, width), progress / 100.0,
                            self._fill(progress_status(progress), provisional), track)
            x += width + self.GAP

    def _paint_osai(self, painter: QPainter, opt: QStyleOptionViewItem, rect: Any,
                    bar: tuple[Any, ...], fg: QColor, text: str) -> None:
        _kind, score, provisional = bar
        metrics = opt.fontMetrics
        text_width = metrics.horizontalAdvance("0.00")
        font = QFont(opt.font)
        if provisional:
            font.setItalic(True)
        painter.setFont(font)
        painter.setPen(fg)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         text)
        width = rect.width() - text_width - self.PAD
        if width >= 12:
            self._paint_bar(painter, self._bar_rect(float(rect.left()), rect, float(width)),
                            score, self._fill(score_status(score), provisional),
                            self._track(fg))

    def _paint_dot(self, painter: QPainter, opt: QStyleOptionViewItem, rect: Any,
                   bar: tuple[Any, ...], fg: QColor, text: str) -> None:
        size = 8.0
        y = rect.center().y() - size / 2 + 1
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self._fill(bar[1], False))
        painter.drawEllipse(QRectF(rect.left(), y, size, size))
        painter.setPen(fg)
        painter.setFont(opt.font)
        text_rect = rect.adjusted(int(size) + self.PAD, 0, 0, 0)
        elided = opt.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())
        painter.drawText(text_rect,
                         int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided)

    def sizeHint(self, option: QStyleOptionViewItem, index: _Index) -> QSize:  # noqa: N802
        hint = super().sizeHint(option, index)
        bar = index.data(BAR_ROLE)
        if bar and bar[0] == "mof":
            width = (option.fontMetrics.horizontalAdvance("III") + 3 * self.PAD
                     + 3 * self.MOF_BAR_WIDTH + 2 * self.GAP)
            return QSize(max(hint.width(), width), hint.height())
        if bar and bar[0] == "osai":
            return QSize(max(hint.width(), option.fontMetrics.horizontalAdvance("0.00") + 80),
                         hint.height())
        return hint


__all__ = ["OpennessBarDelegate"]
