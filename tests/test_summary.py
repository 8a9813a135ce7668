"""Release summaries, facets and filtered search agree with the views they are derived from."""

from __future__ import annotations

from collections import Counter

import pytest

from openexplorer.search import summary
from openexplorer.db.cache import Cache
from openexplorer.core.records import Assessment, ImportResult, SourceRecord
from openexplorer.store.cache_file import open_cache
from openexplorer.search.summary import Filters
from openexplorer.views.release import release_view
from openexplorer.store.ingest import ingest


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = open_cache(tmp_path_factory.mktemp("summary") / "cache.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def views(cache):
    return {i: release_view(cache, i, detail=False) for i in cache.iter_release_ids()}


def test_every_release_has_a_summary_equal_to_its_view(cache, views):
    assert cache.count("release_summary") == cache.count("releases") == len(views)
    for row in summary.search(cache, limit=10_000):
        view = views[row["release_id"]]
        assert row["mof_class"] == view.mof.class_
        assert row["osai_score"] == view.osai.score
        assert row["osaid_verdict"] == view.osaid.verdict
        assert row["license_category"] == view.license.category


@pytest.mark.parametrize("facet,key", [
    ("mof_class", lambda v: v.mof.class_),
    ("osaid_verdict", lambda v: v.osaid.verdict),
    ("license_category", lambda v: v.license.category),
    ("org_kind", lambda v: v.organization_kind),
])
def test_facet_counts_match_the_views(cache, views, facet, key):
    expected = Counter(summary.NONE if key(v) is None else key(v) for v in views.values())
    counts = dict(summary.facet_counts(cache, facets=[facet], limit=1000)[facet])
    assert counts == dict(expected)


def test_a_facet_ignores_its_own_choice_but_not_the_others(cache, views):
    filters = Filters(mof_class=("I",), org_kind=("academic",))
    counts = summary.facet_counts(cache, "", filters, facets=["mof_class", "org_kind"])
    academic = [v for v in views.values() if v.organization_kind == "academic"]
    class_one = [v for v in views.values() if v.mof.class_ == "I"]
    assert dict(counts["mof_class"])["I"] == sum(v.mof.class_ == "I" for v in academic)
    assert dict(counts["org_kind"])["academic"] == sum(
        v.organization_kind == "academic" for v in class_one)


def test_filtered_search_and_count(cache, views):
    filters = Filters(osai_min=0.75, year=(2024, 2025))
    rows = summary.search(cache, "", filters, sort="osai_score", descending=True, limit=1000)
    expected = {i for i, v in views.items()
                if v.osai.score is not None and v.osai.score >= 0.75
                and (v.release_date or "")[:4] in {"2024", "2025"}}
    assert {r["release_id"] for r in rows} == expected
    scores = [r["osai_score"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert summary.count(cache, "", filters) == len(expected)


def test_text_query_and_none_facet_value(cache):
    rows = summary.search(cache, "pythia", Filters(mof_class=("I",)), limit=100)
    assert rows and all(r["mof_class"] == "I" and "pythia" in r["name"].lower() for r in rows)
    unclassified = summary.count(cache, "", Filters(mof_class=(summary.NONE,)))
    assert unclassified == sum(
        1 for r in summary.search(cache, limit=10_000) if r["mof_class"] is None)


def test_an_import_updates_the_summaries_it_touches(tmp_path):
    with Cache.open(tmp_path / "c.sqlite") as cache:
        record = SourceRecord(
            source="osai", key="X", name="X-7B", hub_id="org/x-7b", modality="text",
            assessments=[Assessment("osai", ref, "open") for ref in (
                "datasources_basemodel", "datasources_endmodel", "weights_basemodel",
                "weights_endmodel", "trainingcode", "code", "hardware_architecture",
                "preprint", "paper", "modelcard", "datasheet", "licenses")],
        )
        ingest(cache, ImportResult(records=[record]))
        assert summary.search(cache, "x-7b")[0]["osai_score"] == 1.0
        record.assessments[0] = Assessment("osai", "datasources_basemodel", "closed")
        ingest(cache, ImportResult(records=[record]))
        assert summary.search(cache, "x-7b")[0]["osai_score"] == pytest.approx(11 / 12)


def test_summaries_are_rebuilt_when_the_rules_change(tmp_path):
    with Cache.open(tmp_path / "c.sqlite") as cache:
        ingest(cache, ImportResult(records=[SourceRecord(source="mot", key="m", name="M",
                                                        hub_id="o/m")]))
        assert summary.ensure_summaries(cache) is True  # never computed under these rules
        assert summary.ensure_summaries(cache) is False
        cache.conn.execute("DELETE FROM release_summary")
        cache.set_meta("summary_rules", "older-rules")
        assert summary.ensure_summaries(cache) is True
        assert cache.count("release_summary") == 1
