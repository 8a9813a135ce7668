"""Cyclic garbage collection on the GUI thread only (openexplorer/ui/collector.py): a worker
thread that allocates never runs the collector, so it never finalises a Qt object the GUI thread
owns (the cause of a hang seen once in fifteen runs of the suite)."""

from __future__ import annotations

import gc
import threading
import weakref

from openexplorer.ui import collector


class Node:
    def __init__(self) -> None:
        self.me = self  # a cycle: only the cyclic collector frees it


def test_the_automatic_collector_is_off_and_the_gui_thread_collects(qtbot) -> None:
    assert collector.install() and collector.installed()
    assert not gc.isenabled()
    threads: list[int] = []
    gc.callbacks.append(lambda phase, info: threads.append(threading.get_ident())
                        if phase == "start" else None)
    try:
        node = Node()
        ref = weakref.ref(node)
        del node

        def allocate() -> None:  # cycles far past every threshold, on a worker
            for _ in range(50_000):
                Node()

        worker = threading.Thread(target=allocate)
        worker.start()
        worker.join()
        assert ref() is not None  # the worker never collected
        qtbot.waitUntil(lambda: ref() is None, timeout=5000)  # the GUI thread's timer did
        assert threads and set(threads) == {threading.get_ident()}
    finally:
        gc.callbacks.pop()
