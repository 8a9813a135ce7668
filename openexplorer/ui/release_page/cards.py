"""The release page's framework cards: MOF, the European Open Source AI Index, OSAID, and the
other indicators (Epoch AI, FMTI, the index's legacy scale). One class per card; each fills
itself from its part of a :func:`openexplorer.views.release.release_view` dict.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QVBoxLayout, QWidget

from openexplorer.ui.breakdown_charts import (
    IndexTiles,
    MofTiles,
    StatusDot,
    VerdictBadge,
    tooltip,
)
from openexplorer.ui.release_page.widgets import (
    Card,
    ChartSlot,
    cite,
    clear_layout,
    heading,
    plain_label,
    text_or,
)

if TYPE_CHECKING:
    from openexplorer.views.model import MofView, OsaiView, OsaidView, ReleaseView
    from openexplorer.ui.index_chart import IndexScoreChart


class MofCard(Card):
    """The Model Openness Framework: the class reached and one tile per component."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Model Openness Framework (MOF)", parent)
        self.class_label = heading("", 1.05)
        self.class_label.setWordWrap(True)
        self.body.addWidget(self.class_label)
        self.tiles = MofTiles()
        self.body.addWidget(self.tiles)
        self.note = plain_label(
            "Included = open · included with a warning (open licence not suited to the "
            "content type) = partial · not listed, unlicensed or not openly licensed = closed. "
            "Dashed outline: optional component. A class counts only when the classes above it "
            "are complete.", muted=True)
        self.body.addWidget(self.note)
        self.empty = plain_label("No Model Openness Tool record for this release.", muted=True)
        self.body.addWidget(self.empty)

    def fill(self, m: MofView) -> None:
        self.set_provisional(bool(m.provisional))
        source = m.source
        self.set_source(cite(source), (source.url if source is not None else None) or "")
        has = bool(m.components)
        self.class_label.setText(text_or(m.label, "Unclassified") if has else "")
        self.tiles.set_mof(m)
        for widget in (self.class_label, self.tiles, self.note):
            widget.setVisible(has)
        self.empty.setVisible(not has)


class IndexCard(Card):
    """The index: its score, the scores' bar chart (made when first shown) and the tiles.

    The chart is the release page's only pyqtgraph widget; a :class:`ChartSlot` holds its place
    until it is first painted, so pyqtgraph is not imported for a chart nobody scrolled to.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("European Open Source AI Index", parent)
        row = QHBoxLayout()
        row.setSpacing(16)
        score_box = QVBoxLayout()
        score_box.setSpacing(0)
        self.score_label = heading("", 2.4)
        self.score_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
        score_box.addWidget(self.score_label)
        self.score_caption = plain_label("index score, 0–1", wrap=False, muted=True)
        score_box.addWidget(self.score_caption)
        score_box.addStretch(1)
        row.addLayout(score_box)
        self._row = row
        self._chart: IndexScoreChart | None = None
        self._osai: OsaiView | None = None
        self._slot = ChartSlot(QSize(420, 160), lambda: self.chart)
        self._slot.hide()
        row.addWidget(self._slot, 1)
        self.body.addLayout(row)
        self.tiles = IndexTiles()
        self.body.addWidget(self.tiles)
        self.empty = plain_label("Not assessed by the European Open Source AI Index.",
                                 muted=True)
        self.body.addWidget(self.empty)

    def chart_made(self) -> bool:
        """Whether the bar chart exists yet (it is made when first painted or asked for)."""
        return self._chart is not None

    def chart_waiting(self) -> bool:
        """Whether the chart's place is held, shown, for it to be made when painted."""
        return self._chart is None and not self._slot.isHidden()

    @property
    def chart(self) -> IndexScoreChart:
        """The index scores' bar chart, made when first painted or asked for (export, tests)."""
        if self._chart is None:
            from openexplorer.ui.index_chart import IndexScoreChart

            chart = IndexScoreChart(self)
            chart.hide()
            if self._osai is not None:
                chart.set_osai(self._osai)
            self._row.replaceWidget(self._slot, chart)
            chart.setVisible(not self._slot.isHidden())
            self._slot.hide()
            self._slot.deleteLater()
            self._chart = chart
        return self._chart

    def fill(self, o: OsaiView) -> None:
        self.set_provisional(bool(o.provisional))
        source = o.source
        self.set_source(cite(source), (source.url if source is not None else None) or "")
        score = o.score
        assessed = score is not None or bool(o.dimensions)
        self.score_label.setText("–" if score is None else f"{score:.2f}")
        for widget in (self.score_label, self.score_caption, self.tiles):
            widget.setVisible(assessed)
        self.empty.setVisible(not assessed)
        self._osai = o
        if self._chart is None:  # drawn when the slot is first painted
            self._slot.setVisible(assessed)
        else:
            self._chart.setVisible(assessed)
            self._chart.set_osai(o)
        self.tiles.set_osai(o)


class OsaidCard(Card):
    """The Open Source AI Definition: OpenExplorer's computed verdict, the OSI's published
    ones, and the reasons."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Open Source AI Definition 1.0", parent)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.verdict_badge = VerdictBadge(prefix="Computed: ")
        row.addWidget(self.verdict_badge)
        self.osi_box = QHBoxLayout()
        self.osi_box.setSpacing(8)
        row.addLayout(self.osi_box)
        row.addStretch(1)
        self.body.addLayout(row)
        self.basis = plain_label(muted=True)
        self.body.addWidget(self.basis)
        self.reasons_box = QVBoxLayout()
        self.reasons_box.setSpacing(3)
        self.body.addLayout(self.reasons_box)

    def fill(self, o: OsaidView) -> None:
        self.set_provisional(bool(o.provisional))
        self.verdict_badge.set_verdict(o.verdict)
        basis = {"mof": "the MOT record", "osai": "the index's ratings"}.get(
            o.basis or "", o.basis or "")
        self.set_source("computed by OpenExplorer" + (f" from {basis}" if basis else ""))
        self.basis.setText(
            "OpenExplorer's reading of the definition's required components; not an OSI "
            "endorsement." + (" From Hub metadata only." if o.provisional else ""))
        clear_layout(self.osi_box)
        for published in o.osi_published or []:
            badge = VerdictBadge(prefix=f"OSI 2024 ({published.system}): ", scale=1.0)
            badge.set_verdict(published.outcome)
            badge.setToolTip(tooltip([
                "Published by the OSI in its 2024 validation of the definition",
                f"System: {published.system}",
                f"Date: {published.assessed_date}" if published.assessed_date
                else None,
                published.url]))
            self.osi_box.addWidget(badge)
        clear_layout(self.reasons_box)
        for reason in o.reasons or []:
            label = plain_label(f"• {reason}", selectable=True)
            label.setObjectName("osaidReason")
            self.reasons_box.addWidget(label)


class OtherCard(Card):
    """Other indicators: Epoch AI's accessibility, FMTI (developer level), the legacy index.
    Hidden when a release has none of them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Other indicators", parent)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(12)
        self.grid.setVerticalSpacing(6)
        self.grid.setColumnStretch(1, 1)
        self.body.addLayout(self.grid)

    def fill(self, v: ReleaseView) -> None:
        grid = self.grid
        clear_layout(grid)
        row = 0

        def caption(text: str) -> None:
            grid.addWidget(plain_label(text, wrap=False, muted=True), row, 0,
                           Qt.AlignmentFlag.AlignTop)

        epoch = v.epoch
        if epoch:
            caption("Epoch AI accessibility")
            # One line per component: side by side they would not fit a narrow window.
            lines = QVBoxLayout()
            lines.setSpacing(2)
            lines.setContentsMargins(0, 0, 0, 0)
            for component, cell in (epoch.accessibility or {}).items():
                line = QHBoxLayout()
                line.setSpacing(6)
                line.addWidget(StatusDot(cell.status))
                text = (f"{component.replace('_', ' ').capitalize()}: "
                        f"{text_or(cell.label)}")
                line.addWidget(plain_label(text))
                line.addStretch(1)
                lines.addLayout(line)
            if epoch.training_compute_flop:
                lines.addWidget(plain_label(
                    f"Training compute {float(epoch.training_compute_flop):.2g} FLOP",
                    muted=True))
            holder = QWidget()
            holder.setLayout(lines)
            grid.addWidget(holder, row, 1)
            row += 1
        fmti = v.fmti
        if fmti:
            caption("FMTI, developer level")
            history = ", ".join(f"{h.edition}: {h.total}" for h in fmti.history or [] if h.total is not None)
            text = (f"{text_or(fmti.developer)} scored {text_or(fmti.total)} / 100 "
                    f"({text_or(fmti.edition)})")
            if history and len(fmti.history or []) > 1:
                text += f" · editions {history}"
            grid.addWidget(plain_label(text + ". Scores the developer's transparency, not "
                                       "this release.", selectable=True), row, 1)
            row += 1
        legacy = v.osai_legacy
        if legacy:
            from openexplorer.frameworks import osai

            caption("Opening up ChatGPT (legacy)")
            grid.addWidget(plain_label(
                f"{legacy.openness:g} / {osai.LEGACY_MAX:g} — the index's earlier "
                "14-feature scale", selectable=True), row, 1)
            row += 1
        self.setVisible(row > 0)
