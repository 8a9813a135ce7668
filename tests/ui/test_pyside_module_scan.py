"""PySide6's scan of imported modules, answered from their bytes (openexplorer/ui/patches.py,
installed when openexplorer.ui is imported)."""

from __future__ import annotations

import linecache
import sys

import pytest

pytest.importorskip("PySide6")

import openexplorer.ui  # noqa: E402, F401 - installs the scan
import openexplorer.ui.main_window  # noqa: E402, F401 - modules of every kind to scan


def test_the_scan_gives_pyside6s_answer_for_every_module_loaded():
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 has no module scan")
    scan = feature._mod_uses_pyside
    assert scan.scans_bytes
    modules = list(sys.modules.values())
    ours = [scan(m) for m in modules]
    linecache.clearcache()
    theirs = [scan.replaced(m) for m in modules]
    assert ours == theirs
    assert any(ours) and not all(ours)  # both answers occur
    assert scan(sys.modules["openexplorer.ui.main_window"])
    assert not scan(sys.modules["openexplorer.search.summary"])


def test_the_scan_keeps_linecache_empty_of_the_modules_it_reads():
    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not hasattr(feature, "_mod_uses_pyside"):
        pytest.skip("this PySide6 has no module scan")
    linecache.clearcache()
    feature._mod_uses_pyside(sys.modules["openexplorer.ui.search_panel"])
    assert not linecache.cache  # (PySide6's own kept every line of every module)


def test_importing_the_ui_package_installs_the_scan_before_any_other_ui_module():
    import os
    import subprocess

    code = ("import sys, openexplorer.ui\n"
            "from openexplorer.ui import patches\n"
            "print(patches.pyside_module_scan_sped_up(),\n"
            "      sorted(m for m in sys.modules if m.startswith('openexplorer.ui.')))\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env, timeout=120).stdout.strip()
    assert out == "True ['openexplorer.ui.patches']", out
