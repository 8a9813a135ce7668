"""The desktop app's entry point: QApplication, the cache, the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Qt binding first, then pyqtgraph (which picks the binding already imported).
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from openexplorer import __version__, settings
from openexplorer.cache import CacheError
from openexplorer.store import open_cache
from openexplorer.ui import theme

log = logging.getLogger(__name__)


def main(db: str | Path | None = None, argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("OpenExplorer")
    app.setOrganizationName("OpenExplorer")
    app.setApplicationVersion(__version__)
    values = settings.read(QSettings())
    theme.apply_theme(app, values["ui/theme"])
    try:
        cache = open_cache(db or settings.cache_path(values))
    except CacheError as exc:
        QMessageBox.critical(None, "OpenExplorer", f"The cache cannot be opened:\n\n{exc}")
        return 1
    from openexplorer.ui.main_window import MainWindow

    # Periodic refresh of stale models, unless the user turned it off (Hub menu / settings).
    window = MainWindow(cache, periodic=bool(values["hub/auto_refresh"]))
    window.show()
    try:
        return int(app.exec())
    finally:
        cache.close()
