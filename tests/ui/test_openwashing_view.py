"""The open-washing ranking view: chart and table agree with the ranking; double-click opens."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtWidgets import QApplication  # noqa: E402

from openexplorer.analyses import openwashing  # noqa: E402
from openexplorer.db.cache import Cache  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from tests.test_crossframework import snapshot_cache  # noqa: E402
from openexplorer.ui.openwashing_view import (  # noqa: E402
    CHART_BARS,
    COLUMNS,
    RELEASE_ROLE,
    OpenWashingView,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("ow-view") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def expected(cache):
    return openwashing.ranking(cache, 20)


@pytest.fixture(scope="module")
def shown(qapp, cache):
    """One view for the module (ranking is the slow part); tests leave it as they found it."""
    widget = OpenWashingView(cache, background=False, limit=20)
    widget.resize(1280, 800)
    widget.show()
    QApplication.processEvents()
    yield widget
    widget.close()
    widget.deleteLater()


@pytest.fixture
def view(shown):
    shown.table.clearSelection()
    return shown


def _col(key: str) -> int:
    return [k for k, _h in COLUMNS].index(key)


def test_table_and_chart_show_the_ranking(view, expected):
    ids = [view.table.item(r, 0).data(RELEASE_ROLE) for r in range(view.table.rowCount())]
    assert ids == [r.release_id for r in expected]
    assert [view.table.item(r, _col("gap")).text() for r in range(len(expected))] == \
        [f"{r.gap:.2f}" for r in expected]
    assert view.chart.bar_widths() == pytest.approx([r.gap for r in expected[:CHART_BARS]])
    ticks = view.chart.getPlotItem().getAxis("left")._tickLevels[0]
    assert [t[1].rstrip("…") for t in ticks][:3] == [r.name[:29] for r in expected[:3]]


def test_double_click_requests_the_release(view, qtbot, expected):
    with qtbot.waitSignal(view.release_requested) as signal:
        view.table.cellDoubleClicked.emit(2, 1)
    assert signal.args == [expected[2].release_id]
    with qtbot.waitSignal(view.release_requested) as signal:
        view.chart.bar_double_clicked.emit(expected[0].release_id)
    assert signal.args == [expected[0].release_id]


def test_selecting_shows_every_flag(view, expected):
    view.select_release(expected[1].release_id)
    QApplication.processEvents()
    text = view.detail.text()
    assert len(expected[1].flags) == text.count("●")
    assert expected[1].name in text


def test_bar_click_selects_the_row(view, expected):
    view.chart.bar_clicked.emit(expected[3].release_id)
    assert view.table.selectionModel().selectedRows()[0].row() == 3


def test_limit(view, cache):
    view.limit.setValue(5)
    try:
        view.refresh()
        assert view.table.rowCount() == len(openwashing.ranking(cache, 5)) == 5
    finally:
        view.limit.setValue(20)
        view.refresh()


def test_markdown_and_chart_export(view, expected, tmp_path):
    from openexplorer.ui.charts import export_widget

    text = view.markdown()
    assert text.startswith("# Open-washing")
    assert expected[0].name in text
    [(title, chart)] = view.chart_widgets()
    assert export_widget(chart, tmp_path / "gaps.svg").stat().st_size > 1000


def test_background_ranking(qtbot, cache, expected):
    widget = OpenWashingView(cache, limit=20)  # a cache in a file: ranked on a pool thread
    qtbot.addWidget(widget)
    if widget.is_busy():
        with qtbot.waitSignal(widget.ranking_changed, timeout=20_000):
            pass
    assert [r.release_id for r in widget.results()] == [r.release_id for r in expected]


def test_empty_cache(qtbot):
    with Cache.memory() as empty:
        widget = OpenWashingView(empty, background=False)
        qtbot.addWidget(widget)
        assert widget.table.rowCount() == 0 and widget.chart.bar_widths() == []
        assert "No release" in widget.summary.text()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_grab_in_both_themes(view, qapp, name):
    theme.apply_theme(qapp, name)
    try:
        view.chart.apply_colors()
        QApplication.processEvents()
        image = view.grab()
        assert image.width() == 1280 and image.height() == 800
        assert view.table.height() > 4 * view.table.rowHeight(0)
        assert not view.table.horizontalScrollBar().isVisible()
        assert view.chart.height() >= 240
    finally:
        theme.apply_theme(qapp, "system")
