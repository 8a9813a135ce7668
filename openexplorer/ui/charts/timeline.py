"""The family timeline: release date against score, one line per family."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QWidget

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.
import pyqtgraph as pg

from openexplorer.analyses.compare import MEASURE_LABELS, parse_release_date
from openexplorer.ui.charts.common import (
    Chart,
    fit_legend,
    layout_legend,
    series_colors,
    style_plot,
)
from openexplorer.ui.theme import STATUS_COLORS, ChartColors, chart_colors

# -- family timeline ----------------------------------------------------------------------------


def date_timestamp(text: str | None) -> float | None:
    """Seconds since the epoch (UTC noon) of a release date, for a DateAxisItem."""
    day = parse_release_date(text)
    if day is None:
        return None
    return float(calendar.timegm(day.timetuple()) + 12 * 3600)


class TimelineChart(Chart):
    """Release date against score, one line per family; compared releases are ringed.

    Hovering a point shows the release; clicking it emits :attr:`release_clicked`.

    Signals:
        release_clicked(str): the id of the release whose point was clicked.
    """

    release_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None, *,
                 colors: ChartColors | None = None, footer: str | None = None) -> None:
        super().__init__(parent)
        self._fixed_colors = colors
        self._footer = footer
        self._timeline: dict[str, list[dict[str, Any]]] = {}
        self._measure = "osai"
        self._highlight: set[str] = set()
        self._notes: list[str] = []
        self.plot: pg.PlotItem | None = None
        self.legend: pg.LegendItem | None = None
        self.hover_items: list[pg.ScatterPlotItem] = []
        self.setMinimumSize(320, 240)

    def colors(self) -> ChartColors:
        return self._fixed_colors or chart_colors()

    def set_timeline(
        self,
        timeline: dict[str, list[dict[str, Any]]],
        *,
        measure: str = "osai",
        highlight: Sequence[str] = (),
        notes: Sequence[str] = (),
        footer: str | None = None,
    ) -> None:
        """``timeline`` is :func:`openexplorer.analyses.compare.family_timeline`'s result."""
        self._timeline = timeline
        self._measure = measure
        self._highlight = set(highlight)
        self._notes = list(notes)
        if footer is not None:
            self._footer = footer
        self.rebuild()

    def timeline(self) -> dict[str, list[dict[str, Any]]]:
        return self._timeline

    def notes(self) -> list[str]:
        """The notes shown under the chart (e.g. a family too crowded to plot), as set."""
        return list(self._notes)

    def point_tip(self, x: float = 0.0, y: float = 0.0, data: Any = None) -> str:
        """The hover text of a point: release, date, score."""
        if not isinstance(data, dict):
            return ""
        score = data["score"]
        figure = f"{score:.0f} %" if self._measure == "mof" else f"{score:.2f}"
        label = "MOF progress" if self._measure == "mof" else "Index score"
        text = (f"{data['name']}\n{data.get('family', '')} · released {data['release_date']}\n"
                f"{label}: {figure}")
        if data.get("provisional"):
            text += " (provisional, from Hub metadata)"
        if data["id"] in self._highlight:
            text += "\nIn this comparison"
        return text

    def rebuild(self) -> None:
        self.clear()
        self.hover_items = []
        colors = self.colors()
        self.setBackground(colors.background)
        self.ci.setContentsMargins(8, 8, 8, 8)
        date_axis = pg.DateAxisItem(orientation="bottom")
        plot = self.addPlot(row=0, col=0, axisItems={"bottom": date_axis})
        self.plot = plot
        style_plot(plot, colors)
        plot.showGrid(x=True, y=True, alpha=0.25)
        maximum = 100.0 if self._measure == "mof" else 1.0
        plot.setLabel("left", MEASURE_LABELS.get(self._measure, self._measure),
                      color=colors.foreground)
        plot.setTitle("Family timeline", color=colors.foreground, size="10pt")
        plot.setYRange(0, maximum * 1.05, padding=0)
        families = [(name, points) for name, points in self._timeline.items() if points]
        palette = series_colors(len(families), colors)
        legend = layout_legend(colors)
        self.legend = legend
        xs_all: list[float] = []
        ringed_x: list[float] = []
        ringed_y: list[float] = []
        background = QColor(colors.background)
        for (family, points), color in zip(families, palette, strict=True):
            xs, ys, data = [], [], []
            # Same-day releases in score order, so the line does not zigzag within a day.
            for point in sorted(points, key=lambda p: (date_timestamp(p["release_date"]) or 0,
                                                       p["score"])):
                x = date_timestamp(point["release_date"])
                if x is None:
                    continue
                xs.append(x)
                ys.append(point["score"])
                data.append({**point, "family": family})
                if point["id"] in self._highlight:
                    ringed_x.append(x)
                    ringed_y.append(point["score"])
            if not xs:
                continue
            xs_all.extend(xs)
            line = pg.PlotDataItem(
                xs, ys, pen=pg.mkPen(color, width=2), symbol="o", symbolSize=7,
                symbolBrush=pg.mkBrush(color), symbolPen=pg.mkPen(background, width=1),
                antialias=True, name=escape(family))
            plot.addItem(line)
            legend.addItem(line, escape(family))
            hover = pg.ScatterPlotItem(
                x=xs, y=ys, data=data, size=16, pen=None, brush=pg.mkBrush(0, 0, 0, 0),
                hoverable=True, hoverSize=13, hoverBrush=pg.mkBrush(color),
                hoverPen=pg.mkPen(colors.foreground, width=1.5), tip=self.point_tip)
            hover.sigClicked.connect(self._on_points_clicked)
            plot.addItem(hover)
            self.hover_items.append(hover)
        if ringed_x:
            rings = pg.ScatterPlotItem(x=ringed_x, y=ringed_y, size=15, symbol="o", brush=None,
                                       pen=pg.mkPen(colors.foreground, width=2))
            plot.addItem(rings)
            legend.addItem(rings, "in this comparison")
        if xs_all:
            span = max(max(xs_all) - min(xs_all), 86400 * 120.0)
            plot.setXRange(min(xs_all) - span * 0.05, max(xs_all) + span * 0.05, padding=0)
        else:
            now = dt.datetime.now(dt.UTC).timestamp()
            plot.setXRange(now - 86400 * 365 * 3, now, padding=0)
            message = pg.TextItem(
                "No dated scores for the families of these releases",
                color=STATUS_COLORS["unknown"], anchor=(0.5, 0.5))
            message.setPos(now - 86400 * 365 * 1.5, maximum * 0.5)
            plot.addItem(message)
        row = 1
        if families:
            self.addItem(legend, row=row, col=0)
            fit_legend(legend, self.width())
            row += 1
        for note in self._notes + ([self._footer] if self._footer else []):
            self.add_note(note, row=row, color=colors.foreground)
            row += 1

    def _on_points_clicked(self, _item: Any, points: Any, _event: Any = None) -> None:
        if len(points):
            data = points[0].data()
            if isinstance(data, dict) and data.get("id"):
                self.release_clicked.emit(data["id"])
