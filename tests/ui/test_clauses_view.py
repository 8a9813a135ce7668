"""The licence clause matrix view: rows and counts, cells and tooltips, the review filter."""

from __future__ import annotations

from collections import Counter

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QColor  # noqa: E402

from openexplorer.analyses import clauses  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.clauses_view import (  # noqa: E402
    COLUMNS,
    LICENSE_ROLE,
    VALUE_ROLE,
    ClausesView,
    cell_status,
)
from openexplorer.ui.theme import STATUS_COLORS  # noqa: E402

LLAMA_31 = "LicenseRef-scancode-llama-3.1-license-2024"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("clauses-ui") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, cache):
    widget = ClausesView(cache)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=10_000)  # built on a pool thread
    return widget


def test_one_row_per_licence_with_its_release_count(view, cache):
    counts = Counter(r[0] for r in cache.conn.execute("SELECT license_id FROM release_summary"))
    table = view.table
    assert table.rowCount() == len(counts)
    assert table.columnCount() == len(COLUMNS)
    shown = {}
    for r in range(table.rowCount()):
        license_id = table.item(r, 0).data(LICENSE_ROLE) or None
        shown[license_id] = table.item(r, 1).data(0)
    assert shown == dict(counts)
    assert "801 releases" in view.count.text() or str(sum(counts.values())) in view.count.text()


def test_llama_cells_and_tooltips(view):
    item = view.cell_item(LLAMA_31, "thresholds")
    assert item.text() == "yes: 700M users"
    assert item.data(VALUE_ROLE) == "yes"
    tip = item.toolTip()
    assert "700 million" in tip and "§2 Additional Commercial Terms" in tip
    assert "https://github.com/meta-llama/llama-models/blob/main/models/llama3_1/LICENSE" in tip
    policy = view.cell_item(LLAMA_31, "acceptable_use")
    assert policy.text() == "yes" and "USE_POLICY.md" in policy.toolTip()
    assert view.cell_item(LLAMA_31, "commercial_use").text() == "restricted"
    assert view.cell_item(LLAMA_31, "review").text() == "needs review"


def _hue_matches(item_color: QColor, status: str) -> bool:
    """The tint is the status colour blended into the background: same dominant channel."""
    target = QColor(STATUS_COLORS[status])
    channels = lambda c: (c.red(), c.green(), c.blue())  # noqa: E731
    t, i = channels(target), channels(item_color)
    return max(range(3), key=lambda k: t[k]) == max(range(3), key=lambda k: i[k])


def test_cells_are_coloured_by_status(view):
    assert cell_status("commercial_use", "allowed") == "open"
    assert cell_status("commercial_use", "not allowed") == "closed"
    assert cell_status("thresholds", "yes") == "partial"
    assert cell_status("thresholds", "unknown") == "unknown"
    allowed = view.cell_item("Apache-2.0", "commercial_use").background().color()
    assert _hue_matches(allowed, "open")
    forbidden = view.cell_item("CC-BY-NC-4.0", "commercial_use").background().color()
    assert _hue_matches(forbidden, "closed")
    assert allowed != forbidden


def test_usable_filter_and_review_bucket(view, qtbot):
    with qtbot.waitSignal(view.filter_changed) as changed:
        view.set_filter(clauses.USABLE)
    assert changed.args == [clauses.USABLE]
    ids = view.license_ids_in_filter()
    assert "Apache-2.0" in ids and "MIT" in ids
    assert "CC-BY-NC-4.0" not in ids and LLAMA_31 not in ids
    assert all(lc.usable for lc in view.shown())
    assert view.table.rowCount() == len(ids)
    view.set_filter(clauses.REVIEW)
    ids = view.license_ids_in_filter()
    assert "CC-BY-NC-4.0" in ids and LLAMA_31 in ids and None in ids
    assert "Tencent Hunyuan Community License Agreement" in ids  # unrecognised
    assert "Apache-2.0" not in ids
    view.set_filter("all")
    assert view.table.rowCount() == len(view.matrix())
    assert "licences" in view.bucket.itemText(1) and "releases" in view.bucket.itemText(1)
    with pytest.raises(ValueError):
        view.set_filter("nonsense")


def test_text_filter(view):
    view.search.setText("llama 3")
    names = [lc.name for lc in view.shown()]
    assert names and all("llama 3" in n.lower() for n in names)
    view.search.clear()
    assert len(view.shown()) == len(view.matrix())


def test_selecting_a_row_shows_its_clauses_with_links(view):
    view.table.selectRow(view.row_of(LLAMA_31))
    html = view.details.toHtml()
    assert "Llama 3.1 Community License Agreement" in html
    assert "USE_POLICY.md" in html
    assert "Needs legal review" in html


def test_charts_and_markdown(view, tmp_path):
    charts = dict(view.chart_widgets())
    assert set(charts) == {"Releases by licence review bucket", "Licence clause matrix"}
    rows = charts["Releases by licence review bucket"].rows()
    counts = clauses.bucket_counts(view.matrix())
    assert rows[0][1] == counts[clauses.USABLE][1] and rows[1][1] == counts[clauses.REVIEW][1]
    from openexplorer.ui.charts import export_widget

    png = export_widget(charts["Releases by licence review bucket"], tmp_path / "chart.png")
    assert png.read_bytes()[:4] == b"\x89PNG"
    view.set_filter(clauses.USABLE)
    text = view.markdown()
    assert text.startswith("# Licence clause matrix")
    assert "| Apache License 2.0 | 151 |" in text or "Apache License 2.0" in text
    assert "Llama 3.1" not in text.split("## Sources")[0]


def test_refresh_after_the_cache_changes(view, qtbot):
    before = view.matrix()
    with qtbot.waitSignal(view.matrix_changed, timeout=10_000):
        view.refresh()
        assert view.is_busy() and view.matrix() == before  # kept until the new one is read
    assert view.matrix() == before and not view.is_busy()


def test_the_background_matrix_is_the_one_read_at_once(view, qtbot, cache):
    at_once = ClausesView(cache, background=False)
    qtbot.addWidget(at_once)
    assert not at_once.is_busy()
    assert at_once.matrix() == view.matrix() and len(view.matrix()) > 50
    assert at_once.shown() == view.shown()


def test_where_the_pool_thread_cannot_read_the_view_builds_the_matrix_itself(
        qtbot, cache, view, monkeypatch):
    from openexplorer.ui import cache_job

    def refused(cls, *_args, **_kwargs):
        raise OSError("a read-only folder without the WAL index")

    monkeypatch.setattr(cache_job.Cache, "open", classmethod(refused))
    widget = ClausesView(cache, background=True)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=10_000)
    assert [c.license_id for c in widget.matrix()] == [c.license_id for c in view.matrix()]
    assert "could not" not in widget.count.text()
