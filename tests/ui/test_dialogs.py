"""Settings (QSettings round trip, token in the keyring only, theme) and About → Data sources."""

from __future__ import annotations

import json

import pytest

pytest.importorskip("PySide6")

import keyring  # noqa: E402
from keyring.backends import fail  # noqa: E402
from PySide6.QtCore import QSettings, QUrl  # noqa: E402
from PySide6.QtGui import QGuiApplication, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QLineEdit,
)

from openexplorer import __version__  # noqa: E402
from openexplorer.db.cache import Cache  # noqa: E402
from openexplorer.core.settings import SETTINGS  # noqa: E402
from openexplorer.core.sources import SOURCES  # noqa: E402
from openexplorer.ui import refresh_worker, theme  # noqa: E402
from openexplorer.ui.about_dialog import AboutDialog  # noqa: E402
from openexplorer.ui.settings_dialog import SettingsDialog  # noqa: E402
from tests.test_settings import TOKEN, MemoryKeyring  # noqa: E402


@pytest.fixture
def no_login(monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    import huggingface_hub

    monkeypatch.setattr(huggingface_hub, "get_token", lambda: None)


@pytest.fixture
def memory_keyring(no_login):
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def ini(tmp_path):
    return tmp_path / "settings.ini"


@pytest.fixture
def qsettings(ini):
    return QSettings(str(ini), QSettings.Format.IniFormat)


@pytest.fixture
def restore_theme(qapp):
    yield
    theme.apply_theme(qapp, "system")


@pytest.fixture
def dialog(qtbot, qsettings, memory_keyring, restore_theme):
    return open_dialog(qtbot, qsettings)


# -- settings ------------------------------------------------------------------------------------


def test_a_widget_for_every_setting(dialog):
    assert set(dialog.widgets) == {s.name for s in SETTINGS}
    kinds = {QCheckBox: "bool", QDoubleSpinBox: "float", QComboBox: "choice", QLineEdit: "path"}
    for setting in SETTINGS:
        widget = dialog.widgets[setting.name]
        assert kinds[type(widget)] == setting.kind
        assert widget.toolTip() == setting.help


def test_the_keys_are_the_ones_the_refresh_reads():
    names = {s.name for s in SETTINGS}
    assert {refresh_worker.SETTING_OFFLINE, refresh_worker.SETTING_INTERVAL_HOURS,
            refresh_worker.SETTING_STALE_AFTER_HOURS, "hub/auto_refresh"} <= names


def test_values_round_trip_through_qsettings(dialog, qtbot, ini, tmp_path):
    assert dialog.values()["hub/refresh_interval_hours"] == 6.0  # defaults on a new file
    wanted = {
        "hub/offline": True,
        "hub/auto_refresh": False,
        "hub/refresh_interval_hours": 12.5,
        "hub/stale_after_hours": 48.0,
        "ui/theme": "dark",
        "cache/path": str(tmp_path / "elsewhere.sqlite"),
    }
    dialog.set_values(wanted)
    with qtbot.waitSignal(dialog.settings_changed) as blocker:
        dialog.accept()
    assert blocker.args[0] == wanted  # every one changed
    again = QSettings(str(ini), QSettings.Format.IniFormat)
    assert again.value("hub/offline") in (True, "true")
    assert float(again.value("hub/refresh_interval_hours")) == 12.5
    assert again.value("ui/theme") == "dark"
    # A new dialog over the same file shows the saved values.
    reopened = SettingsDialog(again)
    qtbot.addWidget(reopened)
    assert reopened.values() == wanted
    # The refresh controller reads the same keys the same way.
    controller = refresh_worker.RefreshController(None, settings=again, environ={})
    assert controller.is_offline()
    assert controller.stale_after().total_seconds() == 48 * 3600
    controller.shutdown()


def test_cancel_saves_nothing(dialog, ini):
    dialog.widgets["hub/offline"].setChecked(True)
    dialog.reject()
    assert "offline" not in (ini.read_text() if ini.exists() else "")


def test_restore_defaults(dialog):
    dialog.widgets["hub/stale_after_hours"].setValue(2.0)
    dialog.widgets["hub/offline"].setChecked(True)
    dialog.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).click()
    assert dialog.values()["hub/stale_after_hours"] == 168.0
    assert dialog.values()["hub/offline"] is False


def test_offline_disables_the_periodic_refresh_settings(dialog):
    dialog.widgets["hub/offline"].setChecked(True)
    assert not dialog.widgets["hub/auto_refresh"].isEnabled()
    assert not dialog.widgets["hub/refresh_interval_hours"].isEnabled()
    dialog.widgets["hub/offline"].setChecked(False)
    assert dialog.widgets["hub/refresh_interval_hours"].isEnabled()


def test_cache_location_chooser_says_a_restart_is_needed(qtbot, qsettings, memory_keyring,
                                                         tmp_path):
    chosen = tmp_path / "mine.sqlite"
    widget = SettingsDialog(qsettings, choose_file=lambda _parent, _current: str(chosen))
    qtbot.addWidget(widget)
    assert "restart" in widget.path_note.text().lower()
    widget.path_browse.click()
    assert widget.widgets["cache/path"].text() == str(chosen)
    assert "Restart OpenExplorer" in widget.path_note.text()
    widget.path_default.click()
    assert widget.values()["cache/path"] == ""
    # Choosing a folder means the cache file in it.
    widget2 = SettingsDialog(qsettings, choose_file=lambda _p, _c: str(tmp_path))
    qtbot.addWidget(widget2)
    widget2.path_browse.click()
    assert widget2.widgets["cache/path"].text() == str(tmp_path / "cache.sqlite")


def test_theme_applies_at_once_and_cancel_restores_it(dialog, qapp):
    combo = dialog.widgets["ui/theme"]
    combo.setCurrentIndex(combo.findData("dark"))
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() < 128
    combo.setCurrentIndex(combo.findData("light"))
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 128
    combo.setCurrentIndex(combo.findData("dark"))
    dialog.reject()  # the file said "system": back to it
    assert qapp.palette() == QPalette()


# -- the token -----------------------------------------------------------------------------------


def test_the_token_goes_to_the_keyring_only(dialog, qtbot, memory_keyring, ini, tmp_path):
    cache = Cache.open(tmp_path / "cache.sqlite")
    assert not dialog.token_save.isEnabled() and not dialog.token_remove.isEnabled()
    assert "No token" in dialog.token_status.text()
    qtbot.keyClicks(dialog.token_edit, TOKEN)
    assert dialog.token_edit.echoMode() == QLineEdit.EchoMode.Password
    with qtbot.waitSignal(dialog.token_changed):
        dialog.token_save.click()
    assert memory_keyring.passwords == {("OpenExplorer", "huggingface"): TOKEN}
    assert dialog.token_edit.text() == ""
    assert "stored in the system keyring" in dialog.token_status.text()
    assert dialog.token_remove.isEnabled()
    dialog.accept()
    cache.close()
    # Never in the settings file, the cache, or any label of the dialog.
    assert ini.exists() and TOKEN not in ini.read_text(encoding="utf-8", errors="replace")
    for path in tmp_path.iterdir():
        assert TOKEN.encode() not in path.read_bytes(), path
    labels = [dialog.token_status.text(), dialog.token_message.text()]
    assert all(TOKEN not in text for text in labels)


def open_dialog(qtbot, qsettings) -> SettingsDialog:
    """The dialog opened now (it reads the token's status when it opens)."""
    widget = SettingsDialog(qsettings)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_remove_the_token(qtbot, qsettings, memory_keyring, restore_theme):
    memory_keyring.passwords[("OpenExplorer", "huggingface")] = TOKEN
    dialog = open_dialog(qtbot, qsettings)
    assert dialog.token_remove.isEnabled()
    dialog.token_remove.click()
    assert memory_keyring.passwords == {}
    assert "removed" in dialog.token_message.text()
    assert not dialog.token_remove.isEnabled()


def test_a_token_from_the_environment_is_said_to_be_set(qtbot, qsettings, memory_keyring,
                                                        restore_theme, monkeypatch):
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    dialog = open_dialog(qtbot, qsettings)
    assert "HF_TOKEN" in dialog.token_status.text()
    assert TOKEN not in dialog.token_status.text()


def test_no_keyring_shows_a_message_and_does_not_crash(qtbot, qsettings, no_login, ini):
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        widget = SettingsDialog(qsettings)
        qtbot.addWidget(widget)
        widget.show()
        widget.token_edit.setText(TOKEN)
        widget.token_save.click()
        assert widget.token_message.isVisible()
        assert "No system keyring" in widget.token_message.text()
        assert widget.isVisible()
        widget.accept()
        assert TOKEN not in ini.read_text(encoding="utf-8")
    finally:
        keyring.set_keyring(previous)


# -- about ---------------------------------------------------------------------------------------


@pytest.fixture
def about_cache(tmp_path):
    cache = Cache.open(tmp_path / "about.sqlite")
    cache.set_meta("snapshot_built", "2026-11-26")
    cache.set_meta("snapshot_sources", json.dumps({
        "mot": {"id": "mot", "version": "8b5d30e9 2026-05-11"},
        "osai": {"id": "osai", "version": "376230f1"},
    }))
    yield cache
    cache.close()


def test_about_lists_every_source_with_its_licence(qtbot, about_cache):
    opened: list[QUrl] = []
    about = AboutDialog(about_cache, open_url=opened.append)
    qtbot.addWidget(about)
    text = about.browser.toPlainText()
    assert f"OpenExplorer {__version__}" in text
    for source in SOURCES.values():
        assert source.name in text
        assert source.license in text
        assert source.attribution in text
        assert source.citation in text
        assert source.url in text
    assert "2026-11-26" in text
    assert "8b5d30e9 2026-05-11" in text and "376230f1" in text


def test_about_without_a_cache(qtbot):
    about = AboutDialog()
    qtbot.addWidget(about)
    assert all(s.name in about.browser.toPlainText() for s in SOURCES.values())


def test_about_opens_only_web_links(qtbot, about_cache):
    opened: list[QUrl] = []
    about = AboutDialog(about_cache, open_url=opened.append)
    qtbot.addWidget(about)
    about.browser.anchorClicked.emit(QUrl("https://osai-index.eu"))
    about.browser.anchorClicked.emit(QUrl("file:///etc/passwd"))
    about.browser.anchorClicked.emit(QUrl("javascript:alert(1)"))
    assert [u.toString() for u in opened] == ["https://osai-index.eu"]


def test_copy_citations(qtbot, about_cache):
    about = AboutDialog(about_cache)
    qtbot.addWidget(about)
    about.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    for source in SOURCES.values():
        assert source.citation in copied
    assert "version 376230f1" in copied
