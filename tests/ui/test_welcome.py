"""The first-run welcome: what the data is, where it comes from, how fresh, refresh or offline;
shown once; its "Work offline" box drives the main window's own action."""

from __future__ import annotations

import html
import os
import subprocess
import sys
from datetime import date

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QAction  # noqa: E402
from PySide6.QtWidgets import QWidget  # noqa: E402

from openexplorer.core.sources import SOURCES  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui import welcome  # noqa: E402
from openexplorer.ui.main_window import MainWindow  # noqa: E402
from openexplorer.ui.refresh_worker import SETTING_OFFLINE  # noqa: E402
from tests.conftest import REPO  # noqa: E402


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("welcome") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


class FakeWindow(QWidget):
    """A window with the main window's "Work offline" action, nothing else."""

    def __init__(self, *, offline: bool = False, locked: bool = False) -> None:
        super().__init__()
        self.offline_action = QAction("Work offline", self, checkable=True)
        self.offline_action.setChecked(offline)
        self.offline_action.setEnabled(not locked)


def test_the_text_says_what_where_how_fresh_and_how_to_refresh_or_stay_offline(cache):
    built = cache.get_meta("snapshot_built")
    text = welcome.welcome_html(cache, today=date.fromisoformat(built))
    assert f"{cache.count('releases'):,} AI model releases" in text
    for source in SOURCES.values():
        if source.id != "hub":
            assert html.escape(source.name) in text
    assert f"built on {built} (today)" in text
    assert "Nothing has been fetched from the Hugging Face Hub yet" in text
    assert "Refresh from the Hub (Ctrl+R)" in text and "openexplorer refresh" in text
    assert "Work offline" in text and "nothing is ever sent" in text
    assert "in the background" in text


def test_the_text_gives_each_sources_version_and_the_last_refresh(cache, monkeypatch):
    text = welcome.welcome_html(cache)
    assert "8b5d30e9" in text  # the MOT snapshot's commit (meta snapshot_sources)
    real = cache.get_meta
    monkeypatch.setattr(cache, "get_meta", lambda key: "2026-06-01T10:00:00+00:00"
                        if key == "last_refresh" else real(key))
    assert "last refreshed on 2026-06-01" in welcome.welcome_html(cache)


def test_without_background_refresh_the_text_says_so(cache):
    text = welcome.welcome_html(cache, auto_refresh=False)
    assert "Background refresh is off" in text
    assert "half a minute after it starts" not in text


def test_without_a_cache_the_text_still_reads():
    text = welcome.welcome_html(None)
    assert "of unknown date" in text and "AI model releases" in text


@pytest.mark.parametrize(("built", "today", "expected"), [
    ("2026-06-20", "2026-06-20", "built on 2026-06-20 (today)"),
    ("2026-06-20", "2026-06-21", "built on 2026-06-20 (yesterday)"),
    ("2026-06-20", "2026-07-02", "built on 2026-06-20 (12 days ago)"),
    ("2026-06-20T00:00:00+00:00", "2026-06-22", "built on 2026-06-20 (2 days ago)"),
    (None, "2026-06-20", "of unknown date"),
    ("June 2026", "2026-06-20", "built on June 2026"),
])
def test_freshness(built, today, expected):
    assert welcome.freshness(built, date.fromisoformat(today)) == expected


def test_shown_once_and_remembered(qtbot, cache, settings):
    window = FakeWindow()
    qtbot.addWidget(window)
    window.show()
    dialog = welcome.maybe_show(window, cache, settings)
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == "Welcome to OpenExplorer"
    assert welcome.was_shown(settings)
    assert settings.value(welcome.SETTING_WELCOME_SHOWN) in (True, "true")
    dialog.start_button.click()
    assert not dialog.isVisible()
    assert welcome.maybe_show(window, cache, settings) is None
    # A settings file read back as text.
    again = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    assert welcome.was_shown(again)


def test_the_offline_box_acts_at_once(qtbot, cache, settings):
    window = FakeWindow()
    qtbot.addWidget(window)
    dialog = welcome.maybe_show(window, cache, settings)
    assert not dialog.offline_box.isChecked()
    dialog.offline_box.setChecked(True)
    assert window.offline_action.isChecked()  # before the dialog is even closed
    dialog.offline_box.setChecked(False)
    assert not window.offline_action.isChecked()
    dialog.close()


def test_the_offline_box_shows_a_forced_offline(qtbot, cache, settings):
    window = FakeWindow(offline=True, locked=True)
    qtbot.addWidget(window)
    dialog = welcome.maybe_show(window, cache, settings)
    assert dialog.offline_box.isChecked() and not dialog.offline_box.isEnabled()
    assert "HF_HUB_OFFLINE" in dialog.offline_box.toolTip()
    dialog.close()


def test_with_the_main_window_the_box_turns_the_app_offline(qtbot, cache, settings, monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)  # not forced: the user's choice counts
    window = MainWindow(cache, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.model_page.view() is not None, timeout=5000)
    assert not window.refresh_controller.is_offline()
    dialog = welcome.maybe_show(window, cache, settings)
    assert dialog.offline_box.isEnabled() and not dialog.offline_box.isChecked()
    dialog.offline_box.setChecked(True)
    assert window.refresh_controller.is_offline()
    assert window.offline_action.isChecked()
    assert not window.refresh_action.isEnabled()
    assert settings.value(SETTING_OFFLINE) in (True, "true")
    dialog.accept()


def test_the_dialog_fits_its_text(qtbot, cache):
    dialog = welcome.WelcomeDialog(cache)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    label = dialog.text
    assert label.height() >= label.heightForWidth(label.width())


def test_the_app_shows_it_on_the_first_start_only(tmp_path):
    """The real entry point in a child process, with its own home: first start shows the welcome
    over the main window, the second does not."""
    env = {**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
           "XDG_DATA_HOME": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen",
           "HF_HUB_OFFLINE": "1", "OPENEXPLORER_DB": str(tmp_path / "c.sqlite"),
           "OPENEXPLORER_QUIT_AFTER_MS": "200"}
    runs = []
    for _ in range(2):
        result = subprocess.run([sys.executable, "-m", "openexplorer"], env=env, cwd=REPO,
                                capture_output=True, text=True, check=False, timeout=120)
        assert result.returncode == 0, result.stderr
        line = next(x for x in result.stderr.splitlines() if "window shown" in x)
        runs.append(line)
    assert "visible=True" in runs[0] and "Welcome to OpenExplorer" in runs[0]
    assert "visible=True" in runs[1] and "Welcome to OpenExplorer" not in runs[1]
    conf = (tmp_path / "config" / "OpenExplorer" / "OpenExplorer.conf").read_text()
    assert "welcome_shown=true" in conf
