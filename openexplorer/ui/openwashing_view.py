"""Open-washing: the releases whose openness claims outrun the evidence the most.

:class:`OpenWashingView` shows :func:`openexplorer.analyses.openwashing.ranking` over the cache: a
horizontal bar chart of the largest claim–evidence gaps (coloured by where the claim was found)
and a table with the claim and the flags of every ranked release; the selected release's flags
are listed in full below. Double-clicking a row (or a bar) asks the window to open the release
(``release_requested``). Export: the chart (``chart_widgets``), the ranking as Markdown
(``markdown``).

The ranking is computed on a pool thread with a read-only connection of its own when the cache
is a file (``background=True``), else right away.
"""

from __future__ import annotations

import html
import logging
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses import openwashing
from openexplorer.ui import theme
from openexplorer.ui.cache_job import CacheReader
from openexplorer.ui.crossframework_panel import gap_status

log = logging.getLogger(__name__)

#: Item data role (column 0): the row's release id.
RELEASE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS: tuple[tuple[str, str], ...] = (
    ("rank", "#"),
    ("name", "Release"),
    ("organization", "Organisation"),
    ("gap", "Gap"),
    ("claim", "Claim"),
    ("flags", "Mismatches"),
    ("license", "Licence"),
)
#: Bar colour by where the claim that makes the gap was found.
SOURCE_COLORS: dict[str, str] = {
    "card": theme.SERIES_COLORS[1],
    "name": theme.SERIES_COLORS[0],
    "licence": theme.SERIES_COLORS[4],
    "index": theme.SERIES_COLORS[2],
    "text": theme.SERIES_COLORS[1],
}
#: Bars in the chart (the table lists the whole ranking).
CHART_BARS = 12
CHART_TITLE = "Open-washing: largest gaps between claim and evidence"


def _elide(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


class GapChart(pg.PlotWidget):
    """Horizontal bars, one per release, the largest gap on top; hover for the flags.

    Signals:
        bar_clicked(str), bar_double_clicked(str): the release id of the bar.
    """

    bar_clicked = Signal(str)
    bar_double_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.name = CHART_TITLE
        self.results: list[openwashing.OpenWashingResult] = []
        self.bars: pg.BarGraphItem | None = None
        self._labels: list[pg.TextItem] = []
        self._legend_samples: list[pg.BarGraphItem] = []
        self._hover: int | None = None
        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=True, y=False, alpha=0.3)
        item.invertY(True)
        self.legend = item.addLegend(offset=(-8, -8), labelTextSize="9pt")
        self.legend.setColumnCount(4)
        self.setMinimumSize(420, 240)
        self.setMouseTracking(True)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.scene().sigMouseMoved.connect(self._on_scene_moved)
        self.apply_colors()

    def set_results(self, results: list[openwashing.OpenWashingResult]) -> None:
        self.results = list(results[:CHART_BARS])
        item = self.getPlotItem()
        if self.bars is not None:
            item.removeItem(self.bars)
            self.bars = None
        for label in self._labels:
            item.removeItem(label)
        self._labels = []
        self.legend.clear()
        self._legend_samples = []
        n = len(self.results)
        if n:
            colors = [QColor(SOURCE_COLORS.get(self._source(r), theme.SERIES_COLORS[3]))
                      for r in self.results]
            self.bars = pg.BarGraphItem(x0=[0.0] * n, width=[r.gap for r in self.results],
                                        y=list(range(n)), height=0.7, pen=None, brushes=colors)
            item.addItem(self.bars)
            for index, r in enumerate(self.results):
                label = pg.TextItem(f"{r.gap:.2f}", anchor=(0, 0.5))
                item.addItem(label)
                label.setPos(r.gap + 0.01, index)
                self._labels.append(label)
            used = list(dict.fromkeys(self._source(r) for r in self.results))
            names = openwashing.rules()["sources"]
            for source in used:
                sample = pg.BarGraphItem(x=[0], height=[0], width=1,
                                         brush=QColor(SOURCE_COLORS.get(source, "#888888")),
                                         pen=None)
                self._legend_samples.append(sample)
                self.legend.addItem(sample, "claim: " + names.get(source, {}).get("label",
                                                                                   source))
        left = item.getAxis("left")
        left.setTicks([[(i, _elide(r.name)) for i, r in enumerate(self.results)], []])
        item.setYRange(-0.6, max(n, 1) - 0.4, padding=0)
        item.setXRange(0, 1.0, padding=0.02)
        self._fit_left_axis()
        self.apply_colors()

    @staticmethod
    def _source(result: openwashing.OpenWashingResult) -> str:
        top = result.top_claim
        return top.source if top else "text"

    def _fit_left_axis(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(9)
        metrics = QFontMetrics(font)
        widest = max((metrics.horizontalAdvance(_elide(r.name)) for r in self.results),
                     default=40)
        self.getPlotItem().getAxis("left").setWidth(int(widest + 14))

    def bar_widths(self) -> list[float]:
        """The drawn lengths of the bars (tests, exports)."""
        return [] if self.bars is None else [float(w) for w in self.bars.opts["width"]]

    def apply_colors(self) -> None:
        colors = theme.chart_colors()
        fg = QColor(colors.foreground)
        self.setBackground(colors.background)
        item = self.getPlotItem()
        item.setTitle(self.name, color=colors.foreground, size="11pt", bold=True)
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(colors.grid))
            axis.setTextPen(pg.mkPen(fg))
            font = QFont(self.font())
            font.setPointSizeF(9)
            axis.setStyle(tickFont=font, tickLength=0 if name == "left" else -5)
        item.getAxis("bottom").setLabel(
            "Gap (0 = the evidence bears the claims out, 1 = nothing open)",
            color=colors.foreground, **{"font-size": "10pt"})
        self.legend.setLabelTextColor(fg)
        self.legend.setBrush(pg.mkBrush(QColor(colors.background)))
        self.legend.setPen(pg.mkPen(None))
        for label in self._labels:
            label.setColor(fg)

    # -- hit testing -----------------------------------------------------------------------------

    def bar_at_scene(self, scene_pos: QPointF) -> int | None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        y = vb.mapSceneToView(scene_pos).y()
        index = int(round(y))
        if 0 <= index < len(self.results) and abs(y - index) <= 0.4:
            return index
        return None

    def bar_scene_pos(self, index: int) -> QPointF:
        vb = self.getPlotItem().getViewBox()
        return vb.mapViewToScene(QPointF(self.results[index].gap / 2, index))

    @Slot(object)
    def _on_scene_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        index = self.bar_at_scene(event.scenePos())
        if index is None:
            return
        event.accept()
        release_id = self.results[index].release_id
        (self.bar_double_clicked if event.double() else self.bar_clicked).emit(release_id)

    @Slot(object)
    def _on_scene_moved(self, scene_pos: QPointF) -> None:
        index = self.bar_at_scene(scene_pos)
        if index == self._hover:
            return
        self._hover = index
        if index is None:
            self.viewport().unsetCursor()
            QToolTip.hideText()
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(QCursor.pos(), _tooltip(self.results[index]), self)


def _tooltip(result: openwashing.OpenWashingResult) -> str:
    lines = [f"<b>{html.escape(result.name)}</b> — gap {result.gap:.2f}"]
    lines += [f"• {html.escape(flag)}" for flag in result.flags]
    return "<p style='white-space:pre-wrap'>" + "<br>".join(lines) + "</p>"


class OpenWashingView(QWidget):
    """The ranking of the largest claim–evidence gaps.

    Signals:
        release_requested(str): a release was double-clicked (its id).
        ranking_changed(): a new ranking is shown.
    """

    release_requested = Signal(str)
    ranking_changed = Signal()

    def __init__(self, cache: Any, parent: QWidget | None = None, *, background: bool = True,
                 limit: int = 50) -> None:
        super().__init__(parent)
        self._cache = cache
        self._background = background
        self._pending: int | None = None
        self._results: list[openwashing.OpenWashingResult] = []
        self._reader = CacheReader(self, what="the open-washing ranking")

        self.heading = QLabel("Open-washing: claims against evidence")
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.heading.setFont(font)
        self.limit = QSpinBox()
        self.limit.setRange(5, 500)
        self.limit.setSingleStep(5)
        self.limit.setValue(limit)
        self.limit.setPrefix("Show ")
        self.limit.setSuffix(" releases")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.chart = GapChart()
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([h for _k, h in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        widths = {"rank": 40, "name": 230, "organization": 150, "gap": 56, "claim": 300,
                  "flags": 96}
        for index, (key, _h) in enumerate(COLUMNS):
            if key == "license":
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(index, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(index, widths[key])

        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.hint = QLabel("Double-click a release to open it. Claims come from release names, "
                           "licence names and the index's listing: model cards are not kept "
                           "offline, so a card's own claims are checked only when it is given "
                           "(openexplorer openwashing ID --card README.md).")
        self.hint.setWordWrap(True)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.setSpacing(6)
        lower_layout.addWidget(self.table, 1)
        lower_layout.addWidget(self.detail)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 4)
        self.splitter.setStretchFactor(1, 6)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([330, 470])

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.limit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.hint)

        self._reader.ready.connect(self._on_ready)
        self._reader.failed.connect(self._on_failed)
        self.table.cellDoubleClicked.connect(self._on_double_clicked)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.chart.bar_clicked.connect(self.select_release)
        self.chart.bar_double_clicked.connect(self.release_requested)
        self.limit.editingFinished.connect(self.refresh)
        self.refresh()

    # -- public ----------------------------------------------------------------------------------

    def results(self) -> list[openwashing.OpenWashingResult]:
        return list(self._results)

    def is_busy(self) -> bool:
        return self._pending is not None

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        return [(CHART_TITLE, self.chart)]

    def markdown(self) -> str:
        date = self._cache.get_meta("snapshot_built") if hasattr(self._cache, "get_meta") \
            else None
        return openwashing.markdown(self._results, date)

    @Slot()
    def refresh(self) -> None:
        """Rank again (after a refresh or import changed the cache)."""
        limit = self.limit.value()
        path = getattr(self._cache, "path", None)
        if self._background and path is not None:
            self._pending = self._reader.read(
                path, lambda cache: openwashing.ranking(cache, limit))
            self.summary.setText("Ranking…")
            return
        self._reader.drop_pending()
        try:
            results = openwashing.ranking(self._cache, limit)
        except Exception as exc:  # a damaged cache must not take the window down
            log.exception("open-washing ranking failed")
            self._on_failed(str(exc))
            return
        self._show(results)

    @Slot(str)
    def select_release(self, release_id: str) -> None:
        for row in range(self.table.rowCount()):
            item = self.table.item(row, 0)
            if item is not None and item.data(RELEASE_ROLE) == release_id:
                self.table.selectRow(row)
                self.table.scrollToItem(item)
                return

    # -- slots -----------------------------------------------------------------------------------

    @Slot(object)
    def _on_ready(self, results: object) -> None:
        if isinstance(results, list):
            self._show(results)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._pending = None
        self._results = []
        self.chart.set_results([])
        self.table.setRowCount(0)
        self.summary.setText(f"The ranking could not be computed: {message}")

    @Slot(int, int)
    def _on_double_clicked(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.release_requested.emit(str(item.data(RELEASE_ROLE)))

    @Slot()
    def _on_selection(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self.detail.setText("")
            return
        result = self._results[rows[0].row()]
        lines = [f"<b>{html.escape(result.name)}</b> ({html.escape(result.release_id)}) — "
                 f"gap {result.gap:.2f}"]
        color = theme.STATUS_COLORS["closed"]
        lines += [f"<span style='color:{color}'>●</span>&nbsp;{html.escape(flag)}"
                  for flag in result.flags]
        self.detail.setText("<br>".join(lines))

    # -- drawing ---------------------------------------------------------------------------------

    def _show(self, results: list[openwashing.OpenWashingResult]) -> None:
        self._pending = None
        self._results = list(results)
        if results:
            self.summary.setText(
                f"The {len(results)} releases whose claims of openness outrun the evidence the "
                "most. The gap weighs each mismatch — closed data, a licence restricting use, "
                "gated or unreleased weights, no training code — against how strongly the claim "
                "speaks for the release (docs/crossframework.md).")
        else:
            self.summary.setText("No release with a claim that outruns the evidence.")
        self.chart.set_results(self._results)
        self._fill_table()
        self.detail.setText("")
        self.ranking_changed.emit()

    def _fill_table(self) -> None:
        self.table.setRowCount(len(self._results))
        placeholder = self.palette().color(QPalette.ColorRole.PlaceholderText)
        for row, r in enumerate(self._results):
            top = r.top_claim
            values = {
                "rank": str(row + 1),
                "name": r.name,
                "organization": r.organization or "–",
                "gap": f"{r.gap:.2f}",
                "claim": f"\"{top.phrase}\" ({top.source_label})" if top else "–",
                "flags": str(len(r.flags)),
                "license": r.license or "–",
            }
            tip = _tooltip(r)
            for col, (key, _h) in enumerate(COLUMNS):
                item = QTableWidgetItem(values[key])
                item.setToolTip(tip)
                if key == "rank":
                    item.setData(RELEASE_ROLE, r.release_id)
                if key in ("rank", "gap", "flags"):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight
                                          | Qt.AlignmentFlag.AlignVCenter)
                if key == "gap":
                    item.setForeground(QColor(theme.STATUS_COLORS[gap_status(r.gap)]))
                    font = QFont(item.font())
                    font.setBold(True)
                    item.setFont(font)
                if values[key] == "–":
                    item.setForeground(placeholder)
                self.table.setItem(row, col, item)
