"""A new user's first session, offline from a fresh cache: search "llama", open Llama 3.1 8B,
compare it with Llama 2 and OLMo 2, export the comparison as PNG, SVG, PDF and CSV."""

from __future__ import annotations

import csv
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QSettings  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

from openexplorer.search import summary  # noqa: E402
from openexplorer.store.cache_file import open_cache  # noqa: E402
from openexplorer.ui.main_window import MainWindow  # noqa: E402

TIMEOUT = 5000


def test_first_session(qtbot, tmp_path, monkeypatch):
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
    cache = open_cache(tmp_path / "fresh.sqlite")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(cache, settings=settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)

    qtbot.keyClicks(window.search.search_box, "llama")
    qtbot.waitUntil(lambda: window.search.is_idle() and window.search.model.rowCount() > 5,
                    timeout=TIMEOUT)
    window.search.select_release("meta-llama/llama-3.1-8b")
    window.search.release_activated.emit("meta-llama/llama-3.1-8b")  # Enter on the row
    view = window.model_page.view()
    assert view.name == "Llama-3.1-8B"
    assert any(r.kind == "user-threshold" for r in view.license.restrictions)

    olmo2 = next(r["release_id"] for r in summary.search(cache, "OLMo-2", limit=10)
                 if r["osai_score"] is not None)
    window.model_page.compare_requested.emit(["meta-llama/llama-3.1-8b"])
    window.search.compare_requested.emit(["meta-llama/llama-2-70b", olmo2])
    assert window.tabs.currentIndex() == window.TAB_COMPARE
    assert set(window.compare_view.ids()) == {"meta-llama/llama-3.1-8b",
                                              "meta-llama/llama-2-70b", olmo2}

    png, svg, pdf, table = (tmp_path / f"comparison.{s}" for s in ("png", "svg", "pdf", "csv"))
    window.compare_view.export_to(png, "charts")
    window.compare_view.export_to(svg, "charts")
    window.compare_view.export_to(pdf, "report")
    window.compare_view.export_to(table, "data")

    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 800
    root = ET.parse(svg).getroot()
    assert root.tag.endswith("svg") and QSvgRenderer(str(svg)).isValid()
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 1024
    rows = list(csv.DictReader(table.open(encoding="utf-8")))
    assert {r["id"] for r in rows} == set(window.compare_view.ids())
    window.close()
    cache.close()
