"""The watchlist: what the user follows, what changed in it, and assessments possibly stale.

Left: the watched releases, families and organisations (add by id or name, remove), each with
its number of releases, unseen changes and a "possibly stale" badge. Right: the changes to the
watched releases (old → new, when, which source), newest first, unseen ones in bold, for every
item or the selected one; below them, the families whose assessments predate a newer release.

After a refresh, :meth:`WatchlistView.on_refresh_finished` (connect it to
``RefreshController.finished``) shows a banner and emits ``alerts_changed`` only when something
watched changed: a refresh that changed nothing watched stays quiet.

Signals:
    alerts_changed(int): after a refresh, the number of changes it made to watched releases
        (emitted only when that is above 0); 0 when the user marks the changes as seen.
    release_requested(str): a change or a newer release was double-clicked (open its page).
    message(str): a line for the status bar.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses import watchlist
from openexplorer.db.cache import Cache
from openexplorer.ui import theme
from openexplorer.ui.cache_job import CacheReader

log = logging.getLogger(__name__)

#: Item data roles: a watch item's id, a row's release id.
ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
RELEASE_ROLE = Qt.ItemDataRole.UserRole + 2

KIND_LABELS = {"release": "Release", "family": "Family", "organization": "Organisation"}
SINCE_CHOICES = (("All recorded", None), ("Last 7 days", "7d"), ("Last 30 days", "30d"),
                 ("Last 365 days", "365d"))
CHANGE_COLUMNS = ("When", "Release", "What changed", "Old", "New", "Source")
STALE_TEXT = "possibly stale"
_KIND_STATUS = {"licence": "closed", "gating": "partial", "rating": "open"}


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _heading(text: str, scale: float = 1.1) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _tint(status: str, alpha: int = 60) -> QColor:
    color = QColor(theme.STATUS_COLORS[status])
    color.setAlpha(alpha)
    return color


def _when(stamp: str | None) -> str:
    """``2026-11-26T16:27:54+00:00`` → ``2026-11-26 16:27`` (UTC)."""
    if not stamp:
        return "–"
    return stamp[:16].replace("T", " ")


class _Banner(QFrame):
    """A tinted strip with a message and a "Mark as seen" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("watchBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        color = QColor(theme.STATUS_COLORS["partial"])
        self.setStyleSheet(
            f"#watchBanner {{ background-color: rgba({color.red()},{color.green()},"
            f"{color.blue()},0.18); border: 1px solid rgba({color.red()},{color.green()},"
            f"{color.blue()},0.8); border-radius: 4px; }}")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.seen_button = QPushButton("Mark as seen")
        layout.addWidget(self.label, 1)
        layout.addWidget(self.seen_button)


class WatchlistView(QWidget):
    """Watched items, their changes and possibly stale assessments (see the module docstring)."""

    alerts_changed = Signal(int)
    release_requested = Signal(str)
    message = Signal(str)

    #: Newer releases listed under a possibly stale family (the count says how many in all).
    NEWER_SHOWN = 200

    def __init__(self, cache: Cache, parent: QWidget | None = None, *,
                 background: bool = False) -> None:
        """``background``: read what the tab shows on a pool thread with a read-only connection
        of its own (the window; at Hub scale a watched family can have 100,000 releases), else
        at once on ``cache``."""
        super().__init__(parent)
        self.cache = cache
        self._background = background
        self._pending: int | None = None  # the request being read
        self._state_reader = CacheReader(self, what="the watchlist")
        self._state_reader.ready.connect(self._on_state_ready)
        self._state_reader.failed.connect(self._on_state_failed)
        # The changes are also read alone (another item, another period).
        self._changes_reader = CacheReader(self, what="the watchlist's changes")
        self._changes_reader.ready.connect(self._on_changes_ready)
        self._changes_reader.failed.connect(self._on_changes_failed)
        self._items: list[watchlist.WatchItem] = []
        self._changes: list[watchlist.Change] = []
        self._unseen_ids: frozenset[int] = frozenset()
        self._stale: list[watchlist.StaleFamily] = []
        self._state: watchlist.WatchState | None = None
        self._alerts_asked: str | None = None  # a refresh's start, until its alerts are read
        self._last_alerts: list[watchlist.Change] = []

        self.banner = _Banner()
        self.banner.hide()

        # -- left: the list
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        left_layout.addWidget(_heading("Watching", 1.25))
        left_layout.addWidget(_muted(
            "Follow releases, families or organisations: after every refresh you see what "
            "changed in them. A family or organisation covers all its releases, new ones too."))
        add_row = QHBoxLayout()
        self.kind_combo = QComboBox()
        for kind in watchlist.KINDS:
            self.kind_combo.addItem(KIND_LABELS[kind], kind)
        self.value_edit = QLineEdit()
        self.value_edit.setPlaceholderText("Id or name…")
        self.value_edit.setClearButtonEnabled(True)
        self._completions = QStringListModel(self)
        completer = QCompleter(self._completions, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.value_edit.setCompleter(completer)
        self.add_button = QPushButton("&Watch")
        add_row.addWidget(self.kind_combo)
        add_row.addWidget(self.value_edit, 1)
        add_row.addWidget(self.add_button)
        left_layout.addLayout(add_row)
        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {theme.STATUS_COLORS['closed']};")
        self.error_label.hide()
        left_layout.addWidget(self.error_label)
        self.tree = QTreeWidget()
        self.tree.setObjectName("watchItems")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Watched", "Releases", "Status"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        left_layout.addWidget(self.tree, 1)
        self.empty_label = _muted("Nothing watched yet. Choose a kind, type a release, family "
                                  "or organisation, and press Watch.")
        left_layout.addWidget(self.empty_label)
        buttons = QHBoxLayout()
        self.remove_button = QPushButton("&Stop watching")
        self.remove_button.setEnabled(False)
        self.show_all_button = QPushButton("Show all changes")
        self.show_all_button.setToolTip("Changes of every watched item, not only the selected")
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.show_all_button)
        left_layout.addLayout(buttons)

        # -- right: changes and stale families
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(4, 8, 8, 8)
        top = QHBoxLayout()
        self.changes_title = _heading("Changes", 1.25)
        top.addWidget(self.changes_title)
        top.addStretch(1)
        top.addWidget(QLabel("Since"))
        self.since_combo = QComboBox()
        for label, value in SINCE_CHOICES:
            self.since_combo.addItem(label, value)
        top.addWidget(self.since_combo)
        self.seen_button = QPushButton("Mark all as seen")
        top.addWidget(self.seen_button)
        right_layout.addLayout(top)
        self.changes_note = _muted()
        right_layout.addWidget(self.changes_note)
        self.changes_table = QTableWidget(0, len(CHANGE_COLUMNS))
        self.changes_table.setObjectName("watchChanges")
        self.changes_table.setHorizontalHeaderLabels(list(CHANGE_COLUMNS))
        self.changes_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.changes_table.setAlternatingRowColors(True)
        self.changes_table.setWordWrap(False)
        self.changes_table.verticalHeader().setVisible(False)
        self.changes_table.verticalHeader().setDefaultSectionSize(
            self.changes_table.fontMetrics().height() + 8)
        changes_header = self.changes_table.horizontalHeader()
        changes_header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        changes_header.setStretchLastSection(False)
        bold = QFont(self.changes_table.font())
        bold.setBold(True)  # new changes are bold: size the columns for them
        metrics = QFontMetrics(bold)
        for column, sample in enumerate(("2026-11-26 16:27", "Llama-3.1-8B-Instruct",
                                         "Licence on the Hub", "", "", "merged facts")):
            if sample:
                self.changes_table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 24)
        changes_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        changes_header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.no_changes_label = _muted("No changes recorded for the watched items. Changes "
                                       "appear here after a refresh or import changes a fact "
                                       "of a watched release.")
        stale_box = QWidget()
        stale_layout = QVBoxLayout(stale_box)
        stale_layout.setContentsMargins(0, 6, 0, 0)
        stale_top = QHBoxLayout()
        stale_top.addWidget(_heading("Possibly stale assessments"))
        stale_top.addStretch(1)
        self.reviewed_button = QPushButton("Mark as reviewed")
        self.reviewed_button.setToolTip("Hide the badge until the family publishes another "
                                        "release")
        self.reviewed_button.setEnabled(False)
        stale_top.addWidget(self.reviewed_button)
        stale_layout.addLayout(stale_top)
        stale_layout.addWidget(_muted(
            "A watched family published a release after its assessments (MOT, index, OSI) "
            "were made: they may not describe its newest model."))
        self.stale_tree = QTreeWidget()
        self.stale_tree.setObjectName("watchStale")
        self.stale_tree.setHeaderLabels(["Family / newer release", "Released", "Why"])
        self.stale_tree.setAlternatingRowColors(True)
        stale_header = self.stale_tree.header()
        stale_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        stale_header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        stale_header.setStretchLastSection(True)
        self.stale_tree.setColumnWidth(0, 300)
        stale_layout.addWidget(self.stale_tree, 1)
        self.no_stale_label = _muted("None: every watched family's assessments are newer than "
                                     "its releases.")
        stale_layout.addWidget(self.no_stale_label)
        changes_box = QWidget()
        changes_layout = QVBoxLayout(changes_box)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_table, 1)
        changes_layout.addWidget(self.no_changes_label)
        right_split = QSplitter(Qt.Orientation.Vertical)
        right_split.addWidget(changes_box)
        right_split.addWidget(stale_box)
        right_split.setSizes([480, 220])
        right_layout.addWidget(right_split, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 880])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        banner_row = QHBoxLayout()
        banner_row.setContentsMargins(8, 8, 8, 0)
        banner_row.addWidget(self.banner)
        layout.addLayout(banner_row)
        layout.addWidget(splitter, 1)

        self.add_button.clicked.connect(self._on_add_clicked)
        self.value_edit.returnPressed.connect(self._on_add_clicked)
        self.value_edit.textEdited.connect(self._on_text_edited)
        self.kind_combo.currentIndexChanged.connect(self._on_kind_changed)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.show_all_button.clicked.connect(self.tree.clearSelection)
        self.tree.itemSelectionChanged.connect(self._on_selection_changed)
        self.since_combo.currentIndexChanged.connect(self._on_since_changed)
        self.seen_button.clicked.connect(self.mark_seen)
        self.banner.seen_button.clicked.connect(self.mark_seen)
        self.changes_table.itemDoubleClicked.connect(self._on_change_double_clicked)
        self.stale_tree.itemDoubleClicked.connect(self._on_stale_double_clicked)
        self.stale_tree.itemSelectionChanged.connect(self._on_stale_selection_changed)
        self.reviewed_button.clicked.connect(self._on_reviewed_clicked)
        self._on_kind_changed()
        self.reload()

    # -- data -------------------------------------------------------------------------------------

    def items(self) -> list[watchlist.WatchItem]:
        return list(self._items)

    def changes(self) -> list[watchlist.Change]:
        """The changes the table shows now."""
        return list(self._changes)

    def stale(self) -> list[watchlist.StaleFamily]:
        return list(self._stale)

    def unseen_count(self) -> int:
        return len(self._unseen_ids)

    def selected_item(self) -> watchlist.WatchItem | None:
        selected = self.tree.selectedItems()
        if not selected:
            return None
        wanted = selected[0].data(0, ITEM_ROLE)
        return next((i for i in self._items if i.id == wanted), None)

    def is_busy(self) -> bool:
        """Whether what the tab shows is being read in the background."""
        return self._pending is not None

    @Slot()
    def reload(self, *, alerts_since: str | None = None) -> None:
        """Read the watchlist, its changes and stale families again (and, with
        ``alerts_since``, what the refresh that began then changed: see
        :meth:`on_refresh_finished`)."""
        selected = self.selected_item()
        asked = self._changes_reader.drop_pending()  # the state brings its changes
        item_id, since = (selected.id if selected else None), self._since()

        def read_state(cache: Cache) -> watchlist.WatchState:
            return watchlist.state(cache, item_id=item_id, since=since, alerts_since=alerts_since)

        path = getattr(self.cache, "path", None)
        if self._background and path is not None:
            self.changes_note.setText("Reading the watched releases…")
            self._pending = self._state_reader.read(path, lambda cache: (asked, read_state(cache)))
            return
        self._state_reader.drop_pending()
        self._apply(read_state(self.cache))

    def _reload_changes(self) -> None:
        """Read the changes again alone (another item selected, another period)."""
        item, since = self.selected_item(), self._since()
        path = getattr(self.cache, "path", None)
        if self._background and path is not None:
            self.changes_note.setText("Reading the changes…")
            self._changes_reader.read(
                path, lambda cache: watchlist.changes_since(cache, since, item=item, limit=2000))
            return
        self._changes_reader.drop_pending()
        self._changes = watchlist.changes_since(self.cache, since, item=item, limit=2000)
        self._fill_changes()

    @Slot(object)
    def _on_state_ready(self, value: object) -> None:
        if not isinstance(value, tuple):
            return
        asked, state = value
        self._apply(state, changes=asked == self._changes_reader.generation)

    @Slot(object)
    def _on_changes_ready(self, changes: object) -> None:
        if isinstance(changes, list):
            self._changes = changes
            self._fill_changes()

    @Slot(str)
    def _on_state_failed(self, message: str) -> None:
        # E.g. a second connection refused (a read-only folder without the WAL index): read on
        # the window's own connection from now on.
        log.info("the watchlist is read on the window's thread: %s", message)
        self._pending = None
        self._background = False
        self.reload(alerts_since=self._alerts_asked)

    @Slot(str)
    def _on_changes_failed(self, message: str) -> None:
        log.info("the watchlist's changes are read on the window's thread: %s", message)
        self._background = False
        self._reload_changes()

    def _apply(self, state: watchlist.WatchState, *, changes: bool = True) -> None:
        """Show ``state``; its changes unless newer ones were asked for since (``changes``)."""
        self._pending = None
        keep = self.selected_item()
        self._state = state
        self._items = list(state.items)
        self._unseen_ids = state.unseen_ids
        self._stale = list(state.stale)
        if changes:
            self._changes = list(state.changes)
        self._fill_tree(keep.id if keep else None)
        self._fill_changes()
        self._fill_stale()
        if state.alerts is not None:
            self._announce(list(state.alerts))

    def is_stale(self, item: watchlist.WatchItem) -> bool:
        """Whether the item's family (or one of its families) has possibly stale assessments."""
        stale = {s.family_id for s in self._stale if not s.acknowledged}
        families = self._state.families.get(item.id, frozenset()) if self._state else frozenset()
        return bool(families & stale)

    def _fill_tree(self, keep: int | None) -> None:
        state = self._state
        self.tree.blockSignals(True)
        try:
            self.tree.clear()
            for item in self._items:
                releases = state.releases.get(item.id, 0) if state else 0
                unseen = state.unseen.get(item.id, 0) if state else 0
                status = []
                if unseen:
                    status.append(f"{unseen} new")
                stale = self.is_stale(item)
                if stale:
                    status.append(STALE_TEXT)
                row = QTreeWidgetItem([f"{item.label}  ·  {KIND_LABELS[item.kind].lower()}",
                                       f"{releases:,}", " · ".join(status)])
                row.setData(0, ITEM_ROLE, item.id)
                row.setToolTip(0, f"{KIND_LABELS[item.kind]} {item.value}\nwatched since "
                               f"{_when(item.added_at)}")
                if unseen:
                    font = QFont(row.font(0))
                    font.setBold(True)
                    row.setFont(0, font)
                row.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if stale:
                    row.setBackground(2, QBrush(_tint("partial")))
                    row.setToolTip(2, "A family of this item published a release after its "
                                      "assessments were made")
                self.tree.addTopLevelItem(row)
                if keep is not None and item.id == keep:
                    row.setSelected(True)
        finally:
            self.tree.blockSignals(False)
        self.empty_label.setVisible(not self._items)
        self.remove_button.setEnabled(self.selected_item() is not None)

    def _since(self) -> str | None:
        value = self.since_combo.currentData()
        return str(value) if value else None

    def _fill_changes(self) -> None:
        item = self.selected_item()
        scope = f"of {item.label}" if item else "of every watched item"
        unseen = sum(1 for c in self._changes if c.id in self._unseen_ids)
        self.changes_title.setText("Changes" + (f" ({unseen} new)" if unseen else ""))
        self.changes_note.setText(
            f"{len(self._changes)} change{'' if len(self._changes) == 1 else 's'} {scope}, "
            "newest first; new ones in bold. Times are UTC. Double-click to open the release.")
        table = self.changes_table
        table.setRowCount(len(self._changes))
        for row, change in enumerate(self._changes):
            new = change.id in self._unseen_ids
            cells = [_when(change.changed_at), change.release_name, change.label,
                     change.old or "–", change.new or "–", change.source or "merged facts"]
            status = _KIND_STATUS.get(change.kind)
            for column, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(RELEASE_ROLE, change.release_id)
                cell.setToolTip(change.line())
                if new:
                    font = QFont(cell.font())
                    font.setBold(True)
                    cell.setFont(font)
                if column == 2 and status:
                    cell.setBackground(QBrush(_tint(status, 45)))
                table.setItem(row, column, cell)
        self.changes_table.setVisible(bool(self._changes))
        self.no_changes_label.setVisible(not self._changes)
        self.seen_button.setEnabled(bool(self._unseen_ids))

    def _fill_stale(self) -> None:
        self.stale_tree.clear()
        for family in self._stale:
            top = QTreeWidgetItem([
                family.family + ("" if not family.acknowledged else "  (reviewed)"),
                f"assessed until {family.assessed_until or '?'}",
                f"{len(family.newer):,} newer release{'' if len(family.newer) == 1 else 's'}; "
                f"assessed: {', '.join(family.assessed[:4])}"
                + ("…" if len(family.assessed) > 4 else ""),
            ])
            top.setData(0, ITEM_ROLE, family.family_id)
            if not family.acknowledged:
                top.setBackground(0, QBrush(_tint("partial")))
                font = QFont(top.font(0))
                font.setBold(True)
                top.setFont(0, font)
            # The newest first: a family of Hub fine-tunes can have tens of thousands.
            shown = family.newer[::-1][:self.NEWER_SHOWN]
            for newer in shown:
                child = QTreeWidgetItem([newer.name, newer.release_date or "–", newer.reason])
                child.setData(0, RELEASE_ROLE, newer.release_id)
                child.setToolTip(0, newer.release_id)
                top.addChild(child)
            if len(family.newer) > len(shown):
                top.addChild(QTreeWidgetItem(
                    [f"… and {len(family.newer) - len(shown):,} earlier ones", "", ""]))
            self.stale_tree.addTopLevelItem(top)
            top.setExpanded(not family.acknowledged)
        self.stale_tree.setVisible(bool(self._stale))
        self.no_stale_label.setVisible(not self._stale)
        self.reviewed_button.setEnabled(False)

    # -- actions ----------------------------------------------------------------------------------

    def add(self, kind: str, text: str) -> watchlist.WatchItem | None:
        """Watch ``text`` (an id or name) as ``kind``; None, with the reason shown, if unknown."""
        try:
            item = watchlist.add(self.cache, kind, text)
        except watchlist.WatchError as exc:
            self.error_label.setText(str(exc).split(" (try: ")[0])  # no command-line hint
            self.error_label.show()
            return None
        self.error_label.hide()
        self.value_edit.clear()
        self.reload()
        self.message.emit(f"Watching {KIND_LABELS[item.kind].lower()} {item.label}")
        return item

    def remove(self, item: watchlist.WatchItem) -> None:
        watchlist.remove(self.cache, item.kind, item.value)
        self.reload()
        self.message.emit(f"No longer watching {item.label}")

    @Slot()
    def _on_add_clicked(self) -> None:
        text = self.value_edit.text().strip()
        if text:
            self.add(str(self.kind_combo.currentData()), text)

    @Slot()
    def _on_remove_clicked(self) -> None:
        item = self.selected_item()
        if item is not None:
            self.remove(item)

    @Slot()
    def mark_seen(self) -> None:
        """Every change up to now is seen: bold goes, the banner hides, ``alerts_changed(0)``."""
        watchlist.mark_seen(self.cache)
        had = bool(self._unseen_ids) or self.banner.isVisible()
        self.banner.hide()
        self._last_alerts = []
        self.reload()
        if had:
            self.alerts_changed.emit(0)

    @Slot(object)
    def on_refresh_finished(self, report: Any) -> None:
        """After a refresh: list what it changed in watched releases, quietly if nothing.

        ``report`` is the refresh's ``RefreshReport`` (``report.started`` is when it began).
        """
        started = getattr(report, "started", None)
        if started is None:
            return
        self._alerts_asked = watchlist.stamp(started)
        self.reload(alerts_since=self._alerts_asked)

    def _announce(self, alerts: list[watchlist.Change]) -> None:
        self._alerts_asked = None
        if not alerts:
            return
        self._last_alerts = alerts
        releases = sorted({c.release_name for c in alerts})
        named = ", ".join(releases[:3]) + (f" and {len(releases) - 3} more"
                                           if len(releases) > 3 else "")
        kinds = sorted({c.label for c in alerts})
        self.banner.label.setText(
            f"<b>{len(alerts)} change{'' if len(alerts) == 1 else 's'} to watched items</b> in "
            f"the last refresh: {named} ({', '.join(kinds[:4])}"
            + ("…" if len(kinds) > 4 else "") + ")")
        self.banner.show()
        self.alerts_changed.emit(len(alerts))

    def last_alerts(self) -> list[watchlist.Change]:
        return list(self._last_alerts)

    @Slot()
    def _on_selection_changed(self) -> None:
        self.remove_button.setEnabled(self.selected_item() is not None)
        self._reload_changes()

    @Slot(int)
    def _on_since_changed(self, _index: int) -> None:
        self._reload_changes()

    @Slot(int)
    def _on_kind_changed(self, _index: int = 0) -> None:
        kind = self.kind_combo.currentData()
        self._completions.setStringList(watchlist.names_to_watch(self.cache, str(kind)))
        placeholder = {"release": "Release id, Hub repo id or name…",
                       "family": "Family, e.g. Llama…",
                       "organization": "Organisation, e.g. Meta…"}[str(kind)]
        self.value_edit.setPlaceholderText(placeholder)
        self.error_label.hide()

    @Slot(str)
    def _on_text_edited(self, _text: str) -> None:
        self.error_label.hide()

    @Slot(QTableWidgetItem)
    def _on_change_double_clicked(self, item: QTableWidgetItem) -> None:
        release_id = item.data(RELEASE_ROLE)
        if release_id:
            self.release_requested.emit(str(release_id))

    @Slot(QTreeWidgetItem, int)
    def _on_stale_double_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        release_id = item.data(0, RELEASE_ROLE)
        if release_id:
            self.release_requested.emit(str(release_id))

    def _selected_stale(self) -> watchlist.StaleFamily | None:
        selected = self.stale_tree.selectedItems()
        if not selected:
            return None
        item = selected[0]
        while (parent := item.parent()) is not None:
            item = parent
        family_id = item.data(0, ITEM_ROLE)
        return next((s for s in self._stale if s.family_id == family_id), None)

    @Slot()
    def _on_stale_selection_changed(self) -> None:
        stale = self._selected_stale()
        self.reviewed_button.setEnabled(stale is not None and not stale.acknowledged)

    @Slot()
    def _on_reviewed_clicked(self) -> None:
        stale = self._selected_stale()
        if stale is not None:
            self.mark_reviewed(stale)

    def mark_reviewed(self, stale: watchlist.StaleFamily) -> None:
        """Hide the family's badge until it publishes another newer release."""
        watchlist.acknowledge_stale(self.cache, stale)
        self.reload()
        self.message.emit(f"{stale.family}: marked as reviewed")

