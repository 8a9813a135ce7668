"""The Hub refresh worker, its controller and the main window's wiring, with a fake refresh.

No test touches the network: the refresh function and the Hub client are fakes, and the tests
wait on the worker's / controller's own signals, never on ``QThread.finished`` (docs/tech-notes.md G5).
"""

from __future__ import annotations

import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QObject, QSettings, Qt, Slot  # noqa: E402

from openexplorer.db.cache import Cache  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import refresh_worker  # noqa: E402
from openexplorer.ui.main_window import MainWindow  # noqa: E402
from openexplorer.ui.refresh_worker import (  # noqa: E402
    SETTING_OFFLINE,
    RefreshController,
    RefreshWorker,
    describe_error,
)

from openexplorer.hub.refresh import RefreshProgress, RefreshReport, RefreshRequest  # noqa: E402
from openexplorer.ui.refresh_status import ERROR  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TOKEN = "hf_SECRETsecretSECRETsecret1234"
TIMEOUT = 5000


def _report(requested: int, updated: int, *, cancelled: bool = False,
            failed: list | None = None) -> RefreshReport:
    return RefreshReport(started=NOW, finished=NOW, requested=requested, updated=updated,
                         failed=failed or [], cancelled=cancelled, calls=updated, changes=0)


class FakeClient:
    """Stands in for HubClient; ``offline=True`` makes the real refresh() stop before any
    request."""

    endpoint = "http://127.0.0.1:9"
    has_token = False

    def __init__(self, offline: bool = False) -> None:
        self.offline = offline

    def reachable(self, timeout: float = 1.0) -> bool:
        return False


class FakeRefresh:
    """Records its calls; ``mode`` decides what it does in the worker thread."""

    def __init__(self, mode: str = "count", n: int = 5) -> None:
        self.mode = mode
        self.n = n
        self.calls: list[dict] = []
        self.threads: list[int] = []
        self.running = threading.Event()

    def __call__(self, client, cache_path, request, *, should_stop, on_progress, sleep, **kw):
        self.calls.append({"client": client, "cache_path": cache_path, "request": request,
                           **kw})
        self.threads.append(threading.get_ident())
        self.running.set()
        if self.mode == "raise":
            raise RuntimeError(f"boom\nTraceback (most recent call last):\n  Bearer {TOKEN}")
        if self.mode == "loop":  # runs until asked to stop, like a long batch
            done = 0
            while not should_stop():
                on_progress(RefreshProgress(done, None, f"org/m{done}", "models"))
                done += 1
                time.sleep(0.005)
            return _report(10_000, done, cancelled=True)
        if self.mode == "backoff":  # a long Retry-After wait through the injected sleep
            on_progress(RefreshProgress(0, 1, None, "rate limit"))
            sleep(60)
            return _report(1, 0, cancelled=should_stop())
        if self.mode == "cache":  # the worker's own SQLite connection, on its own thread
            with Cache.open(cache_path) as cache:
                cache.set_meta("last_refresh", "2026-11-26T12:00:00+00:00")
            return _report(0, 0)
        for i in range(self.n):
            on_progress(RefreshProgress(i + 1, self.n, f"org/model-{i}", "models"))
        return _report(self.n, self.n)


class Recorder(QObject):
    """Receives the controller's signals in the GUI thread (a @Slot method, docs/architecture.md, "Threads")."""

    def __init__(self, controller: RefreshController) -> None:
        super().__init__()
        self.progress: list = []
        self.running: list[bool] = []
        self.threads: set[int] = set()
        controller.progressed.connect(self.on_progress)
        controller.running_changed.connect(self.on_running)

    @Slot(object)
    def on_progress(self, progress: object) -> None:
        self.threads.add(threading.get_ident())
        self.progress.append(progress)

    @Slot(bool)
    def on_running(self, running: bool) -> None:
        self.running.append(running)


@pytest.fixture
def hub_constants(monkeypatch):
    """huggingface_hub.constants, with HF_HUB_OFFLINE restored after the test."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", constants.HF_HUB_OFFLINE)
    return constants


@pytest.fixture
def online(monkeypatch, hub_constants):
    """No HF_HUB_OFFLINE in the environment (tests/conftest.py sets it) — the fakes never
    reach the network, and the library flag is put back after the test."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    return hub_constants


@pytest.fixture
def make_controller(qtbot, tmp_path, online):
    made: list[RefreshController] = []

    def make(refresh=FakeRefresh, **kw) -> RefreshController:
        if refresh is FakeRefresh:
            refresh = FakeRefresh()
        kw.setdefault("client_factory", FakeClient)
        kw.setdefault("request_type", RefreshRequest)
        kw.setdefault("stale_after", timedelta(days=7))
        controller = RefreshController(tmp_path / "cache.sqlite", refresh=refresh, **kw)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        assert controller.shutdown(TIMEOUT)
        assert not controller.worker_thread.isRunning()


# -- the controller and its worker ------------------------------------------------------------


def test_progress_arrives_in_the_gui_thread_and_finished_carries_the_report(qtbot,
                                                                           make_controller):
    fake = FakeRefresh(n=5)
    controller = make_controller(fake)
    recorder = Recorder(controller)
    request = RefreshRequest(ids=("org/a", "org/b"))
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as blocker:
        assert controller.start(request)
        assert controller.is_running()
    report = blocker.args[0]
    assert report.updated == 5 and not report.cancelled
    assert [p.done for p in recorder.progress] == [1, 2, 3, 4, 5]
    assert recorder.progress[-1].total == 5
    assert recorder.threads == {threading.get_ident()}
    assert fake.threads[0] != threading.get_ident()
    assert fake.calls[0]["request"] is request
    assert str(fake.calls[0]["cache_path"]).endswith("cache.sqlite")
    assert isinstance(fake.calls[0]["client"], FakeClient)
    qtbot.waitUntil(lambda: recorder.running == [True, False], timeout=TIMEOUT)
    assert not controller.is_running()


def test_thousands_of_progress_reports_keep_true_alive(qtbot, make_controller):
    # PySide6 6.12.0's emit() drops a reference to True on every call; on Python 3.11 a long
    # refresh aborts the interpreter ("bool_dealloc"). pyproject excludes that release.
    before = sys.getrefcount(True)
    controller = make_controller(FakeRefresh(n=3000))
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT * 2):
        controller.start(RefreshRequest())
    qtbot.waitUntil(lambda: len(recorder.progress) == 3000, timeout=TIMEOUT)
    recorder.progress.clear()
    assert abs(sys.getrefcount(True) - before) < 200


def test_a_second_refresh_runs_on_the_same_thread_object(qtbot, make_controller):
    fake = FakeRefresh(n=2)
    controller = make_controller(fake)
    thread = controller.worker_thread
    for _ in range(3):
        with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
            assert controller.start(RefreshRequest(ids=("org/a",)))
    assert len(fake.calls) == 3
    assert controller.worker_thread is thread
    # The thread runs only while a refresh does.
    assert not thread.isRunning()


def test_start_is_ignored_while_running(qtbot, make_controller):
    fake = FakeRefresh("loop")
    controller = make_controller(fake)
    assert controller.start(RefreshRequest())
    assert not controller.start(RefreshRequest())
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
        assert fake.running.wait(TIMEOUT / 1000)
        controller.cancel()
    assert len(fake.calls) == 1


def test_cancel_mid_way_gives_a_cancelled_report(qtbot, make_controller):
    fake = FakeRefresh("loop")
    controller = make_controller(fake)
    recorder = Recorder(controller)
    controller.start(RefreshRequest(search="llama"))
    qtbot.waitUntil(lambda: len(recorder.progress) >= 3, timeout=TIMEOUT)
    assert recorder.progress[0].total is None
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as blocker:
        controller.cancel()
    assert blocker.args[0].cancelled
    assert not controller.is_running()


def test_cancel_ends_a_backoff_wait(qtbot, make_controller):
    controller = make_controller(FakeRefresh("backoff"))
    recorder = Recorder(controller)
    controller.start(RefreshRequest())
    qtbot.waitUntil(lambda: bool(recorder.progress), timeout=TIMEOUT)
    started = time.monotonic()
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as blocker:
        controller.cancel()
    assert blocker.args[0].cancelled
    assert time.monotonic() - started < 3


def test_an_exception_becomes_failed_with_a_clear_message(qtbot, make_controller, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    controller = make_controller(FakeRefresh("raise"))
    recorder = Recorder(controller)
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT) as blocker:
        controller.start(RefreshRequest())
    message = blocker.args[0]
    assert message.startswith("Refresh failed:")
    assert "RuntimeError" in message and "boom" in message
    assert "Traceback" not in message and "\n" not in message
    assert TOKEN not in message and "SECRET" not in message
    qtbot.waitUntil(lambda: recorder.running == [True, False], timeout=TIMEOUT)


def test_the_real_refresh_reports_a_refused_hub_as_a_whole_run_failure(qtbot, make_controller,
                                                                       monkeypatch):
    # refresh=None: openexplorer.hub.refresh.refresh itself; the client says offline, so the run
    # stops before any request and says why in report.failed ("*").
    from openexplorer.hub import refresh as hub_refresh

    budgets = []
    real = hub_refresh.refresh

    def recording(*args, **kwargs):
        budgets.append(kwargs.get("budget"))
        return real(*args, **kwargs)

    monkeypatch.setattr(hub_refresh, "refresh", recording)
    controller = make_controller(None, client_factory=lambda: FakeClient(offline=True))
    for _ in range(2):
        with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as blocker:
            assert controller.start(RefreshRequest(ids=("org/a",)))
        report = blocker.args[0]
        assert report.unreachable and report.failed[0].kind == "offline"
    assert len(budgets) == 2 and budgets[0] is not None
    assert budgets[1] is budgets[0]  # one API budget shared by successive runs


def test_a_whole_run_failure_shows_as_an_error_in_the_window(qtbot, make_window):
    win = make_window(None, client_factory=lambda: FakeClient(offline=True))
    with qtbot.waitSignal(win.refresh_controller.finished, timeout=TIMEOUT):
        win.refresh_action.trigger()
    status = win.refresh_status
    assert status.label.text().startswith("Refresh failed: offline mode is on")
    assert status.severity == ERROR
    assert status.last_refresh() is None  # nothing was refreshed


def test_the_worker_writes_through_its_own_connection(qtbot, make_controller, tmp_path):
    path = tmp_path / "cache.sqlite"
    with Cache.open(path) as ui_cache:  # the GUI thread's reader
        controller = make_controller(FakeRefresh("cache"))
        with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
            controller.start(RefreshRequest())
        assert ui_cache.get_meta("last_refresh") == "2026-11-26T12:00:00+00:00"


def test_shutdown_while_running_returns_in_time_and_the_thread_is_finished(qtbot,
                                                                          make_controller):
    fake = FakeRefresh("loop")
    controller = make_controller(fake)
    recorder = Recorder(controller)
    controller.start(RefreshRequest())
    qtbot.waitUntil(lambda: bool(recorder.progress), timeout=TIMEOUT)
    started = time.monotonic()
    assert controller.shutdown(2000)
    assert time.monotonic() - started < 2
    assert controller.worker_thread.isFinished() and not controller.worker_thread.isRunning()
    assert not controller.is_running()
    assert recorder.running == [True, False]
    # After shutdown nothing starts again.
    assert not controller.start(RefreshRequest())


def test_shutdown_of_an_idle_controller_is_immediate(make_controller):
    controller = make_controller()
    assert controller.shutdown(10)
    assert not controller.worker_thread.isRunning()


def test_offline_refuses_to_start_and_sets_hf_hub_offline(qtbot, make_controller, online):
    fake = FakeRefresh()
    controller = make_controller(fake, periodic=True)
    recorder = Recorder(controller)
    assert controller.periodic_active()
    with qtbot.waitSignal(controller.offline_changed, timeout=TIMEOUT) as blocker:
        controller.set_offline(True)
    assert blocker.args == [True]
    assert online.HF_HUB_OFFLINE is True
    assert controller.is_offline() and not controller.periodic_active()
    assert not controller.start(RefreshRequest())
    assert not controller.start_stale()
    qtbot.wait(50)
    assert fake.calls == [] and recorder.running == []
    assert not controller.worker_thread.isRunning()

    controller.set_offline(False)
    assert online.HF_HUB_OFFLINE is False
    assert controller.periodic_active()
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
        assert controller.start(RefreshRequest())


def test_going_offline_cancels_a_running_refresh(qtbot, make_controller):
    controller = make_controller(FakeRefresh("loop"))
    recorder = Recorder(controller)
    controller.start(RefreshRequest())
    qtbot.waitUntil(lambda: bool(recorder.progress), timeout=TIMEOUT)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT) as blocker:
        controller.set_offline(True)
    assert blocker.args[0].cancelled


def test_hf_hub_offline_in_the_environment_wins(qtbot, tmp_path, hub_constants, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    fake = FakeRefresh()
    controller = RefreshController(tmp_path / "c.sqlite", refresh=fake, offline=False,
                                   client_factory=FakeClient, request_type=RefreshRequest)
    try:
        assert controller.forced_offline and controller.is_offline()
        controller.set_offline(False)
        assert controller.is_offline() and hub_constants.HF_HUB_OFFLINE is True
        assert not controller.start(RefreshRequest())
    finally:
        assert controller.shutdown(TIMEOUT)
    assert fake.calls == []


def test_offline_comes_from_settings(tmp_path, make_controller, online):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue(SETTING_OFFLINE, True)
    controller = make_controller(settings=settings)
    assert controller.is_offline() and online.HF_HUB_OFFLINE is True


def test_periodic_refresh_asks_for_the_due_models_on_the_worker_thread(qtbot,
                                                                       make_controller):
    """Which models are due is the refresh's to work out, on the worker thread (seconds at Hub
    scale): the controller asks for the due ones, at most STALE_RUN_LIMIT."""
    fake = FakeRefresh()
    controller = make_controller(fake, cache="ui-cache", periodic=True, first_check_ms=10)
    with qtbot.waitSignal(controller.finished, timeout=TIMEOUT):
        pass
    request = fake.calls[0]["request"]
    assert request.ids == () and not request.search and not request.author
    assert request.stale_after == timedelta(days=7)
    assert request.limit == refresh_worker.STALE_RUN_LIMIT
    assert fake.threads[0] != threading.get_ident()


def test_periodic_refresh_with_nothing_due_says_so_quietly(qtbot, make_controller):
    fake = FakeRefresh(n=0)  # the refresh found nothing due: nothing requested
    controller = make_controller(fake, periodic=True, first_check_ms=10)
    finished = []
    controller.finished.connect(finished.append)
    with qtbot.waitSignal(controller.nothing_due, timeout=TIMEOUT):
        pass
    assert len(fake.calls) == 1 and not controller.is_running() and finished == []
    assert controller.start_stale()  # and again: a failure would not count as "nothing due"
    with qtbot.waitSignal(controller.nothing_due, timeout=TIMEOUT):
        pass


def test_a_stale_refresh_that_fails_is_a_failure_not_nothing_due(qtbot, make_controller):
    fake = FakeRefresh(mode="raise")
    controller = make_controller(fake)
    nothing = []
    controller.nothing_due.connect(lambda: nothing.append(1))
    with qtbot.waitSignal(controller.failed, timeout=TIMEOUT):
        assert controller.start_stale()
    assert nothing == [] and not controller.is_running()


def test_periodic_interval_comes_from_settings(tmp_path, make_controller):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    assert make_controller(settings=settings, periodic=True)._timer.interval() == 6 * 3_600_000
    settings.setValue(refresh_worker.SETTING_INTERVAL_HOURS, 0.5)
    assert make_controller(settings=settings, periodic=True)._timer.interval() == 1_800_000


def test_error_messages_are_one_line_and_name_the_problem():
    class ConnectError(Exception):
        pass

    assert "could not be reached" in describe_error(ConnectError("[Errno 111] refused"))
    message = describe_error(ValueError(f"bad token {TOKEN}\nmore"))
    assert TOKEN not in message and "\n" not in message and "ValueError" in message


def test_the_worker_without_a_cache_file_fails_politely(qtbot):
    worker = RefreshWorker(None, refresh=FakeRefresh(), client_factory=FakeClient)
    with qtbot.waitSignal(worker.failed, timeout=TIMEOUT) as blocker:
        worker.run(RefreshRequest())  # directly, in this thread
    assert "in memory" in blocker.args[0]


# -- MainWindow wiring ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("ui-refresh") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, cache, settings, online):
    def make(refresh=FakeRefresh, *, client_factory=FakeClient, **kw) -> MainWindow:
        if refresh is FakeRefresh:
            refresh = FakeRefresh()
        controller = RefreshController(
            cache.path, cache=cache, refresh=refresh, settings=settings,
            client_factory=client_factory, request_type=RefreshRequest,
            stale_after=timedelta(days=7))
        win = MainWindow(cache, settings=settings, refresh_controller=controller, **kw)
        qtbot.addWidget(win)
        win.show()
        qtbot.waitExposed(win)
        return win

    return make


def test_the_default_window_starts_no_refresh(qtbot, cache, settings, online):
    win = MainWindow(cache, settings=settings)
    qtbot.addWidget(win)
    controller = win.refresh_controller
    assert not controller.is_running() and not controller.periodic_active()
    assert not controller.worker_thread.isRunning()
    assert win.refresh_action.shortcut().toString() == "Ctrl+R"
    assert win.refresh_status.parent() is not None


def test_ctrl_r_starts_the_injected_controller_and_results_rerun(qtbot, make_window):
    fake = FakeRefresh(n=3)
    win = make_window(fake)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=TIMEOUT)
    rows_before = win.search.model.rowCount()
    reruns = []
    win.search.model.modelReset.connect(lambda: reruns.append(1))
    with qtbot.waitSignal(win.refresh_controller.finished, timeout=TIMEOUT):
        qtbot.keyClick(win, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    request = fake.calls[0]["request"]  # the due models, worked out by the refresh
    assert request.ids == () and request.stale_after == timedelta(days=7)
    qtbot.waitUntil(lambda: bool(reruns), timeout=TIMEOUT)
    assert win.search.model.rowCount() == rows_before
    assert not win.refresh_status.progress.isVisible()


def test_status_widget_follows_a_running_refresh_and_cancel(qtbot, make_window):
    win = make_window(FakeRefresh("loop"))
    status = win.refresh_status
    win.refresh_action.trigger()
    qtbot.waitUntil(lambda: status.progress.isVisible() and status.cancel_button.isVisible(),
                    timeout=TIMEOUT)
    qtbot.waitUntil(lambda: "Refreshing" in status.label.text(), timeout=TIMEOUT)
    with qtbot.waitSignal(win.refresh_controller.finished, timeout=TIMEOUT):
        qtbot.mouseClick(status.cancel_button, Qt.MouseButton.LeftButton)
    assert "cancelled" in status.label.text()
    assert not status.progress.isVisible() and not status.cancel_button.isVisible()


def test_work_offline_toggles_and_persists(qtbot, make_window, settings, online):
    win = make_window()
    action = win.offline_action
    assert action.isCheckable() and not action.isChecked()
    hub_menu = next(a.menu() for a in win.menuBar().actions() if a.text() == "&Hub")
    assert action in hub_menu.actions()
    action.trigger()
    assert action.isChecked() and win.refresh_controller.is_offline()
    assert online.HF_HUB_OFFLINE is True
    assert not win.refresh_action.isEnabled()
    assert "offline" in win.refresh_status.label.text().lower()
    settings.sync()
    assert QSettings(settings.fileName(), QSettings.Format.IniFormat).value(
        SETTING_OFFLINE, type=bool) is True

    again = make_window()
    assert again.offline_action.isChecked() and again.refresh_controller.is_offline()
    again.offline_action.trigger()
    assert not again.refresh_controller.is_offline() and online.HF_HUB_OFFLINE is False
    assert settings.value(SETTING_OFFLINE, type=bool) is False


def test_close_event_shuts_the_controller_down(qtbot, make_window):
    fake = FakeRefresh("loop")
    win = make_window(fake)
    recorder = Recorder(win.refresh_controller)
    win.refresh_action.trigger()
    qtbot.waitUntil(lambda: bool(recorder.progress), timeout=TIMEOUT)
    win.close()
    controller = win.refresh_controller
    assert controller.worker_thread.isFinished() and not controller.is_running()
    assert not controller.start(RefreshRequest())


def test_periodic_window_does_not_refresh_offline(qtbot, make_window, settings):
    settings.setValue(SETTING_OFFLINE, True)
    fake = FakeRefresh()
    win = make_window(fake, periodic=True)
    assert not win.refresh_controller.periodic_active()
    win.refresh_action.trigger()  # disabled: nothing happens
    qtbot.wait(50)
    assert fake.calls == []
