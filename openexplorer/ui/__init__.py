"""OpenExplorer's Qt user interface: nothing outside this package imports Qt.

Importing the package first speeds up PySide6's scan of every module imported after it
(:func:`openexplorer.ui.patches.speed_up_pyside_module_scan`): it must be in place before the
app's own modules are imported. The other patches of third-party libraries are in patches.py.
"""

from __future__ import annotations

from openexplorer.ui.patches import speed_up_pyside_module_scan

speed_up_pyside_module_scan()
