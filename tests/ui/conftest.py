"""The UI tests run with the app's garbage-collection policy: cyclic collection on the GUI
thread only (openexplorer/ui/collector.py), as the app's main installs it (ui/patches.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True, scope="session")
def _collect_on_the_gui_thread(qapp):  # noqa: PT004 - a policy, not a value
    from openexplorer.ui import patches

    assert patches.install()["gui_thread_collector"]
    yield
