"""Secrets and what a card can do.

* A canary token (``HF_TOKEN=hf_canary…``) goes to the Hub — the fake Hub receives it in the
  Authorization header — and nowhere else: not in the cache or its WAL, not in the logs (at
  DEBUG, to a file), not in exports, charts, the user-data copy, the Hub cache (HF_HOME), not in
  what the commands print, not in a crash report, not in the process list (``/proc/<pid>/cmdline``,
  read while each command runs). Even a Hub that echoes the token back in an error message does
  not get it into any of them.
* Links from evidence open only when they are http(s) (``release_page.is_safe_url``).
* Nothing from a card is executed or rendered as active HTML: a card full of ``<script>`` and
  ``<a href=javascript:…>`` ends up as plain text in the model page's labels, tooltips and
  table, and clicking its links opens nothing but http(s).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.fake_hub import FakeHub, Fault

REPO = Path(__file__).resolve().parent.parent
CANARY = "hf_canaryTOKEN9f3c2a71d6e84b05ac1e7d2b"
FLAN = "google/flan-t5-xxl"
WHISPER = "openai/whisper-tiny"
QWEN = "Qwen/Qwen2.5-7B-Instruct"
GEMMA = "google/gemma-2b-it"

# Runs `openexplorer ARGS` with every logger at DEBUG into LOGFILE (the app's and the libraries').
RUN = textwrap.dedent('''
    import logging, sys
    logging.basicConfig(filename=sys.argv[1], level=logging.DEBUG,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from openexplorer import cli
    sys.exit(cli.main(sys.argv[2:]))
''')

# A crash: a bug inside the refresh (an exception from the evidence code), then an uncaught one.
CRASH = textwrap.dedent('''
    import logging, sys
    logging.basicConfig(filename=sys.argv[1], level=logging.DEBUG)
    from openexplorer.hub import evidence as hub_evidence
    from openexplorer.hub import refresh
    from openexplorer.hub.client import HubClient
    def broken(*args, **kw):
        raise RuntimeError("a bug in the evidence code")
    hub_evidence.record_from_hub = broken
    client = HubClient()
    report = refresh.refresh(client, sys.argv[2], refresh.RefreshRequest(ids=(sys.argv[3],)))
    print(report.summary(), report.failed)
    raise SystemError(f"crash with {client!r} and {report!r}")
''')


class Child:
    """A command run in a child process, its /proc/<pid>/cmdline read while it runs."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.cmdlines: list[bytes] = []
        self.environ_has_token = False
        # Files, not pipes: a command that prints a lot must not wait for us to read it.
        out, err = cwd / f".out-{id(self)}", cwd / f".err-{id(self)}"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
        proc = Path(f"/proc/{process.pid}")
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            try:
                self.cmdlines.append((proc / "cmdline").read_bytes())
                self.environ_has_token |= CANARY.encode() in (proc / "environ").read_bytes()
            except OSError:
                pass
            time.sleep(0.02)
        self.code = process.wait(timeout=120)
        self.out, self.err = out.read_bytes(), err.read_bytes()
        out.unlink()
        err.unlink()


def every_file(*roots: Path) -> dict[Path, bytes]:
    out = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                out[path] = path.read_bytes()
    return out


@pytest.fixture
def home(tmp_path: Path) -> Path:
    for name in ("home", "config", "data", "cache", "work", "hf-home"):
        (tmp_path / name).mkdir()
    return tmp_path


def child_env(home: Path, hub: FakeHub) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update({
        "PYTHONPATH": str(REPO), "HOME": str(home / "home"),
        "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"), "HF_HOME": str(home / "hf-home"),
        "HF_ENDPOINT": hub.url, "HF_HUB_OFFLINE": "0", "HF_HUB_DISABLE_TELEMETRY": "1",
        "HF_TOKEN": CANARY, "QT_QPA_PLATFORM": "offscreen",
        "OPENEXPLORER_DB": str(home / "data" / "cache.sqlite"),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    })
    return env


def test_the_token_goes_to_the_hub_and_nowhere_else(fake_hub: FakeHub, home: Path) -> None:
    env = child_env(home, fake_hub)
    work = home / "work"
    log = home / "cache" / "openexplorer.log"
    db = home / "data" / "cache.sqlite"
    # A slow answer keeps the refresh alive while its command line is read; a gated model and a
    # Hub that echoes the token in its error message, both in the report.
    fake_hub.fail(f"/api/models/{FLAN}", Fault.slow(0.4))
    fake_hub.fail(f"/api/models/{GEMMA}", Fault.gated(403, times=None))
    fake_hub.fail(f"/api/models/{QWEN}", Fault(status=401, times=None, headers={
        "X-Error-Message": f"Invalid credentials in Authorization header: Bearer {CANARY}"}))
    runs = [
        ["--db", str(db), "-v", "refresh", "--ids", FLAN, WHISPER, GEMMA, QWEN],
        ["--db", str(db), "export", "--format", "jsonl", "export.jsonl"],
        ["--db", str(db), "export", "--format", "csv", "export.csv"],
        ["--db", str(db), "show", WHISPER, "--format", "json"],
        ["--db", str(db), "show", FLAN],
        ["--db", str(db), "search", "whisper", "--format", "json"],
        ["--db", str(db), "compare", WHISPER, FLAN, "--chart", "chart.png"],
        ["--db", str(db), "compare", WHISPER, FLAN, "--chart", "chart.svg", "--format", "csv"],
        ["--db", str(db), "cache", "export-user", "mine.json"],
    ]
    children = [Child([sys.executable, "-c", RUN, str(log), "--db", str(db), "search", "x"],
                      env, work)]  # the first launch
    # One connection open meanwhile: the children's WAL stays on disk to be searched.
    keeper = sqlite3.connect(db)
    keeper.execute("SELECT count(*) FROM records").fetchone()
    for n, args in enumerate(runs):
        child = Child([sys.executable, "-c", RUN, str(log), *args], env, work)
        children.append(child)
        assert child.code == 0 or (n == 0 and child.code in (0, 1)), (args, child.err)
    try:
        crash = Child([sys.executable, "-c", CRASH, str(home / "cache" / "crash.log"), str(db),
                       WHISPER], env, work)
        assert crash.code == 1 and b"SystemError" in crash.err  # a real traceback, on stderr
        children.append(crash)
        # Every file written, the WAL too (still there: the keeper holds the cache open).
        files = every_file(home / "home", home / "config", home / "data", home / "cache", work,
                           home / "hf-home")
    finally:
        keeper.close()

    # The Hub received the token with every authenticated call.
    calls = [r for r in fake_hub.log if r.param("limit") != ["1"]]
    assert calls and all(r.authorization == f"Bearer {CANARY}" for r in calls)
    # The children really had it (in their environment, as the user gave it).
    assert all(c.environ_has_token for c in children if c.cmdlines)
    # ...and never put it anywhere.
    assert all(c.cmdlines for c in children)
    for child in children:
        for cmdline in child.cmdlines:
            assert CANARY.encode() not in cmdline
        assert CANARY.encode() not in child.out and CANARY.encode() not in child.err
    written = {p.name for p in files}
    assert {"cache.sqlite", "export.jsonl", "export.csv", "chart.png", "chart.svg",
            "mine.json", "openexplorer.log", "crash.log"} <= written
    assert any(name.endswith("-wal") for name in written)
    assert log.stat().st_size > 10_000  # DEBUG logging really happened (the libraries too)
    assert any(p.is_relative_to(home / "hf-home") for p in files)  # cards were cached
    leaks = [str(p) for p, data in files.items() if CANARY.encode() in data]
    assert leaks == []
    print(f"children {len(children)}, command lines read "
          f"{sum(len(c.cmdlines) for c in children)}, files {len(files)}, "
          f"bytes {sum(len(d) for d in files.values())}, log {log.stat().st_size}")
    # The refresh said what happened, without the token.
    refresh_err = children[1].err.decode()
    assert f"{GEMMA}: gated" in refresh_err and "refused the token" in refresh_err


# -- links and card text in the app ---------------------------------------------------------------

@pytest.mark.parametrize(("url", "safe"), [
    ("https://huggingface.co/org/model", True),
    ("http://example.org/x?y=1#z", True),
    ("HTTPS://EXAMPLE.ORG", True),
    ("javascript:alert(1)", False),
    ("JaVaScRiPt:alert(1)", False),
    (" javascript:alert(1)", False),
    ("java\nscript:alert(1)", False),
    ("data:text/html,<script>alert(1)</script>", False),
    ("file:///etc/passwd", False),
    ("vbscript:msgbox(1)", False),
    ("ftp://example.org/file", False),
    ("//example.org/no-scheme", False),
    ("https://", False),
    ("http:///path-only", False),
    ("", False),
    (None, False),
    (42, False),
])
def test_only_http_links_are_safe(url: object, safe: bool) -> None:
    pytest.importorskip("PySide6")
    from openexplorer.ui.release_page import is_safe_url, open_url

    assert is_safe_url(url) is safe
    if not safe:
        assert open_url(url) is False


HOSTILE_CARD = """---
license: <script>alert('licence')</script>
license_name: <b>bold</b> <img src=x onerror=alert(1)>
license_link: javascript:alert('link')
datasets:
  - <script>alert('dataset')</script>
base_model: <a href="javascript:alert(1)">evil/base</a>
tags:
  - <iframe src="javascript:alert(1)"></iframe>
---
# <script>alert('heading')</script>

## Training data <a href="javascript:alert('section')">click</a>

Code: [repo](javascript:alert('code')) and <a href="javascript:alert(2)">here</a>,
also https://github.com/evil/<script>x</script>.

<img src=x onerror="alert('img')">
"""
HOSTILE = ("<script", "javascript:", "onerror", "<iframe", "<b>", "<img", "<a ")


def test_card_text_is_plain_text_in_the_model_page(qtbot, monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    pytest.importorskip("PySide6")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtWidgets import QLabel, QWidget

    from openexplorer.hub import evidence as hub_evidence
    from openexplorer.core.records import Assessment, ImportResult, SourceRecord
    from openexplorer.store.cache_file import open_cache
    from openexplorer.store.ingest import ingest
    from openexplorer.ui import release_page as page_module
    from openexplorer.ui.release_page import ModelPage
    from openexplorer.views.release import release_view

    body = {"id": "evil/model", "sha": "a" * 40, "tags": ["license:<script>x</script>"],
            "cardData": {"license": "<script>alert(1)</script>"},
            "siblings": [{"rfilename": "<script>.safetensors"}, {"rfilename": "README.md"}]}
    record = hub_evidence.record_from_hub(body, HOSTILE_CARD, fetched_at="2026-01-01T00:00:00Z")
    # A source file can carry any link: the index's YAML, say, with hostile ones.
    curated = SourceRecord(
        source="osai", key="evil", name="<script>alert('name')</script>", hub_id="evil/model",
        assessments=[Assessment("osai", "weights_endmodel", "open",
                                urls=("javascript:alert('weights')",), notes="<b>x</b>"),
                     Assessment("osai", "licenses", "closed",
                                urls=("data:text/html,<script>alert(1)</script>",
                                      "https://example.org/licence"))])
    with open_cache(tmp_path / "cache.sqlite") as cache:
        ingest(cache, ImportResult(records=[record, curated]))
        view = release_view(cache, cache.resolve("evil/model") or "")
    assert view is not None
    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    page = ModelPage()
    qtbot.addWidget(page)
    page.show_view(view)
    page.resize(1000, 900)
    page.show()
    qtbot.waitExposed(page)

    hostile_labels = []
    for label in page.findChildren(QLabel):
        text = label.text()
        if any(h in text.lower() for h in HOSTILE):
            hostile_labels.append(text)
            assert label.textFormat() == Qt.TextFormat.PlainText, text
            assert not label.openExternalLinks()
    assert hostile_labels  # the card's text is shown — as text
    for widget in page.findChildren(QWidget):
        tip = widget.toolTip()
        if any(h in tip.lower() for h in ("<script", "<iframe", "<img")):
            assert Qt.mightBeRichText(tip) is False or "&lt;" in tip, tip
    # The evidence table: its tooltips are plain, its links open only when http(s).
    model = page.evidence.view.model()
    urls: list[str] = []
    for row in range(model.rowCount()):
        for column in range(model.columnCount()):
            index = model.index(row, column)
            tip = model.data(index, Qt.ItemDataRole.ToolTipRole)
            if isinstance(tip, str) and "<script" in tip.lower():
                assert not Qt.mightBeRichText(tip), tip
            urls += page.evidence.urls_at(index)
            page.evidence.open_link(index)
    assert any(u.lower().startswith("javascript:") for u in urls), urls  # there, not opened
    page.header.open_hub_page()
    assert opened and all(url.startswith(("http://", "https://")) for url in opened), opened
    assert all(page_module.is_safe_url(url) for url in opened)
