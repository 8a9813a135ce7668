#!/usr/bin/env python3
"""The hostile round: a re-runnable set of hostile probes over OpenExplorer's public surfaces.

Every probe runs the real command line (``python -m openexplorer ... --db CACHE``) in its own
process, on a copy of one cache built from the bundled snapshot into which the user's own data
was written first (a correction, two watchlist entries, a rubric profile; the copy of that
data the product keeps beside the cache is copied with it). The probes:

* **importers**: for every source, an empty file, a header-only file, binary garbage, NUL bytes,
  UTF-16, invalid UTF-8, a FIFO, ``/dev/zero``, a YAML document a thousand lists (and mappings)
  deep, a sparse file over the size limit, a folder, a missing path, a symlink loop;
* **search**: FTS syntax, quotes, NUL, full-width text, 100 KB of text, in ``search``, ``show``
  and ``compare``;
* **damaged caches**: 0 bytes, truncated, garbage over the header or in the middle, a missing
  table, a foreign SQLite file, a newer schema, a stray ``-wal``, a folder as the cache, a
  read-only folder (a read-only bind mount), each met by a reading and a writing command;
* **kills**: SIGKILL at random moments of an import and of ``cache rebuild --force``;
* **two writers**: two imports at once, an import during a rebuild;
* **paths**: ``--db ''``, ``--db .``, ``--db /``;
* **compare**: the same release named twice (any case, a renamed Hub id);
* **full disk**: exports into a 64 KB tmpfs (when mounting is permitted; else skipped, said).

For each probe it records: the exit status, whether a traceback was printed, whether it hung,
whether the user's data is all still there afterwards (read with ``cache export-user``, after
``cache rebuild`` when the probe left the cache damaged — the documented way back — or, for
a file the product must never write, the file byte for byte as it was), and whether the cache
opens. It prints one line per probe kind and totals; ``--json FILE`` writes them.

    python benchmarks/hostile.py            # the full round (several hundred probes, ~5 min)
    python benchmarks/hostile.py --quick    # about 30 probes (tests/test_reliability_misc.py)
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SHARED = Path(os.environ.get("OPENEXPLORER_SHARED_DATA") or REPO.parent / "shared" / "data")
#: source → (file name its importer expects, YAML or not, a real file of it under SHARED)
SOURCES = {
    "mot": ("Model.yml", True, None),
    "osai": ("model.yaml", True, None),
    "osai-legacy": ("project.yaml", True, None),
    "epoch": ("notable-ai-models.csv", False, "epoch-ai/notable-ai-models.csv"),
    "osi": ("osaid-validation.csv", False, "osi-osaid/osaid-validation.csv"),
    "fmti": ("Dec2025_scores.csv", False, "fmti/Dec2025/Dec2025_scores.csv"),
}
CORRECTION = "hostile-round-correction"
WATCHED = [("family", "llama"), ("release", "meta-llama/llama-2-7b-hf")]
RUBRIC = "hostile-round"
#: What ``cache export-user`` must report of the user's data: corrections, watchlist rows,
#: rubric profiles.
EXPECTED = (1, len(WATCHED), 1)
TIMEOUT = 90.0


@dataclass
class Outcome:
    kind: str
    case: str
    exit: int | None = None
    traceback: bool = False
    hung: bool = False
    data_kept: bool = True
    opens: bool = True
    note: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return (not self.traceback and not self.hung and self.data_kept and self.opens
                and self.exit is not None and self.exit in (0, 1, 2))


@dataclass
class Round:
    work: Path
    template: Path
    env: dict[str, str]
    outcomes: list[Outcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


# -- running the product ---------------------------------------------------------------------


def command(args: list[str]) -> list[str]:
    return [sys.executable, "-m", "openexplorer", *args]


def run(rnd: Round, args: list[str], *, timeout: float = TIMEOUT, stdin: bytes | None = None
        ) -> tuple[int | None, str, str, bool]:
    """(exit status or None when it hung, stdout, stderr, hung)."""
    try:
        done = subprocess.run(command(args), capture_output=True, timeout=timeout, env=rnd.env,
                              input=stdin or b"", cwd=rnd.work, check=False)
    except subprocess.TimeoutExpired as exc:
        return None, "", (exc.stderr or b"").decode("utf-8", "replace"), True
    return (done.returncode, done.stdout.decode("utf-8", "replace"),
            done.stderr.decode("utf-8", "replace"), False)


def user_data(rnd: Round, db: Path) -> tuple[bool, tuple[int, int, int] | None, str]:
    """(the cache opens, what ``cache export-user`` finds of the user's data, its message)."""
    out = rnd.work / f"user-{time.monotonic_ns()}.json"  # beside a read-only cache: not
    code, _, err, _ = run(rnd, ["--db", str(db), "cache", "export-user", str(out)])
    if code != 0 or not out.exists():
        return False, None, err.strip().splitlines()[-1:][0] if err.strip() else ""
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    tables = data.get("tables", {})
    corrections = sum(1 for r in data.get("records", []) if r.get("key") == CORRECTION)
    watched = sum(1 for r in tables.get("watchlist", [])
                  if (r.get("kind"), r.get("value")) in WATCHED)
    rubric = sum(1 for r in tables.get("rubric_profiles", []) if r.get("name") == RUBRIC)
    return True, (corrections, watched, rubric), ""


def digest(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else None


def fresh(rnd: Round, name: str) -> Path:
    """A folder of its own holding a copy of the template cache (and the copy of the user's
    data kept beside it); the cache's path."""
    folder = Path(tempfile.mkdtemp(prefix=name[:40].replace("/", "_") + "-", dir=rnd.work))
    for item in rnd.template.parent.iterdir():
        if item.is_file():
            shutil.copy2(item, folder / item.name)
    return folder / rnd.template.name


def finish(rnd: Round, outcome: Outcome, db: Path | None, *, untouched: str | None = None,
           started: float) -> Outcome:
    """Check the user's data after a probe and record the outcome. ``untouched``: the digest
    the file at ``db`` must still have (a file the product must never write)."""
    if db is not None:
        if untouched is not None:
            outcome.data_kept = digest(db) == untouched
            outcome.opens = True  # refused by design; left as it was
            if not outcome.data_kept:
                outcome.note = (outcome.note + "; file changed").strip("; ")
        else:
            code, _, err, hung = run(rnd, ["--db", str(db), "search", "llama", "--limit", "1"])
            opens = code == 0
            if opens:
                opens, found, message = user_data(rnd, db)
            if not opens:  # damaged: the documented way back is `cache rebuild`
                code, _, err, hung = run(rnd, ["--db", str(db), "cache", "rebuild"])
                if "Traceback" in err or hung:
                    outcome.traceback |= "Traceback" in err
                    outcome.hung |= hung
                opens, found, message = user_data(rnd, db)
                outcome.note = (outcome.note + "; rebuilt").strip("; ")
            outcome.opens = opens
            outcome.data_kept = found == EXPECTED
            if not opens:
                outcome.note = (outcome.note + f"; does not open: {message}").strip("; ")
            elif not outcome.data_kept:
                outcome.note = (outcome.note + f"; user data found {found}").strip("; ")
        shutil.rmtree(db.parent, ignore_errors=True)
    outcome.seconds = round(time.monotonic() - started, 2)
    with rnd.lock:
        rnd.outcomes.append(outcome)
    return outcome


def probe(rnd: Round, kind: str, case: str, args: Callable[[Path], list[str]], *,
          untouched: bool = False, prepare: Callable[[Path], None] | None = None,
          stdin: bytes | None = None) -> Outcome:
    """One command on a fresh copy of the cache; then the check."""
    started = time.monotonic()
    db = fresh(rnd, f"{kind}-{case}")
    if prepare is not None:
        prepare(db)
    before = digest(db)
    code, _, err, hung = run(rnd, args(db), stdin=stdin)
    outcome = Outcome(kind, case, code, "Traceback" in err, hung)
    if code not in (0, None):
        outcome.note = (err.strip().splitlines() or [""])[-1][:160]
    if not untouched and prepare is None and digest(db) == before and not Path(
            f"{db}-wal").exists():
        # The cache left byte for byte as the template was (opened and checked once, below):
        # everything the user had is still there; no second process needed to say so.
        outcome.note = (outcome.note + "; cache unchanged").strip("; ")
        shutil.rmtree(db.parent, ignore_errors=True)
        outcome.seconds = round(time.monotonic() - started, 2)
        with rnd.lock:
            rnd.outcomes.append(outcome)
        return outcome
    return finish(rnd, outcome, db, untouched=before if untouched else None, started=started)


# -- the template --------------------------------------------------------------------------------


def build_template(work: Path, env: dict[str, str]) -> Path:
    from openexplorer.core.records import Assessment, ImportResult, SourceRecord
    from openexplorer.store.cache_file import open_cache
    from openexplorer.store.ingest import ingest

    folder = work / "template"
    folder.mkdir()
    path = folder / "cache.sqlite"
    subprocess.run(command(["--db", str(path), "search", "x", "--limit", "1"]), env=env,
                   check=True, capture_output=True)
    with open_cache(path) as cache:
        ingest(cache, ImportResult(records=[SourceRecord(
            source="user", key=CORRECTION, name="Llama 2 7B", hub_id="meta-llama/Llama-2-7b-hf",
            assessed_date="2026-11-01",
            assessments=[Assessment("mof", "Datasets", "present", license="CC-BY-4.0",
                                    license_given=True, urls=("https://example.org/data",),
                                    notes="the hostile round's correction")])]))
        with cache.conn:
            cache.conn.executemany(
                "INSERT INTO watchlist(kind, value, added_at) VALUES (?, ?, ?)",
                [(kind, value, "2026-11-01T00:00:00+00:00") for kind, value in WATCHED])
            cache.conn.execute("INSERT INTO rubric_profiles VALUES (?, ?, ?)",
                               (RUBRIC, '{"weights": {"license": 2}}', "2026-11-03T00:00:00"))
    open_cache(path).close()  # the copy of the user's data beside it brought up to date
    return path


# -- the probes ------------------------------------------------------------------------------


def hostile_files(folder: Path, source: str) -> Iterator[tuple[str, Path | str]]:
    """(case name, path) of every hostile file for ``source``, made in ``folder``."""
    from openexplorer.importers.common import size_limit

    name, yaml, real = SOURCES[source]
    (folder / "empty").mkdir()
    (folder / "empty" / name).write_bytes(b"")
    yield "empty", folder / "empty" / name
    (folder / "header").mkdir()
    if yaml:
        (folder / "header" / name).write_text("---\n", encoding="utf-8")
    else:
        header = (SHARED / str(real)).read_text(encoding="utf-8-sig").splitlines()[0]
        (folder / "header" / name).write_text(header + "\n", encoding="utf-8")
    yield "header-only", folder / "header" / name
    rng = random.Random(source)
    (folder / "binary").mkdir()
    (folder / "binary" / name).write_bytes(bytes(rng.randrange(256) for _ in range(8192)))
    yield "binary", folder / "binary" / name
    (folder / "nul").mkdir()
    (folder / "nul" / name).write_bytes(b"\x00" * 4096)
    yield "NUL bytes", folder / "nul" / name
    (folder / "utf16").mkdir()
    (folder / "utf16" / name).write_text("name: x\nlicense: MIT\n", encoding="utf-16")
    yield "UTF-16", folder / "utf16" / name
    (folder / "latin").mkdir()
    (folder / "latin" / name).write_bytes(b"name: caf\xe9\n\xff\xfe\n")
    yield "invalid UTF-8", folder / "latin" / name
    (folder / "fifo").mkdir()
    os.mkfifo(folder / "fifo" / name)
    yield "FIFO", folder / "fifo" / name
    yield "/dev/zero", "/dev/zero"
    (folder / "deep").mkdir()
    (folder / "deep" / name).write_text("[" * 1000 + "]" * 1000, encoding="utf-8")
    yield "deep YAML lists", folder / "deep" / name
    (folder / "deepmap").mkdir()
    (folder / "deepmap" / name).write_text(
        "".join(" " * i + "a:\n" for i in range(1000)) + " " * 1000 + "1\n", encoding="utf-8")
    yield "deep YAML mappings", folder / "deepmap" / name
    (folder / "alias").mkdir()
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    (folder / "alias" / name).write_text(bomb, encoding="utf-8")
    yield "YAML alias bomb", folder / "alias" / name
    (folder / "big").mkdir()
    with open(folder / "big" / name, "wb") as handle:
        handle.truncate(size_limit(source) + 1)
    yield "oversize (sparse)", folder / "big" / name
    (folder / "folder").mkdir()
    yield "empty folder", folder / "folder"
    yield "missing path", folder / "nothing-here" / name
    (folder / "loop").mkdir()
    os.symlink(folder / "loop" / name, folder / "loop" / name)
    yield "symlink loop", folder / "loop" / name
    (folder / "longline").mkdir()
    (folder / "longline" / name).write_text("x" * 2_000_000 + "\n", encoding="utf-8")
    yield "one 2 MB line", folder / "longline" / name


def importer_probes(rnd: Round, quick: bool) -> list[Callable[[], object]]:
    jobs: list[Callable[[], object]] = []
    for source in SOURCES:
        folder = Path(tempfile.mkdtemp(prefix=f"files-{source}-", dir=rnd.work))
        cases = list(hostile_files(folder, source))
        if quick:
            cases = [c for c in cases if c[0] in ("empty", "FIFO", "deep YAML lists")
                     and (c[0] != "deep YAML lists" or SOURCES[source][1])][:2]
        for case, path in cases:
            jobs.append(lambda s=source, c=case, p=path: probe(
                rnd, "import", f"{s}: {c}", lambda db: ["--db", str(db), "import", s, str(p)]))
    return jobs


SEARCHES = [
    'llama"', '"', '""', "'", "AND", "OR NOT", "NEAR(a b)", "name:llama", "-llama", "llama*",
    "*", "^llama", "(llama", "llama)", "{a b}", "a + b", "llama-3", "a:b:c", "\\", "%", "_",
    "'; DROP TABLE releases; --", "\x00", "llama\x00mistral", "Ｌｌａｍａ", "ＬＬＡＭＡ－２",
    "ﬁne", "İstanbul", "ß", "🦙", "\u200b", "\ufeff", "\udcff"[:0] + "\u202e", " ", "\t\n",
    "x" * 100_000, "llama " * 20_000, "\"a\" " * 5000, "é" * 50_000, "NEAR(" * 1000,
]


def search_probes(rnd: Round, quick: bool) -> list[Callable[[], object]]:
    jobs: list[Callable[[], object]] = []
    texts = ['"', "NEAR(a b)", "Ｌｌａｍａ", "x" * 100_000] if quick else SEARCHES
    if any("\x00" in t for t in texts):
        rnd.skipped.append("search text with NUL: a command line cannot carry it (the OS "
                           "refuses); searched in-process by tests/test_reliability_fuzz.py")
        texts = [t for t in texts if "\x00" not in t]
    for index, text in enumerate(texts):
        label = repr(text) if len(text) < 30 else f"{len(text):,} chars ({text[:6]!r}…)"
        jobs.append(lambda t=text, label=label: probe(
            rnd, "search", label,
            lambda db: ["--db", str(db), "search", "--limit", "5", "--format", "json", "--", t]))
        if quick:
            continue
        jobs.append(lambda t=text, label=label: probe(
            rnd, "show", label, lambda db: ["--db", str(db), "show", "--", t]))
        if index % 3 == 0:
            jobs.append(lambda t=text, label=label: probe(
                rnd, "compare", label,
                lambda db: ["--db", str(db), "compare", t, "mot:Llama-2-7B", "--format", "csv"]))
    return jobs


def _damage(kind: str, seed: int = 0) -> Callable[[Path], None]:
    def damage(db: Path) -> None:
        data = bytearray(db.read_bytes())
        rng = random.Random(seed)
        if kind == "zero":
            db.write_bytes(b"")
        elif kind == "truncate":
            db.write_bytes(bytes(data[:max(1, int(len(data) * (seed + 1) / 12))]))
        elif kind == "header":
            data[:4096] = bytes(rng.randrange(256) for _ in range(4096))
            db.write_bytes(bytes(data))
        elif kind == "pages":
            pages = len(data) // 4096
            for page in rng.sample(range(2, pages), min(32, pages - 2)):
                data[page * 4096:(page + 1) * 4096] = bytes(rng.randrange(256)
                                                            for _ in range(4096))
            db.write_bytes(bytes(data))
        elif kind.startswith("drop:"):
            with contextlib.closing(sqlite3.connect(db)) as conn, conn:
                conn.execute(f"DROP TABLE {kind[5:]}")
        elif kind == "wal":
            Path(f"{db}-wal").write_bytes(bytes(rng.randrange(256) for _ in range(32768)))
        elif kind == "text":
            db.write_text("this is not a database\n" * 100, encoding="utf-8")
    return damage


def _foreign(db: Path) -> None:
    db.unlink()
    for item in db.parent.iterdir():
        item.unlink()
    with contextlib.closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        conn.execute("INSERT INTO invoices VALUES (1, 99.5)")


def _newer(db: Path) -> None:
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA user_version = 999")


READERS = {
    "search": lambda db: ["--db", str(db), "search", "llama", "--format", "json"],
    "cache check": lambda db: ["--db", str(db), "cache", "check"],
    "import": lambda db: ["--db", str(db), "import", "fmti",
                          str(SHARED / "fmti/Dec2025/Dec2025_scores.csv")],
}


def damage_probes(rnd: Round, quick: bool) -> list[Callable[[], object]]:
    damages: list[tuple[str, Callable[[Path], None]]] = [
        ("0 bytes", _damage("zero")), ("text file", _damage("text")),
        ("garbage header", _damage("header")), ("stray garbage -wal", _damage("wal"))]
    damages += [(f"truncated to {seed + 1}/12", _damage("truncate", seed))
                for seed in range(0, 11, 1 if not quick else 11)]
    damages += [(f"32 garbage pages (seed {seed})", _damage("pages", seed))
                for seed in range(6 if not quick else 1)]
    for table in ("watchlist", "records", "releases", "release_summary", "rubric_profiles",
                  "assessments", "changes", "meta")[:None if not quick else 1]:
        damages.append((f"missing table {table}", _damage(f"drop:{table}")))
    jobs: list[Callable[[], object]] = []
    readers = READERS if not quick else {"search": READERS["search"]}
    for label, damage in damages:
        for reader, args in readers.items():
            jobs.append(lambda label=label, damage=damage, reader=reader, args=args: probe(
                rnd, "damaged cache", f"{label} → {reader}", args, prepare=damage))
    for label, prepare in (("foreign SQLite", _foreign), ("newer schema", _newer)):
        for reader, args in readers.items():
            jobs.append(lambda label=label, prepare=prepare, reader=reader, args=args: probe(
                rnd, "damaged cache", f"{label} → {reader}", args, prepare=prepare,
                untouched=True))
    jobs.append(lambda: read_only_probe(rnd))
    return jobs


def read_only_probe(rnd: Round) -> None:
    started = time.monotonic()
    db = fresh(rnd, "read-only")
    folder = db.parent
    mounted = subprocess.run(["mount", "--bind", str(folder), str(folder)],
                             capture_output=True, check=False).returncode == 0
    if mounted:
        mounted = subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)],
                                 capture_output=True, check=False).returncode == 0
    if not mounted:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        rnd.skipped.append("read-only folder: mounting not permitted here")
        shutil.rmtree(folder, ignore_errors=True)
        return
    try:
        for reader, args in READERS.items():
            code, _, err, hung = run(rnd, args(db))
            outcome = Outcome("damaged cache", f"read-only folder → {reader}", code,
                              "Traceback" in err, hung)
            opens, found, message = user_data(rnd, db)
            outcome.opens, outcome.data_kept = opens, found == EXPECTED
            outcome.note = (err.strip().splitlines() or [""])[-1][:160] if code else ""
            outcome.seconds = round(time.monotonic() - started, 2)
            with rnd.lock:
                rnd.outcomes.append(outcome)
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def kill_probe(rnd: Round, what: str, delay: float) -> None:
    started = time.monotonic()
    db = fresh(rnd, f"kill-{what}")
    args = {"import": ["import", "epoch", str(SHARED / "epoch-ai/notable-ai-models.csv")],
            "rebuild": ["cache", "rebuild", "--force"],
            "fmti import": ["import", "fmti", str(SHARED / "fmti/Dec2025/Dec2025_scores.csv")]}
    proc = subprocess.Popen(command(["--db", str(db), *args[what]]), env=rnd.env, cwd=rnd.work,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    _, err = proc.communicate()
    # the exit recorded is the next command's (a search): it must work after the kill
    code, _, err2, hung = run(rnd, ["--db", str(db), "search", "llama", "--format", "json"])
    outcome = Outcome("SIGKILL", f"{what} at {delay:.2f} s", code,
                      b"Traceback" in err or "Traceback" in err2, hung,
                      note="killed" if killed else f"finished first (exit {proc.returncode})")
    if code:
        outcome.note += "; then: " + (err2.strip().splitlines() or [""])[-1][:120]
    finish(rnd, outcome, db, started=started)


def writers_probe(rnd: Round, pair: tuple[str, str], index: int) -> None:
    started = time.monotonic()
    db = fresh(rnd, f"writers-{index}")
    argv = {"epoch": ["import", "epoch", str(SHARED / "epoch-ai/notable-ai-models.csv")],
            "fmti": ["import", "fmti", str(SHARED / "fmti/Dec2025/Dec2025_scores.csv")],
            "osi": ["import", "osi", str(SHARED / "osi-osaid/osaid-validation.csv")],
            "rebuild": ["cache", "rebuild", "--force"],
            "rubric save": ["rubric", "--weights", "license=3", "--save", f"other-{index}"],
            "watch add": ["watch", "add", "family", "mistral"]}
    procs = [subprocess.Popen(command(["--db", str(db), *argv[name]]), env=rnd.env,
                              cwd=rnd.work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for name in pair]
    errors, codes = [], []
    for proc in procs:
        try:
            _, err = proc.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
            codes.append(None)
        else:
            codes.append(proc.returncode)
        errors.append(err.decode("utf-8", "replace"))
    worst = max((c for c in codes if c is not None), default=None)
    outcome = Outcome("two writers", f"{pair[0]} + {pair[1]} (#{index})", worst,
                      any("Traceback" in e for e in errors), None in codes,
                      note="; ".join(e.strip().splitlines()[-1][:100] for e in errors
                                     if e.strip() and "wrote" not in e))
    finish(rnd, outcome, db, started=started)


def path_probes(rnd: Round, quick: bool) -> list[Callable[[], object]]:
    jobs: list[Callable[[], object]] = []
    for label, value in (("--db ''", ""), ("--db .", "."), ("--db /", "/"),
                         ("--db a folder", "{folder}"), ("--db a device (a private /dev/null)", "{folder}/null"),
                         ("--db a FIFO", "{folder}/fifo"),
                         ("--db in a missing folder", "{folder}/a/b/c.sqlite")):
        if quick and label not in ("--db ''", "--db a folder"):
            continue

        def one(label: str = label, value: str = value) -> None:
            started = time.monotonic()
            folder = Path(tempfile.mkdtemp(prefix="paths-", dir=rnd.work))
            target = value.format(folder=folder)
            if target.endswith("/null"):
                # Never the real /dev/null: a product that sets it aside breaks the machine.
                made = subprocess.run(["mknod", "-m", "666", target, "c", "1", "3"],
                                      capture_output=True, check=False).returncode == 0
                if not made:
                    rnd.skipped.append("--db a device: mknod not permitted here")
                    return
            elif target.endswith("/fifo"):
                os.mkfifo(target)
            code, _, err, hung = run(rnd, ["--db", target, "search", "llama"])
            outcome = Outcome("paths", label, code, "Traceback" in err, hung,
                              note=(err.strip().splitlines() or [""])[-1][:120])
            if target.endswith("/null"):
                outcome.data_kept = Path(target).is_char_device() and len(list(
                    folder.iterdir())) == 1
            elif target.endswith("/fifo"):
                outcome.data_kept = Path(target).is_fifo() and len(list(folder.iterdir())) == 1
            shutil.rmtree(folder, ignore_errors=True)
            finish(rnd, outcome, None, started=started)

        jobs.append(one)
    return jobs


def compare_probes(rnd: Round, quick: bool) -> list[Callable[[], object]]:
    sets = [["gpt2", "gpt2"], ["gpt2", "GPT2"], ["gpt2", "openai-community/gpt2"],
            ["mot:Llama-2-7B", "MOT:llama-2-7b", "gpt2"],
            ["mot:Llama-2-7B"] * 8, ["mot:Llama-2-7B"] * 9, ["gpt2", "no-such-model"]]
    jobs: list[Callable[[], object]] = []
    for ids in sets[:3] if quick else sets:
        for fmt in ("csv",) if quick else ("csv", "json", "markdown"):
            jobs.append(lambda ids=ids, fmt=fmt: probe(
                rnd, "compare duplicates", f"{' '.join(ids)[:60]} ({fmt})",
                lambda db: ["--db", str(db), "compare", *ids, "--format", fmt]))
    return jobs


@contextlib.contextmanager
def tiny_disk(rnd: Round) -> Iterator[Path | None]:
    mount = Path(tempfile.mkdtemp(prefix="tinydisk-", dir=rnd.work))
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        rnd.skipped.append("export to a full disk: mounting a 64 KB tmpfs not permitted here "
                           f"({done.stderr.decode(errors='replace').strip()[:80]})")
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def full_disk_probes(rnd: Round, quick: bool) -> None:
    cases = [("export jsonl", ["export", "--format", "jsonl"], "releases.jsonl"),
             ("export csv", ["export", "--format", "csv"], "releases.csv"),
             ("eu-check memo", ["eu-check", "openai-community/gpt2", "--out"], "memo.md")]
    with tiny_disk(rnd) as mount:
        if mount is None:
            return
        for label, args, name in cases[:1] if quick else cases:
            for earlier in (True,) if quick else (False, True):
                started = time.monotonic()
                db = fresh(rnd, "full-disk")
                target = mount / name
                for item in mount.iterdir():
                    item.unlink()
                if earlier:
                    target.write_text("the earlier export\n", encoding="utf-8")
                filler = mount / "filler"
                with open(filler, "wb") as handle:  # leave about 8 KB free
                    with contextlib.suppress(OSError):
                        handle.write(b"\0" * (56 * 1024))
                code, _, err, hung = run(rnd, ["--db", str(db), *args, str(target)])
                left = sorted(p.name for p in mount.iterdir() if p.name != "filler")
                outcome = Outcome("full disk", f"{label}{' over an earlier file' if earlier else ''}",
                                  code, "Traceback" in err, hung,
                                  note=(err.strip().splitlines() or [""])[-1][:120])
                intact = (target.read_text(encoding="utf-8") == "the earlier export\n"
                          if earlier else not target.exists())
                if code == 0:  # it fitted: then it must be whole
                    intact = True
                elif left != ([name] if earlier else []):
                    intact = False
                    outcome.note += f"; left {left}"
                outcome.data_kept = intact
                filler.unlink()
                finish(rnd, outcome, db, started=started)


# -- the round -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="about 30 probes")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--budget", type=float, default=330.0,
                        help="seconds after which no new probe starts")
    parser.add_argument("--json", metavar="FILE", help="write the outcomes and totals here")
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="openexplorer-hostile-") as name:
        work = Path(name)
        home = work / "home"
        home.mkdir()
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1",
               "QT_QPA_PLATFORM": "offscreen", "HOME": str(home),
               "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local"),
               "XDG_CACHE_HOME": str(home / ".cache"),
               "OPENEXPLORER_DB": str(home / "default-never-used.sqlite"),
               "PYTHONPATH": str(REPO)}
        template = build_template(work, env)
        opens, found, message = user_data(Round(work, template, env), template)
        if not opens or found != EXPECTED:
            raise SystemExit(f"the template cache is not as written: {found} {message}")
        rnd = Round(work, template, env)
        rng = random.Random(args.seed)
        jobs: list[Callable[[], object]] = []
        jobs += importer_probes(rnd, args.quick)
        jobs += search_probes(rnd, args.quick)
        jobs += damage_probes(rnd, args.quick)
        jobs += path_probes(rnd, args.quick)
        jobs += compare_probes(rnd, args.quick)
        kills = [("import", rng.uniform(0.3, 2.5)) for _ in range(1 if args.quick else 12)]
        kills += [("rebuild", rng.uniform(0.3, 4.0)) for _ in range(1 if args.quick else 8)]
        kills += [("fmti import", rng.uniform(0.3, 2.0)) for _ in range(0 if args.quick else 4)]
        jobs += [lambda w=w, d=d: kill_probe(rnd, w, d) for w, d in kills]
        pairs = [("epoch", "fmti"), ("epoch", "rebuild"), ("fmti", "osi"),
                 ("rubric save", "epoch"), ("watch add", "rebuild"), ("epoch", "epoch")]
        jobs += [lambda p=p, i=i: writers_probe(rnd, p, i)
                 for i, p in enumerate(pairs[:1] if args.quick else pairs * 2)]
        order = random.Random(args.seed).sample(range(len(jobs)), len(jobs))
        jobs = [jobs[i] for i in order]
        budget_left = [True]

        def guarded(job: Callable[[], object]) -> None:
            if time.monotonic() - began > args.budget:
                budget_left[0] = False
                return
            job()

        with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
            for future in [pool.submit(guarded, job) for job in jobs]:
                future.result()
        full_disk_probes(rnd, args.quick)
        if not budget_left[0]:
            rnd.skipped.append(f"{len(jobs) + 6 - len(rnd.outcomes)} probes not started: "
                               f"the {args.budget:.0f} s budget ran out")
        return report(rnd, time.monotonic() - began, args.json)


def report(rnd: Round, seconds: float, json_path: str | None) -> int:
    outcomes = rnd.outcomes
    kinds = Counter(o.kind for o in outcomes)
    print(f"{'probe kind':<20} {'cases':>5} {'exit 0':>6} {'exit 1':>6} {'exit 2':>6} "
          f"{'other':>5} {'traceback':>9} {'hung':>4} {'data lost':>9} {'no open':>7}")
    for kind in kinds:
        mine = [o for o in outcomes if o.kind == kind]
        codes = Counter(o.exit for o in mine)
        print(f"{kind:<20} {len(mine):>5} {codes[0]:>6} {codes[1]:>6} {codes[2]:>6} "
              f"{sum(v for k, v in codes.items() if k not in (0, 1, 2)):>5} "
              f"{sum(o.traceback for o in mine):>9} {sum(o.hung for o in mine):>4} "
              f"{sum(not o.data_kept for o in mine):>9} {sum(not o.opens for o in mine):>7}")
    totals = {
        "cases": len(outcomes),
        "ok": sum(o.ok for o in outcomes),
        "exit_codes": {str(k): v for k, v in sorted(Counter(o.exit for o in outcomes).items(),
                                                     key=lambda kv: str(kv[0]))},
        "tracebacks": sum(o.traceback for o in outcomes),
        "hung": sum(o.hung for o in outcomes),
        "data_lost": sum(not o.data_kept for o in outcomes),
        "cache_unusable": sum(not o.opens for o in outcomes),
        "seconds": round(seconds, 1),
        "skipped": rnd.skipped,
    }
    print(f"\n{totals['cases']} cases in {totals['seconds']} s: {totals['ok']} ok; exit codes "
          f"{totals['exit_codes']}; {totals['tracebacks']} tracebacks, {totals['hung']} hung, "
          f"user data lost in {totals['data_lost']}, cache not opening after "
          f"{totals['cache_unusable']}")
    for note in rnd.skipped:
        print(f"skipped: {note}")
    bad = [o for o in outcomes if not o.ok]
    for o in bad:
        print(f"NOT OK  {o.kind}: {o.case}: exit {o.exit}, traceback {o.traceback}, "
              f"hung {o.hung}, data kept {o.data_kept}, opens {o.opens}; {o.note}")
    if json_path:
        Path(json_path).write_text(json.dumps(
            {**totals, "outcomes": [asdict(o) for o in outcomes]}, ensure_ascii=False,
            indent=1), encoding="utf-8")
    return 1 if (totals["tracebacks"] or totals["hung"] or totals["data_lost"]
                 or totals["cache_unusable"]) else 0


if __name__ == "__main__":
    sys.exit(main())
