"""The results table model: paging, SQL sorting, roles, and the inline openness bars."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QModelIndex, Qt  # noqa: E402
from PySide6.QtGui import QColor  # noqa: E402
from PySide6.QtWidgets import QTableView  # noqa: E402

from openexplorer.search import planner, summary  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.search.summary import Filters  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.results_delegate import OpennessBarDelegate  # noqa: E402
from openexplorer.ui.results_model import (  # noqa: E402
    BAR_ROLE,
    COLUMN_KEYS,
    COLUMNS,
    ROW_ROLE,
    ResultsModel,
    format_parameters,
    score_status,
)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("results") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def model(cache):
    results = ResultsModel(cache)
    results.set_search("", Filters())
    return results


def column(key: str) -> int:
    return COLUMN_KEYS.index(key)


def ids(model: ResultsModel) -> list[str]:
    return [model.release_id(row) for row in range(model.rowCount())]


def test_model_passes_qtmodeltester(qtmodeltester, model):
    assert model.canFetchMore(QModelIndex())
    qtmodeltester.check(model)


def test_model_passes_qtmodeltester_on_a_query_and_a_sort(qtmodeltester, model):
    model.set_search("llama", Filters())
    model.sort(column("osai"), Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)


def test_fetch_more_loads_page_by_page_up_to_the_total(model, cache):
    total = summary.count(cache, "", Filters())
    assert total > 2 * ResultsModel.PAGE_SIZE  # the bundled snapshot has ~800 releases
    assert model.rowCount() == ResultsModel.PAGE_SIZE
    assert model.total() == total
    sizes = [model.rowCount()]
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        sizes.append(model.rowCount())
    assert sizes[-1] == total
    assert all(b - a == ResultsModel.PAGE_SIZE for a, b in zip(sizes, sizes[1:-1], strict=False))
    assert len(set(ids(model))) == total  # no page read twice
    expected = [row["release_id"] for row in summary.search(cache, "", Filters(), limit=total)]
    assert ids(model) == expected


def test_fetch_more_inserts_rows_with_signals(model, qtbot):
    with qtbot.waitSignal(model.rowsInserted) as blocker:
        model.fetchMore(QModelIndex())
    _parent, first, last = blocker.args
    assert (first, last) == (ResultsModel.PAGE_SIZE, 2 * ResultsModel.PAGE_SIZE - 1)


def test_a_small_result_needs_no_more_pages(model, cache):
    model.set_search("olmo", Filters())
    assert 0 < model.rowCount() < ResultsModel.PAGE_SIZE
    assert not model.canFetchMore(QModelIndex())
    assert model.total() == summary.count(cache, "olmo", Filters())


def test_new_query_resets_and_emits(model, qtbot):
    with qtbot.waitSignals([model.modelAboutToBeReset, model.modelReset, model.searched]):
        model.set_search("llama", Filters())
    names = [model.index(r, column("name")).data() for r in range(model.rowCount())]
    assert names and all(isinstance(n, str) and n for n in names)


def test_sort_by_index_descending_is_done_in_sql(model, cache):
    model.sort(column("osai"), Qt.SortOrder.DescendingOrder)
    assert model.sort_key() == "osai_score"
    scores = [model.index(r, 0).data(ROW_ROLE)["osai_score"] for r in range(model.rowCount())]
    known = [s for s in scores if s is not None]
    assert known == sorted(known, reverse=True) and known[0] == pytest.approx(max(known))
    assert scores[: len(known)] == known  # releases without a score come last
    expected = summary.search(cache, "", Filters(), sort="osai_score", descending=True,
                              limit=ResultsModel.PAGE_SIZE)
    assert ids(model) == [row["release_id"] for row in expected]


def test_sort_by_name_then_back_to_relevance(model, cache):
    model.sort(column("name"), Qt.SortOrder.AscendingOrder)
    names = [model.index(r, 0).data(ROW_ROLE)["name"] for r in range(model.rowCount())]
    assert names == sorted(names, key=lambda n: n.encode().lower())  # SQLite's NOCASE
    model.sort(-1, Qt.SortOrder.AscendingOrder)
    assert model.sort_key() == "relevance"
    assert ids(model) == [r["release_id"] for r in summary.search(
        cache, "", Filters(), limit=ResultsModel.PAGE_SIZE)]


def test_every_column_maps_to_a_sort_key_or_refuses(model):
    for index, (_key, _title, sort_key, _tip) in enumerate(COLUMNS):
        assert sort_key is None or sort_key in summary.SORTS
        assert model.is_sortable(index) == (sort_key is not None)
    before = ids(model)
    model.sort(column("family"), Qt.SortOrder.AscendingOrder)  # no SQL sort for families
    assert model.sort_column() == -1 and ids(model) == before


def test_first_click_sorts_scores_and_dates_best_first(model):
    role = Qt.ItemDataRole.InitialSortOrderRole
    assert model.headerData(column("osai"), Qt.Orientation.Horizontal, role) == \
        Qt.SortOrder.DescendingOrder
    assert model.headerData(column("name"), Qt.Orientation.Horizontal, role) == \
        Qt.SortOrder.AscendingOrder


def test_roles_give_the_release_id_and_readable_cells(model, cache):
    model.set_search("olmo", Filters())
    row = ids(model).index("allenai/olmo-7b")
    assert model.index(row, column("family")).data(Qt.ItemDataRole.UserRole) == "allenai/olmo-7b"
    assert model.index(row, column("name")).data() == "OLMo-7B"
    assert model.index(row, column("mof")).data() == "Class I"
    assert model.index(row, column("license")).data() == "Apache-2.0"
    assert "Permissive" in model.index(row, column("license")).data(Qt.ItemDataRole.ToolTipRole)
    tip = model.index(row, column("mof")).data(Qt.ItemDataRole.ToolTipRole)
    assert "Class I – Open Science" in tip and "Class III: 100% complete" in tip
    bar = model.index(row, column("mof")).data(BAR_ROLE)
    assert bar[0] == "mof" and bar[1] == "I" and bar[2:5] == (100.0, 100.0, 100.0)
    assert model.index(row, column("origin")).data() == "Curated"
    assert model.index(row, column("name")).data(BAR_ROLE) is None


def test_licence_refs_read_as_their_names(model):
    model.set_search("llama 3.1 8b", Filters())
    model.fetch_all()
    texts = [model.index(r, column("license")).data() for r in range(model.rowCount())]
    assert texts and not any(t.startswith("LicenseRef-") for t in texts)


def test_format_parameters_and_score_colours():
    assert format_parameters(7e9) == "7B"
    assert format_parameters(1.571e12) == "1.6T"
    assert format_parameters(125e6) == "125M"
    assert format_parameters(None) == ""
    assert [score_status(s) for s in (0.9, 0.5, 0.1, None)] == \
        ["open", "partial", "closed", "unknown"]


def _cell_colors(image, rect) -> set[str]:
    colors = set()
    for x in range(rect.left(), rect.right(), 1):
        for y in range(rect.top(), rect.bottom(), 1):
            colors.add(QColor(image.pixel(x, y)).name())
    return colors


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_delegate_paints_bars_in_the_status_colours(qtbot, qapp, cache, mode):
    theme.apply_theme(qapp, mode)
    try:
        model = ResultsModel(cache)
        model.set_search("olmo", Filters())
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        delegate = OpennessBarDelegate(view)
        for key in ("mof", "osai", "osaid"):
            view.setItemDelegateForColumn(column(key), delegate)
            view.setColumnWidth(column(key), 120)
        view.resize(1000, 500)
        view.show()
        qtbot.waitExposed(view)
        image = view.viewport().grab().toImage()
        assert not image.isNull()
        rows = [model.index(r, 0).data(ROW_ROLE) for r in range(model.rowCount())]
        visible = [r for r in range(len(rows)) if view.visualRect(model.index(r, 0)).bottom()
                   < view.viewport().height()]
        green = theme.STATUS_COLORS["open"].lower()
        class_i = next(r for r in visible if rows[r]["mof_class"] == "I")
        assert green in _cell_colors(image, view.visualRect(model.index(class_i, column("mof"))))
        high = next(r for r in visible if (rows[r]["osai_score"] or 0) >= 2 / 3)
        assert green in _cell_colors(image, view.visualRect(model.index(high, column("osai"))))
        low = [r for r in visible if rows[r]["osai_score"] is not None
               and rows[r]["osai_score"] < 1 / 3]
        for r in low[:1]:
            cell = _cell_colors(image, view.visualRect(model.index(r, column("osai"))))
            assert theme.STATUS_COLORS["closed"].lower() in cell
        # Selected rows still paint.
        view.selectRow(class_i)
        assert not view.viewport().grab().toImage().isNull()
    finally:
        theme.apply_theme(qapp, "system")


def test_pages_scrolled_past_are_let_go_and_read_again(cache, monkeypatch):
    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 2)
    model = ResultsModel(cache)
    model.set_search("", Filters())
    model.fetch_all()
    total = summary.count(cache, "", Filters())
    assert model.rowCount() == total and len(model.pages_in_memory()) <= 2
    expected = [row["release_id"] for row in summary.search(cache, "", Filters(), limit=total)]
    assert ids(model) == expected  # the first pages, read again by key
    assert model.index(5, column("name")).data() == model.row_data(5)["name"]
    model.sort(column("osai"), Qt.SortOrder.DescendingOrder)
    model.fetch_all()
    expected = summary.search(cache, "", Filters(), sort="osai_score", descending=True,
                              limit=total)
    assert ids(model) == [row["release_id"] for row in expected]


def _settle(model: ResultsModel, qtbot) -> None:
    """Wait until the reader has nothing left to read, and its pages are kept."""
    assert model.reads_off_thread()
    qtbot.waitUntil(lambda: model.pages_being_read() == 0, timeout=5000)
    qtbot.wait(20)  # the queued "page read" signals


def test_pages_after_the_last_shown_are_read_ahead_off_the_gui_thread(cache, qtbot,
                                                                      monkeypatch):
    model = ResultsModel(cache)
    model.set_search("", Filters())
    _settle(model, qtbot)
    assert {1, 2} <= set(model.pages_in_memory())  # read ahead on the reader's thread
    here = []
    from openexplorer.ui import results_model  # its reads on the GUI thread

    monkeypatch.setattr(results_model, "read_page",
                        lambda cache, search, after, **k: here.append(after) or ([], None))
    with qtbot.waitSignal(model.rowsInserted):
        model.fetchMore(QModelIndex())
    assert here == []  # inserted from the page already read
    total = summary.count(cache, "", Filters())
    expected = [row["release_id"] for row in summary.search(cache, "", Filters(), limit=total)]
    assert ids(model) == expected[:2 * ResultsModel.PAGE_SIZE]
    model.close()


def test_read_ahead_keeps_memory_bounded(cache, qtbot, monkeypatch):
    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 3)
    model = ResultsModel(cache)
    model.set_search("", Filters())
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
        qtbot.wait(1)
        assert len(model.pages_in_memory()) <= 3
        assert model.pages_read_not_collected() <= ResultsModel.PAGES_AHEAD
    _settle(model, qtbot)
    assert len(model.pages_in_memory()) <= 3
    model.close()


def _scrolled_through(cache, qtbot, monkeypatch) -> ResultsModel:
    """Every release loaded, by name, with only the last 3 pages kept in memory."""
    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 3)
    model = ResultsModel(cache)
    model.sort(column("name"), Qt.SortOrder.AscendingOrder)
    model.fetch_all()
    _settle(model, qtbot)
    return model


def test_a_page_scrolled_back_to_shows_its_rows_and_its_neighbours_are_read_ahead(
        cache, qtbot, monkeypatch):
    model = _scrolled_through(cache, qtbot, monkeypatch)
    assert not {0, 1, 2} & set(model.pages_in_memory())
    total = model.rowCount()
    expected = summary.search(cache, "", Filters(), sort="name", limit=total)
    here = []
    from openexplorer.ui import results_model  # its reads on the GUI thread

    monkeypatch.setattr(results_model, "read_page",
                        lambda cache, search, after, **k: here.append(after) or ([], None))
    changed = []
    model.dataChanged.connect(lambda first, last: changed.append((first.row(), last.row())))
    row = ResultsModel.PAGE_SIZE + 5  # a jump back to page 1: shown as being read, not read here
    assert model.cell(row, column("name")) == ("…", None, True)
    assert model.cell(row, column("osai")) == ("", None, False)
    assert model.is_reading()
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=5000)
    assert (ResultsModel.PAGE_SIZE, 2 * ResultsModel.PAGE_SIZE - 1) in changed  # repainted
    assert model.cell(row, column("name"))[0] == expected[row]["name"]
    _settle(model, qtbot)
    assert {0, 2} <= set(model.pages_in_memory())  # the pages around it, read on the reader's thread
    for r in (5, 2 * ResultsModel.PAGE_SIZE + 5):  # scrolling on: no read on the GUI thread
        assert model.cell(r, column("name"))[0] == expected[r]["name"]
        assert model.index(r, column("osai")).data() == model.cell(r, column("osai"))[0]
    assert here == []
    assert len(model.pages_in_memory()) <= 3
    model.close()


def test_a_row_being_read_still_answers_for_its_data_and_id_at_once(cache, qtbot,
                                                                     monkeypatch):
    model = _scrolled_through(cache, qtbot, monkeypatch)
    expected = summary.search(cache, "", Filters(), sort="name", limit=model.rowCount())
    row = 5
    assert model.cell(row, column("name"))[0] == "…"  # painting: asked of the reader
    # What is not painting (selection, copy, the Release page) gets the row itself now.
    assert model.index(row, column("name")).data() == expected[row]["name"]
    assert model.release_id(row) == expected[row]["release_id"]
    assert model.row_data(row)["name"] == expected[row]["name"]
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=5000)
    assert model.cell(row, column("name"))[0] == expected[row]["name"]
    model.close()


def test_rows_being_read_when_the_reader_fails_are_read_on_the_gui_thread(cache, qtbot,
                                                                          monkeypatch):
    from openexplorer.ui import page_reader

    model = _scrolled_through(cache, qtbot, monkeypatch)
    expected = summary.search(cache, "", Filters(), sort="name", limit=model.rowCount())

    read_page = page_reader.read_page

    def failing_on_the_reader(cache, search, after, *, packed=False):
        if packed:  # the reader's own reads
            raise OSError("disk went away")
        return read_page(cache, search, after)

    monkeypatch.setattr(page_reader, "read_page", failing_on_the_reader)
    changed = []
    model.dataChanged.connect(lambda first, last: changed.append(first.row()))
    assert model.cell(5, column("name"))[0] == "…"
    qtbot.waitUntil(lambda: not model.is_reading(), timeout=5000)
    assert changed == [0] and not model.reads_off_thread()  # repainted: its rows read here
    assert model.cell(5, column("name"))[0] == expected[5]["name"]
    model.close()


def test_a_cache_without_a_file_reads_pages_on_the_gui_thread(monkeypatch):
    from openexplorer.db.cache import Cache

    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 1)
    memory = Cache.memory()
    try:
        memory.conn.executemany(
            "INSERT INTO release_summary (release_id, name, release_date) VALUES (?, ?, ?)",
            [(f"org/m-{i:04d}", f"m-{i:04d}", f"2024-01-{1 + i % 28:02d}") for i in range(400)])
        model = ResultsModel(memory)
        model.set_search("", Filters())
        model.fetch_all()
        assert not model.reads_off_thread() and model.rowCount() == 400
        assert model.cell(0, column("name")) is not None  # read here: never blank
    finally:
        memory.close()


def test_the_reader_reads_packed_pages_and_the_gui_thread_plain_ones(cache, qtbot,
                                                                      monkeypatch):
    import threading

    calls: list[tuple[bool, bool]] = []  # (on the GUI thread, packed)
    search = summary.search

    def recording(*args, **kwargs):
        calls.append((threading.current_thread() is threading.main_thread(),
                      bool(kwargs.get("packed"))))
        return search(*args, **kwargs)

    monkeypatch.setattr(planner, "search", recording)
    model = ResultsModel(cache)
    model.set_search("", Filters())
    _settle(model, qtbot)
    assert (True, False) in calls and (False, True) in calls
    assert set(calls) <= {(True, False), (False, True)}


def test_a_sort_before_the_first_search_is_read_by_it(cache, monkeypatch):
    reads: list[object] = []
    search = summary.search
    monkeypatch.setattr(planner, "search", lambda *a, **k: reads.append(k.get("sort")) or
                        search(*a, **k))
    model = ResultsModel(cache)
    model.hold_until_search()  # as the search panel sets its view up
    model.sort(column("name"), Qt.SortOrder.AscendingOrder)
    assert model.rowCount() == 0 and reads == []
    model.set_search("", Filters())
    assert reads[:1] == ["name"] and model.rowCount() > 0
    model.sort(column("osai"), Qt.SortOrder.DescendingOrder)  # after it, sorts read at once
    assert "osai_score" in reads


@pytest.mark.parametrize("query, sort", [("", None), ("llama", None), ("llama", "osai")])
def test_values_of_spans_equal_the_rows_whether_in_memory_or_read_in_bulk(cache, qtbot,
                                                                         monkeypatch, query,
                                                                         sort):
    monkeypatch.setattr(ResultsModel, "PAGES_KEPT", 2)
    monkeypatch.setattr(ResultsModel, "PAGE_SIZE", 10)  # (44 releases match "llama")
    model = ResultsModel(cache)
    model.set_search(query, Filters())
    if sort:
        model.sort(column(sort), Qt.SortOrder.DescendingOrder)
    model.fetch_all()
    _settle(model, qtbot)
    total = model.rowCount()
    expected = [model.row_data(r) for r in range(total)]  # page by page
    assert total == summary.count(cache, query, Filters()) > 2 * ResultsModel.PAGE_SIZE
    kept = model.pages_in_memory()  # the last PAGES_KEPT pages read: the others let go
    assert len(kept) <= 2 and 0 not in kept
    spans = [(2, 4), (ResultsModel.PAGE_SIZE - 1, total - 3), (total - 1, total + 10)]
    rows = [r for first, last in spans for r in range(first, min(last, total - 1) + 1)]
    here = []
    from openexplorer.ui import results_model  # its reads on the GUI thread

    read = results_model.read_page
    monkeypatch.setattr(results_model, "read_page", lambda cache, search, after, **k:
                        here.append(after) or read(cache, search, after, **k))
    assert model.values(spans, ("release_id", "name")) == [
        (expected[r]["release_id"], expected[r]["name"]) for r in rows]
    assert len(here) <= 2  # the short spans' pages; the long one in one query, not page by page
    model.close()
