"""Your own rubric: weights on the left, the ranking and its robustness on the right.

The weights are the 30 criteria of :mod:`openexplorer.analyses.rubric` (licence openness, the MOF's 17
components, the index's 12 dimensions), grouped as the frameworks group them. Choosing a
profile loads its weights; changing a weight re-ranks at once. The ranking shows each release's
rank under the rubric beside its rank under the MOF and the index and how far it moved; the
Robustness tab draws many reasonable weightings around the current one and says which
conclusions hold under all of them.

Signals:
    release_requested(str): a ranked release was double-clicked (open its page).
    message(str): a line for the status bar (profile saved, deleted).
"""

from __future__ import annotations

import logging
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from openexplorer.analyses import rubric
from openexplorer.db.cache import Cache
from openexplorer.ui import theme
from openexplorer.ui.cache_job import CacheReader

log = logging.getLogger(__name__)

#: Item data role holding a ranking row's release id.
RELEASE_ROLE = Qt.ItemDataRole.UserRole + 1
#: Item data role holding the number a cell sorts by.
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

RANKING_COLUMNS = ("Rank", "Release", "Organisation", "Score", "Evidence", "MOF rank",
                   "vs MOF", "Index rank", "vs index")
#: The ranking's Organisation column takes the room the others leave, but never less than this
#: (narrower, the table scrolls sideways instead of showing "…" for every organisation).
ORGANISATION_MIN = 150
ROBUST_COLUMNS = ("Release", "Rank", "In top 10", "Keeps its order", "Rank range")
_UP, _DOWN = "#009E73", "#D55E00"  # the status colours for open / closed


def _muted(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


class _Item(QTableWidgetItem):
    """A cell that sorts by its SORT_ROLE number when it has one."""

    def __lt__(self, other: QTableWidgetItem) -> bool:  # type: ignore[override]
        mine, theirs = self.data(SORT_ROLE), other.data(SORT_ROLE)
        if mine is not None and theirs is not None:
            return bool(mine < theirs)
        if mine is None and theirs is not None:
            return False
        if theirs is None and mine is not None:
            return True
        # Not super().__lt__: the binding would dispatch back to this override.
        return self.text().casefold() < other.text().casefold()


def _cell(text: str, sort: float | None = None, *, align_right: bool = False,
          tip: str = "") -> _Item:
    item = _Item(text)
    item.setFlags(Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled)
    if sort is not None:
        item.setData(SORT_ROLE, sort)
    if align_right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    if tip:
        item.setToolTip(tip)
    return item


def move_text(change: int | None) -> str:
    """▲ 3, ▼ 2, = or – (not ranked by that framework)."""
    if change is None:
        return "–"
    if change == 0:
        return "="
    return f"▲ {change}" if change > 0 else f"▼ {-change}"


def _pct(share: float | None) -> str:
    return "–" if share is None else f"{share * 100:.0f} %"


class WeightsPanel(QWidget):
    """The profile chooser and one weight box per criterion, grouped.

    Signals:
        weights_changed(): a weight was edited or a profile loaded.
    """

    weights_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spins: dict[str, QDoubleSpinBox] = {}
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(4, 0, 8, 4)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        grid.setColumnStretch(0, 1)
        row, group = 0, None
        for criterion in rubric.CRITERIA:
            if criterion.group != group:
                group = criterion.group
                header = _bold(QLabel(group))
                if row:
                    header.setContentsMargins(0, 8, 0, 0)
                grid.addWidget(header, row, 0, 1, 2)
                row += 1
            name = QLabel(criterion.name)
            name.setToolTip(f"{criterion.key}\n{self._question(criterion)}".strip())
            spin = QDoubleSpinBox()
            spin.setRange(0.0, 10.0)
            spin.setSingleStep(0.5)
            spin.setDecimals(1)
            spin.setAccelerated(True)
            spin.setObjectName(f"weight:{criterion.key}")
            spin.setToolTip(f"Weight of {criterion.name} (0 leaves it out)")
            spin.setFixedWidth(spin.fontMetrics().horizontalAdvance("10.0") + 48)
            spin.valueChanged.connect(self._on_value_changed)
            name.setBuddy(spin)
            grid.addWidget(name, row, 0)
            grid.addWidget(spin, row, 1)
            self.spins[criterion.key] = spin
            row += 1
        grid.setRowStretch(row, 1)
        scroll.setWidget(body)
        outer.addWidget(scroll)
        self._loading = False

    @staticmethod
    def _question(criterion: rubric.Criterion) -> str:
        if criterion.framework == "osai":
            from openexplorer.frameworks import osai

            dimension = osai.dimension(criterion.ref)
            return dimension.question if dimension else ""
        if criterion.framework == "license":
            return ("Open licence 1, restricted 0.5, none or proprietary 0; unknown licences "
                    "are missing evidence.")
        return "MOF: included 1, open licence of the wrong kind 0.5, otherwise 0."

    def set_weights(self, weights: dict[str, float]) -> None:
        self._loading = True
        try:
            for key, spin in self.spins.items():
                spin.setValue(float(weights.get(key, 0.0)))
        finally:
            self._loading = False
        self.weights_changed.emit()

    def weights(self) -> dict[str, float]:
        return {key: spin.value() for key, spin in self.spins.items()}

    @Slot(float)
    def _on_value_changed(self, _value: float) -> None:
        if not self._loading:
            self.weights_changed.emit()


class RubricView(QWidget):
    """Weights, ranking and robustness of the user's own rubric (see the module docstring)."""

    release_requested = Signal(str)
    message = Signal(str)

    def __init__(self, cache: Cache, parent: QWidget | None = None, *,
                 background: bool = False) -> None:
        """With ``background`` (and a cache in a file) the assessed releases are read on a
        pool thread with a connection of their own, and the ranking follows (figures:
        docs/benchmarks.md)."""
        super().__init__(parent)
        self.cache = cache
        self._table: list[rubric.Candidate] | None = None
        self._table_curated: bool | None = None
        self._background = background
        self._pending: bool | None = None  # the "curated only" of the table being read
        self._reader = CacheReader(self, what="the rubric's assessed releases")
        self._reader.ready.connect(self._on_candidates_ready)
        self._reader.failed.connect(self._on_candidates_failed)
        self._rows: list[rubric.RankedRelease] = []
        self._profile_weights: dict[str, float] = {}
        self._sensitivity: rubric.Sensitivity | None = None
        self._dirty = True  # ranked when first shown: building the table takes a moment

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(120)
        self._timer.timeout.connect(self.recompute)

        # -- left: profile and weights
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 4, 8)
        title = _bold(QLabel("Your rubric"), 1.25)
        left_layout.addWidget(title)
        intro = _muted("Weigh what matters to you. Each criterion scores 1 (open), 0.5 "
                       "(partial) or 0 (closed); a release's score is the weighted mean over the "
                       "criteria with evidence.")
        left_layout.addWidget(intro)
        profile_row = QHBoxLayout()
        profile_label = QLabel("&Profile")
        self.profile_combo = QComboBox()
        self.profile_combo.setSizePolicy(QSizePolicy.Policy.Expanding,
                                         QSizePolicy.Policy.Fixed)
        profile_label.setBuddy(self.profile_combo)
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save these weights as a profile of your own")
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete this saved profile")
        profile_row.addWidget(profile_label)
        profile_row.addWidget(self.profile_combo, 1)
        profile_row.addWidget(self.save_button)
        profile_row.addWidget(self.delete_button)
        left_layout.addLayout(profile_row)
        self.profile_note = _muted()
        left_layout.addWidget(self.profile_note)
        self.weights_panel = WeightsPanel()
        left_layout.addWidget(self.weights_panel, 1)
        self.missing_zero = QCheckBox("Count missing evidence as 0")
        self.missing_zero.setToolTip(
            "Off: a framework that has not assessed a release is left out of its score (see "
            "Evidence). On: everything not shown to be open counts as closed.")
        self.include_hub = QCheckBox("Include Hub-only releases (provisional)")
        self.include_hub.setToolTip("Also rank releases known only from the Hub, on evidence "
                                    "derived from Hub metadata")
        left_layout.addWidget(self.missing_zero)
        left_layout.addWidget(self.include_hub)

        # -- right: ranking and robustness
        self.tabs = QTabWidget()
        ranking_page = QWidget()
        ranking_layout = QVBoxLayout(ranking_page)
        ranking_layout.setContentsMargins(6, 6, 6, 6)
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        ranking_layout.addWidget(self.summary_label)
        self.ranking_table = QTableWidget(0, len(RANKING_COLUMNS))
        self.ranking_table.setObjectName("rubricRanking")
        self.ranking_table.setHorizontalHeaderLabels(list(RANKING_COLUMNS))
        self._setup_table(self.ranking_table, stretch=2)
        self.ranking_table.setWordWrap(False)
        header = self.ranking_table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        metrics = self.ranking_table.fontMetrics()
        for column, sample in enumerate(("Rank", "OLMo-2-0325-32B-Instruct", "", "Score",
                                         "Evidence", "MOF rank", "vs MOF", "Index rank",
                                         "vs index")):
            if sample:
                self.ranking_table.setColumnWidth(
                    column, metrics.horizontalAdvance(sample) + 22)
        self.ranking_table.viewport().installEventFilter(self)
        ranking_layout.addWidget(self.ranking_table, 1)
        ranking_layout.addWidget(_muted(
            "vs MOF, vs index: places gained (▲) or lost (▼) under your rubric, counted among "
            "the releases that framework ranks. Evidence: the share of your total weight with "
            "evidence for that release. Double-click a release to open it."))
        self.tabs.addTab(ranking_page, "&Ranking")

        robust_page = QWidget()
        robust_layout = QVBoxLayout(robust_page)
        robust_layout.setContentsMargins(6, 6, 6, 6)
        controls = QHBoxLayout()
        controls.addWidget(QLabel("Weightings"))
        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(10, 2000)
        self.samples_spin.setSingleStep(50)
        self.samples_spin.setValue(200)
        controls.addWidget(self.samples_spin)
        controls.addSpacing(8)
        controls.addWidget(QLabel("Seed"))
        self.seed_spin = QSpinBox()
        self.seed_spin.setRange(0, 999_999)
        controls.addWidget(self.seed_spin)
        controls.addSpacing(8)
        self.check_button = QPushButton("Check robustness")
        self.check_button.setDefault(True)
        controls.addWidget(self.check_button)
        controls.addStretch(1)
        robust_layout.addLayout(controls)
        robust_layout.addWidget(_muted(
            "Draws many reasonable weightings around yours — each weight independently between "
            "half and twice its value — and ranks every release under each. What holds under "
            "(nearly) all of them does not depend on your exact weights."))
        self.robust_table = QTableWidget(0, len(ROBUST_COLUMNS))
        self.robust_table.setObjectName("rubricRobustness")
        self.robust_table.setHorizontalHeaderLabels(list(ROBUST_COLUMNS))
        self._setup_table(self.robust_table, stretch=0)
        self.robust_table.setWordWrap(False)
        robust_split = QSplitter(Qt.Orientation.Vertical)
        robust_split.addWidget(self.robust_table)
        conclusions_box = QWidget()
        conclusions_layout = QVBoxLayout(conclusions_box)
        conclusions_layout.setContentsMargins(0, 4, 0, 0)
        conclusions_layout.addWidget(_bold(QLabel("Conclusions")))
        self.conclusions_table = QTableWidget(0, 2)
        self.conclusions_table.setObjectName("rubricConclusions")
        self.conclusions_table.setHorizontalHeaderLabels(["", "Conclusion"])
        self._setup_table(self.conclusions_table, stretch=1, sortable=False)
        self.conclusions_table.setWordWrap(True)
        conclusions_layout.addWidget(self.conclusions_table)
        robust_split.addWidget(conclusions_box)
        robust_split.setSizes([300, 260])
        robust_layout.addWidget(robust_split, 1)
        self.tabs.addTab(robust_page, "R&obustness")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([350, 930])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self._fill_profiles(rubric.DEFAULT_PROFILE)
        self.profile_combo.currentTextChanged.connect(self._on_profile_chosen)
        self.save_button.clicked.connect(self._on_save_clicked)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.weights_panel.weights_changed.connect(self._on_weights_changed)
        self.missing_zero.toggled.connect(self._on_option_toggled)
        self.include_hub.toggled.connect(self._on_option_toggled)
        self.check_button.clicked.connect(self.check_robustness)
        self.ranking_table.itemDoubleClicked.connect(self._on_item_double_clicked)
        self.robust_table.itemDoubleClicked.connect(self._on_item_double_clicked)
        self._load_profile(rubric.DEFAULT_PROFILE)

    # -- setup ------------------------------------------------------------------------------------

    @staticmethod
    def _setup_table(table: QTableWidget, *, stretch: int, sortable: bool = True) -> None:
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.verticalHeader().setVisible(False)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setSortingEnabled(sortable)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        header.setHighlightSections(False)

    def _fill_profiles(self, current: str) -> None:
        self.profile_combo.blockSignals(True)
        try:
            self.profile_combo.clear()
            for name in rubric.profile_names(self.cache):
                self.profile_combo.addItem(name)
                index = self.profile_combo.count() - 1
                tip = rubric.BUILTIN_PROFILES[name][1] if name in rubric.BUILTIN_PROFILES \
                    else "Your saved profile"
                self.profile_combo.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
            found = self.profile_combo.findText(current)
            self.profile_combo.setCurrentIndex(max(0, found))
        finally:
            self.profile_combo.blockSignals(False)

    # -- profiles -------------------------------------------------------------------------------

    def profile(self) -> str:
        return self.profile_combo.currentText()

    def set_profile(self, name: str) -> None:
        """Choose a profile by name (loads its weights and re-ranks)."""
        index = self.profile_combo.findText(rubric.profile_name(self.cache, name))
        if index < 0:
            raise rubric.RubricError(f"no rubric profile {name!r}")
        if index == self.profile_combo.currentIndex():
            self._load_profile(self.profile_combo.itemText(index))
        else:
            self.profile_combo.setCurrentIndex(index)

    def _load_profile(self, name: str) -> None:
        try:
            weights = rubric.load_profile(self.cache, name)
        except rubric.RubricError as exc:
            self.message.emit(str(exc))
            return
        self._profile_weights = dict(weights)
        self.delete_button.setEnabled(not rubric.is_builtin(name))
        self.weights_panel.set_weights(weights)

    def weights(self) -> dict[str, float]:
        return self.weights_panel.weights()

    def set_weights(self, weights: dict[str, float]) -> None:
        self.weights_panel.set_weights({k: float(weights.get(k, 0.0)) for k in rubric.KEYS})

    def is_modified(self) -> bool:
        current = self.weights()
        return any(abs(current[k] - self._profile_weights.get(k, 0.0)) > 1e-9
                   for k in rubric.KEYS)

    def save_profile_as(self, name: str) -> bool:
        """Save the current weights as a profile; False (with a message) when refused."""
        try:
            rubric.save_profile(self.cache, name, self.weights())
        except rubric.RubricError as exc:
            self.message.emit(str(exc))
            QMessageBox.warning(self, "Profile not saved", str(exc))
            return False
        name = rubric.profile_name(self.cache, name)
        self._fill_profiles(name)
        self._load_profile(name)
        self.message.emit(f"Rubric profile “{name}” saved")
        return True

    @Slot()
    def _on_save_clicked(self) -> None:
        suggestion = "" if rubric.is_builtin(self.profile()) else self.profile()
        name, ok = QInputDialog.getText(self, "Save rubric profile", "Profile name:",
                                        text=suggestion)
        if ok and name.strip():
            self.save_profile_as(name)

    @Slot()
    def _on_delete_clicked(self) -> None:
        name = self.profile()
        if rubric.is_builtin(name):
            return
        answer = QMessageBox.question(self, "Delete rubric profile",
                                      f"Delete your profile “{name}”?")
        if answer == QMessageBox.StandardButton.Yes:
            self.delete_profile(name)

    def delete_profile(self, name: str) -> None:
        rubric.delete_profile(self.cache, name)
        self._fill_profiles(rubric.DEFAULT_PROFILE)
        self._load_profile(rubric.DEFAULT_PROFILE)
        self.message.emit(f"Rubric profile “{name}” deleted")

    @Slot(str)
    def _on_profile_chosen(self, name: str) -> None:
        if name:
            self._load_profile(name)

    # -- computing ------------------------------------------------------------------------------

    def _schedule(self) -> None:
        self._sensitivity = None
        if self.isVisible():
            self._timer.start()
        else:
            self._dirty = True

    @Slot()
    def _on_weights_changed(self) -> None:
        self._update_profile_note()
        self._schedule()

    @Slot(bool)
    def _on_option_toggled(self, _checked: bool) -> None:
        self._schedule()

    def _update_profile_note(self) -> None:
        name = self.profile()
        if rubric.is_builtin(name):
            note = rubric.BUILTIN_PROFILES[rubric.profile_name(None, name)][1]
        else:
            note = "Your saved profile."
        if self.is_modified():
            note = "Changed from this profile — “Save as…” keeps your weights. " + note
        self.profile_note.setText(note)

    def reload(self) -> None:
        """Read the assessed releases again (after an import or refresh) and re-rank."""
        self._table = None
        self._reader.drop_pending()  # a read under way has the data from before
        self._pending = None
        self._schedule()

    def is_busy(self) -> bool:
        """Whether the assessed releases are being read in the background."""
        return self._pending is not None

    def _read_in_background(self) -> bool:
        """Begin reading the table on a pool thread if it is missing; True if it is being read
        (the ranking follows it)."""
        curated = not self.include_hub.isChecked()
        path = getattr(self.cache, "path", None)
        if (self._table is not None and self._table_curated == curated) \
                or not self._background or path is None:
            return False
        if self._pending == curated:
            return True
        self._pending = curated
        self.summary_label.setText("Reading the assessed releases…")
        self._reader.read(
            path, lambda cache: (curated, rubric.candidates(cache, curated_only=curated)))
        return True

    @Slot(object)
    def _on_candidates_ready(self, value: object) -> None:
        if not isinstance(value, tuple):
            return
        self._pending = None
        self._table_curated, self._table = value
        self.recompute()

    @Slot(str)
    def _on_candidates_failed(self, message: str) -> None:
        # E.g. a second connection refused (a read-only folder without the WAL index): the
        # view's own connection reads them from now on.
        log.info("the rubric's releases are read on the window's thread: %s", message)
        self._pending = None
        self._background = False
        self.recompute()

    def _candidates(self) -> list[rubric.Candidate]:
        curated = not self.include_hub.isChecked()
        if self._table is None or self._table_curated != curated:
            QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self._table = rubric.candidates(self.cache, curated_only=curated)
            finally:
                QGuiApplication.restoreOverrideCursor()
            self._table_curated = curated
        return self._table

    def missing(self) -> rubric.Missing:
        return "zero" if self.missing_zero.isChecked() else "skip"

    @Slot()
    def recompute(self) -> None:
        """Rank again under the current weights (called, debounced, after every change)."""
        self._timer.stop()
        self._dirty = False
        weights = self.weights()
        if not any(v > 0 for v in weights.values()):
            self._rows = []
            self.summary_label.setText("Give at least one criterion a weight above 0.")
            self.ranking_table.setRowCount(0)
            return
        if self._read_in_background():
            return
        table = self._candidates()
        self._rows = rubric.rank_table(table, weights, missing=self.missing())
        self._fill_ranking()
        if self._sensitivity is None:
            self._clear_robustness()

    def rows(self) -> list[rubric.RankedRelease]:
        return list(self._rows)

    def _fill_ranking(self) -> None:
        table = self.ranking_table
        table.setSortingEnabled(False)
        table.setRowCount(len(self._rows))
        for row, ranked in enumerate(self._rows):
            name = ranked.name + (" (provisional)" if ranked.provisional else "")
            cells = [
                _cell(str(ranked.rank), ranked.rank, align_right=True),
                _cell(name, tip=f"{ranked.release_id}\nreleased {ranked.release_date or '?'}"),
                _cell(ranked.organization or "–"),
                _cell(f"{ranked.score:.3f}", ranked.score, align_right=True),
                _cell(_pct(ranked.coverage), ranked.coverage, align_right=True,
                      tip="Share of your weight with evidence for this release"),
                _cell("–" if ranked.mof_rank is None else str(ranked.mof_rank), ranked.mof_rank,
                      align_right=True,
                      tip="" if ranked.mof_total is None else
                      f"MOF total progress {ranked.mof_total:.1f} %"
                      + (f", Class {ranked.mof_class}" if ranked.mof_class else "")),
                self._move_cell(ranked.change_vs_mof, "MOF"),
                _cell("–" if ranked.osai_rank is None else str(ranked.osai_rank),
                      ranked.osai_rank, align_right=True,
                      tip="" if ranked.osai_score is None else
                      f"Index score {ranked.osai_score:.2f}"),
                self._move_cell(ranked.change_vs_osai, "index"),
            ]
            for column, item in enumerate(cells):
                item.setData(RELEASE_ROLE, ranked.release_id)
                table.setItem(row, column, item)
        table.setSortingEnabled(True)
        table.sortItems(0, Qt.SortOrder.AscendingOrder)
        weights = self.weights()
        weighed = sum(1 for v in weights.values() if v > 0)
        missing = ("missing evidence counted as 0" if self.missing() == "zero"
                   else "missing evidence left out")
        profile = self.profile() + (" (changed)" if self.is_modified() else "")
        self.summary_label.setText(
            f"<b>{len(self._rows):,}</b> assessed releases ranked under <b>{profile}</b>: "
            f"{weighed} of {len(rubric.CRITERIA)} criteria weighed, {missing}.")

    @staticmethod
    def _move_cell(change: int | None, framework: str) -> _Item:
        item = _cell(move_text(change), change, align_right=True,
                     tip="Not ranked by the " + framework if change is None else
                     f"{abs(change)} place{'' if abs(change) == 1 else 's'} "
                     + ("higher" if change > 0 else "lower") + f" than under the {framework}"
                     if change else f"The same place as under the {framework}")
        if change:
            item.setForeground(QBrush(QColor(_UP if change > 0 else _DOWN)))
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        return item

    # -- robustness -----------------------------------------------------------------------------

    def _clear_robustness(self) -> None:
        self.robust_table.setRowCount(0)
        self.conclusions_table.setRowCount(0)

    @Slot()
    def check_robustness(self) -> rubric.Sensitivity | None:
        """Run the sensitivity check for the current weights and show what holds."""
        weights = self.weights()
        if not any(v > 0 for v in weights.values()):
            return None
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            result = rubric.sensitivity(
                table=self._candidates(), base=weights, samples=self.samples_spin.value(),
                seed=self.seed_spin.value(), missing=self.missing())
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._sensitivity = result
        self._fill_robustness(result)
        self.tabs.setCurrentIndex(1)
        return result

    def _fill_robustness(self, result: rubric.Sensitivity) -> None:
        table = self.robust_table
        table.setSortingEnabled(False)
        table.setRowCount(len(result.rows))
        for row, item in enumerate(result.rows):
            cells = [
                _cell(item.name, tip=item.release_id),
                _cell(str(item.base_rank), item.base_rank, align_right=True),
                self._share_cell(item.top_share),
                self._share_cell(item.order_share),
                _cell(str(item.best_rank) if item.best_rank == item.worst_rank else
                      f"{item.best_rank}–{item.worst_rank}", item.median_rank, align_right=True,
                      tip=f"median rank {item.median_rank:g}"),
            ]
            for column, cell in enumerate(cells):
                cell.setData(RELEASE_ROLE, item.release_id)
                table.setItem(row, column, cell)
        table.setSortingEnabled(True)
        table.sortItems(1, Qt.SortOrder.AscendingOrder)
        conclusions = self.conclusions_table
        conclusions.setRowCount(len(result.conclusions))
        for row, conclusion in enumerate(result.conclusions):
            mark = _cell("holds" if conclusion.robust else "varies")
            color = theme.STATUS_COLORS["open" if conclusion.robust else "partial"]
            mark.setForeground(QBrush(QColor(color)))
            font = QFont(mark.font())
            font.setBold(True)
            mark.setFont(font)
            conclusions.setItem(row, 0, mark)
            conclusions.setItem(row, 1, _cell(conclusion.text, tip=conclusion.text))
        conclusions.resizeRowsToContents()

    @staticmethod
    def _share_cell(share: float | None) -> _Item:
        item = _cell(_pct(share), share, align_right=True)
        if share is not None:
            status = "open" if share >= 0.95 else "partial" if share >= 0.5 else "closed"
            color = QColor(theme.STATUS_COLORS[status])
            color.setAlpha(60)
            item.setBackground(QBrush(color))
        return item

    def sensitivity(self) -> rubric.Sensitivity | None:
        return self._sensitivity

    # -- events ---------------------------------------------------------------------------------

    @Slot(QTableWidgetItem)
    def _on_item_double_clicked(self, item: QTableWidgetItem) -> None:
        release_id = item.data(RELEASE_ROLE)
        if release_id:
            self.release_requested.emit(str(release_id))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Resize and watched is self.ranking_table.viewport():
            self._fit_organisation()
        return super().eventFilter(watched, event)

    def _fit_organisation(self) -> None:
        header = self.ranking_table.horizontalHeader()
        column = RANKING_COLUMNS.index("Organisation")
        others = sum(header.sectionSize(c) for c in range(header.count()) if c != column)
        roomy = self.ranking_table.viewport().width() - others >= ORGANISATION_MIN
        mode = QHeaderView.ResizeMode.Stretch if roomy else QHeaderView.ResizeMode.Interactive
        if header.sectionResizeMode(column) != mode:
            header.setSectionResizeMode(column, mode)
            if not roomy:
                header.resizeSection(column, ORGANISATION_MIN)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._dirty:
            self.recompute()

    def selected_release(self) -> str | None:
        items = self.ranking_table.selectedItems()
        return str(items[0].data(RELEASE_ROLE)) if items else None
