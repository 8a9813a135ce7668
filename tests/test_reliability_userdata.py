"""Nothing the user owns is ever lost (#16): a cache found empty or incomplete, a full disk during a
rebuild, a foreign file, a read-only folder. Each case keeps the user's corrections, watchlist and
rubric profiles — in the cache, in the file kept aside, or in the copies kept beside it — and says
where they went."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from openexplorer import cli
from openexplorer.db.cache import Cache, CacheError, CacheReadOnlyError
from openexplorer.store import cache_file as store
from openexplorer.store import recovery, snapshot, userdata
from openexplorer.store.cache_file import DamagedCacheError, open_cache
from tests.test_reliability_damaged import (  # noqa: F401 - fixtures
    LLAMA2,
    db,
    fast_snapshot,
    pristine,
    sha256,
    template,
    user_rows,
    with_backup,
)


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# -- 1. a cache found empty: kept aside, the copy never emptied, the data restored ----------------

def test_a_zero_byte_cache_is_kept_aside_and_the_users_data_restored(
        db: Path, template: Path, fast_snapshot: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = user_rows(template)
    with_backup(template, db)
    copy_before = recovery.backup_path(db).read_bytes()
    db.write_bytes(b"")  # emptied: a full disk at save, a sync tool, a bad copy
    assert cli.main(["--db", str(db), "search", "llama"]) == 0
    err = capsys.readouterr().err
    aside = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].stat().st_size == 0  # kept, as it was
    assert "empty" in err and str(aside[0]) in err and "restored" in err
    assert user_rows(db) == expected
    # The copy that brought it back is still there, as it was (or newer, never emptier).
    assert recovery.read_export(recovery.backup_path(db)).records
    assert recovery.backup_path(db).read_bytes() == copy_before


def test_an_import_into_a_zero_byte_cache_restores_the_users_data_first(
        db: Path, template: Path, fast_snapshot: None, shared_data: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    # Found by the hostile round: `import` opens its cache without the snapshot (a new cache
    # holds only what is imported), so an emptied cache was imported into as if new and the
    # user's data, saved beside it, was left out.
    expected = user_rows(template)
    with_backup(template, db)
    db.write_bytes(b"")
    osi = shared_data / "osi-osaid" / "osaid-validation.csv"
    assert cli.main(["--db", str(db), "import", "osi", str(osi)]) == 0
    err = capsys.readouterr().err
    assert "empty" in err and "restored" in err
    assert user_rows(db) == expected
    assert [p for p in db.parent.iterdir() if ".damaged-" in p.name]


def test_a_cache_without_tables_is_kept_aside_too(db: Path, template: Path, fast_snapshot: None
                                                   ) -> None:
    with_backup(template, db)
    db.unlink()
    sqlite3.connect(db).execute("VACUUM").connection.close()  # a valid, empty SQLite file
    notes: list[str] = []
    with open_cache(db, notify=notes.append) as cache:
        assert cache.count("releases") > 500
    assert user_rows(db) == user_rows(template)
    assert notes and "kept as" in notes[0]
    assert [p for p in db.parent.iterdir() if ".damaged-" in p.name]


def test_the_copy_of_the_users_data_is_never_replaced_by_emptier_data(db: Path, template: Path
                                                                      ) -> None:
    with_backup(template, db)
    before = recovery.backup_path(db).read_bytes()
    with sqlite3.connect(db) as conn:  # the user's rows gone from the cache
        conn.execute("DELETE FROM records WHERE source = 'user'")
        for table in recovery.USER_TABLES:
            conn.execute(f"DELETE FROM {table}")
    conn.close()
    open_cache(db).close()
    assert recovery.backup_path(db).read_bytes() == before


def test_earlier_copies_of_the_users_data_are_kept_in_generations(db: Path, template: Path
                                                                  ) -> None:
    with_backup(template, db)
    first = recovery.read_export(recovery.backup_path(db))
    for n in range(userdata.BACKUP_GENERATIONS + 2):
        with sqlite3.connect(db) as conn:
            conn.execute("INSERT INTO watchlist(kind, value, added_at) VALUES "
                         "('family', ?, '2026-11-05')", (f"family-{n}",))
        conn.close()
        open_cache(db).close()
    copies = userdata.backup_generations(db)
    assert len(copies) == userdata.BACKUP_GENERATIONS  # a few, not one per change
    assert copies[0] == recovery.backup_path(db)
    counts = [len(recovery.read_export(p).tables["watchlist"]) for p in copies]
    assert counts == sorted(counts, reverse=True) and counts[0] == 2 + len(range(
        userdata.BACKUP_GENERATIONS + 2))  # newest first, each one change older
    assert len(first.tables["watchlist"]) == 2
    # The newest good copy is used when the newest one cannot be read.
    recovery.backup_path(db).write_text("{ cut short", encoding="utf-8")
    found = userdata.newest_backup(db)
    assert found is not None and found[0] == copies[1]


def test_cache_rebuild_of_an_empty_file_restores_from_the_copy(
        db: Path, template: Path, fast_snapshot: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    with_backup(template, db)
    db.write_bytes(b"")
    assert cli.main(["--db", str(db), "cache", "check"]) == 1
    assert "empty" in capsys.readouterr().err
    assert db.stat().st_size == 0  # the check wrote nothing
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 0
    err = capsys.readouterr().err
    assert "copy saved" in err
    assert user_rows(db) == user_rows(template)


# -- 2. a full disk during `cache rebuild --force`: nothing changes ------------------------------

def _disk_full_in_install(cache: Cache, path: Path | None = None) -> None:
    cache.conn.execute("CREATE TABLE filler (x)")
    raise sqlite3.OperationalError("database or disk is full")


def _disk_full_in_copy(path: Path) -> None:
    Path(path).write_bytes(b"SQLite format 3\x00 half")
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))


@pytest.mark.parametrize("where", ["snapshot.install", "create_from_snapshot"])
def test_rebuild_on_a_full_disk_leaves_the_cache_as_it_was(
        db: Path, template: Path, where: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with_backup(template, db)
    before, files = sha256(db), listing(db.parent)
    if where == "snapshot.install":
        monkeypatch.setattr(snapshot, "install", _disk_full_in_install)
    else:
        monkeypatch.setattr(store, "create_from_snapshot", _disk_full_in_copy)
    assert cli.main(["--db", str(db), "cache", "rebuild", "--force"]) == 1
    err = capsys.readouterr().err
    assert "full" in err or "No space" in err
    assert "left as it was" in err and "Traceback" not in err
    assert sha256(db) == before and listing(db.parent) == files  # nothing aside, nothing left
    monkeypatch.undo()
    assert user_rows(db) == user_rows(template)
    with open_cache(db) as cache:
        assert cache.count("releases") > 500


def test_a_forced_rebuild_swaps_in_the_new_cache_and_keeps_the_old(
        db: Path, template: Path, fast_snapshot: None,
        capsys: pytest.CaptureFixture[str]) -> None:
    before = sha256(db)
    assert cli.main(["--db", str(db), "cache", "rebuild", "--force"]) == 0
    capsys.readouterr()
    aside = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and sha256(aside[0]) == before
    assert user_rows(db) == user_rows(template)
    assert not [p for p in db.parent.iterdir() if p.name.startswith(".")]  # no temporary left


# -- 3. a foreign file, a missing table, a read-only folder, an empty --db -----------------------

def test_a_foreign_sqlite_file_is_refused_and_left_byte_for_byte(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "notes.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.commit()
    conn.close()
    before = sha256(other)
    for argv in (["search", "llama"], ["cache", "check"], ["cache", "rebuild"]):
        assert cli.main(["--db", str(other), *argv]) == 1
        assert "not an OpenExplorer cache" in capsys.readouterr().err
    with pytest.raises(CacheError):
        Cache.open(other)
    assert sha256(other) == before and listing(tmp_path) == ["notes.sqlite"]


def test_cache_check_finds_a_missing_table_and_names_it(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE rubric_profiles")
        conn.execute("DROP TABLE changes")
    conn.close()
    assert cli.main(["--db", str(db), "cache", "check"]) == 1
    err = capsys.readouterr().err
    assert "changes" in err and "rubric_profiles" in err and "missing" in err
    with pytest.raises(DamagedCacheError):
        open_cache(db)
    assert cli.main(["--db", str(db), "cache", "check", "--format", "json"]) == 1
    assert json.loads(capsys.readouterr().out)["missing_tables"] == ["changes",
                                                                     "rubric_profiles"]


def test_a_read_only_open_reads_without_writing(db: Path) -> None:
    """SQLite's read-only open (``mode=ro``, ``immutable`` where even that cannot be had)."""
    with Cache.open(db) as cache:  # a WAL cache, as the app leaves it
        assert cache.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    before = sha256(db)
    with Cache.open(db, readonly=True) as cache:
        assert cache.readonly and cache.count("releases") > 500
        assert cache.resolve(LLAMA2)
        with pytest.raises(CacheReadOnlyError) as caught:
            cache.begin_write()
        assert "read-only" in str(caught.value) and "refresh" in str(caught.value)
    for suffix in ("-wal", "-shm"):  # a read-only connection leaves them (it may not delete)
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    os.mkdir(f"{db}-shm")  # the -shm cannot be opened: only an immutable open reads it
    try:
        with Cache.open(db, readonly=True) as cache:
            assert cache.count("releases") > 500
    finally:
        os.rmdir(f"{db}-shm")
    assert sha256(db) == before


@contextlib.contextmanager
def read_only_folder(folder: Path) -> Iterator[None]:
    """``folder`` made read-only in a way root honours too (a read-only mount), else chmod."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        try:
            yield
        finally:
            folder.chmod(0o755)
        return
    done = subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True,
                          check=False)
    if done.returncode != 0:
        pytest.skip("running as root, which ignores chmod, and a read-only bind mount is not "
                    "permitted here; the read-only open is tested by "
                    "test_a_read_only_open_reads_without_writing")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)],
                                 capture_output=True, check=False)
        if remount.returncode != 0:
            pytest.skip("running as root, and a bind mount cannot be made read-only here")
        yield
    finally:
        # Lazily: the commands' connections may still hold the files open until collected.
        subprocess.run(["umount", "--lazy", str(folder)], capture_output=True, check=False)


def test_a_cache_in_a_read_only_folder_can_still_be_read(
        db: Path, template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_backup(template, db)
    with Cache.open(db):
        pass
    before = sha256(db)
    with read_only_folder(db.parent):
        assert cli.main(["--db", str(db), "show", LLAMA2]) == 0
        captured = capsys.readouterr()
        assert "Llama" in captured.out
        assert "read-only" in captured.err and "refresh" in captured.err
        assert cli.main(["--db", str(db), "cache", "check"]) == 0
        capsys.readouterr()
        code = cli.main(["--db", str(db), "cache", "restore-user",
                         str(recovery.backup_path(db))])
        assert code == 1 and "read-only" in capsys.readouterr().err
    assert sha256(db) == before


def test_an_empty_db_path_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--db", "", "search", "llama"])
    assert caught.value.code == 2
    assert "--db" in capsys.readouterr().err
    with pytest.raises(SystemExit) as caught:
        cli.main(["cache", "check", "--db", ""])
    assert caught.value.code == 2
    with pytest.raises(CacheError):
        open_cache("")


# -- 4. exit statuses of `cache rebuild` ----------------------------------------------------------

def test_rebuild_of_a_sound_cache_is_refused_with_status_2(
        db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = sha256(db)
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 2
    err = capsys.readouterr().err
    assert "sound" in err and "--force" in err
    assert sha256(db) == before


def test_a_missing_cache_is_built_and_says_where_an_earlier_copy_is(
        db: Path, template: Path, fast_snapshot: None) -> None:
    with_backup(template, db)
    db.unlink()
    notes: list[str] = []
    open_cache(db, notify=notes.append).close()
    assert notes and "restore-user" in notes[0] and str(recovery.backup_path(db)) in notes[0]
