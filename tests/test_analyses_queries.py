"""The analyses keep the rules and the db layer runs their SQL (db/queries.py): no analyses
module runs a statement of its own, imports Qt or the ui, or grows past 900 lines; the reads
that bind many ids do so in chunks under SQLite's variable limit and return what one statement
over every id would."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

import openexplorer
from openexplorer.db import queries
from openexplorer.store.cache_file import open_cache
from tests.test_watchlist import snapshot_cache

ANALYSES = Path(openexplorer.__path__[0]) / "analyses"
MODULES = sorted(ANALYSES.glob("*.py"))


def test_every_analyses_module_is_checked():
    assert {"watchlist.py", "rubric.py", "overview.py", "clauses.py", "compare.py",
            "openwashing.py"} <= {p.name for p in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_an_analyses_module_runs_no_sql(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = [f"line {node.lineno}: .{node.attr}" for node in ast.walk(tree)
             if isinstance(node, ast.Attribute)
             and node.attr in ("execute", "executemany", "executescript", "cursor")]
    assert found == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_an_analyses_module_imports_neither_qt_nor_the_ui(path: Path):
    imported = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):  # in functions too
        if isinstance(node, ast.Import):
            imported += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.append(node.module)
    assert [name for name in imported
            if name.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")
            or name.startswith("openexplorer.ui")] == []


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_an_analyses_module_stays_under_900_lines(path: Path):
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 900


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("queries") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def release_ids(cache) -> list[str]:
    ids = sorted(r[0] for r in cache.conn.execute("SELECT id FROM releases"))
    assert len(ids) > queries.CHUNK  # so that the reads below take more than one chunk
    return ids


def test_changes_of_many_releases_are_read_in_chunks(cache, release_ids, tmp_path):
    path = tmp_path / "changes.sqlite"
    shutil.copy(cache.path, path)
    with open_cache(path) as copy:
        with copy.conn:
            copy.conn.executemany(
                "INSERT INTO changes(release_id, source, field, old, new, changed_at) "
                "VALUES (?, 'hub', 'license', 'mit', 'apache-2.0', ?)",
                [(rid, f"2025-0{1 + n % 9}-01T00:00:00+00:00")
                 for n, rid in enumerate(release_ids)])
        every = sorted(copy.conn.execute(
            "SELECT id, release_id, source, field, old, new, changed_at FROM changes"))
        assert sorted(queries.change_rows(copy, release_ids, None)) == every
        since = "2025-05-01T00:00:00+00:00"
        later = [row for row in every if row[6] >= since]
        assert 0 < len(later) < len(every)
        assert sorted(queries.change_rows(copy, release_ids, since)) == later
        assert queries.change_rows(copy, [], None) == []


def test_when_many_releases_were_first_recorded(cache, release_ids):
    expected = dict(cache.conn.execute(
        "SELECT release_id, min(imported_at) FROM records WHERE release_id IS NOT NULL "
        "GROUP BY release_id"))
    assert queries.first_recorded(cache, release_ids) == expected


def test_the_releases_of_many_licences(cache):
    licences = [f"not-a-licence-{n}" for n in range(2 * queries.CHUNK)]
    licences += sorted({r[0] for r in cache.conn.execute(
        "SELECT license_id FROM release_summary WHERE license_id IS NOT NULL")})
    licensed = sorted(r[0] for r in cache.conn.execute(
        "SELECT release_id FROM release_summary WHERE license_id IS NOT NULL"))
    unlicensed = sorted(r[0] for r in cache.conn.execute(
        "SELECT release_id FROM release_summary WHERE license_id IS NULL"))
    assert sorted(queries.release_ids_with_licences(cache, licences)) == licensed
    assert sorted(queries.release_ids_with_licences(cache, licences, unlicensed=True)) == \
        sorted(licensed + unlicensed)
