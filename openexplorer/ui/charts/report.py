"""The comparison exported: its chart alone (``openexplorer compare --chart FILE``), or a
one-page report (PDF, or PNG/SVG of the page) with the chart beside the headline matrix and the
notes and sources under them."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMarginsF, QPointF, QRect, QRectF, QSize
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

# isort: split
# pyqtgraph after PySide6, so that it picks the binding already imported.

from openexplorer import __version__
from openexplorer.core.sources import SOURCES
from openexplorer.ui.charts.common import (
    CHART_SIZE,
    INCH_PER_MM,
    SCREEN_DPI,
    comparison_sources,
    ensure_app,
    release_label,
    snapshot_of,
    source_line,
    text_color_on,
)
from openexplorer.ui.charts.comparison import ComparisonChart
from openexplorer.ui.charts.export import check_suffix, export_widget, lay_out, render_widget
from openexplorer.ui.theme import LIGHT_CHART, STATUS_COLORS, STATUS_LABELS, ChartColors

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

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


def _headline_rows(views: Sequence[ReleaseView]) -> list[tuple[str, list[str]]]:
    def score(value: float | None) -> str:
        return "–" if value is None else f"{value:.2f}"

    def licence(view: ReleaseView) -> str:
        lic = view.license
        return lic.name or lic.id or lic.as_written or "none"

    return [
        ("Released", [v.release_date or "–" for v in views]),
        ("Organisation", [v.organization or "–" for v in views]),
        ("Licence", [licence(v) for v in views]),
        ("MOF class", [v.mof.class_ or ("–" if v.mof.progress is None
                                             else "none") for v in views]),
        ("Index score", [score(v.osai.score) for v in views]),
        ("OSAID (computed)", [v.osaid.verdict or "–" for v in views]),
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
    names = {v.id: release_label(v) for v in comparison["releases"]}
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
    snapshot = snapshot_of(comparison, snapshot_date)
    mm = SCREEN_DPI * INCH_PER_MM  # layout unit: 96-dpi pixels (see export_comparison_report)
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
        render_widget(chart, painter, QRectF(body.left(), body.top(), left_width, chart_height))
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
    suffix = check_suffix(path)
    ensure_app()
    a4 = QPageSize(QPageSize.PageSizeId.A4)
    inches = a4.size(QPageSize.Unit.Inch).transposed()  # landscape
    # Everything is laid out in 96-dpi pixels, the chart's own resolution: pyqtgraph sizes its
    # text in points of the device it paints on, so a 300-dpi device would blow the labels up.
    width, height = inches.width() * SCREEN_DPI, inches.height() * SCREEN_DPI
    dots_per_meter = int(SCREEN_DPI / 0.0254)
    zoom = 1.0
    device: QPaintDevice
    if suffix == ".pdf":
        writer = QPdfWriter(str(path))
        writer.setCreator(f"OpenExplorer {__version__}")
        writer.setTitle("Openness comparison")
        writer.setResolution(int(SCREEN_DPI))
        writer.setPageLayout(QPageLayout(a4, QPageLayout.Orientation.Landscape, QMarginsF()))
        device = writer
    elif suffix == ".png":
        zoom = png_dpi / SCREEN_DPI
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
        generator.setResolution(int(SCREEN_DPI))
        generator.setTitle("Openness comparison")
        generator.setDescription(source_line(comparison_sources(comparison),
                                             snapshot_of(comparison, snapshot_date)))
        device = generator
    margin = 12 * INCH_PER_MM * SCREEN_DPI
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
        if not image.save(str(path), "PNG"):  # type: ignore[call-overload]
            raise OSError(f"could not write {path}")
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
    suffix = check_suffix(path)
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
