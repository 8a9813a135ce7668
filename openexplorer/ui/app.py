"""The desktop app's entry point: QApplication, the cache, the main window."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

# Qt binding first, then pyqtgraph (which picks the binding already imported).
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QMessageBox

from openexplorer import __version__
from openexplorer.cache import CacheError
from openexplorer.store import open_cache

log = logging.getLogger(__name__)


def main(db: str | Path | None = None, argv: list[str] | None = None) -> int:
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("OpenExplorer")
    app.setOrganizationName("OpenExplorer")
    app.setApplicationVersion(__version__)
    try:
        cache = open_cache(db)
    except CacheError as exc:
        QMessageBox.critical(None, "OpenExplorer", f"The cache cannot be opened:\n\n{exc}")
        return 1
    from openexplorer.ui.main_window import MainWindow

    # Periodic refresh of stale models, unless the user turned it off (Hub menu / settings).
    auto_refresh = QSettings().value("hub/auto_refresh", True, bool)
    window = MainWindow(cache, periodic=bool(auto_refresh))
    window.show()
    try:
        return int(app.exec())
    finally:
        cache.close()
