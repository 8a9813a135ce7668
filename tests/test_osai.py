"""European Open Source AI Index scoring and the legacy 14-feature scale.

Expected figures come from outside the code under test: the index's published scores and counts
(docs/frameworks.md §2.4, osai-index.eu), the index's own ``_parameters.yml``, the legacy project's
``docs/df.csv`` ``openness`` column, and hand arithmetic on small inputs.
"""

from __future__ import annotations

import csv
from collections import Counter

import pytest
import yaml

from openexplorer.frameworks import osai
from openexplorer.importers import osai as osai_import
from openexplorer.importers import osai_legacy
from openexplorer.core.records import Assessment

ALL_REFS = (
    "datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel",
    "trainingcode", "code", "hardware_architecture", "preprint", "paper", "modelcard",
    "datasheet", "licenses",
)
LEGACY = (
    "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license", "code",
    "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api",
)


# --- the parameter file -------------------------------------------------------------------------


def test_dimensions_and_groups_are_the_index_ones():
    assert tuple(d.ref for d in osai.DIMENSIONS) == ALL_REFS
    assert [g.ref for g in osai.GROUPS] == ["availability", "documentation", "access"]
    assert osai.GROUPS[2].params == ("licenses",)
    assert osai.dimension("licenses").name == "Licenses"
    assert tuple(f.ref for f in osai.LEGACY_FEATURES) == LEGACY


def test_resource_matches_parameters_yml(shared_data):
    params = yaml.safe_load((shared_data / "osai-index" / "_parameters.yml").read_text("utf-8"))
    expected = [
        (p["ref"], p["name"].strip(), g["ref"], tuple(t.strip() for t in p["types"]))
        for g in params
        for p in g["params"]
    ]
    got = [(d.ref, d.name, d.group, d.types) for d in osai.DIMENSIONS]
    assert got == expected
    assert [(g.ref, g.name) for g in osai.GROUPS] == [(g["ref"], g["name"].strip()) for g in params]


def test_resource_carries_attribution():
    import json
    from importlib.resources import files

    data = json.loads(
        files("openexplorer.resources").joinpath("osai_parameters.json").read_text("utf-8")
    )
    about = data["about"]
    assert about["license"] == "CC-BY-4.0"
    assert "osai-index.eu" in about["attribution"]
    assert any("10.1145/3630106.3659005" in c for c in about["citations"])
    assert any("10.5281/zenodo.15386042" in c for c in about["citations"])


# --- scoring rules on small inputs ----------------------------------------------------------


def test_all_open_scores_one_and_all_closed_zero():
    assert osai.score({r: "open" for r in ALL_REFS}, "text").score == 1.0
    assert osai.score({r: "closed" for r in ALL_REFS}, "text").score == 0.0


def test_partial_is_half_and_missing_is_zero():
    classes = {"trainingcode": "partial"}  # 11 dimensions missing
    result = osai.score(classes, "text")
    assert result.score == pytest.approx(0.5 / 12)
    assert result.dimensions["trainingcode"] == "partial"
    assert result.dimensions["paper"] is None
    assert result.groups["availability"] == pytest.approx(0.5 / 5)


def test_total_is_mean_of_dimensions_not_of_groups():
    # Availability (5) and Access (1) open, Documentation (6) closed:
    # mean over 12 dimensions = 6/12; mean of the 3 group scores would be 2/3.
    classes = {r: "closed" for r in ALL_REFS}
    for ref in ("datasources_basemodel", "datasources_endmodel", "weights_basemodel",
                "weights_endmodel", "trainingcode", "licenses"):
        classes[ref] = "open"
    result = osai.score(classes, "text")
    assert result.score == pytest.approx(0.5)
    assert result.groups == {"availability": 1.0, "documentation": 0.0, "access": 1.0}


def test_modality_filter_and_comma_split():
    classes = {r: "open" for r in ALL_REFS}
    assert osai.score(classes, "text,code").applicable == ALL_REFS
    assert osai.score(classes, " Video , audio").score == 1.0
    nothing = osai.score(classes, "tabular")
    assert nothing.score is None and nothing.applicable == ()
    assert osai.score(classes, None).score is None


def test_odd_class_spellings():
    assert osai.score({"licenses": " Open "}, "text").dimensions["licenses"] == "open"
    assert osai.score({"licenses": "NA"}, "text").dimensions["licenses"] is None


def test_score_assessments_reads_the_stored_form():
    stored = [Assessment("osai", r, "open") for r in ALL_REFS[:11]]
    stored.append(Assessment("osai", "licenses", "unknown"))
    stored.append(Assessment("osai", "package", "open"))  # retired: not scored
    stored.append(Assessment("mof", "Training code", "present"))  # other framework: ignored
    assert osai.score_assessments(stored, "text").score == pytest.approx(11 / 12)


def test_renamed_architecture_counts_for_hardware_architecture():
    stored = [Assessment("osai", "architecture", "open")]
    result = osai.score_assessments(stored, "text")
    assert result.dimensions["hardware_architecture"] == "open"
    assert result.score == pytest.approx(1 / 12)


def test_legacy_score_is_a_plain_sum():
    assert osai.legacy_score({f: "open" for f in LEGACY}) == 14
    assert osai.legacy_score({"opencode": "partial", "api": "open", "x": "open"}) == 1.5
    assert osai.legacy_score({"opencode": "unknown"}) == 0
    assert osai.legacy_classes({"opencode": "open"})["api"] is None


# --- the published figures ------------------------------------------------------------------


@pytest.fixture(scope="module")
def current(shared_data):
    result = osai_import.read(shared_data / "osai-index" / "models")
    assert result.problems == []
    return {r.key: r for r in result.records}


def _score(record):
    return osai.score_assessments(record.assessments, record.modality).score


@pytest.mark.parametrize(
    ("key", "published"),
    [("OLMo", 23 / 24), ("YuLan", 1.0), ("Mustango", 1.0), ("bloomz", 0.958),
     ("Apertus", 0.917), ("lumo", 0.0)],
)
def test_published_scores(current, key, published):
    assert round(_score(current[key]), 3) == round(published, 3)


def test_olmo_is_exactly_23_of_24(current):
    result = osai.score_assessments(current["OLMo"].assessments, current["OLMo"].modality)
    assert result.score * 24 == pytest.approx(23)
    assert [ref for ref, cls in result.dimensions.items() if cls != "open"] == ["paper"]


def test_distribution_over_all_entries(current):
    scores = [_score(r) for r in current.values()]
    assert len(scores) == 193
    assert sum(s >= 0.75 for s in scores) == 28
    assert sum(s < 0.25 for s in scores) == 19
    top = sorted(current, key=lambda k: (_score(current[k]), k), reverse=True)[:5]
    assert set(top) == {"YuLan", "Mustango", "OLMo", "bloomz", "Apertus"}


def test_class_totals(current):
    totals = Counter(
        a.status for r in current.values() for a in r.assessments if a.component in ALL_REFS
    )
    assert totals == {"open": 908, "partial": 439, "closed": 969}


# --- legacy -----------------------------------------------------------------------------------


def test_legacy_score_matches_df_csv(shared_data):
    root = shared_data / "opening-up-chatgpt"
    with (root / "docs" / "df.csv").open(encoding="utf-8", newline="") as handle:
        published = {row["source.file"]: float(row["openness"]) for row in csv.DictReader(handle)}
    result = osai_legacy.read(root / "projects")
    assert result.problems == []
    matched, unmatched = 0, []
    for record in result.records:
        row = published.get(f"/projects/{record.key}.yaml")
        if row is None:
            unmatched.append(record.key)
            continue
        matched += 1
        assert osai.legacy_score_assessments(record.assessments) == row, record.key
        # the form views.py uses: {component: status}
        classes = {a.component: a.status for a in record.assessments}
        assert osai.legacy_score(classes) == row, record.key
    assert matched == len(published) == 46
    assert unmatched == ["text-generation-webui"]  # in projects/, not on the published table
