"""The family timeline and the other comparison helpers the compare view draws on (no Qt)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from openexplorer.analyses.compare import (
    cell_evidence,
    compare,
    comparison_json,
    crowded_families,
    family_ids_of,
    family_timeline,
    parse_release_date,
    score_series,
    timeline_gaps,
    timeline_of_views,
)
from openexplorer.store.cache_file import open_cache
from openexplorer.store.ingest import ingest

THREE = ["meta-llama/llama-3.1-8b", "meta-llama/llama-2-70b", "allenai/olmo-7b"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("timeline") / "c.sqlite")
    yield opened
    opened.close()


def _in_date_order(points):
    dates = [parse_release_date(p["release_date"]) for p in points]
    return all(d is not None for d in dates) and dates == sorted(dates)


def test_llama_and_olmo_have_dated_index_scores_in_release_order(cache):
    timeline = family_timeline(cache, ["llama", "olmo"])
    assert set(timeline) == {"Llama", "OLMo"}
    for family in ("Llama", "OLMo"):
        points = timeline[family]
        assert len(points) >= 2, family
        assert _in_date_order(points), points
        assert all(0.0 <= p["score"] <= 1.0 for p in points)
        assert set(points[0]) == {"id", "name", "release_date", "score", "provisional"}
    # OLMo is far more open than Llama on the index, release for release.
    assert min(p["score"] for p in timeline["OLMo"]) > max(p["score"] for p in timeline["Llama"])


def test_family_names_work_like_ids(cache):
    assert family_timeline(cache, ["Llama"]) == family_timeline(cache, ["llama"])


def test_releases_without_date_or_score_are_left_out(cache):
    points = family_timeline(cache, ["olmo"])["OLMo"]
    ids = {p["id"] for p in points}
    assert "allenai/olmo-7b" not in ids  # no release date in the sources
    assert "allenai/olmo-7b-instruct" in ids
    llama_ids = {p["id"] for p in family_timeline(cache, ["llama"])["Llama"]}
    assert "meta-llama/llama-3.1-8b" not in llama_ids  # dated, but the index has no record


def test_mof_measure_plots_total_progress(cache):
    timeline = family_timeline(cache, ["llama"], measure="mof")
    points = timeline["Llama"]
    assert len(points) >= 2 and _in_date_order(points)
    assert all(0.0 <= p["score"] <= 100.0 for p in points)
    assert {"meta-llama/llama-2-70b", "meta-llama/meta-llama-3-70b"} <= {p["id"] for p in points}


def test_every_family_and_edge_cases(cache):
    everything = family_timeline(cache)
    assert {"Llama", "OLMo", "Mistral", "Qwen", "Gemma"} <= set(everything)
    assert all(points for points in everything.values())
    assert family_timeline(cache, []) == {}
    assert family_timeline(cache, ["no-such-family"]) == {}
    with pytest.raises(ValueError):
        family_timeline(cache, ["llama"], measure="stars")


def test_family_ids_of_compared_releases(cache):
    assert family_ids_of(cache, THREE + ["meta-llama/llama-3.1-8b"]) == ["llama", "olmo"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-07-23", dt.date(2024, 7, 23)),
    ("2024-02", dt.date(2024, 2, 1)),
    ("2023", dt.date(2023, 1, 1)),
    ("2024-13-40", None),
    ("", None),
    (None, None),
    ("soon", None),
])
def test_parse_release_date(text, expected):
    assert parse_release_date(text) == expected


def test_compare_keeps_its_shape_and_states_the_snapshot(cache):
    comparison = compare(cache, THREE)
    assert {"releases", "matrix", "changes"} <= set(comparison)
    assert comparison["snapshot_date"] == cache.get_meta("snapshot_built")
    assert [v.id for v in comparison["releases"]] == [
        "meta-llama/llama-2-70b", "meta-llama/llama-3.1-8b", "allenai/olmo-7b"]
    assert len(comparison["matrix"]) == 17 + 12


def test_score_series_behind_the_bars(cache):
    comparison = compare(cache, ["allenai/olmo-7b-instruct", "meta-llama/llama-3.1-8b"])
    series = score_series(comparison)
    names = [v.name for v in comparison["releases"]]
    olmo = names.index("OLMo-7B-Instruct")
    llama = names.index("Llama-3.1-8B")
    assert [label for _, label in series["osai"]["categories"]] == [
        "Availability", "Documentation", "Access", "Overall"]
    assert series["osai"]["values"][olmo] == [1.0, 1.0, 1.0, 1.0]
    assert series["osai"]["values"][llama] == [None, None, None, None]
    assert [label for _, label in series["mof"]["categories"]] == ["Class III", "Class II",
                                                                   "Class I"]
    assert series["mof"]["values"][llama] == [0.0, 0.0, 0.0]


def test_cell_evidence_names_licence_source_and_date(cache):
    comparison = compare(cache, THREE)
    ids = [v.id for v in comparison["releases"]]
    line = next(m for m in comparison["matrix"] if m["component"] == "Model parameters (Final)")
    llama = ids.index("meta-llama/llama-3.1-8b")
    evidence = cell_evidence(comparison["releases"][llama], line, line["cells"][llama])
    assert evidence["status"] == "closed"
    assert evidence["license"] == "Llama 3.1 Community License Agreement"
    assert evidence["source"] == "mot" and evidence["source_key"] == "Llama-3.1-8B"
    assert evidence["assessed_date"]
    assert evidence["links"]
    olmo = ids.index("allenai/olmo-7b")
    evidence = cell_evidence(comparison["releases"][olmo], line, line["cells"][olmo])
    assert evidence["status"] == "partial" and evidence["license"] == "Apache-2.0"
    assert evidence["warning"]


def test_timeline_from_views_and_its_gaps(cache):
    comparison = compare(cache, ["allenai/olmo-7b-instruct", "meta-llama/llama-3.1-8b",
                                 "allenai/olmo-7b"])
    timeline = timeline_of_views(comparison["releases"])
    assert list(timeline) == ["OLMo"]
    assert [p["id"] for p in timeline["OLMo"]] == ["allenai/olmo-7b-instruct"]
    gaps = timeline_gaps(comparison["releases"])
    assert any(g.startswith("Llama-3.1-8B: ") and "no index score" in g for g in gaps)
    assert any(g.startswith("OLMo-7B: ") and "no release date" in g for g in gaps)


def test_same_licence_written_differently_is_no_change(cache):
    comparison = compare(cache, ["allenai/olmo-2-1124-13b-instruct", "allenai/olmo-7b"])
    (step,) = comparison["changes"]
    assert not any(line.startswith("Licence:") for line in step["changes"])


def test_comparison_json_cites_its_sources(cache):
    comparison = compare(cache, THREE)
    document = json.loads(comparison_json(comparison))
    assert len(document["releases"]) == 3
    assert document["snapshot_date"] == cache.get_meta("snapshot_built")
    assert {"mot"} <= {s["id"] for s in document["sources"]}
    assert all(s["citation"] for s in document["sources"])


@pytest.mark.parametrize("measure", ["osai", "mof"])
def test_the_timeline_is_what_each_releases_view_gives(cache, measure):
    """Read from the release summary in one query: the same points as each release's view
    (``release_score``, the framework's provisional flag) gives."""
    from openexplorer.analyses.compare import release_score
    from openexplorer.views.release import release_view

    expected: dict[str, list[dict]] = {}
    rows = cache.conn.execute(
        "SELECT r.id, r.name, r.release_date, f.name FROM releases r "
        "JOIN families f ON f.id = r.family_id WHERE r.release_date IS NOT NULL").fetchall()
    for release_id, name, release_date, family in rows:
        view = release_view(cache, release_id, detail=False)
        score = release_score(view, measure) if view else None
        if score is None or parse_release_date(release_date) is None:
            continue
        part = view.osai if measure == "osai" else view.mof
        expected.setdefault(family, []).append({
            "id": release_id, "name": name, "release_date": release_date, "score": score,
            "provisional": bool(part.provisional)})
    for points in expected.values():
        points.sort(key=lambda p: (parse_release_date(p["release_date"]), p["name"] or "",
                                   p["id"]))
    timeline = family_timeline(cache, measure=measure)
    for points in timeline.values():  # (ties of date and name: by id, on both sides)
        points.sort(key=lambda p: (parse_release_date(p["release_date"]), p["name"] or "",
                                   p["id"]))
    assert timeline == expected
    assert sum(len(p) for p in timeline.values()) > 20  # (osai 300+, mof 32 here)


def test_a_crowded_family_keeps_its_curated_releases_and_those_asked_for(tmp_path):
    from openexplorer.core.records import ImportResult
    from tests.test_watchlist import hub_record, snapshot_cache

    cache = snapshot_cache(tmp_path / "c.sqlite")
    ingest(cache, ImportResult(records=[
        hub_record(f"someone/Llama-3.1-8B-ft-{i}", organization="someone",
                   release_date=f"2025-0{1 + i % 9}-01") for i in range(30)]))
    hub_only = {r[0] for r in cache.conn.execute(
        "SELECT id FROM releases WHERE family_id = 'llama' AND origin = 'hub'")}
    with cache.conn:  # scored as Hub metadata would score them (these records carry too little)
        cache.conn.execute("UPDATE release_summary SET osai_score = 0.25, osai_provisional = 1 "
                           "WHERE origin = 'hub'")
    full = family_timeline(cache, ["llama", "olmo"])
    llama = full["Llama"]
    assert len(hub_only) == 30 and len([p for p in llama if p["id"] in hub_only]) == 30
    dated = cache.conn.execute("SELECT count(*) FROM releases WHERE family_id = 'llama' "
                               "AND release_date IS NOT NULL").fetchone()[0]
    most = cache.conn.execute("SELECT count(*) FROM releases WHERE family_id = 'olmo' "
                              "AND release_date IS NOT NULL").fetchone()[0]
    assert dated > most  # Llama is crowded, OLMo is not
    assert crowded_families(cache, ["llama", "OLMo"], most) == {"llama": ("Llama", dated)}
    kept = sorted(hub_only)[0]
    crowded = crowded_families(cache, ["llama", "olmo"], most)
    thinned = family_timeline(cache, ["llama", "olmo"], crowded=crowded, keep=[kept])
    assert thinned["OLMo"] == full["OLMo"]
    assert thinned["Llama"] == [p for p in llama if p["id"] not in hub_only or p["id"] == kept]
    assert len(thinned["Llama"]) == len(llama) - 29
    every = family_timeline(cache, None, crowded=crowded_families(cache, None, most),
                            keep=[kept])  # every family, Llama thinned
    assert every["Llama"] == thinned["Llama"]
    assert {k: v for k, v in every.items() if k != "Llama"} == {
        k: v for k, v in family_timeline(cache).items() if k != "Llama"}
    cache.close()
