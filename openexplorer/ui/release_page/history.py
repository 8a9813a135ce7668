"""The release page's lower sections: base models (lineage), the family's other releases, and
the change history. Built into the page's layout (not widgets of their own, so the page lays out
as one column); a click on a release in the cache asks for it through ``open_release``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from openexplorer.ui.breakdown_charts import tooltip
from openexplorer.ui.release_page.widgets import (
    LinkLabel,
    clear_layout,
    heading,
    plain_label,
    table_height,
    text_or,
)

if TYPE_CHECKING:
    from openexplorer.views.model import Change, ReleaseView


class LineageSection:
    """"Base models": the chain of releases this one derives from, and the limits inherited."""

    def __init__(self, page: QVBoxLayout, open_release: Callable[[str], object]) -> None:
        self._open_release = open_release
        page.addSpacing(6)
        page.addWidget(heading("Base models", 1.3))
        self.chain_box = QVBoxLayout()
        self.chain_box.setSpacing(3)
        page.addLayout(self.chain_box)
        self.limits_heading = plain_label("Limits inherited from the base models", muted=True)
        page.addWidget(self.limits_heading)
        self.limits_box = QVBoxLayout()
        self.limits_box.setSpacing(3)
        page.addLayout(self.limits_box)

    def fill(self, v: ReleaseView) -> None:
        clear_layout(self.chain_box)
        chain = v.base_chain or ()
        if not chain:
            note = ("No base model named in its Hub metadata." if v.hub
                    else "Not known: no Hub metadata fetched for this release.")
            self.chain_box.addWidget(plain_label(note, muted=True))
        for entry in chain:
            row = QHBoxLayout()
            row.setContentsMargins(18 * max(0, int(entry.depth or 1) - 1), 0, 0, 0)
            row.setSpacing(6)
            relation = entry.relation or "derived"
            row.addWidget(plain_label(f"↳ {relation} of", wrap=False, muted=True))
            name = str(entry.name or entry.id)
            if entry.known and entry.release_id and not entry.cycle:
                link = LinkLabel(name)
                link.setObjectName("baseModelLink")
                link.setToolTip(tooltip([f"Open {entry.release_id}"]))
                link.clicked.connect(lambda rid=entry.release_id: self._open_release(rid))
                row.addWidget(link)
            else:
                row.addWidget(plain_label(name, wrap=False))
            details = [str(entry.id)] if entry.name else []
            if entry.known:
                details.append(f"licence: {text_or(entry.license, 'unknown')}")
            else:
                details.append("not in the cache")
            for flag, text in ((entry.cycle, "cycle, not followed"),
                               (entry.seen, "reached before"),
                               (entry.truncated, "chain continues")):
                if flag:
                    details.append(text)
            row.addWidget(plain_label(" · ".join(details), muted=True), 1)
            holder = QWidget()
            holder.setLayout(row)
            self.chain_box.addWidget(holder)

        clear_layout(self.limits_box)
        limits = v.inherited_limits or ()
        self.limits_heading.setVisible(bool(limits))
        for line in limits:
            label = plain_label(f"• {line}", selectable=True)
            label.setContentsMargins(12, 0, 0, 0)
            self.limits_box.addWidget(label)


class FamilySection:
    """"Other releases of the … family": links in a grid, the first ones, the rest behind
    "Show all"."""

    COLUMNS = 3
    SHOWN = 24  # more behind "Show all"

    def __init__(self, page: QVBoxLayout, open_release: Callable[[str], object]) -> None:
        self._open_release = open_release
        self._view: ReleaseView | None = None
        self._expanded = False
        page.addSpacing(6)
        self.heading = heading("", 1.3)
        page.addWidget(self.heading)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(18)
        self.grid.setVerticalSpacing(4)
        page.addLayout(self.grid)
        self.more = LinkLabel("")
        page.addWidget(self.more)
        self.more.clicked.connect(self.show_all)

    def fill(self, v: ReleaseView) -> None:
        """A new release: its family's first releases (collapsed again)."""
        self._view, self._expanded = v, False
        self._fill()

    def show_all(self) -> None:
        """Every release of the family listed ("Show all")."""
        if self._view is not None:
            self._expanded = True
            self._fill()

    def _fill(self) -> None:
        v = self._view
        clear_layout(self.grid)
        others = [r for r in (v.family_releases if v is not None else None) or [] if r.id != (v.id if v is not None else None)]
        family = (v.family if v is not None else None) or "this"
        # The list holds the curated releases and the most downloaded others; count them all.
        total = max(len(others), int((v.family_size if v is not None else None) or 0) - 1)
        self.heading.setText(f"Other releases of the {family} family ({total:,})")
        self.heading.setVisible(bool(others))
        hidden = 0 if self._expanded else max(0, len(others) - self.SHOWN)
        self.more.setText(f"Show all {len(others)}")
        self.more.setVisible(hidden > 0)
        for i, release in enumerate(others[:len(others) - hidden]):
            row, col = divmod(i, self.COLUMNS)
            text = str(release.name or release.id)
            if release.release_date:
                text += f"  ·  {release.release_date}"
            link = LinkLabel(text)
            link.setObjectName("familyReleaseLink")
            link.setProperty("release_id", release.id)
            link.setToolTip(tooltip([str(release.id)]))
            link.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            link.clicked.connect(lambda rid=release.id: self._open_release(rid))
            self.grid.addWidget(link, row, col)
        for col in range(self.COLUMNS):
            self.grid.setColumnStretch(col, 1)


class ChangesSection:
    """"Change history": what a refresh or a correction changed, newest first."""

    VISIBLE_ROWS = 8

    def __init__(self, page: QVBoxLayout) -> None:
        page.addSpacing(6)
        page.addWidget(heading("Change history", 1.3))
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["When", "What", "Before", "After", "Source"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        page.addWidget(self.table)
        self.empty = plain_label(
            "No changes recorded: the figures are as in the bundled snapshot.", muted=True)
        page.addWidget(self.empty)

    def fill(self, changes: Sequence[Change]) -> None:
        table = self.table
        table.setRowCount(len(changes))
        for r, change in enumerate(changes):
            values = [str(change.changed_at or "")[:16].replace("T", " "),
                      str(change.field or ""), text_or(change.old, "(none)"),
                      text_or(change.new, "(none)"), text_or(change.source)]
            for c, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(tooltip([value]))
                table.setItem(r, c, item)
        table.setVisible(bool(changes))
        self.empty.setVisible(not changes)
        table.setFixedHeight(table_height(table, self.VISIBLE_ROWS))
