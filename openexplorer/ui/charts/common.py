"""What every chart shares: the offscreen application, colours that read on the chart's
background, the sources a figure cites, legends and notes laid out under the plots, grouped bars,
and the :class:`Chart` base class. Works headless: :func:`ensure_app` makes an offscreen
QApplication when none exists.

G2 (docs/tech-notes.md) — librsvg draws cosmetic bar outlines as huge blobs; bars have ``pen=None``.
pyqtgraph's own fixes (the SVG exporter, G1) are applied from :mod:`openexplorer.ui.patches`
when this module imports pyqtgraph.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  -- `import pyqtgraph` does not load it (G12)

from openexplorer import __version__
from openexplorer.core.sources import SOURCES
from openexplorer.ui import patches
from openexplorer.ui.theme import STATUS_COLORS, ChartColors, series_color

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

patches.fix_pyqtgraph_svg_exporter()


#: File types a chart can be exported to.
CHART_SUFFIXES = (".png", ".svg", ".pdf")
#: The size the CLI renders the comparison chart at (pixels at 96 dpi).
CHART_SIZE = (1200, 700)

#: Pixels per inch of a 96-dpi screen: the unit exported figures are laid out in.
SCREEN_DPI = 96.0
INCH_PER_MM = 1 / 25.4


# -- application and pyqtgraph set-up ------------------------------------------------------------


def ensure_app() -> QApplication:
    """The running QApplication, or a new offscreen one (for the command line and scripts).

    A new application uses the ``offscreen`` platform unless QT_QPA_PLATFORM says otherwise, so
    exporting never needs a display and never flashes a window.
    """
    app = QApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([sys.argv[0] if sys.argv else "openexplorer"])
    assert isinstance(app, QApplication)
    return app



# -- colours ----------------------------------------------------------------------------------


def _luminance(color: QColor) -> float:
    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(color.redF()) + 0.7152 * channel(color.greenF())
            + 0.0722 * channel(color.blueF()))


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(background: str | QColor) -> QColor:
    """Black or white, whichever reads better on ``background``."""
    bg = QColor(background)
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast(black, bg) >= contrast(white, bg) else white


def series_colors(count: int, colors: ChartColors) -> list[QColor]:
    """``count`` series colours from the theme, each visible on the chart background."""
    background = QColor(colors.background)
    light = background.lightness() >= 128
    out = []
    for index in range(count):
        color = series_color(index)
        if contrast(color, background) < 1.6:
            if light:
                color = color.darker(170)
            else:
                color = QColor(colors.foreground) if color.lightness() < 60 else color.lighter(160)
        out.append(color)
    return out


# -- sources and labels -----------------------------------------------------------------------


def comparison_sources(comparison: dict[str, Any]) -> list[str]:
    """Ids of every source the comparison's releases draw on (as the Markdown export cites)."""
    used: set[str] = {s.source for v in comparison["releases"] for s in v.sources}
    for view in comparison["releases"]:
        for cite in (view.mof.source, view.osai.source):
            if cite is not None and cite.source:
                used.add(cite.source)
    return sorted(s for s in used if s in SOURCES)


def figure_sources(comparison: dict[str, Any]) -> list[str]:
    """Ids of the sources behind the charted figures: the index, the MOT, the Hub if used."""
    used = set()
    for view in comparison["releases"]:
        for cite in (view.osai.source, view.mof.source):
            if cite is not None and cite.source in SOURCES:
                used.add(cite.source)
    order = ["osai", "mot", "hub"]
    return sorted(used, key=lambda s: (order.index(s) if s in order else 99, s))


def source_line(source_ids: Sequence[str], snapshot_date: str | None) -> str:
    """"Data snapshot 2026-11-26 · Sources: European Open Source AI Index (CC BY 4.0); …"."""
    parts = [f"{SOURCES[s].name}, {SOURCES[s].license.split(';')[0]}"
             for s in source_ids if s in SOURCES]
    text = f"Data snapshot {snapshot_date}" if snapshot_date else "Data snapshot date unknown"
    if parts:
        text += " · Sources: " + "; ".join(parts)
    return text + f" · OpenExplorer {__version__}"


def release_label(view: ReleaseView) -> str:
    return str(view.name or view.id)


def snapshot_of(comparison: dict[str, Any], snapshot_date: str | None) -> str | None:
    """The snapshot date to cite: the one given, else the comparison's own."""
    return snapshot_date or comparison.get("snapshot_date")


# -- bar charts -------------------------------------------------------------------------------


def layout_legend(colors: ChartColors) -> pg.LegendItem:
    """A frameless legend for a row of a chart's layout (not floating over a plot)."""
    legend = pg.LegendItem(labelTextColor=colors.foreground, labelTextSize="9pt", frame=False)
    # pyqtgraph makes legends ignore transformations so they keep their size over a zoomed
    # plot; in a layout that only stops them scaling with a 2× PNG or a report page.
    legend.setFlag(legend.GraphicsItemFlag.ItemIgnoresTransformations, False)
    return legend


def fit_legend(legend: pg.LegendItem | None, width: float) -> None:
    """Give a legend laid out under a chart as many columns as fit in ``width`` pixels."""
    if legend is None or not legend.items:
        return
    widths = [sample.boundingRect().width() + label.item.boundingRect().width() + 24
              for sample, label in legend.items]

    def needed(columns: int) -> float:  # the legend fills rows left to right
        return sum(max(widths[c::columns]) for c in range(columns))

    columns = 1
    while columns < len(widths) and needed(columns + 1) <= width - 16:
        columns += 1
    if columns != legend.columnCount:
        legend.setColumnCount(columns)
    rows = -(-len(legend.items) // columns)
    legend.setMinimumHeight(22 * rows + 6)
    legend.setMaximumHeight(22 * rows + 6)


def style_plot(plot: pg.PlotItem, colors: ChartColors) -> None:
    """Axes and grid in the chart's colours; no mouse interaction, no pyqtgraph buttons."""
    fg = QColor(colors.foreground)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(colors.grid))
        axis.setTextPen(pg.mkPen(fg))
    plot.showGrid(x=False, y=True, alpha=0.35)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


def value_text(value: float | None, maximum: float) -> str:
    """A bar's value as written on it: "75 %" on a percentage scale, "0.62" on 0–1."""
    if value is None:
        return "n/a"
    return f"{value:.0f} %" if maximum > 1 else f"{value:.2f}"


def draw_grouped_bars(
    plot: pg.PlotItem,
    series: dict[str, Any],
    names: Sequence[str],
    palette: Sequence[QColor],
    colors: ChartColors,
    *,
    value_labels: bool = True,
) -> list[pg.BarGraphItem]:
    """Grouped bars: one group per category, one bar (and legend entry) per release.

    ``series`` is one entry of :func:`openexplorer.analyses.compare.score_series`. Missing values get a
    grey "n/a" where their bar would be, so a 0 is never mistaken for "not assessed".
    """
    categories = series["categories"]
    values = series["values"]
    maximum = float(series["maximum"])
    count = max(len(names), 1)
    group = 0.8
    width = group / count
    font = QFont()
    font.setPointSizeF(8.5 if count <= 4 else 7.5 if count <= 6 else 6.5)
    items = []
    any_value = any(v is not None for row in values for v in row)
    style_plot(plot, colors)
    for j, (name, row) in enumerate(zip(names, values, strict=True)):
        xs = [i - group / 2 + width * (j + 0.5) for i in range(len(categories))]
        shown = [(x, v) for x, v in zip(xs, row, strict=True) if v is not None]
        bars = pg.BarGraphItem(
            x=[x for x, _ in shown] or [0.0], height=[v for _, v in shown] or [0.0],
            width=width * 0.88, brush=pg.mkBrush(palette[j]), pen=None, name=name,
        )
        if not shown:
            bars.setOpacity(0.0 if any_value else 1.0)
        plot.addItem(bars)
        items.append(bars)
        if not (value_labels and any_value):
            continue
        inside = text_color_on(palette[j])
        for x, value in zip(xs, row, strict=True):
            # Tall bars carry their value inside the top, short ones just above: no headroom
            # to guess, whatever the chart's height.
            tall = value is not None and value >= maximum * 0.5
            if value is None:
                ink = QColor(STATUS_COLORS["unknown"])
            else:
                ink = inside if tall else QColor(colors.foreground)
            label = pg.TextItem(value_text(value, maximum), color=ink,
                                anchor=(1, 0.5) if tall else (0, 0.5), angle=90)
            label.setFont(font)
            label.setPos(x, (value or 0.0) + maximum * (-0.01 if tall else 0.015))
            # The ranges are set below: a label's bounds would only have pyqtgraph work out
            # the auto range again at each of the 64 labels.
            plot.addItem(label, ignoreBounds=True)
    axis = plot.getAxis("bottom")
    axis.setTicks([[(i, label) for i, (_, label) in enumerate(categories)], []])
    left = plot.getAxis("left")
    step = maximum / 4
    # Grid lines of our own: with the axis grid on, pyqtgraph clips the "0" label at the bottom.
    plot.showGrid(x=False, y=False)
    for k in range(1, 5):
        line = pg.InfiniteLine(pos=step * k, angle=0, movable=False,
                               pen=pg.mkPen(QColor(colors.grid), width=1))
        line.setZValue(-10)
        plot.addItem(line, ignoreBounds=True)
    left.setTicks([[(step * k, value_text(step * k, maximum).replace(" %", ""))
                    for k in range(5)], []])
    plot.setLabel("left", series["unit"], color=colors.foreground)
    plot.setTitle(series["title"], color=colors.foreground, size="10pt")
    plot.setXRange(-0.5, len(categories) - 0.5, padding=0.02)
    plot.setYRange(0, maximum * 1.05, padding=0)
    if not any_value:
        message = pg.TextItem(
            "No assessment from this framework\nfor the releases compared",
            color=STATUS_COLORS["unknown"], anchor=(0.5, 0.5))
        message.setPos((len(categories) - 1) / 2, maximum * 0.55)
        plot.addItem(message, ignoreBounds=True)
    return items


class WrappedLabel(pg.LabelItem):
    """A LabelItem that wraps its text to the width it is given instead of widening the
    layout (a long note would push the plots out of the view)."""

    def set_wrap_width(self, width: float) -> None:
        self.item.setTextWidth(max(width, 60.0))
        self.updateMin()

    def updateMin(self) -> None:  # noqa: N802
        super().updateMin()
        height = self.itemRect().height()
        self.setMinimumWidth(0)
        self._sizeHint[Qt.SizeHint.MinimumSize] = (0, height)
        self._sizeHint[Qt.SizeHint.PreferredSize] = (0, height)
        self.setMaximumHeight(height)
        self.updateGeometry()


class Chart(pg.GraphicsLayoutWidget):
    """A chart whose legend and notes sit under the plots, wrapped to the chart's width."""

    legend: pg.LegendItem | None = None

    def __init__(self, parent: QWidget | None = None) -> None:
        self._notes_items: list[WrappedLabel] = []
        super().__init__(parent)

    def add_note(self, text: str, row: int, col: int = 0, colspan: int = 1, *,
                 size: str = "8pt", color: str | None = None) -> WrappedLabel:
        """A wrapping line of plain text under the plots."""
        label = WrappedLabel(escape(text), size=size, color=color, justify="left")
        self.addItem(label, row=row, col=col, colspan=colspan)
        self._notes_items.append(label)
        label.set_wrap_width(self.width() - 24)
        return label

    def _fit(self, width: float) -> None:
        if self.legend is not None and isValid(self.legend):
            fit_legend(self.legend, width)
        for label in self._notes_items:
            if isValid(label):
                label.set_wrap_width(width - 24)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        # pyqtgraph calls resizeEvent(None) itself while it sets up.
        self._fit(event.size().width() if event is not None else self.width())
        super().resizeEvent(event)

    def clear(self) -> None:
        self.legend = None
        self._notes_items = []
        super().clear()

    def close(self) -> bool:
        self.legend = None  # pyqtgraph's close() deletes the items, then resizes the view
        self._notes_items = []
        return bool(super().close())
