"""Stanford FMTI importer: the three real editions, and broken score files made in tmp_path."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest

from openexplorer.importers import fmti
from openexplorer.importers.common import ImportRefused
from openexplorer.core.records import ImportResult

# docs/frameworks.md §4, developers spelled as in the score files ("AI21" there is "AI21 Labs" here,
# and the May 2024 file calls Stability AI just "Stability").
TOTALS = {
    "2023-10": {
        "Meta": 54, "Hugging Face": 53, "OpenAI": 48, "Stability AI": 47, "Google": 40,
        "Anthropic": 36, "Cohere": 34, "AI21 Labs": 25, "Inflection": 21, "Amazon": 12,
    },
    "2024-05": {
        "BigCode": 85, "AI21 Labs": 75, "Aleph Alpha": 75, "IBM": 64, "Microsoft": 62,
        "Meta": 60, "Stability": 58, "Writer": 56, "Mistral": 55, "Anthropic": 51,
        "OpenAI": 49, "Google": 47, "Amazon": 41, "Adept": 33,
    },
    "2025-12": {
        "IBM": 95, "Writer": 72, "AI21 Labs": 66, "Anthropic": 46, "Google": 41, "Amazon": 39,
        "OpenAI": 35, "DeepSeek": 32, "Meta": 31, "Alibaba": 26, "Mistral": 18,
        "Midjourney": 14, "xAI": 14,
    },
}  # fmt: skip
FILES = {
    "2023-10": "October2023/October2023_scores.csv",
    "2024-05": "May2024/May2024_scores.csv",
    "2025-12": "Dec2025/Dec2025_scores.csv",
}


@pytest.fixture(scope="module")
def folder(shared_data: Path) -> Path:
    path = shared_data / "fmti"
    if not (path / FILES["2025-12"]).is_file():
        pytest.skip(f"FMTI data not found at {path}")
    return path


@pytest.fixture(scope="module")
def result(folder: Path) -> ImportResult:
    return fmti.read(folder)


@pytest.fixture(scope="module")
def records(result: ImportResult) -> dict:
    return {r.key: r for r in result.records}


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def ws(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


# --- the real files ----------------------------------------------------------------------


def test_three_editions_import_without_problems(result):
    assert result.problems == []
    assert result.organizations == []
    assert len(result.records) == 10 + 14 + 13
    assert {r.release_date for r in result.records} == set(TOTALS)


@pytest.mark.parametrize("edition", sorted(TOTALS))
def test_totals_match_frameworks_md(records, edition):
    got = {
        r.name: r.data["total"] for r in records.values() if r.data["edition"] == edition
    }
    assert got == TOTALS[edition]


def test_record_shape(records):
    for key, record in records.items():
        edition = record.data["edition"]
        assert key == f"{edition}/{record.name}"
        assert record.source == "fmti"
        assert record.scope == "organization"
        assert record.release_date == edition
        assert record.url == "https://crfm.stanford.edu/fmti/"
        assert record.source_version == "f4500c5f 2025-12-09"
        assert "flagship" not in record.data  # the score files do not name it


def test_one_assessment_per_indicator(records):
    for record in records.values():
        assert record.data["indicator_count"] == 100
        assert len(record.assessments) == 100
        components = [a.component for a in record.assessments]
        assert len(set(components)) == 100
        for a in record.assessments:
            assert a.framework == "fmti"
            assert (a.status, a.value) in {("open", "1"), ("closed", "0")}
            assert a.component == ws(a.component)
            assert a.notes is None
        assert sum(a.value == "1" for a in record.assessments) == record.data["total"]


def test_indicator_names_are_whitespace_normalised(records):
    # "Data creators " has a trailing space in the 2023 and 2024 files
    for key in ("2023-10/Meta", "2024-05/Meta"):
        assert "Data creators" in {a.component for a in records[key].assessments}
    components_2025 = {a.component for a in records["2025-12/Meta"].assessments}
    assert "Open weights" in components_2025
    assert "Whistleblower protection" in components_2025


def test_scores_agree_with_the_csv_cells(folder, records):
    for edition, relative in FILES.items():
        rows = read_csv(folder / relative)
        header = rows[0]
        i_ind = header.index("Indicator")
        for row in rows[1:]:
            indicator = ws(row[i_ind])
            if indicator == "Total":
                continue
            for i, developer in enumerate(header):
                if developer in ("Domain", "Subdomain", "Indicator", "Total"):
                    continue
                (a,) = [
                    a for a in records[f"{edition}/{developer}"].assessments
                    if a.component == indicator
                ]  # fmt: skip
                assert a.value == row[i], (edition, developer, indicator)


def test_domain_splits_sum_to_the_total(records):
    for record in records.values():
        domains = record.data["domains"]
        assert list(domains) == ["Upstream", "Model", "Downstream"]
        assert sum(domains.values()) == record.data["total"]


def test_domain_splits_agree_with_an_independent_count(folder, records):
    """2023 from its own Domain column; 2024 by position against 2023 (the v1.x files list the
    indicators in the same order); 2025 by name from Dec2025_indicators.csv."""
    oct_rows = read_csv(folder / FILES["2023-10"])
    v1_domains = [row[0] for row in oct_rows[1:-1]]
    assert len(v1_domains) == 100
    dec_domains = {
        ws(row[2]): ws(row[0]) for row in read_csv(folder / "Dec2025/Dec2025_indicators.csv")[1:]
    }

    def expected(edition: str) -> dict[str, dict[str, int]]:
        rows = read_csv(folder / FILES[edition])
        header = rows[0]
        body = [r for r in rows[1:] if ws(r[header.index("Indicator")]) != "Total"]
        out = {}
        for i, developer in enumerate(header):
            if developer in ("Domain", "Subdomain", "Indicator", "Total"):
                continue
            split = {"Upstream": 0, "Model": 0, "Downstream": 0}
            for position, row in enumerate(body):
                domain = (
                    dec_domains[ws(row[0])] if edition == "2025-12" else v1_domains[position]
                )
                split[domain] += int(row[i])
            out[developer] = split
        return out

    for edition in FILES:
        for developer, split in expected(edition).items():
            assert records[f"{edition}/{developer}"].data["domains"] == split, (edition, developer)
    # developers that disclosed every upstream indicator: 32 in v1.x, 34 in 2025
    assert records["2024-05/BigCode"].data["domains"]["Upstream"] == 32
    assert records["2025-12/IBM"].data["domains"]["Upstream"] == 34


def test_stability_spelled_alike_across_editions(records):
    assert records["2024-05/Stability"].name == "Stability"
    assert records["2024-05/Stability"].organization == "Stability AI"
    assert records["2023-10/Stability AI"].organization == "Stability AI"
    for record in records.values():
        if record.name != "Stability":
            assert record.organization == record.name


def test_one_scores_file(folder):
    result = fmti.read(folder / FILES["2024-05"])
    assert result.problems == []
    assert len(result.records) == 14
    assert {r.data["total"] for r in result.records if r.name == "BigCode"} == {85}
    assert sum(r.data["domains"]["Model"] for r in result.records) > 0


def test_source_version_can_be_given(folder):
    result = fmti.read(folder / FILES["2025-12"], source_version="pinned")
    assert {r.source_version for r in result.records} == {"pinned"}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("October2023/October2023_scores.csv", "2023-10"),
        ("May2024/May2024_scores.csv", "2024-05"),
        ("Dec2025/Dec2025_scores.csv", "2025-12"),
        ("Sept2026/scores.csv", "2026-09"),
        ("misc/scores.csv", None),
    ],
)
def test_edition_of(name, expected):
    assert fmti.edition_of(Path(name)) == expected


# --- files made in tmp_path --------------------------------------------------------------


@pytest.fixture
def copy(folder: Path, tmp_path: Path) -> Path:
    """A copy of the FMTI folder (score and definition files only) to break."""
    target = tmp_path / "fmti"
    target.mkdir()
    shutil.copy(folder / "fmti-indicators.csv", target)
    for relative in FILES.values():
        (target / relative).parent.mkdir()
        shutil.copy(folder / relative, target / relative)
    shutil.copy(folder / "Dec2025/Dec2025_indicators.csv", target / "Dec2025")
    return target


def edit_lines(path: Path, change) -> None:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    lines = text.splitlines(keepends=True)
    change(lines)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + "".join(lines).encode("utf-8"))


def test_total_row_that_disagrees_is_a_problem(copy):
    path = copy / FILES["2024-05"]
    def change(lines):
        lines[-1] = lines[-1].replace("Total,33,", "Total,34,")

    edit_lines(path, change)
    result = fmti.read(copy)
    assert len(result.problems) == 1
    assert result.problems[0].path == str(path)
    assert "Adept" in result.problems[0].reason and "34" in result.problems[0].reason
    adept = [r for r in result.records if r.key == "2024-05/Adept"]
    assert adept[0].data["total"] == 33  # the sum of the indicators is kept
    assert len(result.records) == 37


def test_total_column_that_disagrees_is_a_problem(copy):
    path = copy / FILES["2023-10"]
    # row 2 (Data size) sums to 4; claim 5
    edit_lines(path, lambda lines: lines.__setitem__(1, lines[1].rstrip("\r\n")[:-1] + "5\n"))
    result = fmti.read(copy)
    assert [p.path for p in result.problems] == [f"{path}:row 2"]
    assert "sum to 4" in result.problems[0].reason


def test_bad_cell_is_reported_and_that_developers_record_left_out(copy):
    # The record would replace the cached one whole: with 99 of its 100 scores it would lose
    # one (and its total would drop), so it is not imported and the cached one stays.
    path = copy / FILES["2025-12"]
    edit_lines(path, lambda lines: lines.__setitem__(1, lines[1].replace(",1,0,", ",yes,0,", 1)))
    result = fmti.read(copy)
    problems = {p.path: p.reason for p in result.problems}
    assert "AI21 Labs: score 'yes'" in problems[f"{path}:row 2"]
    assert "AI21 Labs's 2025-12 record not imported" in problems[str(path)]
    assert "2025-12/AI21 Labs" not in {r.key for r in result.records}
    assert len(result.records) == 36


def test_short_row_is_skipped_and_reported(copy):
    path = copy / FILES["2025-12"]
    edit_lines(path, lambda lines: lines.__setitem__(3, "Broken row,1,0\n"))
    result = fmti.read(copy)
    problems = {p.path: p.reason for p in result.problems}
    assert "cells" in problems[f"{path}:row 4"]
    # every developer's score for that row is unknown: no 2025 record is complete
    assert "none imported" in problems[str(path)]
    assert [r for r in result.records if r.data["edition"] == "2025-12"] == []
    assert len([r for r in result.records if r.data["edition"] != "2025-12"]) == 24


def test_header_only_and_unreadable_scores_give_no_records(copy):
    path = copy / FILES["2025-12"]
    edit_lines(path, lambda lines: lines.__delitem__(slice(1, None)))
    result = fmti.read(path)
    assert result.records == []
    assert "no indicator rows" in result.problems[-1].reason
    edit_lines(copy / FILES["2024-05"],
               lambda lines: lines.__setitem__(slice(1, -1), [
                   line.split(",", 1)[0] + ",x" * (line.count(",")) + "\n"
                   for line in lines[1:-1]]))
    assert fmti.read(copy / FILES["2024-05"]).records == []


def test_wrong_header_truncated_and_empty_files(copy):
    may = copy / FILES["2024-05"]
    may.write_text("Name,Score\nx,1\n", encoding="utf-8")
    dec = copy / FILES["2025-12"]
    text = dec.read_text(encoding="utf-8")
    truncated = text[: len(text) // 2].rsplit("\n", 1)[0] + "\nData size,1,0,1"
    dec.write_text(truncated, encoding="utf-8")
    result = fmti.read(copy)
    problems = [(p.path, p.reason) for p in result.problems]
    assert (str(may), "not an FMTI scores file: no Indicator column") in problems
    assert any(path.startswith(str(dec)) for path, _ in problems)
    # the truncated file's last row is cut short: its edition is left as it was
    assert any(p == str(dec) and "none imported" in r for p, r in problems)
    assert {r.data["edition"] for r in result.records} == {"2023-10"}
    assert len([r for r in result.records if r.data["edition"] == "2023-10"]) == 10

    dec.write_text("", encoding="utf-8")
    assert any(p.path == str(dec) for p in fmti.read(copy).problems)


def test_missing_definitions_leave_domains_unresolved(copy):
    (copy / "Dec2025/Dec2025_indicators.csv").unlink()
    scores = copy / FILES["2025-12"]
    # the v1.x fmti-indicators.csv one folder up must not be used for the 2025 indicators
    result = fmti.read(scores)
    assert len(result.records) == 13
    assert [p.path for p in result.problems] == [str(scores)] * 2
    assert "fmti-indicators.csv names only" in result.problems[0].reason
    assert all(sum(r.data["domains"].values()) == 0 for r in result.records)
    assert {r.data["total"] for r in result.records if r.name == "IBM"} == {95}

    (copy / "fmti-indicators.csv").unlink()
    result = fmti.read(scores)
    assert [p.path for p in result.problems] == [str(scores)] * 2
    assert "no indicator definitions file" in result.problems[0].reason


def test_missing_path_and_empty_folder(tmp_path):
    with pytest.raises(ImportRefused, match="no such file or folder"):
        fmti.read(tmp_path / "nope")
    assert len(fmti.read(tmp_path).problems) == 1
    (tmp_path / "scores.csv").write_text("Indicator,A\nx,1\n", encoding="utf-8")
    result = fmti.read(tmp_path / "scores.csv")
    assert result.records == []
    assert "edition" in result.problems[0].reason


def test_reordered_definitions_disable_the_positional_match(copy):
    # swap two definitions: the four 2024 indicators worded differently (beyond "Third-party"
    # vs "Third party") can no longer be matched by position, so they stay out of the domain
    # split and are reported
    path = copy / "fmti-indicators.csv"
    rows = read_csv(path)
    rows[1], rows[2] = rows[2], rows[1]
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = fmti.read(copy / FILES["2024-05"])
    assert len(result.problems) == 1
    assert "no domain for 4 indicator(s)" in result.problems[0].reason
    for record in result.records:
        assert sum(record.data["domains"].values()) <= record.data["total"]
    assert sum(
        r.data["total"] - sum(r.data["domains"].values()) for r in result.records
    ) > 0
