#!/usr/bin/env python3
"""Take the README's screenshot of the main window (run under Xvfb or on a desktop).

    xvfb-run -a python scripts/screenshot.py docs/screenshots/main-window.png
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtWidgets import QApplication

from openexplorer.store import open_cache
from openexplorer.ui.main_window import MainWindow


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots/main-window.png")
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as folder:
        cache = open_cache(Path(folder) / "cache.sqlite")
        window = MainWindow(cache)
        window.resize(1280, 800)
        window.show()
        window.search_box.setText("olmo")
        window._run_search()
        ids = [window.model.release_id(r) for r in range(window.model.rowCount())]
        if "allenai/olmo-7b" in ids:
            window.results.selectRow(ids.index("allenai/olmo-7b"))
        for _ in range(20):
            app.processEvents()
        out.parent.mkdir(parents=True, exist_ok=True)
        window.grab().save(str(out))
        cache.close()
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
