"""MOT importer: the real model files, and broken files written into tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openexplorer.frameworks import mof
from openexplorer.importers import mot
from openexplorer.importers.common import ImportRefused

GOOD_FILE = """\
framework:
  name: 'Model Openness Framework'
  version: '1.0'
  date: '2024-12-15'
release:
  name: Tiny-1B
  version: 1B
  date: '2025-02-03'
  type: language
  producer: Example Lab
  repository: 'https://github.com/example/tiny'
  huggingface: ''
  license:
    distribution:
      name: Apache-2.0
      path: 'https://example.com/LICENSE'
    data:
      name: ''
      path: null
  components:
    - name: 'Model architecture'
      description: 'Well commented code for the model architecture'
    - name: 'Model card'
      description: 'A description that must not be copied'
      license: ''
    - name: 'Datasets'
      description: 'Training data'
      license:
    - name: 'Research paper'
      description: 'Paper'
      license: CC-BY-4.0
      license_path: 'https://creativecommons.org/licenses/by/4.0/'
      component_path: 'https://arxiv.org/abs/0000.00000'
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- the real files ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real(shared_data: Path):
    return mot.read(shared_data / "mof-mot" / "models")


def test_reads_all_273_files(real):
    # DeepSeek-V3-test.yml is a test file, not a model: reported, never a release.
    assert [Path(p.path).name for p in real.problems] == ["DeepSeek-V3-test.yml"]
    assert len(real.records) == 272
    assert len({r.key for r in real.records}) == 272
    # docs/frameworks.md §1.5: Qwen2.5-72B-Instruct.yml says 32B in its release name while its file
    # name and Hub link say 72B: the file's name stands, the written one is kept.
    assert len({r.name for r in real.records}) == 270
    qwen = next(r for r in real.records if r.key == "Qwen2.5-72B-Instruct")
    assert qwen.name == "Qwen2.5-72B-Instruct"
    assert qwen.data["name_as_written"] == "Qwen2.5-32B-Instruct"


def test_field_counts_match_frameworks_md(real):
    # 175 files give a Hub link (docs/frameworks.md §1.5); one of them is a paper title, not a link,
    # one is the test file DeepSeek-V3-test.yml (not imported).
    assert sum(r.url is not None and r.url.startswith("https://huggingface.co/")
               for r in real.records) == 173
    assert sum(r.data.get("mot_type") == "language" for r in real.records) == 178
    assert sum(r.modality == "text" for r in real.records) == 178
    assert sum(r.modality == "code" for r in real.records) == 21
    # type "" or absent (73 with the test file)
    assert sum(r.modality is None for r in real.records) == 72
    assert sum(r.organization == "Google" for r in real.records) == 25
    declared = [a.component for r in real.records for a in r.assessments if a.status == "declared"]
    assert declared.count("license:distribution") == 50
    assert (declared.count("license:code"), declared.count("license:data"),
            declared.count("license:document")) == (4, 1, 1)
    present = [a.component for r in real.records for a in r.assessments if a.status == "present"]
    # 252 and 1834 with the test file
    assert present.count("Research paper") == 251 and present.count("Sample model outputs") == 30
    assert len(present) == 1825


def test_records_follow_the_raw_files(shared_data: Path, real):
    """Each record against its own file, read here with plain PyYAML."""
    by_key = {r.key: r for r in real.records}
    for path in sorted((shared_data / "mof-mot" / "models").glob("*.yml")):
        release = yaml.safe_load(path.read_text(encoding="utf-8"))["release"]
        if path.stem == "DeepSeek-V3-test":  # a test file: not imported
            assert path.stem not in by_key
            continue
        record = by_key[path.stem]
        assert record.data.get("name_as_written", record.name) == release["name"]
        assert record.organization == (release["producer"].strip() or None)
        distribution = (release["license"].get("distribution") or {}).get("name")
        assert record.license == (distribution or None)
        assert record.assessed_date == str(release["date"])
        given = [a.license_given for a in record.assessments if a.status == "present"]
        assert given == ["license" in c for c in release["components"]]


def test_gpt_oss_120b_record(real):
    record = next(r for r in real.records if r.key == "gpt-oss-120b")
    assert record.source == "mot" and record.scope == "release"
    assert record.name == "gpt-oss-120b" and record.organization == "OpenAI"
    assert record.hub_id == "openai/gpt-oss-120b"
    assert record.url == "https://huggingface.co/openai/gpt-oss-120b"
    assert record.release_date is None
    assert record.assessed_date == "2025-12-03"
    assert record.license == "Apache-2.0"
    assert record.source_version == "8b5d30e9 2026-05-11"
    present = {a.component: a for a in record.assessments if a.status == "present"}
    assert list(present) == ["Model architecture", "Inference code", "Model parameters (Final)",
                             "Model card", "Technical report", "Evaluation results"]
    card = present["Model card"]
    assert (card.framework, card.license, card.license_given) == ("mof", "CC-BY-4.0", True)
    assert card.urls == ("https://arxiv.org/abs/2508.10925",
                         "http://creativecommons.org/licenses/by/4.0/")
    assert present["Model architecture"].license is None
    assert present["Model architecture"].license_given is False
    [declared] = [a for a in record.assessments if a.status == "declared"]
    assert (declared.component, declared.license) == ("license:distribution", "Apache-2.0")
    assert declared.urls == (
        "https://huggingface.co/datasets/choosealicense/licenses/blob/main/markdown/apache-2.0.md",
    )
    # Descriptions are not copied anywhere.
    assert not any("Well commented" in repr(a) for a in record.assessments)
    assert "Well commented" not in repr(record.data)


@pytest.mark.parametrize(
    ("key", "hub_id", "url"),
    [
        ("gpt-oss-120b", "openai/gpt-oss-120b", "https://huggingface.co/openai/gpt-oss-120b"),
        # Bare slug instead of a URL.
        ("Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1",
         "https://huggingface.co/mistralai/Mistral-7B-v0.1"),
        # URL followed by the pasted page title "· Hugging Face".
        ("StableLM-2", "stabilityai/stablelm-2-1_6b",
         "https://huggingface.co/stabilityai/stablelm-2-1_6b"),
        # A collection and a paper page: links, but not model repos.
        ("Granite-4-1", None,
         "https://huggingface.co/collections/ibm-granite/granite-41-language-models"),
        ("Qwen-72B", None, "https://huggingface.co/papers/2309.16609"),
        # No Hub link: the repository instead.
        ("GLM-130B", None, "https://github.com/THUDM/GLM-130B"),
    ],
)
def test_hub_links(real, key, hub_id, url):
    record = next(r for r in real.records if r.key == key)
    assert (record.hub_id, record.url) == (hub_id, url)


def test_paper_title_in_huggingface_field_is_not_a_link(shared_data: Path, real):
    record = next(r for r in real.records if r.key == "Baichuan-2")
    raw = yaml.safe_load((shared_data / "mof-mot/models/Baichuan-2.yml").read_text("utf-8"))
    repository = raw["release"].get("repository") or None
    assert record.hub_id is None and record.url == repository


def test_repository_when_no_hub_link(tmp_path: Path):
    text = GOOD_FILE.replace("huggingface: ''", "huggingface: 'not a link'")
    record = mot.read(write(tmp_path, "T.yml", text)).records[0]
    assert record.url == "https://github.com/example/tiny" and record.hub_id is None


def test_bare_hub_url_gives_no_hub_id(shared_data: Path):
    result = mot.read(shared_data / "mof-mot" / "test-data")
    assert len(result.records) == 27 and result.problems == []
    assert all(r.hub_id is None for r in result.records)  # they say https://huggingface.co


# --- small files ------------------------------------------------------------------------------


def test_good_file(tmp_path: Path):
    path = write(tmp_path, "Tiny-1B.yml", GOOD_FILE)
    result = mot.read(path, source_version="abc123 2026-01-01")
    assert result.problems == []
    [record] = result.records
    assert (record.key, record.name, record.organization) == ("Tiny-1B", "Tiny-1B", "Example Lab")
    assert record.source_version == "abc123 2026-01-01"
    assert record.url == "https://github.com/example/tiny" and record.hub_id is None
    assert record.modality == "text" and record.data["version"] == "1B"
    assert record.assessed_date == "2025-02-03" and record.release_date is None
    rows = {a.component: a for a in record.assessments}
    assert (rows["Model card"].license, rows["Model card"].license_given) == ("", True)
    assert (rows["Datasets"].license, rows["Datasets"].license_given) == (None, True)
    assert rows["Research paper"].urls == ("https://arxiv.org/abs/0000.00000",
                                           "https://creativecommons.org/licenses/by/4.0/")
    assert rows["license:data"].license == ""
    assert "description" not in repr(record.assessments).lower()

    result = mof.evaluate_assessments(record.assessments)
    assert result.component("Model architecture").license == "Apache-2.0"
    # Blank and null licences were given explicitly: no fallback to Apache-2.0.
    assert result.component("Model card").state == "unlicensed"
    assert result.component("Datasets").state == "unlicensed"
    assert result.component("Research paper").state == "included"


def test_folder_with_models_subfolder(tmp_path: Path):
    (tmp_path / "models").mkdir()
    write(tmp_path / "models", "Tiny-1B.yml", GOOD_FILE)
    write(tmp_path, "SOURCE.txt", "Commit:        0123456789abcdef\nCommit date:   2026-02-03\n")
    result = mot.read(tmp_path)
    [record] = result.records
    assert record.source_version == "01234567 2026-02-03"


def test_missing_path_and_empty_folder_are_problems(tmp_path: Path):
    with pytest.raises(ImportRefused, match="no such file or folder"):
        mot.read(tmp_path / "nope.yml")
    empty = tmp_path / "empty"
    empty.mkdir()
    result = mot.read(empty)
    assert result.records == [] and len(result.problems) == 1


BROKEN = {
    "bad_yaml.yml": "release: [unclosed\n  name: x",
    "empty.yml": "",
    "a_list.yml": "- 1\n- 2\n",
    "a_scalar.yml": "just text\n",
    "no_release.yml": "framework: {name: x}\n",
    "release_list.yml": "release: [1, 2]\n",
    "no_name.yml": "release:\n  producer: X\n  components: []\n",
    "blank_name.yml": "release:\n  name: '  '\n  components: []\n",
    "name_mapping.yml": "release:\n  name: {a: 1}\n  components: []\n",
    "no_components.yml": "release:\n  name: X\n",
    "components_mapping.yml": "release:\n  name: X\n  components: {name: Datasets}\n",
    "component_text.yml": "release:\n  name: X\n  components: [Datasets]\n",
    "component_no_name.yml": "release:\n  name: X\n  components: [{license: MIT}]\n",
    "license_number.yml": "release:\n  name: X\n  components: [{name: Datasets, license: 2}]\n",
    "license_list.yml": "release:\n  name: X\n  components: [{name: Datasets, license: [MIT]}]\n",
    "release_license_text.yml": "release:\n  name: X\n  license: MIT\n  components: []\n",
    "release_license_entry.yml": (
        "release:\n  name: X\n  license: {distribution: MIT}\n  components: []\n"
    ),
    "release_license_name.yml": (
        "release:\n  name: X\n  license: {distribution: {name: [MIT]}}\n  components: []\n"
    ),
    "producer_mapping.yml": "release:\n  name: X\n  producer: {a: 1}\n  components: []\n",
    "python_tag.yml": "release: !!python/object/apply:os.system ['true']\n",
}


def test_malformed_files_are_skipped_with_a_reason(tmp_path: Path):
    for name, text in BROKEN.items():
        write(tmp_path, name, text)
    write(tmp_path, "not_utf8.yml", b"release:\n  name: \xff\xfe\n")
    write(tmp_path, "Tiny-1B.yml", GOOD_FILE)

    result = mot.read(tmp_path)

    assert [r.key for r in result.records] == ["Tiny-1B"]
    problems = {Path(p.path).name: p.reason for p in result.problems}
    assert set(problems) == {*BROKEN, "not_utf8.yml"}
    assert all(reason for reason in problems.values())
    assert problems["bad_yaml.yml"].startswith("invalid YAML")
    assert "release" in problems["no_release.yml"]
    assert "components" in problems["no_components.yml"]


def test_a_file_read_on_its_own_reports_its_problem(tmp_path: Path):
    path = write(tmp_path, "x.yml", BROKEN["license_number.yml"])
    result = mot.read(path)
    assert result.records == []
    assert result.problems[0].path == str(path)
    assert "license" in result.problems[0].reason


_YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=8),
              st.sampled_from(["Datasets", "Model card", "MIT", "release", "components"])),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(
            st.sampled_from(["release", "name", "components", "license", "producer",
                             "distribution", "huggingface", "type", "date", "x"]),
            inner, max_size=5),
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_YAML_VALUES)
def test_arbitrary_structures_never_raise(tmp_path: Path, document):
    path = write(tmp_path, "fuzz.yml", yaml.safe_dump(document))
    result = mot.read(path, source_version="x")
    assert len(result.records) + len(result.problems) == 1
    for record in result.records:
        mof.evaluate_assessments(record.assessments)  # evaluation must cope too
