"""The watchlist: items, changes of watched releases, refresh alerts, unseen changes, possibly
stale assessments, the schema migration of the user tables, and the ``watch`` command."""

from __future__ import annotations

import atexit
import functools
import json
import shutil
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from openexplorer.analyses import watchlist
from openexplorer.db.cache import SCHEMA_VERSION, Cache
from openexplorer.db.schema import MIGRATIONS
from openexplorer.cli import main
from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.store.cache_file import open_cache
from openexplorer.store import ingest as store

LLAMA = "meta-llama/llama-3.1-8b-instruct"
OLMO = "allenai/olmo-7b"


@functools.cache
def _built_snapshot() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="openexplorer-snapshot-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "snapshot.sqlite"
    open_cache(path).close()
    return path


def snapshot_cache(path: Path) -> Cache:
    """A cache built from the bundled snapshot, at ``path`` (a copy: built once per run)."""
    shutil.copy(_built_snapshot(), path)
    return open_cache(path)


@pytest.fixture
def cache(tmp_path):
    opened = snapshot_cache(tmp_path / "c.sqlite")
    yield opened
    opened.close()


def hub_record(repo: str, *, gating: str = "open", license_: str = "llama3.1",
               card: str = "partial", organization: str = "Meta",
               release_date: str | None = None, version: str = "1") -> SourceRecord:
    """A Hub record as the refresh writes it (the parts the change log compares)."""
    return SourceRecord(
        source="hub", key=repo, name=repo.split("/")[-1], hub_id=repo,
        organization=organization, license=license_, release_date=release_date,
        source_version=version,
        assessments=[
            Assessment("hub", "gating", gating, "gated"),
            Assessment("hub", "license", "partial", "cardData.license", license=license_),
            Assessment("hub", "model_card", card, "card"),
        ])


def ingest(cache: Cache, *records: SourceRecord, when: datetime | None = None) -> None:
    stamp = watchlist.stamp(when) if when else None
    store.ingest(cache, ImportResult(records=list(records)), now=stamp)


T0 = datetime(2026, 12, 1, 9, 0, 0, tzinfo=UTC)


# -- items ----------------------------------------------------------------------------------------


def test_add_resolves_names_and_is_idempotent(cache):
    release = watchlist.add(cache, "release", "meta-llama/Llama-3.1-8B-Instruct")
    assert (release.kind, release.value, release.label) == (
        "release", LLAMA, "Llama-3.1-8B-Instruct")
    family = watchlist.add(cache, "family", "olmo")
    assert (family.value, family.label) == ("olmo", "OLMo")
    org = watchlist.add(cache, "organization", "Meta")
    assert org.value == "meta"
    again = watchlist.add(cache, "family", "OLMo")
    assert again.id == family.id
    assert [i.ref for i in watchlist.items(cache)] == [
        f"release:{LLAMA}", "family:olmo", "organization:meta"]
    assert len(watchlist.release_ids_of(cache, family)) > 5
    assert LLAMA in watchlist.watched_releases(cache)
    assert {i.kind for i in watchlist.watched_releases(cache)[LLAMA]} == {
        "release", "organization"}


@pytest.mark.parametrize(("kind", "value"), [
    ("release", "no-such/model"), ("family", "Nope"), ("organization", "Nobody Inc"),
    ("dataset", "x"), ("release", " "),
])
def test_unknown_items_are_refused(cache, kind, value):
    with pytest.raises(watchlist.WatchError):
        watchlist.add(cache, kind, value)
    assert watchlist.items(cache) == []


def test_the_table_allows_only_three_kinds(cache):
    with pytest.raises(sqlite3.IntegrityError):
        cache.conn.execute("INSERT INTO watchlist(kind, value, added_at) VALUES "
                           "('dataset', 'x', '2026')")


def test_remove(cache):
    watchlist.add(cache, "release", LLAMA)
    assert watchlist.remove(cache, "release", "meta-llama/Llama-3.1-8B-Instruct") is True
    assert watchlist.remove(cache, "release", LLAMA) is False
    assert watchlist.items(cache) == []


# -- changes and alerts ---------------------------------------------------------------------------


def test_changes_of_watched_releases_with_old_and_new_values(cache):
    watchlist.add(cache, "release", LLAMA)
    ingest(cache, hub_record("meta-llama/Llama-3.1-8B-Instruct"), when=T0)
    ingest(cache, hub_record("meta-llama/Llama-3.1-8B-Instruct", gating="partial",
                             license_="llama3.2", card="open", version="2"),
           when=T0 + timedelta(days=1))
    ingest(cache, hub_record("allenai/OLMo-7B", license_="apache-2.0", organization="AI2"),
           when=T0 + timedelta(days=1))
    ingest(cache, hub_record("allenai/OLMo-7B", gating="partial", license_="apache-2.0",
                             organization="AI2", version="2"), when=T0 + timedelta(days=2))
    changes = watchlist.changes_since(cache, T0 + timedelta(hours=1))
    assert {c.release_id for c in changes} == {LLAMA}  # OLMo is not watched
    by_field = {c.field: c for c in changes}
    gating = by_field["hub:gating"]
    assert (gating.kind, gating.label, gating.old, gating.new, gating.source) == (
        "gating", "Gating on the Hub", "open", "partial", "hub")
    assert by_field["hub:model_card"].kind == "card"
    licence = by_field["hub:license"]
    assert licence.kind == "licence" and "llama3.1" in licence.old and "llama3.2" in licence.new
    assert by_field["license"].old == "llama3.1" and by_field["license"].new == "llama3.2"
    assert all(c.changed_at == "2026-12-02T09:00:00+00:00" for c in changes)
    assert all(c.watched_as == ("Llama-3.1-8B-Instruct",) for c in changes)
    # since: everything from the first ingest too; a later date: nothing
    assert len(watchlist.changes_since(cache)) > len(changes)
    assert watchlist.changes_since(cache, "2026-12-03") == []
    assert watchlist.changes_since(cache, "2026-12-02")  # a date is its midnight, UTC
    # a family or organisation covers its releases
    watchlist.remove(cache, "release", LLAMA)
    assert watchlist.changes_since(cache, T0) == []
    watchlist.add(cache, "organization", "Meta")
    assert {c.field for c in watchlist.changes_since(cache, T0 + timedelta(hours=1))} == \
        set(by_field)


def test_alerts_list_what_a_refresh_changed_and_stay_quiet_otherwise(cache):
    watchlist.add(cache, "family", "Llama")
    ingest(cache, hub_record(LLAMA), when=T0)
    started = T0 + timedelta(days=1, microseconds=700_000)  # stamps keep whole seconds
    ingest(cache, hub_record(LLAMA, gating="manual-approval", version="2"),
           when=T0 + timedelta(days=1))
    alerts = watchlist.alerts(cache, started)
    assert [(a.field, a.old, a.new) for a in alerts] == [
        ("hub:gating", "open", "manual-approval")]
    # a refresh that rewrites the same facts, or changes only unwatched releases: quiet
    later = T0 + timedelta(days=2)
    ingest(cache, hub_record(LLAMA, gating="manual-approval", version="3"),
           hub_record("allenai/OLMo-7B", license_="apache-2.0", organization="AI2"), when=later)
    ingest(cache, hub_record("allenai/OLMo-7B", gating="partial", organization="AI2",
                             license_="apache-2.0"), when=later)
    assert watchlist.alerts(cache, later) == []
    with pytest.raises(watchlist.WatchError):
        watchlist.alerts(cache, "yesterday-ish")


def test_unseen_changes_and_mark_seen(cache):
    ingest(cache, hub_record(LLAMA), when=datetime.now(UTC) - timedelta(days=3))
    ingest(cache, hub_record(LLAMA, gating="partial", version="2"),
           when=datetime.now(UTC) - timedelta(days=2))
    watchlist.add(cache, "release", LLAMA)
    # a newly watched release does not arrive with its history unread
    assert watchlist.unseen_changes(cache) == []
    assert watchlist.changes_since(cache)  # the history is still listed
    ingest(cache, hub_record(LLAMA, gating="open", version="3"))
    unseen = watchlist.unseen_changes(cache)
    assert [(c.field, c.old, c.new) for c in unseen] == [("hub:gating", "partial", "open")]
    watchlist.mark_seen(cache)
    assert watchlist.unseen_changes(cache) == []
    assert watchlist.seen_at(cache) is not None


@pytest.mark.parametrize(("text", "stamp"), [
    ("2025-03-01", "2025-03-01T00:00:00+00:00"),
    ("2025-03-01T10:30", "2025-03-01T10:30:00+00:00"),
    ("2025-03-01T12:30:00+02:00", "2025-03-01T10:30:00+00:00"),
    ("2025-03-01T10:30:00Z", "2025-03-01T10:30:00+00:00"),
    (datetime(2025, 3, 1, 10, 30, 5, 999_000), "2025-03-01T10:30:05+00:00"),
    (None, None),
])
def test_stamp(text, stamp):
    assert watchlist.stamp(text) == stamp


def test_stamp_days_ago():
    stamp = watchlist.stamp("7d")
    assert stamp is not None
    expected = datetime.now(UTC) - timedelta(days=7)
    assert abs(datetime.fromisoformat(stamp) - expected) < timedelta(seconds=5)


@pytest.mark.parametrize(("field", "kind", "label"), [
    ("license", "licence", "Licence"),
    ("hub:weights", "files", "Weight files"),
    ("mof:Datasets", "rating", "MOF: Datasets"),
    ("mof:license:distribution", "licence", "MOF licence for distribution"),
    ("osai:trainingcode", "rating", "Index: Training Code"),
    ("release_date", "fact", "Release date"),
    ("something", "other", "something"),
])
def test_describe_field(field, kind, label):
    assert watchlist.describe_field(field) == (kind, label)


# -- possibly stale -------------------------------------------------------------------------------


def test_a_newer_release_marks_the_family_possibly_stale(cache):
    watchlist.add(cache, "release", "allenai/OLMo-7B")  # brings in its family
    assert watchlist.possibly_stale(cache) == []  # the snapshot's assessments are recent
    ingest(cache, hub_record("allenai/Olmo-4-7B-Instruct", license_="apache-2.0",
                             organization="Allen Institute for AI", release_date="2026-10-02"))
    stale = watchlist.possibly_stale(cache)
    assert [s.family_id for s in stale] == ["olmo"]
    family = stale[0]
    assert family.assessed_until and family.assessed_until < "2026-10-02"
    assert [n.name for n in family.newer] == ["Olmo-4-7B-Instruct"]
    assert "after the last assessment" in family.newer[0].reason
    assert "OLMo-7B" in family.assessed and family.watched_as == ("OLMo-7B",)
    assert not family.acknowledged
    watchlist.acknowledge_stale(cache, family)
    assert watchlist.possibly_stale(cache)[0].acknowledged
    # another newer release brings the badge back
    ingest(cache, hub_record("allenai/Olmo-4-32B-Instruct", license_="apache-2.0",
                             organization="Allen Institute for AI", release_date="2026-11-02"))
    again = watchlist.possibly_stale(cache)[0]
    assert not again.acknowledged and len(again.newer) == 2


def test_a_newly_found_old_release_or_a_community_copy_is_not_newer(cache):
    watchlist.add(cache, "family", "OLMo")
    ingest(cache, hub_record("allenai/OLMo-1-Old", license_="apache-2.0",
                             organization="Allen Institute for AI", release_date="2024-01-01"))
    ingest(cache, hub_record("someone/OLMo-7B-finetune", license_="apache-2.0",
                             organization="someone"))  # first seen now, but not AI2's
    assert watchlist.possibly_stale(cache) == []
    # first seen after the assessments, undated, from the family's organisation: newer
    ingest(cache, hub_record("allenai/OLMo-5-Preview", license_="apache-2.0",
                             organization="Allen Institute for AI"))
    stale = watchlist.possibly_stale(cache)
    assert [n.name for s in stale for n in s.newer] == ["OLMo-5-Preview"]
    assert "first recorded" in stale[0].newer[0].reason


def test_unwatched_families_only_when_asked(cache):
    ingest(cache, hub_record("allenai/Olmo-4-7B-Instruct", license_="apache-2.0",
                           organization="Allen Institute for AI", release_date="2026-10-02"))
    assert watchlist.possibly_stale(cache) == []
    assert "olmo" in {s.family_id for s in watchlist.possibly_stale(cache, watched_only=False)}


# -- the user's tables ----------------------------------------------------------------------------


def test_imports_never_touch_the_user_tables(cache):
    from openexplorer.analyses import rubric

    watchlist.add(cache, "family", "OLMo")
    rubric.save_profile(cache, "Mine", {"license": 2})
    watchlist.mark_seen(cache, "2026-01-01")
    tables = ("watchlist", "rubric_profiles", "watch_seen")

    def dump():
        return {t: cache.conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall()
                for t in tables}

    before = dump()
    ingest(cache, hub_record(OLMO, license_="apache-2.0", organization="AI2"))
    from openexplorer.store import snapshot
    snapshot.install(cache)  # a rebuild from the snapshot
    assert dump() == before


def test_migration_adds_the_user_tables_to_an_older_cache(tmp_path):
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:2], start=1):
        conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.commit()
    conn.close()
    with Cache.open(path) as cache:
        assert cache.schema_version() == SCHEMA_VERSION >= 3
        names = {r[0] for r in cache.conn.execute("SELECT name FROM sqlite_master")}
        assert {"watchlist", "rubric_profiles", "watch_seen"} <= names
        assert watchlist.items(cache) == []


# -- the command ----------------------------------------------------------------------------------


def test_cli_watch(capsys, cache):
    db = str(cache.path)
    assert main(["--db", db, "watch", "add", "release", "meta-llama/Llama-3.1-8B-Instruct"]) == 0
    assert "watching release Llama-3.1-8B-Instruct" in capsys.readouterr().err
    assert main(["--db", db, "watch", "add", "family", "Nope"]) == 2
    assert "unknown family" in capsys.readouterr().err
    ingest(cache, hub_record(LLAMA), when=T0)
    ingest(cache, hub_record(LLAMA, gating="partial", version="2"), when=T0 + timedelta(days=1))
    assert main(["--db", db, "watch", "changes", "--since", "2026-12-02",
                 "--format", "json"]) == 0
    changes = json.loads(capsys.readouterr().out)
    assert [(c["field"], c["old"], c["new"]) for c in changes] == [
        ("hub:gating", "open", "partial")]
    assert main(["--db", db, "watch", "changes", "--since", "2026-12-02"]) == 0
    assert "Gating on the Hub: open → partial  [hub]" in capsys.readouterr().out
    assert main(["--db", db, "watch", "list", "--format", "json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [i["value"] for i in listing["items"]] == [LLAMA]
    assert main(["--db", db, "watch", "changes", "--since", "someday"]) == 2
    assert main(["--db", db, "watch", "remove", "release", LLAMA]) == 0
    assert main(["--db", db, "watch", "remove", "release", LLAMA]) == 2
    assert main(["--db", db, "watch", "list"]) == 0
    assert "nothing watched yet" in capsys.readouterr().out


def test_a_family_larger_than_sqlites_variable_limit_is_read(cache):
    # SQLite builds differ (999 before 3.32, 32,766 since, 250,000 on Debian): a family of
    # 100,000 Hub fine-tunes must not depend on it. Here the limit is the smallest, 999, and
    # the family has over 1,000 releases.
    watchlist.add(cache, "family", "OLMo")
    watchlist.add(cache, "organization", "Allen Institute for AI")
    ingest(cache, *[hub_record(f"allenai/Olmo-4-{i}B", license_="apache-2.0",
                               organization="Allen Institute for AI",
                               release_date="2026-10-02") for i in range(1050)], when=T0)
    with Cache.open(cache.path) as other:  # no limit set (and no statement cached here)
        before = watchlist.possibly_stale(other)
    cache.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    stale = watchlist.possibly_stale(cache)
    assert stale == before and len(stale[0].newer) == 1050
    state = watchlist.state(cache, since=None)
    olmo = next(i for i in state.items if i.kind == "family")
    assert state.releases[olmo.id] == len(watchlist.release_ids_of(cache, olmo))
    assert "olmo" in state.families[olmo.id]


def test_the_state_is_what_the_functions_give_one_by_one(cache):
    watchlist.add(cache, "release", LLAMA)
    watchlist.add(cache, "family", "OLMo")
    ingest(cache, hub_record(LLAMA, gating="manual"), when=T0)
    ingest(cache, hub_record("allenai/Olmo-4-7B-Instruct", license_="apache-2.0",
                             organization="Allen Institute for AI", release_date="2026-10-02"),
           when=T0 + timedelta(hours=1))
    items = watchlist.items(cache)
    state = watchlist.state(cache, item_id=items[0].id, since=None,
                            alerts_since=watchlist.stamp(T0))
    assert list(state.items) == items
    assert state.releases == {i.id: len(watchlist.release_ids_of(cache, i)) for i in items}
    assert state.unseen_ids == {c.id for c in watchlist.unseen_changes(cache)}
    assert list(state.stale) == watchlist.possibly_stale(cache)
    assert list(state.changes) == watchlist.changes_since(cache, None, item=items[0],
                                                          limit=2000)
    assert list(state.alerts) == watchlist.alerts(cache, T0) and state.alerts
