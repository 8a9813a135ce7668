"""The rubric view: the ranking follows the weights and profiles, profiles are saved and
deleted, the robustness check fills its tables, and the view is legible in both themes."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402

from openexplorer.analyses import rubric  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.rubric_view import (  # noqa: E402
    RANKING_COLUMNS,
    RELEASE_ROLE,
    RubricView,
)
from tests.test_watchlist import snapshot_cache  # noqa: E402


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("rubric-view") / "c.sqlite")
    yield opened
    opened.close()


_CANDIDATES: dict[bool, list[rubric.Candidate]] = {}


@pytest.fixture(autouse=True)
def shared_candidates(cache, monkeypatch):
    """Every view reads the same unchanged cache: read its assessed releases once."""
    real = rubric.candidates

    def candidates(cache_, *, curated_only=True):
        if cache_ is not cache:
            return real(cache_, curated_only=curated_only)
        if curated_only not in _CANDIDATES:
            _CANDIDATES[curated_only] = real(cache_, curated_only=curated_only)
        return _CANDIDATES[curated_only]

    monkeypatch.setattr(rubric, "candidates", candidates)


@pytest.fixture
def view(qtbot, cache):
    widget = RubricView(cache)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def restore_theme(qapp):
    yield
    theme.apply_theme(qapp, "system")


def _column(view, column):
    table = view.ranking_table
    return [table.item(row, column).text() for row in range(table.rowCount())]


def test_the_ranking_is_the_rubric_ranking(view, cache):
    expected = rubric.ranking(cache, rubric.load_profile(None, "Equal"))
    assert view.ranking_table.rowCount() == len(expected) > 200
    ids = [view.ranking_table.item(r, 0).data(RELEASE_ROLE) for r in range(20)]
    assert ids == [r.release_id for r in expected[:20]]
    assert _column(view, 0)[:20] == [str(r.rank) for r in expected[:20]]
    assert view.profile() == "Equal" and not view.is_modified()
    assert "Equal" in view.summary_label.text()


def test_changing_a_weight_reranks(view, qtbot):
    weights = dict.fromkeys(rubric.KEYS, 0.0)
    weights["license"] = 1.0
    view.set_weights(weights)
    qtbot.waitUntil(lambda: view.rows() and view.rows()[0].coverage == 1.0, timeout=3000)
    assert all(r.score in (0.0, 0.5, 1.0) for r in view.rows())
    assert view.is_modified() and "(changed)" in view.summary_label.text()
    assert "Changed from this profile" in view.profile_note.text()
    view.weights_panel.spins["license"].setValue(0.0)
    view.recompute()
    assert view.ranking_table.rowCount() == 0
    assert "at least one criterion" in view.summary_label.text()


def test_profiles_load_save_and_delete(view, qtbot, cache):
    view.set_profile("developer")
    assert view.profile() == "Developer"
    assert view.weights_panel.spins["license"].value() == 4.0
    assert not view.delete_button.isEnabled()
    view.weights_panel.spins["mof.datasets"].setValue(5.0)
    with qtbot.waitSignal(view.message) as saved:
        assert view.save_profile_as("Team A")
    assert "Team A" in saved.args[0]
    assert view.profile() == "Team A" and view.delete_button.isEnabled()
    assert rubric.load_profile(cache, "Team A")["mof.datasets"] == 5.0
    assert not view.is_modified()
    other = RubricView(cache)
    qtbot.addWidget(other)
    assert "Team A" in [other.profile_combo.itemText(i)
                        for i in range(other.profile_combo.count())]
    view.delete_profile("Team A")
    assert view.profile() == "Equal"
    assert rubric.profile_names(cache) == list(rubric.BUILTIN_PROFILES)


def test_a_builtin_name_is_not_saved(view, monkeypatch):
    warnings = []
    monkeypatch.setattr("openexplorer.ui.rubric_view.QMessageBox.warning",
                        lambda *args: warnings.append(args[2]))
    assert view.save_profile_as("Equal") is False
    assert warnings and "built-in" in warnings[0]


def test_options_missing_as_zero(view, qtbot):
    before = view.rows()[0]
    view.missing_zero.setChecked(True)
    qtbot.waitUntil(lambda: view.rows()[0].release_id != before.release_id, timeout=3000)
    assert view.missing() == "zero" and "counted as 0" in view.summary_label.text()


def test_robustness(view):
    view.samples_spin.setValue(20)
    result = view.check_robustness()
    assert result is not None and result.samples == 20
    assert view.tabs.currentIndex() == 1
    assert view.robust_table.rowCount() == len(result.rows) > 0
    assert view.conclusions_table.rowCount() == len(result.conclusions) > 0
    marks = {view.conclusions_table.item(r, 0).text()
             for r in range(view.conclusions_table.rowCount())}
    assert marks <= {"holds", "varies"}
    # changing the weights makes the old check void
    view.weights_panel.spins["license"].setValue(3.0)
    view.recompute()
    assert view.sensitivity() is None and view.robust_table.rowCount() == 0


def test_double_click_opens_the_release(view, qtbot):
    item = view.ranking_table.item(0, 1)
    with qtbot.waitSignal(view.release_requested) as opened:
        view.ranking_table.itemDoubleClicked.emit(item)
    assert opened.args == [item.data(RELEASE_ROLE)]


def test_sorting_by_a_column_keeps_numbers_numeric(view):
    view.ranking_table.sortItems(3, Qt.SortOrder.AscendingOrder)  # score, lowest first
    scores = [float(t) for t in _column(view, 3)]
    assert scores == sorted(scores)


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_legible_in_both_themes(view, qapp, restore_theme, mode, tmp_path):
    theme.apply_theme(qapp, mode)
    qapp.processEvents()
    image = view.grab().toImage()
    assert (image.width(), image.height()) == (1280, 800)
    table = view.ranking_table
    # nothing important is cut off: the release names and the headers fit their columns
    metrics = table.fontMetrics()
    for row in range(10):
        text = table.item(row, 1).text()
        assert metrics.horizontalAdvance(text) < table.columnWidth(1), text
    header = table.horizontalHeader()
    for column, title in enumerate(RANKING_COLUMNS):
        assert header.fontMetrics().horizontalAdvance(title) < table.columnWidth(column), title
    viewport = table.viewport().width()
    assert sum(table.columnWidth(c) for c in range(table.columnCount())) <= viewport + 2
    spin = view.weights_panel.spins["license"]
    assert spin.width() >= spin.minimumSizeHint().width()


def test_in_the_background_the_ranking_follows_the_read(qtbot, cache, view):
    # The pool thread opens its own connection, so it reads through the real rubric.candidates.
    widget = RubricView(cache, background=True)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.is_busy() and widget.summary_label.text() == "Reading the assessed releases…"
    qtbot.waitUntil(lambda: not widget.is_busy() and bool(widget.rows()), timeout=20_000)
    assert [(r.release_id, r.score) for r in widget.rows()] == \
        [(r.release_id, r.score) for r in view.rows()]
    # Hub-only releases asked for: read again, in the background too.
    widget.include_hub.setChecked(True)
    qtbot.waitUntil(widget.is_busy, timeout=5000)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=20_000)
    assert len(widget.rows()) >= len(view.rows())


def test_a_read_from_before_a_reload_is_dropped(qtbot, cache):
    widget = RubricView(cache, background=True)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_busy() and bool(widget.rows()), timeout=20_000)
    ranked = [r.release_id for r in widget.rows()]
    widget.include_hub.setChecked(True)
    qtbot.waitUntil(widget.is_busy, timeout=5000)  # a read under way ...
    widget.reload()  # ... and a reload after an import or a refresh: its answer is dropped
    qtbot.waitUntil(lambda: not widget.is_busy() and bool(widget.rows()), timeout=20_000)
    assert len(widget.rows()) >= len(ranked)
    widget.include_hub.setChecked(False)
    qtbot.waitUntil(lambda: not widget.is_busy() and bool(widget.rows()), timeout=20_000)
    assert [r.release_id for r in widget.rows()] == ranked


def test_where_the_pool_thread_cannot_read_the_view_reads_itself(qtbot, cache, view,
                                                                 monkeypatch):
    from openexplorer.ui import cache_job

    def refused(cls, *_args, **_kwargs):
        raise OSError("a read-only folder without the WAL index")

    monkeypatch.setattr(cache_job.Cache, "open", classmethod(refused))
    widget = RubricView(cache, background=True)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_busy() and bool(widget.rows()), timeout=20_000)
    assert [r.release_id for r in widget.rows()] == [r.release_id for r in view.rows()]


def test_the_organisation_column_is_never_squeezed_to_nothing(qtbot, cache):
    from openexplorer.ui.rubric_view import ORGANISATION_MIN

    widget = RubricView(cache)  # built narrow, as in the window's tab beside the search
    qtbot.addWidget(widget)
    widget.resize(760, 700)
    widget.show()
    qtbot.waitExposed(widget)
    header = widget.ranking_table.horizontalHeader()
    column = RANKING_COLUMNS.index("Organisation")
    assert header.sectionSize(column) >= ORGANISATION_MIN
    widget.resize(2400, 700)  # room to spare: it takes it
    qtbot.waitUntil(lambda: header.sectionSize(column) > 2 * ORGANISATION_MIN, timeout=2000)
