"""The search panel: search as you type, facets with counts, the results table, comparison."""

from __future__ import annotations

import threading

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt  # noqa: E402

from openexplorer.search import counts, summary  # noqa: E402
from openexplorer.db.cache import Cache  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.search.summary import FACETS, Filters  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.results_model import COLUMN_KEYS, ROW_ROLE, ResultsModel  # noqa: E402
from openexplorer.ui.search_panel import FACET_LIMIT, SearchPanel, merge_filter  # noqa: E402

TIMEOUT = 3000


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("search") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def panel(qtbot, cache):
    widget = SearchPanel(cache)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    settle(qtbot, widget)
    return widget


def settle(qtbot, panel: SearchPanel) -> None:
    """Wait until the facets show the current search."""
    qtbot.waitUntil(lambda: panel.wait_for_facets(100) and facets_current(panel),
                    timeout=TIMEOUT)


def facets_current(panel: SearchPanel) -> bool:
    return panel.is_idle()


def rows(panel: SearchPanel) -> list[dict]:
    model = panel.model
    return [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())]


def shown_counts(panel: SearchPanel, name: str) -> dict:
    return {value: n for value, _label, n, _checked in panel.facet_entries(name) if n}


def expected_counts(cache, panel: SearchPanel) -> dict:
    counts = summary.facet_counts(cache, panel.query(), panel.filters(), limit=FACET_LIMIT)
    return {name: dict(values) for name, values in counts.items()}


def click_header(qtbot, panel: SearchPanel, key: str) -> None:
    header = panel.table.horizontalHeader()
    section = COLUMN_KEYS.index(key)
    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(x, header.height() // 2))


def test_opens_on_every_release_with_the_first_one_current(panel, cache):
    assert panel.model.rowCount() == ResultsModel.PAGE_SIZE
    assert panel.current_id() == panel.model.release_id(0)
    total = summary.count(cache)
    assert panel.known_total() == total
    assert panel.status.text() == f"{total:,} releases"


def test_typing_llama_searches_after_the_pause(panel, qtbot):
    searches = []
    panel.model.searched.connect(lambda: searches.append(panel.model.query()))
    qtbot.keyClicks(panel.search_box, "llama")
    assert searches == []  # not on each keystroke
    qtbot.waitUntil(lambda: panel.model.query() == "llama",
                    timeout=SearchPanel.SEARCH_DELAY_MS + 1000)
    assert searches == ["llama"]  # once, after the pause
    found = rows(panel)
    assert len(found) > 10
    for row in found:
        text = f"{row['name']} {row['family']} {row['release_id']}".lower()
        assert "llama" in text, row
    settle(qtbot, panel)
    assert f"{len(found)} releases match “llama”" in panel.status.text()


def test_facet_counts_shown_equal_summary_facet_counts(panel, cache, qtbot):
    expected = expected_counts(cache, panel)
    for name in FACETS:
        assert shown_counts(panel, name) == expected[name], name
    qtbot.keyClicks(panel.search_box, "llama")
    qtbot.waitUntil(lambda: panel.model.query() == "llama", timeout=TIMEOUT)
    settle(qtbot, panel)
    expected = expected_counts(cache, panel)
    for name in FACETS:
        assert shown_counts(panel, name) == expected[name], name
    labels = {value: label for value, label, _n, _c in panel.facet_entries("org_kind")}
    assert labels["big-tech"] == "Big Tech" and labels["academic"] == "Academic & non-profit"


def test_facets_are_counted_off_the_gui_thread(panel, qtbot, monkeypatch):
    threads = []
    original = counts.facet_counts

    def spy(*args, **kwargs):
        threads.append(threading.current_thread())
        return original(*args, **kwargs)

    monkeypatch.setattr(counts, "facet_counts", spy)
    panel.set_query("olmo")
    settle(qtbot, panel)
    assert threads and threading.main_thread() not in threads


def test_checking_mof_class_i_filters_and_recounts_the_other_facets(panel, cache, qtbot):
    check = panel.facets["mof_class"].check_for("I")
    assert check is not None and check.isEnabled()
    with qtbot.waitSignal(panel.filters_changed) as blocker:
        qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    assert blocker.args == [Filters(mof_class=("I",))]
    found = rows(panel)
    assert found and {row["mof_class"] for row in found} == {"I"}
    assert len(found) == summary.count(cache, "", Filters(mof_class=("I",)))
    settle(qtbot, panel)
    expected = expected_counts(cache, panel)
    for name in FACETS:
        assert shown_counts(panel, name) == expected[name], name
    # The licence counts now count Class I releases only; MOF class keeps its own counts.
    assert sum(shown_counts(panel, "license_category").values()) == len(found)
    assert shown_counts(panel, "mof_class") == dict(summary.facet_counts(cache)["mof_class"])
    # Values without Class I releases stay listed, greyed.
    greyed = [e for e in panel.facet_entries("license_category") if e[2] == 0]
    assert greyed
    widget = panel.facets["license_category"].check_for(greyed[0][0])
    assert widget is None or not widget.isEnabled()
    assert panel.facets["mof_class"].clear_button.isVisibleTo(panel)
    assert panel.clear_all_button.isEnabled()


def test_clear_one_facet_and_clear_all(panel, qtbot):
    panel.set_filters(Filters(mof_class=("I",), year=(2024,)))
    assert panel.filters_button.text() == "Filters (2)"
    qtbot.mouseClick(panel.facets["mof_class"].clear_button, Qt.MouseButton.LeftButton)
    assert panel.filters() == Filters(year=(2024,))
    qtbot.mouseClick(panel.clear_all_button, Qt.MouseButton.LeftButton)
    assert panel.filters() == Filters()
    assert panel.model.rowCount() == ResultsModel.PAGE_SIZE
    assert not panel.clear_all_button.isEnabled()


def test_apply_filter_year_from_the_overview(panel, cache, qtbot):
    with qtbot.waitSignal(panel.filters_changed):
        panel.apply_filter({"year": 2024})
    found = rows(panel)
    assert found and all(row["release_date"].startswith("2024") for row in found)
    assert len(found) == summary.count(cache, "", Filters(year=(2024,)))
    settle(qtbot, panel)
    entries = {v: checked for v, _l, _n, checked in panel.facet_entries("year")}
    assert entries[2024] is True
    panel.apply_filter({"org_kind": "big-tech"})  # merged with the year
    assert panel.filters() == Filters(year=(2024,), org_kind=("big-tech",))
    assert {row["org_kind"] for row in rows(panel)} == {"big-tech"}


def test_apply_filter_score_bin_matches_the_histogram_bar(cache):
    merged = merge_filter(Filters(), {"osai_score_min": 0.5, "osai_score_max": 0.6})
    assert merged.osai_min == 0.5 and merged.osai_max < 0.6
    assert merge_filter(Filters(), {"osai_score_max": 1.0}).osai_max == 1.0
    assert merge_filter(Filters(), {"mof_class": None}).mof_class == (summary.NONE,)
    assert merge_filter(Filters(year=(2023,)), {"year": [2024, 2025]}).year == (2024, 2025)


def test_index_score_range_filters_and_shows_in_the_spin_boxes(panel, qtbot):
    panel.apply_filter({"osai_score_min": 0.5, "osai_score_max": 0.6})
    scores = [row["osai_score"] for row in rows(panel)]
    assert scores and all(0.5 <= s < 0.6 for s in scores)
    facet = panel.facets["osai"]
    assert facet.low_spin.text() == "0.50" and facet.high_spin.text() == "0.60"
    facet.high_spin.setValue(1.05)  # past the end: "Any"
    assert facet.high_spin.text() == "Any"
    assert panel.filters().osai_max is None and panel.filters().osai_min == 0.5
    facet.low_spin.setValue(0.8)
    assert all(row["osai_score"] >= 0.8 for row in rows(panel))


def test_parameter_range_speaks_billions(panel, qtbot):
    facet = panel.facets["params"]
    facet.high_spin.setValue(10.0)
    assert panel.filters().params_max == 10e9
    sizes = [row["parameters"] for row in rows(panel)]
    assert sizes and all(s <= 10e9 for s in sizes)


def test_osi_approved_yes_no(panel, cache, qtbot):
    expected = summary.count(cache, "", Filters(osi_approved=True))
    counts = {v: n for v, _l, n, _c in panel.facet_entries("osi_approved")}
    assert counts[True] == expected
    qtbot.mouseClick(panel.facets["osi_approved"].check_for(True), Qt.MouseButton.LeftButton)
    assert panel.filters().osi_approved is True
    panel.model.fetch_all()
    assert panel.model.rowCount() == expected


def test_clicking_the_index_header_sorts_best_first(panel, qtbot):
    click_header(qtbot, panel, "osai")
    assert panel.model.sort_key() == "osai_score"
    scores = [row["osai_score"] for row in rows(panel)]
    known = [s for s in scores if s is not None]
    assert known and known == sorted(known, reverse=True)
    assert scores[: len(known)] == known
    qtbot.waitUntil(lambda: "sorted by index, descending" in panel.status.text(), timeout=TIMEOUT)
    # Family has no SQL sort: clicking it leaves the order alone.
    before = [row["release_id"] for row in rows(panel)]
    click_header(qtbot, panel, "family")
    assert panel.model.sort_key() == "osai_score"
    assert [row["release_id"] for row in rows(panel)] == before
    assert panel.table.horizontalHeader().sortIndicatorSection() == COLUMN_KEYS.index("osai")


def test_scrolling_fetches_the_next_pages(panel, cache, qtbot):
    total = summary.count(cache)
    assert panel.model.rowCount() == ResultsModel.PAGE_SIZE < total
    for _ in range(20):
        panel.table.scrollToBottom()
        qtbot.wait(10)
        if panel.model.rowCount() == total:
            break
    assert panel.model.rowCount() == total


def test_multi_select_and_add_to_comparison(panel, qtbot):
    view = panel.table
    model = panel.model
    for row in (1, 3, 4):
        rect = view.visualRect(model.index(row, 0))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.ControlModifier, rect.center())
    # Row 0 was current and selected at the start; Ctrl+clicks add to it.
    expected = [model.release_id(r) for r in (0, 1, 3, 4)]
    assert panel.selected_ids() == expected
    assert panel.compare_button.isEnabled() and "4" in panel.compare_button.text()
    with qtbot.waitSignal(panel.compare_requested) as blocker:
        qtbot.mouseClick(panel.compare_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [expected]


def test_context_menu_action_compares_the_selection(panel, qtbot):
    selection = panel.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    selection.select(panel.model.index(2, 0), flags)
    with qtbot.waitSignal(panel.compare_requested) as blocker:
        panel.compare_action.trigger()
    assert blocker.args == [[panel.model.release_id(0), panel.model.release_id(2)]]


def _load_all(panel: SearchPanel, qtbot) -> int:
    panel.model.fetch_all()
    qtbot.wait(20)
    return panel.model.rowCount()


def test_select_all_over_every_row_is_counted_from_the_selection_ranges(qtbot, cache,
                                                                       monkeypatch):
    calls = [0]
    row_count = ResultsModel.rowCount

    def counting(self, *args):
        calls[0] += 1
        return row_count(self, *args)

    monkeypatch.setattr(ResultsModel, "rowCount", counting)  # before the model is made
    widget = SearchPanel(cache)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    total = _load_all(widget, qtbot)
    assert total > 4 * ResultsModel.PAGE_SIZE
    calls[0] = 0
    widget.table.selectAll()
    qtbot.wait(50)  # the selection's repaint: the header no longer asks row by row
    assert calls[0] < total  # was about twice the rows per column
    assert widget.selected_spans() == [(0, total - 1)]
    assert widget.selected_count() == total
    assert widget.compare_button.text() == f"Add {total} to comparison"


def test_selected_spans_merge_and_order_the_selection(panel, qtbot):
    _load_all(panel, qtbot)
    selection = panel.table.selectionModel()
    flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
    for row in (9, 7, 8, 3):  # row 0 is selected from the start
        selection.select(panel.model.index(row, 0), flags)
    assert panel.selected_spans() == [(0, 0), (3, 3), (7, 9)]
    assert panel.selected_count() == 5


def test_a_large_selection_is_read_in_bulk_for_copying_and_comparing(panel, cache, qtbot,
                                                                     monkeypatch):
    from PySide6.QtGui import QGuiApplication

    from openexplorer.analyses.compare import MAX_RELEASES

    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 2)
    total = _load_all(panel, qtbot)
    assert len(panel.model.pages_in_memory()) <= 2  # most rows let go: read again in bulk
    expected = summary.search(cache, "", summary.Filters(), limit=total)
    panel.table.selectAll()
    messages = []
    panel.message.connect(messages.append)
    panel.copy_id_action.trigger()
    assert QGuiApplication.clipboard().text().split("\n") == [r["release_id"] for r in expected]
    assert messages == [f"Copied {total:,} lines"]
    panel.copy_name_action.trigger()
    assert QGuiApplication.clipboard().text().split("\n") == [
        r["name"] or r["release_id"] for r in expected]
    with qtbot.waitSignal(panel.compare_requested) as blocker:
        panel.compare_button.click()
    assert blocker.args == [[r["release_id"] for r in expected[:2 * MAX_RELEASES + 1]]]


def test_enter_and_double_click_open_a_release(panel, qtbot):
    panel.table.setFocus()
    with qtbot.waitSignal(panel.current_release_changed) as moved:
        qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert moved.args == [panel.model.release_id(1)]
    opened_ids = []
    panel.release_activated.connect(opened_ids.append)
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert opened_ids == [panel.model.release_id(1)]  # once
    rect = panel.table.visualRect(panel.model.index(3, 0))
    with qtbot.waitSignal(panel.release_activated) as opened:
        # A real double-click: press, release, then the double-click event.
        qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [panel.model.release_id(3)]


def test_search_box_keys(panel, qtbot):
    panel.focus_search()
    qtbot.keyClicks(panel.search_box, "olmo")
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Down)  # searches now, goes to the results
    assert panel.model.query() == "olmo"
    assert panel.table.hasFocus() or panel.table.currentIndex().isValid()
    panel.focus_search()
    qtbot.keyClick(panel.search_box, Qt.Key.Key_Escape)
    assert panel.search_box.text() == ""


def test_current_release_kept_across_filters_and_reload(panel, qtbot):
    panel.set_query("olmo")
    row = next(r for r in range(panel.model.rowCount())
               if panel.model.release_id(r) == "allenai/olmo-7b")
    panel.table.selectRow(row)
    assert panel.current_id() == "allenai/olmo-7b"
    panel.apply_filter({"mof_class": "I"})
    assert panel.current_id() == "allenai/olmo-7b"
    panel.reload()
    assert panel.current_id() == "allenai/olmo-7b"


def test_fts_syntax_does_not_break_the_panel(panel, qtbot):
    panel.set_query('llama-3 "unclosed AND (')
    assert panel.model.rowCount() >= 0
    settle(qtbot, panel)


def test_a_cache_in_memory_counts_on_the_gui_thread(qtbot, cache):
    memory = Cache.memory()
    try:
        widget = SearchPanel(memory)
        qtbot.addWidget(widget)
        assert widget.model.rowCount() == 0
        assert not widget.is_counting() and widget.known_total() == 0
        assert "0 releases" in widget.status.text()
    finally:
        memory.close()


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_panel_renders_in_both_themes(qtbot, qapp, cache, mode, tmp_path):
    theme.apply_theme(qapp, mode)
    try:
        widget = SearchPanel(cache)
        qtbot.addWidget(widget)
        widget.resize(1280, 800)
        widget.show()
        qtbot.waitExposed(widget)
        settle(qtbot, widget)
        image = widget.grab().toImage()
        assert image.width() >= 1280 and not image.isNull()
        assert image.save(str(tmp_path / f"search_{mode}.png"))
        # Nothing in the facet column is wider than the column (no clipped counts).
        column = widget.facet_scroll.widget()
        assert column.minimumSizeHint().width() <= widget.facet_scroll.viewport().width()
    finally:
        theme.apply_theme(qapp, "system")


def test_a_failing_worker_falls_back_to_counting_here(panel, cache, qtbot, monkeypatch):
    def broken(*_args, **_kwargs):
        raise OSError("no WAL index in a read-only folder")

    monkeypatch.setattr(Cache, "open", broken)
    panel.set_query("olmo")
    settle(qtbot, panel)
    assert panel.known_total() == panel.model.rowCount()
    assert shown_counts(panel, "mof_class") == dict(
        summary.facet_counts(cache, "olmo")["mof_class"])


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_results_scroll_bar_keeps_its_groove_and_looks_the_same(qtbot, qapp, mode):
    """The groove is drawn once and kept (a gradient Qt fills on its thread pool at every
    frame otherwise); the bar must still look like a plain one, handle and arrows included."""
    from PySide6.QtCore import QStringListModel
    from PySide6.QtWidgets import QTableView

    from openexplorer.ui.results_view import ResultsView

    theme.apply_theme(qapp, mode)
    try:
        images = []
        model = QStringListModel([str(i) for i in range(2000)])
        for view in (QTableView(), ResultsView()):
            qtbot.addWidget(view)
            view.setModel(model)
            view.resize(300, 600)
            view.show()
            qtbot.waitExposed(view)
            view.verticalScrollBar().setValue(700)
            images.append(view.verticalScrollBar().grab().toImage())
        assert view.groove_kept()  # painted through the kept groove
        plain, kept_image = images
        worst = max(abs(((plain.pixel(x, y) >> shift) & 255)
                        - ((kept_image.pixel(x, y) >> shift) & 255))
                    for x in range(plain.width()) for y in range(20, plain.height() - 20)
                    for shift in (0, 8, 16))
        assert worst <= 2  # rounding of the border blended into the kept pixmap
    finally:
        theme.apply_theme(qapp, "system")


def test_the_garbage_collector_waits_while_the_results_scroll(panel, qtbot, monkeypatch):
    import gc
    import weakref

    from openexplorer.ui import collector

    class Node:
        pass

    assert collector.installed() and not gc.isenabled()  # the GUI thread collects (conftest)
    bar = panel.table.verticalScrollBar()
    bar.setValue(bar.value() + bar.pageStep())
    assert collector.is_held()  # no collection in the middle of a scroll frame
    gc.collect()
    cycle = Node()
    cycle.self = cycle  # freed only by a collection
    freed = weakref.ref(cycle)
    del cycle
    monkeypatch.setattr(gc, "get_threshold", lambda: (0, 0, 0))  # every tick would collect
    for _ in range(4):  # scrolling on for a few of the collector's ticks (100 ms apart)
        bar.setValue(bar.value() + 1)
        qtbot.wait(60)
    assert collector.is_held() and freed() is not None  # held: nothing collected
    qtbot.waitUntil(lambda: not collector.is_held(), timeout=2000)  # still again
    qtbot.waitUntil(lambda: freed() is None, timeout=2000)  # collected by the GUI thread's timer


def test_every_row_of_the_facet_table_is_in_the_facet_column(panel, qtbot):
    from openexplorer.search.facets import FACET_TABLE
    from openexplorer.ui.facet_widgets import ListFacet, RangeFacet

    assert list(panel.facets) == [row.key for row in FACET_TABLE]
    for row in FACET_TABLE:
        group = panel.facets[row.key]
        assert isinstance(group, RangeFacet if row.kind == "range" else ListFacet), row.key
        assert group.name == row.key
    settle(qtbot, panel)
    for row in FACET_TABLE:
        if row.kind == "range":
            assert panel.facets[row.key].hint.text().endswith(row.known_noun), row.key
        else:
            assert panel.facet_entries(row.key), row.key
