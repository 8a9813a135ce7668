"""The app against the local fake Hub, through the real client and the real refresh: a Hub-only
model found by search, opened and refreshed; progress and cancel; Work offline sends nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402

from openexplorer.hub.refresh import RefreshRequest  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.main_window import MainWindow  # noqa: E402
from openexplorer.ui.refresh_worker import RefreshController  # noqa: E402
from tests.fake_hub import FakeHub, Fault  # noqa: E402

TIMEOUT = 15000
HERMES = "NousResearch/Hermes-3-Llama-3.1-8B"  # on the fake Hub, not in the bundled snapshot


@pytest.fixture
def window(qtbot, fake_hub: FakeHub, tmp_path: Path):
    cache = open_cache(tmp_path / "cache.sqlite")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    controller = RefreshController(cache.path, cache=cache, settings=settings,
                                   client_factory=lambda: fake_hub.client(timeout=2.0))
    win = MainWindow(cache, settings=settings, refresh_controller=controller)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    cache.close()


def test_a_hub_only_model_is_found_opened_and_refreshed(window, qtbot, fake_hub):
    controller = window.refresh_controller
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as done:
        assert controller.start(RefreshRequest(search="hermes", limit=5, with_datasets=False))
    assert done.args[0].updated >= 1
    qtbot.waitUntil(window.search.is_idle, timeout=TIMEOUT)

    window.search.set_query("Hermes-3")
    qtbot.waitUntil(lambda: window.search.is_idle() and window.search.model.rowCount() > 0,
                    timeout=TIMEOUT)
    window.search.select_release(HERMES.lower())
    window.search.release_activated.emit(HERMES.lower())  # Enter on the row
    view = window.model_page.view()
    assert view.origin == "hub" and view.mof.provisional
    assert window.model_page.provisional_badges()

    requests_before = len(fake_hub.log)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as again:
        window.model_page.refresh_requested.emit([HERMES])
    assert again.args[0].updated == 1 and not again.args[0].failed
    assert len(fake_hub.log) > requests_before
    assert window.model_page.view().id == HERMES.lower()


def test_progress_and_cancel_against_the_server(window, qtbot, fake_hub):
    controller = window.refresh_controller
    status = window.refresh_status
    ids = tuple(sorted(fake_hub.models))[:6]
    for model_id in ids:
        fake_hub.fail(f"/api/models/{model_id}", Fault.slow(0.3, times=None))
    progress = []
    controller.progressed.connect(progress.append)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as done:
        controller.start(RefreshRequest(ids=ids, with_cards=False, with_datasets=False))
        qtbot.waitUntil(lambda: status.cancel_button.isVisible(), timeout=TIMEOUT)
        qtbot.waitUntil(lambda: any(p.done >= 1 for p in progress), timeout=TIMEOUT)
        status.cancel_button.click()
    report = done.args[0]
    assert report.cancelled
    assert report.updated < len(ids)
    assert not status.cancel_button.isVisible()


def test_work_offline_sends_no_request(window, qtbot, fake_hub):
    window.offline_action.trigger()
    assert window.refresh_controller.is_offline()
    window.refresh_action.trigger()  # disabled while offline
    window.model_page.refresh_requested.emit([HERMES])
    assert not window.refresh_controller.start(RefreshRequest(ids=(HERMES,)))
    qtbot.wait(200)
    assert fake_hub.log == []
