"""Breakdown charts of one release under each framework, each usable on its own.

- :class:`MofTiles`: the MOF's 17 components as coloured tiles, grouped by class (III, II, I),
  each class with its progress bar and percentage.
- :class:`IndexTiles`: the European Open Source AI Index's 12 dimensions as tiles in their
  3 groups, each group with its score.
(The index's scores as a pyqtgraph bar chart are in :mod:`openexplorer.ui.index_chart`, so
that pyqtgraph is imported only when one is made.)
- :class:`VerdictBadge`: a verdict (pass / fail / unknown) as a coloured pill.
- :class:`StatusLegend`: the four status colours, named.
- :class:`StatusDot`: one status colour, as a dot beside a label.

Colours come from :mod:`openexplorer.ui.theme` only; every widget repaints when the palette
changes. Tiles are painted with QPainter, so they render crisply to PNG, SVG and PDF
(``widget.render(painter)``). Nothing from a card is rendered as active HTML: painted text is
plain, and tooltips are built from escaped text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from openexplorer.ui import theme

if TYPE_CHECKING:
    from openexplorer.views.model import MofComponent, MofView, OsaiView
    from openexplorer.frameworks import mof

#: The four statuses, in legend order.
STATUSES = ("open", "partial", "closed", "unknown")

#: What a MOF component's state means, shortly (tile caption) and fully (tooltip).
MOF_STATE_CAPTIONS: Mapping[str, str] = {
    "included": "Included",
    "open-with-warning": "With warning",
    "invalid": "Licence not open",
    "unlicensed": "Unlicensed",
    "missing": "Not listed",
}
MOF_STATE_DESCRIPTIONS: Mapping[str, str] = {
    "included": "included: listed, under an open licence suited to its type",
    "open-with-warning": "included with a warning: open licence, but not one suited to its type",
    "invalid": "not counted: its licence is not an open licence",
    "unlicensed": "not counted: listed without a licence",
    "missing": "not counted: not listed in the record",
}
LICENSE_SOURCE_TEXT: Mapping[str, str] = {
    "component": "the component's own licence",
    "type": "the release-wide licence for its type of content",
    "distribution": "the release-wide distribution licence",
}
OSAI_STATUS_CAPTIONS: Mapping[str | None, str] = {
    "open": "Open",
    "partial": "Partial",
    "closed": "Closed",
    None: "Unknown",
}
VERDICT_STATUS: Mapping[str, str] = {"pass": "open", "fail": "closed", "unknown": "unknown"}


# --- helpers --------------------------------------------------------------------------------


def tooltip(lines: Iterable[str | None]) -> str:
    """Tooltip rich text from plain lines, every line escaped: data never becomes markup."""
    body = "<br>".join(html.escape(line) for line in lines if line)
    return f"<qt>{body}</qt>" if body else ""


def contrast_text(background: QColor) -> QColor:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance)."""
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    lum = (0.2126 * channel(background.redF()) + 0.7152 * channel(background.greenF())
           + 0.0722 * channel(background.blueF()))
    return QColor("#000000") if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else QColor("#ffffff")


def blend(a: QColor, b: QColor, t: float) -> QColor:
    """``a`` moved ``t`` (0–1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * t,
        a.greenF() + (b.greenF() - a.greenF()) * t,
        a.blueF() + (b.blueF() - a.blueF()) * t,
    )


def mof_status(state: str | None) -> str:
    """A MOF component state as one of the four statuses."""
    return theme.MOF_STATE_STATUS.get(state or "", "unknown")


def percent_text(value: float | None) -> str:
    """``"100 %"``; below 100 rounded down, so an incomplete class never reads 100 %."""
    if value is None:
        return "–"
    return "100 %" if value >= 100 else f"{math.floor(value)} %"


# --- tiles ----------------------------------------------------------------------------------


@dataclass
class Tile:
    key: str
    title: str
    caption: str
    status: str  # open / partial / closed / unknown
    tooltip: str = ""
    note: str = ""  # e.g. "optional": right of the caption when there is room; dashed outline
    rect: QRectF = field(default_factory=QRectF)


@dataclass
class TileGroup:
    key: str
    title: str
    subtitle: str = ""
    value: float | None = None  # 0–1, the group's bar; None: no bar
    value_text: str = ""
    bar_color: QColor | None = None
    tiles: list[Tile] = field(default_factory=list)
    header_rect: QRectF = field(default_factory=QRectF)


class TileChart(QWidget):
    """Groups of coloured tiles, each group under a header with a bar and a value.

    The tiles flow into as many columns as fit (at most ``MAX_COLUMNS``), the same number in
    every group so that they line up; the widget's height follows its width.
    """

    MAX_COLUMNS = 7
    MARGIN = 10
    GAP = 6
    PAD = 7
    STRIPE = 5
    GROUP_SPACING = 12
    MAX_TITLE_LINES = 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._groups: list[TileGroup] = []
        self._empty_text = "No data"
        self._laid_out_width = -1
        self._height = 0
        self._heights: dict[int, int] = {}  # width → height, for heightForWidth
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(260)

    # -- data ------------------------------------------------------------------------------------

    def set_groups(self, groups: list[TileGroup], empty_text: str = "No data") -> None:
        self._groups = groups
        self._empty_text = empty_text
        self._invalidate()
        self.setAccessibleDescription(self.summary())
        self.updateGeometry()
        self.update()

    def groups(self) -> list[TileGroup]:
        return list(self._groups)

    def tiles(self) -> list[Tile]:
        return [t for g in self._groups for t in g.tiles]

    def summary(self) -> str:
        """A plain-text account of the chart (accessibility, tests)."""
        parts = []
        for g in self._groups:
            tiles = ", ".join(f"{t.title}: {t.caption}" for t in g.tiles)
            parts.append(f"{g.title} {g.subtitle} {g.value_text}: {tiles}".strip())
        return "; ".join(parts) or self._empty_text

    # -- geometry --------------------------------------------------------------------------------

    def _fonts(self) -> tuple[QFont, QFont, QFont]:
        base = self.font()
        title = QFont(base)
        title.setBold(True)
        caption = QFont(base)
        caption.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        return base, title, caption

    def _layout(self, width: int) -> int:
        """Place headers and tiles for ``width``; returns the height needed."""
        if width == self._laid_out_width:
            return self._height
        base, title_font, caption_font = self._fonts()
        fm, fm_caption = QFontMetrics(base), QFontMetrics(caption_font)
        m, gap, pad = self.MARGIN, self.GAP, self.PAD
        inner = max(1, width - 2 * m)
        if not self._groups:
            self._laid_out_width, self._height = width, 2 * m + fm.height() * 2
            return self._height

        min_tile = max(118, fm.horizontalAdvance("Model parameters") + 2 * pad + self.STRIPE)
        widest_group = max(len(g.tiles) for g in self._groups) or 1
        cols = max(1, min(self.MAX_COLUMNS, widest_group, (inner + gap) // (min_tile + gap)))
        tile_w = (inner - (cols - 1) * gap) / cols
        text_w = int(tile_w - 2 * pad - self.STRIPE)
        lines = 1
        for tile in self.tiles():
            lines = max(lines, len(_fit_lines(tile.title, fm, max(10, text_w - 2),
                                              self.MAX_TITLE_LINES)))
        tile_h = pad + lines * fm.lineSpacing() + 3 + fm_caption.height() + pad
        header_h = max(QFontMetrics(title_font).height(), fm.height()) + 10

        y = float(m)
        for index, group in enumerate(self._groups):
            if index:
                y += self.GROUP_SPACING
            group.header_rect = QRectF(m, y, inner, header_h)
            y += header_h + 2
            for i, tile in enumerate(group.tiles):
                row, col = divmod(i, cols)
                tile.rect = QRectF(m + col * (tile_w + gap), y + row * (tile_h + gap),
                                   tile_w, tile_h)
            rows = math.ceil(len(group.tiles) / cols) if group.tiles else 0
            y += rows * tile_h + max(0, rows - 1) * gap
        self._laid_out_width, self._height = width, int(math.ceil(y + m))
        return self._height

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        if width not in self._heights:
            self._heights[width] = self._layout(width)
        return self._heights[width]

    def _invalidate(self) -> None:
        self._laid_out_width = -1
        self._heights.clear()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(760, self.heightForWidth(760))

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(260, self.heightForWidth(max(260, self.width())))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.heightForWidth(self.width()) != self.height():
            self.updateGeometry()

    # -- painting --------------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in theme.PALETTE_EVENTS:
            self._invalidate()
            self.update()
        elif event.type() == QEvent.Type.FontChange:
            self._invalidate()
            self.updateGeometry()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        self._layout(self.width())
        colors = theme.chart_colors()
        bg, fg = QColor(colors.background), QColor(colors.foreground)
        muted = blend(fg, bg, 0.38)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), bg)
        base, title_font, caption_font = self._fonts()
        if not self._groups:
            painter.setPen(muted)
            painter.setFont(base)
            painter.drawText(self.rect().adjusted(self.MARGIN, 0, -self.MARGIN, 0),
                             int(Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap),
                             self._empty_text)
            painter.end()
            return
        label_w = 0
        fm_title, fm = QFontMetrics(title_font), QFontMetrics(base)
        for g in self._groups:
            label_w = max(label_w, fm_title.horizontalAdvance(g.title)
                          + (fm.horizontalAdvance("  " + g.subtitle) if g.subtitle else 0))
        value_w = max([fm_title.horizontalAdvance(g.value_text) for g in self._groups] + [0])
        for group in self._groups:
            self._paint_header(painter, group, label_w, value_w, fg, bg, muted)
            for tile in group.tiles:
                self._paint_tile(painter, tile, fg, bg, muted, base, caption_font)
        painter.end()

    def _paint_header(self, painter: QPainter, group: TileGroup, label_w: int, value_w: int,
                      fg: QColor, bg: QColor, muted: QColor) -> None:
        base, title_font, _ = self._fonts()
        rect = group.header_rect
        fm_title = QFontMetrics(title_font)
        painter.setFont(title_font)
        painter.setPen(fg)
        text_rect = QRectF(rect.left(), rect.top(), rect.width(), rect.height())
        align = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        painter.drawText(text_rect, align, group.title)
        if group.subtitle:
            painter.setFont(base)
            painter.setPen(muted)
            x = rect.left() + fm_title.horizontalAdvance(group.title)
            painter.drawText(QRectF(x, rect.top(), rect.width(), rect.height()), align,
                             "  " + group.subtitle)
        if group.value_text:
            painter.setFont(title_font)
            painter.setPen(fg)
            painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignRight
                                            | Qt.AlignmentFlag.AlignVCenter), group.value_text)
        bar_left = rect.left() + label_w + 16
        bar_right = rect.right() - value_w - 12
        if group.value is None or bar_right - bar_left < 60:
            return
        bar_h = 8.0
        track = QRectF(bar_left, rect.center().y() - bar_h / 2, bar_right - bar_left, bar_h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(blend(bg, fg, 0.14))
        painter.drawRoundedRect(track, bar_h / 2, bar_h / 2)
        value = max(0.0, min(1.0, group.value))
        if value > 0:
            filled = QRectF(track.left(), track.top(), max(bar_h, track.width() * value), bar_h)
            painter.setBrush(group.bar_color or theme.series_color(0))
            painter.drawRoundedRect(filled, bar_h / 2, bar_h / 2)

    def _paint_tile(self, painter: QPainter, tile: Tile, fg: QColor, bg: QColor,
                    muted: QColor, base: QFont, caption_font: QFont) -> None:
        color = theme.status_color(tile.status)
        rect = tile.rect
        path = QPainterPath()
        path.addRoundedRect(rect, 4, 4)
        painter.fillPath(path, blend(bg, color, 0.22))
        painter.save()
        painter.setClipPath(path)
        painter.fillRect(QRectF(rect.left(), rect.top(), self.STRIPE, rect.height()), color)
        painter.restore()
        outline = QPen(blend(bg, color, 0.6), 1)
        if tile.note:
            outline = QPen(blend(bg, color, 0.9), 1, Qt.PenStyle.DashLine)
        painter.setPen(outline)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

        pad = self.PAD
        fm, fm_caption = QFontMetrics(base), QFontMetrics(caption_font)
        text_left = rect.left() + self.STRIPE + pad
        text_w = rect.width() - self.STRIPE - 2 * pad
        caption_h = fm_caption.height()
        title_rect = QRectF(text_left, rect.top() + pad, text_w,
                            rect.height() - 2 * pad - caption_h - 3)
        painter.setFont(base)
        painter.setPen(fg)
        max_lines = max(1, int((title_rect.height() + 1) // fm.lineSpacing()))
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        for i, line in enumerate(_fit_lines(tile.title, fm, int(text_w) - 2, max_lines)):
            painter.drawText(QRectF(text_left, title_rect.top() + i * fm.lineSpacing(),
                                    text_w, fm.height()), flags, line)
        painter.setFont(caption_font)
        painter.setPen(blend(fg, bg, 0.25))
        caption_rect = QRectF(text_left, rect.bottom() - pad - caption_h, text_w, caption_h)
        painter.drawText(caption_rect, int(Qt.AlignmentFlag.AlignLeft
                                           | Qt.AlignmentFlag.AlignVCenter),
                         fm_caption.elidedText(tile.caption, Qt.TextElideMode.ElideRight,
                                               int(text_w)))
        if tile.note and (fm_caption.horizontalAdvance(tile.caption) + 10
                          + fm_caption.horizontalAdvance(tile.note) <= text_w):
            painter.setPen(muted)
            painter.drawText(caption_rect, int(Qt.AlignmentFlag.AlignRight
                                               | Qt.AlignmentFlag.AlignVCenter), tile.note)

    # -- tooltips --------------------------------------------------------------------------------

    def tile_at(self, pos: QPointF) -> Tile | None:
        self._layout(self.width())
        for tile in self.tiles():
            if tile.rect.contains(pos):
                return tile
        return None

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            tile = self.tile_at(QPointF(event.pos()))
            if tile and tile.tooltip:
                QToolTip.showText(event.globalPos(), tile.tooltip, self,
                                  tile.rect.toAlignedRect())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)


def _fit_lines(text: str, fm: QFontMetrics, width: int, max_lines: int) -> list[str]:
    """``text`` word-wrapped to ``max_lines`` lines of ``width``, the last one elided."""
    words, lines, current = text.split(), [], ""
    for word in words:
        candidate = f"{current} {word}".strip()
        if fm.horizontalAdvance(candidate) <= width or not current:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines - 1] + [" ".join(lines[max_lines - 1:])]
    return [fm.elidedText(line, Qt.TextElideMode.ElideRight, width) for line in lines]


class MofTiles(TileChart):
    """The MOF's 17 components as tiles by class, each class with its progress (0–100 %)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._mof: MofView | None = None
        self.setAccessibleName("MOF components by class")
        self.set_mof(None)

    def set_mof(self, view_mof: MofView | None) -> None:
        """``view.mof`` of :func:`openexplorer.views.release.release_view`."""
        self._mof = view_mof
        components = (view_mof.components if view_mof is not None else None) or {}
        progress = (view_mof.progress if view_mof is not None else None) or {}
        groups: list[TileGroup] = []
        if components:
            from openexplorer.frameworks import mof  # (not on the start's path: a page is empty)

            for cls in ("III", "II", "I"):
                label = mof.CLASS_LABELS.get(cls, "")  # type: ignore[call-overload]
                subtitle = label.split(" - ", 1)[1] if " - " in label else ""
                value = progress.get(cls)
                tiles = [self._tile(c, components.get(c.name))
                         for c in mof.COMPONENTS if c.class_name == cls]
                bar = theme.STATUS_COLORS["open" if (value or 0) >= 100 else "partial"]
                groups.append(TileGroup(
                    key=cls, title=f"Class {cls}", subtitle=subtitle,
                    value=None if value is None else value / 100,
                    value_text=percent_text(value), bar_color=QColor(bar), tiles=tiles,
                ))
        self.set_groups(groups, "No Model Openness Tool record for this release.")

    @staticmethod
    def _tile(component: mof.Component, outcome: MofComponent | None) -> Tile:
        state = (outcome.state if outcome is not None else None)
        caption = MOF_STATE_CAPTIONS.get(state or "", "Unknown")
        lines = [component.name,
                 f"Class {component.class_name}, {component.content_type}"
                 + ("" if component.required else ", optional"),
                 f"State: {MOF_STATE_DESCRIPTIONS.get(state or '', state or 'unknown')}"]
        license_ = (outcome.license if outcome is not None else None)
        source = LICENSE_SOURCE_TEXT.get(
            (outcome.license_source if outcome is not None else None) or "")
        if license_:
            lines.append(f"Licence: {license_}" + (f" ({source})" if source else ""))
        elif source:
            lines.append(f"Licence: none ({source})")
        if outcome is not None and outcome.warning:
            lines.append(f"Warning: {outcome.warning}")
        return Tile(key=component.name, title=component.name, caption=caption,
                    status=mof_status(state), tooltip=tooltip(lines),
                    note="" if component.required else "optional")

    def progress_text(self, mof_class: str) -> str:
        for group in self.groups():
            if group.key == mof_class:
                return group.value_text
        return ""

    def states(self) -> dict[str, str | None]:
        """Component name → MOF state, as shown."""
        components = (self._mof.components if self._mof is not None else None) or {}
        return {t.key: _state(components.get(t.key)) for t in self.tiles()}


def _state(outcome: MofComponent | None) -> str | None:
    return outcome.state if outcome is not None else None


class IndexTiles(TileChart):
    """The index's 12 dimensions as tiles in their 3 groups, each group with its score."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._dimensions: dict[str, str | None] = {}
        self.setAccessibleName("Index dimensions by group")
        self.set_osai(None)

    def set_osai(self, view_osai: OsaiView | None) -> None:
        """``view.osai`` of :func:`openexplorer.views.release.release_view`."""
        dims: dict[str, str | None] = dict(view_osai.dimensions if view_osai else {})
        self._dimensions = dims
        scores = view_osai.groups if view_osai else {}
        score = view_osai.score if view_osai else None
        groups: list[TileGroup] = []
        if score is not None or dims:
            from openexplorer.frameworks import osai  # (not on the start's path)

            for group in osai.GROUPS:
                tiles = []
                for ref in group.params:
                    dimension = osai.dimension(ref)
                    name = dimension.name if dimension else ref
                    applicable = ref in dims
                    status = dims.get(ref) if applicable else None
                    caption = (OSAI_STATUS_CAPTIONS.get(status, "Unknown") if applicable
                               else "Not applicable")
                    lines = [name, f"{group.name} · {caption}"]
                    if dimension and dimension.question:
                        lines.append(dimension.question)
                    if not applicable:
                        lines.append("Does not apply to this type of model; not scored.")
                    tiles.append(Tile(key=ref, title=name, caption=caption,
                                      status=status or "unknown", tooltip=tooltip(lines)))
                value = scores.get(group.ref)
                groups.append(TileGroup(
                    key=group.ref, title=group.name, value=value,
                    value_text="–" if value is None else f"{value:.2f}",
                    bar_color=theme.series_color(0), tiles=tiles,
                ))
        self.set_groups(groups, "Not assessed by the European Open Source AI Index.")

    def statuses(self) -> dict[str, str | None]:
        """Dimension ref → class, for the dimensions that apply (None: blank or unknown)."""
        return {t.key: self._dimensions.get(t.key) for t in self.tiles()
                if t.key in self._dimensions}


# --- badges and legends -----------------------------------------------------------------------


class VerdictBadge(QWidget):
    """A verdict as a coloured pill: "Pass", "Fail" or "Unknown", with an optional prefix."""

    def __init__(self, parent: QWidget | None = None, *, prefix: str = "",
                 scale: float = 1.15) -> None:
        super().__init__(parent)
        self._prefix = prefix
        self._scale = scale
        self._verdict: str | None = None
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.set_verdict(None)

    def set_verdict(self, verdict: str | None, prefix: str | None = None) -> None:
        self._verdict = verdict
        if prefix is not None:
            self._prefix = prefix
        self.setAccessibleName(self.text())
        self.updateGeometry()
        self.update()

    def verdict(self) -> str | None:
        return self._verdict

    def status(self) -> str:
        return VERDICT_STATUS.get(self._verdict or "", "unknown")

    def text(self) -> str:
        word = (self._verdict or "unknown").capitalize()
        return f"{self._prefix}{word}"

    def _font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * self._scale)
        return font

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self._font())
        return QSize(fm.horizontalAdvance(self.text()) + 2 * fm.height() + 4,
                     fm.height() + 12)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in theme.PALETTE_EVENTS or event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = theme.status_color(self.status())
        rect = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        radius = rect.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(rect, radius, radius)
        fm = QFontMetrics(self._font())
        # A mark inside the pill, so the verdict does not rest on colour alone.
        mark = {"pass": "✓", "fail": "✗"}.get(self._verdict or "", "?")
        painter.setFont(self._font())
        painter.setPen(contrast_text(color))
        text_rect = rect.adjusted(fm.height() * 0.6, 0, -fm.height() * 0.6, 0)
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignCenter),
                         f"{mark} {self.text()}")
        painter.end()


class StatusLegend(QWidget):
    """The four status colours with their names, in one row."""

    SWATCH = 12
    SPACING = 16

    def __init__(self, parent: QWidget | None = None,
                 labels: Mapping[str, str] | None = None) -> None:
        super().__init__(parent)
        self._labels = dict(labels or theme.STATUS_LABELS)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Legend: " + ", ".join(self._labels[s] for s in STATUSES))

    def labels(self) -> dict[str, str]:
        return dict(self._labels)

    def sizeHint(self) -> QSize:  # noqa: N802
        fm = QFontMetrics(self.font())
        width = sum(self.SWATCH + 6 + fm.horizontalAdvance(self._labels[s]) for s in STATUSES)
        return QSize(width + self.SPACING * (len(STATUSES) - 1) + 4,
                     max(fm.height(), self.SWATCH) + 8)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return self.sizeHint()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in theme.PALETTE_EVENTS or event.type() == QEvent.Type.FontChange:
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetrics(self.font())
        fg = self.palette().color(self.foregroundRole())
        x, mid = 2.0, self.height() / 2
        for status in STATUSES:
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(theme.status_color(status))
            painter.drawRoundedRect(QRectF(x, mid - self.SWATCH / 2, self.SWATCH, self.SWATCH),
                                    3, 3)
            x += self.SWATCH + 6
            painter.setPen(fg)
            label = self._labels[status]
            painter.drawText(QRectF(x, 0, fm.horizontalAdvance(label) + 2, self.height()),
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                             label)
            x += fm.horizontalAdvance(label) + self.SPACING
        painter.end()


class StatusDot(QWidget):
    """One status colour as a small dot (beside a text label)."""

    def __init__(self, status: str | None = "unknown", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._status = status or "unknown"
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def status(self) -> str:
        return self._status

    def set_status(self, status: str | None) -> None:
        self._status = status or "unknown"
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        side = max(10, QFontMetrics(self.font()).height() - 4)
        return QSize(side, side)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in theme.PALETTE_EVENTS:
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(theme.status_color(self._status))
        side = min(self.width(), self.height()) - 2
        painter.drawEllipse(QRectF((self.width() - side) / 2, (self.height() - side) / 2,
                                   side, side))
        painter.end()
