"""The European Open Source AI Index's group scores and total as a pyqtgraph bar chart.

Apart from :mod:`openexplorer.ui.breakdown_charts` because it is the release page's only
pyqtgraph widget: pyqtgraph is imported when the first release with index scores is
shown, not when the app starts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize
from PySide6.QtGui import QFontMetrics, QWheelEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from openexplorer.frameworks import osai
from openexplorer.ui import theme

if TYPE_CHECKING:
    from openexplorer.views.model import OsaiView


class IndexScoreChart(pg.PlotWidget):
    """Horizontal bars: the index's three group scores and the total, on its 0–1 scale."""

    BAR_HEIGHT = 0.62

    def __init__(self, parent: QWidget | None = None) -> None:
        self._ready = False  # PlotWidget's constructor already sends palette events
        super().__init__(parent)
        self._rows: list[tuple[str, float | None]] = []
        self._labels: list[pg.TextItem] = []
        self._bars: pg.BarGraphItem | None = None
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(False, False)
        item.invertY(True)
        item.showGrid(x=True, y=False, alpha=0.35)
        item.getAxis("bottom").setTicks([[(v, f"{v:g}") for v in (0, 0.25, 0.5, 0.75, 1)], []])
        self.setMinimumHeight(150)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Index group scores")
        self._ready = True
        self._apply_colors()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(420, 160)

    def set_osai(self, view_osai: OsaiView | None) -> None:
        groups = view_osai.groups if view_osai else {}
        rows: list[tuple[str, float | None]] = [(g.name, groups.get(g.ref)) for g in osai.GROUPS]
        rows.append(("Total", view_osai.score if view_osai else None))
        self._rows = rows
        self.setAccessibleDescription("; ".join(
            f"{name} {'–' if v is None else f'{v:.2f}'}" for name, v in rows))
        self._render()

    def values(self) -> list[tuple[str, float | None]]:
        return list(self._rows)

    def _apply_colors(self) -> None:
        colors = theme.chart_colors()
        self.setBackground(colors.background)
        for name in ("left", "bottom"):
            axis = self.getPlotItem().getAxis(name)
            axis.setPen(pg.mkPen(colors.grid))
            axis.setTextPen(pg.mkPen(colors.foreground))

    def _render(self) -> None:
        item = self.getPlotItem()
        if self._bars is not None:
            item.removeItem(self._bars)
            self._bars = None
        for label in self._labels:
            item.removeItem(label)
        self._labels = []
        colors = theme.chart_colors()
        n = len(self._rows)
        # The total sits a little apart from the groups.
        ys = [i + (0.35 if name == "Total" else 0) for i, (name, _) in enumerate(self._rows)]
        widths = [v or 0.0 for _, v in self._rows]
        group_color, total_color = theme.series_color(0), theme.series_color(4)
        if theme.is_dark():
            group_color, total_color = theme.series_color(4), theme.series_color(0).lighter(120)
        brushes = [pg.mkBrush(total_color if name == "Total" else group_color)
                   for name, _ in self._rows]
        if n:
            self._bars = pg.BarGraphItem(x0=[0] * n, y=ys, height=self.BAR_HEIGHT,
                                         width=widths, brushes=brushes, pen=None)
            item.addItem(self._bars)
        for y, (_, value) in zip(ys, self._rows, strict=True):
            label = pg.TextItem("–" if value is None else f"{value:.2f}",
                                color=colors.foreground, anchor=(0, 0.5))
            label.setPos((value or 0.0) + 0.015, y)
            item.addItem(label)
            self._labels.append(label)
        left = item.getAxis("left")
        left.setTicks([[(y, name) for y, (name, _) in zip(ys, self._rows, strict=True)], []])
        # A fixed width that fits the longest name: pyqtgraph widens the axis only on a later
        # paint, and an export taken before that would drop the labels that do not fit.
        fm = QFontMetrics(left.style.get("tickFont") or self.font())
        left.setWidth(max([fm.horizontalAdvance(name) for name, _ in self._rows] + [0]) + 18)
        item.setXRange(-0.015, 1.14, padding=0)
        item.setYRange(-0.55, (ys[-1] if ys else 0) + 0.55, padding=0)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in theme.PALETTE_EVENTS and getattr(self, "_ready", False):
            self._apply_colors()
            self._render()
        super().changeEvent(event)

    def wheelEvent(self, ev: QWheelEvent) -> None:  # noqa: N802
        ev.ignore()  # a static chart: let the page scroll
