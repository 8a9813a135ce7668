"""The app on a damaged cache: a clear message box on start, "Rebuild from the bundled snapshot
(the damaged file is kept)" or "Quit"; a cache from a newer version is refused, never rebuilt."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

from openexplorer.store import cache_file as store  # noqa: E402
from openexplorer.db.cache import SCHEMA_VERSION  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import app as app_module  # noqa: E402
from openexplorer.ui.app import REBUILD_BUTTON, open_cache_or_recover  # noqa: E402


class Answers:
    """Answers the message boxes that come up, clicking the buttons named, in turn; records what
    each box said."""

    def __init__(self, *buttons: str) -> None:
        self.buttons = list(buttons)
        self.seen: list[dict[str, object]] = []
        self.timer = QTimer()
        self.timer.setInterval(20)
        self.timer.timeout.connect(self.tick)
        self.timer.start()

    def tick(self) -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible() or box.property("answered"):
            return
        box.setProperty("answered", True)
        names = [b.text() for b in box.buttons()]
        self.seen.append({"title": box.windowTitle(), "text": box.text(),
                          "informative": box.informativeText(), "buttons": names,
                          "icon": box.icon()})
        wanted = self.buttons.pop(0) if self.buttons else None
        button = next((b for b in box.buttons() if b.text() == wanted), None)
        if button is None:  # OK / the only button
            button = box.buttons()[0]
        button.click()

    def stop(self) -> None:
        self.timer.stop()


@pytest.fixture
def answers(qtbot) -> Iterator[type[Answers]]:
    made: list[Answers] = []

    def make(*buttons: str) -> Answers:
        made.append(Answers(*buttons))
        return made[-1]

    yield make  # type: ignore[misc]
    for a in made:
        a.stop()


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ui-damaged") / "pristine.sqlite"
    open_cache(path).close()
    return path


@pytest.fixture
def damaged(pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cache.sqlite"
    shutil.copyfile(pristine, path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO watchlist(kind, value, added_at) VALUES ('family', 'olmo', "
                     "'2026-11-01')")
    conn.close()
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)
    # A new cache is a copy of the pristine one (the build itself is tested elsewhere).
    monkeypatch.setattr(store, "create_from_snapshot",
                        lambda target: shutil.copyfile(pristine, target))
    return path


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_rebuild_from_the_message_box(qtbot, answers, damaged: Path) -> None:
    before = digest(damaged)
    said = answers(REBUILD_BUTTON, "OK")
    cache = open_cache_or_recover(damaged)
    assert cache is not None
    try:
        assert cache.count("releases") > 500
    finally:
        cache.close()
    first, second = said.seen
    assert "damaged" in str(first["text"]) and str(damaged) in str(first["text"])
    assert "kept" in str(first["informative"]) and "never deleted" in str(first["informative"])
    assert first["buttons"] == [REBUILD_BUTTON, "Quit"]
    aside = [p for p in damaged.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and digest(aside[0]) == before
    assert "rebuilt" in str(second["title"]) and f"kept as {aside[0]}" in str(second["text"])


def test_quit_leaves_everything_as_it_was(qtbot, answers, damaged: Path) -> None:
    before = digest(damaged)
    said = answers("Quit")
    assert open_cache_or_recover(damaged) is None
    assert len(said.seen) == 1
    assert digest(damaged) == before
    assert sorted(p.name for p in damaged.parent.iterdir()) == ["cache.sqlite"]


def test_a_newer_schema_is_refused_without_a_rebuild_button(qtbot, answers, pristine: Path,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    shutil.copyfile(pristine, path)
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(path)
    said = answers()
    assert open_cache_or_recover(path) is None
    (box,) = said.seen
    assert "newer" in str(box["text"]) and REBUILD_BUTTON not in box["buttons"]
    assert box["icon"] == QMessageBox.Icon.Critical
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == [
        "newer.sqlite"]


def test_the_app_quits_with_status_1_when_the_user_quits(qtbot, answers, damaged: Path,
                                                         tmp_path: Path) -> None:
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path / "settings"))
    said = answers("Quit")
    assert app_module.main(db=damaged) == 1
    assert len(said.seen) == 1 and "damaged" in str(said.seen[0]["text"])


def test_an_empty_cache_is_rebuilt_and_the_window_says_where_the_data_came_from(
        qtbot, answers, pristine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 0-byte cache (#16): kept aside, rebuilt, the watchlist restored from the copy beside
    it, and a message box says so (it used to be filled in place, silently, and the copy
    emptied)."""
    from openexplorer.store import userdata

    path = tmp_path / "cache.sqlite"
    shutil.copyfile(pristine, path)
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO watchlist(kind, value, added_at) VALUES ('family', 'olmo', "
                     "'2026-11-01')")
    conn.close()
    open_cache(path).close()  # the copy of the user's data beside it
    copy = userdata.backup_path(path).read_bytes()
    path.write_bytes(b"")
    monkeypatch.setattr(store, "create_from_snapshot",
                        lambda target: shutil.copyfile(pristine, target))
    said = answers()
    cache = open_cache_or_recover(path)
    assert cache is not None
    try:
        assert cache.conn.execute("SELECT value FROM watchlist").fetchall() == [("olmo",)]
    finally:
        cache.close()
    (box,) = said.seen
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and str(aside[0]) in str(box["text"])
    assert "empty" in str(box["text"]) and "restored" in str(box["text"])
    assert userdata.backup_path(path).read_bytes() == copy
