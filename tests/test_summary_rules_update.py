"""Summaries brought to a new version's rules in batches (summary.update_to_rules).

A cache whose summaries were computed under earlier rules is simulated by computing them with a
``summarize`` that gives other figures, under another rules version. Brought up to date in
batches — stopped and started again, with releases gone meanwhile — it must end exactly as a
rebuild from scratch under the current rules: the same rows, the same facet counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from openexplorer.search import summary
from openexplorer.db.cache import Cache
from openexplorer.store.cache_file import open_cache
from openexplorer.search.summary import Filters

EARLIER = "earlier-rules"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rules") / "cache.sqlite"
    open_cache(path, backup=False).close()  # the bundled snapshot, summaries current
    return path


def earlier_summarize(view: dict[str, Any]) -> dict[str, Any]:
    row = summary_summarize(view)
    row["license_category"] = "Earlier rule"
    row["osai_score"] = None
    row["mof_class"] = "III" if row["mof_class"] is None else None
    return row


summary_summarize = summary.summarize


@pytest.fixture
def stale(built: Path, tmp_path: Path) -> Path:
    """A copy of the snapshot cache with every summary computed under earlier rules."""
    path = tmp_path / "stale.sqlite"
    shutil.copy(built, path)
    with pytest.MonkeyPatch.context() as patch, Cache.open(path) as cache:
        patch.setattr(summary, "summarize", earlier_summarize)
        patch.setattr(summary, "rules_version", lambda: EARLIER)
        summary.rebuild_all(cache)
    return path


def rebuilt(stale: Path, tmp_path: Path) -> Path:
    path = tmp_path / "rebuilt.sqlite"
    shutil.copy(stale, path)
    with Cache.open(path) as cache:
        summary.rebuild_all(cache)
    return path


QUERIES = [("", Filters()), ("llama", Filters()), ("", Filters(license_category=("Permissive",))),
           ("qwen", Filters(mof_class=("III",)))]


def figures(path: Path) -> dict[str, Any]:
    with Cache.open(path) as cache:
        return {
            "rows": cache.conn.execute(
                f"SELECT {', '.join(summary.COLUMNS)} FROM release_summary "
                "ORDER BY release_id").fetchall(),
            "facets": [summary.facet_summary(cache, q, f) for q, f in QUERIES],
            "current": summary.is_current(cache),
        }


def test_the_stale_cache_really_differs(stale: Path, tmp_path: Path) -> None:
    old, new = figures(stale), figures(rebuilt(stale, tmp_path))
    assert not old["current"] and new["current"]
    assert old["rows"] != new["rows"] and old["facets"] != new["facets"]


def test_an_update_in_batches_ends_as_a_rebuild(stale: Path, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with Cache.open(stale) as cache:
        total = cache.count("releases")
        assert summary.update_to_rules(cache, batch=97, progress=lambda d, t: seen.append((d, t)))
        assert summary.update_to_rules(cache) is True  # nothing left to do
    assert seen[-1] == (total, total)
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert len(seen) == -(-total // 97)
    assert figures(stale) == figures(rebuilt(stale, tmp_path))


def test_a_stopped_update_goes_on_from_where_it_stopped(stale: Path, tmp_path: Path) -> None:
    expected = figures(rebuilt(stale, tmp_path))
    batches: list[int] = []
    with Cache.open(stale) as cache:
        done = summary.update_to_rules(cache, batch=100, should_stop=lambda: len(batches) >= 2,
                                       progress=lambda d, t: batches.append(d))
        assert done is False and batches == [100, 200]
        assert not summary.is_current(cache)
        first_ids = [row[0] for row in cache.conn.execute(
            "SELECT id FROM releases ORDER BY id LIMIT 200")]
        kept = cache.conn.execute(
            "SELECT count(*) FROM release_summary WHERE license_category = 'Earlier rule' "
            f"AND release_id IN ({', '.join('?' for _ in first_ids)})", first_ids).fetchone()[0]
        assert kept == 0  # the two batches done are written
        assert cache.conn.execute("SELECT count(*) FROM release_summary WHERE "
                                  "license_category = 'Earlier rule'").fetchone()[0] > 0
    with Cache.open(stale) as cache:  # a new start
        again: list[int] = []
        assert summary.update_to_rules(cache, batch=100, progress=lambda d, t: again.append(d))
        assert again[0] == 300  # from where it stopped, not from the start
        assert cache.get_meta("summary_rules_after") is None
    assert figures(stale) == expected


def test_a_stop_under_other_rules_starts_again(stale: Path, tmp_path: Path) -> None:
    """A cursor left by an update to other rules (an older version) is not followed."""
    with Cache.open(stale) as cache:
        cache.set_meta("summary_rules_target", "yet-other-rules")
        cache.set_meta("summary_rules_after", "zzzz")  # past every release
        seen: list[int] = []
        assert summary.update_to_rules(cache, batch=500, progress=lambda d, t: seen.append(d))
        assert seen[0] == 500
    assert figures(stale) == figures(rebuilt(stale, tmp_path))


def test_rows_of_releases_gone_meanwhile_are_dropped(stale: Path) -> None:
    with Cache.open(stale) as cache:
        with cache.conn:
            cache.conn.execute("INSERT INTO release_summary (release_id, name) "
                               "VALUES ('gone/long-ago', 'Gone')")
        assert summary.update_to_rules(cache)
        assert cache.conn.execute("SELECT count(*) FROM release_summary WHERE release_id = "
                                  "'gone/long-ago'").fetchone()[0] == 0
        assert cache.count("release_summary") == cache.count("releases")


def test_a_large_cache_is_opened_as_it_is_for_the_app(stale: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    before = figures(stale)
    monkeypatch.setattr(summary, "BACKGROUND_OVER", 10)
    open_cache(stale, backup=False, summaries_later=True).close()
    assert figures(stale) == before  # left for the background
    open_cache(stale, backup=False).close()  # the command line: at once
    assert figures(stale) == figures(rebuilt(stale, tmp_path))


def test_a_small_cache_is_rebuilt_at_once_even_for_the_app(stale: Path, tmp_path: Path) -> None:
    with Cache.open(stale) as cache:
        assert cache.count("releases") <= summary.BACKGROUND_OVER
    open_cache(stale, backup=False, summaries_later=True).close()
    assert figures(stale)["current"]
    assert figures(stale) == figures(rebuilt(stale, tmp_path))


def test_the_command_line_updates_a_large_cache_in_batches_and_says_so(
        stale: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from openexplorer import cli

    monkeypatch.setattr(summary, "BACKGROUND_OVER", 10)
    monkeypatch.setattr(summary, "BACKGROUND_BATCH", 100)
    monkeypatch.setattr(cli.SummaryProgress, "EVERY_SECONDS", 0.0)
    assert cli.main(["--db", str(stale), "search", "olmo", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if "Updating release summaries" in line]
    assert len(lines) >= 8 and "100 %" in lines[-1]  # a line per batch, then done
    assert "olmo" in out.lower()
    assert figures(stale) == figures(rebuilt(stale, tmp_path))
    assert cli.main(["--db", str(stale), "search", "olmo", "--format", "json"]) == 0
    assert "Updating" not in capsys.readouterr().err  # current now: nothing to say
