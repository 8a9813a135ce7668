"""Every importer, through ``openexplorer import``, against empty, wrong and hostile files.

An import never replaces cached data with an empty or unreadable file's: a file that yields
nothing is refused whole, and a FIFO, a device, a folder, an oversize file or a YAML document
nested a thousand deep are refused with one line saying what they are. Each case: exit status 1,
one line on stderr naming the file, no traceback, the cache exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from openexplorer.cli import main
from openexplorer.importers.common import MAX_YAML_DEPTH, size_limit

#: source → (file name the importer expects, whether its files are YAML)
SOURCES = {
    "mot": ("Model.yml", True),
    "osai": ("model.yaml", True),
    "osai-legacy": ("project.yaml", True),
    "epoch": ("notable-ai-models.csv", False),
    "osi": ("osaid-validation.csv", False),
    "fmti": ("Dec2025_scores.csv", False),
}
#: source → the real file (under the shared data folder) whose header a header-only file copies
HEADERS = {
    "epoch": "epoch-ai/notable-ai-models.csv",
    "osi": "osi-osaid/osaid-validation.csv",
    "fmti": "fmti/Dec2025/Dec2025_scores.csv",
}
NESTED = "[" * 1000 + "]" * 1000  # about 2 KB, a thousand lists deep
NESTED_MAPPING = "".join(" " * i + "a:\n" for i in range(1000)) + " " * 1000 + "1\n"


@pytest.fixture(scope="module")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache built from the bundled snapshot, as on first launch."""
    path = tmp_path_factory.mktemp("hostile") / "cache.sqlite"
    assert main(["--db", str(path), "search", "x", "--limit", "1", "--format", "json"]) == 0
    return path


@pytest.fixture
def db(snapshot_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "cache.sqlite"
    shutil.copyfile(snapshot_db, path)
    return path


def fingerprint(path: Path) -> str:
    """A digest of everything an import writes: records, assessments, releases, changes."""
    digest = hashlib.sha256()
    with sqlite3.connect(path) as conn:
        for sql in (
            "SELECT source, key, name, release_id, data FROM records ORDER BY source, key",
            "SELECT r.source, r.key, a.framework, a.component, a.status, a.value "
            "FROM assessments a JOIN records r ON r.id = a.record_id "
            "ORDER BY r.source, r.key, a.framework, a.component",
            "SELECT * FROM releases ORDER BY id",
            "SELECT * FROM changes ORDER BY id",
        ):
            for row in conn.execute(sql):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def fmti_total(db: Path, key: str = "2025-12/Meta") -> int | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT json_extract(data, '$.total') FROM records WHERE source = 'fmti' AND key = ?",
            (key,),
        ).fetchone()
    return None if row is None else int(row[0])


def run(capsys: pytest.CaptureFixture[str], source: str, path: Path, db: Path
        ) -> tuple[int, str]:
    code = main(["import", source, str(path), "--db", str(db)])
    return code, capsys.readouterr().err


def run_process(source: str, path: Path | str, db: Path) -> tuple[int, str]:
    """The command in its own process, with a time and memory bound: what hangs or eats all
    memory fails the test instead of the test run."""

    def bound_memory() -> None:
        limit = 2 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "openexplorer", "import", source, str(path), "--db", str(db)],
        capture_output=True, text=True, timeout=60, preexec_fn=bound_memory,
        env={**os.environ, "PYTHONFAULTHANDLER": ""},
    )
    return done.returncode, done.stderr


def assert_refused(code: int, err: str, path: Path | str, *words: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err and "Error:" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert str(path) in lines[0], err
    for word in words:
        assert word in lines[0], err


# --- files that yield nothing --------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_empty_file_is_refused_whole(capsys, db, tmp_path, source):
    path = tmp_path / SOURCES[source][0]
    path.write_bytes(b"")
    before = fingerprint(db)
    code, err = run(capsys, source, path, db)
    assert_refused(code, err, path, "refused")
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(HEADERS))
def test_header_only_csv_is_refused_whole(capsys, db, tmp_path, shared_data, source):
    header = (shared_data / HEADERS[source]).read_text(encoding="utf-8-sig").splitlines()[0]
    path = tmp_path / SOURCES[source][0]
    path.write_text(header + "\n", encoding="utf-8")
    before = fingerprint(db)
    code, err = run(capsys, source, path, db)
    assert_refused(code, err, path, "refused")
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),  # binary
    b"name,score\nx,1\ny,2\n",  # a CSV of something else
    b"- just\n- a list\n",  # YAML of something else
    b'{"models": [{"id": "a"}]}\n',  # JSON
], ids=["binary", "other-csv", "other-yaml", "json"])
def test_wrong_format_is_refused_whole(capsys, db, tmp_path, source, content):
    path = tmp_path / SOURCES[source][0]
    path.write_bytes(content)
    before = fingerprint(db)
    code, err = run(capsys, source, path, db)
    assert_refused(code, err, path, "refused")
    assert fingerprint(db) == before


# --- hostile inputs ------------------------------------------------------------------------


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_fifo_is_refused_not_waited_on(db, tmp_path, source):
    path = tmp_path / SOURCES[source][0]
    os.mkfifo(path)
    before = fingerprint(db)
    code, err = run_process(source, path, db)
    assert_refused(code, err, path, "FIFO")
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("named", [False, True], ids=["dev-zero", "named-like-the-file"])
def test_device_is_refused_not_read(db, tmp_path, source, named):
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    path: Path = Path("/dev/zero")
    if named:  # a link with the file name the importer looks for
        path = tmp_path / SOURCES[source][0]
        path.symlink_to("/dev/zero")
    before = fingerprint(db)
    code, err = run_process(source, path, db)
    assert_refused(code, err, path, "character device")
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("text", [NESTED, NESTED_MAPPING], ids=["lists", "mappings"])
def test_deeply_nested_yaml_is_refused(capsys, db, tmp_path, source, text):
    path = tmp_path / SOURCES[source][0]
    path.write_text(text, encoding="utf-8")
    before = fingerprint(db)
    code, err = run(capsys, source, path, db)
    words = ("refused", f"nested deeper than {MAX_YAML_DEPTH}") if SOURCES[source][1] else (
        "refused",)
    assert_refused(code, err, path, *words)
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_oversize_file_is_refused_unread(capsys, db, tmp_path, source):
    path = tmp_path / SOURCES[source][0]
    with path.open("wb") as handle:  # sparse: no disk space, no time
        handle.truncate(size_limit(source) + 1)
    before = fingerprint(db)
    code, err = run(capsys, source, path, db)
    assert_refused(code, err, path, "limit")
    assert fingerprint(db) == before


def test_size_limits_are_generous_for_the_real_files(shared_data):
    for source, relative in [("epoch", "epoch-ai/notable-ai-models.csv"),
                             ("osi", "osi-osaid/osaid-validation.csv"),
                             ("fmti", "fmti/Dec2025/Dec2025_indicators.csv"),
                             ("osai", "osai-index/releases/index.csv")]:
        assert (shared_data / relative).stat().st_size * 10 < size_limit(source), relative
    for source, folder in [("mot", "mof-mot/models"), ("osai", "osai-index"),
                           ("osai-legacy", "opening-up-chatgpt/projects")]:
        largest = max(p.stat().st_size for p in (shared_data / folder).rglob("*.y*ml"))
        assert largest * 10 < size_limit(source), folder


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_empty_folder_is_refused_saying_it_is_a_folder(capsys, db, tmp_path, source):
    folder = tmp_path / "empty"
    folder.mkdir()
    before = fingerprint(db)
    code, err = run(capsys, source, folder, db)
    assert_refused(code, err, folder, "folder")
    assert fingerprint(db) == before


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_folder_where_the_file_should_be_is_refused(capsys, db, tmp_path, source):
    folder = tmp_path / "data"
    (folder / SOURCES[source][0]).mkdir(parents=True)
    before = fingerprint(db)
    code, err = run(capsys, source, folder, db)
    assert code == 1, err
    assert "Traceback" not in err and "folder" in err, err
    assert fingerprint(db) == before


#: source → a real file of that source (its folder importers read every *.yaml / *.yml in it)
REAL_FILES = {
    "mot": "mof-mot/models/OLMo-7B.yml",
    "osai": "osai-index/models/OLMo.yaml",
    "osai-legacy": "opening-up-chatgpt/projects/llama-2-chat.yaml",
}


@pytest.mark.parametrize("source", sorted(REAL_FILES))
def test_hostile_files_in_a_folder_are_reported_and_the_rest_imported(db, tmp_path, shared_data,
                                                                      source):
    real = shared_data / REAL_FILES[source]
    if not real.is_file():
        pytest.skip(f"{real} not found")
    suffix = real.suffix
    folder = tmp_path / "files"
    folder.mkdir()
    shutil.copy(real, folder)
    os.mkfifo(folder / f"Pipe{suffix}")
    (folder / f"Deep{suffix}").write_text(NESTED, encoding="utf-8")
    (folder / f"Zero{suffix}").symlink_to("/dev/zero")
    with (folder / f"Huge{suffix}").open("wb") as handle:
        handle.truncate(size_limit(source) + 1)
    code, err = run_process(source, folder, db)
    assert code == 0, err
    assert "Traceback" not in err
    assert "imported 1 records" in err
    for name, word in [("Pipe", "FIFO"), ("Deep", "nested"),
                       ("Zero", "character device"), ("Huge", "limit")]:
        line = next(line for line in err.splitlines() if f"{name}{suffix}" in line)
        assert word in line, line


# --- FMTI: issue #16 item 3 ----------------------------------------------------------------


def test_fmti_header_only_file_keeps_every_score(capsys, db, tmp_path, shared_data):
    assert fmti_total(db) == 31
    header = (shared_data / HEADERS["fmti"]).read_text(encoding="utf-8-sig").splitlines()[0]
    path = tmp_path / "Dec2025_scores.csv"
    path.write_text(header + "\n", encoding="utf-8")
    code, err = run(capsys, "fmti", path, db)
    assert_refused(code, err, path, "refused", "indicator")
    assert fmti_total(db) == 31


def test_fmti_non_numeric_scores_are_refused_not_zero(capsys, db, tmp_path, shared_data):
    lines = (shared_data / HEADERS["fmti"]).read_text(encoding="utf-8-sig").splitlines()
    width = len(lines[0].split(","))
    body = [line.split(",", 1)[0] + ",x" * (width - 1) for line in lines[1:]]
    path = tmp_path / "Dec2025_scores.csv"
    path.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
    before = fingerprint(db)
    code, err = run(capsys, "fmti", path, db)
    assert_refused(code, err, path, "refused")
    assert fmti_total(db) == 31
    assert fingerprint(db) == before


def test_fmti_one_bad_score_keeps_that_developers_old_record(capsys, db, tmp_path,
                                                             shared_data):
    source = shared_data / HEADERS["fmti"]
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    meta = lines[0].split(",").index("Meta")
    cells = lines[1].split(",")
    cells[meta] = "n/a"
    lines[1] = ",".join(cells)
    folder = tmp_path / "Dec2025"
    folder.mkdir()
    shutil.copy(source.parent / "Dec2025_indicators.csv", folder)
    path = folder / "Dec2025_scores.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE records SET data = json_set(data, '$.total', 30) "
                     "WHERE source = 'fmti' AND key = '2025-12/IBM'")
    code, err = run(capsys, "fmti", path, db)
    assert code == 0, err
    assert "Traceback" not in err
    problem = next(line for line in err.splitlines() if "row 2" in line)
    assert "Meta" in problem and "'n/a'" in problem
    assert "imported 12 records" in err
    assert fmti_total(db) == 31  # the cached record kept, not the 99 indicators left
    assert fmti_total(db, "2025-12/IBM") == 95  # the others imported


def test_fmti_short_row_leaves_the_edition_as_it_was(capsys, db, tmp_path, shared_data):
    source = shared_data / HEADERS["fmti"]
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    lines[3] = "Broken row,1,0"
    path = tmp_path / "Dec2025_scores.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = fingerprint(db)
    code, err = run(capsys, "fmti", path, db)
    assert_refused(code, err, path, "refused", "row 4")
    assert fingerprint(db) == before


def test_fmti_replaced_scores_go_to_changes(capsys, db, tmp_path, shared_data):
    source = shared_data / HEADERS["fmti"]
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    meta = lines[0].split(",").index("Meta")
    cells = lines[1].split(",")
    cells[meta] = "0" if cells[meta].strip() == "1" else "1"
    lines[1] = ",".join(cells)
    folder = tmp_path / "Dec2025"
    folder.mkdir()
    shutil.copy(source.parent / "Dec2025_indicators.csv", folder)
    path = folder / "Dec2025_scores.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, err = run(capsys, "fmti", path, db)
    assert code == 0, err
    with sqlite3.connect(db) as conn:
        logged = conn.execute("SELECT count(*) FROM changes WHERE source = 'fmti'").fetchone()[0]
    assert logged == 1
