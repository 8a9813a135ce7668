"""OpenExplorer's Qt user interface: nothing outside this package imports Qt."""

from __future__ import annotations

import sys
from importlib.machinery import EXTENSION_SUFFIXES
from types import ModuleType

import PySide6.QtCore  # noqa: F401 - its import installs the module scan replaced below


def _scan_module_bytes() -> None:
    """PySide6 looks at every module imported after it for the text "PySide6" — which modules
    its ``__feature__`` switching applies to (PYSIDE-2029) — through ``inspect.getsource``,
    which tokenises each file and keeps its lines in ``linecache``: 11 ms of the app's start
    (92 modules) and as much again for NumPy's modules on the facet thread, whose lock the
    window then waits for. The same question is answered here from the file's bytes; modules
    without a source file of their own go to PySide6's own scan."""
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None or getattr(original, "scans_bytes", False):
        return
    extensions = tuple(EXTENSION_SUFFIXES)

    def mod_uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if isinstance(path, str) and path.endswith(extensions):
            return False
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:  # e.g. a module inside a zip
            return original(module)

    mod_uses_pyside.scans_bytes = True  # type: ignore[attr-defined]
    mod_uses_pyside.replaced = original  # type: ignore[attr-defined]
    feature._mod_uses_pyside = mod_uses_pyside  # type: ignore[union-attr]


_scan_module_bytes()
