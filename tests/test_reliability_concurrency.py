"""Two instances at once — two windows, or the app and ``openexplorer refresh``: no "database is
locked" reaches the user, one writer at a time, nothing lost.

* Three processes on one cache: a refresh as the app's worker runs it (one model per
  transaction), ``openexplorer refresh`` from the command line over the same models, and a reader
  searching and showing releases all the while (the other window). All finish without an error,
  and the cache holds exactly what the Hub says.
* Two first launches at once: both end with the same complete cache.
* A lock held longer than the busy timeout (another program): a clear "busy" message and exit 1
  on the command line, a "busy" failure in the refresh report — never "database is locked".
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from openexplorer.db import cache as cache_module
from openexplorer import cli
from openexplorer.hub.refresh import RefreshRequest, refresh
from openexplorer.store.cache_file import open_cache
from tests.fake_hub import FakeHub
from tests.test_reliability_faults import stored

REPO = Path(__file__).resolve().parent.parent
MODELS = 16

WORKER = textwrap.dedent('''
    import json, sys
    from openexplorer.hub.client import HubClient
    from openexplorer.hub.refresh import RefreshRequest, refresh
    db, endpoint, cache_dir, ids = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
    report = refresh(HubClient(endpoint, token=False, cache_dir=cache_dir, timeout=5), db,
                     RefreshRequest(ids=tuple(ids), batch_size=1))
    print(json.dumps({"updated": report.updated, "failed": [list(f) for f in report.failed]}))
''')

READER = textwrap.dedent('''
    import os, sys, time
    from openexplorer import cli
    db, stop = sys.argv[1], sys.argv[2]
    rounds = 0
    while not os.path.exists(stop):
        for argv in (["search", "llama", "--format", "json"], ["search", "qwen"],
                     ["show", "Qwen/Qwen2.5-7B-Instruct"], ["export", os.devnull]):
            code = cli.main(["--db", db, *argv])
            if code != 0:
                sys.exit(f"{argv}: exit {code}")
        rounds += 1
    print(rounds, file=sys.stderr)
''')


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("concurrency") / "pristine.sqlite"
    open_cache(path).close()
    return path


def fresh(pristine: Path, tmp_path: Path) -> Path:
    db = tmp_path / "cache.sqlite"
    shutil.copyfile(pristine, db)
    return db


def _env(tmp_path: Path, hub: FakeHub) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "0",
            "HF_ENDPOINT": hub.url, "HF_HUB_DISABLE_TELEMETRY": "1", "HF_TOKEN": "",
            "HF_HOME": str(tmp_path / "hf-home"),
            "OPENEXPLORER_DB": str(tmp_path / "unused.sqlite")}


def test_two_writers_and_a_reader_at_once(fake_hub: FakeHub, tmp_path: Path,
                                         pristine: Path) -> None:
    db = fresh(pristine, tmp_path)
    ids = sorted(m for m in fake_hub.models if m not in fake_hub.redirects)[:MODELS]
    env = _env(tmp_path, fake_hub)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(db), str(stop)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(db), fake_hub.url,
                               str(tmp_path / "hf-worker"), *ids], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    command = subprocess.Popen([sys.executable, "-m", "openexplorer", "--db", str(db),
                                "refresh", "--ids", *ids], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = {}
    try:
        for name, process in (("worker", worker), ("command", command)):
            out, err = process.communicate(timeout=120)
            outputs[name] = (process.returncode, out, err)
    finally:
        stop.touch()
        out, err = reader.communicate(timeout=60)
        outputs["reader"] = (reader.returncode, out, err)
    for name, (code, out, err) in outputs.items():
        assert code == 0, (name, out, err)
        assert "locked" not in (out + err).lower() and "Traceback" not in err, (name, err)
    report = json.loads(outputs["worker"][1])
    assert report == {"updated": len(ids), "failed": []}
    assert f"refreshed {len(ids)} of {len(ids)} models" in outputs["command"][2]
    rounds = int(outputs["reader"][2].split()[-1])
    print(f"reader rounds during the writes: {rounds}")
    assert rounds >= 1
    # Everything the Hub says, once, consistent.
    reference = tmp_path / "reference.sqlite"
    assert refresh(fake_hub.client(), reference, RefreshRequest(ids=tuple(ids))).ok
    mine = {k: row for k, (row, _) in stored(db, ids).items()}
    assert mine == {k: row for k, (row, _) in stored(reference, ids).items()}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM records WHERE source = 'hub'").fetchone()[0] \
            == len(ids)
    conn.close()


def test_two_first_launches_at_once(tmp_path: Path) -> None:
    db = tmp_path / "new" / "cache.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "openexplorer", "--db", str(db), "search", "olmo",
            "--format", "json"]
    processes = [subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    assert len({out for out, _ in results}) == 1 and json.loads(results[0][0])
    assert sorted(p.name for p in db.parent.iterdir() if not p.name.startswith("cache.sqlite-")) \
        == ["cache.sqlite"]  # no temporary file left behind
    with open_cache(db) as cache:
        assert cache.count("releases") > 500


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cache_module, "BUSY_TIMEOUT_MS", 300)


def hold_write_lock(db: Path) -> sqlite3.Connection:
    """Another program writing: it holds the write lock until closed."""
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO meta(key, value) VALUES ('other', 'program')")
    return other


def test_a_long_lock_is_a_clear_busy_message(tmp_path: Path, short_busy_timeout: None,
                                             shared_data: Path, pristine: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    db = fresh(pristine, tmp_path)
    other = hold_write_lock(db)
    try:
        started = time.monotonic()
        code = cli.main(["--db", str(db), "import", "osi",
                         str(shared_data / "osi-osaid" / "osaid-validation.csv")])
        err = capsys.readouterr().err
        assert code == 1 and "busy" in err and "locked" not in err and "Traceback" not in err
        assert time.monotonic() - started < 10
        # Reading goes on while another program writes.
        assert cli.main(["--db", str(db), "search", "olmo"]) == 0
    finally:
        other.rollback()
        other.close()
    assert cli.main(["--db", str(db), "import", "osi",
                     str(shared_data / "osi-osaid" / "osaid-validation.csv")]) == 0


def test_a_refresh_under_a_long_lock_reports_busy(fake_hub: FakeHub, tmp_path: Path,
                                                 short_busy_timeout: None,
                                                 pristine: Path) -> None:
    db = fresh(pristine, tmp_path)
    other = hold_write_lock(db)
    try:
        report = refresh(fake_hub.client(), db, RefreshRequest(ids=("google/flan-t5-xxl",),
                                                               with_datasets=False))
    finally:
        other.rollback()
        other.close()
    assert report.updated == 0 and report.stopped
    text = " ".join(f.message for f in report.failed)
    assert "busy" in text and "locked" not in text


def test_two_windows_refresh_at_once(qtbot, fake_hub: FakeHub, tmp_path: Path,
                                     pristine: Path) -> None:
    """Two windows of the app on one cache, both refreshing the same models while searching."""
    pytest.importorskip("PySide6")
    from PySide6.QtCore import QSettings

    from openexplorer.ui.main_window import MainWindow
    from openexplorer.ui.refresh_worker import RefreshController

    db = fresh(pristine, tmp_path)
    ids = tuple(sorted(m for m in fake_hub.models if m not in fake_hub.redirects)[:MODELS])
    windows = []
    try:
        for n in range(2):
            cache = open_cache(db)
            settings = QSettings(str(tmp_path / f"settings{n}.ini"), QSettings.Format.IniFormat)
            controller = RefreshController(cache.path, cache=cache, settings=settings,
                                           client_factory=lambda: fake_hub.client(timeout=5))
            from openexplorer.ui import patches  # the app's GC policy, as app.main installs it
            patches.install()
            window = MainWindow(cache, settings=settings, refresh_controller=controller)
            qtbot.addWidget(window)
            window.show()
            windows.append((window, controller, cache))
        (one, first, _), (two, second, _) = windows
        failures: list[str] = []
        reports: list = []
        for controller in (first, second):  # both re-emit in the GUI thread
            controller.failed.connect(failures.append)
            controller.finished.connect(reports.append)
        with qtbot.waitSignals([first.finished, second.finished], timeout=60_000):
            for controller in (first, second):
                assert controller.start(RefreshRequest(ids=ids, batch_size=1,
                                                       with_datasets=False))
            for window in (one, two):  # both windows read while both write
                window.search.set_query("qwen")
        assert failures == []
        assert [r.updated for r in reports] == [len(ids), len(ids)]
        assert all(r.ok for r in reports), [r.failed for r in reports]
        qtbot.waitUntil(lambda: one.search.is_idle() and two.search.is_idle(), timeout=10_000)
    finally:
        for window, controller, cache in windows:
            window.close()
            controller.shutdown()
            cache.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM records WHERE source = 'hub'").fetchone()[0] \
            == len(ids)
    conn.close()
