"""Issue #16's smaller promises, each through the public commands on a cache built from the
bundled snapshot:

* search folds Unicode compatibility forms and case on both sides (full-width ``Ｌｌａｍａ``
  finds what ``llama`` finds; a full-width name in the cache is found by its ASCII spelling),
  also in a cache made before the text index was folded (migration 7);
* ``compare`` shows a release named twice once, saying so;
* an export that fails mid-write (a full disk) leaves the earlier file as it was and no partial
  file;
* the hostile round's quick mode runs clean.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import IO, Any

import pytest

from openexplorer.analyses import export as export_module
from openexplorer.cli import main
from openexplorer.db.cache import Cache
from openexplorer.db.fts import normalise, quote_fts
from openexplorer.db.schema import MIGRATIONS, SCHEMA_VERSION

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("misc") / "cache.sqlite"
    assert main(["--db", str(path), "search", "x", "--limit", "1", "--format", "json"]) == 0
    return path


@pytest.fixture
def db(snapshot_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite"
    shutil.copyfile(snapshot_db, path)
    return path


def search_ids(capsys: pytest.CaptureFixture[str], db: Path, query: str) -> list[str]:
    assert main(["--db", str(db), "search", query, "--limit", "500", "--format", "json"]) == 0
    return [row["id"] for row in json.loads(capsys.readouterr().out)]


# -- search: NFKC and case folding on both sides ------------------------------------------------


def test_normalise_folds_compatibility_forms_and_case() -> None:
    assert normalise("Ｌｌａｍａ") == "llama"
    assert normalise("ﬁne-Tuned²") == "fine-tuned2"
    assert normalise("STRASSE") == normalise("Straße")
    assert quote_fts("Ｌｌａｍａ－３") == quote_fts("llama-3") == '"llama-3"*'


def test_full_width_query_finds_what_ascii_finds(capsys: pytest.CaptureFixture[str],
                                                 db: Path) -> None:
    ascii_ids = search_ids(capsys, db, "llama")
    assert len(ascii_ids) > 10
    assert search_ids(capsys, db, "Ｌｌａｍａ") == ascii_ids
    assert search_ids(capsys, db, "LLAMA") == ascii_ids


def _rename(db: Path, name: str) -> str:
    """Give a real release a new name through the cache (its triggers keep the index)."""
    with Cache.open(db) as cache, cache.conn:
        release_id = cache.conn.execute(
            "SELECT id FROM releases WHERE name = 'OLMo' OR id LIKE '%olmo%' ORDER BY id"
        ).fetchone()[0]
        cache.conn.execute("UPDATE releases SET name = ? WHERE id = ?", (name, release_id))
        cache.conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
    return str(release_id)


def test_full_width_name_in_the_cache_is_found_by_its_ascii_spelling(
        capsys: pytest.CaptureFixture[str], db: Path) -> None:
    release_id = _rename(db, "Ｚｅｐｈｙｒｏｎ")
    assert release_id in search_ids(capsys, db, "zephyron")
    assert release_id in search_ids(capsys, db, "ZEPHYRON")
    assert release_id in search_ids(capsys, db, "Ｚｅｐｈ")


def test_a_cache_from_before_the_folded_index_is_migrated(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A schema-6 file (text index of unfolded text) holding a full-width name: opening it
    rebuilds the index folded, and the ASCII spelling finds it."""
    path = tmp_path / "schema6.sqlite"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:6], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute("INSERT INTO releases(id, name, hub_id, origin, popularity) "
                 "VALUES ('acme/zephyron', 'Ｚｅｐｈｙｒｏｎ', 'acme/zephyron', 'hub', 1000)")
    conn.commit()
    conn.close()
    with Cache.open(path) as cache:
        assert cache.schema_version() == SCHEMA_VERSION >= 7
        found = cache.conn.execute("SELECT rowid FROM releases_fts WHERE releases_fts MATCH ?",
                                   (quote_fts("zephyron"),)).fetchall()
        assert len(found) == 1
        with cache.conn:  # the triggers fold: a rename is found, the old name is gone
            cache.conn.execute("UPDATE releases SET name = 'Ｂｏｒｅａｓ' WHERE id = 'acme/zephyron'")
        cache.conn.execute("INSERT INTO releases_fts(releases_fts) VALUES ('integrity-check')")
        count = cache.conn.execute(
            "SELECT count(*) FROM releases_fts WHERE releases_fts MATCH ?", (quote_fts("boreas"),))
        assert count.fetchone()[0] == 1


# -- compare: the same release named twice -------------------------------------------------------


def test_compare_shows_a_release_named_twice_once(capsys: pytest.CaptureFixture[str],
                                                  db: Path) -> None:
    # the same release by id in another case, by its Hub id before the rename, and by id
    code = main(["--db", str(db), "compare", "meta-llama/llama-2-7b-hf",
                 "META-LLAMA/Llama-2-7b-HF", "gpt2",
                 "openai-community/gpt2", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    ids = [view["id"] for view in json.loads(out)["releases"]]
    assert sorted(ids) == ["meta-llama/llama-2-7b-hf", "openai-community/gpt2"]
    assert err.count("shown once") == 2
    assert "'META-LLAMA/Llama-2-7b-HF' is the same release as 'meta-llama/llama-2-7b-hf'" in err


def test_compare_of_one_release_twice_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                       db: Path) -> None:
    code = main(["--db", str(db), "compare", "gpt2", "GPT2", "--format", "csv"])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert "shown once" in err and "2 to 8 different releases, got 1" in err
    assert "Traceback" not in err


# -- export: whole or not at all -------------------------------------------------------------


class _DiskFull:
    """A file that takes ``room`` characters, then fails as a full disk does."""

    def __init__(self, inner: IO[str], room: int) -> None:
        self.inner, self.room = inner, room

    def write(self, text: str) -> int:
        if len(text) > self.room:
            self.inner.write(text[:self.room])
            self.inner.flush()
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(text)
        return self.inner.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def __enter__(self) -> _DiskFull:
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.close()


def fill_the_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, an export file takes 5,000 characters, then the disk is full (ENOSPC)."""
    real = export_module.open_temporary

    def full(target: Path, *, newline: str | None = None) -> tuple[Any, Path]:
        out, path = real(target, newline=newline)
        return _DiskFull(out, 5000), path

    monkeypatch.setattr(export_module, "open_temporary", full)


@pytest.fixture
def disk_full(monkeypatch: pytest.MonkeyPatch) -> None:
    fill_the_disk(monkeypatch)


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_export_on_a_full_disk_keeps_the_old_file(capsys: pytest.CaptureFixture[str], db: Path,
                                                  tmp_path: Path, fmt: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / f"releases.{fmt}"
    assert main(["--db", str(db), "export", "--format", fmt, str(target)]) == 0
    capsys.readouterr()
    before = target.read_bytes()
    assert len(before) > 20000
    fill_the_disk(monkeypatch)
    code = main(["--db", str(db), "export", "--format", fmt, str(target)])
    err = capsys.readouterr().err
    assert code == 1
    assert "No space left on device" in err and "Traceback" not in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == [target.name]


def test_export_on_a_full_disk_leaves_no_new_file(capsys: pytest.CaptureFixture[str], db: Path,
                                                  tmp_path: Path, disk_full: None) -> None:
    target = tmp_path / "out" / "releases.jsonl"
    target.parent.mkdir()
    assert main(["--db", str(db), "export", str(target)]) == 1
    assert "No space left" in capsys.readouterr().err
    assert list(target.parent.iterdir()) == []


def test_memo_and_text_exports_on_a_full_disk(capsys: pytest.CaptureFixture[str], db: Path,
                                              tmp_path: Path, disk_full: None) -> None:
    old = tmp_path / "memo.md"
    old.write_text("the memo written last week\n", encoding="utf-8")
    code = main(["--db", str(db), "eu-check", "meta-llama/llama-2-7b-hf", "--out", str(old)])
    assert code == 1, capsys.readouterr()
    assert old.read_text(encoding="utf-8") == "the memo written last week\n"
    with pytest.raises(OSError):
        export_module.write_text_atomically(old, "x" * 10000)
    assert old.read_text(encoding="utf-8") == "the memo written last week\n"
    assert sorted(p.name for p in tmp_path.iterdir() if "memo" in p.name) == ["memo.md"]


def test_a_completed_export_replaces_the_file_keeping_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "a.csv"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    export_module.write_text_atomically(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert target.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["a.csv"]


# -- --db naming a device or a FIFO ---------------------------------------------------------------


def test_a_device_or_fifo_as_the_cache_is_refused_and_left_alone(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Found by the hostile round: ``--db /dev/null`` was taken for an empty cache, renamed
    aside (as root: the machine's /dev/null) and replaced by a new cache."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    targets = [fifo, tmp_path]
    null = tmp_path / "null"
    if subprocess.run(["mknod", "-m", "666", str(null), "c", "1", "3"],
                      capture_output=True, check=False).returncode == 0:
        targets.append(null)
    for target in targets:
        assert main(["--db", str(target), "search", "llama"]) == 1
        err = capsys.readouterr().err
        assert "not a regular file" in err and "Traceback" not in err
    assert fifo.is_fifo()
    if null.exists():
        assert null.is_char_device()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets[::2])


# -- the hostile round, quick --------------------------------------------------------------------


def test_hostile_round_quick_mode_loses_nothing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "hostile.py"), "--quick", "--json",
         str(tmp_path / "round.json")],
        capture_output=True, text=True, timeout=600, cwd=REPO, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads((tmp_path / "round.json").read_text(encoding="utf-8"))
    assert result["cases"] >= 25
    assert result["tracebacks"] == 0
    assert result["data_lost"] == 0
    assert result["cache_unusable"] == 0


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_an_export_to_a_device_or_a_fifo_writes_to_it_and_leaves_it_one(
        capsys: pytest.CaptureFixture[str], db: Path, tmp_path: Path, kind: str) -> None:
    """Found when an export to /dev/null (as root) replaced the machine's /dev/null by a
    regular file: an atomic rename must never be made over a device or a pipe. A private
    device node stands in for /dev/null."""
    import stat
    import threading

    target = tmp_path / kind
    received: list[bytes] = []
    if kind == "device":
        if os.geteuid() != 0:
            pytest.skip("making a device node needs root")
        os.mknod(target, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # like /dev/null
        reader = None
    else:
        os.mkfifo(target)

        def read() -> None:
            with open(target, "rb") as pipe:
                received.append(pipe.read())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
    assert main(["--db", str(db), "export", "--format", "jsonl", str(target)]) == 0
    if reader is not None:
        reader.join(timeout=30)
        assert received and received[0].count(b"\n") > 700  # every release went through
    mode = target.stat().st_mode
    assert stat.S_ISCHR(mode) if kind == "device" else stat.S_ISFIFO(mode)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{kind}")]  # no leftovers
