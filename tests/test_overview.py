"""The overview's figures: exact means and counts over hand-built release summaries."""

from __future__ import annotations

import random
import sqlite3
from statistics import mean

import pytest

from openexplorer.search import summary
from openexplorer.analyses.overview import bin_edges, overview_stats, score_bin, to_filters
from openexplorer.store.cache_file import open_cache
from tests.summary_rows import ROWS, make_summary_cache

# Column positions in tests.summary_rows.ROWS
YEAR, KIND, ORIGIN, MOF_CLASS, MOF_TOTAL, SCORE, OSI, PROVISIONAL = range(8)


@pytest.fixture
def cache(tmp_path):
    opened = make_summary_cache(tmp_path / "cache.sqlite")
    yield opened
    opened.close()


def _rows(curated_only=True):
    return [r for r in ROWS if r[ORIGIN] == "curated" or not curated_only]


def _expected(rows):
    """The figures of a group of rows, computed independently of the module."""
    scores = [r[SCORE] for r in rows if r[SCORE] is not None]
    totals = [r[MOF_TOTAL] for r in rows if r[MOF_TOTAL] is not None]
    classified = sum(1 for r in rows if r[MOF_CLASS] is not None)
    return {
        "count": len(rows),
        "osai_mean": mean(scores) if scores else None,
        "osai_n": len(scores),
        "mof_mean": mean(totals) if totals else None,
        "mof_n": len(totals),
        "mof_classified": classified,
        "mof_classified_share": classified / len(rows),
        "osi_approved": sum(1 for r in rows if r[OSI] == 1),
        "osi_known": sum(1 for r in rows if r[OSI] is not None),
    }


def _check(entry, rows):
    for key, value in _expected(rows).items():
        if isinstance(value, float):
            assert entry[key] == pytest.approx(value), key
        else:
            assert entry[key] == value, key


def test_by_year_gives_exact_means_and_counts(cache):
    stats = overview_stats(cache, min_year_count=1)
    assert stats["available"] and stats["curated_only"]
    assert stats["total"] == 9
    assert stats["undated"] == 1
    assert [e["year"] for e in stats["by_year"]] == [2023, 2024]
    for entry in stats["by_year"]:
        _check(entry, [r for r in _rows() if r[YEAR] == entry["year"]])
        assert entry["filter"] == {"origin": "curated", "year": entry["year"]}
    by_year = {e["year"]: e for e in stats["by_year"]}
    # By hand: 2023 scores 0.25, 0.40, 0.90; MOF totals 30, 60, 95; two of three classified.
    assert by_year[2023]["osai_mean"] == pytest.approx(1.55 / 3)
    assert by_year[2023]["mof_mean"] == pytest.approx(185 / 3)
    assert by_year[2023]["mof_classified_share"] == pytest.approx(2 / 3)
    # 2024: scores 0.75, 0.30, 0.10 (provisional), 1.00; MOF totals 80, 55, 20.
    assert by_year[2024]["osai_mean"] == pytest.approx(2.15 / 4)
    assert by_year[2024]["osai_n"] == 4 and by_year[2024]["count"] == 5
    assert by_year[2024]["mof_mean"] == pytest.approx(155 / 3)
    assert by_year[2024]["osai_provisional"] == 1 and by_year[2024]["mof_provisional"] == 1


def test_by_org_kind_in_a_fixed_order_with_exact_figures(cache):
    stats = overview_stats(cache)
    kinds = [e["kind"] for e in stats["by_org_kind"]]
    assert kinds == ["big-tech", "company", "academic", "public", None]
    for entry in stats["by_org_kind"]:
        _check(entry, [r for r in _rows() if r[KIND] == entry["kind"]])
        assert entry["filter"] == {"origin": "curated", "org_kind": entry["kind"] or "none"}
    big_tech = stats["by_org_kind"][0]
    assert big_tech["label"] == "Big Tech"
    assert big_tech["osai_mean"] == pytest.approx((0.25 + 0.40 + 0.10) / 3)
    assert big_tech["mof_mean"] == pytest.approx((30 + 60 + 20) / 3)
    public = stats["by_org_kind"][3]
    assert public["mof_mean"] is None and public["mof_n"] == 0


def test_mof_class_distribution(cache):
    classes = overview_stats(cache)["mof_classes"]
    assert [(c["mof_class"], c["count"]) for c in classes] == [
        ("I", 1), ("II", 1), ("III", 2), (None, 5)]
    unclassified = classes[-1]
    # Unclassified: two with an MOF assessment meeting no class (totals 30 and 20), three none.
    assert unclassified["assessed"] == 2
    assert unclassified["filter"] == {"origin": "curated", "mof_class": "none"}
    assert classes[0]["share"] == pytest.approx(1 / 9)


def test_index_score_histogram(cache):
    stats = overview_stats(cache)
    bins = stats["osai_histogram"]
    assert len(bins) == 10
    assert [b["min"] for b in bins] == [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
    assert bins[-1]["max"] == 1.0
    # Curated scores: 0.25, 0.40, 0.90, 0.75, 0.30, 0.10, 1.00 -> bins 2, 4, 9, 7, 3, 1, 9.
    assert [b["count"] for b in bins] == [0, 1, 1, 1, 1, 0, 0, 1, 0, 2]
    assert stats["osai_scored"] == 7
    assert bins[1]["provisional"] == 1
    assert bins[5]["filter"] == {"origin": "curated", "osai_score_min": 0.5,
                                 "osai_score_max": 0.6}


def test_including_hub_only_releases(cache):
    stats = overview_stats(cache, curated_only=False, min_year_count=1)
    assert stats["total"] == len(ROWS)
    assert [e["year"] for e in stats["by_year"]] == [2023, 2024, 2025]
    _check(stats["by_year"][-1], [r for r in ROWS if r[YEAR] == 2025])
    assert stats["by_year"][-1]["filter"] == {"year": 2025}
    assert stats["osai_scored"] == 9
    assert sum(c["count"] for c in stats["mof_classes"]) == len(ROWS)


def test_sparse_early_years_share_one_entry(tmp_path):
    rows = ([(2015, "company", "curated", None, None, 0.2, None, 0)]
            + [(2017, "company", "curated", None, None, 0.4, None, 0)] * 2
            + [(2023, "academic", "curated", "I", 90.0, 0.8, 1, 0)] * 3
            + [(2024, "academic", "curated", None, 50.0, 0.6, 1, 0)] * 4)
    with make_summary_cache(tmp_path / "c.sqlite", rows) as cache:
        entries = overview_stats(cache, min_year_count=3)["by_year"]
        assert [e["label"] for e in entries] == ["≤ 2017", "2023", "2024"]
        early = entries[0]
        assert early["year"] is None and early["years"] == [2015, 2017]
        assert early["count"] == 3
        assert early["osai_mean"] == pytest.approx((0.2 + 0.4 + 0.4) / 3)
        assert early["filter"] == {"origin": "curated", "year": [2015, 2017]}
        # With no threshold every year stands alone.
        alone = overview_stats(cache, min_year_count=1)["by_year"]
        assert [e["year"] for e in alone] == [2015, 2017, 2023, 2024]


def test_every_bar_filters_to_exactly_its_releases(cache):
    """A bar's filter, through the search's Filters, finds the releases the bar counts."""
    for curated_only in (True, False):
        stats = overview_stats(cache, curated_only=curated_only, min_year_count=2)
        for key in ("by_year", "by_org_kind", "mof_classes", "osai_histogram"):
            for entry in stats[key]:
                found = summary.count(cache, "", to_filters(entry["filter"]))
                assert found == entry["count"], (key, entry["filter"])


def test_score_bins_put_edges_in_the_upper_bin():
    assert [score_bin(x) for x in (0.0, 0.05, 0.1, 0.5, 0.55, 0.6, 0.9, 0.99, 1.0)] == [
        0, 0, 1, 5, 5, 6, 9, 9, 9]
    assert bin_edges()[3] == 0.3


def test_sql_binning_agrees_with_score_bin(tmp_path):
    rnd = random.Random(7)
    scores = [k / 24 for k in range(25)] + [k / 26 for k in range(27)] + [
        rnd.random() for _ in range(200)] + [x / 10 for x in range(11)]
    rows = [(2024, "company", "curated", None, None, s, None, 0) for s in scores]
    with make_summary_cache(tmp_path / "c.sqlite", rows) as cache:
        counts = [b["count"] for b in overview_stats(cache)["osai_histogram"]]
    expected = [0] * 10
    for s in scores:
        expected[score_bin(s)] += 1
    assert counts == expected


def test_a_cache_without_the_summary_table():
    class Bare:
        conn = sqlite3.connect(":memory:")

    stats = overview_stats(Bare())
    assert stats["available"] is False and stats["total"] == 0 and stats["by_year"] == []


def test_an_empty_summary(tmp_path):
    with make_summary_cache(tmp_path / "c.sqlite", []) as cache:
        stats = overview_stats(cache)
    assert stats["available"] and stats["total"] == 0
    assert all(c["count"] == 0 for c in stats["mof_classes"])
    assert sum(b["count"] for b in stats["osai_histogram"]) == 0


@pytest.fixture(scope="module")
def snapshot_cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("snap") / "cache.sqlite")
    summary.ensure_summaries(opened)
    yield opened
    opened.close()


def test_the_bundled_snapshot_adds_up(snapshot_cache):
    stats = overview_stats(snapshot_cache)
    conn = snapshot_cache.conn
    curated = conn.execute(
        "SELECT COUNT(*) FROM release_summary WHERE origin = 'curated'").fetchone()[0]
    assert stats["total"] == curated > 100
    assert sum(e["count"] for e in stats["by_year"]) + stats["undated"] == curated
    assert sum(e["count"] for e in stats["by_org_kind"]) == curated
    assert sum(c["count"] for c in stats["mof_classes"]) == curated
    scored = conn.execute("SELECT COUNT(*) FROM release_summary WHERE origin = 'curated' "
                          "AND osai_score IS NOT NULL").fetchone()[0]
    assert stats["osai_scored"] == scored
    # OLMo is Class I in the MOT: Class I exists in the field.
    assert stats["mof_classes"][0]["count"] >= 1
    assert all(e["osai_mean"] is None or 0 <= e["osai_mean"] <= 1 for e in stats["by_year"])
    assert all(e["mof_mean"] is None or 0 <= e["mof_mean"] <= 100 for e in stats["by_org_kind"])
