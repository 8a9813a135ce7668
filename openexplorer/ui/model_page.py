"""The model page: one release under every framework at once, with its evidence and history.

:class:`ModelPage` renders the dict of :func:`openexplorer.views.release.release_view`. It never reads
the cache itself: the window hands it a view, and it asks for other releases through signals.

Safety: text from model cards and sources is shown as plain text (``Qt.PlainText`` labels,
escaped tooltips, painted text); links open in the browser only when they are http(s).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QObject,
    QPoint,
    QSize,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QColor,
    QDesktopServices,
    QFont,
    QGuiApplication,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from openexplorer.ui import theme
from openexplorer.ui.breakdown_charts import (
    IndexTiles,
    MofTiles,
    StatusDot,
    StatusLegend,
    VerdictBadge,
    mof_status,
    tooltip,
)

if TYPE_CHECKING:
    from openexplorer.ui.index_chart import IndexScoreChart

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

SAFE_SCHEMES = ("http", "https")
PROVISIONAL_TEXT = "provisional — from Hub metadata"
PROVISIONAL_TIP = ("No curated assessment exists for this release under this framework: the "
                   "figures are inferred automatically from its Hugging Face Hub metadata and "
                   "model card, and may be wrong.")

ORG_KINDS: Mapping[str, str] = {
    "big-tech": "Big Tech",
    "company": "company",
    "academic": "academic & non-profit",
    "public": "public sector",
}
FRAMEWORK_NAMES: Mapping[str, str] = {
    "mof": "MOF",
    "osai": "Index",
    "osai-legacy": "Index (legacy)",
    "osaid": "OSAID",
    "epoch": "Epoch AI",
    "fmti": "FMTI",
    "hub": "Hub",
}
_STATUS_WORDS: Mapping[str, str] = {"pass": "open", "fail": "closed", "present": "unknown"}


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


def format_gated(hub: Mapping[str, Any] | None) -> str:
    if not hub:
        return "unknown (no Hub metadata)"
    gated = hub.get("gated")
    if gated is False:
        return "no"
    if gated in ("manual", "auto"):
        return f"yes ({'manual approval' if gated == 'manual' else 'automatic approval'})"
    if gated is True:
        return "yes"
    return "unknown" if gated is None else str(gated)


def _text(value: object, default: str = "–") -> str:
    return default if value is None or value == "" else str(value)


def _button_text(text: str) -> str:
    return text.replace("&", "&&")  # no accidental mnemonics from data


def _cite(source: Mapping[str, Any] | None) -> str:
    """"MOT · OLMo-7B · 2025-05-16" for a framework view's source."""
    if not source:
        return ""
    sid = source.get("source") or ""
    parts = [{"mot": "MOT", "osai": "Index", "hub": "Hub metadata"}.get(sid, sid)]
    if source.get("key"):
        parts.append(str(source["key"]))
    if source.get("assessed_date"):
        parts.append(f"assessed {source['assessed_date']}")
    elif source.get("source_version"):
        parts.append(f"version {source['source_version']}")
    return " · ".join(p for p in parts if p)


# --- evidence table -----------------------------------------------------------------------------


class EvidenceTableModel(QAbstractTableModel):
    """One evidence row per assessment: what a source says about one component."""

    COLUMNS = (
        ("framework", "Framework"),
        ("component", "Component"),
        ("status", "Status"),
        ("license", "Licence"),
        ("link", "Link"),
        ("source", "Source"),
        ("date", "Date"),
        ("origin", "Origin"),
    )
    LINK_COLUMN = 4
    STATUS_COLUMN = 2
    RowRole = Qt.ItemDataRole.UserRole + 1
    StatusRole = Qt.ItemDataRole.UserRole + 2
    UrlsRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_rows(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.beginResetModel()
        self._rows = [dict(r) for r in rows]
        self.endResetModel()

    def row(self, row: int) -> dict[str, Any]:
        return self._rows[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole
                and 0 <= section < len(self.COLUMNS)):
            return self.COLUMNS[section][1]
        return None

    # -- cell values -----------------------------------------------------------------------------

    @staticmethod
    def status_of(row: Mapping[str, Any]) -> str:
        """The row's status as one of open / partial / closed / unknown (for its colour)."""
        if row.get("outcome"):
            return mof_status(row["outcome"])
        status = str(row.get("status") or "unknown")
        status = _STATUS_WORDS.get(status, status)
        return status if status in theme.STATUS_COLORS else "unknown"

    @staticmethod
    def status_text(row: Mapping[str, Any]) -> str:
        """As release_markdown writes it: the MOF's outcome, the Hub field, a source's label."""
        status = str(row.get("outcome") or row.get("status") or "unknown")
        value = row.get("value")
        if row.get("framework") == "hub" and value:
            return f"{status} ({value})"
        if row.get("framework") in ("epoch", "fmti") and value:
            return str(value)
        return status.replace("-", " ")

    @staticmethod
    def component_text(row: Mapping[str, Any]) -> str:
        component = str(row.get("component") or "")
        if row.get("framework") == "osai":
            from openexplorer.frameworks import osai  # (the frameworks: not on the start's path)

            dimension = osai.dimension(component)
            if dimension:
                return dimension.name
        if row.get("framework") in ("epoch", "hub", "osai-legacy"):
            return component.replace("_", " ").capitalize()
        return component

    @staticmethod
    def license_text(row: Mapping[str, Any]) -> str:
        license_ = row.get("resolved_license") or row.get("license")
        if not license_:
            return ""
        if row.get("license_source") in ("type", "distribution"):
            return f"{license_} (release-wide)"
        return str(license_)

    @staticmethod
    def link_text(urls: Sequence[str]) -> str:
        if not urls:
            return ""
        first = short_url(urls[0]) if is_safe_url(urls[0]) else urls[0]
        return first + (f"  (+{len(urls) - 1})" if len(urls) > 1 else "")

    def _display(self, row: Mapping[str, Any], column: str) -> str:
        if column == "framework":
            return FRAMEWORK_NAMES.get(row.get("framework") or "", str(row.get("framework")))
        if column == "component":
            return self.component_text(row)
        if column == "status":
            return self.status_text(row)
        if column == "license":
            return self.license_text(row)
        if column == "link":
            return self.link_text(row.get("urls") or [])
        if column == "source":
            return str(row.get("source") or "")
        if column == "date":
            return _text(row.get("assessed_date"), "")
        if column == "origin":
            return "Automated" if row.get("automated") else "Curated"
        return ""

    def _tooltip(self, row: Mapping[str, Any], column: str) -> str:
        if column == "link":
            urls = row.get("urls") or []
            if not urls:
                return ""
            lines = [str(u) + ("" if is_safe_url(u) else "  (not opened: not an http(s) link)")
                     for u in urls]
            return tooltip(lines + ["Click to open the first link; right-click for all."])
        if column == "source":
            from openexplorer.core.sources import SOURCES

            source = SOURCES.get(str(row.get("source")))
            return tooltip([
                source.name if source else str(row.get("source")),
                f"Record: {row.get('key')}" if row.get("key") else None,
                f"Source version: {row.get('source_version')}"
                if row.get("source_version") else None,
                f"Scope: {row.get('scope')}" if row.get("scope") else None,
            ])
        if column == "component":
            return tooltip([str(row.get("component") or ""), row.get("framework")])
        if column == "origin":
            return tooltip(["Inferred automatically from Hugging Face Hub metadata"
                            if row.get("automated") else "From a curated source"])
        return tooltip([self._display(row, column)])

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.COLUMNS[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.DecorationRole and column == "status":
            return theme.status_color(self.status_of(row))
        if role == Qt.ItemDataRole.ForegroundRole and column == "link":
            urls = row.get("urls") or []
            if urls and is_safe_url(urls[0]):
                return QGuiApplication.palette().color(QPalette.ColorRole.Link)
            return None
        if role == Qt.ItemDataRole.FontRole and column == "link":
            urls = row.get("urls") or []
            if urls and is_safe_url(urls[0]):
                font = QFont()
                font.setUnderline(True)
                return font
            return None
        if role == self.RowRole:
            return row
        if role == self.StatusRole:
            return self.status_of(row)
        if role == self.UrlsRole:
            return list(row.get("urls") or [])
        return None


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
    label.setText(_text(text, ""))
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
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()
        elif item.layout() is not None:
            clear_layout(item.layout())


def _heading(text: str, scale: float = 1.2) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _table_height(view: QTableView, max_rows: int) -> int:
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
        self.title = _heading(title, 1.12)
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


# --- the page ---------------------------------------------------------------------------------


class _ChartSlot(QWidget):
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


class ModelPage(QWidget):
    """One release: header, a breakdown per framework, evidence, lineage, family, history.

    Signals:
        release_requested(str): the user clicked another release that is in the cache (a
            release of the family, or a base model); the argument is its release id.
        compare_requested(list): "Add to comparison" ([release id]).
        refresh_requested(list): "Refresh from the Hub" ([hub id]).
    """

    release_requested = Signal(str)
    compare_requested = Signal(list)
    refresh_requested = Signal(list)

    PROMPT = "Select a release to see how open it is."
    #: A release read off the GUI thread leaves the page blank this long, then says so.
    READING_SAYS_SO_AFTER_MS = 400
    FAMILY_COLUMNS = 3
    FAMILY_SHOWN = 24  # more behind "Show all"
    EVIDENCE_VISIBLE_ROWS = 14
    CHANGES_VISIBLE_ROWS = 8

    def __init__(self, parent: QWidget | None = None, *,
                 snapshot_date: str | None = None) -> None:
        super().__init__(parent)
        self._view: dict[str, Any] | None = None
        self._reading = False
        self._snapshot_date = snapshot_date
        self._build()
        self._connect_signals()
        self.clear()

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll)

        self.placeholder = plain_label(self.PROMPT, muted=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.placeholder)

        self.content = QWidget()
        self.scroll.setWidget(self.content)
        page = QVBoxLayout(self.content)
        page.setContentsMargins(18, 14, 18, 18)
        page.setSpacing(10)
        self._page_layout = page

        self._build_header(page)
        self._build_licence(page)

        row = QHBoxLayout()
        row.addWidget(_heading("Openness", 1.3))
        row.addStretch(1)
        self.legend = StatusLegend()
        row.addWidget(self.legend)
        page.addSpacing(6)
        page.addLayout(row)

        self._build_mof(page)
        self._build_index(page)
        self._build_osaid(page)
        self._build_other(page)
        self._build_evidence(page)
        self._build_lineage(page)
        self._build_family(page)
        self._build_changes(page)
        page.addStretch(1)

    def _build_header(self, page: QVBoxLayout) -> None:
        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(2)
        self.title_label = _heading("", 1.75)
        self.title_label.setWordWrap(True)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.id_label = plain_label(muted=True, selectable=True)
        titles.addWidget(self.title_label)
        titles.addWidget(self.id_label)
        top.addLayout(titles, 1)

        buttons = QHBoxLayout()
        buttons.setSpacing(6)
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Add this release to the comparison (Ctrl+Shift+C)")
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("Fetch this model's current Hub metadata")
        self.copy_button = QPushButton("Copy Markdown")
        self.copy_button.setToolTip("Copy this page, with its sources, as Markdown")
        for button in (self.compare_button, self.refresh_button, self.copy_button):
            buttons.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(buttons)
        page.addLayout(top)

        chips = QHBoxLayout()
        chips.setSpacing(6)
        self.origin_chip = chip("")
        self.origin_chip.setObjectName("originChip")
        chips.addWidget(self.origin_chip)
        self.header_provisional = provisional_badge()
        chips.addWidget(self.header_provisional)
        self.hub_link = LinkLabel("Open on the Hub")
        chips.addWidget(self.hub_link)
        chips.addStretch(1)
        page.addLayout(chips)

        facts = QGridLayout()
        facts.setHorizontalSpacing(12)
        facts.setVerticalSpacing(4)
        self.fact_values: dict[str, QLabel] = {}
        specs = (("organization", "Organisation"), ("parameters", "Parameters"),
                 ("family", "Family"), ("gated", "Gated"),
                 ("release_date", "Released"), ("modality", "Modality"),
                 ("sources", "Sources"), ("hub", "On the Hub"))
        for i, (key, caption) in enumerate(specs):
            row, col = divmod(i, 2)
            facts.addWidget(plain_label(caption, wrap=False, muted=True), row, col * 2,
                            Qt.AlignmentFlag.AlignTop)
            value = plain_label(selectable=True)
            self.fact_values[key] = value
            facts.addWidget(value, row, col * 2 + 1, Qt.AlignmentFlag.AlignTop)
        facts.setColumnStretch(1, 1)
        facts.setColumnStretch(3, 1)
        page.addLayout(facts)

    def _build_licence(self, page: QVBoxLayout) -> None:
        page.addSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(8)
        caption = plain_label("Licence", wrap=False, muted=True)
        row.addWidget(caption)
        self.license_label = plain_label(selectable=True)
        font = self.license_label.font()
        font.setBold(True)
        self.license_label.setFont(font)
        row.addWidget(self.license_label, 1)
        page.addLayout(row)
        self.license_chips = QHBoxLayout()
        self.license_chips.setSpacing(6)
        page.addLayout(self.license_chips)
        self.restrictions_box = QVBoxLayout()
        self.restrictions_box.setSpacing(3)
        page.addLayout(self.restrictions_box)

    def _build_mof(self, page: QVBoxLayout) -> None:
        self.mof_card = Card("Model Openness Framework (MOF)")
        self.mof_class_label = _heading("", 1.05)
        self.mof_class_label.setWordWrap(True)
        self.mof_card.body.addWidget(self.mof_class_label)
        self.mof_tiles = MofTiles()
        self.mof_card.body.addWidget(self.mof_tiles)
        self.mof_note = plain_label(
            "Included = open · included with a warning (open licence not suited to the "
            "content type) = partial · not listed, unlicensed or not openly licensed = closed. "
            "Dashed outline: optional component. A class counts only when the classes above it "
            "are complete.", muted=True)
        self.mof_card.body.addWidget(self.mof_note)
        self.mof_empty = plain_label("No Model Openness Tool record for this release.",
                                     muted=True)
        self.mof_card.body.addWidget(self.mof_empty)
        page.addWidget(self.mof_card)

    def _build_index(self, page: QVBoxLayout) -> None:
        self.index_card = Card("European Open Source AI Index")
        row = QHBoxLayout()
        row.setSpacing(16)
        score_box = QVBoxLayout()
        score_box.setSpacing(0)
        self.index_score_label = _heading("", 2.4)
        self.index_score_label.setAlignment(Qt.AlignmentFlag.AlignLeft
                                            | Qt.AlignmentFlag.AlignBottom)
        score_box.addWidget(self.index_score_label)
        self.index_score_caption = plain_label("index score, 0–1", wrap=False, muted=True)
        score_box.addWidget(self.index_score_caption)
        score_box.addStretch(1)
        row.addLayout(score_box)
        self._index_row = row
        self._index_chart: IndexScoreChart | None = None
        self._index_osai: Mapping[str, Any] | None = None
        self._index_slot = _ChartSlot(QSize(420, 160), lambda: self.index_chart)
        self._index_slot.hide()
        row.addWidget(self._index_slot, 1)
        self.index_card.body.addLayout(row)
        self.index_tiles = IndexTiles()
        self.index_card.body.addWidget(self.index_tiles)
        self.index_empty = plain_label(
            "Not assessed by the European Open Source AI Index.", muted=True)
        self.index_card.body.addWidget(self.index_empty)
        page.addWidget(self.index_card)

    @property
    def index_chart(self) -> IndexScoreChart:
        """The index scores' bar chart, made when first painted or asked for (export, tests)."""
        if self._index_chart is None:
            from openexplorer.ui.index_chart import IndexScoreChart

            chart = IndexScoreChart(self.index_card)
            chart.hide()
            if self._index_osai is not None:
                chart.set_osai(self._index_osai)
            self._index_row.replaceWidget(self._index_slot, chart)
            chart.setVisible(not self._index_slot.isHidden())
            self._index_slot.hide()
            self._index_slot.deleteLater()
            self._index_chart = chart
        return self._index_chart

    def _build_osaid(self, page: QVBoxLayout) -> None:
        self.osaid_card = Card("Open Source AI Definition 1.0")
        row = QHBoxLayout()
        row.setSpacing(10)
        self.verdict_badge = VerdictBadge(prefix="Computed: ")
        row.addWidget(self.verdict_badge)
        self.osi_box = QHBoxLayout()
        self.osi_box.setSpacing(8)
        row.addLayout(self.osi_box)
        row.addStretch(1)
        self.osaid_card.body.addLayout(row)
        self.osaid_basis = plain_label(muted=True)
        self.osaid_card.body.addWidget(self.osaid_basis)
        self.reasons_box = QVBoxLayout()
        self.reasons_box.setSpacing(3)
        self.osaid_card.body.addLayout(self.reasons_box)
        page.addWidget(self.osaid_card)

    def _build_other(self, page: QVBoxLayout) -> None:
        self.other_card = Card("Other indicators")
        self.other_box = QGridLayout()
        self.other_box.setHorizontalSpacing(12)
        self.other_box.setVerticalSpacing(6)
        self.other_box.setColumnStretch(1, 1)
        self.other_card.body.addLayout(self.other_box)
        page.addWidget(self.other_card)

    def _build_evidence(self, page: QVBoxLayout) -> None:
        page.addSpacing(6)
        row = QHBoxLayout()
        row.addWidget(_heading("Evidence", 1.3))
        self.evidence_count = plain_label(wrap=False, muted=True)
        row.addWidget(self.evidence_count)
        row.addStretch(1)
        self.org_rows_check = QCheckBox()
        row.addWidget(self.org_rows_check)
        page.addLayout(row)
        self.evidence_model = EvidenceTableModel(self)
        self.evidence_proxy = QSortFilterProxyModel(self)
        self.evidence_proxy.setSourceModel(self.evidence_model)
        self.evidence_view = QTableView()
        self.evidence_view.setModel(self.evidence_proxy)
        self.evidence_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.evidence_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.evidence_view.setAlternatingRowColors(True)
        self.evidence_view.setWordWrap(False)
        self.evidence_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.evidence_view.verticalHeader().hide()
        self.evidence_view.setMouseTracking(True)
        self.evidence_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header = self.evidence_view.horizontalHeader()
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.evidence_view.setSortingEnabled(True)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(48)
        self.evidence_view.viewport().installEventFilter(self)
        self.evidence_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        page.addWidget(self.evidence_view)
        self.evidence_empty = plain_label("No evidence recorded.", muted=True)
        page.addWidget(self.evidence_empty)

    def _build_lineage(self, page: QVBoxLayout) -> None:
        page.addSpacing(6)
        page.addWidget(_heading("Base models", 1.3))
        self.chain_box = QVBoxLayout()
        self.chain_box.setSpacing(3)
        page.addLayout(self.chain_box)
        self.limits_heading = plain_label("Limits inherited from the base models", muted=True)
        page.addWidget(self.limits_heading)
        self.limits_box = QVBoxLayout()
        self.limits_box.setSpacing(3)
        page.addLayout(self.limits_box)

    def _build_family(self, page: QVBoxLayout) -> None:
        page.addSpacing(6)
        self.family_heading = _heading("", 1.3)
        page.addWidget(self.family_heading)
        self.family_grid = QGridLayout()
        self.family_grid.setHorizontalSpacing(18)
        self.family_grid.setVerticalSpacing(4)
        page.addLayout(self.family_grid)
        self.family_more = LinkLabel("")
        page.addWidget(self.family_more)
        self._family_expanded = False

    def _build_changes(self, page: QVBoxLayout) -> None:
        page.addSpacing(6)
        page.addWidget(_heading("Change history", 1.3))
        self.changes_table = QTableWidget(0, 5)
        self.changes_table.setHorizontalHeaderLabels(["When", "What", "Before", "After",
                                                      "Source"])
        self.changes_table.verticalHeader().hide()
        self.changes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_table.setWordWrap(False)
        self.changes_table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.changes_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.changes_table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        page.addWidget(self.changes_table)
        self.changes_empty = plain_label(
            "No changes recorded: the figures are as in the bundled snapshot.", muted=True)
        page.addWidget(self.changes_empty)

    def _connect_signals(self) -> None:
        self.compare_button.clicked.connect(self._on_compare_clicked)
        self.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.copy_button.clicked.connect(self.copy_markdown)
        self.hub_link.clicked.connect(self._on_hub_link_clicked)
        self.evidence_view.clicked.connect(self._on_evidence_clicked)
        self.evidence_view.activated.connect(self._on_evidence_clicked)
        self.evidence_view.entered.connect(self._on_evidence_hovered)
        self.evidence_view.customContextMenuRequested.connect(self._on_evidence_menu)
        self.org_rows_check.toggled.connect(self._fill_evidence)
        self.family_more.clicked.connect(self._on_family_more_clicked)

    # -- public API ------------------------------------------------------------------------------

    def view(self) -> dict[str, Any] | None:
        return self._view

    def set_snapshot_date(self, snapshot_date: str | None) -> None:
        """The bundled snapshot's date, cited by "Copy as Markdown"."""
        self._snapshot_date = snapshot_date

    def set_reading(self, reading: bool) -> None:
        """A release is being read elsewhere (the window's first): no prompt to select one
        meanwhile — a blank page, and a word if it takes long."""
        self._reading = reading
        self.placeholder.setText("" if reading else self.PROMPT)
        if reading:
            QTimer.singleShot(self.READING_SAYS_SO_AFTER_MS, self, self._say_reading)

    def _say_reading(self) -> None:
        if self._reading and self._view is None:
            self.placeholder.setText("Reading the release…")

    def clear(self) -> None:
        self._view = None
        self.scroll.hide()
        self.placeholder.show()
        for button in (self.compare_button, self.refresh_button, self.copy_button):
            button.setEnabled(False)
        self.evidence_model.set_rows([])

    def show_view(self, view: Mapping[str, Any]) -> None:
        """Render a :func:`openexplorer.views.release.release_view` dict (``detail=True``)."""
        self._view = dict(view)
        v = self._view
        self._reading = False
        self.placeholder.setText(self.PROMPT)  # for a later clear()
        self.placeholder.hide()
        self.scroll.show()
        self._fill_header(v)
        self._fill_licence(v["license"])
        self._fill_mof(v["mof"])
        self._fill_index(v["osai"])
        self._fill_osaid(v["osaid"])
        self._fill_other(v)
        self._fill_evidence()
        self._fill_lineage(v)
        self._family_expanded = False
        self._fill_family(v)
        self._fill_changes(v.get("changes") or [])
        self._settle_layout()
        self.scroll.verticalScrollBar().setValue(0)

    def _settle_layout(self) -> None:
        """Lay the page out now rather than on the next event-loop pass, so that a chart
        grabbed or exported straight after show_view() already has its final size."""
        layout = self.content.layout()
        layout.activate()
        width = self.scroll.viewport().width()
        height = (self.content.heightForWidth(width) if self.content.hasHeightForWidth()
                  else self.content.sizeHint().height())
        self.content.resize(width, max(height, self.scroll.viewport().height()))
        layout.activate()

    def markdown(self) -> str:
        """The page as Markdown (openexplorer.analyses.export.release_markdown), sources cited."""
        from openexplorer.analyses.export import release_markdown

        if self._view is None:
            return ""
        return release_markdown(self._view, self._snapshot_date)

    @Slot()
    def copy_markdown(self) -> None:
        text = self.markdown()
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        self.copy_button.setText("Copied ✓")
        QTimer.singleShot(1500, self._restore_copy_button)

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        """The exportable charts currently shown, each with a name (for file names/titles)."""
        if self._view is None:
            return []
        # The index chart is drawn with the tiles (made now if it was not scrolled to yet).
        index_chart = self.index_chart if not self.index_tiles.isHidden() else None
        self._settle_layout()
        name = self._view.get("name") or self._view.get("id")
        charts: list[tuple[str, QWidget]] = []
        if not self.mof_tiles.isHidden():
            charts.append((f"{name} — MOF components", self.mof_tiles))
        if index_chart is not None and not index_chart.isHidden():
            charts.append((f"{name} — index scores", index_chart))
        if not self.index_tiles.isHidden():
            charts.append((f"{name} — index dimensions", self.index_tiles))
        charts.append((f"{name} — OSAID verdict", self.verdict_badge))
        return charts

    def provisional_badges(self) -> list[QLabel]:
        """The "provisional — from Hub metadata" badges currently shown."""
        return [b for b in self.content.findChildren(QLabel, "provisionalBadge")
                if not b.isHidden()]

    # -- filling ---------------------------------------------------------------------------------

    def _fill_header(self, v: Mapping[str, Any]) -> None:
        self.title_label.setText(_text(v.get("name") or v.get("id")))
        self.id_label.setText(_text(v.get("id")))
        hub_only = v.get("origin") not in (None, "curated")
        self.origin_chip.setText("Hub-only" if hub_only else "Curated")
        self.origin_chip.setToolTip(tooltip([
            "Known only from its Hugging Face Hub metadata: no curated source lists it."
            if hub_only else "Listed by at least one curated source."]))
        provisional = any((v.get(k) or {}).get("provisional") for k in ("mof", "osai", "osaid"))
        self.header_provisional.setVisible(provisional)
        hub_id = v.get("hub_id")
        self.hub_link.setVisible(bool(hub_id))
        if hub_id:
            self.hub_link.setToolTip(tooltip([hub_url(hub_id)]))

        org = [_text(v.get("organization"), "unknown")]
        if v.get("organization_kind"):
            org.append(ORG_KINDS.get(v["organization_kind"], v["organization_kind"]))
        if v.get("country"):
            org.append(v["country"])
        hub = v.get("hub") or {}
        facts = {
            "organization": " · ".join(org),
            "family": _text(v.get("family"), "none recorded"),
            "release_date": _text(v.get("release_date"), "unknown"),
            "modality": _text(v.get("modality"), "unknown"),
            "parameters": format_parameters(v.get("parameters")),
            "gated": format_gated(hub or None),
            "sources": ", ".join(sorted({s["source"] for s in v.get("sources") or []}))
            or "none",
            "hub": self._hub_summary(v, hub),
        }
        for key, text in facts.items():
            self.fact_values[key].setText(text)

        for button in (self.compare_button, self.copy_button):
            button.setEnabled(True)
        self.refresh_button.setVisible(bool(hub_id))
        self.refresh_button.setEnabled(bool(hub_id))

    @staticmethod
    def _hub_summary(v: Mapping[str, Any], hub: Mapping[str, Any]) -> str:
        if not v.get("hub_id"):
            return "not on the Hub"
        if not hub:
            return f"{v['hub_id']} (not fetched yet)"
        parts = [str(v["hub_id"])]
        if hub.get("downloads") is not None:
            parts.append(f"{format_parameters(hub['downloads'])} downloads")
        if hub.get("weight_files") is not None:
            parts.append(f"{hub['weight_files']} weight files")
        if hub.get("fetched_at"):
            parts.append(f"fetched {str(hub['fetched_at'])[:10]}")
        return " · ".join(parts)

    def _fill_licence(self, lic: Mapping[str, Any]) -> None:
        name, lid = lic.get("name"), lic.get("id")
        if name and lid and name != lid:
            text = f"{name} ({lid})"
        else:
            text = _text(lid or lic.get("as_written"), "no licence given")
        if lic.get("as_written") and not lic.get("recognised"):
            text += " — not recognised"
        self.license_label.setText(text)

        clear_layout(self.license_chips)
        if lic.get("category"):
            self.license_chips.addWidget(chip(lic["category"], None, "Licence category"))
        commercial = lic.get("commercial_use") or "unknown"
        status = {"allowed": "open", "restricted": "partial", "prohibited": "closed",
                  "not-allowed": "closed"}.get(commercial, "unknown")
        self.license_chips.addWidget(chip(f"Commercial use: {commercial}", status))
        osi = lic.get("osi_approved")
        self.license_chips.addWidget(chip(
            {True: "OSI-approved", False: "Not OSI-approved"}.get(osi, "OSI approval unknown"),
            {True: "open", False: "closed"}.get(osi, "unknown")))
        if lic.get("as_written") and lic.get("as_written") != lid:
            # Wraps, so a long licence name never widens the page past the window.
            self.license_chips.addWidget(plain_label(f"as written: {lic['as_written']}",
                                                     muted=True), 1)
        self.license_chips.addStretch(1)

        clear_layout(self.restrictions_box)
        for restriction in lic.get("restrictions") or []:
            row = QHBoxLayout()
            row.setSpacing(8)
            text = f"• {_text(restriction.get('summary'))}"
            if restriction.get("clause"):
                text += f" ({restriction['clause']})"
            row.addWidget(plain_label(text, selectable=True), 1)
            url = restriction.get("url")
            if is_safe_url(url):
                link = LinkLabel("licence text")
                link.setToolTip(tooltip([url]))
                link.clicked.connect(lambda u=url: open_url(u))
                row.addWidget(link, 0, Qt.AlignmentFlag.AlignTop)
            holder = QWidget()
            holder.setLayout(row)
            row.setContentsMargins(12, 0, 0, 0)
            self.restrictions_box.addWidget(holder)

    def _fill_mof(self, m: Mapping[str, Any]) -> None:
        self.mof_card.set_provisional(bool(m.get("provisional")))
        source = m.get("source") or {}
        self.mof_card.set_source(_cite(source), source.get("url") or "")
        has = bool(m.get("components"))
        self.mof_class_label.setText(_text(m.get("label"), "Unclassified") if has else "")
        self.mof_tiles.set_mof(m)
        for widget in (self.mof_class_label, self.mof_tiles, self.mof_note):
            widget.setVisible(has)
        self.mof_empty.setVisible(not has)

    def _fill_index(self, o: Mapping[str, Any]) -> None:
        self.index_card.set_provisional(bool(o.get("provisional")))
        source = o.get("source") or {}
        self.index_card.set_source(_cite(source), source.get("url") or "")
        score = o.get("score")
        assessed = score is not None or bool(o.get("dimensions"))
        self.index_score_label.setText("–" if score is None else f"{score:.2f}")
        for widget in (self.index_score_label, self.index_score_caption, self.index_tiles):
            widget.setVisible(assessed)
        self.index_empty.setVisible(not assessed)
        self._index_osai = o
        if self._index_chart is None:  # drawn when the slot is first painted
            self._index_slot.setVisible(assessed)
        else:
            self._index_chart.setVisible(assessed)
            self._index_chart.set_osai(o)
        self.index_tiles.set_osai(o)

    def _fill_osaid(self, o: Mapping[str, Any]) -> None:
        self.osaid_card.set_provisional(bool(o.get("provisional")))
        self.verdict_badge.set_verdict(o.get("verdict"))
        basis = {"mof": "the MOT record", "osai": "the index's ratings"}.get(
            o.get("basis") or "", o.get("basis") or "")
        self.osaid_card.set_source("computed by OpenExplorer" + (f" from {basis}"
                                                                  if basis else ""))
        self.osaid_basis.setText(
            "OpenExplorer's reading of the definition's required components; not an OSI "
            "endorsement." + (" From Hub metadata only." if o.get("provisional") else ""))
        clear_layout(self.osi_box)
        for published in o.get("osi_published") or []:
            badge = VerdictBadge(prefix=f"OSI 2024 ({published.get('system')}): ", scale=1.0)
            badge.set_verdict(published.get("outcome"))
            badge.setToolTip(tooltip([
                "Published by the OSI in its 2024 validation of the definition",
                f"System: {published.get('system')}",
                f"Date: {published.get('assessed_date')}" if published.get("assessed_date")
                else None,
                published.get("url")]))
            self.osi_box.addWidget(badge)
        clear_layout(self.reasons_box)
        for reason in o.get("reasons") or []:
            label = plain_label(f"• {reason}", selectable=True)
            label.setObjectName("osaidReason")
            self.reasons_box.addWidget(label)

    def _fill_other(self, v: Mapping[str, Any]) -> None:
        grid = self.other_box
        clear_layout(grid)
        row = 0

        def caption(text: str) -> None:
            grid.addWidget(plain_label(text, wrap=False, muted=True), row, 0,
                           Qt.AlignmentFlag.AlignTop)

        epoch = v.get("epoch")
        if epoch:
            caption("Epoch AI accessibility")
            # One line per component: side by side they would not fit a narrow window.
            lines = QVBoxLayout()
            lines.setSpacing(2)
            lines.setContentsMargins(0, 0, 0, 0)
            for component, cell in (epoch.get("accessibility") or {}).items():
                line = QHBoxLayout()
                line.setSpacing(6)
                line.addWidget(StatusDot(cell.get("status")))
                text = f"{component.replace('_', ' ').capitalize()}: {_text(cell.get('label'))}"
                line.addWidget(plain_label(text))
                line.addStretch(1)
                lines.addLayout(line)
            if epoch.get("training_compute_flop"):
                lines.addWidget(plain_label(
                    f"Training compute {float(epoch['training_compute_flop']):.2g} FLOP",
                    muted=True))
            holder = QWidget()
            holder.setLayout(lines)
            grid.addWidget(holder, row, 1)
            row += 1
        fmti = v.get("fmti")
        if fmti:
            caption("FMTI, developer level")
            history = ", ".join(f"{h['edition']}: {h['total']}" for h in fmti.get("history")
                                or [] if h.get("total") is not None)
            text = (f"{_text(fmti.get('developer'))} scored {_text(fmti.get('total'))} / 100 "
                    f"({_text(fmti.get('edition'))})")
            if history and len(fmti.get("history") or []) > 1:
                text += f" · editions {history}"
            grid.addWidget(plain_label(text + ". Scores the developer's transparency, not "
                                       "this release.", selectable=True), row, 1)
            row += 1
        legacy = v.get("osai_legacy")
        if legacy:
            from openexplorer.frameworks import osai

            caption("Opening up ChatGPT (legacy)")
            grid.addWidget(plain_label(
                f"{legacy.get('openness'):g} / {osai.LEGACY_MAX:g} — the index's earlier "
                "14-feature scale", selectable=True), row, 1)
            row += 1
        self.other_card.setVisible(row > 0)

    @Slot()
    def _fill_evidence(self) -> None:
        rows = (self._view or {}).get("evidence") or []
        org_rows = [r for r in rows if r.get("scope") == "organization"]
        self.org_rows_check.setVisible(bool(org_rows))
        if org_rows:
            developer = org_rows[0].get("key") or "the developer"
            self.org_rows_check.setText(
                f"Show {len(org_rows)} developer-level FMTI indicators")
            self.org_rows_check.setToolTip(tooltip([f"FMTI record {developer}: indicators "
                                                    "about the organisation, not this release"]))
        shown = [r for r in rows if r.get("scope") != "organization"
                 or self.org_rows_check.isChecked()]
        self.evidence_model.set_rows(shown)
        self.evidence_count.setText(f"{len(shown)} rows" if len(shown) != 1 else "1 row")
        self.evidence_view.setVisible(bool(shown))
        self.evidence_empty.setVisible(not shown)
        self._size_evidence_table()

    def _size_evidence_table(self) -> None:
        view = self.evidence_view
        self._content_widths = self._evidence_content_widths()
        self._fit_evidence_columns()
        view.setFixedHeight(_table_height(view, self.EVIDENCE_VISIBLE_ROWS))

    def _evidence_content_widths(self) -> list[int]:
        """Each column's width for its header and its text (cheaper than Qt's
        resizeColumnsToContents, which asks the model for every role of every cell)."""
        model, view = self.evidence_model, self.evidence_view
        fm = view.fontMetrics()
        header_fm = view.horizontalHeader().fontMetrics()
        icon = view.iconSize().width() if view.iconSize().isValid() else 16
        widths = []
        for column in range(model.columnCount()):
            title = str(model.headerData(column, Qt.Orientation.Horizontal))
            width = header_fm.horizontalAdvance(title) + 28  # room for the sort arrow
            for row in range(min(model.rowCount(), 400)):
                text = model.data(model.index(row, column))
                width = max(width, fm.horizontalAdvance(text or "") + 14
                            + (icon + 6 if column == EvidenceTableModel.STATUS_COLUMN else 0))
            widths.append(width)
        return widths

    def _fit_evidence_columns(self) -> None:
        """Share the table's width: short columns as wide as their contents, the rest split
        between component, status, licence and link (which takes what is left)."""
        widths = list(getattr(self, "_content_widths", []))
        header = self.evidence_view.horizontalHeader()
        if len(widths) != header.count():
            return
        available = self.evidence_view.viewport().width()
        fixed = (0, 5, 6, 7)  # framework, source, date, origin
        flexible = {1: 0.30, 2: 0.24, 3: 0.22}  # shares of the flexible space, link gets rest
        rest = available - sum(widths[c] for c in fixed)
        for column, share in flexible.items():
            widths[column] = max(60, min(widths[column], int(rest * share)))
        widths[EvidenceTableModel.LINK_COLUMN] = max(
            80, available - sum(w for c, w in enumerate(widths)
                                if c != EvidenceTableModel.LINK_COLUMN))
        for column, width in enumerate(widths):
            header.resizeSection(column, width)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.evidence_view.viewport() and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_evidence_columns)
        return super().eventFilter(watched, event)

    def _fill_lineage(self, v: Mapping[str, Any]) -> None:
        clear_layout(self.chain_box)
        chain = v.get("base_chain") or []
        if not chain:
            note = ("No base model named in its Hub metadata." if v.get("hub")
                    else "Not known: no Hub metadata fetched for this release.")
            self.chain_box.addWidget(plain_label(note, muted=True))
        for entry in chain:
            row = QHBoxLayout()
            row.setContentsMargins(18 * max(0, int(entry.get("depth") or 1) - 1), 0, 0, 0)
            row.setSpacing(6)
            relation = entry.get("relation") or "derived"
            row.addWidget(plain_label(f"↳ {relation} of", wrap=False, muted=True))
            name = str(entry.get("name") or entry.get("id"))
            if entry.get("known") and entry.get("release_id") and not entry.get("cycle"):
                link = LinkLabel(name)
                link.setObjectName("baseModelLink")
                link.setToolTip(tooltip([f"Open {entry['release_id']}"]))
                link.clicked.connect(
                    lambda rid=entry["release_id"]: self.release_requested.emit(rid))
                row.addWidget(link)
            else:
                row.addWidget(plain_label(name, wrap=False))
            details = [str(entry["id"])] if entry.get("name") else []
            if entry.get("known"):
                details.append(f"licence: {_text(entry.get('license'), 'unknown')}")
            else:
                details.append("not in the cache")
            for flag, text in (("cycle", "cycle, not followed"),
                               ("seen", "reached before"),
                               ("truncated", "chain continues")):
                if entry.get(flag):
                    details.append(text)
            row.addWidget(plain_label(" · ".join(details), muted=True), 1)
            holder = QWidget()
            holder.setLayout(row)
            self.chain_box.addWidget(holder)

        clear_layout(self.limits_box)
        limits = v.get("inherited_limits") or []
        self.limits_heading.setVisible(bool(limits))
        for line in limits:
            label = plain_label(f"• {line}", selectable=True)
            label.setContentsMargins(12, 0, 0, 0)
            self.limits_box.addWidget(label)

    def _fill_family(self, v: Mapping[str, Any]) -> None:
        clear_layout(self.family_grid)
        others = [r for r in v.get("family_releases") or [] if r.get("id") != v.get("id")]
        family = v.get("family") or "this"
        # The list holds the curated releases and the most downloaded others; count them all.
        total = max(len(others), int(v.get("family_size") or 0) - 1)
        self.family_heading.setText(f"Other releases of the {family} family ({total:,})")
        self.family_heading.setVisible(bool(others))
        hidden = 0 if self._family_expanded else max(0, len(others) - self.FAMILY_SHOWN)
        self.family_more.setText(f"Show all {len(others)}")
        self.family_more.setVisible(hidden > 0)
        for i, release in enumerate(others[:len(others) - hidden]):
            row, col = divmod(i, self.FAMILY_COLUMNS)
            text = str(release.get("name") or release["id"])
            if release.get("release_date"):
                text += f"  ·  {release['release_date']}"
            link = LinkLabel(text)
            link.setObjectName("familyReleaseLink")
            link.setProperty("release_id", release["id"])
            link.setToolTip(tooltip([str(release["id"])]))
            link.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            link.clicked.connect(lambda rid=release["id"]: self.release_requested.emit(rid))
            self.family_grid.addWidget(link, row, col)
        for col in range(self.FAMILY_COLUMNS):
            self.family_grid.setColumnStretch(col, 1)

    def _fill_changes(self, changes: Sequence[Mapping[str, Any]]) -> None:
        table = self.changes_table
        table.setRowCount(len(changes))
        for r, change in enumerate(changes):
            values = [str(change.get("changed_at") or "")[:16].replace("T", " "),
                      str(change.get("field") or ""), _text(change.get("old"), "(none)"),
                      _text(change.get("new"), "(none)"), _text(change.get("source"))]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(tooltip([value]))
                table.setItem(r, c, item)
        table.setVisible(bool(changes))
        self.changes_empty.setVisible(not changes)
        table.setFixedHeight(_table_height(table, self.CHANGES_VISIBLE_ROWS))

    # -- slots -----------------------------------------------------------------------------------

    @Slot()
    def _on_family_more_clicked(self) -> None:
        if self._view is not None:
            self._family_expanded = True
            self._fill_family(self._view)

    @Slot()
    def _restore_copy_button(self) -> None:
        self.copy_button.setText("Copy as Markdown")

    @Slot()
    def _on_compare_clicked(self) -> None:
        if self._view is not None:
            self.compare_requested.emit([self._view["id"]])

    @Slot()
    def _on_refresh_clicked(self) -> None:
        if self._view is not None and self._view.get("hub_id"):
            self.refresh_requested.emit([self._view["hub_id"]])

    @Slot()
    def _on_hub_link_clicked(self) -> None:
        if self._view is not None and self._view.get("hub_id"):
            open_url(hub_url(self._view["hub_id"]))

    def _urls_at(self, index: QModelIndex) -> list[str]:
        source = self.evidence_proxy.mapToSource(index)
        if not source.isValid():
            return []
        return self.evidence_model.data(source, EvidenceTableModel.UrlsRole) or []

    @Slot(QModelIndex)
    def _on_evidence_clicked(self, index: QModelIndex) -> None:
        if index.column() != EvidenceTableModel.LINK_COLUMN:
            return
        for url in self._urls_at(index):
            if is_safe_url(url):
                open_url(url)
                return

    @Slot(QModelIndex)
    def _on_evidence_hovered(self, index: QModelIndex) -> None:
        urls = self._urls_at(index) if index.column() == EvidenceTableModel.LINK_COLUMN else []
        cursor = (Qt.CursorShape.PointingHandCursor if any(is_safe_url(u) for u in urls)
                  else Qt.CursorShape.ArrowCursor)
        self.evidence_view.viewport().setCursor(cursor)

    @Slot(QPoint)
    def _on_evidence_menu(self, pos: QPoint) -> None:
        index = self.evidence_view.indexAt(pos)
        urls = self._urls_at(index) if index.isValid() else []
        if not urls:
            return
        menu = QMenu(self)
        for url in urls:
            action = menu.addAction(_button_text(f"Open {short_url(url)}"))
            action.setEnabled(is_safe_url(url))
            action.triggered.connect(lambda _=False, u=url: open_url(u))
        menu.addSeparator()
        copy = menu.addAction("Copy link" if len(urls) == 1 else "Copy links")
        copy.triggered.connect(lambda: QGuiApplication.clipboard().setText("\n".join(urls)))
        menu.popup(self.evidence_view.viewport().mapToGlobal(pos))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # Link colours in the evidence table come from the palette.
            self.evidence_view.viewport().update()
        super().changeEvent(event)
