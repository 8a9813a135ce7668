"""Hub refresh in the background: a worker on a QThread and the controller that owns it.

``RefreshWorker`` is a thin Qt wrapper around the pure ``openexplorer.hub.refresh.refresh()``. It lives
on a worker thread, builds its Hub client there and hands ``refresh()`` the cache *path*, so the
refresh opens its own SQLite connection on that thread and is the only writer (docs/architecture.md, "Threads").

``RefreshController`` lives in the GUI thread. It owns one QThread for its whole life: the thread is
started for each refresh and quit + joined when the worker reports, and on exit it is stopped
with ``requestInterruption()`` + ``quit()`` + ``wait()`` in :meth:`RefreshController.shutdown`. The
QThread is parented to the controller and never ``deleteLater``'d (docs/tech-notes.md G5). Every signal
that crosses threads goes to an ``@Slot`` method of the controller, never to a lambda.

Offline: :meth:`RefreshController.set_offline` stops the timer, cancels a running refresh and sets
``huggingface_hub.constants.HF_HUB_OFFLINE``; while offline, :meth:`RefreshController.start`
refuses, so nothing touches the network. ``HF_HUB_OFFLINE=1`` in the environment forces offline.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QSettings, QThread, QTimer, Signal, Slot

from openexplorer.core import settings as user_settings
from openexplorer.hub.redaction import redact

log = logging.getLogger(__name__)

#: QSettings keys (UI state; shared with MainWindow).
SETTING_OFFLINE = "hub/offline"
SETTING_INTERVAL_HOURS = "hub/refresh_interval_hours"
SETTING_STALE_AFTER_HOURS = "hub/stale_after_hours"

DEFAULT_INTERVAL_HOURS = 6.0
#: First stale check after the periodic timer is switched on (then every interval).
FIRST_CHECK_MS = 30_000
_MAX_TIMER_MS = 2**31 - 1
_END_RUN_WAIT_MS = 2000

RefreshFn = Callable[..., Any]
#: Models a periodic (or Ctrl+R) refresh takes at most, the longest unrefreshed first: at Hub
#: scale everything is due all the time, and the rate limits allow a few thousand an hour.
STALE_RUN_LIMIT = 1000

_TRUE = {"1", "true", "yes", "on"}
#: What huggingface_hub reads as true in HF_HUB_OFFLINE (exactly, without stripping).
_HUB_TRUE = {"1", "ON", "YES", "TRUE"}


def env_forces_offline(environ: Any = None) -> bool:
    """True when ``HF_HUB_OFFLINE`` in the environment asks for offline mode (it wins over the UI)."""
    env = os.environ if environ is None else environ
    return str(env.get("HF_HUB_OFFLINE", "")).strip().lower() in _TRUE


def _set_hub_offline(offline: bool) -> None:
    """Tell huggingface_hub (imported lazily) whether it may touch the network."""
    if "huggingface_hub.constants" not in sys.modules and (
            not offline or os.environ.get("HF_HUB_OFFLINE", "").upper() in _HUB_TRUE):
        # Not imported yet, and it will read the environment when it is: no need to import it
        # now, on the way to the first window.
        return
    try:
        from huggingface_hub import constants
    except ImportError:  # pragma: no cover - huggingface_hub is a dependency
        return
    constants.HF_HUB_OFFLINE = offline


def describe_error(exc: BaseException) -> str:
    """One clear line for the status bar: no traceback, no token."""
    name = type(exc).__name__
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    first = redact(first)[:200]
    names = {c.__name__ for c in type(exc).__mro__}
    if "OfflineModeIsEnabled" in names:
        message = "offline mode is on, so the Hub was not contacted"
    elif names & {"ConnectError", "ConnectionError", "ConnectTimeout", "TimeoutException",
                  "TimeoutError", "ReadTimeout", "NetworkError"}:
        message = "the Hugging Face Hub could not be reached; showing cached data"
    elif "CacheError" in names or "OperationalError" in names:
        message = f"the cache could not be updated ({first or name})"
    elif "HfHubHTTPError" in names:
        message = f"the Hub answered with an error ({first or name})"
    else:
        message = f"unexpected error ({name}{': ' + first if first else ''})"
    return f"Refresh failed: {message}."


def _default_refresh() -> RefreshFn:
    from openexplorer.hub.refresh import refresh

    return refresh


def _default_client() -> Any:
    from openexplorer.hub.client import HubClient

    return HubClient()


class RefreshWorker(QObject):
    """Runs one refresh at a time on the thread it was moved to.

    Signals:
        progressed(object): a ``RefreshProgress`` (done, total or None, current_id, phase).
        finished(object): the ``RefreshReport`` (also when cancelled: ``report.cancelled``).
        failed(str): the refresh could not run or stopped on an error; a one-line message.
    """

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(
        self,
        cache_path: str | Path | None,
        *,
        refresh: RefreshFn | None = None,
        client_factory: Callable[[], Any] | None = None,
        now: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        """``refresh`` defaults to ``openexplorer.hub.refresh.refresh`` and ``client_factory`` to
        ``openexplorer.hub.client.HubClient`` (both imported and called in the worker thread)."""
        super().__init__()  # no parent: it is moved to the worker thread
        self._cache_path = Path(cache_path) if cache_path is not None else None
        self._refresh = refresh
        self._client_factory = client_factory or _default_client
        self._now = now
        self._sleep = sleep
        self._stop = threading.Event()
        self._budget: Any = None
        self._budget_tier: str | None = None

    # -- called from any thread ------------------------------------------------------------------

    def request_stop(self) -> None:
        """Ask the running refresh to stop at its next check (thread-safe)."""
        self._stop.set()

    def clear_stop(self) -> None:
        """Forget an earlier stop request; call before queueing a new run."""
        self._stop.clear()

    def should_stop(self) -> bool:
        """True once a stop was requested or the thread was asked to finish."""
        if self._stop.is_set():
            return True
        thread = QThread.currentThread()
        return thread is not None and thread.isInterruptionRequested()

    def _emit_progress(self, progress: Any) -> None:
        self.progressed.emit(progress)

    def _interruptible_sleep(self, seconds: float) -> None:
        # Back-off and Retry-After waits end as soon as a stop is requested.
        self._stop.wait(max(0.0, float(seconds)))

    # -- runs in the worker thread ---------------------------------------------------------------

    @Slot(object)
    def run(self, request: Any) -> None:
        """Run one refresh; always ends with exactly one ``finished`` or ``failed``.

        The refresh itself checks that the Hub answers (about a second) and reports an
        unreachable or offline Hub in ``report.failed`` (id ``"*"``), so that is a ``finished``.
        """
        try:
            if self._cache_path is None:
                raise _Refusal("this cache is in memory, so there is nothing to refresh")
            client = self._client_factory()
            kwargs: dict[str, Any] = {
                "should_stop": self.should_stop,
                "on_progress": self._emit_progress,
                "sleep": self._sleep or self._interruptible_sleep,
            }
            if self._now is not None:
                kwargs["now"] = self._now
            if self._refresh is None:
                refresh = _default_refresh()
                budget = self._shared_budget(client, request)
                if budget is not None:
                    kwargs["budget"] = budget
            else:
                refresh = self._refresh
            report = refresh(client, self._cache_path, request, **kwargs)
        except _Refusal as exc:
            self.failed.emit(f"Refresh failed: {exc}.")
        except BaseException as exc:  # noqa: BLE001 - the UI gets a message, the log the details
            log.warning("refresh failed: %s", redact(repr(exc)))
            self.failed.emit(describe_error(exc))
        else:
            self.finished.emit(report)

    def _shared_budget(self, client: Any, request: Any) -> Any:
        """One API budget for every run of this worker, so that refreshes one after another
        stay under the Hub's per-5-minute limit together (None: let the run make its own)."""
        if getattr(request, "tier", None) or getattr(request, "api_budget", None):
            return None
        from openexplorer.hub.refresh import RequestBudget, budget_for

        tier = "free" if getattr(client, "has_token", False) else "anonymous"
        if self._budget is None or self._budget_tier != tier:
            # Waits for the budget end as soon as a stop is requested.
            self._budget = RequestBudget(budget_for(tier, "api"),
                                         sleep=self._sleep or self._interruptible_sleep)
            self._budget_tier = tier
        return self._budget


class _Refusal(Exception):
    """A refresh that cannot start; its message is shown as it is."""


class RefreshController(QObject):
    """Starts, cancels and stops Hub refreshes; lives in the GUI thread.

    The worker thread runs only while a refresh does (it is quit and joined when the worker
    reports); :meth:`shutdown` stops it on exit. Call :meth:`shutdown` before dropping the
    controller (MainWindow.closeEvent does; so does ``QCoreApplication.aboutToQuit``).

    Signals:
        progressed(object): re-emitted ``RefreshProgress``.
        finished(object): re-emitted ``RefreshReport``.
        failed(str): re-emitted failure message (or a refusal, e.g. nothing to refresh offline).
        running_changed(bool): a refresh started (True) or ended (False).
        offline_changed(bool): offline mode switched.
        nothing_due(): a stale-only refresh found nothing to do (instead of ``finished``).
    """

    progressed = Signal(object)
    finished = Signal(object)
    failed = Signal(str)
    running_changed = Signal(bool)
    offline_changed = Signal(bool)
    nothing_due = Signal()

    _run_requested = Signal(object)

    def __init__(
        self,
        cache_path: str | Path | None,
        *,
        cache: Any = None,
        refresh: RefreshFn | None = None,
        request_type: Callable[..., Any] | None = None,
        client_factory: Callable[[], Any] | None = None,
        settings: QSettings | None = None,
        offline: bool | None = None,
        periodic: bool = False,
        first_check_ms: int = FIRST_CHECK_MS,
        stale_after: timedelta | None = None,
        now: Callable[[], datetime] | None = None,
        environ: Any = None,
        parent: QObject | None = None,
    ) -> None:
        """Build the controller; nothing runs and no thread starts until :meth:`start`.

        ``cache`` is the GUI thread's (read) cache. ``refresh``, ``request_type`` and
        ``client_factory`` default to ``openexplorer.hub.refresh`` / ``openexplorer.hub.client`` (imported
        when first needed).
        ``offline`` defaults to the ``hub/offline`` setting. With ``periodic``, the first
        stale check runs ``first_check_ms`` after the timer is switched on, then every
        ``hub/refresh_interval_hours`` (default 6).
        """
        super().__init__(parent)
        self._cache = cache
        self._stale_run = False
        self._request_type = request_type
        self._settings = settings
        self._stale_after = stale_after
        self._forced_offline = env_forces_offline(environ)
        self._running = False
        self._shut_down = False
        self._periodic = False

        self._thread = QThread(self)  # parented, never deleteLater'd (G5)
        self._thread.setObjectName("openexplorer-refresh")
        self._worker = RefreshWorker(cache_path, refresh=refresh, client_factory=client_factory,
                                     now=now)
        self._worker.moveToThread(self._thread)
        self._run_requested.connect(self._worker.run)
        self._worker.progressed.connect(self._on_worker_progressed)
        self._worker.finished.connect(self._on_worker_finished)
        self._worker.failed.connect(self._on_worker_failed)

        self._timer = QTimer(self)
        self._timer.setInterval(self._interval_ms())
        self._timer.timeout.connect(self._on_timer)
        self._first_check = QTimer(self, singleShot=True, interval=first_check_ms)
        self._first_check.timeout.connect(self._on_timer)

        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._on_about_to_quit)

        if offline is None:
            offline = bool(self._setting(SETTING_OFFLINE))
        self._offline = bool(offline)
        if self.is_offline():
            _set_hub_offline(True)
        self.set_periodic(periodic)

    # -- state -----------------------------------------------------------------------------------

    def is_running(self) -> bool:
        return self._running

    def is_offline(self) -> bool:
        """Offline by the user's choice or because HF_HUB_OFFLINE is set in the environment."""
        return self._offline or self._forced_offline

    @property
    def forced_offline(self) -> bool:
        return self._forced_offline

    @property
    def worker_thread(self) -> QThread:
        """The worker thread (for tests and diagnostics; do not delete it)."""
        return self._thread

    def stale_after(self) -> timedelta:
        if self._stale_after is not None:
            return self._stale_after
        hours = self._setting(SETTING_STALE_AFTER_HOURS)
        if hours is not None and hours > 0:
            return timedelta(hours=hours)
        from openexplorer.hub.refresh import DEFAULT_STALE_AFTER

        return DEFAULT_STALE_AFTER

    def periodic_active(self) -> bool:
        return self._timer.isActive()

    # -- commands --------------------------------------------------------------------------------

    def start(self, request: Any) -> bool:
        """Start a refresh for ``request``; False (and nothing happens) when offline, running or
        shut down."""
        if self._shut_down or self._running:
            return False
        if self.is_offline():
            log.info("refresh refused: working offline")
            return False
        self._worker.clear_stop()
        if not self._thread.isRunning():
            self._thread.start()
        self._running = True
        self.running_changed.emit(True)
        self._run_requested.emit(request)
        return True

    def start_stale(self) -> bool:
        """Refresh the models that are due (older than :meth:`stale_after`), at most
        :data:`STALE_RUN_LIMIT`, the longest unrefreshed first; False if refused. Which models
        are due is worked out by the refresh on the worker thread (seconds at Hub scale, never
        in the window's thread); ``nothing_due`` instead of ``finished`` when none is."""
        if self._shut_down or self._running or self.is_offline():
            return False
        request = self._request_type_fn()(stale_after=self.stale_after(), limit=STALE_RUN_LIMIT)
        self._stale_run = True
        if not self.start(request):
            self._stale_run = False
            return False
        return True

    @Slot()
    def cancel(self) -> None:
        """Ask a running refresh to stop; it ends with a report marked ``cancelled``."""
        if self._running:
            self._worker.request_stop()

    def set_offline(self, offline: bool) -> None:
        """Switch offline mode: stop the timer, cancel a running refresh, tell huggingface_hub."""
        offline = bool(offline)
        was = self.is_offline()
        self._offline = offline
        if self.is_offline():
            self._timer.stop()
            self._first_check.stop()
            self.cancel()
        _set_hub_offline(self.is_offline())
        if not self.is_offline() and self._periodic and not self._shut_down:
            self._timer.start(self._interval_ms())
            self._first_check.start()
        if was != self.is_offline():
            self.offline_changed.emit(self.is_offline())

    def set_periodic(self, enabled: bool) -> None:
        """Turn the periodic stale-only refresh on or off (it runs only when online)."""
        self._periodic = bool(enabled)
        if self._periodic and not self.is_offline() and not self._shut_down:
            self._timer.start(self._interval_ms())
            self._first_check.start()
        else:
            self._timer.stop()
            self._first_check.stop()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the timer, cancel and stop the worker thread; True when the thread has finished.

        ``requestInterruption()`` + ``quit()`` + ``wait()``; the thread is not deleted (G5).
        After shutdown the controller refuses new refreshes and ignores late signals.
        """
        self._shut_down = True
        self._timer.stop()
        self._first_check.stop()
        self._worker.request_stop()
        if self._thread.isRunning():
            self._thread.requestInterruption()
            self._thread.quit()
            if not self._thread.wait(max(0, int(timeout_ms))):
                log.warning("the refresh thread did not stop within %d ms", timeout_ms)
                return False
        if self._running:
            self._running = False
            self.running_changed.emit(False)
        return True

    # -- slots (GUI thread) ----------------------------------------------------------------------

    @Slot(object)
    def _on_worker_progressed(self, progress: object) -> None:
        if not self._shut_down:
            self.progressed.emit(progress)

    @Slot(object)
    def _on_worker_finished(self, report: object) -> None:
        if self._shut_down:
            return
        stale, self._stale_run = self._stale_run, False
        self._end_run()
        if getattr(report, "gave_up", False) and self._timer.isActive() \
                and hasattr(report, "retry_at"):
            # The Hub failed too often: say when the next scheduled refresh tries again.
            report.retry_at = datetime.now().astimezone() + timedelta(
                milliseconds=max(0, self._timer.remainingTime()))
        if (stale and getattr(report, "requested", None) == 0 and not getattr(report, "failed", None)
                and not getattr(report, "cancelled", False)):
            self.nothing_due.emit()
        else:
            self.finished.emit(report)
        self.running_changed.emit(False)

    @Slot(str)
    def _on_worker_failed(self, message: str) -> None:
        if self._shut_down:
            return
        self._stale_run = False
        self._end_run()
        if self.is_offline():  # the user went offline mid-run; the Hub library refused the call
            message = "Refresh stopped: working offline."
        self.failed.emit(message)
        self.running_changed.emit(False)

    @Slot()
    def _on_about_to_quit(self) -> None:
        self.shutdown()

    @Slot()
    def _on_timer(self) -> None:
        if self._periodic and not self.is_offline():
            self.start_stale()

    # -- helpers ---------------------------------------------------------------------------------

    def _end_run(self) -> None:
        """The worker emitted its last signal: let the thread finish until the next run.

        The thread only runs while a refresh does, so a controller that is dropped between
        refreshes never destroys a running QThread. The worker returns to the event loop right
        after its last emit, so this wait is short.
        """
        self._running = False
        self._thread.quit()
        if not self._thread.wait(_END_RUN_WAIT_MS):
            log.warning("the refresh thread is slow to finish")

    def _request_type_fn(self) -> Callable[..., Any]:
        if self._request_type is None:
            from openexplorer.hub.refresh import RefreshRequest

            self._request_type = RefreshRequest
        return self._request_type

    def _interval_ms(self) -> int:
        hours = self._setting(SETTING_INTERVAL_HOURS)
        if hours is None or hours <= 0:
            hours = DEFAULT_INTERVAL_HOURS
        return max(1000, min(_MAX_TIMER_MS, int(hours * 3_600_000)))

    def _setting(self, key: str) -> Any:
        """A user setting, read and coerced by core/settings (its default without a store)."""
        if self._settings is None:
            return user_settings.SETTINGS_BY_NAME[key].default
        return user_settings.value(self._settings, key)
