"""One release under every framework, side by side, with the disagreements and open-washing flags.

:class:`CrossFrameworkPanel` renders :func:`openexplorer.analyses.crossframework.compare_frameworks` and
:func:`openexplorer.analyses.openwashing.check` for a :func:`openexplorer.views.release.release_view` dict. It never
reads the cache: the window hands it a view (and, when it has one, the model card's text).

Safety: every text from a source is shown as plain text.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses import crossframework
from openexplorer.analyses import openwashing
from openexplorer.ui import theme
from openexplorer.ui.release_page.widgets import chip

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

#: Table columns: (key, header).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("name", "Framework"),
    ("unit", "Judges"),
    ("verdict", "Verdict"),
    ("label", "Detail"),
    ("source", "Source"),
    ("date", "Date"),
)
#: Item data role holding a row's normalised status (open / partial / closed / unknown).
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
_UNIT_SHORT = {
    "release": "this release",
    "family (its largest/latest member)": "the family",
    "system (family)": "a system (family)",
    "developer (flagship model)": "the developer",
    "model": "the model",
}


def _plain(text: object = "", *, muted: bool = False, bold: bool = False,
           scale: float = 1.0, wrap: bool = True) -> QLabel:
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText("" if text is None else str(text))
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if muted:
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    if bold or scale != 1.0:
        font = QFont(label.font())
        font.setBold(bold)
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    return label


def _text(item: QTableWidgetItem | None) -> str:
    return item.text() if item is not None else ""


def status_icon(status: str, size: int = 12) -> QIcon:
    """A filled dot in the status colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(theme.status_color(status))
    painter.drawEllipse(1, 1, size - 2, size - 2)
    painter.end()
    return QIcon(pixmap)


def gap_status(gap: float) -> str:
    """The colour of a claim–evidence gap: none open, small partial, large closed."""
    if gap <= 0:
        return "open"
    return "partial" if gap < 0.4 else "closed"


class _Bullets(QWidget):
    """A column of one-line findings, each with a coloured marker."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(5)
        self.labels: list[QLabel] = []

    def set_lines(self, lines: list[str], status: str, empty: str) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.labels = []
        if not lines and not empty:
            return
        if not lines:
            label = _plain(empty, muted=True)
            self._layout.addWidget(label)
            self.labels.append(label)
            return
        color = theme.STATUS_COLORS.get(status, theme.STATUS_COLORS["unknown"])
        for line in lines:
            # Rich text only for the marker; the line itself is escaped source text.
            label = QLabel()
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setText(
                "<table cellspacing='0' cellpadding='0'><tr>"
                f"<td valign='top' style='color:{color}; padding-right:8px'>●</td>"
                f"<td>{html.escape(line)}</td></tr></table>")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setProperty("plain_text", line)
            self._layout.addWidget(label)
            self.labels.append(label)

    def texts(self) -> list[str]:
        """The lines shown (without their markers)."""
        return [label.property("plain_text") or label.text() for label in self.labels]


class CrossFrameworkPanel(QWidget):
    """The release under MOF, the index, OSAID (computed), OSI's validation, FMTI (developer
    level) and Epoch, side by side; below, the disagreements and the open-washing flags."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view: ReleaseView | None = None
        self._result: crossframework.CrossFrameworkView | None = None
        self._washing: openwashing.OpenWashingResult | None = None

        self.title = _plain("", bold=True, scale=1.3)
        self.subtitle = _plain(
            "How each framework judges this release — each judges a different unit, from its "
            "own evidence, on its own date.", muted=True)
        self.placeholder = _plain("Open a release to see it under every framework.", muted=True)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([h for _k, h in COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setWordWrap(True)
        self.table.setAlternatingRowColors(True)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setIconSize(QSize(12, 12))
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for index, (key, _h) in enumerate(COLUMNS):
            mode = QHeaderView.ResizeMode.Stretch if key == "label" else \
                QHeaderView.ResizeMode.Interactive
            header.setSectionResizeMode(index, mode)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.disagree_heading = _plain("Where the frameworks disagree", bold=True, scale=1.1,
                                       wrap=False)
        self.disagreements = _Bullets()
        self.washing_heading = _plain("Open-washing check", bold=True, scale=1.1, wrap=False)
        self.gap_chip = chip("", None)
        self.claims_label = _plain("")
        self.flags = _Bullets()
        self.note = _plain(
            "Claims come from the release's names, its licence's name, the index's listing and "
            "— when given — its model card; the evidence from the curated sources. Flags say "
            "where a claim outruns the evidence; see docs/crossframework.md.", muted=True)

        washing_head = QHBoxLayout()
        washing_head.setSpacing(10)
        washing_head.addWidget(self.washing_heading)
        washing_head.addWidget(self.gap_chip)
        washing_head.addStretch(1)

        self.content = QWidget()
        self.content.setAutoFillBackground(False)
        page = QVBoxLayout(self.content)
        page.setContentsMargins(16, 12, 16, 16)
        page.setSpacing(10)
        page.addWidget(self.title)
        page.addWidget(self.subtitle)
        page.addWidget(self.table)
        page.addSpacing(4)
        page.addWidget(self.disagree_heading)
        page.addWidget(self.disagreements)
        page.addSpacing(4)
        page.addLayout(washing_head)
        page.addWidget(self.claims_label)
        page.addWidget(self.flags)
        page.addWidget(self.note)
        page.addStretch(1)

        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(self.content)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.placeholder)
        layout.addWidget(self.scroll_area)
        self.placeholder.setContentsMargins(16, 16, 16, 16)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.scroll_area.hide()

    # -- public ----------------------------------------------------------------------------------

    def result(self) -> crossframework.CrossFrameworkView | None:
        return self._result

    def washing(self) -> openwashing.OpenWashingResult | None:
        return self._washing

    def show_view(self, view: ReleaseView, card_text: str | None = None) -> None:
        """Render a :func:`openexplorer.views.release.release_view` dict (``detail=True``); with the
        model card's text, its claims are checked too."""
        self._view = view
        self._result = crossframework.compare_frameworks(self._view)
        self._washing = openwashing.check(self._view, card_text)
        self.placeholder.hide()
        self.scroll_area.show()
        self.title.setText(f"{self._result.name} across frameworks")
        self._fill_table(self._result)
        self.disagreements.set_lines(self._result.disagreements, "partial",
                                     "The frameworks that assess this release agree.")
        self._fill_washing(self._washing)
        self._fit_table()
        self.scroll_area.verticalScrollBar().setValue(0)

    def clear(self) -> None:
        self._view = self._result = self._washing = None
        self.table.setRowCount(0)
        self.scroll_area.hide()
        self.placeholder.show()

    def markdown(self) -> str:
        """The comparison as Markdown (table, disagreements, open-washing flags)."""
        if self._result is None:
            return ""
        return crossframework.markdown(self._result, self._washing)

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        """The side-by-side table as an exportable picture."""
        if self._result is None:
            return []
        return [(f"{self._result.name} — across frameworks", self.content)]

    # -- filling ---------------------------------------------------------------------------------

    def _fill_table(self, result: crossframework.CrossFrameworkView) -> None:
        self.table.setRowCount(len(result.rows))
        for row_index, row in enumerate(result.rows):
            tip = html.escape(f"{row.name} judges {row.unit}. {row.label}".strip())
            for col, (key, _h) in enumerate(COLUMNS):
                if key == "unit":
                    text = _UNIT_SHORT.get(row.unit, row.unit)
                elif key == "verdict":
                    text = row.verdict + (" · provisional" if row.provisional else "")
                elif key == "date":
                    text = row.date or "–"
                else:
                    text = str(getattr(row, key) or "–")
                item = QTableWidgetItem(text)
                item.setData(STATUS_ROLE, row.status)
                item.setToolTip(f"<p>{tip}</p>")
                if key == "verdict":
                    item.setIcon(status_icon(row.status))
                    font = QFont(item.font())
                    font.setBold(row.assessed)
                    item.setFont(font)
                    if row.provisional:
                        item.setToolTip(
                            "<p>Provisional: inferred automatically from Hugging Face Hub "
                            "metadata, not a curated assessment.</p>")
                if not row.assessed and key != "name":
                    item.setForeground(self.palette().color(QPalette.ColorRole.PlaceholderText))
                item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row_index, col, item)

    def _fill_washing(self, result: openwashing.OpenWashingResult) -> None:
        status = gap_status(result.gap) if result.claims else "unknown"
        self.gap_chip.setText(f"gap {result.gap:.2f}" if result.claims else "no claim found")
        color = QColor(theme.STATUS_COLORS[status])
        r, g, b = color.red(), color.green(), color.blue()
        self.gap_chip.setStyleSheet(
            f"QLabel {{ background-color: rgba({r},{g},{b},0.20); border: 1px solid "
            f"rgba({r},{g},{b},0.75); border-radius: 9px; padding: 1px 8px; }}")
        self.gap_chip.setToolTip(
            "<p>0 = the evidence bears the claims out; 1 = an \"open source\" claim in the "
            "release's own words with nothing open. A weighting of the mismatches "
            "(docs/crossframework.md).</p>")
        if result.claims:
            counted: dict[tuple[str, str], int] = {}
            for claim in result.claims:
                key = (claim.phrase.lower(), claim.source_label)
                counted[key] = counted.get(key, 0) + 1
            parts = [f"\"{phrase}\" ({where})" + (f" ×{n}" if n > 1 else "")
                     for (phrase, where), n in counted.items()]
            self.claims_label.setText("Claims: " + "; ".join(parts))
            self.claims_label.setToolTip("<br>".join(
                html.escape(c.context) for c in result.claims if c.context)[:4000])
        else:
            self.claims_label.setText("No openness claim found in what we hold offline "
                                      "(names, licence name, the index's listing).")
        self.claims_label.setForegroundRole(
            QPalette.ColorRole.WindowText if result.claims else QPalette.ColorRole.PlaceholderText)
        empty = "The evidence we hold supports these claims." if result.claims else ""
        self.flags.set_lines(result.flags, "closed", empty)

    def _fit_table(self) -> None:
        """Columns sized to their content (the detail column takes the rest), rows to their
        wrapped text, and the table exactly as tall as its rows: no inner scrolling."""
        bold = QFont(self.table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        header = self.table.horizontalHeader()
        caps = {"name": 260, "unit": 150, "verdict": 250, "source": 220, "date": 90}
        for col, (key, title) in enumerate(COLUMNS):
            if key == "label":
                continue
            widest = max([metrics.horizontalAdvance(title) + 24] + [
                metrics.horizontalAdvance(_text(self.table.item(r, col)))
                + (34 if key == "verdict" else 18)
                for r in range(self.table.rowCount())])
            header.resizeSection(col, min(widest, caps[key]))
        self.table.resizeRowsToContents()
        for r in range(self.table.rowCount()):
            self.table.setRowHeight(r, self.table.rowHeight(r) + 8)
        height = header.height() or header.sizeHint().height()
        height += sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth())

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._result is not None:
            self._fit_table()
