"""A damaged cache: truncated, garbage bytes, a newer schema. The user is told what happened, the
damaged file is kept aside byte for byte, the cache is rebuilt from the bundled snapshot, and the
user's corrections and watchlist survive in an export that is restored. A newer schema is never
rebuilt. Never a traceback on the command line."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from openexplorer import cli
from openexplorer.store import recovery
from openexplorer.store import cache_file as store
from openexplorer.db.cache import SCHEMA_VERSION, Cache, SchemaTooNewError
from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.store.cache_file import DamagedCacheError, open_cache
from openexplorer.store.ingest import ingest

REPO = Path(__file__).resolve().parent.parent
CORRECTION_KEY = "my-llama-2-datasets"
LLAMA2 = "meta-llama/Llama-2-7b-hf"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_user_data(path: Path) -> None:
    """A correction, two watchlist entries, a rubric profile, a seen mark."""
    with open_cache(path) as cache:
        ingest(cache, ImportResult(records=[SourceRecord(
            source="user", key=CORRECTION_KEY, name="Llama 2 7B", hub_id=LLAMA2,
            assessed_date="2026-11-01",
            assessments=[Assessment("mof", "Datasets", "present", license="CC-BY-4.0",
                                    license_given=True, urls=("https://example.org/data",),
                                    notes="my own check")])]))
        with cache.conn:
            cache.conn.executemany(
                "INSERT INTO watchlist(kind, value, added_at) VALUES (?, ?, ?)",
                [("family", "llama", "2026-11-01T00:00:00+00:00"),
                 ("release", LLAMA2.lower(), "2026-11-02T00:00:00+00:00")])
            cache.conn.execute("INSERT INTO rubric_profiles VALUES (?, ?, ?)",
                               ("compliance", '{"weights": 1}', "2026-11-03T00:00:00+00:00"))
            cache.conn.execute("INSERT INTO watch_seen VALUES (?, ?)",
                               ("changes", "2026-11-04T00:00:00+00:00"))


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A cache just built from the bundled snapshot (built once, copied by ``fast_snapshot``)."""
    path = tmp_path_factory.mktemp("pristine") / "pristine.sqlite"
    open_cache(path).close()
    return path


@pytest.fixture
def fast_snapshot(pristine: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """New caches are copies of ``pristine`` instead of a second build from the snapshot (the
    build itself is tested once, in test_rebuild_with_everything_readable_restores_everything)."""
    monkeypatch.setattr(store, "create_from_snapshot",
                        lambda path: shutil.copyfile(pristine, path))


@pytest.fixture(scope="module")
def template(pristine: Path) -> Path:
    path = pristine.with_name("template.sqlite")
    shutil.copyfile(pristine, path)
    add_user_data(path)
    open_cache(path).close()  # the copy of the user's data beside it is up to date
    assert recovery.backup_path(path).exists()
    with Cache.open(path) as cache:  # everything in the main file
        cache.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def db(template: Path, tmp_path: Path) -> Path:
    """A copy of the template, without the copy of the user's data (see ``with_backup``)."""
    path = tmp_path / "cache.sqlite"
    shutil.copyfile(template, path)
    return path


def with_backup(template: Path, db: Path) -> None:
    shutil.copyfile(recovery.backup_path(template), recovery.backup_path(db))


# -- the ways a file gets damaged ---------------------------------------------------------------

def truncate(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.truncate(path.stat().st_size // 2)


def garbage_header(path: Path) -> None:
    with path.open("r+b") as handle:
        handle.write(random.Random(1).randbytes(4096))


def garbage_pages(path: Path) -> None:
    """Random bytes over 32 pages in the middle (b-tree pages: SQLite notices)."""
    with path.open("r+b") as handle:
        handle.seek(path.stat().st_size // 2 // 4096 * 4096)
        handle.write(random.Random(2).randbytes(32 * 4096))


def newer_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()


DAMAGE = {"truncated": truncate, "garbage-header": garbage_header,
          "garbage-pages": garbage_pages}


# -- opening: a clear, typed error ----------------------------------------------------------------

@pytest.mark.parametrize("damage", DAMAGE.values(), ids=DAMAGE.keys())
def test_a_damaged_cache_is_reported_and_left_as_it_is(db: Path, damage,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    damage(db)
    before = sha256(db)
    with pytest.raises(DamagedCacheError) as caught:
        open_cache(db)
    assert caught.value.path == db and "damaged" in str(caught.value)
    for argv in (["search", "llama"], ["show", LLAMA2], ["export", "-"], ["cache", "check"]):
        assert cli.main(["--db", str(db), *argv]) == 1
        err = capsys.readouterr().err
        assert "damaged" in err and "cache rebuild" in err and "Traceback" not in err
    assert sha256(db) == before  # nothing wrote to it
    assert sorted(p.name for p in db.parent.iterdir()) == ["cache.sqlite"]


def test_a_newer_schema_is_refused_and_never_rebuilt(db: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    newer_schema(db)
    before = sha256(db)
    with pytest.raises(SchemaTooNewError) as caught:
        open_cache(db)
    assert "newer" in str(caught.value) and "left exactly as it is" in str(caught.value)
    assert cli.main(["--db", str(db), "search", "llama"]) == 1
    assert "newer" in capsys.readouterr().err
    with pytest.raises(SchemaTooNewError):
        recovery.rebuild(db)
    assert cli.main(["--db", str(db), "cache", "rebuild", "--force"]) == 1
    err = capsys.readouterr().err
    assert "newer" in err and "Traceback" not in err
    assert sha256(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["cache.sqlite"]


def test_a_sound_cache_is_not_rebuilt_without_force(db: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--db", str(db), "cache", "check"]) == 0
    assert "the cache is sound" in capsys.readouterr().out
    before = sha256(db)
    # Refused as asked (2: add --force), not "the cache could not be used" (1).
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 2
    assert "not damaged" in capsys.readouterr().err
    assert sha256(db) == before  # neither the check nor the refusal wrote anything
    assert sorted(p.name for p in db.parent.iterdir()) == ["cache.sqlite"]


def test_the_command_line_never_shows_a_traceback_for_a_damaged_cache(db: Path) -> None:
    truncate(db)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    out = subprocess.run([sys.executable, "-m", "openexplorer", "--db", str(db), "show", LLAMA2],
                         capture_output=True, text=True, env=env, timeout=60, check=False)
    assert out.returncode == 1
    assert "Traceback" not in out.stderr and "damaged" in out.stderr


# -- rebuilding: the file kept aside, the user's data exported and restored -----------------------

def user_rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "records": conn.execute("SELECT key, name, hub_id FROM records "
                                    "WHERE source = 'user'").fetchall(),
            "assessments": conn.execute(
                "SELECT a.framework, a.component, a.status, a.license, a.urls, a.notes "
                "FROM assessments a JOIN records r ON r.id = a.record_id "
                "WHERE r.source = 'user'").fetchall(),
            "watchlist": conn.execute("SELECT kind, value, added_at FROM watchlist "
                                      "ORDER BY kind").fetchall(),
            "rubric_profiles": conn.execute("SELECT * FROM rubric_profiles").fetchall(),
            "watch_seen": conn.execute("SELECT * FROM watch_seen").fetchall(),
        }
    finally:
        conn.close()


@pytest.mark.parametrize(("damage", "backup"), [(truncate, True), (garbage_pages, True),
                                                (garbage_pages, False)],
                         ids=["truncated", "garbage-pages", "garbage-pages-no-copy"])
def test_rebuild_keeps_the_file_exports_and_restores_the_users_data(
        db: Path, fast_snapshot: None, template: Path, damage, backup: bool,
        capsys: pytest.CaptureFixture[str]) -> None:
    expected = user_rows(template)
    if backup:
        with_backup(template, db)
    damage(db)
    before = sha256(db)
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 0
    err = capsys.readouterr().err
    assert "A new cache was built from the bundled snapshot" in err
    aside = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    exports = [p for p in db.parent.iterdir() if ".user-data-" in p.name]
    assert len(aside) == 1 and sha256(aside[0]) == before  # kept byte for byte
    assert f"kept as {aside[0]}" in err
    # The new cache is sound and complete.
    with open_cache(db) as cache:
        assert cache.count("releases") > 500
        assert cache.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    rows = user_rows(db)
    if backup:  # with the copy saved at the last open, all of it comes back
        assert rows == expected
    if rows["records"] or any(rows[t] for t in recovery.USER_TABLES):
        assert len(exports) == 1 and f"saved to {exports[0]}" in err
        document = json.loads(exports[0].read_text(encoding="utf-8"))
        assert document["format"] == "openexplorer-user-data"
    for name, got in rows.items():  # what came back is what was there, nothing else
        assert set(got) <= set(expected[name])
    if rows != expected:
        assert "could not be re" in err  # ...read / ...recovered: said, not silent


def test_rebuild_with_everything_readable_restores_everything(db: Path, template: Path) -> None:
    """Damage that spares the user's pages (an index of the releases): all of it comes back."""
    expected = user_rows(template)
    conn = sqlite3.connect(db)
    root, page_size = conn.execute(
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master "
        "WHERE name = 'releases_date'").fetchone()
    conn.close()
    with db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(random.Random(3).randbytes(page_size))
    with pytest.raises(DamagedCacheError):
        open_cache(db)
    report = recovery.rebuild(db, now=datetime(2026, 11, 26, 12, tzinfo=UTC))
    assert report.damaged_copy == db.with_name("cache.damaged-20261126T120000Z.sqlite")
    assert report.export == db.with_name("cache.user-data-20261126T120000Z.json")
    assert report.found is not None and report.found.records and not report.found.problems
    assert report.restored is not None and report.restored.records == 1
    assert report.restored.rows == {"rubric_profiles": 1, "watch_seen": 1, "watchlist": 2}
    assert user_rows(db) == expected
    with open_cache(db) as cache:  # the correction is on the release it was on
        release = cache.release(cache.resolve(LLAMA2) or "")
        assert release is not None
        assert "user" in {r["source"] for r in cache.records_for(release["id"])}


def test_unreadable_file_with_the_saved_copy_restores_everything(
        db: Path, fast_snapshot: None, template: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with_backup(template, db)
    garbage_header(db)
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 0
    err = capsys.readouterr().err
    assert "comes from the copy saved when the cache was last opened" in err
    assert user_rows(db) == user_rows(template)


def test_unreadable_user_data_is_said_and_the_rebuild_goes_on(
        db: Path, fast_snapshot: None, capsys: pytest.CaptureFixture[str]) -> None:
    garbage_header(db)
    before = sha256(db)
    assert not recovery.read_user_data(db).readable
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 0
    err = capsys.readouterr().err
    assert "could not be recovered" in err
    aside = [p for p in db.parent.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and sha256(aside[0]) == before
    assert not [p for p in db.parent.iterdir() if ".user-data-" in p.name]
    with open_cache(db) as cache:
        assert cache.count("releases") > 500


def test_set_aside_never_overwrites_and_moves_the_wal(db: Path) -> None:
    now = datetime(2026, 11, 26, 12, tzinfo=UTC)
    taken = db.with_name("cache.damaged-20261126T120000Z.sqlite")
    taken.write_bytes(b"an earlier damaged copy")
    Path(f"{db}-wal").write_bytes(b"wal")
    kept = recovery.set_aside(db, now)
    assert kept == db.with_name("cache.damaged-20261126T120000Z-2.sqlite")
    assert taken.read_bytes() == b"an earlier damaged copy"
    assert Path(f"{kept}-wal").read_bytes() == b"wal"
    assert not db.exists() and not Path(f"{db}-wal").exists()


def test_export_and_restore_user_data_round_trip(db: Path, template: Path, tmp_path: Path,
                                                 fast_snapshot: None,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "mine.json"
    assert cli.main(["--db", str(db), "cache", "export-user", str(out)]) == 0
    assert "1 correction, 2 watchlist rows" in capsys.readouterr().err
    fresh = tmp_path / "fresh.sqlite"
    assert cli.main(["--db", str(fresh), "cache", "restore-user", str(out)]) == 0
    assert "restored 1 corrections" in capsys.readouterr().err
    assert user_rows(fresh) == user_rows(template)
    # Twice: nothing is duplicated or replaced.
    assert cli.main(["--db", str(fresh), "cache", "restore-user", str(out)]) == 0
    assert "already there" in capsys.readouterr().err
    assert user_rows(fresh) == user_rows(template)


@pytest.mark.parametrize("content", [b"", b"not json", b'{"format": "something else"}',
                                     b'{"format": "openexplorer-user-data", "version": 99}',
                                     (b'{"format": "openexplorer-user-data", "version": 1, '
                                      b'"records": {"a": 1}}'), b"\xff\xfe\x00"])
def test_a_bad_export_file_is_a_clear_error(db: Path, tmp_path: Path, content: bytes,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    assert cli.main(["--db", str(db), "cache", "restore-user", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "bad.json" in err and "Traceback" not in err
    assert cli.main(["--db", str(db), "cache", "restore-user", str(tmp_path / "none")]) == 2


def test_export_user_from_a_damaged_cache_saves_what_it_can(db: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    truncate(db)
    before = sha256(db)
    out = tmp_path / "saved.json"
    code = cli.main(["--db", str(db), "cache", "export-user", str(out)])
    err = capsys.readouterr().err
    assert code in (0, 1) and "Traceback" not in err
    if code == 0:
        assert json.loads(out.read_text(encoding="utf-8"))["format"] == "openexplorer-user-data"
    assert sha256(db) == before


def test_a_stale_wal_without_its_file_is_not_replayed_into_a_new_cache(tmp_path: Path,
                                                                       pristine: Path) -> None:
    """A -wal left behind (the main file deleted by hand) must not be applied to a new file."""
    db = tmp_path / "cache.sqlite"
    shutil.copyfile(pristine, db)
    with Cache.open(db) as cache:
        cache.conn.execute("PRAGMA wal_autocheckpoint = 0")
        with cache.conn:
            cache.conn.execute("DELETE FROM releases")
        shutil.copyfile(f"{db}-wal", tmp_path / "kept-wal")
    db.unlink()
    shutil.copyfile(tmp_path / "kept-wal", f"{db}-wal")
    with open_cache(db) as cache:
        assert cache.count("releases") > 500
        assert cache.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [p.name for p in tmp_path.glob("cache.sqlite-wal.orphaned-*")]


def test_a_cache_deleted_by_hand_leaves_the_copy_to_restore(db: Path, template: Path,
                                                            fast_snapshot: None,
                                                            capsys: pytest.CaptureFixture[str]
                                                            ) -> None:
    with_backup(template, db)
    db.unlink()
    open_cache(db).close()  # a new cache: the copy of the old one's data is not overwritten
    copy = recovery.backup_path(db)
    assert recovery.read_export(copy).records
    assert cli.main(["--db", str(db), "cache", "restore-user", str(copy)]) == 0
    assert "restored 1 corrections" in capsys.readouterr().err
    assert user_rows(db) == user_rows(template)


@pytest.mark.parametrize("damage", [truncate, garbage_pages], ids=["truncated", "garbage-pages"])
def test_a_cache_too_big_to_check_on_open_still_reports_damage(
        db: Path, damage, fast_snapshot: None, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Above CHECK_MAX_BYTES the open skips the check: damage met later is still a message."""
    monkeypatch.setattr(store, "CHECK_MAX_BYTES", 0)
    damage(db)
    codes = []
    for argv in (["export", "-"], ["search", "llama"], ["show", LLAMA2]):
        code = cli.main(["--db", str(db), *argv])
        err = capsys.readouterr().err
        assert "Traceback" not in err
        assert code == 0 or (code == 1 and "damaged" in err and "cache rebuild" in err), err
        codes.append(code)
    assert 1 in codes  # met, and said
    assert cli.main(["--db", str(db), "cache", "check"]) == 1  # always the full check
    assert "damaged" in capsys.readouterr().err
    assert cli.main(["--db", str(db), "cache", "rebuild"]) == 0
