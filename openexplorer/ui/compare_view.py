"""Compare 2 to 8 releases side by side.

A component × release matrix (MOF components by class, the index's dimensions by group),
coloured open / partial / closed / unknown with the evidence in tooltips; grouped bars of the
index group scores and the MOF class progress; what changed from one release to the next; and
the family timeline of the compared releases' families. Export: a one-page report (PDF, PNG,
SVG), the charts (PNG, SVG, PDF), the data (CSV, JSON, Markdown); copy as Markdown.
"""

from __future__ import annotations

import functools
import logging
import re
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote

from PySide6.QtCore import QEvent, QObject, QPoint, QSettings, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QFont, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from openexplorer.db.cache import Cache
from openexplorer.analyses.compare import (
    FACT_ROWS,
    fact_cell,
    MAX_RELEASES,
    MIN_RELEASES,
    CompareError,
    cell_evidence,
    compare,
    comparison_json,
    family_ids_of,
    crowded_families,
    family_timeline,
    timeline_gaps,
    timeline_of_views,
)
from openexplorer.analyses.export import (
    comparison_csv,
    comparison_markdown,
    write_text_atomically,
)
from openexplorer.frameworks import osai
from openexplorer.core.sources import SOURCES
from openexplorer.ui import charts
from openexplorer.ui.export_dialog import ask_export_target
from openexplorer.ui.theme import STATUS_COLORS, STATUS_LABELS

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView

log = logging.getLogger(__name__)

#: Item data role holding a status cell's status (open / partial / closed / unknown).
STATUS_ROLE = Qt.ItemDataRole.UserRole + 1
#: Item data role holding a row's (framework, component), or ("summary", label).
ROW_ROLE = Qt.ItemDataRole.UserRole + 2

_FRAMEWORK_TITLES = {"mof": "Model Openness Framework", "osai": "European Open Source AI Index"}
_GROUP_NAMES = {g.ref: g.name for g in osai.GROUPS}
_LICENSE_SOURCE_SHORT = {"unlicensed": "none given"}


def wrap_name(name: str, width: int = 13) -> str:
    """A release name broken after - _ / into lines of about ``width`` characters."""
    parts = re.split(r"(?<=[-_/])", name)
    lines, line = [], ""
    for part in parts:
        if line and len(line) + len(part) > width:
            lines.append(line)
            line = part
        else:
            line += part
    lines.append(line)
    return "\n".join(lines)


def _headline(view: ReleaseView) -> list[tuple[str, str, str]]:
    """(label, text, tooltip) of the summary rows above the matrix."""
    lic = view.license
    licence = lic.id or lic.as_written or "none"
    if licence.startswith("LicenseRef-") and lic.name:
        licence = lic.name  # "Llama 3.1 Community License Agreement", not a scancode key
    licence_tip = "<br>".join(escape(x) for x in (
        lic.name or licence,
        f"Category: {lic.category}" if lic.category else "",
        "OSI-approved" if lic.osi_approved else "",
        f"Commercial use: {lic.commercial_use}" if lic.commercial_use else "",
        *[f"Restriction: {r.summary}" for r in lic.restrictions or []],
        f"As written: {lic.as_written}" if lic.as_written else "",
    ) if x)
    score = view.osai.score
    mof = view.mof
    mof_class: str = "no MOT record" if mof.progress is None else mof.class_ or "none reached"
    if mof.provisional:
        mof_class += " (provisional)"
    verdict = view.osaid.verdict or "–"
    reasons = "<br>".join(escape(r) for r in view.osaid.reasons or [])
    facts = {name: fact_cell(view, name) for _, name in FACT_ROWS}

    def fact_row(label: str, name: str, extra: str = "") -> tuple[str, str, str]:
        # The value and its source; "⚠" when sources disagree (the tooltip says which is used).
        text, lines, _ = facts[name]
        return (label, text, "<br>".join(x for x in (*(escape(x) for x in lines), extra) if x))

    return [
        fact_row("Released", "release_date"),
        fact_row("Parameters", "parameters"),
        ("Organisation", view.organization or "–", escape(view.organization_kind or "")),
        fact_row("Licence", "license", licence_tip),
        ("MOF class", mof_class, escape(mof.label or "")),
        ("Index score", "–" if score is None else f"{score:.2f}",
         "European Open Source AI Index, 0 to 1" + (" (provisional, from Hub metadata)"
                                                     if view.osai.provisional else "")),
        ("OSAID (computed)", verdict, reasons),
    ]


def evidence_tooltip(view: ReleaseView, line: dict[str, Any], status: str) -> str:
    """Rich-text tooltip of a matrix cell: finding, licence, source, date, links."""
    evidence = cell_evidence(view, line, status)
    color = STATUS_COLORS.get(status, STATUS_COLORS["unknown"])
    out = [f"<b>{escape(view.name)}</b> · {escape(line['component'])}",
           f"<span style='color:{color}'>■</span> <b>{escape(STATUS_LABELS.get(status, status))}"
           f"</b>: {escape(evidence['detail'])}"]
    if evidence["warning"]:
        out.append(f"<i>{escape(evidence['warning'])}</i>")
    if evidence["license"]:
        licence = _LICENSE_SOURCE_SHORT.get(evidence["license"], evidence["license"])
        note = f" ({escape(evidence['license_note'])})" if evidence["license_note"] else ""
        out.append(f"Licence: {escape(licence)}{note}")
    if evidence["source"]:
        source = SOURCES.get(evidence["source"])
        name = source.name if source else evidence["source"]
        out.append(f"Source: {escape(name)}, record {escape(str(evidence['source_key']))}"
                   + (f" ({escape(str(evidence['source_version']))})"
                      if evidence["source_version"] else ""))
        if evidence["assessed_date"]:
            out.append(f"Assessed: {escape(evidence['assessed_date'])}")
    if evidence["provisional"]:
        out.append("<i>Provisional: computed from Hub metadata (automated)</i>")
    for link in evidence["links"][:3]:
        out.append(f"Link: {escape(link)}")
    if len(evidence["links"]) > 3:
        out.append(f"… {len(evidence['links']) - 3} more links")
    return "<br>".join(out)


class ComparisonMatrix(QTableWidget):
    """Headline figures, then the component × release matrix. Column 0 holds the labels;
    release ``i`` is column ``i + 1``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: dict[tuple[str, str], int] = {}
        self._ids: list[str] = []
        self._group_rows: list[int] = []
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectColumns)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setWordWrap(False)
        self.setAlternatingRowColors(False)
        self.setShowGrid(True)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        header.setMinimumSectionSize(96)
        header.setSectionsClickable(True)
        header.setHighlightSections(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    # -- reading the matrix (tests, copy) --------------------------------------------------------

    def release_ids(self) -> list[str]:
        return list(self._ids)

    def row_of(self, framework: str, component: str) -> int:
        """The table row of a matrix row (KeyError if it is not shown)."""
        return self._rows[(framework, component)]

    def cell_item(self, framework: str, component: str, release: int) -> QTableWidgetItem:
        item = self.item(self.row_of(framework, component), release + 1)
        assert item is not None
        return item

    def statuses(self, framework: str, component: str) -> list[str]:
        row = self.row_of(framework, component)
        items = [self.item(row, c) for c in range(1, self.columnCount())]
        return [item.data(STATUS_ROLE) for item in items if item is not None]

    def release_at_column(self, column: int) -> str | None:
        return self._ids[column - 1] if 1 <= column <= len(self._ids) else None

    def selected_release_ids(self) -> list[str]:
        columns = {index.column() for index in self.selectedIndexes()}
        if not columns and self.currentColumn() >= 1:
            columns = {self.currentColumn()}
        return [rid for c in sorted(columns) if (rid := self.release_at_column(c))]

    # -- filling -------------------------------------------------------------------------------

    def set_comparison(self, comparison: dict[str, Any]) -> None:
        views = comparison["releases"]
        self._ids = [v.id for v in views]
        self._rows = {}
        self._group_rows = []
        self.clear()
        self.clearSpans()
        headlines = [_headline(v) for v in views]
        groups = []
        for line in comparison["matrix"]:
            key = (line["framework"], line["group"])
            if key not in groups:
                groups.append(key)
        total = 1 + len(headlines[0]) + len(groups) + len(comparison["matrix"])
        self.setRowCount(total)
        self.setColumnCount(len(views) + 1)
        header = QTableWidgetItem("")
        self.setHorizontalHeaderItem(0, header)
        for column, view in enumerate(views, start=1):
            item = QTableWidgetItem(wrap_name(view.name) + "\n" + (view.release_date or
                                                                       "no date"))
            item.setToolTip(
                f"<b>{escape(view.name)}</b><br>{escape(view.id)}<br>"
                f"{escape(view.organization or '')}<br><i>Double-click to open; "
                "select and press Delete to remove from the comparison</i>")
            self.setHorizontalHeaderItem(column, item)
        row = 0
        self._group_row(row, "Summary")
        row += 1
        for index, (label, _text, _tip) in enumerate(headlines[0]):
            self._label(row, label, ("summary", label))
            for column, lines in enumerate(headlines, start=1):
                _, text, tip = lines[index]
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if tip:
                    item.setToolTip(tip)
                item.setData(ROW_ROLE, ("summary", label))
                self.setItem(row, column, item)
            row += 1
        group = None
        for line in comparison["matrix"]:
            key = (line["framework"], line["group"])
            if key != group:
                group = key
                name = _GROUP_NAMES.get(line["group"], line["group"])
                self._group_row(row, f"{_FRAMEWORK_TITLES[line['framework']]}: {name}")
                row += 1
            self._label(row, line["component"], (line["framework"], line["component"]))
            self._rows[(line["framework"], line["component"])] = row
            for column, (view, status) in enumerate(zip(views, line["cells"], strict=True),
                                                    start=1):
                self.setItem(row, column, self._status_item(view, line, status))
            row += 1
        header_view = self.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        for column in range(1, self.columnCount()):
            header_view.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
        self.restyle()

    def _label(self, row: int, text: str, key: tuple[str, str]) -> None:
        item = QTableWidgetItem(text)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setData(ROW_ROLE, key)
        item.setToolTip(text)
        self.setItem(row, 0, item)

    def _group_row(self, row: int, title: str) -> None:
        item = QTableWidgetItem(title)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        item.setFont(font)
        self.setItem(row, 0, item)
        self.setSpan(row, 0, 1, self.columnCount())
        self._group_rows.append(row)

    def _status_item(self, view: ReleaseView, line: dict[str, Any],
                     status: str) -> QTableWidgetItem:
        item = QTableWidgetItem(STATUS_LABELS.get(status, status).lower())
        item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
        item.setData(STATUS_ROLE, status)
        item.setData(ROW_ROLE, (line["framework"], line["component"]))
        color = QColor(STATUS_COLORS.get(status, STATUS_COLORS["unknown"]))
        item.setBackground(color)
        item.setForeground(charts.text_color_on(color))
        item.setToolTip(evidence_tooltip(view, line, status))
        return item

    def restyle(self) -> None:
        """Colours that follow the theme (group rows); status colours never change."""
        palette = self.palette()
        shade = palette.color(palette.ColorRole.AlternateBase)
        base = palette.color(palette.ColorRole.Base)
        if shade == base:
            shade = palette.color(palette.ColorRole.Midlight)
        for row in self._group_rows:
            item = self.item(row, 0)
            if item is not None:
                item.setBackground(shade)


class CompareView(QWidget):
    """Two to eight releases side by side, with charts, what changed and the family timeline.

    Signals:
        releases_changed(list): the ids compared, after any change (in release order).
        release_requested(str): the user asked to open a release (double-click, menu, chart).
        message(str): a short notice for the status bar (exported, copied, errors).
    """

    releases_changed = Signal(list)
    release_requested = Signal(str)
    message = Signal(str)
    #: A family with more dated releases than this is plotted with its curated releases and
    #: those compared only (compare.family_timeline).
    TIMELINE_MOST = 500

    def __init__(self, cache: Cache | None = None, parent: QWidget | None = None, *,
                 settings: QSettings | None = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._settings = settings
        self._ids: list[str] = []
        self._comparison: dict[str, Any] | None = None
        self._measure = "osai"
        self._error = ""
        self._splitter_moved = False
        self._build()
        self._connect_signals()
        self._show_state()

    # -- building ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel()
        self.subtitle.setTextFormat(Qt.TextFormat.RichText)
        self.notice = QLabel()
        self.notice.setObjectName("notice")
        self._notice_timer = QTimer(self, singleShot=True, interval=6000)
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Export the comparison: one-page report (PDF, PNG, SVG), "
                                      "charts (PNG, SVG, PDF), data (CSV, JSON, Markdown)")
        self.copy_button = QPushButton("Copy as Markdown")
        self.copy_button.setToolTip("Copy the comparison as a Markdown table, with its sources")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected release from the comparison (Delete)")

        top = QHBoxLayout()
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.subtitle)
        top.addLayout(titles, 1)
        top.addWidget(self.notice)
        top.addWidget(self.remove_button)
        top.addWidget(self.copy_button)
        top.addWidget(self.export_button)

        self.matrix = ComparisonMatrix()
        self.changes = QTreeWidget()
        self.changes.setHeaderLabels(["What changed from one release to the next"])
        self.changes.setRootIsDecorated(True)
        self.changes.setUniformRowHeights(True)
        self.changes.setWordWrap(True)

        self.scores_chart = charts.ComparisonChart(vertical=True)
        self.timeline_chart = charts.TimelineChart()
        self.measure_box = QComboBox()
        self.measure_box.addItem("European Open Source AI Index score", "osai")
        self.measure_box.addItem("MOF total progress", "mof")
        timeline_page = QWidget()
        timeline_layout = QVBoxLayout(timeline_page)
        timeline_layout.setContentsMargins(0, 4, 0, 0)
        measure_row = QHBoxLayout()
        measure_row.addWidget(QLabel("Plot:"))
        measure_row.addWidget(self.measure_box)
        measure_row.addStretch(1)
        timeline_layout.addLayout(measure_row)
        timeline_layout.addWidget(self.timeline_chart, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.scores_chart, "Scores")
        self.tabs.addTab(timeline_page, "Family timeline")

        self.right = QSplitter(Qt.Orientation.Vertical)
        self.right.addWidget(self.tabs)
        self.right.addWidget(self.changes)
        self.right.setStretchFactor(0, 3)
        self.right.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.matrix)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 1)

        self.empty = QLabel()
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        self.empty.setMargin(24)
        self.empty.setOpenExternalLinks(False)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.splitter)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.stack, 1)

        # Delete is handled by an event filter on the matrix rather than a QAction shortcut,
        # so a window-wide "Delete removes from comparison" action (calling remove_selected)
        # cannot make the key ambiguous.

    def _connect_signals(self) -> None:
        self.export_button.clicked.connect(self.open_export_dialog)
        self.copy_button.clicked.connect(self.copy_markdown)
        self.remove_button.clicked.connect(self.remove_selected)
        self.matrix.installEventFilter(self)
        self.matrix.cellDoubleClicked.connect(self._on_cell_double_clicked)
        self.matrix.horizontalHeader().sectionDoubleClicked.connect(self._on_header_double_clicked)
        self.matrix.customContextMenuRequested.connect(self._on_matrix_menu)
        self.matrix.horizontalHeader().customContextMenuRequested.connect(self._on_header_menu)
        self.matrix.itemSelectionChanged.connect(self._update_buttons)
        self.measure_box.currentIndexChanged.connect(self._on_measure_changed)
        self.timeline_chart.release_clicked.connect(self.release_requested)
        self.changes.itemDoubleClicked.connect(self._on_change_double_clicked)
        self.splitter.splitterMoved.connect(self._on_splitter_moved)
        self._notice_timer.timeout.connect(self.notice.clear)
        self.empty.linkActivated.connect(self._on_empty_link)

    # -- public API --------------------------------------------------------------------------------

    def ids(self) -> list[str]:
        """The releases in the comparison (in release order once compared)."""
        return list(self._ids)

    def comparison(self) -> dict[str, Any] | None:
        return self._comparison

    def set_releases(self, ids: list[str]) -> None:
        """Compare these releases (ids, Hub ids or names the cache resolves)."""
        cleaned: list[str] = []
        for text in ids:
            text = str(text).strip()
            if text and text not in cleaned:
                cleaned.append(text)
        before = list(self._ids)
        self._ids = cleaned
        self._comparison = None
        self._error = ""
        if self._cache is not None and MIN_RELEASES <= len(cleaned) <= MAX_RELEASES:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                comparison = compare(self._cache, cleaned)
            except CompareError as exc:
                self._error = str(exc)
            else:
                self._show_comparison(comparison)
            finally:
                QApplication.restoreOverrideCursor()
        self._show_state()
        if self._ids != before:
            self.releases_changed.emit(list(self._ids))

    def set_comparison(self, comparison: dict[str, Any]) -> None:
        """Show a comparison computed elsewhere (``openexplorer.analyses.compare.compare``)."""
        before = list(self._ids)
        self._ids = [v.id for v in comparison["releases"]]
        self._error = ""
        self._show_comparison(comparison)
        self._show_state()
        if self._ids != before:
            self.releases_changed.emit(list(self._ids))

    def add_releases(self, ids: list[str]) -> list[str]:
        """Add releases (up to 8 in all); returns the ones added."""
        added = [i for i in ids if i not in self._ids][:max(0, MAX_RELEASES - len(self._ids))]
        if added:
            self.set_releases(self._ids + added)
        if len(added) < len([i for i in ids if i not in self._ids]):
            self._notify(f"A comparison holds at most {MAX_RELEASES} releases.")
        return added

    def remove_release(self, release_id: str) -> None:
        if release_id in self._ids:
            self._remove([release_id])

    @Slot()
    def remove_selected(self) -> None:
        """Remove the releases whose columns are selected (the Delete key)."""
        selected = self.matrix.selected_release_ids() if self.stack.currentIndex() == 1 else []
        if selected:
            self._remove(selected)

    def markdown(self) -> str:
        if self._comparison is None:
            return ""
        return comparison_markdown(self._comparison, self.snapshot_date())

    def snapshot_date(self) -> str | None:
        if self._comparison and self._comparison.get("snapshot_date"):
            return str(self._comparison["snapshot_date"])
        return self._cache.get_meta("snapshot_built") if self._cache is not None else None

    @Slot()
    def copy_markdown(self) -> None:
        text = self.markdown()
        if text:
            QGuiApplication.clipboard().setText(text)
            self._notify("Comparison copied as Markdown")

    def default_file_name(self) -> str:
        names = [v.name for v in (self._comparison or {}).get("releases", [])]
        stem = "comparison-" + "-vs-".join(names[:3]) + ("-etc" if len(names) > 3 else "")
        return re.sub(r"[^\w.+-]+", "_", stem)[:120]

    def export_to(self, path: str | Path, what: str | None = None) -> Path:
        """Write the comparison: ``what`` is report, charts, timeline or data; by default the
        suffix decides (.pdf report; .png/.svg charts; .csv/.json/.md data)."""
        if self._comparison is None:
            raise ValueError("nothing to export: compare at least two releases first")
        path = Path(path)
        suffix = path.suffix.lower()
        if what is None:
            what = {".pdf": "report", ".png": "charts", ".svg": "charts"}.get(suffix, "data")
        snapshot = self.snapshot_date()
        if what == "data":
            if suffix == ".csv":
                text = comparison_csv(self._comparison, snapshot)
            elif suffix == ".json":
                text = comparison_json(self._comparison, snapshot)
            elif suffix in (".md", ".markdown"):
                text = comparison_markdown(self._comparison, snapshot)
            else:
                raise ValueError(f"{path.name}: data is exported as .csv, .json or .md")
            write_text_atomically(path, text, newline="")
        elif what == "report":
            charts.export_comparison_report(self._comparison, path, snapshot_date=snapshot)
        elif what == "charts":
            charts.export_comparison_chart(self._comparison, path, snapshot_date=snapshot,
                                           scale=2.0 if suffix == ".png" else 1.0)
        elif what == "timeline":
            self._export_timeline(path)
        else:
            raise ValueError(f"unknown export: {what!r}")
        return path

    @Slot()
    def open_export_dialog(self) -> Path | None:
        """Ask for a file and a format (Export…), then write it."""
        if self._comparison is None:
            self._notify("Compare at least two releases to export them.")
            return None
        settings = self._settings if self._settings is not None else QSettings()
        target = ask_export_target(self, settings, self.default_file_name())
        if target is None:
            return None
        path, what = target
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self.export_to(path, what)
        except (OSError, ValueError) as exc:
            self._notify(f"Export failed: {exc}")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self._notify(f"Exported to {written}")
        return written

    # -- internals ---------------------------------------------------------------------------------

    def _remove(self, ids: list[str]) -> None:
        remaining = [i for i in self._ids if i not in ids]
        if self._cache is None and self._comparison is not None and len(remaining) >= 2:
            # No cache: narrow the comparison we have.
            keep = [i for i, v in enumerate(self._comparison["releases"]) if v.id in remaining]
            self.set_comparison(_subset(self._comparison, keep))
            return
        self.set_releases(remaining)

    def _show_comparison(self, comparison: dict[str, Any]) -> None:
        self._comparison = comparison
        self._ids = [v.id for v in comparison["releases"]]
        self.matrix.set_comparison(comparison)
        self.scores_chart.set_comparison(comparison, snapshot_date=comparison.get("snapshot_date"))
        self._fill_changes(comparison)
        self._fill_timeline()
        if not self._splitter_moved:
            width = max(self.width(), 900)
            left = min(int(width * 0.58), 230 + 110 * len(self._ids))
            self.splitter.setSizes([left, width - left])

    def _fill_changes(self, comparison: dict[str, Any]) -> None:
        self.changes.clear()
        names = {v.id: v.name for v in comparison["releases"]}
        bold = QFont(self.changes.font())
        bold.setBold(True)
        for step in comparison["changes"]:
            top = QTreeWidgetItem([f"{names.get(step['from'], step['from'])} → "
                                   f"{names.get(step['to'], step['to'])}"
                                   f"   ({len(step['changes'])})"])
            top.setFont(0, bold)
            top.setData(0, Qt.ItemDataRole.UserRole, step["to"])
            for change in step["changes"] or ["Nothing changed in the figures shown"]:
                child = QTreeWidgetItem([change])
                child.setToolTip(0, change)
                top.addChild(child)
            self.changes.addTopLevelItem(top)
            top.setExpanded(True)

    def _fill_timeline(self) -> None:
        comparison = self._comparison
        if comparison is None:
            return
        views = comparison["releases"]
        measure = self._measure
        notes = []
        if self._cache is not None:
            ids = [v.id for v in views]
            families = family_ids_of(self._cache, ids)
            crowded = crowded_families(self._cache, families, self.TIMELINE_MOST)
            timeline = family_timeline(self._cache, families, measure=measure,
                                       crowded=crowded, keep=ids)
            for name, count in crowded.values():
                notes.append(f"{name}: {count:,} dated releases, too many to plot; its curated "
                             "ones and those compared are shown")
        else:
            timeline = timeline_of_views(views, measure)
        gaps = timeline_gaps(views, measure)
        notes += ["Not on the timeline: " + "; ".join(gaps)] if gaps else []
        footer = charts.source_line(["osai"] if measure == "osai" else ["mot"],
                                    comparison.get("snapshot_date"))
        self.timeline_chart.set_timeline(timeline, measure=measure,
                                         highlight=[v.id for v in views], notes=notes,
                                         footer=footer)

    def _export_timeline(self, path: Path) -> None:
        chart = charts.TimelineChart(colors=charts.LIGHT_CHART)
        try:
            source = self.timeline_chart
            chart.set_timeline(source.timeline(), measure=self._measure,
                               highlight=self._ids, notes=source._notes,
                               footer=source._footer)
            charts.lay_out(chart, (1100, 650))
            charts.export_widget(chart, path, scale=2.0)
        finally:
            chart.close()
            chart.deleteLater()

    def _show_state(self) -> None:
        count = len(self._ids)
        if self._comparison is not None:
            self.stack.setCurrentIndex(1)
            self.title.setText(f"Comparing {count} releases")
            snapshot = self.snapshot_date()
            chips = " ".join(
                f"<span style='background:{STATUS_COLORS[s]}; "
                f"color:{charts.text_color_on(STATUS_COLORS[s]).name()}'>&nbsp;{STATUS_LABELS[s]}"
                "&nbsp;</span>" for s in ("open", "partial", "closed", "unknown"))
            self.subtitle.setText(
                chips + "&nbsp;&nbsp;" + escape(f"Data snapshot {snapshot}" if snapshot
                                                else "Data snapshot date unknown")
                + escape(" · hover a cell for its evidence"))
        else:
            self.stack.setCurrentIndex(0)
            self.title.setText("Compare releases")
            self.subtitle.setText("")
            self.empty.setText(self._empty_text(count))
        self._update_buttons()

    def _empty_text(self, count: int) -> str:
        listed = ""
        if self._ids:
            listed = "<p>In the comparison now: " + ", ".join(
                f"<b>{escape(self._name_of(i))}</b> "
                f"(<a href='remove:{quote(i, safe='')}'>remove</a>)" for i in self._ids) + "</p>"
        if self._error:
            return f"<h3>These releases cannot be compared</h3><p>{escape(self._error)}</p>" \
                + listed
        if count > MAX_RELEASES:
            return (f"<h3>Too many releases: {count}</h3><p>A comparison holds {MIN_RELEASES} "
                    f"to {MAX_RELEASES} releases. Remove {count - MAX_RELEASES} to see it.</p>"
                    + listed)
        if self._cache is None and count >= MIN_RELEASES:
            return "<h3>No data to compare</h3>" + listed
        need = MIN_RELEASES - count
        return (f"<h3>Add {'another release' if need == 1 else f'{need} releases'} "
                "to compare</h3>"
                f"<p>A comparison shows {MIN_RELEASES} to {MAX_RELEASES} releases side by side. "
                "Select releases in the search results and choose <i>Add to comparison</i> "
                "(Ctrl+Shift+C).</p>" + listed)

    def _name_of(self, release_id: str) -> str:
        if self._cache is not None:
            resolved = self._cache.resolve(release_id)
            release = self._cache.release(resolved) if resolved else None
            if release:
                return str(release["name"])
        return release_id

    def _update_buttons(self) -> None:
        has = self._comparison is not None
        self.export_button.setEnabled(has)
        self.copy_button.setEnabled(has)
        self.remove_button.setEnabled(has and bool(self.matrix.selected_release_ids()))

    def _notify(self, text: str) -> None:
        self.notice.setText(text)
        self._notice_timer.start()
        self.message.emit(text)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        if watched is self.matrix and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self.scores_chart.rebuild()
            self.timeline_chart.rebuild()
            self.matrix.restyle()
        super().changeEvent(event)

    @Slot(str)
    def _on_empty_link(self, link: str) -> None:
        if link.startswith("remove:"):
            self.remove_release(unquote(link.removeprefix("remove:")))

    @Slot(int)
    def _on_measure_changed(self, _index: int) -> None:
        self._measure = self.measure_box.currentData() or "osai"
        self._fill_timeline()

    @Slot(int, int)
    def _on_splitter_moved(self, _pos: int, _index: int) -> None:
        self._splitter_moved = True

    @Slot(int, int)
    def _on_cell_double_clicked(self, _row: int, column: int) -> None:
        release_id = self.matrix.release_at_column(column)
        if release_id:
            self.release_requested.emit(release_id)

    @Slot(int)
    def _on_header_double_clicked(self, column: int) -> None:
        self._on_cell_double_clicked(0, column)

    @Slot(QTreeWidgetItem, int)
    def _on_change_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        release_id = item.data(0, Qt.ItemDataRole.UserRole)
        if release_id:
            self.release_requested.emit(release_id)

    @Slot(QPoint)
    def _on_header_menu(self, pos: QPoint) -> None:
        column = self.matrix.horizontalHeader().logicalIndexAt(pos)
        release_id = self.matrix.release_at_column(column)
        if release_id:
            self._release_menu(release_id, None).exec(
                self.matrix.horizontalHeader().mapToGlobal(pos))

    @Slot(QPoint)
    def _on_matrix_menu(self, pos: QPoint) -> None:
        index = self.matrix.indexAt(pos)
        release_id = self.matrix.release_at_column(index.column())
        if release_id:
            item = self.matrix.item(index.row(), index.column())
            self._release_menu(release_id, item).exec(self.matrix.viewport().mapToGlobal(pos))

    def _release_menu(self, release_id: str, item: QTableWidgetItem | None) -> QMenu:
        menu = QMenu(self)
        menu.addAction("Open release page", lambda: self.release_requested.emit(release_id))
        links = []
        if item is not None and item.data(STATUS_ROLE) and self._comparison is not None:
            framework, component = item.data(ROW_ROLE)
            view = next(v for v in self._comparison["releases"] if v.id == release_id)
            line = next(m for m in self._comparison["matrix"]
                        if (m["framework"], m["component"]) == (framework, component))
            links = cell_evidence(view, line, item.data(STATUS_ROLE))["links"]
        for link in links[:5]:
            menu.addAction(f"Open {link[:70]}", functools.partial(_open_url, link))
        menu.addSeparator()
        remove = menu.addAction("Remove from comparison", lambda: self._remove([release_id]))
        remove.setShortcut(Qt.Key.Key_Delete)
        return menu


def _open_url(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))


def _subset(comparison: dict[str, Any], keep: list[int]) -> dict[str, Any]:
    """The comparison narrowed to the releases at ``keep`` (positions in release order)."""
    from openexplorer.analyses.compare import differences

    views = [comparison["releases"][i] for i in keep]
    return {
        **comparison,
        "releases": views,
        "matrix": [{**line, "cells": [line["cells"][i] for i in keep]}
                   for line in comparison["matrix"]],
        "changes": [{"from": a.id, "to": b.id, "changes": differences(a, b)}
                    for a, b in zip(views, views[1:], strict=False)],
    }
