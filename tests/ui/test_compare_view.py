"""The compare view: matrix cells and colours, evidence, Delete, messages, charts, exports."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from openexplorer.analyses.compare import compare  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.compare_view import STATUS_ROLE, CompareView, wrap_name  # noqa: E402
from openexplorer.ui.export_dialog import FORMATS, resolve_target  # noqa: E402

THREE = ["meta-llama/llama-3.1-8b", "meta-llama/llama-2-70b", "allenai/olmo-7b"]
IN_ORDER = ["meta-llama/llama-2-70b", "meta-llama/llama-3.1-8b", "allenai/olmo-7b"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("compare") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def view(qtbot, cache, settings):
    widget = CompareView(cache, settings=settings)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.set_releases(THREE)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_releases_are_shown_in_release_order(view):
    assert view.ids() == IN_ORDER
    assert view.matrix.release_ids() == IN_ORDER
    headers = [view.matrix.horizontalHeaderItem(c).text() for c in range(1, 4)]
    assert headers[0].startswith("Llama-2-70B") and "2023-07-18" in headers[0]
    assert "no date" in headers[2]


def test_matrix_cells_and_colours_match_the_comparison(view, cache):
    comparison = compare(cache, THREE)
    assert view.comparison()["matrix"] == comparison["matrix"]
    for line in comparison["matrix"]:
        assert view.matrix.statuses(line["framework"], line["component"]) == line["cells"]
        for column, status in enumerate(line["cells"]):
            item = view.matrix.cell_item(line["framework"], line["component"], column)
            assert item.data(STATUS_ROLE) == status
            assert item.background().color().name().lower() == \
                theme.STATUS_COLORS[status].lower()
            assert item.text() == theme.STATUS_LABELS[status].lower()
    weights = view.matrix.statuses("mof", "Model parameters (Final)")
    assert weights[IN_ORDER.index("meta-llama/llama-3.1-8b")] == "closed"
    assert weights[IN_ORDER.index("allenai/olmo-7b")] in {"open", "partial"}
    # 17 MOF components by class and 12 index dimensions by group are all there.
    lines = {(line["framework"], line["component"]) for line in view.comparison()["matrix"]}
    assert len(lines) == 29
    assert len({view.matrix.row_of(*line) for line in lines}) == 29  # a row each


def test_cells_carry_their_evidence_in_tooltips(view):
    llama = IN_ORDER.index("meta-llama/llama-3.1-8b")
    tip = view.matrix.cell_item("mof", "Model parameters (Final)", llama).toolTip()
    assert "Llama 3.1 Community License Agreement" in tip
    assert "Model Openness Framework / Model Openness Tool" in tip
    assert "Llama-3.1-8B" in tip and "Assessed: 2025-" in tip
    assert "https://huggingface.co/meta-llama/Llama-3.1-8B" in tip
    olmo = IN_ORDER.index("allenai/olmo-7b")
    tip = view.matrix.cell_item("mof", "Model parameters (Final)", olmo).toolTip()
    assert "Apache-2.0" in tip and "Partial" in tip
    tip = view.matrix.cell_item("osai", "Training Code", olmo).toolTip()
    assert "Not assessed by the European Open Source AI Index" in tip


def test_delete_removes_the_selected_release(view, qtbot):
    view.matrix.selectColumn(IN_ORDER.index("meta-llama/llama-3.1-8b") + 1)
    assert view.remove_button.isEnabled()
    with qtbot.waitSignal(view.releases_changed, timeout=3000) as blocker:
        qtbot.keyClick(view.matrix, Qt.Key.Key_Delete)
    remaining = ["meta-llama/llama-2-70b", "allenai/olmo-7b"]
    assert blocker.args == [remaining]
    assert view.ids() == remaining
    assert view.matrix.columnCount() == 3  # labels + 2 releases
    assert view.matrix.release_ids() == remaining
    assert len(view.comparison()["changes"]) == 1


def test_fewer_than_two_releases_says_so(view, qtbot):
    with qtbot.waitSignal(view.releases_changed):
        view.remove_release("meta-llama/llama-2-70b")
    view.remove_release("allenai/olmo-7b")
    assert view.ids() == ["meta-llama/llama-3.1-8b"]
    assert view.stack.currentWidget() is view.empty
    text = view.empty.text()
    assert "Add another release to compare" in text and "Llama-3.1-8B" in text
    assert not view.export_button.isEnabled() and not view.copy_button.isEnabled()
    view.set_releases([])
    assert "Add 2 releases to compare" in view.empty.text()
    view.add_releases(["meta-llama/llama-2-70b", "allenai/olmo-7b"])
    assert view.stack.currentWidget() is view.splitter and len(view.ids()) == 2


def test_more_than_eight_and_unknown_ids_say_so(view, cache):
    nine = [row["id"] for row in cache.search("", limit=9)]
    view.set_releases(nine)
    assert view.stack.currentWidget() is view.empty
    assert "Too many releases: 9" in view.empty.text()
    view.set_releases(["allenai/olmo-7b", "nope/nothing"])
    assert "cannot be compared" in view.empty.text() and "nope/nothing" in view.empty.text()
    # Each release listed on the message page has its own "remove" link.
    view.empty.linkActivated.emit("remove:nope%2Fnothing")
    assert view.ids() == ["allenai/olmo-7b"]


def test_what_changed_lists_each_step(view):
    comparison = view.comparison()
    tree = view.changes
    assert tree.topLevelItemCount() == len(comparison["changes"]) == 2
    second = tree.topLevelItem(1)
    assert second.text(0).startswith("Llama-3.1-8B → OLMo-7B")
    children = [second.child(i).text(0) for i in range(second.childCount())]
    assert children == comparison["changes"][1]["changes"]
    assert any(c.startswith("MOF class:") for c in children)


def test_grouped_bars_with_legend_and_category_ticks(view):
    chart = view.scores_chart
    assert len(chart.bars["osai"]) == len(chart.bars["mof"]) == 3
    assert all(bar.opts["pen"] is None for bar in chart.bars["osai"] + chart.bars["mof"])  # G2
    assert [label.text for _, label in chart.legend.items] == [
        "Llama-2-70B", "Llama-3.1-8B", "OLMo-7B"]
    ticks = chart.osai_plot.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["Availability", "Documentation", "Access",
                                             "Overall"]
    ticks = chart.mof_plot.getAxis("bottom")._tickLevels[0]
    assert [label for _, label in ticks] == ["Class III", "Class II", "Class I"]
    # OLMo-7B reaches all three MOF classes: its bars are at 100 %.
    olmo = chart.bars["mof"][2]
    assert list(olmo.opts["height"]) == [100.0, 100.0, 100.0]


def test_a_crowded_family_is_said_to_be_thinned_on_the_timeline(view, monkeypatch):
    before = view.timeline_chart.timeline()
    monkeypatch.setattr(type(view), "TIMELINE_MOST", 3)
    view.set_releases(view.ids())  # compared again
    notes = view.timeline_chart.notes()
    assert any(n.startswith("Llama: ") and "too many to plot" in n for n in notes)
    assert view.timeline_chart.timeline() == before  # the snapshot's Llama releases: curated


def test_family_timeline_of_the_compared_families(view, qtbot):
    chart = view.timeline_chart
    timeline = chart.timeline()
    assert {"Llama", "OLMo"} <= set(timeline)
    assert len(chart.hover_items) == len(timeline)
    point = timeline["Llama"][0]
    tip = chart.point_tip(data={**point, "family": "Llama"})
    assert point["name"] in tip and point["release_date"] in tip and "Index score" in tip
    hover = chart.hover_items[0]
    spot = hover.points()[0]
    with qtbot.waitSignal(view.release_requested) as blocker:
        hover.sigClicked.emit(hover, [spot], None)
    assert blocker.args == [spot.data()["id"]]
    view.measure_box.setCurrentIndex(view.measure_box.findData("mof"))
    mof = chart.timeline()
    assert all(0 <= p["score"] <= 100 for points in mof.values() for p in points)
    assert "meta-llama/llama-2-70b" in {p["id"] for p in mof.get("Llama", [])}


def test_copy_as_markdown_cites_sources_and_snapshot(view, cache):
    view.copy_markdown()
    text = QGuiApplication.clipboard().text()
    assert text.startswith("# Comparison")
    assert "## Sources" in text
    assert f"Data snapshot: {cache.get_meta('snapshot_built')}" in text


def _svg_ok(path):
    text = path.read_text(encoding="utf-8")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg") and "<svg" in text
    assert QSvgRenderer(str(path)).isValid()
    return text


def test_export_every_format(view, tmp_path, cache):
    snapshot = cache.get_meta("snapshot_built")
    png = view.export_to(tmp_path / "c.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1200 and image.height() >= 600
    svg = _svg_ok(view.export_to(tmp_path / "c.svg"))
    assert snapshot in svg
    pdf = view.export_to(tmp_path / "c.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 1024
    rows = list(csv.reader(io.StringIO((view.export_to(tmp_path / "c.csv"))
                                       .read_text(encoding="utf-8"))))
    assert len(rows) == 3 + 1 and rows[0][0] == "id"
    assert [r[0] for r in rows[1:]] == IN_ORDER
    document = json.loads(view.export_to(tmp_path / "c.json").read_text(encoding="utf-8"))
    assert [v["id"] for v in document["releases"]] == IN_ORDER
    assert document["snapshot_date"] == snapshot and document["sources"]
    markdown = view.export_to(tmp_path / "c.md").read_text(encoding="utf-8")
    assert "## Sources" in markdown and f"Data snapshot: {snapshot}" in markdown


@pytest.mark.parametrize("what", ["report", "charts", "timeline"])
@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_export_reports_charts_and_timeline(view, tmp_path, what, suffix):
    path = view.export_to(tmp_path / f"{what}{suffix}", what)
    if suffix == ".png":
        assert not QImage(str(path)).isNull()
    elif suffix == ".svg":
        _svg_ok(path)
    else:
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 1024


def test_view_without_a_cache_shows_a_given_comparison(qtbot, cache, settings):
    widget = CompareView(settings=settings)
    qtbot.addWidget(widget)
    comparison = compare(cache, ["allenai/olmo-7b-instruct", "meta-llama/llama-3.1-8b",
                                 "allenai/olmo-7b"])
    widget.set_comparison(comparison)
    assert widget.ids() == [v.id for v in comparison["releases"]]
    assert list(widget.timeline_chart.timeline()) == ["OLMo"]
    widget.matrix.selectColumn(1)
    widget.remove_selected()
    assert len(widget.ids()) == 2 and widget.matrix.columnCount() == 3


def test_charts_follow_the_theme(view, qapp):
    try:
        theme.apply_theme(qapp, "dark")
        qapp.processEvents()  # the palette change arrives as a posted event
        assert view.scores_chart.backgroundBrush().color().name() == theme.DARK_CHART.background
        assert view.timeline_chart.backgroundBrush().color().name() == \
            theme.DARK_CHART.background
        theme.apply_theme(qapp, "light")
        qapp.processEvents()
        assert view.scores_chart.backgroundBrush().color().name() == \
            theme.LIGHT_CHART.background
    finally:
        theme.apply_theme(qapp, "system")
        qapp.processEvents()


def test_wrap_name_breaks_long_release_names():
    assert wrap_name("OLMo-2-1124-13B-Instruct") == "OLMo-2-1124-\n13B-Instruct"
    assert wrap_name("Llama-2-7B") == "Llama-2-7B"


@pytest.mark.parametrize(("typed", "label", "expected", "what"), [
    ("/x/report", "Whole comparison, one-page report, PDF", "/x/report.pdf", "report"),
    ("/x/report.svg", "Whole comparison, one-page report, PDF", "/x/report.svg", "report"),
    ("/x/data.csv", "Comparison data, JSON", "/x/data.csv", "data"),
    ("/x/data.txt", "Comparison data, CSV", "/x/data.txt.csv", "data"),
    ("/x/t.png", "Family timeline, SVG image", "/x/t.png", "timeline"),
])
def test_export_dialog_resolves_the_target(typed, label, expected, what):
    fmt = next(f for f in FORMATS if f.label == label)
    path, kind = resolve_target(typed, fmt.filter)
    assert (str(path), kind) == (expected, what)
