"""Importers for the European Open Source AI Index (current files and past releases), its
predecessor "Opening up ChatGPT", and OSI's published OSAID validation list.

Expected values are read independently from the source files (raw text, index.csv, the history
CSV) or come from docs/frameworks.md / releases/SOURCE.txt, not from the importer.
"""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from openexplorer.importers import osai, osai_legacy, osi
from openexplorer.importers.common import ImportRefused
from openexplorer.core.records import ORG_KINDS, ImportResult

GOOD_FILE = """---
# Organization tags:\r
# - National origin: Netherlands\r
# - Contributor type: Non-academic (Company)\r

system:
    name: Tiny
    link: https://huggingface.co/example/Tiny-1B-Chat
    type: text, code
    performanceclass: limited
    basemodelname: Tiny-1B
    endmodelname: Tiny-1B-Chat
    endmodellicense: MIT
    releasedate: 2025-07

org:
    name: Example BV
    link: https://example.org

trainingcode:
    class: open
    link: ["https://github.com/example/tiny", "https://github.com/example/tiny-train"]
    notes: All there.

licenses:
    class: Partial
    link:
    notes:

architecture:
    class: closed
    link: https://example.org/arch

package:
    class: open
"""


# --- current files ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(shared_data) -> Path:
    return shared_data / "osai-index"


@pytest.fixture(scope="module")
def current(index_dir) -> ImportResult:
    return osai.read(index_dir / "models")


@pytest.fixture(scope="module")
def releases(index_dir) -> ImportResult:
    return osai.read(index_dir / "releases")


def test_current_counts(current, index_dir):
    files = [p for p in (index_dir / "models").glob("*.yaml")
             if p.stem != "a_submission_template"]
    assert current.problems == []
    assert len(current.records) == len(files) == 193
    assert {r.key for r in current.records} == {p.stem for p in files}
    assert all(r.source == "osai" and r.family == r.key for r in current.records)


def test_current_olmo_record(current, index_dir):
    olmo = next(r for r in current.records if r.key == "OLMo")
    assert olmo.name == "Olmo-3.1-32B-Think"
    assert olmo.organization == "Ai2"
    assert olmo.hub_id == "allenai/Olmo-3.1-32B-Think"
    assert olmo.modality == "text"
    assert olmo.release_date == "2025-12"
    assert olmo.license == "Apache-2.0"
    assert olmo.url == "https://osai-index.eu/model/OLMo"
    assert olmo.data == {"basemodelname": "Olmo-3-1125-32B", "endmodelname": "Olmo-3.1-32B-Think",
                         "performanceclass": "full", "schema": "v2"}
    with (index_dir / "derived" / "model_file_history.csv").open(encoding="utf-8") as handle:
        last = {row["path"]: row["last_commit_date"] for row in csv.DictReader(handle)}
    assert olmo.assessed_date == last["OLMo.yaml"][:10]
    assert olmo.source_version and olmo.source_version.startswith("5a388e87")
    by_ref = {a.component: a for a in olmo.assessments}
    assert len(olmo.assessments) == 12
    assert by_ref["paper"].status == "partial"
    assert by_ref["paper"].urls == ("https://openreview.net/forum?id=2ezugTT9kU#discussion",)
    assert by_ref["trainingcode"].urls == ("https://github.com/allenai/open-instruct",
                                           "https://github.com/allenai/OLMo-core")
    assert by_ref["licenses"].notes == "Apache 2.0, an OSI-approved license."
    assert by_ref["licenses"].license == "Apache-2.0"


def test_org_tags_from_comments(current):
    ai2 = [o for o in current.organizations if o.name == "Ai2"]
    assert len(ai2) == 1
    assert (ai2[0].country, ai2[0].kind, ai2[0].label, ai2[0].source) == (
        "United States", "academic", "Academic (Research institution)", "osai")
    meta = {o.kind for o in current.organizations if o.name == "Meta"}
    assert meta == {"big-tech"}


def test_every_contributor_type_in_the_data_is_mapped(index_dir):
    labels = set()
    paths = [*(index_dir / "models").glob("*.yaml"), *(index_dir / "releases").glob("*/*.yaml")]
    for path in paths:
        for match in re.finditer(r"Contributor type:\s*(.+)", path.read_text("utf-8")):
            labels.add(match.group(1).strip())
    assert len(labels) >= 10
    for label in labels:
        kind = osai.org_kind(label)
        if "Individual" in label and label.startswith("Non-academic"):
            assert kind is None, label  # a lone developer: neither company nor academic
        else:
            assert kind in ORG_KINDS, label
        if label.startswith("Academic"):
            assert kind == "academic", label
        if "Big Tech" in label:
            assert kind == "big-tech", label


@pytest.mark.parametrize(
    ("label", "kind"),
    [("Non-academic (Company)", "company"), ("Non-academic (Chinese AI Tiger)", "company"),
     ("Non-academic (European Big Tech)", "big-tech"), ("Academic (University)", "academic"),
     ("Non-academic (Research institution)", "academic"), ("Non-academic (Research lab)",
                                                            "company"),
     ("Public (Government agency)", "public"), ("", None), (None, None)],
)
def test_org_kind(label, kind):
    assert osai.org_kind(label) == kind


def test_wizardlm_name_is_not_a_data_description(current):
    wizard = next(r for r in current.records if r.key == "WizardLM")
    assert wizard.data["endmodelname"] == "Evol-Instruct (synthetic)"
    assert "synthetic" not in wizard.name.lower()


def test_current_url_quotes_spaces(current):
    amd = next(r for r in current.records if r.key == "AMD OLMo")
    assert amd.url == "https://osai-index.eu/model/AMD%20OLMo"


# --- past releases -------------------------------------------------------------------------


def test_release_counts_and_keys(releases, index_dir):
    assert releases.problems == []
    with (index_dir / "releases" / "index.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(releases.records) == len(rows) == 282
    families = {r.family for r in releases.records}
    assert len(families) == 199
    expected = {f"{Path(row['family_file']).stem}/{Path(row['path_in_this_folder']).stem}"
                for row in rows}
    assert {r.key for r in releases.records} == expected
    per_family: dict[str, list[str]] = defaultdict(list)
    for record in releases.records:
        per_family[record.family].append(record.key)
        assert record.key.startswith(record.family + "/")
    for family, keys in per_family.items():
        assert len(keys) == len(set(keys)), family
    dates = {f"{Path(row['family_file']).stem}/{Path(row['path_in_this_folder']).stem}":
             row["last_date"][:10] for row in rows}
    assert all(r.assessed_date == dates[r.key] for r in releases.records)


def test_total_records(current, releases):
    assert len(current.records) + len(releases.records) == 193 + 282
    keys = [r.key for r in current.records + releases.records]
    assert len(keys) == len(set(keys))


def test_old_schemas(releases):
    by_key = {r.key: r for r in releases.records}
    chatgpt = by_key["chatgpt/01-instruct-gpt"]  # v1 project: schema
    assert chatgpt.data["schema"] == "v1"
    assert (chatgpt.name, chatgpt.organization) == ("ChatGPT", "OpenAI")
    assert chatgpt.data["basemodelname"] == "GPT 3.5"
    refs = {a.component: a.status for a in chatgpt.assessments}
    assert refs["trainingcode"] == "closed"  # was opencode
    assert refs["preprint"] == "partial"
    assert {"opencode", "llmdata", "rlweights", "license"}.isdisjoint(refs)
    assert len(refs) == 14
    craiyon = by_key["craiyon/01-craiyon-v4"]  # image variant
    assert craiyon.data["schema"] == "v2-image"
    assert craiyon.name == "Craiyon v4"
    assert craiyon.license == "Stability AI Community License"
    assert craiyon.modality == "image"
    assert craiyon.release_date is None  # releasedate: "custom license"


def test_renamed_and_retired_dimensions_kept(releases):
    olmo1 = next(r for r in releases.records if r.key == "OLMo/01-openinstruct")
    refs = {a.component: a.status for a in olmo1.assessments}
    assert refs["hardware_architecture"] == "open" and "architecture" not in refs
    assert refs["package"] == "open" and refs["api"] == "partial"
    assert olmo1.name != "OpenInstruct"  # fine-tuning data, not the model
    assert olmo1.hub_id == "allenai/OLMo-7B-Instruct"  # from the weights_endmodel link


def test_release_names_avoid_placeholders(releases):
    for record in releases.records:
        assert record.name.strip(), record.key
        assert record.name.lower() not in {"unspecified", "unknown", "undisclosed", "various"}
        assert "(synthetic)" not in record.name, record.key


# --- robustness ------------------------------------------------------------------------------


def test_malformed_file_becomes_a_problem(tmp_path):
    (tmp_path / "Tiny.yaml").write_text(GOOD_FILE, encoding="utf-8")
    (tmp_path / "Broken.yaml").write_text("system:\n  name: [unclosed\n", encoding="utf-8")
    (tmp_path / "List.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    (tmp_path / "NoDims.yaml").write_text("system:\n  name: X\norg:\n  name: Y\n", "utf-8")
    (tmp_path / "a_submission_template.yaml").write_text("system:\n  name:\n", "utf-8")
    result = osai.read(tmp_path)
    assert [r.key for r in result.records] == ["Tiny"]
    assert sorted(Path(p.path).name for p in result.problems) == [
        "Broken.yaml", "List.yaml", "NoDims.yaml"]
    assert all(p.reason for p in result.problems)


def test_small_file_details(tmp_path):
    (tmp_path / "Tiny.yaml").write_text(GOOD_FILE, encoding="utf-8")
    result = osai.read(tmp_path, source_version="test-1")
    record = result.records[0]
    assert record.name == "Tiny-1B-Chat"
    assert record.modality == "text,code"
    assert record.hub_id == "example/Tiny-1B-Chat"
    assert record.source_version == "test-1"
    assert record.assessed_date is None  # no history file next to it
    statuses = {a.component: a.status for a in record.assessments}
    assert statuses == {"trainingcode": "open", "licenses": "partial",
                        "hardware_architecture": "closed", "package": "open"}
    assert result.organizations[0].country == "Netherlands"  # CRLF comments read
    assert result.organizations[0].kind == "company"


def test_release_folder_with_missing_file(tmp_path):
    folder = tmp_path / "releases"
    (folder / "Tiny").mkdir(parents=True)
    (folder / "Tiny" / "01-tiny.yaml").write_text(GOOD_FILE, encoding="utf-8")
    (folder / "index.csv").write_text(
        "family_file,release_order,path_in_this_folder,last_commit,last_date,source_path_in_git\n"
        "Tiny.yaml,1,Tiny/01-tiny.yaml,abc,2025-08-01T10:00:00+02:00,Tiny.yaml\n"
        "Tiny.yaml,2,Tiny/02-gone.yaml,def,2025-09-01T10:00:00+02:00,Tiny.yaml\n",
        encoding="utf-8",
    )
    result = osai.read(folder)
    assert [r.key for r in result.records] == ["Tiny/01-tiny"]
    assert result.records[0].assessed_date == "2025-08-01"
    assert result.records[0].data["release_order"] == 1
    assert len(result.problems) == 1 and "02-gone" in result.problems[0].path


def test_missing_path_is_refused():
    with pytest.raises(ImportRefused, match="no such file or folder"):
        osai.read(Path("/nonexistent/osai"))
    with pytest.raises(ImportRefused, match="no such file or folder"):
        osai_legacy.read(Path("/nonexistent/osai"))


# --- legacy ----------------------------------------------------------------------------------


def test_legacy_import(shared_data, tmp_path):
    result = osai_legacy.read(shared_data / "opening-up-chatgpt" / "projects")
    assert result.problems == []
    assert len(result.records) == 47  # 48 files minus A_sample.yaml
    by_key = {r.key: r for r in result.records}
    llama = by_key["llama-2-chat"]
    assert (llama.source, llama.name, llama.organization) == (
        "osai-legacy", "LLaMA2 Chat", "Facebook Research")
    assert llama.license == "Unclear"
    assert llama.data == {"llmbase": "LLaMA2", "rlbase": "Meta, StackExchange, Anthropic"}
    assert [a.component for a in llama.assessments] == [
        "opencode", "llmdata", "llmweights", "rldata", "rlweights", "license", "code",
        "architecture", "preprint", "paper", "modelcard", "datasheet", "package", "api"]
    assert all(a.framework == "osai-legacy" for a in llama.assessments)
    assert {a.component: a.status for a in llama.assessments}["llmweights"] == "partial"

    (tmp_path / "bad.yaml").write_text("project: [", encoding="utf-8")
    (tmp_path / "A_sample.yaml").write_text("project:\n  name:\n", encoding="utf-8")
    bad = osai_legacy.read(tmp_path)
    assert bad.records == [] and [Path(p.path).name for p in bad.problems] == ["bad.yaml"]


# --- OSI -------------------------------------------------------------------------------------


def test_osi_import(shared_data):
    path = shared_data / "osi-osaid" / "osaid-validation.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = {row["system"]: row for row in csv.DictReader(handle)}
    result = osi.read(path)
    assert result.problems == []
    assert len(result.records) == len(rows) == 12
    for record in result.records:
        row = rows[record.key]
        assert (record.source, record.scope, record.name, record.family) == (
            "osi", "family", row["system"], row["system"])
        assert record.organization == row["organization"]
        assert record.url == "https://opensource.org/ai"
        assert record.release_date is None and record.assessed_date == "2024-10-28"
        [verdict] = record.assessments
        assert (verdict.framework, verdict.component, verdict.status) == (
            "osaid", "verdict", row["osi_outcome"])
    outcomes = Counter(r.assessments[0].status for r in result.records)
    assert outcomes == {"pass": 5, "would_pass_if_license_changed": 3, "fail": 4}


def test_osi_bad_rows(tmp_path):
    path = tmp_path / "osaid-validation.csv"
    path.write_text(
        "system,organization,osi_outcome\nGood,Org,pass\n,Org,fail\nOdd,Org,maybe\n",
        encoding="utf-8",
    )
    result = osi.read(tmp_path)
    assert [r.key for r in result.records] == ["Good"]
    assert len(result.problems) == 2
    with pytest.raises(ImportRefused, match="no such file"):
        osi.read(tmp_path / "missing.csv")
    (tmp_path / "osaid-validation.csv").unlink()
    assert "a folder with no osaid-validation.csv" in osi.read(tmp_path).problems[0].reason


def test_current_name_wins_over_old_name(tmp_path):
    text = GOOD_FILE + "\nhardware_architecture:\n    class: open\n"
    (tmp_path / "Tiny.yaml").write_text(text, encoding="utf-8")
    record = osai.read(tmp_path).records[0]
    statuses = [(a.component, a.status) for a in record.assessments]
    assert statuses.count(("hardware_architecture", "open")) == 1
    assert ("hardware_architecture", "closed") not in statuses
