"""The core is pure Python: Qt and pyqtgraph load only under openexplorer.ui."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import openexplorer

CORE_MODULES = sorted(
    m.name for m in pkgutil.walk_packages(openexplorer.__path__, "openexplorer.")
    if not m.name.startswith("openexplorer.ui")
)


def test_core_modules_exist():
    assert {"openexplorer.db.cache", "openexplorer.cli", "openexplorer.frameworks.mof",
            "openexplorer.importers.mot", "openexplorer.core.licenses"} <= set(CORE_MODULES)


def test_core_imports_without_qt():
    code = (
        "import importlib, sys\n"
        f"for name in {CORE_MODULES!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'PySide6', 'pyqtgraph', 'shiboken6'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]", out.stdout


def test_no_qt_import_statement_outside_ui():
    root = openexplorer.__path__[0]
    offenders = []
    import pathlib
    for path in pathlib.Path(root).rglob("*.py"):
        if "ui" in path.relative_to(root).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        for word in ("import PySide6", "from PySide6", "import pyqtgraph", "from pyqtgraph"):
            if word in text:
                offenders.append(f"{path.name}: {word}")
    assert offenders == []
