"""Python signal emits must not corrupt reference counts (PySide6 6.12.0 did: see pyproject)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, Signal
app = QCoreApplication([])
class Probe(QObject):
    ping = Signal(object)
probe = Probe()
probe.ping.connect(lambda value: None)
before = sys.getrefcount(True)
for i in range(5000):
    probe.ping.emit(i)
print(sys.getrefcount(True) - before)
"""


def test_five_thousand_emits_leave_true_alone():
    # In a child process: with the bug, Python aborts ("bool_dealloc") instead of failing.
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr[-500:]
    assert abs(int(out.stdout.strip())) < 50
