"""Epoch AI "Notable AI Models" importer: the real CSV, and broken files made in tmp_path."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from openexplorer.importers import epoch
from openexplorer.importers.common import ImportRefused
from openexplorer.core.records import ImportResult

# docs/frameworks.md §5 (the 2026-01-26 mirror). "" = blank cell.
MODEL_ACCESSIBILITY = {
    "Open weights (unrestricted)": 197,
    "Open weights (non-commercial)": 64,
    "Open weights (restricted use)": 41,
    "API access": 105,
    "Hosted access (no API)": 35,
    "Unreleased": 279,
    "": 255,
}
TRAINING_CODE = {
    "Open source": 190,
    "Open (non-commercial)": 45,
    "Open (restricted use)": 7,
    "Unreleased": 430,
    "": 304,
}
INFERENCE_CODE = {
    "Open source": 186,
    "Open access (non-commercial)": 34,
    "Open access (restricted use)": 7,
    "Unreleased": 25,
    "": 724,
}
ROWS = 976


@pytest.fixture(scope="module")
def csv_path(shared_data: Path) -> Path:
    path = shared_data / "epoch-ai" / "notable-ai-models.csv"
    if not path.is_file():
        pytest.skip(f"Epoch CSV not found at {path}")
    return path


@pytest.fixture(scope="module")
def result(csv_path: Path) -> ImportResult:
    return epoch.read(csv_path.parent)


@pytest.fixture(scope="module")
def raw_rows(csv_path: Path) -> list[dict[str, str]]:
    """The CSV read independently of the importer."""
    with csv_path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def by_name(result: ImportResult) -> dict:
    return {r.name: r for r in result.records}


def assessment(record, component):
    (found,) = [a for a in record.assessments if a.component == component]
    return found


# --- the real file -----------------------------------------------------------------------


def test_every_row_imports_without_problems(result, raw_rows):
    assert len(raw_rows) == ROWS
    assert result.problems == []
    assert len(result.records) == ROWS
    assert len({r.key for r in result.records}) == ROWS
    assert {r.source for r in result.records} == {"epoch"}


def test_file_and_folder_paths_give_the_same_records(csv_path, result):
    from_file = epoch.read(csv_path)
    assert [r.key for r in from_file.records] == [r.key for r in result.records]


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("model_accessibility", MODEL_ACCESSIBILITY),
        ("training_code", TRAINING_CODE),
        ("inference_code", INFERENCE_CODE),
    ],
)
def test_accessibility_distribution_matches_frameworks_md(result, component, expected):
    labels = Counter(assessment(r, component).value or "" for r in result.records)
    assert dict(labels) == expected


def test_every_label_maps_to_its_status(result):
    expected_status = {
        "Open weights (unrestricted)": "open",
        "Open source": "open",
        "Open weights (non-commercial)": "partial",
        "Open weights (restricted use)": "partial",
        "Open (non-commercial)": "partial",
        "Open (restricted use)": "partial",
        "Open access (non-commercial)": "partial",
        "Open access (restricted use)": "partial",
        "API access": "closed",
        "Hosted access (no API)": "closed",
        "Unreleased": "closed",
        None: "unknown",
    }
    seen = set()
    for record in result.records:
        for a in record.assessments:
            assert a.framework == "epoch"
            assert a.status == expected_status[a.value], (record.name, a)
            seen.add(a.value)
    assert seen == set(expected_status)
    statuses = Counter(assessment(r, "model_accessibility").status for r in result.records)
    assert statuses == {"open": 197, "partial": 105, "closed": 419, "unknown": 255}


def test_fields_agree_with_the_csv_text(result, raw_rows):
    for record, row in zip(result.records, raw_rows, strict=True):
        # whitespace collapsed: trailing "\n" and a no-break space ("ALLaM\xa0adapted 70B")
        assert record.name == " ".join(row["Model"].split())
        assert record.release_date == row["Publication date"].strip()
        params = row["Parameters"].strip()
        assert record.parameters == (float(params) if params else None)
        flop = row["Training compute (FLOP)"].strip()
        assert record.data["training_compute_flop"] == (float(flop) if flop else None)
        orgs = [" ".join(o.split()) for o in row["Organization"].split(",") if o.strip()]
        assert record.data["organizations"] == orgs
        assert record.organization == (orgs[0] if orgs else None)
        assert record.data["frontier_model"] is (row["Frontier model"].strip() == "True")
        assert record.data["domain"] == (row["Domain"].strip() or None)
        assert record.data["organization_categorization"] == (
            row["Organization categorization"].strip() or None
        )
        notes = row["Accessibility notes"].strip() or None
        assert assessment(record, "model_accessibility").notes == notes
        assert assessment(record, "training_code").notes is None


def test_free_text_notes_stay_out_of_data(result):
    with_notes = [r for r in result.records if assessment(r, "model_accessibility").notes]
    assert len(with_notes) > 300
    for record in with_notes:
        notes = assessment(record, "model_accessibility").notes
        assert notes not in record.data.values()
        assert not any("notes" in key for key in record.data)


def test_spot_checks(by_name):
    qwen = by_name["Qwen-72B"]
    assert qwen.key == "Qwen-72B"
    assert qwen.organization == "Alibaba"
    assert qwen.release_date == "2023-11-30"
    assert qwen.parameters == 72e9
    assert qwen.data["training_compute_flop"] == 1.3e24
    assert qwen.hub_id == "Qwen/Qwen-72B"
    assert qwen.url == "https://huggingface.co/Qwen/Qwen-72B"
    assert qwen.modality == "text"
    assert qwen.data["country"] == "China"
    access = assessment(qwen, "model_accessibility")
    assert (access.status, access.value) == ("partial", "Open weights (restricted use)")
    assert access.notes.startswith("up to 100m active users:")
    assert "https://github.com/QwenLM/Qwen/blob/main/Tongyi%20Qianwen%20LICENSE%20AGREEMENT" in (
        access.urls
    )
    assert assessment(qwen, "training_code").status == "closed"
    assert assessment(qwen, "inference_code").status == "unknown"

    # name with a trailing newline in the CSV
    solar = by_name["Solar Open 100B"]
    assert solar.key == "Solar Open 100B"
    assert solar.hub_id == "upstage/Solar-Open-100B"
    assert assessment(solar, "model_accessibility").value == "API access"

    go = by_name["AlphaGo Zero"]
    assert go.organization == "DeepMind"
    assert go.data["frontier_model"] is True
    assert go.modality is None  # Games
    assert go.hub_id is None

    assert by_name["ALLaM adapted 70B"].organization == (
        "Saudi Data and Artificial Intelligence Authority"
    )

    mathstral = by_name["Mathstral"]
    assert mathstral.data["base_model"] == "Mistral 7B"
    assert mathstral.modality == "text"
    assert assessment(mathstral, "model_accessibility").status == "open"

    starcoder = by_name["StarCoder"]
    assert starcoder.modality == "code"  # Language + only "Code generation"
    assert starcoder.organization == "Hugging Face"
    assert len(starcoder.data["organizations"]) == 37


def test_hub_ids_come_from_model_urls_in_link(by_name, result):
    # several URLs in one Link cell, separated by newlines or ", "
    jamba = by_name["Jamba 1.5-Large"]
    assert jamba.hub_id == "ai21labs/AI21-Jamba-1.5-Large"
    assert jamba.url == "https://arxiv.org/abs/2408.12570"
    assert len(jamba.data["links"]) == 3
    assert by_name["SeamlessM4T"].hub_id == "facebook/seamless-m4t-v2-large"
    # an organisation page is not a model
    exaone = [r for r in result.records if r.url == "https://huggingface.co/LGAI-EXAONE"]
    assert exaone and all(r.hub_id is None for r in exaone)
    # with no Hub model in Link, a notes link that names exactly one Hub model is the hub_id
    llama = by_name["Llama 2-70B"]
    assert llama.hub_id == "meta-llama/Llama-2-70b"
    assert "https://huggingface.co/meta-llama/Llama-2-70b" in (
        assessment(llama, "model_accessibility").urls
    )
    from_link = [r for r in result.records
                 if r.hub_id and any(f"huggingface.co/{r.hub_id}" in link
                                     for link in r.data["links"])]
    assert len(from_link) == 17
    for record in result.records:
        if record.hub_id and record not in from_link:
            urls = assessment(record, "model_accessibility").urls
            named = {u.split("huggingface.co/")[1].split("/")[:2][0] for u in urls
                     if "huggingface.co/" in u}
            assert any(f"huggingface.co/{record.hub_id}" in u for u in urls)
            assert named


def test_no_link_no_url(result, raw_rows):
    blank = [r for r, row in zip(result.records, raw_rows) if not row["Link"].strip()]
    assert blank and all(r.url is None and r.data["links"] == [] for r in blank)


def test_open_or_restricted_filter(result, csv_path):
    kept = epoch.accessible_only(result)
    assert len(kept.records) == 197 + 64 + 41 == 302
    assert {epoch.weights_status(r) for r in kept.records} == {"open", "partial"}
    assert Counter(assessment(r, "model_accessibility").value for r in kept.records) == {
        "Open weights (unrestricted)": 197,
        "Open weights (non-commercial)": 64,
        "Open weights (restricted use)": 41,
    }
    named = {o for r in kept.records for o in r.data["organizations"]}
    assert {o.name for o in kept.organizations} == named
    assert len(kept.organizations) < len(result.organizations)
    via_option = epoch.read(csv_path, weights="open-or-restricted")
    assert [r.key for r in via_option.records] == [r.key for r in kept.records]
    assert len(result.records) == ROWS  # the filter copies, it does not mutate
    with pytest.raises(ValueError):
        epoch.read(csv_path, weights="open")


def test_organizations(result):
    orgs = {o.name: o for o in result.organizations}
    assert len(orgs) == len(result.organizations)
    assert {o.source for o in result.organizations} == {"epoch"}
    assert {o.kind for o in result.organizations} <= {"company", "academic", "public", None}
    assert orgs["Meta AI"].kind == "company"
    assert orgs["Meta AI"].country == "United States of America"
    assert orgs["Meta AI"].label == "Industry"
    assert orgs["Stanford University"].kind == "academic"
    assert orgs["EleutherAI"].kind == "academic"
    assert orgs["EleutherAI"].label == "Research collective"
    assert orgs["Alibaba"].country == "China"
    assert orgs["Mistral AI"].country == "France"
    # an organisation Epoch gives two countries keeps both
    gdm = orgs["Google DeepMind"]
    assert gdm.kind == "company"
    assert gdm.country == (
        "United States of America,United Kingdom of Great Britain and Northern Ireland"
    )
    assert orgs["DeepMind"].country == "United Kingdom of Great Britain and Northern Ireland"
    # mixed categorization for one organisation: kind left to the curated table
    assert orgs["Saudi Aramco"].label == "Industry,Government"
    assert orgs["Saudi Aramco"].kind is None
    # the StarCoder row's lists do not line up (37 organisations, 33 categories): no guessing
    assert orgs["Roblox"].kind is None
    # every organisation a record names has an OrganizationInfo
    assert {o for r in result.records for o in r.data["organizations"]} == set(orgs)


def test_source_version(csv_path, result):
    # the mirror commit and the date Epoch's data was accessed, from SOURCE.txt
    assert result.records[0].source_version == "6e8fd472 2026-01-26"
    pinned = epoch.read(csv_path, source_version="test-1")
    assert {r.source_version for r in pinned.records} == {"test-1"}


@pytest.mark.parametrize(
    ("domain", "task", "expected"),
    [
        ("Language", "Chat", "text"),
        ("Language", "Code generation,Code autocompletion", "code"),
        ("Language", "Code generation,Chat", "text"),
        ("Vision", None, "image"),
        ("Image generation", None, "image"),
        ("Speech", None, "audio"),
        ("Audio,Speech", None, "audio"),
        ("Video,Vision", None, "video"),
        ("Multimodal,Language,Vision", None, "multimodal"),
        ("Vision,Language", None, "multimodal"),
        ("Mathematics,Language", None, "text"),
        ("Games", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_modality_of(domain, task, expected):
    assert epoch.modality_of(domain, task) == expected


# --- files made in tmp_path --------------------------------------------------------------

HEADER = [
    "Model", "Organization", "Publication date", "Domain", "Task", "Parameters",
    "Training compute (FLOP)", "Training dataset", "Link", "Organization categorization",
    "Country (of organization)", "Base model", "Model accessibility",
    "Training code accessibility", "Inference code accessibility", "Accessibility notes",
    "Frontier model",
]  # fmt: skip


def write_csv(path: Path, rows: list[dict[str, str]], header=HEADER) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow({name: row.get(name, "") for name in header})
    return path


def row(name: str, date: str = "2024-01-01", access: str = "Open weights (unrestricted)", **kw):
    return {"Model": name, "Publication date": date, "Model accessibility": access, **kw}


def test_duplicate_names_are_disambiguated_by_date(tmp_path):
    path = write_csv(
        tmp_path / "notable-ai-models.csv",
        [
            row("Foo\n", "2024-03-01"),
            row("Bar", "2024-02-01"),
            row("Foo", "2023-05-06"),
            row("Baz", "2022-01-01"),
            row("Baz", "2022-01-01"),
        ],
    )
    result = epoch.read(path)
    assert result.problems == []
    assert [r.key for r in result.records] == [
        "Foo (2024-03-01)",
        "Bar",
        "Foo (2023-05-06)",
        "Baz (2022-01-01)",
        "Baz (2022-01-01) #2",
    ]
    assert [r.name for r in result.records] == ["Foo", "Bar", "Foo", "Baz", "Baz"]
    again = epoch.read(path)
    assert [r.key for r in again.records] == [r.key for r in result.records]


def test_malformed_row_is_a_problem_and_the_rest_imports(tmp_path):
    path = write_csv(tmp_path / "m.csv", [row("A"), row("B"), row("C")])
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[2] = "B,only,three cells\n"  # line 3 of the file = the row for B
    path.write_text("".join(lines), encoding="utf-8")
    result = epoch.read(path)
    assert [r.name for r in result.records] == ["A", "C"]
    assert len(result.problems) == 1
    assert result.problems[0].path == f"{path}:row 3"
    assert "3 cells" in result.problems[0].reason


def test_row_numbers_count_file_lines_across_embedded_newlines(tmp_path):
    path = write_csv(
        tmp_path / "m.csv",
        [row("A", **{"Accessibility notes": "one\ntwo\nthree"}), row("B"), row("C")],
    )
    text = path.read_text(encoding="utf-8")
    # B's row starts on line 5 (header 1, A spans 2-4); give it a CSV syntax error
    text = text.replace("\nB,", '\n"B"x,', 1)
    path.write_text(text, encoding="utf-8")
    result = epoch.read(path)
    assert [r.name for r in result.records] == ["A", "C"]
    assert [p.path for p in result.problems] == [f"{path}:row 5"]


def test_truncated_file_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "t.csv", [row("A"), row("B", **{"Accessibility notes": "x"})])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("B,") + 12], encoding="utf-8")  # cut inside B's row
    result = epoch.read(path)
    assert [r.name for r in result.records] == ["A"]
    assert [p.path for p in result.problems] == [f"{path}:row 3"]


def test_truncated_inside_a_quoted_cell_is_a_problem(tmp_path):
    path = write_csv(tmp_path / "t.csv", [row("A"), row("B", **{"Accessibility notes": "a\nb"})])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index('"a\nb') + 3], encoding="utf-8")
    result = epoch.read(path)
    assert [r.name for r in result.records] == ["A"]
    assert len(result.problems) == 1
    assert result.problems[0].path == f"{path}:row 3"


@pytest.mark.parametrize(
    "content",
    [
        "name,org,date\nA,B,2024-01-01\n",  # not Epoch's header
        "",  # empty
        "\ufeff",  # only a BOM
    ],
)
def test_wrong_header_or_empty_file_is_one_problem(tmp_path, content):
    path = tmp_path / "x.csv"
    path.write_text(content, encoding="utf-8")
    result = epoch.read(path)
    assert result.records == []
    assert len(result.problems) == 1
    assert result.problems[0].path == str(path)


def test_undecodable_or_missing_file_is_a_problem(tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(b"Model,\xff\xfe\xfa\n")
    assert len(epoch.read(path).problems) == 1
    with pytest.raises(ImportRefused, match="no such file"):
        epoch.read(tmp_path / "nope.csv")
    empty_folder = tmp_path / "empty"
    empty_folder.mkdir()
    assert len(epoch.read(empty_folder).problems) == 1


def test_bad_cells_are_reported_but_the_row_is_kept(tmp_path):
    path = write_csv(
        tmp_path / "b.csv",
        [
            row("A", "soon", Parameters="lots", **{"Training compute (FLOP)": "nan"}),
            row("B", access="Open weights (sort of)"),
            row(""),
        ],
    )
    result = epoch.read(path)
    by = {r.name: r for r in result.records}
    assert set(by) == {"A", "B"}
    assert by["A"].release_date is None
    assert by["A"].parameters is None
    assert by["A"].data["training_compute_flop"] is None
    access = assessment(by["B"], "model_accessibility")
    assert (access.status, access.value) == ("unknown", "Open weights (sort of)")
    reasons = [(p.path.rsplit(":", 1)[1], p.reason) for p in result.problems]
    assert len(reasons) == 5
    assert sum("row 2" == where for where, _ in reasons) == 3  # date, Parameters, FLOP
    assert any("sort of" in reason for _, reason in reasons)
    assert any(where == "row 4" and "no model name" in reason for where, reason in reasons)


def test_missing_optional_columns_are_reported_once(tmp_path):
    header = [
        "Model", "Organization", "Publication date", "Model accessibility",
        "Training code accessibility", "Inference code accessibility",
    ]  # fmt: skip
    path = write_csv(tmp_path / "o.csv", [row("A"), row("B")], header=header)
    result = epoch.read(path)
    assert [r.name for r in result.records] == ["A", "B"]
    assert len(result.problems) == 1
    assert "Link" in result.problems[0].reason
    assert result.records[0].url is None and result.records[0].modality is None


def test_a_notes_link_to_another_size_is_not_taken_as_the_hub_id(by_name):
    # Llama 3.1-405B's notes link only the 8B repo: that is not the 405B model.
    llama = by_name["Llama 3.1-405B"]
    assert "meta-llama/Meta-Llama-3.1-8B" in " ".join(assessment(llama, "model_accessibility").urls)
    assert llama.hub_id is None
