"""Charts of a comparison, and exporting them as PNG, SVG or PDF, with or without a display.

Used by the compare view and by ``openexplorer compare --chart FILE``. Everything here works
headless: :func:`ensure_app` makes an offscreen QApplication when none exists.

Two pyqtgraph traps are handled here (TECH-NOTES.md):

* G1 — pyqtgraph 0.14's SVGExporter fails on the ``Z`` (close path) that QtSvg ≥ 6.11 writes;
  :func:`patch_svg_exporter` teaches its coordinate fix-up to keep ``Z`` where it was. (Charts
  are now written as SVG through QSvgGenerator, :func:`export_widget`; the patch stays for any
  other use of that exporter.)
* G2 — librsvg draws cosmetic bar outlines as huge blobs; bars have ``pen=None``.

Every exported figure states the data snapshot date and the sources it draws on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib
import logging
import os
import re
import sys
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QIODevice,
    QMarginsF,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QPageLayout,
    QPageSize,
    QPaintDevice,
    QPainter,
    QPdfWriter,
    QTextDocument,
)
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget
from shiboken6 import isValid

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  -- `import pyqtgraph` does not load it (G12)

from openexplorer import __version__
from openexplorer.analyses.compare import MEASURE_LABELS, parse_release_date, score_series
from openexplorer.core.sources import SOURCES
from openexplorer.ui.theme import (
    LIGHT_CHART,
    STATUS_COLORS,
    STATUS_LABELS,
    ChartColors,
    chart_colors,
    series_color,
)

log = logging.getLogger(__name__)

#: File types a chart can be exported to.
CHART_SUFFIXES = (".png", ".svg", ".pdf")
#: The size the CLI renders the comparison chart at (pixels at 96 dpi).
CHART_SIZE = (1200, 700)

_SCREEN_DPI = 96.0
_MM = 1 / 25.4  # inches


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


_CLOSE = re.compile(r"^[Zz]$")
_CLOSE_WITH_COORDS = re.compile(r"Z[-+0-9.eE,]*")


def patch_svg_exporter() -> None:
    """Make pyqtgraph 0.14's SVGExporter work with QtSvg ≥ 6.11 (TECH-NOTES G1; idempotent).

    Qt now closes paths with a ``Z`` token, which pyqtgraph's ``correctCoordinates`` tries to
    split into ``x,y`` (pyqtgraph issue #3495, fixed upstream by PR #3458, not released). The
    wrapper turns each ``Z`` into ``Z0,0`` so it survives the coordinate rewrite in place, then
    strips the dummy coordinates again. Fixed pyqtgraph versions never see a bare ``Z`` token
    here, so the wrapper is harmless there.
    """
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates
    if getattr(original, "_openexplorer_patched", False):
        return

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        touched = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if any(_CLOSE.match(t) for t in tokens):
                path.setAttribute("d", " ".join("Z0,0" if _CLOSE.match(t) else t
                                                for t in tokens))
                touched.append(path)
        try:
            return original(node, defs, item, options)
        finally:
            for path in touched:
                path.setAttribute("d", _CLOSE_WITH_COORDS.sub("Z", path.getAttribute("d")))

    correct_coordinates._openexplorer_patched = True  # type: ignore[attr-defined]
    module.correctCoordinates = correct_coordinates


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
    used = {s["source"] for v in comparison["releases"] for s in v.get("sources") or []}
    for view in comparison["releases"]:
        for part in ("mof", "osai"):
            source = (view[part].get("source") or {}).get("source")
            if source:
                used.add(source)
    return sorted(s for s in used if s in SOURCES)


def figure_sources(comparison: dict[str, Any]) -> list[str]:
    """Ids of the sources behind the charted figures: the index, the MOT, the Hub if used."""
    used = set()
    for view in comparison["releases"]:
        for part in ("osai", "mof"):
            source = (view[part].get("source") or {}).get("source")
            if source in SOURCES:
                used.add(source)
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


def release_label(view: dict[str, Any]) -> str:
    return str(view.get("name") or view.get("id"))


def _snapshot(comparison: dict[str, Any], snapshot_date: str | None) -> str | None:
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


def _style_plot(plot: pg.PlotItem, colors: ChartColors) -> None:
    fg = QColor(colors.foreground)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setPen(pg.mkPen(colors.grid))
        axis.setTextPen(pg.mkPen(fg))
    plot.showGrid(x=False, y=True, alpha=0.35)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()


def _value_text(value: float | None, maximum: float) -> str:
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
    _style_plot(plot, colors)
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
            label = pg.TextItem(_value_text(value, maximum), color=ink,
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
    left.setTicks([[(step * k, _value_text(step * k, maximum).replace(" %", ""))
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


class _Chart(pg.GraphicsLayoutWidget):
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


class ComparisonChart(_Chart):
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
        patch_svg_exporter()
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
                               _snapshot(comparison, self._snapshot_date))
            self.add_note(text, row=row, colspan=columns, color=colors.foreground)


# -- family timeline ----------------------------------------------------------------------------


def date_timestamp(text: str | None) -> float | None:
    """Seconds since the epoch (UTC noon) of a release date, for a DateAxisItem."""
    day = parse_release_date(text)
    if day is None:
        return None
    return float(calendar.timegm(day.timetuple()) + 12 * 3600)


class TimelineChart(_Chart):
    """Release date against score, one line per family; compared releases are ringed.

    Hovering a point shows the release; clicking it emits :attr:`release_clicked`.

    Signals:
        release_clicked(str): the id of the release whose point was clicked.
    """

    release_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None, *,
                 colors: ChartColors | None = None, footer: str | None = None) -> None:
        super().__init__(parent)
        patch_svg_exporter()
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
        _style_plot(plot, colors)
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


# -- exporting ----------------------------------------------------------------------------------


def lay_out(widget: QWidget, size: tuple[int, int] | QSize | None = None) -> None:
    """Give a widget its final geometry before it is exported (G12).

    A widget that is not on screen is shown with WA_DontShowOnScreen: it gets a real layout
    pass but never appears as a window.
    """
    ensure_app()
    if size is not None:
        widget.resize(size if isinstance(size, QSize) else QSize(*size))
    if not widget.isVisible():
        widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        widget.show()
    for _ in range(3):
        QApplication.processEvents()


def _check_suffix(path: Path, allowed: Sequence[str] = CHART_SUFFIXES) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"{path.name}: export as {', '.join(allowed)}")
    return suffix


def _background(widget: QWidget) -> QColor:
    if isinstance(widget, pg.GraphicsView):
        return widget.backgroundBrush().color()
    return widget.palette().color(widget.backgroundRole())


def _render_widget(widget: QWidget, painter: QPainter, target: QRectF) -> None:
    """Paint ``widget`` into ``target`` as vectors where possible (scene for pyqtgraph)."""
    painter.save()
    try:
        painter.fillRect(target, _background(widget))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if isinstance(widget, pg.GraphicsView):
            scene = widget.scene()
            source = widget.viewportTransform().inverted()[0].mapRect(QRectF(widget.rect()))
            scene.render(painter, target, source)
        else:
            scale = target.width() / max(widget.width(), 1)
            painter.translate(target.topLeft())
            painter.scale(scale, scale)
            widget.render(painter, QPoint())
    finally:
        painter.restore()


_EMPTY_GROUP = re.compile(r"<g\b[^>]*>\s*</g>\s*")


def tidy_svg(text: str) -> str:
    """QSvgGenerator's output without the empty groups it writes at every change of pen, brush
    or transform that draws nothing (most of its groups, for a chart)."""
    while True:
        tidied = _EMPTY_GROUP.sub("", text)
        if tidied == text:
            return text
        text = tidied


def _export_scene_svg(view: pg.GraphicsView, path: Path, width: int, height: int) -> None:
    """A pyqtgraph view as SVG: its scene painted through QSvgGenerator (C++), SVG 1.1 for
    the clip paths, the items in pyqtgraph's export mode (vector points, no hover buttons).

    pyqtgraph's own SVGExporter builds the same drawing item by item and rewrites its XML in
    Python (minidom), about ten times slower; the bars, text and axes come out alike.
    """
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator(QSvgGenerator.SvgVersion.Svg11)
    generator.setOutputDevice(buffer)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRect(0, 0, width, height))
    generator.setResolution(int(_SCREEN_DPI))
    generator.setTitle(view.windowTitle() or "OpenExplorer chart")
    generator.setDescription(f"OpenExplorer {__version__}")
    painter = QPainter(generator)
    items = [item for item in view.scene().items() if hasattr(item, "setExportMode")]
    try:
        for item in items:
            item.setExportMode(True, {"painter": painter, "antialias": True})
        _render_widget(view, painter, QRectF(0, 0, width, height))
    finally:
        for item in items:
            item.setExportMode(False)
        painter.end()
    text = tidy_svg(bytes(buffer.data().data()).decode("utf-8"))
    path.write_text(text, encoding="utf-8")


def export_widget(widget: QWidget, path: str | Path, *, scale: float = 1.0) -> Path:
    """Export a chart (any widget) as PNG, SVG or PDF, chosen by ``path``'s suffix.

    pyqtgraph views go through pyqtgraph's ImageExporter (PNG) or have their scene painted
    through QSvgGenerator (:func:`_export_scene_svg`); other widgets are grabbed (PNG) or painted
    through QSvgGenerator at the widget's resolution. PDF: one page the size of the widget, drawn
    as vectors. ``scale`` enlarges PNGs.
    """
    path = Path(path)
    suffix = _check_suffix(path)
    lay_out(widget)
    width, height = max(widget.width(), 1), max(widget.height(), 1)
    if suffix == ".png":
        if isinstance(widget, pg.GraphicsView):
            exporter = pg.exporters.ImageExporter(widget.scene())
            exporter.parameters()["width"] = int(round(width * scale))
            image = exporter.export(toBytes=True)
        else:
            image = widget.grab().toImage()
            if scale != 1.0:
                image = image.scaledToWidth(int(width * scale),
                                            Qt.TransformationMode.SmoothTransformation)
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    elif suffix == ".svg":
        if isinstance(widget, pg.GraphicsView):
            _export_scene_svg(widget, path, width, height)
        else:
            generator = QSvgGenerator()
            generator.setFileName(str(path))
            generator.setSize(QSize(width, height))
            generator.setViewBox(QRect(0, 0, width, height))
            generator.setResolution(widget.logicalDpiX())  # else bars shift (TECH-NOTES §2)
            generator.setTitle(widget.windowTitle() or "OpenExplorer chart")
            painter = QPainter(generator)
            try:
                widget.render(painter, QPoint())
            finally:
                painter.end()
        if not path.is_file():
            raise OSError(f"could not write {path}")
    else:
        writer = QPdfWriter(str(path))
        writer.setCreator(f"OpenExplorer {__version__}")
        writer.setTitle(widget.windowTitle() or "OpenExplorer chart")
        writer.setResolution(int(_SCREEN_DPI))
        page_size = QPageSize(QSizeF(width * 72 / _SCREEN_DPI, height * 72 / _SCREEN_DPI),
                              QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
        writer.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait,
                                         QMarginsF()))
        painter = QPainter(writer)
        try:
            _render_widget(widget, painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
    return path


def export_comparison_chart(
    comparison: dict[str, Any],
    path: str | Path,
    *,
    size: tuple[int, int] = CHART_SIZE,
    snapshot_date: str | None = None,
    scale: float = 1.0,
    colors: ChartColors = LIGHT_CHART,
) -> Path:
    """Write the comparison chart: PNG or SVG of the grouped bars, or a one-page PDF report.

    The chart has a title, the index group scores and MOF class progress of each release, a
    legend, and a footer with the data snapshot date and the sources. A ``.pdf`` gets the whole
    comparison (:func:`export_comparison_report`). Works without a display.
    """
    path = Path(path)
    suffix = _check_suffix(path)
    ensure_app()
    if suffix == ".pdf":
        return export_comparison_report(comparison, path, snapshot_date=snapshot_date)
    chart = ComparisonChart(colors=colors, title=True, footer=True)
    try:
        chart.set_comparison(comparison, snapshot_date=snapshot_date)
        chart.setWindowTitle("Openness comparison")
        # Laid out but never painted on its (invisible) screen: the exporters paint the scene.
        chart.setUpdatesEnabled(False)
        lay_out(chart, size)
        return export_widget(chart, path, scale=scale)
    finally:
        chart.close()
        chart.deleteLater()


# -- the one-page report ------------------------------------------------------------------------


_REPORT_FONT_SIZES = (8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0)


def _breakable(text: str) -> str:
    """Escaped text that may wrap after - _ / (long release and licence names)."""
    return re.sub(r"([-_/])", "\\1\u200b", escape(text))


def _status_cell(status: str) -> str:
    color = STATUS_COLORS.get(status, STATUS_COLORS["unknown"])
    ink = text_color_on(color).name()
    return (f'<td bgcolor="{color}" align="center" style="color:{ink}">'
            f"{escape(STATUS_LABELS.get(status, status)).lower()}</td>")


def _headline_rows(views: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    def score(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    def licence(view: dict[str, Any]) -> str:
        lic = view["license"]
        return lic.get("name") or lic.get("id") or lic.get("as_written") or "none"

    return [
        ("Released", [v["release_date"] or "–" for v in views]),
        ("Organisation", [v["organization"] or "–" for v in views]),
        ("Licence", [licence(v) for v in views]),
        ("MOF class", [v["mof"]["class"] or ("–" if v["mof"].get("progress") is None
                                             else "none") for v in views]),
        ("Index score", [score(v["osai"]["score"]) for v in views]),
        ("OSAID (computed)", [v["osaid"]["verdict"] or "–" for v in views]),
    ]


def report_matrix_html(comparison: dict[str, Any]) -> str:
    """The headline figures and the component matrix as an HTML table (status cells coloured)."""
    from openexplorer.frameworks import osai

    views = comparison["releases"]
    span = len(views) + 1
    out = ['<table width="100%" cellspacing="0" cellpadding="1.5" border="0.5" '
           'style="border-collapse: collapse; border-color: #bbbbbb">',
           '<tr><th width="22%"></th>'
           + "".join(f'<th align="center">{_breakable(release_label(v))}</th>' for v in views)
           + "</tr>"]
    for label, values in _headline_rows(views):
        out.append(f"<tr><td>{escape(label)}</td>"
                   + "".join(f'<td align="center">{_breakable(str(v))}</td>' for v in values)
                   + "</tr>")
    group_names = {g.ref: g.name for g in osai.GROUPS}
    group = None
    for line in comparison["matrix"]:
        if line["group"] != group:
            group = line["group"]
            framework = ("Model Openness Framework" if line["framework"] == "mof"
                         else "European Open Source AI Index")
            title = f"{framework}: {group_names.get(group, group)}"
            out.append(f'<tr><td colspan="{span}" bgcolor="#eeeeee"><b>{escape(title)}</b>'
                       "</td></tr>")
        out.append(f"<tr><td>{escape(line['component'])}</td>"
                   + "".join(_status_cell(s) for s in line["cells"]) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def report_notes_html(comparison: dict[str, Any], snapshot_date: str | None,
                      max_changes: int | None = None) -> str:
    """What changed between consecutive releases, the snapshot date and the sources cited."""
    names = {v["id"]: release_label(v) for v in comparison["releases"]}
    out = ["<h4>What changed</h4>"]
    for step in comparison["changes"]:
        changes = list(step["changes"])
        if max_changes is not None and len(changes) > max_changes:
            rest = len(changes) - max_changes
            changes = changes[:max_changes] + [f"… and {rest} more (see the Markdown export)"]
        text = "; ".join(escape(c) for c in changes) or "nothing in the figures shown"
        out.append(f"<p><b>{escape(names.get(step['from'], step['from']))} → "
                   f"{escape(names.get(step['to'], step['to']))}:</b> {text}</p>")
    out.append("<h4>Sources</h4>")
    if snapshot_date:
        out.append(f"<p>Data snapshot of {escape(snapshot_date)}.</p>")
    else:
        out.append("<p>Data snapshot date unknown.</p>")
    for source_id in comparison_sources(comparison):
        source = SOURCES[source_id]
        out.append(f"<p><b>{escape(source.name)}</b> ({escape(source.url)}), "
                   f"{escape(source.license)}. {escape(source.citation)}</p>")
    return "\n".join(out)


def _document(html: str, device: QPaintDevice, width: float, point_size: float) -> QTextDocument:
    document = QTextDocument()
    document.documentLayout().setPaintDevice(device)
    font = QFont()
    font.setPointSizeF(point_size)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setDefaultStyleSheet(
        "h4 { margin-top: 4px; margin-bottom: 2px; } p { margin-top: 0; margin-bottom: 3px; }"
        " th { font-weight: bold; }")
    document.setHtml(html)
    document.setTextWidth(width)
    return document


def _draw_document(painter: QPainter, document: QTextDocument, top_left: QPointF) -> None:
    painter.save()
    painter.translate(top_left)
    document.drawContents(painter)
    painter.restore()


def render_report(
    painter: QPainter,
    device: QPaintDevice,
    page: QRectF,
    comparison: dict[str, Any],
    *,
    snapshot_date: str | None = None,
    generated: dt.date | None = None,
) -> None:
    """Paint the one-page comparison report into ``page`` (device pixels).

    Left: the chart, what changed, the sources. Right: headline figures and the component
    matrix. Fonts shrink until everything fits; very long change lists are cut last.
    """
    snapshot = _snapshot(comparison, snapshot_date)
    mm = _SCREEN_DPI * _MM  # layout unit: 96-dpi pixels (see export_comparison_report)
    names = [release_label(v) for v in comparison["releases"]]
    painter.save()
    painter.fillRect(page, QColor("#ffffff"))
    header = _document(
        f"<h2 style='margin:0'>Openness comparison</h2>"
        f"<p style='margin:0'>{escape(' · '.join(names))}</p>", device, page.width(), 9.5)
    footer_html = (
        "<p style='margin:0'>"
        + " ".join(f"<span style='background-color:{STATUS_COLORS[s]}; "
                   f"color:{text_color_on(STATUS_COLORS[s]).name()}'>&nbsp;{STATUS_LABELS[s]}"
                   "&nbsp;</span>" for s in ("open", "partial", "closed", "unknown"))
        + f" &nbsp; {escape(source_line(comparison_sources(comparison), snapshot))}"
        + f" · made {escape((generated or dt.date.today()).isoformat())}</p>")
    footer = _document(footer_html, device, page.width(), 6.5)
    gap = 4 * mm
    body = QRectF(page.left(), page.top() + header.size().height() + gap, page.width(),
                  page.height() - header.size().height() - footer.size().height() - 2 * gap)
    left_width = body.width() * 0.55 - gap / 2
    right_width = body.width() - left_width - gap
    chart_height = min(body.height() * 0.5, left_width * 0.6)

    chosen: tuple[QTextDocument, QTextDocument] | None = None
    for size in _REPORT_FONT_SIZES:
        matrix = _document(report_matrix_html(comparison), device, right_width, size)
        notes = _document(report_notes_html(comparison, snapshot), device, left_width, size)
        chosen = (matrix, notes)
        if (matrix.size().height() <= body.height()
                and chart_height + gap + notes.size().height() <= body.height()):
            break
    assert chosen is not None
    matrix, notes = chosen
    longest = max((len(s["changes"]) for s in comparison["changes"]), default=0)
    limit = longest
    while (chart_height + gap + notes.size().height() > body.height()) and limit > 0:
        limit = max(0, limit - max(1, limit // 4))
        notes = _document(report_notes_html(comparison, snapshot, limit), device, left_width,
                          _REPORT_FONT_SIZES[-1])

    spare = body.height() - (chart_height + gap + notes.size().height())
    chart_height = min(chart_height + max(spare, 0.0), left_width * 0.72)
    _draw_document(painter, header, page.topLeft())
    chart = ComparisonChart(colors=LIGHT_CHART, vertical=True)
    try:
        chart.set_comparison(comparison, snapshot_date=snapshot)
        lay_out(chart, (int(left_width), int(chart_height)))
        _render_widget(chart, painter, QRectF(body.left(), body.top(), left_width, chart_height))
    finally:
        chart.close()
        chart.deleteLater()
    _draw_document(painter, notes, QPointF(body.left(), body.top() + chart_height + gap))
    _draw_document(painter, matrix, QPointF(body.left() + left_width + gap, body.top()))
    _draw_document(painter, footer,
                   QPointF(page.left(), page.bottom() - footer.size().height()))
    painter.restore()


def export_comparison_report(
    comparison: dict[str, Any],
    path: str | Path,
    *,
    snapshot_date: str | None = None,
    png_dpi: float = 192.0,
) -> Path:
    """The whole comparison on one A4 landscape page: PDF (vector), PNG (``png_dpi``) or SVG.

    Title, the chart, the headline figures and the component matrix, what changed, the data
    snapshot date and the sources cited.
    """
    path = Path(path)
    suffix = _check_suffix(path)
    ensure_app()
    a4 = QPageSize(QPageSize.PageSizeId.A4)
    inches = a4.size(QPageSize.Unit.Inch).transposed()  # landscape
    # Everything is laid out in 96-dpi pixels, the chart's own resolution: pyqtgraph sizes its
    # text in points of the device it paints on, so a 300-dpi device would blow the labels up.
    width, height = inches.width() * _SCREEN_DPI, inches.height() * _SCREEN_DPI
    dots_per_meter = int(_SCREEN_DPI / 0.0254)
    zoom = 1.0
    device: QPaintDevice
    if suffix == ".pdf":
        writer = QPdfWriter(str(path))
        writer.setCreator(f"OpenExplorer {__version__}")
        writer.setTitle("Openness comparison")
        writer.setResolution(int(_SCREEN_DPI))
        writer.setPageLayout(QPageLayout(a4, QPageLayout.Orientation.Landscape, QMarginsF()))
        device = writer
    elif suffix == ".png":
        zoom = png_dpi / _SCREEN_DPI
        image = QImage(int(width * zoom), int(height * zoom), QImage.Format.Format_ARGB32)
        image.fill(QColor("#ffffff"))
        image.setDotsPerMeterX(dots_per_meter)
        image.setDotsPerMeterY(dots_per_meter)
        device = image
    else:
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        size = QSize(int(width), int(height))
        generator.setSize(size)
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setResolution(int(_SCREEN_DPI))
        generator.setTitle("Openness comparison")
        generator.setDescription(source_line(comparison_sources(comparison),
                                             _snapshot(comparison, snapshot_date)))
        device = generator
    margin = 12 * _MM * _SCREEN_DPI
    page = QRectF(margin, margin, width - 2 * margin, height - 2 * margin)
    painter = QPainter(device)
    try:
        painter.scale(zoom, zoom)
        render_report(painter, device, page, comparison, snapshot_date=snapshot_date)
    finally:
        painter.end()
    if suffix == ".png":
        image.setDotsPerMeterX(int(png_dpi / 0.0254))
        image.setDotsPerMeterY(int(png_dpi / 0.0254))
        if not image.save(str(path), "PNG"):
            raise OSError(f"could not write {path}")
    return path
