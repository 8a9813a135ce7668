"""Reading the cache off the GUI thread, for a view: the one way the window's views do it.

A view owns a :class:`CacheReader` and calls :meth:`CacheReader.read` with a function of a
:class:`~openexplorer.db.cache.Cache`. The function runs on Qt's thread pool (a
:class:`CacheReadJob`) with a read-only connection of its own; its value comes back to the view
through :attr:`CacheReader.ready`, queued into the GUI thread — only the answer to the view's
latest request: each request carries a generation tag, and a late answer to an older one is
dropped. A failure is reported through :attr:`CacheReader.failed`, never raised on the pool
thread. (The search results' page reader in results_model.py keeps a thread of its own; the
summaries' update in summary_worker.py writes, with progress, on a thread of its own.)
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

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


class CacheReader(QObject):
    """A view's reads of the cache on the thread pool; it hears only its latest request's answer.

    Signals:
        ready(object): the value of the latest :meth:`read`.
        failed(str): the latest :meth:`read` failed (e.g. a second connection was refused); the
            view may read on its own connection instead.
    """

    ready = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject, *, what: str) -> None:
        super().__init__(parent)
        self._what = what
        self._generation = 0
        self._signals = JobSignals(self)
        self._signals.ready.connect(self._on_ready)
        self._signals.failed.connect(self._on_failed)

    @property
    def generation(self) -> int:
        """The latest request's tag (answers to earlier ones are dropped)."""
        return self._generation

    def read(self, path: str | Path, read: Callable[[Cache], Any]) -> int:
        """Run ``read(cache)`` on the pool with a read-only connection to the cache at ``path``;
        answers under way to earlier requests will be dropped. Returns the request's tag."""
        self._generation += 1
        QThreadPool.globalInstance().start(CacheReadJob(
            str(path), read, self._generation, self._signals, what=self._what))
        return self._generation

    def drop_pending(self) -> int:
        """Drop the answers still under way (the view read, or will read, otherwise)."""
        self._generation += 1
        return self._generation

    @Slot(int, object)
    def _on_ready(self, generation: int, value: object) -> None:
        if generation == self._generation:
            self.ready.emit(value)

    @Slot(int, str)
    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.failed.emit(message)
