"""The release page: one release under every framework at once, with its evidence and history.

:class:`ModelPage` renders the dict of :func:`openexplorer.views.release.release_view`, section
by section: the header and licence (header.py), one card per framework (cards.py), the evidence
table (evidence.py), lineage, family and changes (history.py). It never reads the cache itself:
the window hands it a view, and it asks for other releases through signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from openexplorer.ui.breakdown_charts import StatusLegend
from openexplorer.ui.release_page.cards import IndexCard, MofCard, OsaidCard, OtherCard
from openexplorer.ui.release_page.evidence import EvidenceSection
from openexplorer.ui.release_page.header import HeaderSection, LicenceSection
from openexplorer.ui.release_page.history import ChangesSection, FamilySection, LineageSection
from openexplorer.ui.release_page.source_notes import SourceNotesSection
from openexplorer.ui.release_page.widgets import heading, plain_label

if TYPE_CHECKING:
    from openexplorer.views.model import ReleaseView


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

    def __init__(self, parent: QWidget | None = None, *,
                 snapshot_date: str | None = None) -> None:
        super().__init__(parent)
        self._view: ReleaseView | None = None
        self._reading = False
        self._snapshot_date = snapshot_date
        self._build()
        self._connect_signals()
        self.clear()

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer.addWidget(self.scroll_area)

        self.placeholder = plain_label(self.PROMPT, muted=True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.placeholder)

        self.content = QWidget()
        self.scroll_area.setWidget(self.content)
        page = QVBoxLayout(self.content)
        page.setContentsMargins(18, 14, 18, 18)
        page.setSpacing(10)

        self.header = HeaderSection(page)
        self.licence = LicenceSection(page)
        self.source_notes = SourceNotesSection(page)

        row = QHBoxLayout()
        row.addWidget(heading("Openness", 1.3))
        row.addStretch(1)
        self.legend = StatusLegend()
        row.addWidget(self.legend)
        page.addSpacing(6)
        page.addLayout(row)

        self.mof_card = MofCard()
        page.addWidget(self.mof_card)
        self.index_card = IndexCard()
        page.addWidget(self.index_card)
        self.osaid_card = OsaidCard()
        page.addWidget(self.osaid_card)
        self.other_card = OtherCard()
        page.addWidget(self.other_card)
        self.evidence = EvidenceSection(page, self)
        self.lineage = LineageSection(page, self.release_requested.emit)
        self.family = FamilySection(page, self.release_requested.emit)
        self.changes = ChangesSection(page)
        page.addStretch(1)

    def _connect_signals(self) -> None:
        self.header.compare_button.clicked.connect(self._on_compare_clicked)
        self.header.refresh_button.clicked.connect(self._on_refresh_clicked)
        self.header.copy_button.clicked.connect(self.copy_markdown)

    # -- public API ------------------------------------------------------------------------------

    def view(self) -> ReleaseView | None:
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
        self.scroll_area.hide()
        self.placeholder.show()
        self.header.clear()
        self.evidence.clear()

    def show_view(self, view: ReleaseView) -> None:
        """Render a :func:`openexplorer.views.release.release_view` dict (``detail=True``)."""
        self._view = view
        v = self._view
        self._reading = False
        self.placeholder.setText(self.PROMPT)  # for a later clear()
        self.placeholder.hide()
        self.scroll_area.show()
        self.header.fill(v)
        self.licence.fill(v.license, v)
        self.source_notes.fill(v.source_checks)
        self.mof_card.fill(v.mof)
        self.index_card.fill(v.osai)
        self.osaid_card.fill(v.osaid)
        self.other_card.fill(v)
        self.evidence.fill(v.evidence or [])
        self.lineage.fill(v)
        self.family.fill(v)
        self.changes.fill(v.changes or [])
        self._settle_layout()
        self.scroll_area.verticalScrollBar().setValue(0)

    def _settle_layout(self) -> None:
        """Lay the page out now rather than on the next event-loop pass, so that a chart
        grabbed or exported straight after show_view() already has its final size."""
        layout = self.content.layout()
        if layout is not None:
            layout.activate()
        width = self.scroll_area.viewport().width()
        height = (self.content.heightForWidth(width) if self.content.hasHeightForWidth()
                  else self.content.sizeHint().height())
        self.content.resize(width, max(height, self.scroll_area.viewport().height()))
        if layout is not None:
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
        self.header.copy_button.setText("Copied ✓")
        QTimer.singleShot(1500, self._restore_copy_button)

    def chart_widgets(self) -> list[tuple[str, QWidget]]:
        """The exportable charts currently shown, each with a name (for file names/titles)."""
        if self._view is None:
            return []
        index = self.index_card
        # The index chart is drawn with the tiles (made now if it was not scrolled to yet).
        index_chart = index.chart if not index.tiles.isHidden() else None
        self._settle_layout()
        name = self._view.name or self._view.id
        charts: list[tuple[str, QWidget]] = []
        if not self.mof_card.tiles.isHidden():
            charts.append((f"{name} — MOF components", self.mof_card.tiles))
        if index_chart is not None and not index_chart.isHidden():
            charts.append((f"{name} — index scores", index_chart))
        if not index.tiles.isHidden():
            charts.append((f"{name} — index dimensions", index.tiles))
        charts.append((f"{name} — OSAID verdict", self.osaid_card.verdict_badge))
        return charts

    def provisional_badges(self) -> list[QLabel]:
        """The "provisional — from Hub metadata" badges currently shown."""
        return [b for b in self.content.findChildren(QLabel, "provisionalBadge")
                if not b.isHidden()]

    # -- slots -----------------------------------------------------------------------------------

    @Slot()
    def _restore_copy_button(self) -> None:
        self.header.copy_button.setText("Copy as Markdown")

    @Slot()
    def _on_compare_clicked(self) -> None:
        if self._view is not None:
            self.compare_requested.emit([self._view.id])

    @Slot()
    def _on_refresh_clicked(self) -> None:
        if self._view is not None and self._view.hub_id:
            self.refresh_requested.emit([self._view.hub_id])

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # Link colours in the evidence table come from the palette.
            self.evidence.view.viewport().update()
        super().changeEvent(event)
