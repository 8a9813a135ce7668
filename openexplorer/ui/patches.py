"""Every change OpenExplorer makes to a third-party library's behaviour, in one place.

Each patch says what it changes, why, and where upstream stands; each is idempotent and can be
checked with :func:`installed`. :func:`install` (called by :func:`openexplorer.ui.app.main`)
puts them all in place for the desktop app. Two take effect earlier, where they must:

* the PySide6 module scan, as soon as :mod:`openexplorer.ui` is imported — every module imported
  after PySide6 is scanned, so it must be replaced before the app's own modules are imported
  (the package's ``__init__`` calls :func:`speed_up_pyside_module_scan`);
* the pyqtgraph SVG exporter fix, when pyqtgraph is first imported (by
  :mod:`openexplorer.ui.charts`) — importing pyqtgraph at start-up only to patch it would slow
  the app's start for charts nobody may open.

The third, the garbage collector's policy, needs a QApplication and is put in place by
:func:`install` (tests install it in their conftest).
"""

from __future__ import annotations

import importlib
import re
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from types import ModuleType
from typing import Any

import PySide6.QtCore  # noqa: F401 - its import installs the module scan replaced below

# -- PySide6: the scan of imported modules --------------------------------------------------------


def speed_up_pyside_module_scan() -> bool:
    """Answer PySide6's "does this module use PySide6?" from the module file's bytes.

    What: PySide6 looks at every module imported after it for the text "PySide6" — which
    modules its ``__feature__`` switching applies to — through ``inspect.getsource``.
    Why: that tokenises each file and keeps its lines in ``linecache``, for every module of the app's
    start and again for NumPy's modules on the facet thread, whose lock the window then waits
    for (measured in docs/benchmarks.md, "cold start"). The same question is answered here from the file's bytes; modules
    without a source file of their own go to PySide6's own scan.
    Upstream: PYSIDE-2029 (https://bugreports.qt.io/browse/PYSIDE-2029), the feature switching
    that needs the scan; ``shibokensupport.feature._mod_uses_pyside`` is PySide6's private hook.
    True when the scan is (now) the fast one; False on a PySide6 without that hook.
    """
    feature = sys.modules.get("shibokensupport.feature")
    original = getattr(feature, "_mod_uses_pyside", None)
    if original is None:
        return False
    if getattr(original, "scans_bytes", False):
        return True
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
    return True


def pyside_module_scan_sped_up() -> bool:
    feature = sys.modules.get("shibokensupport.feature")
    return bool(getattr(getattr(feature, "_mod_uses_pyside", None), "scans_bytes", False))


# -- pyqtgraph: the SVG exporter and QtSvg's closed paths -----------------------------------------

_CLOSE = re.compile(r"^[Zz]$")
_CLOSE_WITH_COORDS = re.compile(r"Z[-+0-9.eE,]*")


def fix_pyqtgraph_svg_exporter() -> None:
    """Make pyqtgraph 0.14's SVGExporter work with QtSvg ≥ 6.11 (docs/tech-notes.md G1).

    What: wraps ``pyqtgraph.exporters.SVGExporter.correctCoordinates``.
    Why: Qt now closes paths with a ``Z`` token, which pyqtgraph's ``correctCoordinates`` tries
    to split into ``x,y``. The wrapper turns each ``Z`` into ``Z0,0`` so it survives the
    coordinate rewrite in place, then strips the dummy coordinates again. (OpenExplorer writes
    its own SVGs through QSvgGenerator, :func:`openexplorer.ui.charts.export_widget`; the fix
    stays for any other use of pyqtgraph's exporter.)
    Upstream: pyqtgraph issue #3495 (https://github.com/pyqtgraph/pyqtgraph/issues/3495),
    fixed by PR #3458, not released yet. Fixed versions never see a bare ``Z`` token here, so
    the wrapper is harmless there.
    """
    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates
    if getattr(original, "_openexplorer_patched", False):
        return

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        touched = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            if any(_CLOSE.match(t) for t in tokens):
                path.setAttribute("d", " ".join("Z0,0" if _CLOSE.match(t) else t
                                                for t in tokens))
                touched.append(path)
        try:
            return original(node, defs, item, options)
        finally:
            for path in touched:
                path.setAttribute("d", _CLOSE_WITH_COORDS.sub("Z", path.getAttribute("d")))

    correct_coordinates._openexplorer_patched = True  # type: ignore[attr-defined]
    setattr(module, "correctCoordinates", correct_coordinates)  # a module patched at run time


def pyqtgraph_svg_exporter_fixed() -> bool:
    """Whether the fix is in place (False also when pyqtgraph has not been imported)."""
    module = sys.modules.get("pyqtgraph.exporters.SVGExporter")
    return bool(getattr(getattr(module, "correctCoordinates", None), "_openexplorer_patched",
                        False))


# -- Python's garbage collector: on the GUI thread only --------------------------------------------


def collect_on_gui_thread_only() -> bool:
    """Switch Python's automatic cyclic collector off; collect on the GUI thread, on a timer.

    What: :func:`openexplorer.ui.collector.install` (``gc.disable()`` and a QTimer that collects
    by the collector's own thresholds). Why: Python collects in whichever thread allocates past
    a threshold — often a worker here; a collection there can finalise Qt wrappers that belong
    to the GUI thread, and if the GUI thread meanwhile waits for the interpreter lock inside
    Qt, both wait for ever (the suite hung so, once in fifteen runs). Upstream: nothing to fix —
    a policy of this app through Python's own switches (https://docs.python.org/3/library/gc.html).
    Needs a QApplication; True if done.
    """
    from openexplorer.ui.collector import install as install_collector

    return install_collector()


# -- all of them ------------------------------------------------------------------------------------


def install() -> dict[str, bool]:
    """Put every patch in place that can be now (the app's main, once its QApplication exists);
    the pyqtgraph fix follows pyqtgraph's import. Returns :func:`installed`."""
    speed_up_pyside_module_scan()
    if "pyqtgraph" in sys.modules:
        fix_pyqtgraph_svg_exporter()
    collect_on_gui_thread_only()
    return installed()


def installed() -> dict[str, bool]:
    """Which patches are in place, by name."""
    from openexplorer.ui.collector import installed as collector_installed

    return {"pyside_module_scan": pyside_module_scan_sped_up(),
            "pyqtgraph_svg_exporter": pyqtgraph_svg_exporter_fixed(),
            "gui_thread_collector": collector_installed()}
