"""The licence × clause matrix: every licence in the cache, what it says on each clause that
decides commercial use, and whether a team can ship it without asking a lawyer.

One row per licence (:func:`openexplorer.analyses.clauses.clause_matrix`) with the number of releases
using it; cells yes / no / unknown (commercial use: allowed / restricted / not allowed /
unknown), coloured with the theme's status colours, each with the clause and its URL in the
tooltip. A filter keeps the licences "usable commercially without legal review" or those that
"need legal review"; the panel below lists the selected licence's clauses with clickable links,
next to a bar chart of releases per bucket. Export: the chart and the table (``chart_widgets``),
the matrix as Markdown (``markdown``). Not legal advice.
"""

from __future__ import annotations

import logging
from html import escape

from PySide6.QtCore import QRectF, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses import clauses
from openexplorer.db.cache import Cache
from openexplorer.analyses.clauses import BUCKETS, CLAUSE_LABELS, CLAUSES, REVIEW, USABLE, LicenseClauses
from openexplorer.ui.cache_job import CacheReader
from openexplorer.ui.theme import STATUS_COLORS, chart_colors

log = logging.getLogger(__name__)

#: Item data role: the cell's value (yes / no / unknown / allowed / …) or the row's bucket.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 1
#: Item data role (column 0): the row's licence id ("" for no licence).
LICENSE_ROLE = Qt.ItemDataRole.UserRole + 2

#: Filter choices of the bucket combo box, in order.
ALL = "all"
FILTERS: tuple[tuple[str, str], ...] = (
    (ALL, "All licences"),
    (USABLE, BUCKETS[USABLE]),
    (REVIEW, BUCKETS[REVIEW]),
)
#: Column headers (two lines, so the eleven columns fit at 1280 pixels).
HEADERS: dict[str, str] = {
    "commercial_use": "Commercial\nuse",
    "thresholds": "User / revenue\nthresholds",
    "acceptable_use": "Acceptable-\nuse policy",
    "field_of_use": "Field-of-use\nbans",
    "output_use": "Outputs to train\nother models",
    "attribution": "Attribution /\nnaming",
    "regional": "Regional",
    "share_alike": "Share-alike",
}
COLUMNS: tuple[str, ...] = ("licence", "releases", *CLAUSES, "review")


def cell_status(clause: str, value: str, restrictive: bool = True) -> str | None:
    """The theme status (open / partial / closed / unknown) a cell is coloured with."""
    if clause == "commercial_use":
        return {"allowed": "open", "restricted": "partial", "not allowed": "closed"}.get(
            value, "unknown")
    if value == "yes":
        return "partial" if restrictive else "open"  # a notice duty restricts nothing
    if value == "no":
        return "open"
    return "unknown"


def _tint(status: str | None, base: QColor) -> QColor | None:
    """The status colour blended into the table's background (readable in light and dark)."""
    if status is None:
        return None
    color = QColor(STATUS_COLORS[status])
    weight = 0.55 if status in ("partial", "closed") else 0.35
    return QColor(
        round(color.red() * weight + base.red() * (1 - weight)),
        round(color.green() * weight + base.green() * (1 - weight)),
        round(color.blue() * weight + base.blue() * (1 - weight)),
    )


def cell_tooltip(lc: LicenseClauses, clause: str) -> str:
    """Rich text: the licence, the clause's value, and each source clause with its URL."""
    cell = lc.cells[clause]
    out = [f"<b>{escape(lc.name)}</b> · {escape(CLAUSE_LABELS[clause])}: "
           f"<b>{escape(cell.text)}</b>"]
    for ref in cell.refs:
        where = f" <i>({escape(ref.clause)})</i>" if ref.clause else ""
        out.append(f"{escape(ref.summary)}{where}")
        if ref.url:
            out.append(f"<span style='color:gray'>{escape(ref.url)}</span>")
    if cell.note:
        out.append(f"<i>{escape(cell.note)}</i>")
    return "<br>".join(out)


class BucketChart(QWidget):
    """Horizontal bars: releases per legal-review bucket and per commercial-use value."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Releases by licence: legal review and commercial use")
        self._rows: list[tuple[str, int, str]] = []  # (label, releases, status)
        self._total = 0
        self.setMinimumSize(QSize(340, 200))

    def set_matrix(self, matrix: list[LicenseClauses]) -> None:
        counts = clauses.bucket_counts(matrix)
        commercial: dict[str, int] = {}
        for lc in matrix:
            commercial[lc.commercial_use] = commercial.get(lc.commercial_use, 0) + lc.releases
        self._rows = [
            ("No legal review needed", counts[USABLE][1], "open"),
            ("Needs legal review", counts[REVIEW][1], "partial"),
            *((f"Commercial use {value}", commercial.get(value, 0),
               cell_status("commercial_use", value) or "unknown")
              for value in ("allowed", "restricted", "not allowed", "unknown")),
        ]
        self._total = sum(lc.releases for lc in matrix)
        self.update()

    def rows(self) -> list[tuple[str, int, str]]:
        return list(self._rows)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        colors = chart_colors()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.fillRect(self.rect(), QColor(colors.background))
        fg = QColor(colors.foreground)
        painter.setPen(fg)
        title = QFont(self.font())
        title.setBold(True)
        painter.setFont(title)
        metrics = painter.fontMetrics()
        margin = 10.0
        painter.drawText(QRectF(margin, 6, self.width() - 2 * margin, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft, "Releases by licence")
        painter.setFont(self.font())
        metrics = painter.fontMetrics()
        widest = max([metrics.horizontalAdvance(r[0]) for r in self._rows] or [100])
        label_width: float = widest + 10
        label_width = min(label_width, self.width() * 0.62)
        top = 12 + metrics.height() * 1.6
        foot = metrics.height() + 8
        n = max(len(self._rows), 1)
        gap_after = 1  # a gap between the buckets and the commercial-use rows
        step = (self.height() - top - foot) / (n + 0.6 * gap_after)
        bar_h = max(6.0, min(step * 0.62, 22.0))
        count_w = metrics.horizontalAdvance("0000 (100 %)") + 6
        plot_w = max(self.width() - margin * 2 - label_width - count_w, 20.0)
        most = max([r[1] for r in self._rows] or [1]) or 1
        y = top
        for i, (label, value, status) in enumerate(self._rows):
            if i == 2:
                y += step * 0.6
            painter.setPen(fg)
            text_rect = QRectF(margin, y, label_width - 8, bar_h)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter
                             | Qt.AlignmentFlag.AlignRight,
                             metrics.elidedText(label, Qt.TextElideMode.ElideRight,
                                                int(label_width - 8)))
            width = plot_w * value / most
            painter.fillRect(QRectF(margin + label_width, y, width, bar_h),
                             QColor(STATUS_COLORS[status]))
            share = f" ({value / self._total:.0%})" if self._total else ""
            painter.drawText(QRectF(margin + label_width + width + 4, y, count_w, bar_h),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             f"{value}{share}")
            y += step
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() * 0.85, 6.0))
        painter.setFont(small)
        painter.setPen(QColor(colors.foreground).darker(130) if colors.background == "#ffffff"
                       else QColor(colors.foreground).darker(150))
        painter.drawText(QRectF(margin, self.height() - foot, self.width() - 2 * margin,
                                foot - 4), Qt.AlignmentFlag.AlignLeft
                         | Qt.AlignmentFlag.AlignVCenter,
                         f"{self._total} releases · OpenExplorer licence tables · "
                         "not legal advice")
        painter.end()


class ClausesView(QWidget):
    """The licence clause matrix with its commercial-review filter, details and chart."""

    #: The bucket filter changed: "all", "usable" or "review".
    filter_changed = Signal(str)
    #: A licence row was activated (double-click): its id ("" for releases without one).
    license_activated = Signal(str)

    matrix_changed = Signal()

    def __init__(self, cache: Cache, parent: QWidget | None = None, *,
                 snapshot_date: str | None = None, background: bool = True) -> None:
        """With ``background`` (and a cache in a file) the matrix is built on a pool thread
        (``matrix_changed`` when it is shown), so a large cache never freezes the window."""
        super().__init__(parent)
        self.setWindowTitle("Licence clauses")
        self._cache = cache
        self._background = background
        self._pending: int | None = None
        self._reader = CacheReader(self, what="the licence clause matrix")
        self._reader.ready.connect(self._on_matrix_ready)
        self._reader.failed.connect(self._on_matrix_failed)
        self._snapshot_date = snapshot_date if snapshot_date is not None else \
            cache.get_meta("snapshot_built")
        self._matrix: list[LicenseClauses] = []
        self._shown: list[LicenseClauses] = []

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.setSpacing(6)
        title = QLabel("Licence clauses")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.3)
        title.setFont(font)
        intro = QLabel(
            "What every licence in the cache says on the clauses that decide commercial use. "
            "Hover a cell for the clause and its source; select a row for its links. "
            "<b>Not legal advice.</b>")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(title)
        outer.addWidget(intro)

        controls = QHBoxLayout()
        self.bucket = QComboBox()
        self.bucket.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for key, label in FILTERS:
            self.bucket.addItem(label, key)
        self.bucket.currentIndexChanged.connect(self._on_filter)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter licences by name or id…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._on_filter)
        self.count = QLabel()
        self.copy_button = QPushButton("Copy as Markdown")
        self.copy_button.clicked.connect(self.copy_markdown)
        controls.addWidget(QLabel("Show:"))
        controls.addWidget(self.bucket)
        controls.addWidget(self.search, 1)
        controls.addWidget(self.count)
        controls.addWidget(self.copy_button)
        outer.addLayout(controls)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setWindowTitle("Licence clause matrix")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setHorizontalHeaderLabels(
            ["Licence", "Releases", *(HEADERS[c] for c in CLAUSES), "Legal\nreview"])
        header = self.table.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        for column in range(1, len(COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.table.itemSelectionChanged.connect(self._on_selection)
        self.table.itemDoubleClicked.connect(self._on_double_click)

        self.details = QTextBrowser()
        self.details.setOpenExternalLinks(True)
        self.details.setPlaceholderText("Select a licence to see its clauses and links.")
        self.chart = BucketChart()
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.details)
        bottom.addWidget(self.chart)
        bottom.setStretchFactor(0, 3)
        bottom.setStretchFactor(1, 2)
        bottom.setSizes([740, 500])
        bottom.setChildrenCollapsible(False)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(bottom)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([520, 200])
        split.setChildrenCollapsible(False)
        self.splitter = split
        outer.addWidget(split, 1)
        self.refresh()

    # -- data --------------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        """Whether the matrix is being built in the background."""
        return self._pending is not None

    @Slot()
    def refresh(self) -> None:
        """Recompute the matrix from the cache (after an import or a refresh)."""
        path = getattr(self._cache, "path", None)
        if self._background and path is not None:
            self._pending = self._reader.read(path, clauses.clause_matrix)
            self.count.setText("Counting releases per licence…")
            return
        self._reader.drop_pending()
        self._read_here()

    def _read_here(self) -> None:
        """Build the matrix on the window's own connection (no file, or the pool could not)."""
        try:
            matrix = clauses.clause_matrix(self._cache)
        except Exception as exc:  # a damaged or locked cache must not take the window down
            log.exception("the licence clause matrix could not be read")
            self._pending = None
            self.count.setText(f"The licences could not be counted: {exc}")
            return
        self._show_matrix(matrix)

    @Slot(object)
    def _on_matrix_ready(self, matrix: object) -> None:
        if isinstance(matrix, list):
            self._show_matrix(matrix)

    @Slot(str)
    def _on_matrix_failed(self, message: str) -> None:
        # E.g. a second connection refused (a read-only folder without the WAL index): this
        # matrix is built on the window's own connection; the next refresh tries the pool again.
        log.info("the licence matrix is built on the window's thread: %s", message)
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self._read_here()
        finally:
            QGuiApplication.restoreOverrideCursor()

    def _show_matrix(self, matrix: list[LicenseClauses]) -> None:
        self._pending = None
        self._matrix = matrix
        counts = clauses.bucket_counts(self._matrix)
        for index, (key, label) in enumerate(FILTERS):
            if key in counts:
                licences, releases = counts[key]
                label = f"{label} ({licences} licences, {releases} releases)"
            self.bucket.setItemText(index, label)
        self.chart.set_matrix(self._matrix)
        self._fill()
        self.matrix_changed.emit()

    def matrix(self) -> list[LicenseClauses]:
        """Every licence of the cache (unfiltered)."""
        return list(self._matrix)

    def shown(self) -> list[LicenseClauses]:
        """The licences in the table, in table order."""
        return list(self._shown)

    def current_filter(self) -> str:
        return str(self.bucket.currentData())

    def set_filter(self, key: str) -> None:
        """Show all licences, or only one bucket ("usable" / "review")."""
        index = self.bucket.findData(key)
        if index < 0:
            raise ValueError(f"unknown filter {key!r}")
        self.bucket.setCurrentIndex(index)

    def license_ids_in_filter(self) -> list[str | None]:
        """The ``release_summary.license_id`` values the current filter keeps (None = NULL):
        what the search panel's facet narrows releases to."""
        return [lc.license_id for lc in self._shown]

    # -- the table ---------------------------------------------------------------------------------

    @Slot()
    def _on_filter(self) -> None:
        self._fill()
        self.filter_changed.emit(self.current_filter())

    def _fill(self) -> None:
        key = self.current_filter()
        needle = self.search.text().strip().casefold()
        rows = [lc for lc in self._matrix
                if (key == ALL or lc.bucket == key)
                and (not needle or needle in lc.name.casefold()
                     or needle in (lc.license_id or "").casefold())]
        self._shown = rows
        base = self.table.palette().color(QPalette.ColorRole.Base)
        self.table.setSortingEnabled(False)
        self.table.clearContents()
        self.table.setRowCount(len(rows))
        for r, lc in enumerate(rows):
            name = QTableWidgetItem(lc.name)
            name.setData(LICENSE_ROLE, lc.license_id or "")
            tip = [f"<b>{escape(lc.name)}</b>"]
            if lc.license_id and lc.license_id != lc.name:
                tip.append(f"Id: {escape(lc.license_id)}")
            if lc.category:
                tip.append(f"Category: {escape(lc.category)}"
                           + (" · OSI-approved" if lc.osi_approved else ""))
            if not lc.recognised and lc.license_id:
                tip.append("<i>Not recognised: the text as sources wrote it.</i>")
            if lc.checked:
                tip.append(f"Checked against: {escape(lc.checked)}")
            if lc.url:
                tip.append(escape(lc.url))
            name.setToolTip("<br>".join(tip))
            if lc.license_id is None:
                italic = name.font()
                italic.setItalic(True)
                name.setFont(italic)
            self.table.setItem(r, 0, name)
            count = QTableWidgetItem()
            count.setData(Qt.ItemDataRole.DisplayRole, lc.releases)
            count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.table.setItem(r, 1, count)
            for c, clause in enumerate(CLAUSES, start=2):
                cell = lc.cells[clause]
                item = QTableWidgetItem(cell.short_text)
                item.setData(VALUE_ROLE, cell.value)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setToolTip(cell_tooltip(lc, clause))
                tint = _tint(cell_status(clause, cell.value, cell.restrictive), base)
                if tint is not None:
                    item.setBackground(tint)
                self.table.setItem(r, c, item)
            usable = lc.usable
            review = QTableWidgetItem("not needed" if usable else "needs review")
            review.setData(VALUE_ROLE, lc.bucket)
            review.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            reasons = lc.review_reasons()
            review.setToolTip(
                f"<b>{escape(BUCKETS[lc.bucket])}</b>"
                + ("<br>" + "<br>".join(f"• {escape(x)}" for x in reasons) if reasons else ""))
            tint = _tint("open" if usable else "partial", base)
            if tint is not None:
                review.setBackground(tint)
            self.table.setItem(r, len(COLUMNS) - 1, review)
        self._size_columns()
        total = sum(lc.releases for lc in rows)
        self.count.setText(f"{len(rows)} of {len(self._matrix)} licences · {total} releases")
        self.details.clear()

    def _size_columns(self) -> None:
        metrics = self.table.fontMetrics()
        widths = {"releases": metrics.horizontalAdvance("Releases") + 18}
        for clause in CLAUSES:
            longest = max([metrics.horizontalAdvance(line) for line in
                           HEADERS[clause].split("\n")], default=60)
            texts = [metrics.horizontalAdvance(lc.cells[clause].short_text)
                     for lc in self._shown]
            widths[clause] = min(max([longest, *texts]) + 18, 180)
        widths["review"] = metrics.horizontalAdvance("needs review") + 22
        for column, key in enumerate(COLUMNS):
            if key in widths:
                self.table.setColumnWidth(column, widths[key])

    def row_of(self, license_id: str | None) -> int:
        """The table row of a licence (ValueError when it is filtered out)."""
        for r, lc in enumerate(self._shown):
            if lc.license_id == license_id:
                return r
        raise ValueError(f"{license_id!r} is not shown")

    def cell_item(self, license_id: str | None, clause: str) -> QTableWidgetItem:
        item = self.table.item(self.row_of(license_id), COLUMNS.index(clause))
        assert item is not None
        return item

    @Slot()
    def _on_selection(self) -> None:
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) != 1:
            self.details.clear()
            return
        self.details.setHtml(self.details_html(self._shown[rows.pop()]))

    @Slot(QTableWidgetItem)
    def _on_double_click(self, item: QTableWidgetItem) -> None:
        lc = self._shown[item.row()]
        self.license_activated.emit(lc.license_id or "")

    @staticmethod
    def details_html(lc: LicenseClauses) -> str:
        """The selected licence: bucket and reasons, then each clause with its source link."""
        usable = lc.usable
        color = STATUS_COLORS["open" if usable else "partial"]
        out = [f"<h3 style='margin:0'>{escape(lc.name)}</h3>",
               f"<p style='margin:2px 0'>{lc.releases} release(s) · "
               f"<span style='color:{color}'>&#9632;</span> <b>{escape(BUCKETS[lc.bucket])}"
               "</b>" + (": " + escape("; ".join(lc.review_reasons())) if not usable else "")
               + "</p>"]
        if lc.url:
            out.append(f"<p style='margin:2px 0'>Licence text: <a href='{escape(lc.url)}'>"
                       f"{escape(lc.url)}</a></p>")
        out.append("<ul style='margin-top:2px'>")
        for clause in CLAUSES:
            cell = lc.cells[clause]
            refs = [r for r in cell.refs if r.origin != "terms"]
            if not refs and not cell.note:
                continue
            parts = []
            for ref in refs:
                link = f" <a href='{escape(ref.url)}'>{escape(ref.clause or 'source')}</a>" \
                    if ref.url else (f" ({escape(ref.clause)})" if ref.clause else "")
                parts.append(f"{escape(ref.summary)}{link}")
            if cell.note:
                parts.append(f"<i>{escape(cell.note)}</i>")
            out.append(f"<li><b>{escape(CLAUSE_LABELS[clause])}: {escape(cell.text)}.</b> "
                       + " ".join(parts) + "</li>")
        out.append("</ul><p style='color:gray'>Not legal advice: the licence text is the "
                   "authority.</p>")
        return "".join(out)

    # -- export ------------------------------------------------------------------------------------

    def markdown(self) -> str:
        """The licences shown, as Markdown, each clause with its section and link."""
        return clauses.matrix_markdown(self._shown, self._snapshot_date)

    @Slot()
    def copy_markdown(self) -> None:
        QGuiApplication.clipboard().setText(self.markdown())
        self.copy_button.setText("Copied ✓")
        QTimer.singleShot(1500, self._restore_copy_button)

    @Slot()
    def _restore_copy_button(self) -> None:
        self.copy_button.setText("Copy as Markdown")

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        """The exportable pictures: the releases-per-bucket chart and the matrix table."""
        return [("Releases by licence review bucket", self.chart),
                ("Licence clause matrix", self.table)]
