"""Reading the cache on Qt's thread pool for a view (the Overview's figures, the licence matrix).

A :class:`CacheReadJob` opens a read-only connection of its own, calls ``read(cache)`` and hands
the result to the view through :class:`JobSignals` (queued into the GUI thread), tagged with the
view's generation so that a late answer to an older request is dropped. A failure is reported,
never raised on the pool thread.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Signal

from openexplorer.db.cache import Cache

log = logging.getLogger(__name__)


class JobSignals(QObject):
    """Carries a job's result, or its failure, to the view: ``(generation, value)``."""

    ready = Signal(int, object)
    failed = Signal(int, str)


class CacheReadJob(QRunnable):
    """``read(cache)`` on a pool thread, with a read-only connection to the cache at ``path``."""

    def __init__(self, path: str, read: Callable[[Cache], Any], generation: int,
                 signals: JobSignals, *, what: str) -> None:
        super().__init__()
        self._path, self._read, self._generation = path, read, generation
        self._signals, self._what = signals, what

    def run(self) -> None:
        try:
            with Cache.open(self._path, readonly=True) as cache:
                value = self._read(cache)
        except Exception as exc:  # noqa: BLE001 - reported to the view, never raised here
            log.warning("%s could not be read: %s", self._what, exc)
            self._emit(self._signals.failed, str(exc))
            return
        self._emit(self._signals.ready, value)

    def _emit(self, signal: Any, value: object) -> None:
        with contextlib.suppress(RuntimeError):  # the view went away meanwhile
            signal.emit(self._generation, value)
