"""MOF/MOT evaluation: the MOT's own test cases, the 273 real files, each rule, and properties.

Expected figures come from outside the code under test: ``expected_results.json`` (the MOT's
REST output for its test files), docs/frameworks.md §1 (counts and named lists), and hand arithmetic
on small inputs (5 of 6 required Class III components = 500/6 %).
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openexplorer.frameworks import mof
from openexplorer.frameworks.mof import ComponentInput, evaluate
from openexplorer.importers import mot
from openexplorer.core.records import Assessment

# Where conftest looks for the data; used only to name the parametrized cases at collection.
_DATA_GUESS = Path(
    os.environ.get("OPENEXPLORER_SHARED_DATA")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "data"
)
_TEST_DATA = "mof-mot/test-data"
_CASES = sorted(p.stem for p in (_DATA_GUESS / _TEST_DATA).glob("*.yml")) or ["<no test data>"]

CLASS_III = ("Model architecture", "Model parameters (Final)", "Technical report",
             "Evaluation results", "Model card", "Data card")
CLASS_II = ("Training code", "Inference code", "Evaluation code", "Evaluation data")
CLASS_I = ("Datasets", "Data preprocessing code", "Model parameters (Intermediate)",
           "Research paper")
OPTIONAL = ("Sample model outputs", "Supporting libraries and tools", "Model metadata")


def close(a: float, b: float) -> bool:
    """Equal up to float formatting in JSON (the MOT prints 33.33333333333333)."""
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-9)


def listed(names, license: str | None = None, given: bool = True) -> dict[str, ComponentInput]:
    return {name: ComponentInput(license, given) for name in names}


def inherit(names) -> dict[str, ComponentInput]:
    """Components listed without a licence key: they take the release-wide licence."""
    return {name: ComponentInput() for name in names}


# Open and type-appropriate licences per content type, for building passing inputs.
GOOD = {"code": "Apache-2.0", "data": "CDLA-Permissive-2.0", "document": "CC-BY-4.0"}


def good(names) -> dict[str, ComponentInput]:
    by_name = {c.name: c for c in mof.COMPONENTS}
    return {n: ComponentInput(GOOD[by_name[n].content_type], True) for n in names}


# --- the MOT's 27 test files ------------------------------------------------------------------


def _expected_results(shared_data: Path) -> dict[str, dict]:
    text = (shared_data / _TEST_DATA / "expected_results.json").read_text(encoding="utf-8")
    text = re.sub(r",(\s*[}\]])", r"\1", text)  # the file has trailing commas
    models = json.loads(text)["models"]
    return {m["release"]["name"]: m["classification"] for m in models}


@pytest.mark.parametrize("case", _CASES)
def test_mot_test_case(shared_data: Path, case: str):
    path = shared_data / _TEST_DATA / f"{case}.yml"
    if not path.is_file():
        pytest.fail(f"{path} missing")
    result = mot.read(path)
    assert result.problems == []
    [record] = result.records
    expected = _expected_results(shared_data)[record.name]

    got = mof.evaluate_assessments(record.assessments)

    assert got.label == expected["label"]
    assert set(got.progress) == {"III", "II", "I"}
    for ours, theirs in {"III": "3", "II": "2", "I": "1"}.items():
        assert close(got.progress[ours], expected["progress"][theirs]), (ours, got.progress)
    expected_class = {0: None, 1: "I", 2: "II", 3: "III"}[expected["class"]]
    assert got.mof_class == expected_class


def test_all_27_cases_have_one_expected_result(shared_data: Path):
    expected = _expected_results(shared_data)
    names = [r.name for r in mot.read(shared_data / _TEST_DATA).records]
    assert len(names) == 27 == len(expected)
    assert sorted(names) == sorted(expected)


# --- the 273 real files (docs/frameworks.md §1.3) ------------------------------------------------


@pytest.fixture(scope="module")
def real_models(shared_data: Path) -> dict[str, mof.MofResult]:
    result = mot.read(shared_data / "mof-mot" / "models")
    # DeepSeek-V3-test.yml is a test file, not a model: not imported (it is Unclassified).
    assert [Path(p.path).name for p in result.problems] == ["DeepSeek-V3-test.yml"]
    # Keyed by file stem: three release names occur twice (§1.5).
    return {r.key: mof.evaluate_assessments(r.assessments) for r in result.records}


@pytest.fixture(scope="module")
def real_names(shared_data: Path) -> dict[str, str]:
    return {r.key: r.name for r in mot.read(shared_data / "mof-mot" / "models").records}


def test_class_counts_of_all_273(real_models):
    assert len(real_models) == 272  # the 273 files but the test file DeepSeek-V3-test.yml
    labels = Counter(r.label for r in real_models.values())
    assert labels == {
        "Class I - Open Science Model": 14,
        "Class II - Open Tooling Model": 1,
        "Class III - Open Model": 16,
        "Unclassified": 241,  # 242 with the test file
    }


def _named(real_models, real_names, mof_class):
    return sorted(real_names[k] for k, r in real_models.items() if r.mof_class == mof_class)


def test_class_i_models(real_models, real_names):
    pythia = [f"Pythia-{size}" for size in ("70M", "160M", "410M", "1B", "1.4B", "2.8B",
                                            "6.9B", "12B")]
    expected = ["Amber", "Aquila-VL-2B", "OLMo-1B-hf", "OLMo-7B", "OLMo-7B-hf",
                "OLMo-7B-Twin-2T-hf", *pythia]
    assert _named(real_models, real_names, "I") == sorted(expected)


def test_class_ii_model(real_models, real_names):
    assert _named(real_models, real_names, "II") == ["Polyglot-Ko"]


def test_class_iii_models_are_gpt_neox_and_the_ibm_granites(shared_data, real_models, real_names):
    names = _named(real_models, real_names, "III")
    records = {r.name: r for r in mot.read(shared_data / "mof-mot" / "models").records}
    granites = [n for n in names if n != "GPT-NeoX-20B"]
    assert "GPT-NeoX-20B" in names and len(granites) == 15
    assert all(records[n].organization == "IBM" for n in granites)
    assert sum(bool(re.fullmatch(r"Granite-\d+B-Code-Instruct", n)) for n in granites) == 4
    assert sum(n.startswith("Granite-4.0") for n in granites) == 10
    assert "Granite-4.1" in granites


@pytest.mark.parametrize("stem", ["gpt-oss-120b", "DeepSeek-R1"])
def test_documented_examples_class_iii_at_83_percent(real_models, stem):
    result = real_models[stem]
    assert result.mof_class is None and result.label == "Unclassified"
    assert close(result.progress["III"], 500 / 6)
    assert result.progress["II"] == 0 and result.progress["I"] == 0
    assert result.component("Data card").state == "missing"


def test_gpt_oss_weights_inherit_apache_with_warning(real_models):
    weights = real_models["gpt-oss-120b"].component("Model parameters (Final)")
    assert weights.state == "open-with-warning"
    assert (weights.license, weights.license_source) == ("Apache-2.0", "distribution")
    assert weights.warning and "Model parameters (Final)" in weights.warning


def test_llama_custom_license_is_zero(real_models):
    result = real_models["Llama-3.1-8B"]
    assert result.progress == {"III": 0, "II": 0, "I": 0} and result.total == 0
    assert result.component("Model architecture").state == "invalid"
    assert result.component("Model architecture").license == "Llama 3.1 Community License Agreement"


def test_bloom_class_iii_at_one_sixth_as_the_mot_shows(real_models):
    # ModelEvaluator.php at the data's commit (8b5d30e9; the `!array_search` test went with
    # 115b581, 2025-06-20): a counting technical report is never joined by the research paper.
    # BLOOM's report (CC-BY-4.0) is its only counting Class III component: 1 of 6 = 16.7 %.
    result = real_models["BLOOM"]
    assert result.component("Technical report").state == "included"
    assert result.component("Research paper").state == "included"
    assert not result.research_paper_substitutes
    assert close(result.progress["III"], 100 / 6)
    assert result.progress["II"] == 0 and result.progress["I"] == 0
    assert result.mof_class is None and result.label == "Unclassified"


@pytest.mark.parametrize(
    ("stem", "mof_class", "progress"),
    [
        # Report and paper both counting: no substitution, both count in Class I (14 of 14).
        ("Amber", "I", {"III": 100.0, "II": 100.0, "I": 100.0}),
        # Report missing, paper counting: the paper stands in for III and II, and Class I needs
        # 13, not 14.
        ("Pythia-70M", "I", {"III": 100.0, "II": 100.0, "I": 100.0}),
        # Report missing, paper counting; Class II 9 of 10 (evaluation data missing).
        ("GPT-NeoX-20B", "III", {"III": 100.0, "II": 90.0, "I": 0.0}),
        # Report counts, paper counts; Class I 13 of 14 (one Class I component missing).
        ("Polyglot-Ko", "II", {"III": 100.0, "II": 100.0, "I": 1300 / 14}),
    ],
)
def test_research_paper_cases_from_the_real_data(real_models, stem, mof_class, progress):
    result = real_models[stem]
    assert result.mof_class == mof_class
    for level, value in progress.items():
        assert close(result.progress[level], value), (level, result.progress)


# --- licence table ----------------------------------------------------------------------------


def test_license_table_ships_as_package_resource():
    table = mof.license_table()
    assert table.source_commit and table.source_commit.startswith("8b5d30e9")
    assert "Model Openness Tool Authors" in table.attribution and "CC-BY-3.0" in table.attribution
    assert set(table.type_appropriate) == {"code", "data", "document"}


def test_license_table_matches_a_fresh_build(shared_data: Path):
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "scripts" / "build_mof_license_table.py"
    spec = importlib.util.spec_from_file_location("build_mof_license_table", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.build(shared_data / "mof-mot")
    table = mof.license_table()
    assert table.open == frozenset(fresh["open"])
    shipped = {t: sorted(ids) for t, ids in table.type_appropriate.items()}
    assert shipped == fresh["type_appropriate"]


def test_type_appropriate_lists_match_frameworks_md():
    table = mof.license_table().type_appropriate
    assert table["data"] == {"CDLA-Permissive-1.0", "CDLA-Permissive-2.0", "C-UDA-1.0",
                             "PDDL-1.0", "OpenMDW-1.0"}
    assert table["document"] == {"Apache-2.0", "CC-BY-4.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0",
                                 "FreeBSD-DOC", "CC-PDDC", "CC0-1.0", "OpenMDW-1.0"}
    assert len(table["code"]) == 19 and {"MIT", "Apache-2.0", "OpenMDW-1.0"} <= table["code"]
    assert "BSD-3-Clause" not in table["code"]


@pytest.mark.parametrize(
    ("license_id", "is_open"),
    [
        ("Apache-2.0", True), ("MIT", True), ("BSD-3-Clause", True), ("GPL-3.0-only", True),
        ("CC-BY-4.0", True), ("CC0-1.0", True), ("CDLA-Permissive-2.0", True),
        ("ODC-PDDL-1.0", True), ("OGL-UK-3.0", True), ("OpenMDW-1.0", True),
        ("Apache 2.0", False), ("MIT license", False), ("apache-2.0", False), ("BSD-3", False),
        ("Llama 3.1 Community License Agreement", False), ("OpenMDW-1.1", False),
        ("C-UDA-1.0", False), ("PDDL-1.0", False), ("CC-PDDC", False), ("FreeBSD-DOC", False),
        ("CC-BY-NC-4.0", False), ("unlicensed", False), (None, False),
    ],
)
def test_open_license(license_id, is_open):
    assert mof.is_open_license(license_id) is is_open


# --- the rules, on hand-built inputs ----------------------------------------------------------


def test_components_table():
    assert len(mof.COMPONENTS) == 17
    assert len({c.id for c in mof.COMPONENTS}) == 17
    by_class = Counter((c.mof_class, c.required) for c in mof.COMPONENTS)
    assert by_class == {(3, True): 6, (3, False): 1, (2, True): 4, (2, False): 1,
                        (1, True): 4, (1, False): 1}
    names = {c.name: c for c in mof.COMPONENTS}
    assert set(CLASS_III + CLASS_II + CLASS_I + OPTIONAL) == set(names)
    assert names["Model parameters (Final)"].content_type == "data"
    assert names["Model parameters (Final)"].id == 10
    assert names["Research paper"].class_name == "I"
    assert mof.CLASS_LABELS["I"] == "Class I - Open Science Model"
    assert mof.CLASS_LABELS[None] == "Unclassified"


def test_component_license_beats_type_beats_distribution():
    licenses = {"distribution": "MIT", "document": "CC-BY-4.0"}
    result = evaluate(
        {"Model card": ComponentInput("CC-BY-SA-4.0", True), "Data card": ComponentInput(),
         "Model architecture": ComponentInput()},
        licenses,
    )
    assert (result.component("Model card").license,
            result.component("Model card").license_source) == ("CC-BY-SA-4.0", "component")
    assert (result.component("Data card").license,
            result.component("Data card").license_source) == ("CC-BY-4.0", "type")
    assert (result.component("Model architecture").license,
            result.component("Model architecture").license_source) == ("MIT", "distribution")


def test_no_licence_anywhere_is_unlicensed():
    result = evaluate(inherit(["Model card"]), {})
    outcome = result.component("Model card")
    assert outcome.state == "unlicensed" and outcome.license is None
    assert outcome.license_source is None


@pytest.mark.parametrize("written", ["unlicensed", "", "   ", None])
def test_explicit_no_licence_does_not_fall_back(written):
    result = evaluate(
        {"Model architecture": ComponentInput(written, True)},
        {"distribution": "Apache-2.0", "code": "MIT"},
    )
    outcome = result.component("Model architecture")
    assert outcome.state == "unlicensed" and outcome.license is None
    assert outcome.license_source == "component"


def test_blank_type_licence_falls_through_to_distribution():
    result = evaluate(inherit(["Model architecture"]), {"code": "", "distribution": "MIT"})
    assert result.component("Model architecture").license_source == "distribution"


def test_release_wide_unlicensed_is_unlicensed_not_invalid():
    result = evaluate(inherit(["Datasets"]), {"data": "unlicensed", "distribution": "MIT"})
    assert result.component("Datasets").state == "unlicensed"


def test_apache_on_final_parameters_counts_with_warning():
    result = evaluate(listed(["Model parameters (Final)"], "Apache-2.0"), {})
    outcome = result.component("Model parameters (Final)")
    assert outcome.state == "open-with-warning" and outcome.counts
    assert outcome.type_appropriate is False
    assert "type-appropriate" in outcome.warning
    assert result.warnings == (outcome.warning,)
    assert close(result.progress["III"], 100 / 6)


@pytest.mark.parametrize(
    ("name", "license_id", "state"),
    [
        ("Model architecture", "Apache-2.0", "included"),
        ("Model card", "Apache-2.0", "included"),
        ("Model architecture", "BSD-3-Clause", "open-with-warning"),
        ("Datasets", "CDLA-Permissive-2.0", "included"),
        ("Datasets", "CC0-1.0", "open-with-warning"),  # last mof-licenses.json entry: document
        ("Datasets", "CC-BY-4.0", "open-with-warning"),
        ("Data card", "CC0-1.0", "included"),
        ("Datasets", "OpenMDW-1.0", "included"),
        ("Datasets", "C-UDA-1.0", "invalid"),  # type-appropriate but not open
        ("Model card", "FreeBSD-DOC", "invalid"),
        ("Model parameters (Final)", "OpenMDW-1.1", "invalid"),
    ],
)
def test_component_states(name, license_id, state):
    outcome = evaluate(listed([name], license_id), {}).component(name)
    assert outcome.state == state
    assert outcome.license == license_id


@pytest.mark.parametrize("free_text", ["Apache 2.0", "MIT license", "apache-2.0", "Apache-2.0 "])
def test_free_text_licence_is_invalid(free_text):
    outcome = evaluate(listed(["Model architecture"], free_text), {}).component(
        "Model architecture"
    )
    assert outcome.state == "invalid" and not outcome.counts


def test_missing_components_are_missing():
    result = evaluate({}, {"distribution": "Apache-2.0"})
    assert {o.state for o in result.components} == {"missing"}
    assert result.progress == {"III": 0, "II": 0, "I": 0}
    assert result.mof_class is None and result.label == "Unclassified"


def test_class_iii_complete():
    result = evaluate(good(CLASS_III), {})
    # Class II counts cumulatively: 6 of its 10 requirements are met; Class I waits for II.
    assert result.progress == {"III": 100.0, "II": 60.0, "I": 0.0}
    assert result.mof_class == "III" and result.label == "Class III - Open Model"
    assert close(result.total, 160 / 3)


def test_research_paper_replaces_technical_report_for_class_iii():
    without_report = [n for n in CLASS_III if n != "Technical report"]
    assert close(evaluate(good(without_report), {}).progress["III"], 500 / 6)
    result = evaluate(good([*without_report, "Research paper"]), {})
    assert result.research_paper_substitutes
    assert result.progress["III"] == 100.0 and result.mof_class == "III"
    assert result.component("Technical report").state == "missing"


def test_invalid_research_paper_substitutes_but_does_not_count():
    without_report = [n for n in CLASS_III if n != "Technical report"]
    components = {**good(without_report), "Research paper": ComponentInput("Apache 2.0", True)}
    result = evaluate(components, {})
    assert result.research_paper_substitutes
    assert close(result.progress["III"], 500 / 6)


def test_research_paper_does_not_add_when_report_counts():
    result = evaluate(good([*CLASS_III, "Research paper"]), {})
    assert not result.research_paper_substitutes
    assert result.progress["III"] == 100.0


def test_class_i_with_paper_instead_of_report_needs_13():
    all_but_report = [n for n in CLASS_III + CLASS_II + CLASS_I if n != "Technical report"]
    result = evaluate(good(all_but_report), {})
    assert result.progress == {"III": 100.0, "II": 100.0, "I": 100.0}
    assert result.mof_class == "I" and result.label == "Class I - Open Science Model"


def test_class_i_with_report_and_invalid_paper():
    components = {**good(CLASS_III + CLASS_II + CLASS_I),
                  "Research paper": ComponentInput("Proprietary", True)}
    result = evaluate(components, {})
    assert result.mof_class == "II"
    assert close(result.progress["I"], 1300 / 14)


def test_lower_classes_show_zero_until_higher_class_complete():
    # Everything of Classes II and I is there and open; one Class III item is missing.
    names = [n for n in CLASS_III if n != "Data card"] + list(CLASS_II + CLASS_I)
    result = evaluate(good(names), {})
    assert close(result.progress["III"], 500 / 6)
    assert result.progress["II"] == 0.0 and result.progress["I"] == 0.0
    assert result.mof_class is None


def test_class_ii_progress_counts_cumulatively():
    result = evaluate(good([*CLASS_III, "Training code", "Inference code"]), {})
    assert result.progress["III"] == 100.0
    assert close(result.progress["II"], 80.0)  # 8 of the 10 cumulative requirements
    assert result.progress["I"] == 0.0
    assert close(result.total, 60.0)


def test_class_i_partial_after_class_ii_complete():
    result = evaluate(good([*CLASS_III, *CLASS_II, "Datasets"]), {})
    assert result.mof_class == "II" and result.label == "Class II - Open Tooling Model"
    assert close(result.progress["I"], 1100 / 14)


def test_optional_components_never_count():
    result = evaluate(good(OPTIONAL), {})
    assert result.progress == {"III": 0.0, "II": 0.0, "I": 0.0}
    assert result.component("Model metadata").state == "included"


def test_unknown_component_names_are_reported_and_ignored():
    result = evaluate({**good(CLASS_III), "Model weights": ComponentInput("MIT", True)}, {})
    assert result.unknown_components == ("Model weights",)
    assert result.mof_class == "III"


def test_counting_report_is_not_joined_by_the_paper():
    # Only the technical report counts in Class III: 1 of 6, the open research paper is not
    # added (ModelEvaluator::handleTechnicalReportOmission returns when the report is included).
    components = {**good(["Technical report", "Research paper"]),
                  **listed(["Model architecture", "Model card"], "Proprietary")}
    result = evaluate(components, {})
    assert close(result.progress["III"], 100 / 6)
    assert not result.research_paper_substitutes
    # With the architecture counting as well: 2 of 6.
    result = evaluate({**components, **good(["Model architecture"])}, {})
    assert close(result.progress["III"], 200 / 6)
    assert not result.research_paper_substitutes


def test_paper_stands_in_for_a_report_that_does_not_count():
    components = {**good(["Research paper"]), **listed(["Technical report"], "Proprietary")}
    result = evaluate(components, {})
    assert result.research_paper_substitutes
    assert close(result.progress["III"], 100 / 6)


def test_evaluate_assessments_reads_the_stored_form():
    rows = [
        Assessment("mof", "Model architecture", "present"),
        Assessment("mof", "Model card", "present", license="unlicensed", license_given=True),
        Assessment("mof", "Datasets", "present", license="CDLA-Permissive-2.0",
                   license_given=True),
        Assessment("mof", "license:distribution", "declared", license="Apache-2.0"),
        Assessment("mof", "license:document", "declared", license="CC-BY-4.0"),
        Assessment("osai", "Model card", "open"),  # another framework: ignored
        Assessment("mof", "license:weird", "declared", license="MIT"),  # unknown type: ignored
    ]
    result = mof.evaluate_assessments(rows)
    assert result.component("Model architecture").license == "Apache-2.0"
    assert result.component("Model card").state == "unlicensed"  # no fallback to document
    assert result.component("Datasets").state == "included"
    assert result.licenses == {"distribution": "Apache-2.0", "document": "CC-BY-4.0"}
    assert close(result.progress["III"], 100 / 6)


# --- properties ------------------------------------------------------------------------------

_LICENSES = st.one_of(
    st.sampled_from([None, "", "unlicensed", "Apache-2.0", "MIT", "CC-BY-4.0", "CC0-1.0",
                     "CDLA-Permissive-2.0", "OpenMDW-1.0", "Apache 2.0", "C-UDA-1.0",
                     "OpenMDW-1.1", "BSD-3-Clause", "Proprietary"]),
    st.text(max_size=12),
)
_INPUTS = st.builds(ComponentInput, _LICENSES, st.booleans())
_NAMES = st.sampled_from([c.name for c in mof.COMPONENTS] + ["Not a component"])


@settings(max_examples=400, deadline=None)
@given(
    components=st.dictionaries(_NAMES, _INPUTS, max_size=18),
    licenses=st.dictionaries(st.sampled_from(mof.LICENSE_TYPES), _LICENSES, max_size=4),
)
def test_progress_bounded_and_class_consistent(components, licenses):
    result = evaluate(components, licenses)
    progress = result.progress
    assert set(progress) == {"III", "II", "I"}
    assert all(0.0 <= value <= 100.0 for value in progress.values())
    # A lower class only progresses once the higher one is complete.
    if progress["II"] > 0:
        assert progress["III"] == 100.0
    if progress["I"] > 0:
        assert progress["II"] == 100.0
    complete = [name for name in ("I", "II", "III") if progress[name] == 100.0]
    assert result.mof_class == (complete[0] if complete else None)
    assert result.label == mof.CLASS_LABELS[result.mof_class]
    assert close(result.total, sum(progress.values()) / 3)
    for outcome in result.components:
        if outcome.counts:
            assert mof.is_open_license(outcome.license)
        if outcome.state == "included":
            assert outcome.type_appropriate
