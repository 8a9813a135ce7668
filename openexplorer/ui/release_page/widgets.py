"""The release page's shared pieces: safe links, text formatting, labels, chips and the card frame.

Safety: text from model cards and sources is shown as plain text (``Qt.PlainText`` labels,
escaped tooltips, painted text); links open in the browser only when they are http(s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from openexplorer.ui import theme
from openexplorer.ui.breakdown_charts import tooltip

if TYPE_CHECKING:
    from openexplorer.views.model import Citation, HubView, UserCitation

log = logging.getLogger(__name__)

SAFE_SCHEMES = ("http", "https")
PROVISIONAL_TEXT = "provisional — from Hub metadata"
PROVISIONAL_TIP = ("No curated assessment exists for this release under this framework: the "
                   "figures are inferred automatically from its Hugging Face Hub metadata and "
                   "model card, and may be wrong.")

# --- links ------------------------------------------------------------------------------------


def is_safe_url(url: object) -> bool:
    """Whether ``url`` is an http(s) URL with a host: the only kind the page opens."""
    if not isinstance(url, str) or not url.strip():
        return False
    parsed = QUrl(url.strip(), QUrl.ParsingMode.StrictMode)
    return (parsed.isValid() and parsed.scheme().lower() in SAFE_SCHEMES
            and bool(parsed.host()))


def open_url(url: object) -> bool:
    """Open ``url`` in the browser if it is http(s); anything else is refused (False)."""
    if not is_safe_url(url):
        log.info("not opening a non-http(s) link: %r", url)
        return False
    return bool(QDesktopServices.openUrl(QUrl(str(url).strip(), QUrl.ParsingMode.StrictMode)))


def hub_url(hub_id: str) -> str:
    url = QUrl("https://huggingface.co")
    url.setPath("/" + hub_id.strip("/"))
    return url.toString()


def short_url(url: str) -> str:
    """``https://github.com/a/b`` → ``github.com/a/b``."""
    parsed = QUrl(url)
    if parsed.isValid() and parsed.host():
        rest = parsed.path().rstrip("/")
        return parsed.host().removeprefix("www.") + rest
    return url


# --- formatting -------------------------------------------------------------------------------


def format_parameters(value: object) -> str:
    try:
        n = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return "unknown"
    for unit, div in (("T", 1e12), ("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if n >= div:
            return f"{n / div:.3g} {unit}"
    return f"{n:.0f}"


def format_gated(hub: HubView | None) -> str:
    if not hub:
        return "unknown (no Hub metadata)"
    gated = hub.gated
    if gated is False:
        return "no"
    if gated in ("manual", "auto"):
        return f"yes ({'manual approval' if gated == 'manual' else 'automatic approval'})"
    if gated is True:
        return "yes"
    return "unknown" if gated is None else str(gated)


def text_or(value: object, default: str = "–") -> str:
    """``value`` as text, or ``default`` when it is missing or empty."""
    return default if value is None or value == "" else str(value)


def button_text(text: str) -> str:
    return text.replace("&", "&&")  # no accidental mnemonics from data


def cite(source: Citation | UserCitation | None) -> str:
    """"MOT · OLMo-7B · 2025-05-16" for a framework view's source."""
    if not source:
        return ""
    sid = source.source or ""
    parts = [{"mot": "MOT", "osai": "Index", "hub": "Hub metadata"}.get(sid, sid)]
    if source.key:
        parts.append(str(source.key))
    if source.assessed_date:
        parts.append(f"assessed {source.assessed_date}")
    elif source.source_version:
        parts.append(f"version {source.source_version}")
    return " · ".join(p for p in parts if p)



# --- small widgets --------------------------------------------------------------------------------


class ElidedLabel(QLabel):
    """A one-line plain-text label that elides what does not fit instead of clipping it."""

    def __init__(self, text: str = "", parent: QWidget | None = None, *,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle) -> None:
        super().__init__(text, parent)
        self._mode = mode
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(16, super().minimumSizeHint().height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        rect = self.contentsRect()
        text = self.fontMetrics().elidedText(self.text(), self._mode, rect.width())
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(rect, int(self.alignment()), text)
        painter.end()


class LinkLabel(ElidedLabel):
    """Plain text that acts as a link: click, Enter or Space emits ``clicked``."""

    clicked = Signal()

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent, mode=Qt.TextElideMode.ElideRight)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setForegroundRole(QPalette.ColorRole.Link)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
                event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.clicked.emit()
            return
        super().keyPressEvent(event)


def plain_label(text: object = "", *, wrap: bool = True, muted: bool = False,
                selectable: bool = False) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text_or(text, ""))
    label.setWordWrap(wrap)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def chip(text: str, status: str | None = None, tip: str = "") -> QLabel:
    """A small rounded tag, tinted with a status colour (neutral without one)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    color = QColor(theme.STATUS_COLORS.get(status or "", "#808080"))
    r, g, b = color.red(), color.green(), color.blue()
    label.setStyleSheet(
        f"QLabel {{ background-color: rgba({r},{g},{b},0.20); border: 1px solid rgba({r},{g},{b},"
        f"0.75); border-radius: 9px; padding: 1px 8px; }}")
    label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    if tip:
        label.setToolTip(tooltip([tip]))
    return label


def provisional_badge() -> QLabel:
    badge = chip(PROVISIONAL_TEXT, "partial", PROVISIONAL_TIP)
    badge.setObjectName("provisionalBadge")
    return badge


def clear_layout(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item is None:
            continue
        widget = item.widget()
        inner = item.layout()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif inner is not None:
            clear_layout(inner)


def heading(text: str, scale: float = 1.2) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def table_height(view: QTableView, max_rows: int) -> int:
    """Tall enough for ``max_rows`` rows (fewer if there are fewer): no empty band below."""
    rows = view.model().rowCount() if view.model() else 0
    body = sum(view.rowHeight(r) for r in range(min(rows, max_rows)))
    if rows and not body:
        body = min(rows, max_rows) * view.verticalHeader().defaultSectionSize()
    return view.horizontalHeader().sizeHint().height() + body + 2 * view.frameWidth()


class Card(QFrame):
    """A framework block: a titled panel on the chart background."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(8)
        head = QHBoxLayout()
        head.setSpacing(10)
        self.title = heading(title, 1.12)
        self.badge = provisional_badge()
        self.badge.hide()
        self.source = ElidedLabel()
        self.source.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.source.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        head.addWidget(self.title)
        head.addWidget(self.badge)
        head.addWidget(self.source, 1)
        layout.addLayout(head)
        self.body = layout

    def set_provisional(self, provisional: bool) -> None:
        self.badge.setVisible(bool(provisional))

    def set_source(self, text: str, tip: str = "") -> None:
        self.source.setText(text)
        self.source.setToolTip(tooltip([tip or text]))


# --- a chart below the fold ------------------------------------------------------------------


class ChartSlot(QWidget):
    """Holds the place of a chart below the fold until it is first painted (scrolled to).

    The index chart is the release page's only pyqtgraph widget; importing pyqtgraph for a chart
    nobody has scrolled to yet was a tenth of the app's start. The slot has the chart's size, so
    the page does not move when the chart takes its place.
    """

    def __init__(self, size: QSize, build: Callable[[], object], parent: QWidget | None = None
                 ) -> None:
        super().__init__(parent)
        self._size = size
        self._build: Callable[[], object] | None = build
        self.setMinimumHeight(size.height())
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self._size

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self._build is not None:  # on screen: the chart replaces the slot next event round
            build, self._build = self._build, None
            QTimer.singleShot(0, self, build)  # dropped if the page is gone by then
