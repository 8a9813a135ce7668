"""First run: a short welcome — what the data is, where it comes from, how fresh it is, and how
to refresh it or stay offline.

Shown once, after the main window appears (:func:`maybe_show`, called by :mod:`ui.app`); the
QSettings key ``ui/welcome_shown`` remembers it. The "Work offline" box acts at once, through
the main window's own "Work offline" action, so a user who ticks it is offline before the first
background refresh could start.
"""

from __future__ import annotations

import html
import logging
from datetime import date
from typing import Any

from PySide6.QtCore import QSettings, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from openexplorer.core.sources import SOURCES

log = logging.getLogger(__name__)

SETTING_WELCOME_SHOWN = "ui/welcome_shown"
_TRUE = {"1", "true", "yes", "on"}


def _meta(cache: Any, key: str) -> str | None:
    try:
        value = cache.get_meta(key) if cache is not None else None
    except Exception:  # noqa: BLE001 - a damaged cache: welcome without the figures
        log.warning("cache meta %s could not be read", key, exc_info=True)
        return None
    return value if isinstance(value, str) and value else None


def _release_count(cache: Any) -> int | None:
    try:
        return int(cache.count("releases")) if cache is not None else None
    except Exception:  # noqa: BLE001
        return None


def freshness(built: str | None, today: date | None = None) -> str:
    """"built on 2026-06-20 (12 days ago)" for the snapshot date as the cache stores it."""
    if not built:
        return "of unknown date"
    try:
        days = ((today or date.today()) - date.fromisoformat(built[:10])).days
    except ValueError:
        return f"built on {built}"
    if days <= 0:
        ago = "today"
    elif days == 1:
        ago = "yesterday"
    else:
        ago = f"{days} days ago"
    return f"built on {built[:10]} ({ago})"


def welcome_html(cache: Any = None, *, auto_refresh: bool = True,
                 today: date | None = None) -> str:
    """The welcome text as HTML (plain Qt rich text, no links)."""
    from openexplorer.ui.about_dialog import snapshot_versions  # the dialog is not needed at start

    count = _release_count(cache)
    versions = snapshot_versions(cache) if cache is not None else {}
    built = _meta(cache, "snapshot_built")
    last_refresh = _meta(cache, "last_refresh")
    releases = f"{count:,} AI model releases" if count else "AI model releases"

    sources = []
    for source in SOURCES.values():
        if source.id == "hub":
            continue
        version = versions.get(source.id)
        note = f" <span style='color:gray'>({html.escape(version)})</span>" if version else ""
        sources.append(f"<li>{html.escape(source.name)}{note}</li>")

    hub = (f"Hugging Face Hub metadata was last refreshed on {html.escape(last_refresh[:10])}."
           if last_refresh else "Nothing has been fetched from the Hugging Face Hub yet.")
    background = (
        "Unless you work offline, OpenExplorer also reads the Hub metadata of the models with "
        "a Hub repo in the background: half a minute after it starts, then every few hours for "
        "data older than a week (turn this off in Edit → Settings)."
        if auto_refresh else "Background refresh is off (Edit → Settings).")
    return (
        "<h2>Welcome to OpenExplorer</h2>"
        "<p><b>What you are looking at.</b> How open "
        f"{releases} are — weights, code, training data, documentation, licence — as the "
        "public openness assessments rate them, with the evidence behind every rating. The "
        "ratings are the sources' own or computed with their published rules (Help → How is "
        "this computed?); nothing here is legal advice.</p>"
        "<p><b>Where it comes from.</b></p>"
        f"<ul>{''.join(sources)}</ul>"
        "<p>Hub metadata is added when you refresh, and is always marked as automated. "
        "Help → About lists every source's licence and how to cite it.</p>"
        "<p><b>How fresh it is.</b> The bundled data was "
        f"{html.escape(freshness(built, today))}. {hub}</p>"
        "<p><b>Refresh, or stay offline.</b> Hub → Refresh from the Hub (Ctrl+R) fetches current "
        "metadata for the models that are due; on the command line, "
        "<code>openexplorer refresh</code>. "
        f"{background} With <i>Work offline</i> on, nothing is ever sent anywhere, and "
        "everything else still works from the local cache.</p>"
    )


def was_shown(settings: QSettings) -> bool:
    value = settings.value(SETTING_WELCOME_SHOWN, False)
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return bool(value)


class WelcomeDialog(QDialog):
    """The first-run welcome, with a "Work offline" box that acts at once."""

    offline_changed = Signal(bool)

    def __init__(self, cache: Any = None, parent: QWidget | None = None, *,
                 offline: bool = False, offline_locked: bool = False,
                 auto_refresh: bool = True, today: date | None = None) -> None:
        """``offline`` is the current state; ``offline_locked`` when the environment forces it
        (HF_HUB_OFFLINE), so the box cannot be changed."""
        super().__init__(parent)
        self.setWindowTitle("Welcome to OpenExplorer")
        self.text = QLabel(welcome_html(cache, auto_refresh=auto_refresh, today=today))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.offline_box = QCheckBox("Work offline: never contact the Hugging Face Hub")
        self.offline_box.setChecked(offline)
        if offline_locked:
            self.offline_box.setEnabled(False)
            self.offline_box.setToolTip("HF_HUB_OFFLINE is set in the environment")
        self.buttons = QDialogButtonBox()
        self.start_button = self.buttons.addButton(
            "Start exploring", QDialogButtonBox.ButtonRole.AcceptRole)
        self.start_button.setDefault(True)

        self.icon = QLabel()
        icon = QApplication.windowIcon()
        if not icon.isNull():
            self.icon.setPixmap(icon.pixmap(64, 64))
        right = QVBoxLayout()
        right.addWidget(self.text)
        right.addWidget(self.offline_box)
        top = QHBoxLayout()
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.buttons)
        width = 620
        self.setMinimumWidth(560)
        # A word-wrapped label's size hint is for a narrower width: ask the layout for this one.
        height = max(self.sizeHint().height(), layout.totalHeightForWidth(width))
        self.resize(width, height)

        self.offline_box.toggled.connect(self._on_offline_toggled)
        self.buttons.accepted.connect(self.accept)

    def work_offline(self) -> bool:
        return self.offline_box.isChecked()

    @Slot(bool)
    def _on_offline_toggled(self, offline: bool) -> None:
        self.offline_changed.emit(offline)


def maybe_show(window: QWidget, cache: Any, settings: QSettings | None = None, *,
               auto_refresh: bool = True) -> WelcomeDialog | None:
    """Open the welcome over ``window`` (not blocking) unless it was shown before; remember it.

    The box drives ``window.offline_action`` when the window has one (the main window does).
    """
    settings = settings if settings is not None else QSettings()
    if was_shown(settings):
        return None
    action = getattr(window, "offline_action", None)
    dialog = WelcomeDialog(
        cache, window,
        offline=bool(action.isChecked()) if action is not None else False,
        offline_locked=action is not None and not action.isEnabled(),
        auto_refresh=auto_refresh,
    )
    if action is not None:
        dialog.offline_changed.connect(action.setChecked)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    settings.setValue(SETTING_WELCOME_SHOWN, True)
    settings.sync()
    return dialog
