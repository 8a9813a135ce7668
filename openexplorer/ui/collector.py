"""Python's cyclic garbage collection, on the GUI thread only.

Python runs its cyclic collector in whichever thread allocates when a threshold is passed. Here
that is often a worker: the page reader, the facet count, the clause matrix, the summary update,
the refresh. A collection there can finalise Qt wrappers that belong to the GUI thread; if the
GUI thread meanwhile waits for the interpreter lock inside Qt, both wait for ever (the test suite
hung so, once in fifteen runs). :func:`install` switches the automatic collector off and collects
on the GUI thread instead, on a timer, by the collector's own thresholds; :func:`hold` keeps it
still for a while (the results table while it scrolls). The app installs it from its main, with
the other patches of third-party behaviour (patches.py).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Slot


class _Collector(QObject):
    INTERVAL_MS = 100

    def __init__(self, app: QCoreApplication) -> None:
        super().__init__(app)
        self.app = app
        self.holders: set[int] = set()
        self._timer = QTimer(self)
        self._timer.setInterval(self.INTERVAL_MS)
        self._timer.timeout.connect(self.collect)
        self._timer.start()
        gc.disable()

    @Slot()
    def collect(self) -> None:
        """What the automatic collector would have done by now (each generation past its
        threshold), unless held."""
        if self.holders:
            return
        limits, counts = gc.get_threshold(), gc.get_count()
        generation = -1
        for index in range(3):
            if counts[index] > limits[index]:
                generation = index
        if generation >= 0:
            gc.collect(generation)


_collector: _Collector | None = None


def install() -> bool:
    """Collect on the GUI thread from now on (once per application; needs one). True if done."""
    global _collector
    app = QCoreApplication.instance()
    if app is None:
        return False
    if _collector is None or _collector.app is not app:
        _collector = _Collector(app)
    return True


def installed() -> bool:
    app = QCoreApplication.instance()
    return _collector is not None and app is not None and _collector.app is app


def is_held() -> bool:
    """Whether a :func:`hold` keeps the collector still now (False when not installed)."""
    return installed() and _collector is not None and bool(_collector.holders)


def hold(key: int) -> None:
    """No collection until :func:`release` of the same key (nothing if not installed)."""
    if installed() and _collector is not None:
        _collector.holders.add(key)


def release(key: int) -> None:
    if _collector is not None:
        _collector.holders.discard(key)
