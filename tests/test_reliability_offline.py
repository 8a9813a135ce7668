"""Offline means offline: with "Work offline" on (``RefreshController.set_offline(True)``) or
``HF_HUB_OFFLINE``, not one network connection is attempted — during a refresh attempt (the
window's, the worker's, the command line's), a show, a search, and the app window's startup with
its periodic refresh switched on.

Every way a Python program opens a network connection goes through ``socket.socket.connect``
(``connect_ex``, ``socket.create_connection``) after a name lookup (``getaddrinfo``): all four
are watched, and refused, while the test runs. The positive control shows the watch sees the Hub
client's connections when the app is online.
"""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openexplorer import cli
from openexplorer.hub.refresh import RefreshRequest, refresh
from openexplorer.store.cache_file import open_cache
from tests.fake_hub import FakeHub

HERMES = "NousResearch/Hermes-3-Llama-3.1-8B"
FLAN = "google/flan-t5-xxl"


class Watch:
    """Records (and refuses) every internet connection attempt and name lookup."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *, refuse: bool = True) -> None:
        self.attempts: list[tuple[str, Any]] = []
        self.refuse = refuse
        real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
        real_create, real_lookup = socket.create_connection, socket.getaddrinfo
        watch = self

        def connect(sock: socket.socket, address: Any) -> Any:
            if watch._seen(sock.family, "connect", address):
                raise ConnectionRefusedError("offline test: no connections")
            return real_connect(sock, address)

        def connect_ex(sock: socket.socket, address: Any) -> Any:
            if watch._seen(sock.family, "connect_ex", address):
                return 111
            return real_connect_ex(sock, address)

        def create_connection(address: Any, *args: Any, **kw: Any) -> Any:
            if watch._seen(socket.AF_INET, "create_connection", address):
                raise ConnectionRefusedError("offline test: no connections")
            return real_create(address, *args, **kw)

        def getaddrinfo(host: Any, *args: Any, **kw: Any) -> Any:
            if watch._seen(socket.AF_INET, "getaddrinfo", host):
                raise socket.gaierror("offline test: no lookups")
            return real_lookup(host, *args, **kw)

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
        monkeypatch.setattr(socket, "create_connection", create_connection)
        monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    def _seen(self, family: int, how: str, address: Any) -> bool:
        if family not in (socket.AF_INET, socket.AF_INET6):
            return False  # a local socket (D-Bus for the keyring…) is not the network
        self.attempts.append((how, address))
        return self.refuse


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("offline") / "pristine.sqlite"
    open_cache(path).close()
    return path


@pytest.fixture
def db(pristine: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite"
    shutil.copyfile(pristine, path)
    return path


@pytest.fixture
def offline_env(fake_hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """The fake Hub is there and answering: only offline mode keeps the app from it."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)
    yield fake_hub


def test_the_watch_sees_the_hub_client_when_online(fake_hub: FakeHub, db: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    watch = Watch(monkeypatch, refuse=False)
    report = refresh(fake_hub.client(), db, RefreshRequest(ids=(FLAN,), with_datasets=False))
    assert report.ok
    assert any(how in ("connect", "create_connection") for how, _ in watch.attempts)


def test_hf_hub_offline_command_line(offline_env: FakeHub, db: Path,
                                     monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    watch = Watch(monkeypatch)
    assert cli.main(["--db", str(db), "refresh", "--ids", FLAN]) == 1
    assert "offline" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "refresh"]) == 1  # what is due: nothing asked
    assert cli.main(["--db", str(db), "show", "allenai/OLMo-7B"]) == 0
    assert cli.main(["--db", str(db), "search", "llama", "--format", "json"]) == 0
    assert cli.main(["--db", str(db), "compare", "allenai/OLMo-7B", "mistralai/Mistral-7B-v0.1",
                     "--format", "json"]) == 0
    assert cli.main(["--db", str(db), "export", str(tmp_path / "out.jsonl")]) == 0
    report = refresh(offline_env.client(), db, RefreshRequest(ids=(FLAN, HERMES)))
    assert [f.kind for f in report.failed] == ["offline"]
    assert watch.attempts == [] and offline_env.log == []


def test_work_offline_in_the_app(qtbot, fake_hub: FakeHub, db: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from openexplorer.ui.main_window import MainWindow
    from openexplorer.ui.refresh_worker import RefreshController

    watch = Watch(monkeypatch)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("hub/offline", True)  # "Work offline", saved from an earlier session
    settings.setValue("hub/auto_refresh", True)
    cache = open_cache(db)
    controller = RefreshController(cache.path, cache=cache, settings=settings, periodic=True,
                                   first_check_ms=10,
                                   client_factory=lambda: fake_hub.client(timeout=1))
    from openexplorer.ui import patches  # the app's GC policy, as app.main installs it
    patches.install()
    window = MainWindow(cache, settings=settings, refresh_controller=controller, periodic=True)
    qtbot.addWidget(window)
    try:
        window.show()
        qtbot.waitExposed(window)
        assert controller.is_offline() and window.offline_action.isChecked()
        qtbot.wait(300)  # the periodic check's first run is due
        window.refresh_action.trigger()
        window.model_page.refresh_requested.emit([HERMES])
        assert not controller.start(RefreshRequest(ids=(HERMES,)))
        window.search.set_query("llama")
        qtbot.waitUntil(window.search.is_idle, timeout=10_000)
        window.search.release_activated.emit("allenai/olmo-7b")  # Enter on the row
        # Switched on at run time too: on, off (a refresh goes out), on again.
        controller.set_offline(False)
        assert not controller.is_offline()
        controller.set_offline(True)
        assert not controller.start(RefreshRequest(ids=(FLAN,)))
        qtbot.wait(200)
        assert watch.attempts == [] and fake_hub.log == []
    finally:
        window.close()
        controller.shutdown()
        cache.close()
