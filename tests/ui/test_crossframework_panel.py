"""The cross-framework panel: the six frameworks side by side, the disagreements, the flags."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from tests.view_parts import typed_view  # noqa: E402
from openexplorer.analyses import crossframework
from openexplorer.analyses import openwashing  # noqa: E402
from openexplorer.hub.evidence import record_from_hub  # noqa: E402
from openexplorer.core.records import ImportResult  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from tests.test_crossframework import snapshot_cache  # noqa: E402
from openexplorer.ui.crossframework_panel import (  # noqa: E402
    COLUMNS,
    STATUS_ROLE,
    CrossFrameworkPanel,
)
from openexplorer.views.release import release_view  # noqa: E402
from openexplorer.store.ingest import ingest  # noqa: E402

LLAMA_BODY = "meta-llama__Llama-3.1-8B-Instruct__20250321__0daf2c.json"
LLAMA_CARD = "NousResearch_Meta-Llama-3.1-8B-Instruct.md"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("cf-panel") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def panel(qtbot):
    widget = CrossFrameworkPanel()
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _col(key: str) -> int:
    return [k for k, _h in COLUMNS].index(key)


def test_placeholder_until_a_release_is_shown(panel):
    assert panel.placeholder.isVisible() and not panel.scroll_area.isVisible()
    assert panel.markdown() == "" and panel.chart_widgets() == []


def test_olmo_side_by_side(panel, cache):
    view = release_view(cache, "allenai/olmo-7b")
    panel.show_view(view)
    QApplication.processEvents()
    expected = crossframework.compare_frameworks(view)
    assert panel.table.rowCount() == len(crossframework.FRAMEWORKS)
    for row, fw in enumerate(expected.rows):
        assert panel.table.item(row, _col("name")).text() == fw.name
        assert panel.table.item(row, _col("verdict")).text().startswith(fw.verdict)
        assert panel.table.item(row, _col("verdict")).data(STATUS_ROLE) == fw.status
        assert panel.table.item(row, _col("date")).text() == (fw.date or "–")
    assert panel.table.item(0, _col("verdict")).text() == "Class I"
    assert panel.disagreements.texts() == expected.disagreements
    assert any("Supporting libraries and tools" in t for t in panel.disagreements.texts())
    assert panel.title.text() == "OLMo-7B across frameworks"
    assert panel.gap_chip.text() == "no claim found"
    assert panel.markdown().startswith("# OLMo-7B across frameworks")


def test_gated_llama_with_its_card(panel, cache, shared_data):
    body = json.loads((shared_data / "hub-samples" / "api" / "model_info" / LLAMA_BODY)
                      .read_text(encoding="utf-8"))
    report = ingest(cache, ImportResult(records=[record_from_hub(body,
                                                                fetched_at="2025-03-21T10:00Z")]))
    [release_id] = report.touched
    card = (shared_data / "hub-samples" / "cards" / "llama" / LLAMA_CARD).read_text("utf-8")
    view = release_view(cache, release_id)
    panel.show_view(view, card)
    QApplication.processEvents()
    washing = openwashing.check(view, card)
    assert panel.flags.texts() == washing.flags
    assert any("gated on the Hub" in t for t in panel.flags.texts())
    assert panel.gap_chip.text() == f"gap {washing.gap:.2f}"
    assert '"open source" (model card, in passing)' in panel.claims_label.text()
    index_row = [k for k in crossframework.FRAMEWORKS].index("osai")
    assert panel.table.item(index_row, _col("verdict")).text().endswith("· provisional")
    # Without the card only names and listings speak: no claim, no flag.
    panel.show_view(view)
    assert panel.flags.texts() == openwashing.check(view).flags


def test_source_text_is_shown_as_text(panel):
    view = typed_view({"id": "x/y", "name": "<b>Bold</b> & <i>x</i>", "fmti": {
        "developer": "<script>", "edition": "2025-12", "total": 10, "source": {}}})
    panel.show_view(view)
    assert panel.title.textFormat() == Qt.TextFormat.PlainText
    assert panel.title.text() == "<b>Bold</b> & <i>x</i> across frameworks"
    [line] = panel.disagreements.labels
    assert "&lt;script&gt;" in line.text() and "<script>" not in line.text()


@pytest.mark.parametrize("name", ["light", "dark"])
def test_nothing_clipped_at_1280_by_800(panel, cache, qapp, name):
    theme.apply_theme(qapp, name)
    try:
        panel.show_view(release_view(cache, "ibm-granite/granite-4.0-h-small"))
        QApplication.processEvents()
        table = panel.table
        rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
        assert table.height() >= rows + table.horizontalHeader().height()
        assert not table.horizontalScrollBar().isVisible()
        assert panel.content.width() <= panel.scroll_area.viewport().width()
        for r in range(table.rowCount()):  # every row tall enough for its wrapped detail
            text = table.item(r, _col("label")).text()
            width = table.columnWidth(_col("label")) - 8
            needed = table.fontMetrics().boundingRect(
                0, 0, width, 10_000, Qt.TextFlag.TextWordWrap, text).height()
            assert table.rowHeight(r) >= needed
        image = panel.grab()
        assert image.width() == 1280 and image.height() == 800
    finally:
        theme.apply_theme(qapp, "system")


def test_clear(panel, cache):
    panel.show_view(release_view(cache, "allenai/olmo-7b"))
    panel.clear()
    assert panel.result() is None and panel.table.rowCount() == 0
    assert panel.placeholder.isVisible()


def test_chart_widget_exports(panel, cache, tmp_path):
    from openexplorer.ui.charts import export_widget

    panel.show_view(release_view(cache, "allenai/olmo-7b"))
    [(title, widget)] = panel.chart_widgets()
    assert "OLMo-7B" in title
    out = export_widget(widget, tmp_path / "cf.png")
    assert Path(out).stat().st_size > 1000
