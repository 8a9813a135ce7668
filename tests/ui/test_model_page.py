"""The model page over a cache built from the bundled snapshot: every framework at once."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QPoint, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDesktopServices, QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel  # noqa: E402

from openexplorer.analyses.export import release_markdown  # noqa: E402
from openexplorer.frameworks import mof  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.breakdown_charts import (  # noqa: E402
    MofTiles,
    StatusLegend,
    VerdictBadge,
    tooltip,
)
from openexplorer.ui.index_chart import IndexScoreChart  # noqa: E402
from openexplorer.ui.release_page import (  # noqa: E402
    EvidenceTableModel,
    LinkLabel,
    ModelPage,
    is_safe_url,
)
from openexplorer.views.model import ReleaseView  # noqa: E402
from openexplorer.views.release import release_view  # noqa: E402
from openexplorer.store.ingest import ingest  # noqa: E402

OLMO = "allenai/olmo-7b"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("model-page") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def page(qtbot):
    widget = ModelPage(snapshot_date="2026-11-01")
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _show(page: ModelPage, view: dict[str, Any]) -> None:
    page.show_view(view)
    QApplication.processEvents()


@pytest.fixture(scope="module")
def index_release(cache) -> ReleaseView:
    """An OLMo release the index has scored."""
    for row in cache.search("olmo", limit=50):
        view = release_view(cache, row["id"])
        if view and view.osai.score is not None and not view.osai.provisional:
            return view
    pytest.fail("no index-assessed OLMo release in the snapshot")


def test_while_a_release_is_read_the_page_is_blank_then_says_so(page, qtbot, monkeypatch,
                                                                index_release):
    monkeypatch.setattr(ModelPage, "READING_SAYS_SO_AFTER_MS", 50)
    assert page.placeholder.text() == ModelPage.PROMPT
    page.set_reading(True)
    assert page.placeholder.isVisible() and page.placeholder.text() == ""
    qtbot.waitUntil(lambda: page.placeholder.text() == "Reading the release…", timeout=2000)
    page.set_reading(False)
    assert page.placeholder.text() == ModelPage.PROMPT
    # A page shown before the word is due never gets it.
    page.set_reading(True)
    _show(page, index_release)
    qtbot.wait(120)
    assert page.placeholder.isHidden()
    page.clear()
    assert page.placeholder.text() == ModelPage.PROMPT


# --- MOF ----------------------------------------------------------------------------------------


def test_olmo_mof_block_is_class_one_with_all_17_tiles(page, cache):
    view = release_view(cache, OLMO)
    _show(page, view)
    assert "Class I" in page.mof_card.class_label.text()
    assert page.mof_card.class_label.text() == "Class I - Open Science Model"
    assert page.mof_card.tiles.progress_text("I") == "100 %"
    assert [g.key for g in page.mof_card.tiles.groups()] == ["III", "II", "I"]
    tiles = page.mof_card.tiles.tiles()
    assert len(tiles) == 17 == len(mof.COMPONENTS)
    assert [t.key for t in tiles] == [c.name for c in mof.COMPONENTS]
    expected = {name: c.state for name, c in view.mof.components.items()}
    assert page.mof_card.tiles.states() == expected
    for tile in tiles:
        assert tile.status == theme.MOF_STATE_STATUS[expected[tile.key]]
    # The tooltip carries the state, the licence and where it came from, and the warning.
    params = next(t for t in tiles if t.key == "Model parameters (Final)")
    assert "Apache-2.0" in params.tooltip and "distribution licence" in params.tooltip
    assert "type-appropriate" in params.tooltip
    assert params.status == "partial"


def test_mof_tiles_fit_inside_the_widget_at_any_width(qtbot, cache):
    tiles = MofTiles()
    qtbot.addWidget(tiles)
    tiles.set_mof(release_view(cache, OLMO).mof)
    for width in (300, 560, 860, 1240):
        height = tiles.heightForWidth(width)
        tiles.resize(width, height)
        bounds = tiles.rect()
        for tile in tiles.tiles():
            assert bounds.contains(tile.rect.toAlignedRect()), (width, tile.key)
        image = tiles.grab().toImage()
        assert not image.isNull() and image.width() == width


def test_release_without_a_mot_record_says_so(page, index_release):
    _show(page, index_release)
    if index_release.mof.components:
        pytest.skip("this release has a MOT record too")
    assert page.mof_card.tiles.isHidden() and not page.mof_card.empty.isHidden()
    assert "No Model Openness Tool record" in page.mof_card.empty.text()


# --- the index ----------------------------------------------------------------------------------


def test_index_block_shows_the_score_and_the_12_dimensions(page, index_release):
    _show(page, index_release)
    score = index_release.osai.score
    assert page.index_card.score_label.text() == f"{score:.2f}"
    tiles = page.index_card.tiles.tiles()
    assert len(tiles) == 12
    assert page.index_card.tiles.statuses() == index_release.osai.dimensions
    for tile in tiles:
        assert tile.status == (index_release.osai.dimensions[tile.key] or "unknown")
    groups = {g.key: g.value_text for g in page.index_card.tiles.groups()}
    assert groups == {ref: f"{value:.2f}"
                      for ref, value in index_release.osai.groups.items()}
    chart_values = dict(page.index_card.chart.values())
    assert chart_values["Total"] == pytest.approx(score)
    assert not page.index_card.chart.isHidden() and page.index_card.empty.isHidden()


def test_index_block_says_not_assessed_when_there_is_no_score(page, cache):
    _show(page, release_view(cache, OLMO))
    assert page.index_card.score_label.isHidden() and page.index_card.tiles.isHidden()
    assert not page.index_card.empty.isHidden()


# --- OSAID --------------------------------------------------------------------------------------


def test_osaid_verdict_reasons_and_the_osi_outcome(page, index_release):
    _show(page, index_release)
    osaid = index_release.osaid
    assert page.osaid_card.verdict_badge.verdict() == osaid.verdict
    shown = [label.text() for label in page.content.findChildren(QLabel, "osaidReason")]
    assert shown and len(shown) == len(osaid.reasons)
    for reason in osaid.reasons:
        assert any(reason in text for text in shown)
    published = [b for b in page.content.findChildren(VerdictBadge)
                 if b is not page.osaid_card.verdict_badge and not b.isHidden()]
    assert len(published) == len(osaid.osi_published)
    for badge, entry in zip(published, osaid.osi_published, strict=True):
        assert badge.verdict() == entry.outcome
        assert entry.system in badge.text()


# --- evidence -----------------------------------------------------------------------------------


def test_evidence_table_rows_are_the_rows_shown(page, cache, qtmodeltester):
    view = release_view(cache, OLMO)
    _show(page, view)
    shown = [r for r in view.evidence if r.scope != "organization"]
    assert page.evidence.model.rowCount() == len(shown) > 0
    assert page.evidence.view.model().rowCount() == len(shown)
    assert page.evidence.count.text() == f"{len(shown)} rows"
    qtmodeltester.check(page.evidence.model)
    first = page.evidence.model.index(0, 0)
    assert page.evidence.model.data(first, EvidenceTableModel.RowRole).component == \
        shown[0].component


def test_organisation_level_fmti_rows_are_behind_a_switch(page, cache):
    view = next(v for v in (release_view(cache, r) for r in cache.iter_release_ids())
                if v and any(e.scope == "organization" for e in v.evidence or ()))
    _show(page, view)
    release_rows = [r for r in view.evidence if r.scope != "organization"]
    assert page.evidence.model.rowCount() == len(release_rows)
    assert not page.evidence.org_rows_check.isHidden()
    page.evidence.org_rows_check.setChecked(True)
    assert page.evidence.model.rowCount() == len(view.evidence)
    assert page.evidence.count.text() == f"{len(view.evidence)} rows"


def _link_view(cache) -> ReleaseView:
    view = release_view(cache, OLMO)
    assert view is not None and view.evidence
    base = view.evidence[0]
    return dataclasses.replace(view, evidence=(
        dataclasses.replace(base, component="evil js", urls=("javascript:alert(1)",)),
        dataclasses.replace(base, component="local file", urls=("file:///etc/passwd",)),
        dataclasses.replace(base, component="no host", urls=("https:relative/path",)),
        dataclasses.replace(base, component="good", urls=("https://example.org/model-card",)),
    ))


def _click_link(qtbot, page: ModelPage, row: int) -> None:
    table = page.evidence.view
    index = table.model().index(row, EvidenceTableModel.LINK_COLUMN)
    table.scrollTo(index)
    rect = table.visualRect(index)
    assert rect.isValid() and not rect.isEmpty()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_only_http_links_open_in_the_browser(page, cache, qtbot, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url.toString()) or True))
    _show(page, _link_view(cache))
    for row in range(3):  # javascript:, file:, and an https URL without a host
        _click_link(qtbot, page, row)
    assert opened == []
    _click_link(qtbot, page, 3)
    assert opened == ["https://example.org/model-card"]
    # Clicking another column opens nothing.
    table = page.evidence.view
    rect = table.visualRect(table.model().index(3, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == ["https://example.org/model-card"]


@pytest.mark.parametrize(("url", "safe"), [
    ("https://huggingface.co/allenai/OLMo-7B", True),
    ("http://example.org", True),
    ("HTTPS://EXAMPLE.ORG/x", True),
    ("javascript:alert(1)", False),
    ("file:///etc/passwd", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("ftp://example.org/x", False),
    ("https://", False),
    ("", False),
    (None, False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


# --- navigation and actions ---------------------------------------------------------------------


def test_clicking_a_family_release_asks_for_it(page, cache, qtbot):
    view = release_view(cache, OLMO)
    _show(page, view)
    links = [w for w in page.content.findChildren(LinkLabel, "familyReleaseLink")
             if not w.isHidden()]
    others = [r for r in view.family_releases if r.id != OLMO]
    assert len(links) == len(others) > 0
    target = links[0]
    with qtbot.waitSignal(page.release_requested, timeout=2000) as blocker:
        qtbot.mouseClick(target, Qt.MouseButton.LeftButton)
    assert blocker.args == [target.property("release_id")]
    assert blocker.args[0] in {r.id for r in others}


def test_compare_and_refresh_buttons(page, cache, qtbot):
    view = release_view(cache, OLMO)
    _show(page, view)
    with qtbot.waitSignal(page.compare_requested, timeout=2000) as blocker:
        qtbot.mouseClick(page.header.compare_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [[OLMO]]
    assert view.hub_id and not page.header.refresh_button.isHidden()
    with qtbot.waitSignal(page.refresh_requested, timeout=2000) as blocker:
        qtbot.mouseClick(page.header.refresh_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [[view.hub_id]]

    no_hub = dataclasses.replace(view, hub_id=None)
    _show(page, no_hub)
    assert page.header.refresh_button.isHidden()


def test_copy_as_markdown_puts_the_release_markdown_on_the_clipboard(page, cache, qtbot):
    view = release_view(cache, OLMO)
    _show(page, view)
    expected = release_markdown(view, "2026-11-01")
    assert page.markdown() == expected
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(page.header.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == expected
    assert "# OLMo-7B" in expected


# --- provisional and safety ----------------------------------------------------------------------


def test_a_provisional_view_shows_the_badge(page, cache):
    _show(page, release_view(cache, OLMO))
    assert page.provisional_badges() == []
    view = release_view(cache, OLMO)
    assert view is not None
    view = dataclasses.replace(view, mof=dataclasses.replace(view.mof, provisional=True),
                               osaid=dataclasses.replace(view.osaid, provisional=True))
    _show(page, view)
    badges = page.provisional_badges()
    # One in the header, one on each provisional framework block.
    assert len(badges) == 3
    assert all(b.text() == "provisional — from Hub metadata" for b in badges)
    assert page.mof_card.badge in badges and page.osaid_card.badge in badges
    assert page.index_card.badge not in badges


def test_a_hub_only_release_is_marked(page, shared_data: Path, tmp_path):
    from openexplorer.db.cache import Cache
    from openexplorer.hub.evidence import record_from_hub
    from openexplorer.core.records import ImportResult

    raw = json.loads((shared_data / "hub-samples/api/model_info"
                      / "HuggingFaceH4__zephyr-7b-beta__20250321__31822c.json").read_text())
    with Cache.open(tmp_path / "hub.sqlite") as hub_cache:
        ingest(hub_cache, ImportResult(records=[record_from_hub(
            raw, fetched_at="2025-03-21T12:00:00Z")]), now="2025-03-21T12:00:00+00:00")
        release_id = hub_cache.resolve("HuggingFaceH4/zephyr-7b-beta")
        view = release_view(hub_cache, release_id)
    assert view.origin != "curated"
    _show(page, view)
    assert page.header.origin_chip.text() == "Hub-only"
    assert page.header.provisional in page.provisional_badges()
    assert page.mof_card.badge in page.provisional_badges()
    assert page.header.fact_values["gated"].text() == "no"


def test_text_from_the_data_is_never_rich_text(page, cache):
    view = release_view(cache, OLMO)
    assert view is not None
    view = dataclasses.replace(
        view, name="<b>bold</b> <a href='javascript:x'>link</a>",
        osaid=dataclasses.replace(view.osaid, reasons=("<img src=x onerror=alert(1)> reason",)))
    _show(page, view)
    assert page.header.title_label.text() == view.name
    labels = [w for w in page.content.findChildren(QLabel) if w.text()]
    assert labels and all(w.textFormat() == Qt.TextFormat.PlainText for w in labels)
    reason = page.content.findChildren(QLabel, "osaidReason")[0]
    assert reason.text() == "• <img src=x onerror=alert(1)> reason"
    assert "&lt;img" in tooltip(["<img src=x>"])


# --- charts ------------------------------------------------------------------------------------


def test_chart_widgets_render(page, index_release, cache):
    page.show_view(release_view(cache, OLMO))  # no event-loop pass in between
    for _, widget in page.chart_widgets():
        if widget.hasHeightForWidth():
            assert widget.height() == widget.heightForWidth(widget.width())
    _show(page, index_release)
    charts = page.chart_widgets()
    names = [name for name, _ in charts]
    assert any("index scores" in n for n in names)
    assert any("index dimensions" in n for n in names)
    assert any("OSAID" in n for n in names)
    for name, widget in charts:
        image = widget.grab().toImage()
        assert not image.isNull() and image.width() > 50 and image.height() > 10, name
    scores = next(widget for name, widget in charts if "index scores" in name)
    assert isinstance(scores, IndexScoreChart)


def test_charts_follow_the_palette(page, index_release, qapp):
    saved_palette, saved_style = qapp.palette(), qapp.style().name()
    _show(page, index_release)
    chart = page.index_card.chart
    light = chart.backgroundBrush().color().name()
    try:
        theme.apply_theme(qapp, "dark")
        QApplication.processEvents()
        assert chart.backgroundBrush().color().name() == theme.DARK_CHART.background
        assert chart.backgroundBrush().color().name() != light
        image = page.mof_card.tiles.grab().toImage()
        assert image.pixelColor(2, 2).name() == theme.DARK_CHART.background
    finally:
        qapp.setStyle(saved_style)
        qapp.setPalette(saved_palette)
        QApplication.processEvents()


def test_legend_names_the_four_statuses(page):
    legend = page.findChild(StatusLegend)
    assert legend is not None
    assert list(legend.labels().values()) == ["Open", "Partial", "Closed", "Unknown"]


def test_page_fits_1280_wide_without_horizontal_scrolling(page, index_release):
    _show(page, index_release)
    assert page.scroll_area.horizontalScrollBar().maximum() == 0
    assert page.content.width() <= page.scroll_area.viewport().width()
    header = page.evidence.view.horizontalHeader()
    assert header.length() <= page.evidence.view.viewport().width() + 1


def test_clear_shows_the_placeholder(page, cache):
    _show(page, release_view(cache, OLMO))
    page.clear()
    assert page.view() is None and page.markdown() == "" and page.chart_widgets() == []
    assert not page.placeholder.isHidden() and page.scroll_area.isHidden()
    assert not page.header.compare_button.isEnabled()


def test_url_is_opened_unchanged(monkeypatch):
    from openexplorer.ui import release_page

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl",
                        staticmethod(lambda url: opened.append(url) or True))
    assert release_page.open_url("https://example.org/a?b=c#d") is True
    assert release_page.open_url("javascript:alert(1)") is False
    assert [u.toString() for u in opened] == ["https://example.org/a?b=c#d"]


def test_a_click_on_the_empty_page_does_nothing(page, qtbot):
    page.clear()
    qtbot.mouseClick(page, Qt.MouseButton.LeftButton, pos=QPoint(10, 10))
    assert page.view() is None


def test_the_page_fits_beside_the_search_panel(qtbot, tmp_path):
    # Long licence names or Epoch labels must wrap, not widen the page past the window.
    from openexplorer.store.cache_file import open_cache
    from openexplorer.ui.release_page import ModelPage
    from openexplorer.views.release import release_view

    cache = open_cache(tmp_path / "fit.sqlite")
    page = ModelPage()
    qtbot.addWidget(page)
    widest = 0
    for release_id in list(cache.iter_release_ids())[::5]:  # a fifth of them, all kinds
        page.show_view(release_view(cache, release_id))
        widest = max(widest, page.scroll_area.widget().minimumSizeHint().width())
    cache.close()
    assert widest <= 700


def test_the_index_chart_is_made_when_scrolled_to(qtbot, index_release):
    # pyqtgraph is imported with the chart: not for a chart below the fold at start-up.
    fresh = ModelPage()
    qtbot.addWidget(fresh)
    fresh.resize(900, 300)
    fresh.show()
    fresh.show_view(index_release)
    assert not fresh.index_card.chart_made() and fresh.index_card.chart_waiting()
    fresh.scroll_area.ensureWidgetVisible(fresh.index_card)
    qtbot.waitUntil(fresh.index_card.chart_made, timeout=5000)
    chart = fresh.index_card.chart
    assert isinstance(chart, IndexScoreChart) and not chart.isHidden()
    assert dict(chart.values())["Total"] == pytest.approx(index_release.osai.score)


def test_a_release_without_index_scores_makes_no_chart(page, cache):
    _show(page, release_view(cache, OLMO))
    assert not page.index_card.chart_made() and not page.index_card.chart_waiting()
    assert not any("index scores" in name for name, _ in page.chart_widgets())
