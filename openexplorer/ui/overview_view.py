"""Overview: the field at a glance, four charts over the cache's release summary.

Openness by release year and by organisation kind (mean index score, mean MOF progress, share
with an MOF class), the distribution of MOF classes and a histogram of index scores. Every bar
says in its tooltip how many releases it rests on; clicking a bar asks the search to show those
releases (``filter_requested``). The figures come from :func:`openexplorer.analyses.overview.overview_stats`.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPointF, Qt, Signal, Slot
from PySide6.QtGui import QColor, QCursor, QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses.overview import empty_stats, overview_stats
from openexplorer.ui import theme
from openexplorer.ui.cache_job import CacheReader

log = logging.getLogger(__name__)

#: Short category labels for the organisation-kind axis (the tooltip has the full one).
_SHORT_KIND = {"big-tech": "Big Tech", "company": "Company", "academic": "Academic",
               "public": "Public", None: "Unknown"}
#: Colours of the MOF classes (Class I, the most open, in the "open" green).
_MOF_CLASS_COLORS = {"I": theme.STATUS_COLORS["open"], "II": theme.SERIES_COLORS[4],
                     "III": theme.SERIES_COLORS[0], None: theme.STATUS_COLORS["unknown"]}
#: The releases no MOF assessment covers: the "unknown" grey, see-through (lighter on a light
#: background, darker on a dark one).
_NOT_ASSESSED_COLOR = QColor(153, 153, 153, 90)
#: Series of the two openness charts: (key in the stats, legend label, colour).
_OPENNESS_SERIES = (
    ("osai_mean", "Mean index score", theme.SERIES_COLORS[0]),
    ("mof_mean", "Mean MOF progress", theme.SERIES_COLORS[1]),
    ("mof_classified_share", "Share with an MOF class", theme.SERIES_COLORS[2]),
)


def _pct(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f} %"


def _releases(n: int) -> str:
    return f"{n:,} release" + ("" if n == 1 else "s")


_HINT = "Hover over a bar for its figures; click it to search those releases."


@dataclass
class _Series:
    name: str
    values: Sequence[float | None]
    color: str
    bar_colors: Sequence[QColor | str] | None = None  # one colour per bar instead of ``color``


class CategoryBarChart(pg.PlotWidget):
    """Bars over categories, optionally grouped (one bar per category in each series).

    Hovering over a category shows its tooltip; clicking it emits ``bar_clicked(index)``.
    Pan, zoom and the context menu are off: the chart is a summary, not an explorer.

    Signals:
        bar_clicked(int): the category at that index was clicked.
    """

    bar_clicked = Signal(int)

    def __init__(self, name: str, *, x_title: str, y_title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent=parent)
        self.name = name  # stable, for export menus and file names
        self.title = name  # shown above the chart, with the counts it rests on
        self._x_title = x_title
        self._y_title = y_title
        self.categories: list[str] = []
        self.tooltips: list[str] = []
        self.centers: list[float] = []
        self.half_width = 0.5
        self.bar_items: list[pg.BarGraphItem] = []
        self._labels: list[pg.TextItem] = []
        self._series: list[_Series] = []
        self._y_max = 1.0
        self._y_ticks: list[tuple[float, str]] | None = None
        self._x_ticks: list[tuple[float, str]] | None = None
        self._value_labels: list[str] = []
        self._hover: int | None = None
        self._stacked = False
        self._legend_samples: list[pg.BarGraphItem] = []

        item = self.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.setMouseEnabled(x=False, y=False)
        item.showGrid(x=False, y=True, alpha=0.35)
        self.legend = item.addLegend(offset=(8, 4), labelTextSize="9pt")
        self.legend.setColumnCount(3)
        self.setMinimumSize(320, 240)
        self.setMouseTracking(True)
        self.scene().sigMouseClicked.connect(self._on_scene_clicked)
        self.scene().sigMouseMoved.connect(self._on_scene_moved)
        self.apply_colors()

    # -- data ------------------------------------------------------------------------------------

    def set_bars(
        self,
        categories: Sequence[str],
        series: Sequence[_Series],
        tooltips: Sequence[str],
        *,
        centers: Sequence[float] | None = None,
        width: float = 0.8,
        y_max: float,
        y_ticks: Sequence[tuple[float, str]] | None = None,
        x_ticks: Sequence[tuple[float, str]] | None = None,
        value_labels: Sequence[str] = (),
        title: str | None = None,
        stacked: bool = False,
        legend: Sequence[tuple[str, QColor | str]] | None = None,
    ) -> None:
        """Draw the bars: ``series`` values line up with ``categories`` (None draws no bar).

        Several series are grouped side by side, or ``stacked``. The legend names the series
        when there are several side by side, else the entries of ``legend`` if given.
        """
        self.categories = list(categories)
        self.tooltips = list(tooltips)
        self._series = list(series)
        self.centers = list(centers) if centers is not None else [
            float(i) for i in range(len(self.categories))
        ]
        step = (self.centers[1] - self.centers[0]) if len(self.centers) > 1 else 1.0
        self.half_width = step / 2
        self._y_max = y_max
        self._y_ticks = list(y_ticks) if y_ticks is not None else None
        self._x_ticks = list(x_ticks) if x_ticks is not None else None
        self._value_labels = list(value_labels)
        if title is not None:
            self.title = title

        item = self.getPlotItem()
        for bar in self.bar_items:
            item.removeItem(bar)
        for label in self._labels:
            item.removeItem(label)
        self.legend.clear()
        self.bar_items, self._labels = [], []

        n = 1 if stacked else max(1, len(self._series))
        bar_width = step * width / n
        bottoms = [0.0] * len(self.centers)
        for s_index, one in enumerate(self._series):
            offset = (s_index - (n - 1) / 2) * bar_width if n > 1 else 0.0
            heights = [v if v is not None else 0.0 for v in one.values]
            colors: dict[str, Any] = (
                {"brushes": [QColor(c) for c in one.bar_colors]} if one.bar_colors
                else {"brush": QColor(one.color)}
            )
            bar = pg.BarGraphItem(
                x=[c + offset for c in self.centers],
                y0=list(bottoms),
                height=heights,
                width=bar_width * 0.92,
                pen=None,  # docs/tech-notes.md G2: outlines break the SVG in librsvg
                name=one.name if n > 1 else None,
                **colors,
            )
            item.addItem(bar)
            self.bar_items.append(bar)
            if stacked:
                bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
        self._stacked = stacked
        self._legend_samples = []
        for name, color in legend or ():
            sample = pg.BarGraphItem(x=[0], height=[0], width=1, brush=QColor(color), pen=None)
            self._legend_samples.append(sample)  # the legend draws from it; never plotted
            self.legend.addItem(sample, name)
        self.legend.setVisible(n > 1 or bool(legend))
        for center, text in zip(self.centers, self._value_labels, strict=False):
            label = pg.TextItem(text, anchor=(0.5, 1.0))
            item.addItem(label)
            label.setPos(center, 0)
            self._labels.append(label)
        self._apply_ranges()
        self.apply_colors()

    def _apply_ranges(self) -> None:
        item = self.getPlotItem()
        if self.centers:
            left = self.centers[0] - self.half_width
            right = self.centers[-1] + self.half_width
        else:
            left, right = -0.5, 0.5
        item.setXRange(left, right, padding=0.02)
        item.setYRange(0, self._y_max, padding=0)
        bottom = item.getAxis("bottom")
        if self._x_ticks is not None:
            bottom.setTicks([self._x_ticks, []])
        else:
            bottom.setTicks([[(c, name) for c, name in zip(self.centers, self.categories,
                                                           strict=True)], []])
        item.getAxis("left").setTicks([self._y_ticks, []] if self._y_ticks else None)
        self._fit_bottom_axis()
        self._fit_left_axis()
        # Counts sit just above each bar (the tallest series of the category).
        for index, label in enumerate(self._labels):
            heights = [s.values[index] or 0.0 for s in self._series] or [0.0]
            top = sum(heights) if self._stacked else max(heights)
            label.setPos(self.centers[index], top + self._y_max * 0.01)
            label.setAnchor((0.5, 1.0))

    def _fit_bottom_axis(self) -> None:
        """Room for two-line category labels and the axis title below them."""
        axis = self.getPlotItem().getAxis("bottom")
        labels = [t for _pos, t in self._x_ticks] if self._x_ticks else self.categories
        lines = max((label.count("\n") + 1 for label in labels), default=1)
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(9)
        title_font = QFont(self.font())
        title_font.setPointSizeF(10)
        height = (QFontMetrics(tick_font).lineSpacing() * lines + 6
                  + QFontMetrics(title_font).height())
        axis.setHeight(int(height))

    def _fit_left_axis(self) -> None:
        """Room for the widest tick label beside the axis title (it does not grow by itself
        before the first paint, and exports need it right away)."""
        axis = self.getPlotItem().getAxis("left")
        labels = [t for _pos, t in self._y_ticks] if self._y_ticks else ["100"]
        tick_font = QFont(self.font())
        tick_font.setPointSizeF(9)
        widest = max(QFontMetrics(tick_font).horizontalAdvance(label) for label in labels)
        title = axis.label.boundingRect().height() * 0.8 if axis.label.isVisible() else 0
        axis.setWidth(int(widest + 4 + 4 + title))

    def bar_heights(self, series: int = 0) -> list[float]:
        """The drawn heights of one series (tests, exports)."""
        return [float(h) for h in self.bar_items[series].opts["height"]]

    # -- colours ---------------------------------------------------------------------------------

    def apply_colors(self) -> None:
        """Follow the application palette (light or dark)."""
        colors = theme.chart_colors()
        fg = QColor(colors.foreground)
        self.setBackground(colors.background)
        item = self.getPlotItem()
        item.setTitle(self.title, color=colors.foreground, size="11pt", bold=True)
        for name, text in (("bottom", self._x_title), ("left", self._y_title)):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(colors.grid))
            axis.setTextPen(pg.mkPen(fg))
            axis.setLabel(text, color=colors.foreground, **{"font-size": "10pt"})
            font = QFont(self.font())
            font.setPointSizeF(9)
            axis.setStyle(tickFont=font, tickTextOffset=4, autoExpandTextSpace=True,
                          tickLength=0 if name == "bottom" else -5)
        left = item.getAxis("left")
        left.setGrid(int(255 * 0.35))
        left.setZValue(-0.5)  # its grid lines go under the bars, not over them
        self.legend.setLabelTextColor(fg)
        self.legend.setBrush(pg.mkBrush(QColor(colors.background)))
        self.legend.setPen(pg.mkPen(None))
        for label in self._labels:
            label.setColor(fg)

    # -- hit testing -----------------------------------------------------------------------------

    def category_at(self, x: float) -> int | None:
        """The category whose column holds view coordinate ``x`` (None between or outside)."""
        for index, center in enumerate(self.centers):
            if abs(x - center) <= self.half_width * 0.98:
                return index
        return None

    def category_at_scene(self, scene_pos: QPointF) -> int | None:
        vb = self.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            return None
        view = vb.mapSceneToView(scene_pos)
        if view.y() < 0 or view.y() > self._y_max:
            return None
        return self.category_at(view.x())

    def bar_scene_pos(self, index: int) -> QPointF:
        """The scene position of the middle of a category's column (tests, hover)."""
        vb = self.getPlotItem().getViewBox()
        return vb.mapViewToScene(QPointF(self.centers[index], self._y_max * 0.5))

    def click_bar(self, index: int) -> None:
        """Act as if the user clicked the category at ``index``."""
        if 0 <= index < len(self.categories):
            self.bar_clicked.emit(index)

    @Slot(object)
    def _on_scene_clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.LeftButton or event.double():
            return
        index = self.category_at_scene(event.scenePos())
        if index is not None:
            event.accept()
            self.click_bar(index)

    @Slot(object)
    def _on_scene_moved(self, scene_pos: QPointF) -> None:
        index = self.category_at_scene(scene_pos)
        if index == self._hover:
            return
        self._hover = index
        if index is None or index >= len(self.tooltips):
            self.viewport().unsetCursor()
            QToolTip.hideText()
            return
        self.viewport().setCursor(Qt.CursorShape.PointingHandCursor)
        QToolTip.showText(QCursor.pos(), _nowrap(self.tooltips[index]), self)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        self._hover = None
        super().leaveEvent(event)


class OverviewView(QWidget):
    """Four charts over the whole cache: how open is the field, by year and by who releases.

    Signals:
        filter_requested(dict): a bar was clicked; the search facets it stands for, e.g.
            ``{"origin": "curated", "year": 2024}``, ``{"org_kind": "big-tech"}``,
            ``{"mof_class": "II"}``, ``{"mof_class": "none"}`` or
            ``{"osai_score_min": 0.5, "osai_score_max": 0.6}`` (``origin`` is there when only
            curated releases are counted). :func:`openexplorer.analyses.overview.to_filters` turns it
            into the search's ``Filters``.
        stats_changed(): new figures are drawn (after :meth:`refresh_stats`).
    """

    filter_requested = Signal(dict)
    stats_changed = Signal()

    def __init__(self, cache: Any, parent: QWidget | None = None, *,
                 background: bool = True) -> None:
        """``cache`` is the GUI thread's cache; its ``release_summary`` must be up to date
        (``summary.ensure_summaries``), the view only reads it. With ``background`` (and a
        cache in a file) the figures are counted on a pool thread with a read-only connection
        of their own, so a large cache never freezes the window; else right away."""
        super().__init__(parent)
        self._cache = cache
        self._stats: dict[str, Any] = empty_stats()
        self._background = background
        self._pending: int | None = None
        self._reader = CacheReader(self, what="overview figures")

        self.heading = QLabel("Openness of the field")
        heading_font = QFont(self.font())
        heading_font.setPointSizeF(heading_font.pointSizeF() * 1.35)
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.include_hub = QCheckBox("Include Hub-only releases")
        self.include_hub.setToolTip(
            "Also count the models a Hub refresh added. Their MOF and index figures are "
            "provisional: computed from Hub metadata, not from a curated source."
        )
        self.hint = QLabel(_HINT)
        hint_font = QFont(self.font())
        hint_font.setItalic(True)
        self.hint.setFont(hint_font)

        self.by_year = CategoryBarChart(
            "Openness by release year", x_title="Release year", y_title="Percent")
        self.by_kind = CategoryBarChart(
            "Openness by organisation kind", x_title="Organisation kind", y_title="Percent")
        self.mof_classes = CategoryBarChart(
            "Model Openness Framework classes", x_title="MOF class", y_title="Releases")
        self.score_histogram = CategoryBarChart(
            "European Open Source AI Index scores", x_title="Index score (0 = closed, 1 = open)",
            y_title="Releases")

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addStretch(1)
        top.addWidget(self.include_hub)
        grid = QGridLayout()
        grid.setSpacing(10)
        grid.addWidget(self.by_year, 0, 0)
        grid.addWidget(self.by_kind, 0, 1)
        grid.addWidget(self.mof_classes, 1, 0)
        grid.addWidget(self.score_histogram, 1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 12)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.hint)
        layout.addLayout(grid, 1)

        self._connect_signals()
        self.refresh_stats()

    def _connect_signals(self) -> None:
        self._reader.ready.connect(self._on_stats_ready)
        self._reader.failed.connect(self._on_stats_failed)
        self.include_hub.toggled.connect(self._on_include_hub_toggled)
        self.by_year.bar_clicked.connect(self._on_year_clicked)
        self.by_kind.bar_clicked.connect(self._on_kind_clicked)
        self.mof_classes.bar_clicked.connect(self._on_mof_class_clicked)
        self.score_histogram.bar_clicked.connect(self._on_score_bin_clicked)

    # -- public ----------------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """The figures on screen (as :func:`overview_stats` returned them)."""
        return self._stats

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        """Each chart with its title, for export."""
        return [(chart.name, chart) for chart in self._charts()]

    def chart_data(self) -> list[tuple[str, list[dict[str, Any]]]]:
        """The rows behind each chart (for CSV / JSON / Markdown export), with its title."""
        stats = self._stats
        keep = ("count", "osai_mean", "osai_n", "mof_mean", "mof_n", "mof_classified",
                "mof_classified_share", "osi_approved", "osi_known")
        return [
            (self.by_year.name,
             [{"year": e["year"], **{k: e[k] for k in keep}} for e in stats.get("by_year", [])]),
            (self.by_kind.name,
             [{"org_kind": e["kind"], "label": e["label"], **{k: e[k] for k in keep}}
              for e in stats.get("by_org_kind", [])]),
            (self.mof_classes.name,
             [{"mof_class": e["mof_class"], "label": e["label"], "count": e["count"],
               "assessed": e.get("assessed", e["count"])}
              for e in stats.get("mof_classes", [])]),
            (self.score_histogram.name,
             [{"score_min": e["min"], "score_max": e["max"], "count": e["count"]}
              for e in stats.get("osai_histogram", [])]),
        ]

    def is_busy(self) -> bool:
        """Whether figures are being counted in the background."""
        return self._pending is not None

    @Slot()
    def refresh_stats(self) -> None:
        """Read the figures from the cache again and redraw every chart.

        In the background (with its own read-only connection) when the view was built with
        ``background=True`` and the cache is a file; ``stats_changed`` says when they are drawn.
        """
        curated_only = not self.include_hub.isChecked()
        path = getattr(self._cache, "path", None)
        if self._background and path is not None:
            self._pending = self._reader.read(
                path, lambda cache: overview_stats(cache, curated_only=curated_only))
            self.hint.setText("Counting…")
            return
        self._reader.drop_pending()
        self._read_here(curated_only)

    def _read_here(self, curated_only: bool) -> None:
        """Count on the window's own connection (no file, or the pool thread could not)."""
        try:
            stats = overview_stats(self._cache, curated_only=curated_only)
        except Exception as exc:  # a damaged or locked cache must not take the window down
            log.exception("overview figures could not be read")
            self._show_stats(empty_stats(curated_only))
            self.summary.setText(f"The overview could not be counted: {html.escape(str(exc))}")
            return
        self._show_stats(stats)

    @Slot(object)
    def _on_stats_ready(self, stats: object) -> None:
        if isinstance(stats, dict):
            self._show_stats(stats)

    @Slot(str)
    def _on_stats_failed(self, message: str) -> None:
        # E.g. a second connection refused (a read-only folder without the WAL index): this
        # count is made on the window's own connection; the next one tries the pool again.
        log.info("the overview is counted on the window's thread: %s", message)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._read_here(not self.include_hub.isChecked())
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _show_stats(self, stats: dict[str, Any]) -> None:
        self._pending = None
        self.hint.setText(_HINT)
        self._stats = stats
        self._show_summary()
        self._draw_by_year()
        self._draw_by_kind()
        self._draw_mof_classes()
        self._draw_histogram()
        self.stats_changed.emit()

    # -- drawing ---------------------------------------------------------------------------------

    def _charts(self) -> list[CategoryBarChart]:
        return [self.by_year, self.by_kind, self.mof_classes, self.score_histogram]

    def _show_summary(self) -> None:
        stats = self._stats
        total = stats.get("total", 0)
        scope = "curated releases" if stats.get("curated_only", True) else "releases"
        if not stats.get("available"):
            self.summary.setText("The release summary is not available in this cache yet.")
            return
        if not total:
            self.summary.setText(f"No {scope} in the cache yet.")
            return
        kinds = stats["by_org_kind"]
        mof_assessed = sum(e["mof_n"] for e in kinds)
        osai_provisional = sum(e["osai_provisional"] for e in kinds)
        mof_provisional = sum(e["mof_provisional"] for e in kinds)

        def provisional(n: int) -> str:
            return f" ({n:,} provisional, from Hub metadata)" if n else ""

        parts = [
            f"<b>{total:,}</b> {scope}",
            f"{stats['osai_scored']:,} with an index score{provisional(osai_provisional)}",
            f"{mof_assessed:,} with an MOF assessment{provisional(mof_provisional)}",
        ]
        built = None
        get_meta = getattr(self._cache, "get_meta", None)
        if get_meta is not None:
            try:
                built = get_meta("snapshot_built")
            except Exception:  # noqa: BLE001
                built = None
        if built:
            parts.append(f"bundled data of {built}")
        self.summary.setText(" · ".join(parts))

    def _openness_chart(
        self, chart: CategoryBarChart, entries: list[dict[str, Any]], labels: list[str],
        names: list[str], title: str,
    ) -> None:
        series = []
        for key, name, color in _OPENNESS_SERIES:
            values = []
            for entry in entries:
                value = entry[key]
                values.append(None if value is None else value * (1 if key == "mof_mean" else 100))
            series.append(_Series(name, values, color))
        tooltips = [self._openness_tooltip(name, e) for name, e in zip(names, entries,
                                                                         strict=True)]
        chart.set_bars(
            labels, series, tooltips, y_max=118,
            y_ticks=[(v, str(v)) for v in range(0, 101, 20)], title=title,
        )

    @staticmethod
    def _openness_tooltip(name: str, e: dict[str, Any]) -> str:
        def provisional(n: int) -> str:
            return f", {n} provisional" if n else ""

        osai = ("no release scored" if e["osai_mean"] is None else
                f"{e['osai_mean']:.2f} ({e['osai_mean'] * 100:.0f} %) over "
                f"{_releases(e['osai_n'])}"
                f"{provisional(e['osai_provisional'])}")
        mof = ("no release assessed" if e["mof_mean"] is None else
               f"{e['mof_mean']:.0f} % over {_releases(e['mof_n'])}"
               f"{provisional(e['mof_provisional'])}")
        osi = ("" if not e["osi_known"] else
               f"<br>OSI-approved licence: {e['osi_approved']} of {e['osi_known']}")
        return (
            f"<b>{html.escape(name)}</b> · {_releases(e['count'])}<br>"
            f"Mean index score: {osai}<br>"
            f"Mean MOF progress: {mof}<br>"
            f"With an MOF class: {e['mof_classified']} of {e['count']} "
            f"({_pct((e['mof_classified_share'] or 0) * 100)})"
            f"{osi}<br><i>Click to search these releases</i>"
        )

    def _draw_by_year(self) -> None:
        entries = self._stats.get("by_year", [])
        labels = [f"{e['label']}\nn={e['count']:,}" for e in entries]
        dated = sum(e["count"] for e in entries)
        undated = self._stats.get("undated", 0)
        title = f"Openness by release year ({_releases(dated)}"
        title += f"; {undated:,} undated)" if undated else ")"
        names = [e["label"] if e["year"] is not None else f"{e['years'][0]}–{e['years'][-1]}"
                 for e in entries]
        self._openness_chart(self.by_year, entries, labels, names, title)

    def _draw_by_kind(self) -> None:
        entries = self._stats.get("by_org_kind", [])
        labels = [f"{_SHORT_KIND.get(e['kind'], e['label'])}\nn={e['count']:,}" for e in entries]
        total = sum(e["count"] for e in entries)
        self._openness_chart(self.by_kind, entries, labels, [e["label"] for e in entries],
                             f"Openness by organisation kind ({_releases(total)})")

    def _draw_mof_classes(self) -> None:
        entries = self._stats.get("mof_classes", [])
        total = sum(e["count"] for e in entries)
        counts = [e["count"] for e in entries]
        # The unclassified bar in two parts: assessed by the MOF but meeting no class, and
        # never assessed (lighter); classes in their own colours.
        assessed = [e.get("assessed", e["count"]) for e in entries]
        not_assessed = [c - a for c, a in zip(counts, assessed, strict=True)]
        tooltips = []
        for e in entries:
            text = f"<b>{html.escape(e['label'])}</b>: {_releases(e['count'])}"
            if total:
                text += f" ({e['count'] / total * 100:.1f} % of {total:,})"
            if e["mof_class"] is None:
                text += (f"<br>{e['assessed']:,} with an MOF assessment that meets no class"
                         f"<br>{e['count'] - e['assessed']:,} with no MOF assessment")
            tooltips.append(text + "<br><i>Click to search these releases</i>")
        class_colors = [_MOF_CLASS_COLORS.get(e["mof_class"], theme.STATUS_COLORS["unknown"])
                        for e in entries]
        self.mof_classes.set_bars(
            [e["label"] for e in entries],
            [_Series("Assessed", [float(a) for a in assessed], theme.SERIES_COLORS[0],
                     bar_colors=class_colors),
             _Series("Not assessed", [float(a) for a in not_assessed],
                     theme.STATUS_COLORS["unknown"],
                     bar_colors=[_NOT_ASSESSED_COLOR] * len(entries))],
            tooltips,
            width=0.7,
            stacked=True,
            legend=[("Assessed, meets no class", theme.STATUS_COLORS["unknown"]),
                    ("No MOF assessment", _NOT_ASSESSED_COLOR)] if any(not_assessed) else None,
            y_max=_nice_max(max(counts, default=0), room=1.25),  # room for the legend
            y_ticks=_count_ticks(max(counts, default=0)),
            value_labels=[f"{c:,}" for c in counts],
            title=f"Model Openness Framework classes ({_releases(total)})",
        )

    def _draw_histogram(self) -> None:
        bins = self._stats.get("osai_histogram", [])
        scored = self._stats.get("osai_scored", 0)
        counts = [float(b["count"]) for b in bins]
        centers = [(b["min"] + b["max"]) / 2 for b in bins]
        tooltips = []
        for b in bins:
            last = b is bins[-1]
            span = (f"{b['min']:.1f} to {b['max']:.1f}" if last else
                    f"{b['min']:.1f} to under {b['max']:.1f}")
            text = f"<b>Index score {span}</b><br>{_releases(b['count'])}"
            if scored:
                text += f" ({b['count'] / scored * 100:.0f} % of {scored:,} scored)"
            if b["provisional"]:
                text += f"<br>{b['provisional']} provisional (from Hub metadata)"
            tooltips.append(text + "<br><i>Click to search these releases</i>")
        self.score_histogram.set_bars(
            [f"{b['min']:.1f}–{b['max']:.1f}" for b in bins],
            [_Series("Releases", counts, theme.SERIES_COLORS[0])],
            tooltips,
            centers=centers,
            width=0.92,
            y_max=_nice_max(max(counts, default=0)),
            y_ticks=_count_ticks(max(counts, default=0)),
            x_ticks=[(i / 10, f"{i / 10:.1f}") for i in range(11)],
            value_labels=[f"{int(c):,}" if c else "" for c in counts],
            title=f"European Open Source AI Index scores ({_releases(scored)} scored)",
        )

    # -- events ----------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            for chart in self._charts():
                chart.apply_colors()
        super().changeEvent(event)

    @Slot(bool)
    def _on_include_hub_toggled(self, _checked: bool) -> None:
        self.refresh_stats()

    def _emit_filter(self, key: str, index: int) -> None:
        entries = self._stats.get(key, [])
        if 0 <= index < len(entries):
            self.filter_requested.emit(dict(entries[index]["filter"]))

    @Slot(int)
    def _on_year_clicked(self, index: int) -> None:
        self._emit_filter("by_year", index)

    @Slot(int)
    def _on_kind_clicked(self, index: int) -> None:
        self._emit_filter("by_org_kind", index)

    @Slot(int)
    def _on_mof_class_clicked(self, index: int) -> None:
        self._emit_filter("mof_classes", index)

    @Slot(int)
    def _on_score_bin_clicked(self, index: int) -> None:
        self._emit_filter("osai_histogram", index)


def _nowrap(text: str) -> str:
    """Rich-text tooltip lines that are not wrapped into a narrow column."""
    return f'<p style="white-space:pre">{text}</p>'


def _count_ticks(value: float) -> list[tuple[float, str]]:
    """Whole-number ticks, 1-2-5 steps, about five of them up to ``value``."""
    if value <= 0:
        return [(0.0, "0"), (1.0, "1")]
    step = 1
    while value / step > 5:
        for factor in (2, 2.5, 2):  # 1, 2, 5, 10, 20, 50 …
            step = int(step * factor)
            if value / step <= 5:
                break
    return [(float(v), _compact(v)) for v in range(0, int(value) + step, step)]


def _compact(number: int) -> str:
    """A count for an axis: 1,500 / 20k / 1.5M (long labels do not fit beside the axis)."""
    if number < 10_000:
        return f"{number:,}"
    if number < 1_000_000:
        return f"{number / 1000:g}k"
    return f"{number / 1_000_000:g}M"


def _nice_max(value: float, room: float = 1.15) -> float:
    """A y range with room above the tallest bar for its count label."""
    if value <= 0:
        return 1.0
    return value * room + 1
