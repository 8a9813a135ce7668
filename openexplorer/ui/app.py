"""The desktop app's entry point: QApplication, the cache, the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Qt binding first, then pyqtgraph (which picks the binding already imported).
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from openexplorer import __version__
from openexplorer.core import settings
from openexplorer.db.cache import Cache, CacheError
from openexplorer.store.cache_file import open_cache
from openexplorer.ui import patches, theme

log = logging.getLogger(__name__)

#: The app id: the AppStream component and the desktop file (packaging/linux/).
DESKTOP_FILE = "io.github.openexplorer.OpenExplorer"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """The window icon, from the PNGs in resources/icons (no SVG plugin needed)."""
    from importlib.resources import files

    icon = QIcon()
    folder = files("openexplorer.resources") / "icons"
    for size in ICON_SIZES:
        png = folder / f"openexplorer-{size}.png"
        if png.is_file():
            icon.addFile(str(png))
    return icon


def _quit_after(app: QApplication, window: QWidget) -> None:
    """Smoke tests of an installed app or bundle: OPENEXPLORER_QUIT_AFTER_MS=N shows the window,
    then closes it after N ms (OPENEXPLORER_SCREENSHOT=FILE.png saves it first)."""
    try:
        delay = int(os.environ.get("OPENEXPLORER_QUIT_AFTER_MS", ""))
    except ValueError:
        return

    def done() -> None:
        shot = os.environ.get("OPENEXPLORER_SCREENSHOT")
        if shot:
            window.grab().save(shot)
        shown = [w.windowTitle() for w in app.topLevelWidgets() if w.isVisible()]
        print(f"openexplorer: window shown ({window.windowTitle()}, "
              f"visible={window.isVisible()}), quitting after {delay} ms; "
              f"windows: {' | '.join(shown)}", file=sys.stderr)
        window.close()
        app.quit()

    QTimer.singleShot(max(0, delay), done)


REBUILD_BUTTON = "Rebuild from the bundled snapshot (the damaged file is kept)"


def open_cache_or_recover(path: str | Path, parent: QWidget | None = None) -> Cache | None:
    """Open the cache; if it is damaged, say so and offer to rebuild it (or quit: None).

    A cache from a newer OpenExplorer, or one that cannot be used otherwise, is refused with a
    message and never rebuilt (None).
    """
    from openexplorer.store import recovery
    from openexplorer.store.cache_file import DamagedCacheError, SchemaTooNewError

    notes: list[str] = []  # what was done to keep the user's data (a cache found empty…)
    try:
        # A large cache's summaries follow a new version's rules in the background (MainWindow).
        opened = open_cache(path, summaries_later=True, notify=notes.append)
        if notes:
            QMessageBox.information(parent, "OpenExplorer – your cache", "\n\n".join(notes))
        return opened
    except DamagedCacheError as exc:
        box = QMessageBox(QMessageBox.Icon.Warning, "OpenExplorer – damaged cache",
                          f"The cache at {exc.path} is damaged and cannot be opened.",
                          parent=parent)
        box.setInformativeText(
            f"SQLite reports: {exc.reason}.\n\nOpenExplorer can rebuild it from the bundled "
            "snapshot. The damaged file is kept beside it under a new name, never deleted; your "
            "corrections and watchlist are saved to a file beside it and restored into the new "
            "cache, as far as they can still be read. Hub data is fetched again on the next "
            "refresh.")
        rebuild = box.addButton(REBUILD_BUTTON, QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(rebuild)
        box.exec()
        if box.clickedButton() is not rebuild:
            return None
        try:
            report = recovery.rebuild(exc.path)
            cache = open_cache(exc.path)
        except CacheError as again:
            QMessageBox.critical(parent, "OpenExplorer",
                                 f"The cache could not be rebuilt:\n\n{again}")
            return None
        QMessageBox.information(parent, "OpenExplorer – cache rebuilt",
                                "\n\n".join(report.lines()))
        return cache
    except SchemaTooNewError as exc:
        QMessageBox.critical(parent, "OpenExplorer – cache from a newer version",
                             f"This cache was written by a newer OpenExplorer:\n\n{exc}\n\n"
                             "Update OpenExplorer, or choose another cache file (Settings → "
                             "Cache location, or --db).")
        return None
    except CacheError as exc:
        QMessageBox.critical(parent, "OpenExplorer", f"The cache cannot be opened:\n\n{exc}")
        return None


def main(db: str | Path | None = None, argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    running = QApplication.instance()  # a QApplication already made (tests), or None
    app = (running if isinstance(running, QApplication)
           else QApplication(argv if argv is not None else sys.argv[:1]))
    app.setApplicationName("OpenExplorer")
    app.setOrganizationName("OpenExplorer")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(DESKTOP_FILE)
    app.setWindowIcon(app_icon())
    # Third-party patches (patches.py); among them, the window's workers must never run
    # Python's cyclic collector.
    patches.install()
    values = settings.read(QSettings())
    theme.apply_theme(app, values["ui/theme"])
    cache = open_cache_or_recover(db or settings.cache_path(values))
    if cache is None:
        return 1
    from openexplorer.ui.main_window import MainWindow

    # Periodic refresh of stale models, unless the user turned it off (Hub menu / settings).
    window = MainWindow(cache, periodic=bool(values["hub/auto_refresh"]))
    window.show()
    from openexplorer.ui import welcome

    # First run: a short welcome over the window (once; QSettings "ui/welcome_shown").
    QTimer.singleShot(0, lambda: welcome.maybe_show(
        window, cache, auto_refresh=bool(values["hub/auto_refresh"])))
    _quit_after(app, window)
    try:
        return int(app.exec())
    finally:
        cache.close()
