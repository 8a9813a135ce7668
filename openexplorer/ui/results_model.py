"""Search results as a Qt table model, fetched page by page, with small inline openness bars.

:class:`ResultsModel` wraps :func:`openexplorer.search.summary.search`: it grows a page at a time as
the table scrolls (``canFetchMore`` / ``fetchMore``, :attr:`ResultsModel.PAGE_SIZE` rows at a
time), each page read from the indexes after the last row of the one before (keyset paging, as
fast at row 900,000 as at row 0), and keeps only the last :attr:`ResultsModel.PAGES_KEPT` pages it
read in memory: a page scrolled past is read again, from where it started, when it is shown again.
Pages are read on a :class:`PageReader` thread (its own read-only connection) ahead of the view,
so a scroll frame does not wait for SQLite; the view paints through :meth:`ResultsModel.multiData`
and :meth:`ResultsModel.cell`, from each shown row's cells worked out once. It sorts in SQL
(clicking a header maps the column to a :data:`openexplorer.search.summary.SORTS` key) and resets on a
new query, filters or sort. :class:`OpennessBarDelegate` paints the MOF column
(three tiny bars for Class III / II / I progress), the Index column (a bar of the score) and the
OSAID column (a status dot), in the theme's status colours, each look drawn once and kept.

Roles: ``Qt.UserRole`` gives the release id; :data:`ROW_ROLE` the row's summary fields as a dict;
:data:`BAR_ROLE` what the delegate draws.
"""

from __future__ import annotations

import itertools
import logging
import weakref
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from openexplorer.db.cache import Cache
from openexplorer.search import counts, planner
from openexplorer.search.facets import FACET_TABLE, value_label
from openexplorer.search.filters import Filters
from openexplorer.ui.page_reader import FIELDS, PageQuery, PageReader, read_page

log = logging.getLogger(__name__)

_Index = QModelIndex | QPersistentModelIndex

#: The summary row as a dict (for views that need more than the shown text).
ROW_ROLE = int(Qt.ItemDataRole.UserRole) + 1
#: What the delegate paints: ("mof", class, iii, ii, i, provisional), ("osai", score,
#: provisional) or ("dot", status); None for plain text cells.
BAR_ROLE = int(Qt.ItemDataRole.UserRole) + 2

_F = {name: i for i, name in enumerate(FIELDS)}

#: (key, header, summary.SORTS key or None when the column cannot be sorted, header tooltip).
COLUMNS: tuple[tuple[str, str, str | None, str], ...] = (
    ("name", "Release", "name", "The release (a model version)"),
    ("organization", "Organisation", "organization", "Who released it"),
    ("family", "Family", None, "The model family (not sortable)"),
    ("release_date", "Released", "release_date", "Release date"),
    ("license", "Licence", "license", "The licence of the weights; its category in the tooltip"),
    ("mof", "MOF", "mof",
     "Model Openness Framework: the class reached, and the progress towards Class III, II and I"),
    ("osai", "Index", "osai_score", "European Open Source AI Index score (0–1)"),
    ("osaid", "OSAID", "osaid", "Open Source AI Definition 1.0 verdict"),
    ("origin", "Source", None, "Curated sources, or Hugging Face Hub metadata only (not sortable)"),
)
COLUMN_KEYS = tuple(c[0] for c in COLUMNS)
#: Columns whose first click sorts best / newest first.
_DESCENDING_FIRST = {"release_date", "mof", "osai"}

#: How facet values read in the UI, and the values listed in a fixed order (the panel's facets
#: and this model's tooltips share them): the facet table's.
VALUE_LABELS: dict[str, Mapping[Any, str]] = {f.key: f.value_labels for f in FACET_TABLE
                                              if f.value_labels}
VALUE_ORDER: dict[str, tuple[Any, ...]] = {f.key: f.value_order for f in FACET_TABLE
                                           if f.value_order}
_OSAID_STATUS = {"pass": "open", "fail": "closed"}
#: Columns that can show the placeholder (greyed).
_MAY_BE_EMPTY = frozenset({"license", "mof", "osai", "osaid"})
#: The roles :meth:`ResultsModel.data` answers.
_ROLES = frozenset(int(r) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.ForegroundRole, BAR_ROLE, ROW_ROLE))
_PLACEHOLDER = "—"
#: What a row shows while its page is read (the name greyed "…", the rest blank).
_UNREAD = "…"
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)


def format_parameters(value: float | None) -> str:
    """7e9 → "7B", 1.57e12 → "1.6T", 125e6 → "125M"."""
    if value is None:
        return ""
    for size, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if value >= size:
            number = value / size
            text = f"{number:.1f}" if number < 10 and number != int(number) else f"{number:.0f}"
            return text + unit
    return f"{value:.0f}"


def score_status(score: float | None) -> str:
    """An index score in thirds of the status colours: open ≥ 2/3 > partial ≥ 1/3 > closed."""
    if score is None:
        return "unknown"
    if score >= 2 / 3:
        return "open"
    if score >= 1 / 3:
        return "partial"
    return "closed"


def progress_status(progress: float | None) -> str:
    if progress is None:
        return "unknown"
    if progress >= 100:
        return "open"
    return "partial" if progress > 0 else "closed"



def _as_dict(values: tuple[Any, ...]) -> dict[str, Any]:
    return dict(zip(FIELDS, values, strict=False))  # (without the text index key, if any)


def placeholder_color() -> QColor:
    """The colour of a cell's placeholder ("—") and of a row being read."""
    return QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)


class _ReadRelay(QObject):
    """Carries "a page was read" from reader threads to the models on the GUI thread (a queued
    signal). One for the application, never deleted before it: a reader thread may still be
    finishing a page when its model is gone."""

    page_read = Signal(int, int, int)  # the model's token, its generation, the page

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.models: weakref.WeakValueDictionary[int, ResultsModel] = \
            weakref.WeakValueDictionary()
        self.page_read.connect(self._deliver)

    @Slot(int, int, int)
    def _deliver(self, token: int, generation: int, page: int) -> None:
        model = self.models.get(token)
        if model is not None and isValid(model):
            model._on_page_read(generation, page)


_relay: _ReadRelay | None = None
_tokens = itertools.count(1)


def _read_relay() -> _ReadRelay:
    """The relay (created on the GUI thread, the first time a model is made)."""
    global _relay
    if _relay is None or not isValid(_relay):
        _relay = _ReadRelay(QCoreApplication.instance())
    return _relay


class _Page:
    """A page of rows in memory, and the cells of the rows already shown."""

    __slots__ = ("rows", "cells")

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.cells: list[tuple[tuple[str, Any, bool], ...] | None] = [None] * len(rows)


class ResultsModel(QAbstractTableModel):
    """Releases matching a query and filters, sorted in SQL, loaded a page at a time.

    Pages are read ahead on a :class:`PageReader` thread when the cache has a file: the pages
    after the last one shown, so :meth:`fetchMore` inserts rows already read, and the pages
    around the ones painted. A page the view paints that is not in memory (a jump to rows let
    go long ago) is asked of the reader at once, its rows painted as being read ("…") and
    repainted when it arrives, so a frame never waits for the disk (waiting a little for the
    reader rarely got the page in time: docs/benchmarks.md, scrolling). The reader gets a page in
    one step from SQLite (:func:`~openexplorer.search.summary.search`, ``packed``), so a GUI thread
    painting back to back cannot starve it row by row. Everything else that needs a row now
    (its id, its data, :meth:`fetchMore`) reads it at once: on the GUI thread, or waiting for
    the reader when it is reading that page.

    Signals:
        searched(): the rows were reset for a new query, filters, sort or :meth:`refresh`.
    """

    #: Rows read at a time.
    PAGE_SIZE = 150
    #: Pages kept in memory (the most recently used); the others are read again when needed.
    PAGES_KEPT = 40
    #: Pages read ahead of the end of the rows shown.
    PAGES_AHEAD = 2
    #: How long :meth:`fetchMore` waits for a page the reader is reading before reading it itself.
    WAIT_SECONDS = 2.0
    searched = Signal()

    def __init__(self, cache: Cache, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._query = ""
        self._filters = Filters()
        self._sort_column = -1  # -1: relevance (or newest first without a query)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._held = False  # see hold_until_search
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._starts: dict[int, Any] = {}  # where each page starts (summary.page_key; None: top)
        self._count = 0  # rows reached so far (the table's row count)
        self._exhausted = True
        self._total: int | None = None
        self._generation = 0
        self._search = self._current_search()
        self._shown = (-1, -1)  # the pages painted last (their neighbours are read next)
        self._around: set[int] = set()  # neighbours of pages painted, to read ahead
        self._unread: set[int] = set()  # pages painted as being read, repainted when read
        self._reader: PageReader | None = None
        if cache.path is not None:
            relay, token = _read_relay(), next(_tokens)
            relay.models[token] = self

            def on_read(generation: int, page: int) -> None:
                try:
                    relay.page_read.emit(token, generation, page)
                except RuntimeError:  # the application is closing
                    pass

            reader = self._reader = PageReader(Path(cache.path), on_read)
            weakref.finalize(self, reader.close)
            self.destroyed.connect(lambda *_: reader.close())

    def close(self) -> None:
        """Stop the reader thread (it also stops by itself when idle)."""
        if self._reader is not None:
            self._reader.close()

    # -- searching -------------------------------------------------------------------------------

    def query(self) -> str:
        return self._query

    def filters(self) -> Filters:
        return self._filters

    def sort_column(self) -> int:
        return self._sort_column

    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def sort_key(self) -> str:
        """The :data:`openexplorer.search.summary.SORTS` key in use."""
        if self._sort_column < 0:
            return "relevance"
        return COLUMNS[self._sort_column][2] or "relevance"

    def is_sortable(self, column: int) -> bool:
        return column < 0 or (0 <= column < len(COLUMNS) and COLUMNS[column][2] is not None)

    def set_search(self, query: str, filters: Filters | None = None) -> None:
        """Show the first page for this query and these filters."""
        self._query = query
        if filters is not None:
            self._filters = filters
        self._held = False
        self._reset()

    def hold_until_search(self) -> None:
        """Until the next :meth:`set_search`, :meth:`sort` only notes the order (a view being
        set up sorts before its first search: one read of the first page, not two)."""
        self._held = True

    def refresh(self) -> None:
        """Run the same search again (after the cache changed)."""
        self._reset()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column (in SQL); -1 goes back to relevance. Unsortable columns are ignored."""
        if not self.is_sortable(column):
            return
        self._sort_column = column
        self._sort_order = order
        if not self._held:
            self._reset()

    def total(self) -> int:
        """How many releases match (``summary.count``), counted once per search."""
        if self._total is None:
            self._total = (self._count if self._exhausted
                           else counts.count(self._cache, self._query, self._filters))
        return self._total

    def is_complete(self) -> bool:
        """Whether every matching row has been reached."""
        return self._exhausted

    # -- pages -----------------------------------------------------------------------------------

    def _current_search(self) -> PageQuery:
        return PageQuery(self._query, self._filters, self.sort_key(),
                       self._sort_order == Qt.SortOrder.DescendingOrder, self.PAGE_SIZE)

    def _read(self, after: Any) -> tuple[list[tuple[Any, ...]], Any]:
        """One page after the key ``after``, read here (on the GUI thread)."""
        try:
            return read_page(self._cache, self._search, after)
        except Exception:  # a broken query must not take the window down
            log.exception("search failed: %r", self._query)
            return [], None

    def _reader_usable(self) -> bool:
        return self._reader is not None and self._reader.open

    def _keep(self, index: int, rows: list[tuple[Any, ...]], end: Any) -> _Page:
        page = _Page(rows)
        self._pages[index] = page
        self._pages.move_to_end(index)
        if len(rows) == self.PAGE_SIZE:
            self._starts.setdefault(index + 1, end)
        while len(self._pages) > self.PAGES_KEPT:
            self._pages.popitem(last=False)
        return page

    def _collect(self) -> None:
        """Keep the pages the reader has read since (GUI thread)."""
        if self._reader is None:
            return
        for index, (rows, end) in self._reader.take_all(self._generation).items():
            if index not in self._pages:
                self._keep(index, rows, end)

    def _ask(self, index: int, *, urgent: bool = False, ahead: int = 0) -> None:
        """Have the reader read page ``index`` (if it is not in memory and where it starts is
        known)."""
        if (self._reader is None or index < 0 or index in self._pages
                or index not in self._starts):
            return
        self._reader.request(self._generation, index, self._search, self._starts[index],
                             urgent=urgent, ahead=ahead)

    def _read_ahead(self) -> None:
        if not self._exhausted:
            self._ask(self._count // self.PAGE_SIZE, ahead=self.PAGES_AHEAD - 1)

    def _page(self, index: int) -> _Page:
        """Page ``index``, read here if it is not in memory (scrolled back to a page let go)."""
        page = self._pages.get(index)
        if page is not None:
            self._pages.move_to_end(index)
            return page
        reader = self._reader
        taken = reader.take(self._generation, index) if reader else None
        if taken is None and reader is not None and reader.open and reader.is_pending(index):
            reader.request(self._generation, index, self._search, self._starts[index],
                           urgent=True)
            if reader.wait(self._generation, index, self.WAIT_SECONDS):
                taken = reader.take(self._generation, index)
        rows, end = taken if taken is not None else self._read(self._starts[index])
        return self._keep(index, rows, end)

    def _painted_page(self, index: int) -> _Page | None:
        """Page ``index`` for painting, None while the reader reads it (see the class's notes);
        the pages around it are read ahead (scrolling goes on from there)."""
        page = self._pages.get(index)
        if page is not None:
            self._pages.move_to_end(index)
        elif self._reader_usable():
            assert self._reader is not None
            taken = self._reader.take(self._generation, index)
            if taken is not None:
                page = self._keep(index, *taken)
            elif index not in self._unread:  # asked once, not for every cell
                self._reader.request(self._generation, index, self._search, self._starts[index],
                                     urgent=True)
                self._unread.add(index)
        else:  # no reader (a cache in memory, or the reader failed): read here
            page = self._page(index)
        if index not in self._shown:
            self._shown = (self._shown[-1], index)  # (a view often shows two pages)
            # Asked once the frame is painted: a neighbour the same frame shows is asked for
            # first, by its own paint.
            if not self._around:
                QTimer.singleShot(0, self, self._ask_around)
            self._around.update((index + 1, index - 1))
        return page

    def is_reading(self) -> bool:
        """Whether rows painted as being read are still waited for."""
        return bool(self._unread)

    # -- memory and reading, as callers may check them (read-only) ------------------------------

    def pages_in_memory(self) -> list[int]:
        """The pages of rows held in memory, least recently used first: never more than
        :attr:`PAGES_KEPT` (the memory bound). Pages the reader has read and not yet handed over
        are counted by :meth:`pages_read_not_collected`."""
        return list(self._pages)

    def reads_off_thread(self) -> bool:
        """Whether pages are read on the reader's thread: False for a cache without a file, and
        once the reader has failed (pages are then read on the GUI thread)."""
        return self._reader_usable()

    def pages_being_read(self) -> int:
        """Pages the reader has queued or is reading (0: it is idle, or there is no reader)."""
        return self._reader.pending_count() if self._reader is not None else 0

    def pages_read_not_collected(self) -> int:
        """Pages the reader has read that this model has not yet kept (they are collected when
        the reader says so, and never exceed :attr:`PAGES_AHEAD` while scrolling on)."""
        return self._reader.done_count() if self._reader is not None else 0

    def _ask_around(self) -> None:
        around, self._around = self._around, set()
        for index in sorted(around):
            if 0 <= index and index * self.PAGE_SIZE < self._count:
                self._ask(index)

    def _on_page_read(self, generation: int, index: int) -> None:  # noqa: ARG002
        if generation != self._generation:
            return
        self._collect()  # kept with the others, within PAGES_KEPT
        # Rows painted as being read: repainted now that their page is here (or, if the reader
        # has failed, read on this thread when repainted).
        arrived = {i for i in self._unread if i in self._pages or not self._reader_usable()}
        self._unread -= arrived
        for page in sorted(arrived):
            first = page * self.PAGE_SIZE
            last = min(self._count, first + self.PAGE_SIZE) - 1
            if last >= first:
                self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def _values(self, row: int) -> tuple[Any, ...] | None:
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // self.PAGE_SIZE).rows
        offset = row % self.PAGE_SIZE
        return rows[offset] if offset < len(rows) else None

    def _reset(self) -> None:
        self.beginResetModel()
        self._generation += 1
        self._search = self._current_search()
        if self._reader is not None:
            self._reader.start_generation(self._generation)
        self._total = None
        self._pages.clear()
        self._shown = (-1, -1)
        self._around.clear()
        self._unread.clear()
        self._starts = {0: None}
        rows, end = self._read(None)
        self._keep(0, rows, end)
        self._count = len(rows)
        self._exhausted = len(rows) < self.PAGE_SIZE
        self.endResetModel()
        self._read_ahead()
        self.searched.emit()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, B008
        if parent.isValid() or self._exhausted:
            return
        index = self._count // self.PAGE_SIZE
        rows = self._page(index).rows  # read ahead by now, as a rule
        if len(rows) < self.PAGE_SIZE:
            self._exhausted = True
        if rows:
            first = self._count
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._count += len(rows)
            self.endInsertRows()
        self._read_ahead()

    def fetch_all(self) -> None:
        """Load every remaining page (tests; small result sets)."""
        while self.canFetchMore():
            self.fetchMore()

    # -- rows ------------------------------------------------------------------------------------

    def release_id(self, row: int) -> str | None:
        values = self._values(row)
        return values[0] if values is not None else None

    def row_of(self, release_id: str) -> int | None:
        """The row of a release among the rows held in memory, or None."""
        for index, page in list(self._pages.items()):
            if index * self.PAGE_SIZE >= self._count:
                continue  # read ahead, not shown yet
            for offset, values in enumerate(page.rows):
                if values[0] == release_id:
                    return index * self.PAGE_SIZE + offset
        return None

    def values(self, spans: Iterable[tuple[int, int]], fields: Sequence[str]) -> list[tuple]:
        """``fields`` of the rows in the spans ``(first, last)`` (inclusive, in the order given),
        as tuples. Rows in memory are taken from there; a longer span (a selection of thousands
        of rows, most let go long ago) is read in one query from where its first page starts
        rather than page by page, and not kept."""
        at = [FIELDS.index(f) for f in fields]
        out: list[tuple] = []
        for first, last in spans:
            first, last = max(0, first), min(self._count - 1, last)
            if last < first:
                continue
            page = first // self.PAGE_SIZE
            pages = range(page, last // self.PAGE_SIZE + 1)
            if len(pages) <= 2 or all(i in self._pages for i in pages):
                for row in range(first, last + 1):
                    v = self._values(row)
                    if v is not None:
                        out.append(tuple(v[i] for i in at))
                continue
            skip = first - page * self.PAGE_SIZE
            try:
                rows = planner.search(
                    self._cache, self._search.query, self._search.filters,
                    sort=self._search.sort, descending=self._search.descending,
                    limit=last + 1 - page * self.PAGE_SIZE, after=self._starts[page],
                    columns=tuple(fields))
            except Exception:  # a broken query must not take the window down
                log.exception("reading rows %d–%d failed: %r", first, last, self._query)
                continue
            out.extend(tuple(r[:len(fields)]) for r in rows[skip:])
        return out

    def row_data(self, row: int) -> dict[str, Any] | None:
        values = self._values(row)
        return None if values is None else _as_dict(values)

    def cell(self, row: int, column: int) -> tuple[str, Any, bool] | None:
        """What a cell shows: (text, :data:`BAR_ROLE` value, greyed); None outside the rows.

        The view paints through it (:meth:`multiData`, the delegate): each shown row's cells are
        worked out once and kept with its page. A row whose page is being read shows "…" (greyed)
        in its first column and nothing in the others."""
        if not 0 <= row < self._count:
            return None
        page = self._painted_page(row // self.PAGE_SIZE)
        if page is None:
            return (_UNREAD, None, True) if column == 0 else ("", None, False)
        offset = row % self.PAGE_SIZE
        if offset >= len(page.rows):
            return None
        cells = page.cells[offset]
        if cells is None:
            cells = page.cells[offset] = _cells(page.rows[offset])
        return cells[column]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(COLUMNS):
            return None
        key, title, _sort, tip = COLUMNS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.InitialSortOrderRole:
            return (Qt.SortOrder.DescendingOrder if key in _DESCENDING_FIRST
                    else Qt.SortOrder.AscendingOrder)
        return None

    def multiData(self, index: _Index,  # noqa: N802
                  roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:  # noqa: N803
        # How the view's delegates ask for a cell: one call for all the roles they want, instead
        # of one per role, answered from the cell cache.
        if not index.isValid():
            return
        cell = self.cell(index.row(), index.column())
        if cell is None:
            return
        # cast: PySide's stubs leave out the span's len() and [] (both there at run time)
        span = ((roleDataSpan,) if isinstance(roleDataSpan, QModelRoleData)
                else cast("Sequence[QModelRoleData]", roleDataSpan))
        for i in range(len(span)):
            item = span[i]
            role = item.role()
            if role == _DISPLAY:
                item.setData(cell[0])
            elif role == _FOREGROUND:
                if cell[2]:
                    item.setData(placeholder_color())
            elif role in _ROLES:  # the rest (tooltip, ids, bars) as data() answers them
                value = self.data(index, role)
                if value is not None:
                    item.setData(value)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # A view asks a dozen roles per cell and paint; most have no answer here (scrolling).
        if role not in _ROLES or not index.isValid():
            return None
        values = self._values(index.row())
        if values is None:
            return None
        key = COLUMN_KEYS[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _display(key, values)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(key, values)
        if role == Qt.ItemDataRole.UserRole:
            return values[0]
        if role == BAR_ROLE:
            return _bar(key, values)
        if role == ROW_ROLE:
            return _as_dict(values)
        if role == Qt.ItemDataRole.ForegroundRole and key in _MAY_BE_EMPTY \
                and _display(key, values) == _PLACEHOLDER:
            return placeholder_color()
        return None


def _display(key: str, v: tuple[Any, ...]) -> str:
    if key == "name":
        return str(v[_F["name"]] or v[0])
    if key == "license":
        license_id, name = v[_F["license_id"]], v[_F["license_name"]]
        if name and (not license_id or str(license_id).startswith("LicenseRef-")):
            return str(name)  # "Llama 3.1 Community License Agreement", not its LicenseRef
        return str(license_id or _PLACEHOLDER)
    if key == "mof":
        if v[_F["mof_class"]]:
            return f"Class {v[_F['mof_class']]}"
        return "No class" if v[_F["mof_total"]] is not None else _PLACEHOLDER
    if key == "osai":
        score = v[_F["osai_score"]]
        return _PLACEHOLDER if score is None else f"{score:.2f}"
    if key == "osaid":
        verdict = v[_F["osaid_verdict"]]
        return value_label("osaid_verdict", verdict) if verdict else _PLACEHOLDER
    if key == "origin":
        return "Hub" if v[_F["origin"]] == "hub" else "Curated"
    value = v[_F[key]]
    return "" if value is None else str(value)

def _tooltip(key: str, v: tuple[Any, ...]) -> str:
    lines: list[str] = []
    if key == "name":
        lines.append(str(v[_F["name"]] or v[0]))
        lines.append(v[0])
        details = [value_label("modality", v[_F["modality"]]) if v[_F["modality"]] else "",
                   format_parameters(v[_F["parameters"]])
                   and f"{format_parameters(v[_F['parameters']])} parameters"]
        if any(details):
            lines.append(" · ".join(d for d in details if d))
    elif key == "organization":
        lines.append(str(v[_F["organization"]] or "Organisation not known"))
        kind, country = v[_F["org_kind"]], v[_F["country"]]
        lines.append(" · ".join([value_label("org_kind", kind),
                                 *([country] if country else [])]))
    elif key == "license":
        name = v[_F["license_name"]] or v[_F["license_id"]]
        if not name:
            return "No licence recorded"
        lines.append(str(name))
        if v[_F["license_id"]] and v[_F["license_id"]] != name:
            lines.append(str(v[_F["license_id"]]))
        category = v[_F["license_category"]]
        lines.append(f"Category: {category or 'not known'}")
        lines.append(f"Commercial use: "
                     f"{value_label('commercial_use', v[_F['commercial_use']]).lower()}")
        osi = v[_F["osi_approved"]]
        if osi is not None:
            lines.append("OSI-approved licence" if osi else "Not an OSI-approved licence")
    elif key == "mof":
        if v[_F["mof_total"]] is None:
            return "Not assessed under the Model Openness Framework"
        mof_class = v[_F["mof_class"]]
        lines.append(value_label("mof_class", mof_class) if mof_class
                     else "No MOF class reached")
        for level in ("iii", "ii", "i"):
            progress = v[_F[f"mof_progress_{level}"]] or 0.0
            lines.append(f"Class {level.upper()}: {progress:.0f}% complete")
        if v[_F["mof_provisional"]]:
            lines.append("Provisional: from Hub metadata, not a curated assessment")
    elif key == "osai":
        score = v[_F["osai_score"]]
        if score is None:
            return "Not scored by the European Open Source AI Index"
        lines.append(f"Index score {score:.2f}")
        for group in ("availability", "documentation", "access"):
            value = v[_F[f"osai_{group}"]]
            if value is not None:
                lines.append(f"{group.capitalize()}: {value:.2f}")
        if v[_F["osai_provisional"]]:
            lines.append("Provisional: from Hub metadata, not a curated assessment")
    elif key == "osaid":
        verdict = v[_F["osaid_verdict"]]
        lines.append(f"OSAID 1.0: {value_label('osaid_verdict', verdict).lower()}")
        if v[_F["osi_outcome"]]:
            lines.append(f"OSI's published assessment: {v[_F['osi_outcome']]}")
    elif key == "origin":
        lines.append("Hugging Face Hub metadata only" if v[_F["origin"]] == "hub"
                     else "Curated sources")
    else:
        value = v[_F[key]]
        return "" if value is None else str(value)
    return "\n".join(line for line in lines if line)

def _bar(key: str, v: tuple[Any, ...]) -> tuple[Any, ...] | None:
    if key == "mof":
        if v[_F["mof_total"]] is None:
            return None
        return ("mof", v[_F["mof_class"]], v[_F["mof_progress_iii"]] or 0.0,
                v[_F["mof_progress_ii"]] or 0.0, v[_F["mof_progress_i"]] or 0.0,
                bool(v[_F["mof_provisional"]]))
    if key == "osai":
        if v[_F["osai_score"]] is None:
            return None
        return ("osai", float(v[_F["osai_score"]]), bool(v[_F["osai_provisional"]]))
    if key == "osaid":
        verdict = v[_F["osaid_verdict"]]
        return ("dot", _OSAID_STATUS.get(verdict or "", "unknown")) if verdict else None
    return None

def _cells(v: tuple[Any, ...]) -> tuple[tuple[str, Any, bool], ...]:
    """Every cell of a row as (text, bar, greyed): worked out once per row shown."""
    out = []
    for key in COLUMN_KEYS:
        text = _display(key, v)
        out.append((text, _bar(key, v), key in _MAY_BE_EMPTY and text == _PLACEHOLDER))
    return tuple(out)

