"""Search as you type, facets beside the results, and the results table.

:class:`SearchPanel` is the left half of the main window. Typing searches after a short pause
(:attr:`SearchPanel.SEARCH_DELAY_MS`); the first page of results is read on the GUI thread (one
``LIMIT`` query), the rest as the table scrolls
(:class:`~openexplorer.ui.results_model.ResultsModel`).
Facet counts and the number of matches — a dozen ``GROUP BY`` queries, the slow part over a
large cache — are computed after the pause on a worker thread with its own read-only SQLite
connection; a newer search supersedes a running one, and the window never waits for them.
A cache without a file (``Cache.memory()``) counts on the GUI thread instead.

Every count and every result comes from :mod:`openexplorer.search.summary` (``search``, ``count``,
``facet_counts``); a facet's own counts ignore its own choice, so checking one value never hides
the others.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPoint,
    Qt,
    QThreadPool,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from openexplorer.db.cache import Cache
from openexplorer.search import counts
from openexplorer.search.facets import BY_KEY, FACET_TABLE, NONE
from openexplorer.search.filters import Filters
from openexplorer.ui.facet_widgets import FacetGroup, ListFacet, RangeFacet
from openexplorer.ui.results_delegate import OpennessBarDelegate
from openexplorer.ui.results_model import COLUMN_KEYS, ResultsModel, value_label
from openexplorer.ui.results_view import ResultsView, SearchBox

log = logging.getLogger(__name__)

#: The facet column, top to bottom: (name, title, kind) of each row of the facet table
#: (:data:`openexplorer.search.facets.FACET_TABLE`); kind "list", "bool" (yes/no) or "range".
FACET_LAYOUT: tuple[tuple[str, str, str], ...] = tuple(
    (f.key, f.label, {"values": "list", "yesno": "bool", "range": "range"}[f.kind])
    for f in FACET_TABLE)
#: Values counted per facet (organisations and countries: the top ones).
FACET_LIMIT = 40


# -- facet counting (worker thread) ---------------------------------------------------------------


def compute_facets(cache: Cache, query: str, filters: Filters,
                   superseded: Callable[[], bool] = lambda: False) -> dict[str, Any] | None:
    """Everything the facet column shows, for one query and filters; None if superseded.

    One :func:`openexplorer.search.summary.facet_summary` (a single pass over the query's matches).
    """
    if superseded():
        return None
    out = counts.facet_summary(cache, query, filters, limit=FACET_LIMIT)
    if superseded():
        return None
    return out


class _FacetRelay(QObject):
    """Carries a worker's result back to the GUI thread (a queued signal)."""

    done = Signal(int, object)


class _Generation:
    """The newest facet request; a worker whose request is older stops early."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def next(self) -> int:
        with self._lock:
            self._value += 1
            return self._value

    def current(self) -> int:
        with self._lock:
            return self._value



class SearchPanel(QWidget):
    """Search box, facet column and results table over the cache's release summaries.

    Signals:
        release_activated(str): a release was opened (double-click or Return on a row).
        current_release_changed(str): the current row moved to another release.
        compare_requested(list): "Add to comparison" on the selected releases (their ids).
        filters_changed(object): the :class:`~openexplorer.search.summary.Filters` changed.
        facets_updated(): the facet counts and the status line show the current search.
        message(str): something for the status bar ("Copied 1,204 lines").
    """

    SEARCH_DELAY_MS = 150
    #: Below this width the facet column folds away by itself (until "Filters" is clicked).
    FACETS_AUTO_MIN_WIDTH = 780

    release_activated = Signal(str)
    current_release_changed = Signal(str)
    compare_requested = Signal(list)
    filters_changed = Signal(object)
    facets_updated = Signal()
    message = Signal(str)

    def __init__(self, cache: Cache, parent: QWidget | None = None, *,
                 hold_facets: bool = False) -> None:
        """``cache`` is the GUI thread's cache; facets are counted on a worker thread over their
        own read-only connection to ``cache.path`` (on the GUI thread if it has no path).

        With ``hold_facets`` no count starts before :meth:`start_facets`: the main window lets
        its first screen be built first (the worker would compete with it for the interpreter).
        """
        super().__init__(parent)
        self._cache = cache
        self._facets_held = hold_facets
        self._filters = Filters()
        self._current_id: str | None = None
        self._known: dict[str, list[Any]] = {}
        self._facet_result: dict[str, Any] | None = None
        self._facet_generation = -1
        # Created before the relay: the pool, a child, is destroyed first and waits for its
        # worker, whose result then goes to a relay that still exists.
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _FacetRelay(self)
        self._relay.done.connect(self._on_facets_done)
        self._generation = _Generation()

        self._facets_auto = True  # shown or hidden by the panel's width until the user decides
        self._build()
        self._connect()
        self._run_search()

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        self.search_box = SearchBox(self)
        self.search_box.setPlaceholderText("Search releases, organisations, families…")
        self.search_box.setClearButtonEnabled(True)
        self.search_box.setToolTip("Search as you type (Ctrl+F). Down or Return: go to the "
                                   "results; Escape: clear")
        self.filters_button = QToolButton(self)
        self.filters_button.setText("Filters")
        self.filters_button.setCheckable(True)
        self.filters_button.setChecked(True)
        self.filters_button.setToolTip("Show or hide the filters")
        self.compare_button = QPushButton("Add to comparison", self)
        self.compare_button.setToolTip("Compare the selected releases (select several with "
                                       "Ctrl or Shift)")
        self.compare_button.setEnabled(False)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(6)
        top.addWidget(self.search_box, 1)
        top.addWidget(self.filters_button)
        top.addWidget(self.compare_button)

        self.facet_panel = self._build_facets()

        self.model = ResultsModel(self._cache, self)
        self.model.hold_until_search()  # the sort set up below is read by the first search
        self.table = ResultsView(self)
        self.table.setModel(self.model)
        self.delegate = OpennessBarDelegate(self.table)
        for key in ("mof", "osai", "osaid"):
            self.table.setItemDelegateForColumn(COLUMN_KEYS.index(key), self.delegate)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setShowGrid(False)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        vertical = self.table.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.setSectionsMovable(True)
        header.setStretchLastSection(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.fontMetrics()
        widths = {"name": 26, "organization": 22, "family": 12, "release_date": 0,
                  "license": 25, "mof": 0, "osai": 0, "osaid": 0, "origin": 0}
        for column, key in enumerate(COLUMN_KEYS):
            chars = widths[key]
            if key == "release_date":
                width = metrics.horizontalAdvance("2024-12-31") + 24
            elif key == "mof":
                width = metrics.horizontalAdvance("III") + 3 * 16 + 2 * 3 + 26
            elif key == "osai":
                width = metrics.horizontalAdvance("0.00") + 76
            elif key == "osaid":
                width = metrics.horizontalAdvance("Not known") + 34
            elif key == "origin":
                width = metrics.horizontalAdvance("Curated") + 24
            else:
                width = metrics.averageCharWidth() * chars
            header.resizeSection(column, width)
        self.table.setSortingEnabled(True)
        self.table.set_optional_columns([COLUMN_KEYS.index(key) for key in (
            "origin", "family", "license", "release_date", "organization")])

        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        results = QWidget(self)
        results_layout = QVBoxLayout(results)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.setSpacing(4)
        results_layout.addWidget(self.table, 1)
        results_layout.addWidget(self.status)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(True)
        self.splitter.addWidget(self.facet_panel)
        self.splitter.addWidget(results)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self._sized = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(top)
        layout.addWidget(self.splitter, 1)

        self.compare_action = QAction("Add to &comparison", self)
        self.open_action = QAction("&Open", self)
        self.copy_id_action = QAction("Copy release &id", self)
        self.copy_name_action = QAction("Copy &name", self)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(self.SEARCH_DELAY_MS)
        self._counting = QTimer(self)
        self._counting.setSingleShot(True)
        self._counting.setInterval(300)

    def _build_facets(self) -> QWidget:
        self.facets: dict[str, FacetGroup] = {}
        column = QWidget()
        column.setObjectName("facetColumn")
        layout = QVBoxLayout(column)
        layout.setContentsMargins(4, 0, 6, 6)
        layout.setSpacing(2)
        for row in FACET_TABLE:
            group: FacetGroup
            if row.kind == "range":
                low, high, step, decimals = row.spin
                group = RangeFacet(row.key, row.label, low, high, step, decimals, column)
                group.range_changed.connect(self._on_range_changed)
            else:
                group = ListFacet(row.key, row.label, column)
                group.toggled.connect(self._on_facet_toggled)
            group.clear_requested.connect(self._on_clear_facet)
            self.facets[row.key] = group
            layout.addWidget(group)
        layout.addStretch(1)

        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.facet_scroll = scroll

        title = QLabel("Filters")
        font = title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        title.setFont(font)
        self.clear_all_button = QToolButton()
        self.clear_all_button.setText("Clear all")
        self.clear_all_button.setAutoRaise(True)
        self.clear_all_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.clear_all_button.setToolTip("Clear every filter (the search text stays)")
        self.clear_all_button.setEnabled(False)
        head = QHBoxLayout()
        head.setContentsMargins(4, 0, 6, 0)
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.clear_all_button)

        panel = QWidget(self)
        panel.setMinimumWidth(self.fontMetrics().averageCharWidth() * 24)
        panel_layout = QVBoxLayout(panel)
        panel_layout.setContentsMargins(0, 0, 0, 0)
        panel_layout.setSpacing(2)
        panel_layout.addLayout(head)
        panel_layout.addWidget(scroll, 1)
        return panel

    def _connect(self) -> None:
        self.search_box.textChanged.connect(self._on_text_changed)
        self.search_box.to_results.connect(self._on_to_results)
        self._debounce.timeout.connect(self._run_search)
        self._counting.timeout.connect(self._on_counting)
        self.filters_button.toggled.connect(self._on_filters_button)
        self.filters_button.clicked.connect(self._on_filters_clicked)
        self.compare_button.clicked.connect(self._on_compare)
        self.compare_action.triggered.connect(self._on_compare)
        self.open_action.triggered.connect(self._on_open_current)
        self.copy_id_action.triggered.connect(self._on_copy_ids)
        self.copy_name_action.triggered.connect(self._on_copy_names)
        self.clear_all_button.clicked.connect(self.clear_filters)
        self.table.activated.connect(self._on_activated)
        self.table.customContextMenuRequested.connect(self._on_context_menu)
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._on_sort_indicator)
        selection = self.table.selectionModel()
        selection.currentRowChanged.connect(self._on_current_row_changed)
        selection.selectionChanged.connect(self._on_selection_changed)

    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if not self._sized:  # the facet column's first width, once the panel has its own
            self._sized = True
            self.splitter.setSizes([self.facet_width(), max(1, self.splitter.width()
                                                             - self.facet_width())])

    def facet_width(self) -> int:
        """A width that shows the facet column without clipping."""
        column = self.facet_scroll.widget()
        column_width = column.minimumSizeHint().width() if column is not None else 0
        bar = self.facet_scroll.verticalScrollBar().sizeHint().width()
        return max(column_width + bar + 4,
                   self.fontMetrics().horizontalAdvance("Class I – Open Science") + 110)

    # -- public API ------------------------------------------------------------------------------

    def query(self) -> str:
        return self.search_box.text()

    def filters(self) -> Filters:
        return self._filters

    def set_query(self, text: str) -> None:
        """Search for ``text`` now (no pause)."""
        self.search_box.blockSignals(True)
        self.search_box.setText(text)
        self.search_box.blockSignals(False)
        self._run_search()

    def set_filters(self, filters: Filters) -> None:
        """Replace every filter and search again."""
        self._change_filters(filters)

    def apply_filter(self, facet: Mapping[str, Any]) -> None:
        """Merge a chart's filter into the current ones and search again.

        ``facet`` maps :class:`~openexplorer.search.summary.Filters` fields (or the overview's
        ``osai_score_min`` / ``osai_score_max``) to a value or a list of values, e.g.
        ``{"year": 2024}``, ``{"org_kind": "big-tech"}``, ``{"mof_class": "II"}`` or
        ``{"osai_score_min": 0.5, "osai_score_max": 0.6}``. A facet named replaces that facet's
        choice. As in the overview's histogram, a score maximum below 1 excludes itself.
        """
        self._change_filters(merge_filter(self._filters, facet))

    def clear_filters(self) -> None:
        self._change_filters(Filters())

    def focus_search(self) -> None:
        self.search_box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_box.selectAll()

    def selected_spans(self) -> list[tuple[int, int]]:
        """The selected rows as spans ``(first, last)``, top to bottom, none overlapping: what
        the selection holds, without a Python object per row (a Ctrl+A over a million rows)."""
        spans: list[list[int]] = []
        selection = self.table.selectionModel().selection()
        for top, bottom in sorted((r.top(), r.bottom())
                                  for r in map(selection.at, range(selection.count()))):
            if spans and top <= spans[-1][1] + 1:
                spans[-1][1] = max(spans[-1][1], bottom)
            else:
                spans.append([top, bottom])
        return [(top, bottom) for top, bottom in spans]

    def selected_count(self) -> int:
        return sum(bottom - top + 1 for top, bottom in self.selected_spans())

    def selected_ids(self, limit: int | None = None) -> list[str]:
        """The selected releases, top to bottom (the first ``limit`` of them)."""
        spans = self.selected_spans()
        if limit is not None:  # read no further than needed
            kept, left = [], limit
            for top, bottom in spans:
                if left <= 0:
                    break
                kept.append((top, min(bottom, top + left - 1)))
                left -= kept[-1][1] - top + 1
            spans = kept
        return [row[0] for row in self.model.values(spans, ("release_id",)) if row[0]]

    def ids_for_comparison(self) -> list[str]:
        """The first selected releases, as many as can fill a comparison whatever it already
        holds and one more (so that the window can tell there were too many)."""
        from openexplorer.analyses.compare import MAX_RELEASES  # (not on the start's path)

        return self.selected_ids(limit=2 * MAX_RELEASES + 1)

    def selected_names(self) -> list[str]:
        """The selected releases' names as the table shows them, top to bottom."""
        return [str(name or release_id) for name, release_id
                in self.model.values(self.selected_spans(), ("name", "release_id"))]

    def current_id(self) -> str | None:
        return self.model.release_id(self.table.currentIndex().row())

    def select_release(self, release_id: str) -> bool:
        """Make a loaded release the current row; False if it is not among the loaded rows."""
        row = self.model.row_of(release_id)
        if row is None:
            return False
        self._select_row(row)
        return True

    def reload(self) -> None:
        """Search again with the same query, filters and sort (after a refresh changed the
        cache); the current release stays current if it is still found."""
        self._debounce.stop()
        self.model.refresh()
        self._after_search()

    def facet_entries(self, name: str) -> list[tuple[Any, str, int, bool]]:
        """What a list facet shows: (value, label, count, checked) for each value."""
        group = self.facets[name]
        return group.entries() if isinstance(group, ListFacet) else []

    # -- searching -------------------------------------------------------------------------------

    @Slot(str)
    def _on_text_changed(self, _text: str) -> None:
        self._debounce.start()

    @Slot()
    def _run_search(self) -> None:
        self._debounce.stop()
        self.model.set_search(self.search_box.text(), self._filters)
        self._after_search()

    def _after_search(self) -> None:
        self._restore_current()
        self._show_status()
        self._request_facets()

    def _restore_current(self) -> None:
        """Keep the current release current if it is still listed, else the first row."""
        if not self.model.rowCount():
            if self._current_id is not None:
                self._current_id = None
            return
        row = self.model.row_of(self._current_id) if self._current_id else None
        self._select_row(row if row is not None else 0)

    def _select_row(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.table.scrollTo(index)

    def _change_filters(self, filters: Filters) -> None:
        if filters == self._filters:
            return
        self._filters = filters
        self._sync_facet_choices()
        self.filters_changed.emit(filters)
        self._run_search()

    # -- facets ----------------------------------------------------------------------------------

    def start_facets(self) -> None:
        """Count the facets of the current search, if they were held (see ``hold_facets``)."""
        if self._facets_held:
            self._facets_held = False
            self._request_facets()

    def _request_facets(self) -> None:
        generation = self._generation.next()
        if self._facets_held:
            return  # counted by start_facets()
        query, filters = self.search_box.text(), self._filters
        path = self._cache.path
        if path is None:
            self._count_here(generation)
            return
        latest = self._generation
        relay = self._relay

        def work() -> None:
            if latest.current() != generation:
                return
            result: dict[str, Any] | None = None
            failed = False
            try:
                with Cache.open(path, readonly=True) as cache:
                    result = compute_facets(cache, query, filters,
                                            lambda: latest.current() != generation)
            except Exception:  # e.g. a read-only folder without the WAL index: count here
                log.warning("facet counts failed on the worker for %r", query, exc_info=True)
                failed = True
            if result is not None or failed:
                try:
                    relay.done.emit(generation, result)
                except RuntimeError:  # the panel is gone
                    pass

        self._pool.start(work)

    def _count_here(self, generation: int) -> None:
        """Count on the GUI thread (a cache without a file, or the worker failed)."""
        try:
            result = compute_facets(self._cache, self.search_box.text(), self._filters)
        except Exception:
            log.exception("facet counts failed for %r", self.search_box.text())
            result = None
        if result is None:
            self._facet_result = None
            self._facet_generation = generation
            self._show_status()
            self.facets_updated.emit()
            return
        self._on_facets_done(generation, result)

    @Slot(int, object)
    def _on_facets_done(self, generation: int, result: object) -> None:
        if generation != self._generation.current():
            return
        if not isinstance(result, dict):
            self._count_here(generation)
            return
        self._facet_result = result
        self._show_facets(result)
        self._facet_generation = generation
        self._show_status()
        self.facets_updated.emit()

    def wait_for_facets(self, timeout_ms: int = 5000) -> bool:
        """Block until the worker is idle (tests, screenshots); True if it finished."""
        done = self._pool.waitForDone(timeout_ms)
        QGuiApplication.processEvents()
        return done

    def _show_facets(self, result: dict[str, Any]) -> None:
        counts: dict[str, list[tuple[Any, int]]] = dict(result["facets"])
        for row in FACET_TABLE:
            if row.kind == "yesno":
                counts[row.key] = result[row.key]
        for name, group in self.facets.items():
            if isinstance(group, ListFacet):
                group.set_entries(self._entries_for(name, counts.get(name, [])))
            elif isinstance(group, RangeFacet):
                known = result.get(BY_KEY[name].known_key)
                noun = BY_KEY[name].known_noun
                group.hint.setText("" if known is None else f"{known:,} {noun}")
        self._sync_facet_choices()

    def _chosen(self, name: str) -> tuple[Any, ...]:
        if BY_KEY[name].kind == "yesno":
            value = getattr(self._filters, name)
            return () if value is None else (value,)
        return tuple(getattr(self._filters, name))

    def _entries_for(self, name: str,
                     counts: Iterable[tuple[Any, int]]) -> list[tuple[Any, str, int, bool]]:
        row = BY_KEY[name]
        counted = dict(counts)
        known = self._known.setdefault(name, [])
        for value in counted:
            if value not in known:
                known.append(value)
        chosen = self._chosen(name)
        if row.kind == "yesno":
            values: list[Any] = [True, False]
        elif row.small_domain:
            values = list(known)
        else:
            values = list(counted)
        values += [v for v in chosen if v not in values]
        order = row.value_order
        if row.listing == "given":
            values.sort(key=lambda v: (order.index(v) if v in order else len(order), str(v)))
        elif row.listing == "descending":
            values.sort(key=lambda v: (v == NONE, -(v if isinstance(v, int) else 0)))
        elif row.listing == "first_seen":  # a stable order: values do not jump as counts change
            values.sort(key=lambda v: (v == NONE, known.index(v) if v in known else len(known)))
        elif row.kind != "yesno":
            values.sort(key=lambda v: (v == NONE, -counted.get(v, 0), str(v).lower()))
        return [(v, value_label(name, v), counted.get(v, 0), v in chosen) for v in values]

    def _sync_facet_choices(self) -> None:
        """Show the current filters in the facet column (checks, ranges, clear buttons)."""
        active = 0
        for name, group in self.facets.items():
            if isinstance(group, ListFacet):
                chosen = self._chosen(name)
                entries = group.entries()
                values = [e[0] for e in entries]
                missing = [v for v in chosen if v not in values]
                entries = [(v, label, n, v in chosen) for v, label, n, _ in entries]
                entries += [(v, value_label(name, v), 0, True) for v in missing]
                group.set_entries(entries)
                group.set_active(bool(chosen))
                active += bool(chosen)
            elif isinstance(group, RangeFacet):
                low_field, high_field = BY_KEY[name].bounds
                low, high = getattr(self._filters, low_field), getattr(self._filters, high_field)
                scale = BY_KEY[name].scale
                group.set_bounds(None if low is None else low / scale,
                                 None if high is None else high / scale)
                group.set_active(low is not None or high is not None)
                active += low is not None or high is not None
        self.clear_all_button.setEnabled(active > 0)
        self.filters_button.setText(f"Filters ({active})" if active else "Filters")

    @Slot(object, bool)
    def _on_facet_toggled(self, value: Any, checked: bool) -> None:
        group = self.sender()
        if not isinstance(group, ListFacet):
            return
        name = group.name
        change: dict[str, Any]  # the facet's field, named at run time
        if BY_KEY[name].kind == "yesno":
            change = {name: value if checked else None}
        else:
            current = list(getattr(self._filters, name))
            if checked and value not in current:
                current.append(value)
            elif not checked and value in current:
                current.remove(value)
            change = {name: tuple(current)}
        self._change_filters(dataclasses.replace(self._filters, **change))

    @Slot(object, object)
    def _on_range_changed(self, low: float | None, high: float | None) -> None:
        group = self.sender()
        if not isinstance(group, RangeFacet):
            return
        scale = BY_KEY[group.name].scale
        low_field, high_field = BY_KEY[group.name].bounds
        bounds: dict[str, Any] = {  # the facet's fields, named at run time
            low_field: None if low is None else low * scale,
            high_field: None if high is None else high * scale}
        self._change_filters(dataclasses.replace(self._filters, **bounds))

    @Slot()
    def _on_clear_facet(self) -> None:
        group = self.sender()
        if not isinstance(group, FacetGroup):
            return
        filters = self._filters
        for field in BY_KEY[group.name].fields:
            filters = filters.without(field)
        self._change_filters(filters)

    # -- status line -----------------------------------------------------------------------------

    def is_counting(self) -> bool:
        """Whether the facet counts shown are not yet those of the current search."""
        return self._facet_generation != self._generation.current()

    def is_idle(self) -> bool:
        """No search waiting for its pause and no count running (tests, screenshots)."""
        return not self._debounce.isActive() and not self.is_counting()

    def known_total(self) -> int | None:
        """How many releases match the current search, if known yet."""
        if self.model.is_complete():  # everything fitted in the pages loaded
            return self.model.rowCount()
        if self._facet_result is not None \
                and self._facet_generation == self._generation.current():
            return int(self._facet_result["total"])
        return None

    def _show_status(self) -> None:
        total = self.known_total()
        if total is None and self.is_counting():
            # The worker is counting; say so only if it takes a while (no flicker per keystroke).
            self._counting.start()
            return
        self._counting.stop()
        self.status.setText(self._status_text(total, failed=total is None))

    @Slot()
    def _on_counting(self) -> None:
        if self.known_total() is None and self.is_counting():
            self.status.setText(self._status_text(None))

    def _status_text(self, total: int | None, failed: bool = False) -> str:
        query = self.search_box.text().strip()
        if total is None:
            text = "Could not count the matches (see the log)" if failed else "Counting…"
        else:
            text = f"{total:,} release{'s' if total != 1 else ''}"
            if query:
                text += f" match “{query}”"
        active = sum(1 for name, _t, _k in FACET_LAYOUT if self._is_active(name))
        if active:
            text += f" · {active} filter{'s' if active != 1 else ''}"
        if self.model.sort_column() >= 0:
            title = self.model.headerData(self.model.sort_column(), Qt.Orientation.Horizontal)
            order = ("descending" if self.model.sort_order() == Qt.SortOrder.DescendingOrder
                     else "ascending")
            text += f" · sorted by {str(title).lower()}, {order}"
        return text

    def _is_active(self, name: str) -> bool:
        if BY_KEY[name].kind == "range":
            return any(getattr(self._filters, f) is not None for f in BY_KEY[name].fields)
        return bool(self._chosen(name))

    # -- results ---------------------------------------------------------------------------------

    @Slot(int, Qt.SortOrder)
    def _on_sort_indicator(self, column: int, _order: Qt.SortOrder) -> None:
        header = self.table.horizontalHeader()
        if not self.model.is_sortable(column):
            # Family and Source have no SQL sort: put the indicator back where it was.
            header.blockSignals(True)
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
            header.blockSignals(False)
            self.status.setToolTip("")
            return
        # The view has sorted the model by now (its slot was connected first).
        QTimer.singleShot(0, self._after_sort)

    @Slot()
    def _after_sort(self) -> None:
        self._restore_current()
        self._show_status()

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        release_id = self.model.release_id(current.row())
        if release_id is not None and release_id != self._current_id:
            self._current_id = release_id
            self.current_release_changed.emit(release_id)

    @Slot()
    def _on_selection_changed(self) -> None:
        count = self.selected_count()
        self.compare_button.setEnabled(count > 0)
        self.compare_button.setText("Add to comparison" if count <= 1
                                    else f"Add {count:,} to comparison")

    @Slot(QModelIndex)
    def _on_activated(self, index: QModelIndex) -> None:
        release_id = self.model.release_id(index.row())
        if release_id:
            self.release_activated.emit(release_id)

    @Slot()
    def _on_open_current(self) -> None:
        self._on_activated(self.table.currentIndex())

    @Slot()
    def _on_compare(self) -> None:
        ids = self.ids_for_comparison()
        if ids:
            self.compare_requested.emit(ids)

    @Slot()
    def _on_copy_ids(self) -> None:
        self._copy(self.selected_ids)

    @Slot()
    def _on_copy_names(self) -> None:
        self._copy(self.selected_names)

    def _copy(self, read: Callable[[], list[str]]) -> None:
        count = self.selected_count()
        if count > self.model.PAGE_SIZE:  # thousands of rows: read in one query, a moment
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            lines = read()
        finally:
            if count > self.model.PAGE_SIZE:
                QGuiApplication.restoreOverrideCursor()
        QGuiApplication.clipboard().setText("\n".join(lines))
        if count > 1:
            self.message.emit(f"Copied {len(lines):,} lines")

    @Slot(QPoint)
    def _on_context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if not index.isValid():
            return
        if not self.table.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self._select_row(index.row())
        count = self.selected_count()
        self.compare_action.setText("Add to &comparison" if count <= 1
                                    else f"Add {count:,} to &comparison")
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.compare_action)
        menu.addSeparator()
        menu.addAction(self.copy_name_action)
        menu.addAction(self.copy_id_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    @Slot()
    def _on_to_results(self) -> None:
        if self._debounce.isActive():
            self._run_search()
        if self.model.rowCount():
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.currentIndex().isValid():
                self._select_row(0)

    @Slot(bool)
    def _on_filters_button(self, shown: bool) -> None:
        self.facet_panel.setVisible(shown)

    @Slot()
    def _on_filters_clicked(self) -> None:
        self._facets_auto = False

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._facets_auto:
            wanted = self.width() >= self.FACETS_AUTO_MIN_WIDTH
            if self.filters_button.isChecked() != wanted:
                self.filters_button.setChecked(wanted)


def merge_filter(filters: Filters, facet: Mapping[str, Any]) -> Filters:
    """``filters`` with a chart's filter merged in (see :meth:`SearchPanel.apply_filter`)."""
    values: dict[str, Any] = {}
    names = {f.name: f for f in dataclasses.fields(Filters)}
    for key, value in facet.items():
        if key == "osai_score_min":
            values["osai_min"] = None if value is None else float(value)
        elif key == "osai_score_max":
            high = None if value is None else float(value)
            values["osai_max"] = (high if high is None or high >= 1.0
                                  else math.nextafter(high, -math.inf))
        elif key in names:
            default = names[key].default
            if isinstance(default, tuple):
                items = value if isinstance(value, list | tuple | set) else [value]
                values[key] = tuple(NONE if v is None else v for v in items)
            else:
                values[key] = value
        else:
            log.warning("unknown search filter %r ignored", key)
    return dataclasses.replace(filters, **values)


__all__ = ["FACET_LAYOUT", "SearchPanel", "compute_facets", "merge_filter"]
