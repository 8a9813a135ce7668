#!/usr/bin/env python3
"""Take the README's screenshots: main window, a release page, a comparison, the overview,
in the light and the dark theme (run under Xvfb or on a desktop).

    xvfb-run -a python scripts/screenshot.py [docs/screenshots]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from openexplorer.store.cache_file import open_cache
from openexplorer.ui import patches, theme
from openexplorer.ui.main_window import MainWindow

COMPARISON = ["meta-llama/llama-2-70b", "meta-llama/llama-3.1-8b",
              "allenai/olmo-2-1124-13b-instruct"]


def settle(app: QApplication, window: MainWindow, rounds: int = 40) -> None:
    for _ in range(rounds):
        app.processEvents()
    # The first facet count waits for the first release's page, read on a pool thread.
    deadline = time.monotonic() + 30
    while not window.search.is_idle() and time.monotonic() < deadline:
        window.search.wait_for_facets(100)
        time.sleep(0.005)
    for _ in range(rounds):
        app.processEvents()


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    patches.install()  # as the app's main does
    with tempfile.TemporaryDirectory() as folder:
        cache = open_cache(Path(folder) / "cache.sqlite")
        settings = QSettings(str(Path(folder) / "settings.ini"), QSettings.Format.IniFormat)
        for name in ("light", "dark"):
            theme.apply_theme(app, name)
            window = MainWindow(cache, settings=settings)
            window.resize(1440, 900)
            window.show()
            window.search.set_query("llama")
            settle(app, window)
            window.search.select_release("meta-llama/llama-3.1-8b")
            window.show_release("meta-llama/llama-3.1-8b")
            settle(app, window)
            window.grab().save(str(out / f"main-window-{name}.png"))
            window.show_release("allenai/olmo-7b")
            settle(app, window)
            window.model_page.grab().save(str(out / f"release-page-{name}.png"))
            window.compare_view.set_releases(COMPARISON)
            window.tabs.setCurrentIndex(window.TAB_COMPARE)
            settle(app, window)
            window.grab().save(str(out / f"comparison-{name}.png"))
            window.tabs.setCurrentIndex(window.TAB_OVERVIEW)
            window.overview.refresh_stats()
            settle(app, window, 80)
            window.grab().save(str(out / f"overview-{name}.png"))
            window.close()
        cache.close()
    print(f"wrote screenshots to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
