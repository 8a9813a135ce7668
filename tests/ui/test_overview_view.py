"""The overview: four charts over hand-built summaries, bar clicks become search filters."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

import pyqtgraph as pg  # noqa: E402
import pyqtgraph.exporters  # noqa: E402,F401 - docs/tech-notes.md G12: not set by `import pyqtgraph`
from PySide6.QtCore import QEvent, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QApplication, QToolTip  # noqa: E402

from openexplorer.analyses.overview import overview_stats  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.overview_view import OverviewView  # noqa: E402
from tests.summary_rows import ROWS, make_summary_cache  # noqa: E402


@pytest.fixture
def cache(tmp_path):
    opened = make_summary_cache(tmp_path / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, cache):
    widget = OverviewView(cache, background=False)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def restore_theme(qapp):
    yield
    theme.apply_theme(qapp, "system")


def _charts(view):
    return [view.by_year, view.by_kind, view.mof_classes, view.score_histogram]


def test_each_chart_has_one_bar_per_category(view):
    stats = view.stats()
    assert view.by_year.categories and len(view.by_year.categories) == len(stats["by_year"])
    assert len(view.by_kind.categories) == len(stats["by_org_kind"]) == 5
    assert len(view.mof_classes.categories) == 4
    assert len(view.score_histogram.categories) == 10
    for chart in _charts(view):
        for bar in chart.bar_items:
            assert len(bar.opts["x"]) == len(chart.categories)
            assert bar.opts["pen"] is None  # docs/tech-notes.md G2


def test_bars_show_the_figures(view):
    stats = view.stats()
    # Series 0: mean index score as a percentage, series 1: mean MOF progress.
    expected = [(e["osai_mean"] or 0) * 100 for e in stats["by_year"]]
    assert view.by_year.bar_heights(0) == pytest.approx(expected)
    assert view.by_kind.bar_heights(1) == pytest.approx(
        [e["mof_mean"] or 0 for e in stats["by_org_kind"]])
    assert view.score_histogram.bar_heights(0) == [
        float(b["count"]) for b in stats["osai_histogram"]]
    # MOF classes stack: assessed (coloured by class) under not assessed.
    assessed = view.mof_classes.bar_heights(0)
    not_assessed = view.mof_classes.bar_heights(1)
    assert [a + n for a, n in zip(assessed, not_assessed, strict=True)] == [1, 1, 2, 5]
    assert not_assessed == [0, 0, 0, 3]


def test_axis_titles_legends_and_counts(view):
    for chart in _charts(view):
        item = chart.getPlotItem()
        assert item.getAxis("left").labelText
        assert item.getAxis("bottom").labelText
    assert view.by_year.legend.isVisible()
    names = [label.text for _sample, label in view.by_year.legend.items]
    assert names == ["Mean index score", "Mean MOF progress", "Share with an MOF class"]
    # Each category's tooltip says how many releases it rests on.
    kinds = view.stats()["by_org_kind"]
    for tip, entry in zip(view.by_kind.tooltips, kinds, strict=True):
        assert f"{entry['count']} release" in tip
    assert "9 curated releases" in view.summary.text().replace("<b>", "").replace("</b>", "")
    assert "(9 releases)" in view.mof_classes.title


def test_clicking_a_bar_emits_its_filter(view, qtbot):
    cases = [
        (view.by_year, view.stats()["by_year"][0]["filter"]),
        (view.by_kind, {"origin": "curated", "org_kind": "big-tech"}),
        (view.mof_classes, {"origin": "curated", "mof_class": "I"}),
        (view.score_histogram, {"origin": "curated", "osai_score_min": 0.0,
                                "osai_score_max": 0.1}),
    ]
    for chart, expected in cases:
        with qtbot.waitSignal(view.filter_requested, timeout=1000) as blocker:
            chart.click_bar(0)
        assert blocker.args == [expected]
    with qtbot.waitSignal(view.filter_requested) as blocker:
        view.score_histogram.click_bar(5)
    assert blocker.args == [{"origin": "curated", "osai_score_min": 0.5,
                             "osai_score_max": 0.6}]
    with qtbot.waitSignal(view.filter_requested) as blocker:
        view.mof_classes.click_bar(3)
    assert blocker.args == [{"origin": "curated", "mof_class": "none"}]


def test_a_mouse_click_on_a_bar_filters(view, qtbot):
    chart = view.by_kind
    academic = [e["kind"] for e in view.stats()["by_org_kind"]].index("academic")
    point = chart.mapFromScene(chart.bar_scene_pos(academic))
    with qtbot.waitSignal(view.filter_requested, timeout=2000) as blocker:
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [{"origin": "curated", "org_kind": "academic"}]


def test_a_click_beside_the_bars_does_nothing(view, qtbot):
    chart = view.by_year
    vb = chart.getPlotItem().getViewBox()
    outside = chart.mapFromScene(vb.sceneBoundingRect().topLeft()) - pg.QtCore.QPoint(5, 5)
    with qtbot.assertNotEmitted(view.filter_requested):
        qtbot.mouseClick(chart.viewport(), Qt.MouseButton.LeftButton, pos=outside)
        qtbot.wait(50)


def test_hovering_a_bar_shows_its_tooltip(view, qtbot):
    chart = view.mof_classes
    chart.scene().sigMouseMoved.emit(chart.bar_scene_pos(3))  # the pointer over bar 3
    qtbot.waitUntil(QToolTip.isVisible, timeout=2000)
    assert "Unclassified" in QToolTip.text() and "5 releases" in QToolTip.text()
    assert chart.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor


def test_including_hub_only_releases(view, qtbot):
    assert view.stats()["total"] == 9
    view.include_hub.setChecked(True)
    assert view.stats()["total"] == len(ROWS)
    with qtbot.waitSignal(view.filter_requested) as blocker:
        view.by_kind.click_bar(0)
    assert blocker.args == [{"org_kind": "big-tech"}]


def test_refresh_stats_reads_the_cache_again(view, cache):
    with cache.conn:
        cache.conn.execute("UPDATE release_summary SET mof_class = 'I' WHERE mof_class = 'III'")
    view.refresh_stats()
    assert view.mof_classes.bar_heights(0)[:3] == [3.0, 1.0, 0.0]
    assert view.stats() == overview_stats(cache)


def test_charts_follow_the_theme(view, qapp, restore_theme):
    theme.apply_theme(qapp, "dark")
    QApplication.sendEvent(view, QEvent(QEvent.Type.PaletteChange))
    dark = view.by_year.backgroundBrush().color()
    assert dark == QColor(theme.DARK_CHART.background)
    theme.apply_theme(qapp, "light")
    QApplication.sendEvent(view, QEvent(QEvent.Type.PaletteChange))
    assert view.by_year.backgroundBrush().color() == QColor(theme.LIGHT_CHART.background)


def test_chart_widgets_for_export(view, tmp_path):
    charts = view.chart_widgets()
    assert [name for name, _w in charts] == [
        "Openness by release year", "Openness by organisation kind",
        "Model Openness Framework classes", "European Open Source AI Index scores"]
    assert [w for _n, w in charts] == _charts(view)
    image = pg.exporters.ImageExporter(view.by_year.getPlotItem()).export(toBytes=True)
    assert image.width() > 100
    data = dict(view.chart_data())
    assert data["Openness by organisation kind"][0]["org_kind"] == "big-tech"
    assert sum(r["count"] for r in data["Model Openness Framework classes"]) == 9


def test_an_empty_cache_draws_empty_charts(qtbot, tmp_path):
    with make_summary_cache(tmp_path / "empty.sqlite", []) as empty:
        widget = OverviewView(empty, background=False)
        qtbot.addWidget(widget)
        assert "No curated releases" in widget.summary.text()
        assert widget.by_year.categories == []
        with qtbot.assertNotEmitted(widget.filter_requested):
            widget.by_year.click_bar(0)


def test_figures_are_counted_in_the_background(qtbot, cache):
    widget = OverviewView(cache)  # background by default for a cache in a file
    qtbot.addWidget(widget)
    if widget.is_busy():
        with qtbot.waitSignal(widget.stats_changed, timeout=5000):
            pass
    assert not widget.is_busy()
    assert widget.stats() == overview_stats(cache)
    assert len(widget.by_kind.categories) == 5
    with qtbot.waitSignal(widget.stats_changed, timeout=5000):
        widget.include_hub.setChecked(True)
    assert widget.stats()["total"] == len(ROWS)


def test_only_the_latest_background_count_is_drawn(qtbot, cache):
    widget = OverviewView(cache)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=5000)
    widget.include_hub.setChecked(True)  # count 1
    widget.include_hub.setChecked(False)  # count 2 supersedes it
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=5000)
    qtbot.wait(100)  # count 1's late result, if any, must change nothing
    assert widget.stats()["total"] == 9


def test_a_failed_background_count_says_so(qtbot, tmp_path):
    cache = make_summary_cache(tmp_path / "gone.sqlite")
    widget = OverviewView(cache)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=5000)
    cache.close()
    for path in tmp_path.iterdir():
        path.unlink()
    with qtbot.waitSignal(widget.stats_changed, timeout=5000):
        widget.refresh_stats()
    assert "could not be counted" in widget.summary.text()
    assert widget.stats()["total"] == 0


def test_where_the_pool_thread_cannot_read_the_view_counts_itself(qtbot, cache, monkeypatch):
    from openexplorer.ui import cache_job

    def refused(cls, *_args, **_kwargs):
        raise OSError("a read-only folder without the WAL index")

    monkeypatch.setattr(cache_job.Cache, "open", classmethod(refused))
    widget = OverviewView(cache)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=5000)
    assert widget.stats()["total"] == 9
    assert "could not be counted" not in widget.summary.text()
