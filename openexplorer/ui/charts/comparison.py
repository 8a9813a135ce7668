"""The comparison's chart: grouped bars of index group scores and MOF class progress."""

from __future__ import annotations

from html import escape
from typing import Any

from PySide6.QtWidgets import QWidget

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.
import pyqtgraph as pg

from openexplorer.analyses.compare import score_series
from openexplorer.ui.charts.common import (
    Chart,
    draw_grouped_bars,
    figure_sources,
    fit_legend,
    layout_legend,
    release_label,
    series_colors,
    snapshot_of,
    source_line,
)
from openexplorer.ui.theme import ChartColors, chart_colors


class ComparisonChart(Chart):
    """The comparison's grouped bars: index group scores and MOF class progress per release.

    ``title`` and ``footer`` add a heading and the snapshot date with the sources (for export);
    ``vertical`` stacks the two plots instead of putting them side by side.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        colors: ChartColors | None = None,
        title: bool = False,
        footer: bool = False,
        vertical: bool = False,
    ) -> None:
        super().__init__(parent)
        self._fixed_colors = colors
        self._title = title
        self._footer = footer
        self._vertical = vertical
        self._comparison: dict[str, Any] | None = None
        self._snapshot_date: str | None = None
        self.osai_plot: pg.PlotItem | None = None
        self.mof_plot: pg.PlotItem | None = None
        self.legend: pg.LegendItem | None = None
        self.bars: dict[str, list[pg.BarGraphItem]] = {}
        self.setMinimumSize(320, 240)

    def colors(self) -> ChartColors:
        return self._fixed_colors or chart_colors()

    def set_comparison(self, comparison: dict[str, Any] | None,
                       snapshot_date: str | None = None) -> None:
        self._comparison = comparison
        self._snapshot_date = snapshot_date
        self.rebuild()

    def rebuild(self) -> None:
        """Draw again (after a theme change, or new data)."""
        self.clear()
        colors = self.colors()
        self.setBackground(colors.background)
        self.bars = {}
        comparison = self._comparison
        if not comparison or not comparison.get("releases"):
            self.osai_plot = self.mof_plot = self.legend = None
            return
        views = comparison["releases"]
        names = [release_label(v) for v in views]
        palette = series_colors(len(names), colors)
        series = score_series(comparison)
        layout = self.ci
        layout.setContentsMargins(8, 8, 8, 8)
        row = 0
        if self._title:
            title = "Openness comparison: " + ", ".join(names)
            if len(title) > 100:
                title = f"Openness comparison of {len(names)} releases"
            self.addLabel(escape(title), row=row, col=0, colspan=2, size="13pt", bold=True,
                          color=colors.foreground)
            row += 1
        self.osai_plot = self.addPlot(row=row, col=0)
        if self._vertical:
            row += 1
            self.mof_plot = self.addPlot(row=row, col=0)
        else:
            self.mof_plot = self.addPlot(row=row, col=1)
        row += 1
        self.bars["osai"] = draw_grouped_bars(self.osai_plot, series["osai"], names, palette,
                                              colors)
        self.bars["mof"] = draw_grouped_bars(self.mof_plot, series["mof"], names, palette,
                                             colors)
        columns = 1 if self._vertical else 2
        self.legend = layout_legend(colors)
        for item, name in zip(self.bars["osai"], names, strict=True):
            self.legend.addItem(item, escape(name))
        self.addItem(self.legend, row=row, col=0, colspan=columns)
        fit_legend(self.legend, self.width())
        row += 1
        if self._footer:
            text = source_line(figure_sources(comparison),
                               snapshot_of(comparison, self._snapshot_date))
            self.add_note(text, row=row, colspan=columns, color=colors.foreground)
