"""The watchlist view: add and remove, changes with old and new values, alerts after a refresh
only when something watched changed, seen changes, possibly stale badges, both themes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QFontMetrics  # noqa: E402

from openexplorer.analyses import watchlist  # noqa: E402
from openexplorer.core.records import Assessment, ImportResult, SourceRecord  # noqa: E402
from openexplorer.ui import theme  # noqa: E402
from openexplorer.ui.watchlist_view import STALE_TEXT, WatchlistView  # noqa: E402
from openexplorer.store.ingest import ingest  # noqa: E402
from tests.test_watchlist import snapshot_cache  # noqa: E402

LLAMA = "meta-llama/llama-3.1-8b-instruct"


@dataclass
class Report:
    """What the view reads of a RefreshReport."""

    started: datetime


@pytest.fixture
def cache(tmp_path):
    opened = snapshot_cache(tmp_path / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def view(qtbot, cache):
    widget = WatchlistView(cache)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def restore_theme(qapp):
    yield
    theme.apply_theme(qapp, "system")


def hub(repo, *, gating="open", organization="Meta", release_date=None, version="1"):
    return SourceRecord(
        source="hub", key=repo, name=repo.split("/")[-1], hub_id=repo, license="llama3.1",
        organization=organization, release_date=release_date, source_version=version,
        assessments=[Assessment("hub", "gating", gating, "gated"),
                     Assessment("hub", "license", "partial", "cardData.license",
                                license="llama3.1")])


def refresh(cache, *records, ago: timedelta = timedelta(0)):
    """Write records as a refresh does (``ago``: as one that ran that long ago); its report."""
    started = datetime.now(UTC) - ago
    ingest(cache, ImportResult(records=list(records)), now=watchlist.stamp(started))
    return Report(started)


def test_empty_then_add_and_remove(view, qtbot):
    assert view.tree.topLevelItemCount() == 0 and view.empty_label.isVisible()
    assert view.no_changes_label.isVisible()
    view.kind_combo.setCurrentIndex(view.kind_combo.findData("family"))
    view.value_edit.setText("olmo")
    with qtbot.waitSignal(view.message):
        view.add_button.click()
    assert view.tree.topLevelItemCount() == 1
    assert view.tree.topLevelItem(0).text(0).startswith("OLMo")
    assert not view.empty_label.isVisible() and view.value_edit.text() == ""
    view.value_edit.setText("No such family")
    view.add_button.click()
    assert view.error_label.isVisible() and "unknown family" in view.error_label.text()
    assert view.tree.topLevelItemCount() == 1
    view.tree.topLevelItem(0).setSelected(True)
    assert view.remove_button.isEnabled()
    view.remove_button.click()
    assert view.tree.topLevelItemCount() == 0


def test_changes_show_old_and_new_values(view, cache, qtbot):
    view.add("release", "meta-llama/Llama-3.1-8B-Instruct")
    view.add("family", "OLMo")
    refresh(cache, hub("meta-llama/Llama-3.1-8B-Instruct"))
    refresh(cache, hub("meta-llama/Llama-3.1-8B-Instruct", gating="partial", version="2"))
    view.reload()
    rows = {view.changes_table.item(r, 2).text(): r
            for r in range(view.changes_table.rowCount())}
    row = rows["Gating on the Hub"]
    assert [view.changes_table.item(row, c).text() for c in (1, 3, 4, 5)] == [
        "Llama-3.1-8B-Instruct", "open", "partial", "hub"]
    assert view.changes_table.item(row, 0).font().bold()  # new: unseen
    assert view.unseen_count() >= 1 and "new" in view.changes_title.text()
    # the selected item narrows the list: OLMo has no changes
    olmo = next(i for i in range(view.tree.topLevelItemCount())
                if view.tree.topLevelItem(i).text(0).startswith("OLMo"))
    view.tree.topLevelItem(olmo).setSelected(True)
    assert view.changes() == [] and view.no_changes_label.isVisible()
    view.show_all_button.click()
    assert view.changes()
    with qtbot.waitSignal(view.release_requested) as opened:
        view.changes_table.itemDoubleClicked.emit(view.changes_table.item(row, 1))
    assert opened.args == [LLAMA]


def test_alerts_after_a_refresh_only_when_something_watched_changed(view, cache, qtbot):
    view.add("release", LLAMA)
    first = refresh(cache, hub(LLAMA), ago=timedelta(minutes=1))
    view.mark_seen()
    with qtbot.assertNotEmitted(view.alerts_changed):
        # nothing watched changed: an unwatched release, and the same facts again
        quiet = refresh(cache, hub("allenai/OLMo-7B", organization="AI2"),
                        hub(LLAMA, version="1b"))
        view.on_refresh_finished(quiet)
    assert not view.banner.isVisible() and view.last_alerts() == []
    assert first.started < quiet.started
    loud = refresh(cache, hub(LLAMA, gating="manual", version="2"))
    with qtbot.waitSignal(view.alerts_changed) as alerted:
        view.on_refresh_finished(loud)
    assert alerted.args == [1]
    assert not view.banner.isHidden()
    assert "1 change to watched items" in view.banner.label.text()
    assert "Gating on the Hub" in view.banner.label.text()
    with qtbot.waitSignal(view.alerts_changed) as cleared:
        view.banner.seen_button.click()
    assert cleared.args == [0]
    assert view.banner.isHidden() and view.unseen_count() == 0
    view.on_refresh_finished(object())  # a report without a start time is ignored


def test_possibly_stale_badge_and_review(view, cache):
    view.add("family", "OLMo")
    refresh(cache, hub("allenai/Olmo-4-7B-Instruct", organization="Allen Institute for AI",
                       release_date="2026-10-02"))
    view.reload()
    assert STALE_TEXT in view.tree.topLevelItem(0).text(2)
    assert view.is_stale(view.items()[0])
    assert view.stale_tree.topLevelItemCount() == 1
    family = view.stale_tree.topLevelItem(0)
    assert family.text(0) == "OLMo" and family.child(0).text(0) == "Olmo-4-7B-Instruct"
    family.child(0).setSelected(True)
    assert view.reviewed_button.isEnabled()
    view.reviewed_button.click()
    assert STALE_TEXT not in view.tree.topLevelItem(0).text(2)
    assert "(reviewed)" in view.stale_tree.topLevelItem(0).text(0)


def test_since_filter(view, cache):
    view.add("release", LLAMA)
    old = datetime.now(UTC) - timedelta(days=40)
    ingest(cache, ImportResult(records=[hub(LLAMA)]), now=watchlist.stamp(old))
    ingest(cache, ImportResult(records=[hub(LLAMA, gating="partial", version="2")]),
                  now=watchlist.stamp(old + timedelta(hours=1)))
    view.reload()
    assert view.changes()
    view.since_combo.setCurrentIndex(view.since_combo.findData("30d"))
    assert view.changes() == []


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_legible_in_both_themes(view, cache, qapp, restore_theme, mode):
    view.add("release", LLAMA)
    refresh(cache, hub(LLAMA))
    view.on_refresh_finished(refresh(cache, hub(LLAMA, gating="partial", version="2")))
    theme.apply_theme(qapp, mode)
    qapp.processEvents()
    image = view.grab().toImage()
    assert (image.width(), image.height()) == (1280, 800)
    table = view.changes_table
    for row in range(table.rowCount()):
        for column in (0, 1, 2, 5):
            item = table.item(row, column)
            metrics = QFontMetrics(item.font())
            assert metrics.horizontalAdvance(item.text()) < table.columnWidth(column), \
                item.text()


def _shown(view: WatchlistView) -> tuple:
    """What the tab shows: the list, the changes and the stale families, as text."""
    tree = [[view.tree.topLevelItem(i).text(c) for c in range(3)]
            for i in range(view.tree.topLevelItemCount())]
    changes = [[view.changes_table.item(r, c).text() for c in range(2, 5)]
               for r in range(view.changes_table.rowCount())]
    stale = [view.stale_tree.topLevelItem(i).text(0)
             for i in range(view.stale_tree.topLevelItemCount())]
    return tree, changes, stale


@pytest.fixture
def background_view(qtbot, cache):
    widget = WatchlistView(cache, background=True)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    widget.show()
    qtbot.waitUntil(lambda: not widget.is_busy(), timeout=10_000)
    return widget


def test_in_the_background_it_shows_what_it_shows_at_once(view, background_view, cache,
                                                          qtbot):
    view.add("release", LLAMA)
    view.add("family", "OLMo")
    refresh(cache, hub(LLAMA, gating="manual", version="2"),
            hub("allenai/Olmo-4-7B-Instruct", organization="Allen Institute for AI",
                release_date="2026-10-02"))
    view.reload()
    background_view.reload()
    assert background_view.is_busy()  # read on a pool thread
    qtbot.waitUntil(lambda: not background_view.is_busy(), timeout=10_000)
    assert _shown(background_view) == _shown(view)
    assert _shown(view)[0] and _shown(view)[1] and _shown(view)[2]
    # Another item selected: its changes are read alone; the list is not rebuilt under it.
    before = background_view.tree.topLevelItem(0)
    background_view.tree.topLevelItem(1).setSelected(True)
    view.tree.topLevelItem(1).setSelected(True)
    qtbot.waitUntil(lambda: background_view.changes() == view.changes(), timeout=10_000)
    assert background_view.tree.topLevelItem(0) is before


def test_alerts_after_a_refresh_in_the_background(background_view, cache, qtbot):
    background_view.add("release", LLAMA)
    qtbot.waitUntil(lambda: not background_view.is_busy(), timeout=10_000)
    loud = refresh(cache, hub(LLAMA, gating="manual", version="2"))
    with qtbot.waitSignal(background_view.alerts_changed, timeout=10_000) as alerted:
        background_view.on_refresh_finished(loud)
    assert alerted.args == [len(watchlist.alerts(cache, loud.started))] != [0]
    assert not background_view.banner.isHidden()


def test_where_the_pool_thread_cannot_read_the_view_reads_itself(qtbot, cache, monkeypatch):
    from openexplorer.ui import cache_job

    watchlist.add(cache, "release", LLAMA)

    def refused(cls, *_args, **_kwargs):
        raise OSError("a read-only folder without the WAL index")

    monkeypatch.setattr(cache_job.Cache, "open", classmethod(refused))
    widget = WatchlistView(cache, background=True)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: not widget.is_busy() and widget.tree.topLevelItemCount() == 1,
                    timeout=10_000)


def test_a_family_with_many_newer_releases_lists_the_newest(view, cache, monkeypatch):
    monkeypatch.setattr(WatchlistView, "NEWER_SHOWN", 2)
    view.add("family", "OLMo")
    refresh(cache, *[hub(f"allenai/Olmo-4-{i}B", organization="Allen Institute for AI",
                         release_date=f"2026-10-0{i}") for i in range(1, 6)])
    view.reload()
    family = view.stale_tree.topLevelItem(0)
    assert "5 newer releases" in family.text(2)
    assert [family.child(i).text(0) for i in range(family.childCount())] == [
        "Olmo-4-5B", "Olmo-4-4B", "… and 3 earlier ones"]
