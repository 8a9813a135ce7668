"""The one way views read the cache off the GUI thread (openexplorer/ui/cache_job.py): a
read-only connection of its own, only the latest request's answer heard, failures reported."""

from __future__ import annotations

import sqlite3
import threading

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QObject  # noqa: E402

from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.cache_job import CacheReader  # noqa: E402


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("cache-job") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def reader(qtbot):
    owner = QObject()
    yield CacheReader(owner, what="a test read")
    owner.deleteLater()


def test_the_read_runs_on_a_pool_thread_with_a_read_only_connection(qtbot, cache, reader):
    seen: list[tuple[int, bool]] = []

    def read(own):
        try:
            own.conn.execute("CREATE TABLE scratch (x)")
            writable = True
        except sqlite3.OperationalError:  # attempt to write a readonly database
            writable = False
        seen.append((threading.get_ident(), writable))
        return own.count("releases")

    with qtbot.waitSignal(reader.ready, timeout=10_000) as answer:
        reader.read(cache.path, read)
    assert answer.args == [cache.count("releases")]
    assert seen and seen[0][0] != threading.get_ident() and seen[0][1] is False


def test_only_the_latest_request_is_answered(qtbot, cache, reader):
    release = threading.Event()
    answers: list[object] = []
    reader.ready.connect(answers.append)

    def slow(_cache):
        release.wait(10)
        return "old"

    first = reader.read(cache.path, slow)
    second = reader.read(cache.path, lambda _cache: "new")
    assert second > first == second - 1 and reader.generation == second
    qtbot.waitUntil(lambda: answers == ["new"], timeout=10_000)
    release.set()
    qtbot.wait(200)  # the old answer arrives now, and is dropped
    assert answers == ["new"]


def test_dropping_what_is_under_way(qtbot, cache, reader):
    answers: list[object] = []
    reader.ready.connect(answers.append)
    reader.read(cache.path, lambda _cache: "late")
    reader.drop_pending()  # e.g. the view read on its own connection meanwhile
    qtbot.wait(300)
    assert answers == []


def test_a_failure_is_reported_not_raised(qtbot, cache, reader):
    def broken(_cache):
        raise RuntimeError("no such table: releases")

    with qtbot.waitSignal(reader.failed, timeout=10_000) as failure:
        reader.read(cache.path, broken)
    assert failure.args == ["no such table: releases"]
    with qtbot.waitSignal(reader.failed, timeout=10_000) as failure:
        reader.read(cache.path.parent / "missing" / "none.sqlite", lambda c: 1)
    assert failure.args[0]
