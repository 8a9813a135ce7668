"""Exporting a chart (any widget) as PNG, SVG or PDF, and the comparison chart from the
the comparison's report and chart files (report.py); every exported figure states the data
snapshot date and the sources it draws on.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QPoint, QRect, QRectF, QSize, QSizeF, Qt
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QApplication, QWidget

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.
import pyqtgraph as pg
import pyqtgraph.exporters  # noqa: F401  -- `import pyqtgraph` does not load it (G12)

from openexplorer import __version__
from openexplorer.ui.charts.common import CHART_SUFFIXES, SCREEN_DPI, ensure_app

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


def check_suffix(path: Path, allowed: Sequence[str] = CHART_SUFFIXES) -> str:
    suffix = path.suffix.lower()
    if suffix not in allowed:
        raise ValueError(f"{path.name}: export as {', '.join(allowed)}")
    return suffix


def _background(widget: QWidget) -> QColor:
    if isinstance(widget, pg.GraphicsView):
        return widget.backgroundBrush().color()
    return widget.palette().color(widget.backgroundRole())


def render_widget(widget: QWidget, painter: QPainter, target: QRectF) -> None:
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
    generator.setResolution(int(SCREEN_DPI))
    generator.setTitle(view.windowTitle() or "OpenExplorer chart")
    generator.setDescription(f"OpenExplorer {__version__}")
    painter = QPainter(generator)
    items = [item for item in view.scene().items() if hasattr(item, "setExportMode")]
    try:
        for item in items:
            item.setExportMode(True, {"painter": painter, "antialias": True})
        render_widget(view, painter, QRectF(0, 0, width, height))
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
    suffix = check_suffix(path)
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
            generator.setResolution(widget.logicalDpiX())  # else bars shift (docs/tech-notes.md §2)
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
        writer.setResolution(int(SCREEN_DPI))
        page_size = QPageSize(QSizeF(width * 72 / SCREEN_DPI, height * 72 / SCREEN_DPI),
                              QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.ExactMatch)
        writer.setPageLayout(QPageLayout(page_size, QPageLayout.Orientation.Portrait,
                                         QMarginsF()))
        painter = QPainter(writer)
        try:
            render_widget(widget, painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
    return path
