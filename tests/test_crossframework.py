"""The cross-framework view: one row per framework, and every disagreement rule — on hand-built
views (one test per rule, firing and not firing) and on real releases of the bundled snapshot."""

from __future__ import annotations

import atexit
import copy
import json
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

from tests.view_parts import typed_view
from openexplorer.analyses import crossframework as cf
from openexplorer.cli import main
from openexplorer.frameworks import mof as mof_rules
from openexplorer.frameworks import osai as osai_rules
from openexplorer.hub.evidence import record_from_hub
from openexplorer.core.records import ImportResult
from openexplorer.store.cache_file import open_cache
from openexplorer.views.model import ReleaseView
from openexplorer.views.release import license_view, release_view
from openexplorer.store.ingest import ingest

APACHE = license_view("Apache-2.0")
LLAMA31 = license_view("Llama 3.1 Community License Agreement")
OSI_DATE = "2024-10-28"


def _mof(cls: str | None = None, states: dict[str, str] | None = None,
         licence: str = "Apache-2.0") -> dict[str, Any]:
    states = states or {}
    components = {
        c.name: {"state": states.get(c.name, "missing"),
                 "license": licence if states.get(c.name, "missing") != "missing" else None,
                 "class": c.class_name}
        for c in mof_rules.COMPONENTS
    }
    return {"class": cls, "label": mof_rules.CLASS_LABELS[cls], "total": 50.0,
            "progress": {"III": 100.0 if cls else 50.0, "II": 0.0, "I": 0.0},
            "components": components, "provisional": False,
            "source": {"source": "mot", "key": "X", "assessed_date": "2025-01-02",
                       "source_version": "abc 2025-01-02", "url": None}}


def _osai(dims: dict[str, str]) -> dict[str, Any]:
    values = {"open": 1.0, "partial": 0.5, "closed": 0.0}
    full = {d.ref: dims.get(d.ref, "open") for d in osai_rules.DIMENSIONS}
    score = sum(values[v] for v in full.values()) / len(full)
    return {"score": score, "groups": {}, "dimensions": full, "provisional": False,
            "source": {"source": "osai", "key": "X", "assessed_date": "2026-03-13",
                       "source_version": "5a388e87 2026-06-12", "url": None}}


def make_view(**parts: Any) -> ReleaseView:
    """A release view with nothing assessed; ``parts`` replace its sections."""
    view: dict[str, Any] = {
        "id": "org/model-7b", "name": "Model-7B", "organization": "Org", "sources": [],
        "license": license_view(None),
        "mof": {"class": None, "progress": None, "total": None, "label": None, "source": None,
                "components": {}, "provisional": False},
        "osai": {"score": None, "groups": {}, "dimensions": {}, "source": None,
                 "provisional": False},
        "osaid": {"verdict": "unknown", "reasons": ["nothing"], "basis": "none",
                  "provisional": False, "osi_published": []},
        "osai_legacy": None, "epoch": None, "fmti": None, "hub": None,
    }
    view.update(copy.deepcopy(parts))
    return typed_view(view)


def _epoch(label: str, training: str | None = None) -> dict[str, Any]:
    return {"accessibility": {"model_accessibility": {"status": "partial", "label": label},
                              "training_code": {"status": "unknown", "label": training}},
            "source": {"source": "epoch", "key": "M", "assessed_date": None,
                       "source_version": "6e8fd472 2026-01-26", "url": None}}


def _published(system: str, outcome: str) -> dict[str, Any]:
    return {"system": system, "outcome": outcome, "source": "osi", "key": system,
            "assessed_date": OSI_DATE, "source_version": OSI_DATE,
            "url": "https://opensource.org/ai"}


def rules_fired(view: dict[str, Any]) -> set[str]:
    return {f.rule for f in cf.compare_frameworks(view).findings}


# --- rows ---------------------------------------------------------------------------------------


def test_one_row_per_framework_in_order_even_when_nothing_is_assessed():
    result = cf.compare_frameworks(make_view())
    assert [r.framework for r in result.rows] == list(cf.FRAMEWORKS)
    assert all(r.status == "unknown" and not r.assessed for r in result.rows)
    assert result.disagreements == []


@pytest.mark.parametrize("cls, status", [("I", "open"), ("II", "partial"), ("III", "partial"),
                                         (None, "closed")])
def test_mof_status(cls, status):
    row = cf.compare_frameworks(make_view(mof=_mof(cls))).row("mof")
    assert row.status == status
    assert row.verdict == (f"Class {cls}" if cls else "Unclassified")
    assert row.date == "2025-01-02"


@pytest.mark.parametrize("closed, status", [(0, "open"), (3, "open"), (4, "partial"),
                                            (9, "partial"), (10, "closed")])
def test_index_status_is_the_nearest_colour_stop(closed, status):
    refs = [d.ref for d in osai_rules.DIMENSIONS]
    view = make_view(osai=_osai({r: "closed" for r in refs[:closed]}))
    row = cf.compare_frameworks(view).row("osai")
    assert row.score == pytest.approx((12 - closed) / 12)
    assert row.status == status


def test_epoch_row_dates_from_the_source_version_when_no_assessed_date():
    row = cf.compare_frameworks(make_view(epoch=_epoch("Open weights (restricted use)"))).row(
        "epoch")
    assert row.verdict == "Open weights (restricted use)"
    assert row.date == "2026-01-26"


# --- one test per rule --------------------------------------------------------------------------


def test_gated_weights_index_partial_while_mof_counts_the_weights():
    counted = _mof("III", {"Model parameters (Final)": "included"})
    view = make_view(mof=counted, osai=_osai({"weights_endmodel": "partial"}))
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "gated_weights"]
    assert line == "gated weights: the index says partial; MOF counts the licence, not the gate"
    # MOF does not count them (invalid licence): both see a problem, no disagreement.
    invalid = _mof(None, {"Model parameters (Final)": "invalid"})
    assert "gated_weights" not in rules_fired(make_view(mof=invalid, osai=_osai(
        {"weights_endmodel": "partial"})))
    # Not gated anywhere: nothing to say.
    assert "gated_weights" not in rules_fired(make_view(mof=counted, osai=_osai({})))


def test_gated_weights_from_hub_gating():
    counted = _mof("III", {"Model parameters (Final)": "included"})
    view = make_view(mof=counted, hub={"gated": "manual"}, osai=_osai({}),
                     epoch=_epoch("Open weights (unrestricted)"))
    [finding] = [f for f in cf.compare_frameworks(view).findings if f.rule == "gated_weights"]
    assert finding.text.startswith("gated weights (Hub: manual approval): ")
    assert "MOF counts the licence, not the gate" in finding.text
    assert "the index rates the weights open" in finding.text
    assert "Epoch says 'Open weights (unrestricted)'" in finding.text
    assert {"hub", "mof", "osai", "epoch"} == set(finding.frameworks)
    assert "gated_weights" not in rules_fired(make_view(mof=counted, hub={"gated": False}))


def test_weights_licence_type():
    view = make_view(mof=_mof("III", {"Model parameters (Final)": "open-with-warning"},
                              licence="MIT"))
    assert ("MIT on weights: open for MOF but not a type-appropriate licence (open with warning)"
            in cf.compare_frameworks(view).disagreements)
    fine = make_view(mof=_mof("III", {"Model parameters (Final)": "included"},
                              licence="CDLA-Permissive-2.0"))
    assert "weights_licence_type" not in rules_fired(fine)


@pytest.mark.parametrize("outcome, verdict, fires", [
    ("pass", "pass", False), ("pass", "unknown", True), ("pass", "fail", True),
    ("fail", "fail", False), ("would_pass_if_license_changed", "fail", False),
    ("fail", "pass", True), ("would_pass_if_license_changed", "unknown", True),
])
def test_osaid_vs_osi(outcome, verdict, fires):
    reason = "Training code: not listed in the MOT record."
    view = make_view(name="Pythia-1B", osaid={
        "verdict": verdict, "reasons": [reason], "basis": "mof", "provisional": False,
        "osi_published": [_published("Pythia", outcome)]})
    lines = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "osaid_vs_osi"]
    assert bool(lines) == fires
    if fires and verdict != "pass":
        assert reason.rstrip(".") in lines[0] and f"computed here is {verdict}" in lines[0]


def test_osi_other_system():
    published = {"verdict": "fail", "reasons": [], "basis": "mof", "provisional": False,
                 "osi_published": [_published("Llama 2", "fail")]}
    view = make_view(name="Llama-3.1-8B", id="meta-llama/llama-3.1-8b", osaid=published)
    [line] = [f.text for f in cf.compare_frameworks(view).findings
              if f.rule == "osi_other_system"]
    assert line.startswith("OSI's published outcome is for Llama 2, not Llama-3.1-8B")
    same = make_view(name="Llama-2-70b", id="meta-llama/llama-2-70b", osaid=published)
    assert "osi_other_system" not in rules_fired(same)


def test_mof_class_with_a_low_index_score_names_what_the_mof_does_not_assess():
    closed = ["paper", "datasheet", "datasources_basemodel", "datasources_endmodel",
              "trainingcode", "code", "preprint"]
    view = make_view(mof=_mof("III", {"Data card": "included"}),
                     osai=_osai({r: "closed" for r in closed}))
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "mof_vs_index"]
    assert line.startswith("MOF Class III but index score 0.42 (< 0.5): the index rates ")
    assert "Paper closed (the MOF does not ask for peer review)" in line
    assert "Datasheet closed (MOF counts Data card)" in line
    assert "Training Code closed," in line  # the MOF does not count it either: no note
    # Above 0.5: no line.
    assert "mof_vs_index" not in rules_fired(
        make_view(mof=_mof("III"), osai=_osai({r: "closed" for r in closed[:5]})))


def test_index_score_without_an_mof_class_names_the_mof_components_that_fail():
    states = {"Model architecture": "included", "Model parameters (Final)": "invalid",
              "Model card": "included", "Evaluation results": "included",
              "Technical report": "included"}
    view = make_view(mof=_mof(None, states, licence="Llama 3.1 Community License Agreement"),
                     osai=_osai({"paper": "closed"}))
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "mof_vs_index"]
    assert line.startswith("index score 0.92 but MOF Unclassified")
    assert "Model parameters (Final) invalid (Llama 3.1 Community License Agreement)" in line
    assert "Data card missing" in line
    assert "Model card" not in line


def test_epoch_unrestricted_but_the_licence_restricts_use():
    view = make_view(license=LLAMA31, epoch=_epoch("Open weights (unrestricted)"))
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "epoch_vs_licence"]
    assert line.startswith("Epoch says 'Open weights (unrestricted)' but the licence "
                           "(Llama 3.1 Community License Agreement) restricts use: ")
    assert "a monthly-user threshold" in line and "an acceptable-use policy" in line
    # Epoch says restricted, the licence restricts: they agree.
    assert "epoch_vs_licence" not in rules_fired(
        make_view(license=LLAMA31, epoch=_epoch("Open weights (restricted use)")))


def test_epoch_restricted_but_the_licence_is_permissive():
    view = make_view(license=APACHE, epoch=_epoch("Open weights (non-commercial)"))
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "epoch_vs_licence"]
    assert "Epoch says 'Open weights (non-commercial)'" in line and "Apache" in line
    assert "epoch_vs_licence" not in rules_fired(
        make_view(license=APACHE, epoch=_epoch("Open weights (unrestricted)")))


def test_epoch_open_weights_but_mof_licence_not_open():
    view = make_view(mof=_mof(None, {"Model parameters (Final)": "invalid"},
                              licence="CC-BY-NC-4.0"),
                     epoch=_epoch("Open weights (non-commercial)"))
    [line] = [f.text for f in cf.compare_frameworks(view).findings
              if f.rule == "epoch_vs_mof_licence"]
    assert line == ("weights: Epoch says 'Open weights (non-commercial)'; the MOF rates their "
                    "licence (CC-BY-NC-4.0) not open, so they do not count towards a class")
    assert "epoch_vs_mof_licence" not in rules_fired(make_view(
        mof=_mof("III", {"Model parameters (Final)": "included"}),
        epoch=_epoch("Open weights (unrestricted)")))


@pytest.mark.parametrize("label, index, fires", [
    ("Open weights (restricted use)", "closed", True),
    ("API access", "open", True),
    ("Unreleased", "closed", False),
    ("Open weights (unrestricted)", "open", False),
])
def test_weights_released(label, index, fires):
    view = make_view(epoch=_epoch(label), osai=_osai({"weights_endmodel": index}))
    assert ("weights_released" in rules_fired(view)) == fires


def test_fmti_is_developer_level():
    fmti = {"developer": "Meta", "edition": "2025-12", "total": 31,
            "source": {"source": "fmti", "key": "2025-12/Meta", "assessed_date": "2025-12"}}
    result = cf.compare_frameworks(make_view(fmti=fmti))
    assert ("FMTI scores the developer (Meta, 2025-12: 31/100), not this release: a transparent "
            "developer can ship a closed model and the reverse") in result.disagreements
    assert result.row("fmti").unit.startswith("developer")


def test_every_rule_is_documented():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "crossframework.md").read_text(
        encoding="utf-8")
    for name in cf.RULES:
        assert re.search(rf"^### `{name}`", doc, re.M), name


# --- real releases of the bundled snapshot ------------------------------------------------------


_SNAPSHOT_DB: list[Path] = []


def snapshot_cache(path: Path):
    """A cache built from the bundled snapshot at ``path``. The snapshot is installed once per
    test session and copied after that (the cross-framework and open-washing suites share it)."""
    if not _SNAPSHOT_DB:
        folder = tempfile.mkdtemp(prefix="openexplorer-cf-")
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        base = Path(folder) / "snapshot.sqlite"
        open_cache(base).close()
        _SNAPSHOT_DB.append(base)
    shutil.copyfile(_SNAPSHOT_DB[0], path)
    return open_cache(path)


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("crossframework") / "c.sqlite")
    yield opened
    opened.close()


def test_olmo_7b(cache):
    view = release_view(cache, "allenai/olmo-7b")
    result = cf.compare_frameworks(view)
    assert result.row("mof").verdict == "Class I"
    assert result.row("osi").verdict == "pass"
    assert result.row("osaid").verdict == view.osaid.verdict == "unknown"
    [line] = [f.text for f in result.findings if f.rule == "osaid_vs_osi"]
    assert "Supporting libraries and tools" in line and "not listed in the MOT record" in line
    # Its weights inherit Apache-2.0, a code licence: the MOT's warning shows as a line.
    weights = view.mof.components["Model parameters (Final)"]
    assert weights.state == "open-with-warning"
    assert f"{weights.license} on weights: open for MOF but not a type-appropriate licence " \
           "(open with warning)" in result.disagreements


def test_llama_31_8b(cache):
    view = release_view(cache, "meta-llama/llama-3.1-8b")
    result = cf.compare_frameworks(view)
    assert view.license.restrictions, "the Llama 3.1 licence's restrictions are recorded"
    assert result.row("mof").verdict == "Unclassified"
    assert result.row("osi").label == "OSI validated Llama 2"
    fired = {f.rule for f in result.findings}
    assert {"osi_other_system", "fmti_developer_level"} <= fired
    # OSI's Llama 2 fail and the computed fail agree: no osaid_vs_osi line.
    assert "osaid_vs_osi" not in fired


def test_llama_3_70b_epoch_restricted_use_vs_mof(cache):
    view = release_view(cache, cache.resolve("Llama-3-70B"))
    assert view.epoch.accessibility["model_accessibility"].label == \
        "Open weights (restricted use)"
    result = cf.compare_frameworks(view)
    [line] = [f.text for f in result.findings if f.rule == "epoch_vs_mof_licence"]
    lic = view.mof.components["Model parameters (Final)"].license
    assert "Llama 3" in lic and lic in line


def test_granite_class_iii_with_a_low_index_score(cache):
    view = release_view(cache, "ibm-granite/granite-4.0-h-small")
    assert view.mof.class_ == "III" and view.osai.score < 0.5
    [line] = [f.text for f in cf.compare_frameworks(view).findings if f.rule == "mof_vs_index"]
    for ref, status in view.osai.dimensions.items():
        if status == "closed":
            assert f"{osai_rules.dimension(ref).name} closed" in line


def test_gated_hub_release_rows_are_provisional_where_inferred(cache, shared_data):
    """Llama 3.1 8B Instruct with its real Hub metadata: gated, and an index row inferred from
    the Hub (no curated index entry) marked provisional."""
    body = json.loads((shared_data / "hub-samples" / "api" / "model_info" /
                       "meta-llama__Llama-3.1-8B-Instruct__20250321__0daf2c.json").read_text())
    ingest(cache, ImportResult(records=[record_from_hub(body, fetched_at="2025-03-21T10:00:00Z")]))
    view = release_view(cache, cache.resolve("meta-llama/Llama-3.1-8B-Instruct"))
    assert view.hub.gated == "manual"
    result = cf.compare_frameworks(view)
    assert result.row("osai").provisional and result.row("osai").source.startswith("Hub")
    assert not result.row("mof").provisional


def test_every_snapshot_release_compares_and_every_line_is_one_line(cache):
    count = 0
    for release_id in list(cache.iter_release_ids())[::7]:
        result = cf.compare_frameworks(release_view(cache, release_id))
        assert len(result.rows) == len(cf.FRAMEWORKS)
        assert all(r.status in cf.STATUSES for r in result.rows)
        assert all("\n" not in line and line for line in result.disagreements)
        json.dumps(result.to_dict())
        count += 1
    assert count > 50


# --- the command ---------------------------------------------------------------------------------


def test_frameworks_command_json_and_markdown(cache, capsys):
    db = str(cache.path)
    assert main(["--db", db, "frameworks", "allenai/OLMo-7B", "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [f["framework"] for f in out["frameworks"]] == list(cf.FRAMEWORKS)
    assert any("Supporting libraries and tools" in d for d in out["disagreements"])
    assert "openwashing" in out
    assert main(["--db", db, "frameworks", "allenai/OLMo-7B"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("# OLMo-7B across frameworks")
    assert "## Where the frameworks disagree" in text
    assert main(["--db", db, "frameworks", "no-such-model"]) == 2
    assert "unknown release" in capsys.readouterr().err
