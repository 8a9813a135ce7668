"""Settings: the Hub token (keyring only), refresh, theme, cache location.

The widgets are generated from :data:`openexplorer.core.settings.SETTINGS`; values persist to the
QSettings object the dialog is given. The token is different: it is saved to (or removed from)
the system keyring at once, with its own buttons, and the dialog only ever says *whether* a token
is set and where it comes from — never the token itself, which is never written to QSettings.
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import keyring.errors
from PySide6.QtCore import QSettings, Signal, Slot
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from openexplorer.core import settings as settings_mod
from openexplorer.core.paths import default_cache_path
from openexplorer.core.settings import SETTINGS, Setting
from openexplorer.ui import theme

log = logging.getLogger(__name__)

_GROUPS = (("hub/", "Hugging Face Hub"), ("ui/", "Appearance"), ("cache/", "Cache"))
_THEME_LABELS = {"system": "System", "light": "Light", "dark": "Dark"}
_TOKEN_SOURCES = {
    "environment": "A token is set by HF_TOKEN in the environment (it is used first).",
    "keyring": "A token is stored in the system keyring.",
    "huggingface_hub": "Using the token of your huggingface_hub login (hf auth login).",
    None: "No token: the Hub is used anonymously, with lower rate limits.",
}

ChooseFile = Callable[[QWidget, str], str | None]


def _choose_cache_file(parent: QWidget, current: str) -> str | None:
    path, _filter = QFileDialog.getSaveFileName(
        parent, "Cache location", current, "SQLite cache (*.sqlite *.db);;All files (*)",
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return path or None


class SettingsDialog(QDialog):
    """Edit the settings of :data:`openexplorer.core.settings.SETTINGS` and the Hub token.

    Signals:
        settings_changed(dict): on OK, the settings whose value changed, by name.
        token_changed(): a token was saved to or removed from the keyring.
    """

    settings_changed = Signal(dict)
    token_changed = Signal()

    def __init__(
        self,
        settings: QSettings,
        parent: QWidget | None = None,
        *,
        choose_file: ChooseFile | None = None,
    ) -> None:
        """``settings`` is where values persist (the app's QSettings, or a test's INI file);
        ``choose_file(parent, current) -> path | None`` replaces the file dialog in tests."""
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self._choose_file = choose_file or _choose_cache_file
        self._initial = settings_mod.read(settings)
        self.widgets: dict[str, QWidget] = {}

        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        self._build_token_group(layout)
        for prefix, title in _GROUPS:
            group = QGroupBox(title)
            form = QFormLayout(group)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for setting in SETTINGS:
                if setting.name.startswith(prefix):
                    self._add_setting(form, setting)
            if form.rowCount():
                layout.addWidget(group)
        layout.addStretch(1)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults
        )
        layout.addWidget(self.buttons)

        self.set_values(self._initial)
        self._update_token_status()
        self._connect_signals()
        self.setMinimumWidth(560)

    # -- building --------------------------------------------------------------------------------

    def _build_token_group(self, layout: QVBoxLayout) -> None:
        group = QGroupBox("Hugging Face token")
        box = QVBoxLayout(group)
        self.token_status = QLabel()
        self.token_status.setWordWrap(True)
        self.token_edit = QLineEdit()
        self.token_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.token_edit.setPlaceholderText("Paste a token (hf_…)")
        self.token_edit.setClearButtonEnabled(True)
        self.token_save = QPushButton("Save to keyring")
        self.token_remove = QPushButton("Remove")
        self.token_remove.setToolTip("Remove the token from the system keyring")
        row = QHBoxLayout()
        row.addWidget(self.token_edit, 1)
        row.addWidget(self.token_save)
        row.addWidget(self.token_remove)
        self.token_message = QLabel()
        self.token_message.setWordWrap(True)
        self.token_message.hide()
        note = QLabel(
            "Optional: a read token raises the Hub's rate limits and reaches gated models' "
            "metadata. It is kept in the system keyring only, never in the cache or the "
            "settings file."
        )
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        box.addWidget(self.token_status)
        box.addLayout(row)
        box.addWidget(self.token_message)
        box.addWidget(note)
        layout.addWidget(group)

    def _add_setting(self, form: QFormLayout, setting: Setting) -> None:
        widget: QWidget
        if setting.kind == "bool":
            widget = QCheckBox(setting.label)
            form.addRow(widget)
        elif setting.kind == "float":
            spin = QDoubleSpinBox()
            spin.setDecimals(1)
            spin.setRange(setting.minimum or 0.0, setting.maximum or 1e9)
            spin.setSuffix(setting.suffix)
            spin.setSingleStep(1.0)
            spin.setMaximumWidth(160)
            widget = spin
            form.addRow(setting.label + ":", widget)
        elif setting.kind == "choice":
            combo = QComboBox()
            for choice in setting.choices:
                combo.addItem(_THEME_LABELS.get(choice, choice.title()), choice)
            combo.setMaximumWidth(160)
            widget = combo
            form.addRow(setting.label + ":", widget)
        else:  # path
            widget = self._build_path_row(form, setting)
        widget.setToolTip(setting.help)
        widget.setObjectName(setting.name)
        self.widgets[setting.name] = widget

    def _build_path_row(self, form: QFormLayout, setting: Setting) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(str(default_cache_path()))
        browse = QPushButton("Browse…")
        default = QPushButton("Use default")
        default.setToolTip("Use the default location")
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(browse)
        row.addWidget(default)
        form.addRow(setting.label + ":", row)
        self.path_note = QLabel()
        self.path_note.setWordWrap(True)
        form.addRow(self.path_note)
        self.path_browse, self.path_default = browse, default
        return edit

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        restore = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        restore.clicked.connect(self._on_restore_defaults)
        self.token_edit.textChanged.connect(self._on_token_text_changed)
        self.token_edit.returnPressed.connect(self._on_token_save)
        self.token_save.clicked.connect(self._on_token_save)
        self.token_remove.clicked.connect(self._on_token_remove)
        combo = self.widgets["ui/theme"]
        assert isinstance(combo, QComboBox)
        combo.currentIndexChanged.connect(self._on_theme_changed)
        edit = self.widgets["cache/path"]
        assert isinstance(edit, QLineEdit)
        edit.textChanged.connect(self._update_path_note)
        self.path_browse.clicked.connect(self._on_browse)
        self.path_default.clicked.connect(edit.clear)
        self.widgets["hub/auto_refresh"].toggled.connect(  # type: ignore[attr-defined]
            self._update_enabled)
        self.widgets["hub/offline"].toggled.connect(self._update_enabled)  # type: ignore

    # -- values ----------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        """The values the widgets show, by setting name."""
        out: dict[str, Any] = {}
        for setting in SETTINGS:
            widget = self.widgets[setting.name]
            if isinstance(widget, QCheckBox):
                out[setting.name] = widget.isChecked()
            elif isinstance(widget, QDoubleSpinBox):
                out[setting.name] = float(widget.value())
            elif isinstance(widget, QComboBox):
                out[setting.name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                out[setting.name] = widget.text().strip()
        return out

    def set_values(self, values: dict[str, Any]) -> None:
        """Show these values (missing names keep what is shown)."""
        for setting in SETTINGS:
            if setting.name not in values:
                continue
            value = settings_mod.coerce(setting, values[setting.name])
            widget = self.widgets[setting.name]
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, QDoubleSpinBox):
                widget.setValue(float(value))
            elif isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(0, widget.findData(value)))
            elif isinstance(widget, QLineEdit):
                widget.setText(str(value))
        self._update_path_note()
        self._update_enabled()

    def save(self) -> dict[str, Any]:
        """Write every setting to QSettings; returns those that changed."""
        values = self.values()
        for name, value in values.items():
            self._settings.setValue(name, value)
        self._settings.sync()
        changed = {k: v for k, v in values.items() if v != self._initial.get(k)}
        self._initial = dict(values)
        return changed

    def accept(self) -> None:
        changed = self.save()
        self._forget_token_text()
        if changed:
            self.settings_changed.emit(changed)
        super().accept()

    def reject(self) -> None:
        self._restore_theme()
        self._forget_token_text()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._forget_token_text()
        super().closeEvent(event)

    def _forget_token_text(self) -> None:
        self.token_edit.clear()

    def _restore_theme(self) -> None:
        initial = self._initial.get("ui/theme", "system")
        if self.values().get("ui/theme") != initial:
            app = QApplication.instance()
            if isinstance(app, QApplication):
                theme.apply_theme(app, initial)

    # -- slots -----------------------------------------------------------------------------------

    @Slot()
    def _on_restore_defaults(self) -> None:
        self.set_values(settings_mod.defaults())

    @Slot(int)
    def _on_theme_changed(self, _index: int) -> None:
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply_theme(app, self.values()["ui/theme"])

    @Slot()
    def _on_browse(self) -> None:
        edit = self.widgets["cache/path"]
        assert isinstance(edit, QLineEdit)
        current = edit.text().strip() or str(default_cache_path())
        chosen = self._choose_file(self, current)
        if not chosen:
            return
        path = Path(chosen).expanduser()
        if path.is_dir():
            path = path / "cache.sqlite"
        edit.setText(str(path))

    @Slot()
    def _update_path_note(self) -> None:
        edit = self.widgets.get("cache/path")
        if not isinstance(edit, QLineEdit):
            return
        chosen = edit.text().strip()
        where = chosen or f"the default location, {default_cache_path()}"
        if chosen != (self._initial.get("cache/path") or ""):
            self.path_note.setText(
                f"<b>Restart OpenExplorer</b> to use the cache at {_html(where)}. A new file "
                "is filled from the bundled data on first use."
            )
        else:
            self.path_note.setText(
                f"The cache is at {_html(where)}. Changing it takes effect after a restart."
            )
        self.path_default.setEnabled(bool(chosen))

    @Slot()
    def _update_enabled(self) -> None:
        values = self.values()
        offline = bool(values.get("hub/offline"))
        auto = bool(values.get("hub/auto_refresh"))
        self.widgets["hub/auto_refresh"].setEnabled(not offline)
        self.widgets["hub/refresh_interval_hours"].setEnabled(auto and not offline)

    # -- token -----------------------------------------------------------------------------------

    def _update_token_status(self) -> None:
        source = settings_mod.token_source()
        self.token_status.setText(_TOKEN_SOURCES.get(source, _TOKEN_SOURCES[None]))
        self.token_remove.setEnabled(settings_mod.keyring_has_token())
        self.token_save.setEnabled(bool(self.token_edit.text().strip()))

    def _show_token_message(self, text: str, *, error: bool) -> None:
        self.token_message.setText(text)
        color = theme.STATUS_COLORS["closed"] if error else theme.STATUS_COLORS["open"]
        self.token_message.setStyleSheet(f"color: {color};")
        self.token_message.show()
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to fit wrapped text: a dialog does not grow by itself for word-wrapped labels."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = layout.totalHeightForWidth(self.width()) if layout.hasHeightForWidth() else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    @Slot(str)
    def _on_token_text_changed(self, text: str) -> None:
        self.token_save.setEnabled(bool(text.strip()))

    @Slot()
    def _on_token_save(self) -> None:
        token = self.token_edit.text().strip()
        if not token:
            return
        try:
            settings_mod.set_token(token)
        except (keyring.errors.KeyringError, ValueError) as exc:
            self._show_token_message(str(exc), error=True)
        except Exception as exc:  # noqa: BLE001 - a broken keyring backend must not crash us
            log.warning("the token could not be saved (%s)", type(exc).__name__)
            self._show_token_message(
                f"The system keyring could not save the token ({type(exc).__name__}).",
                error=True)
        else:
            self.token_edit.clear()
            self._show_token_message("Token saved in the system keyring.", error=False)
            self.token_changed.emit()
        self._update_token_status()

    @Slot()
    def _on_token_remove(self) -> None:
        try:
            settings_mod.set_token(None)
        except keyring.errors.KeyringError as exc:
            self._show_token_message(str(exc), error=True)
        except Exception as exc:  # noqa: BLE001
            log.warning("the token could not be removed (%s)", type(exc).__name__)
            self._show_token_message(
                f"The system keyring could not remove the token ({type(exc).__name__}).",
                error=True)
        else:
            self._show_token_message("Token removed from the system keyring.", error=False)
            self.token_changed.emit()
        self._update_token_status()


def _html(text: str) -> str:
    return html.escape(text)
