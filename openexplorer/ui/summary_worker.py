"""Release summaries brought to a new version's rules in the background.

After an update, the summaries a large cache keeps for search, facets and sorting were computed
under the earlier rules; recomputing them takes about ten minutes at a million releases. The
window opens at once with the earlier figures (the release pages are computed on read, always
under the current rules) while :class:`SummaryUpdater` runs
:func:`openexplorer.search.summary.update_to_rules` on a thread of its own, with its own connection,
a batch of releases per transaction. Closing the window stops it between batches; the next start
goes on from where it stopped. Same thread discipline as the refresh (refresh_worker.py): one
QThread owned by the controller, quit and joined when the worker reports, signals to slots.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class SummaryWorker(QObject):
    """Runs on the updater's thread; reports through signals."""

    progressed = Signal(int, int)  # releases done, releases in all
    finished = Signal(bool)  # True: done; False: stopped before the end
    failed = Signal(str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._stop = threading.Event()

    def request_stop(self) -> None:
        self._stop.set()

    @Slot()
    def run(self) -> None:
        from openexplorer.search import summary
        from openexplorer.db.cache import Cache

        try:
            cache = Cache.open(self._path)
            try:
                done = summary.update_to_rules(cache, should_stop=self._stop.is_set,
                                               progress=self.progressed.emit)
            finally:
                cache.close()
        except Exception as exc:  # noqa: BLE001 - reported in the window, the figures kept
            log.exception("updating the release summaries failed")
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.finished.emit(done)


class SummaryUpdater(QObject):
    """Owns the worker's thread (GUI thread). :meth:`start` once; :meth:`shutdown` on close."""

    progressed = Signal(int, int)
    finished = Signal(bool)
    failed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread(self)
        self._thread.setObjectName("openexplorer-summaries")
        self._worker = SummaryWorker(path)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self._on_progressed)
        self._worker.finished.connect(self._on_finished)
        self._worker.failed.connect(self._on_failed)
        self._running = False

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        if not self._running:
            self._running = True
            self._thread.start(QThread.Priority.LowPriority)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop between batches and join the thread. True when it has stopped."""
        self._worker.request_stop()
        self._thread.quit()
        stopped = self._thread.wait(timeout_ms)
        if stopped:
            self._running = False
        return stopped

    def _end(self) -> None:
        self._running = False
        self._thread.quit()
        self._thread.wait()

    @Slot(int, int)
    def _on_progressed(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(bool)
    def _on_finished(self, done: bool) -> None:
        self._end()
        self.finished.emit(done)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        self._end()
        self.failed.emit(message)
