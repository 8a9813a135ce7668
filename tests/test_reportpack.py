"""The report pack: every file present and readable, BibTeX citing exactly the sources used,
the snapshot stamped, the figure reproducible from the README's command, and ``report``."""

from __future__ import annotations

import csv
import io
import json
import re
import shlex
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("PySide6")

from PySide6.QtGui import QImage  # noqa: E402

from tests.view_parts import typed_view
from openexplorer.ui import reportpack  # noqa: E402
from openexplorer.cli import main  # noqa: E402
from openexplorer.analyses.compare import CompareError, compare  # noqa: E402
from openexplorer.core.sources import SOURCES  # noqa: E402
from tests.test_watchlist import snapshot_cache  # noqa: E402

IDS = ["allenai/OLMo-7B-Instruct", "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/llama-2-7b-hf"]


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    opened = snapshot_cache(tmp_path_factory.mktemp("pack") / "c.sqlite")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def pack(cache, tmp_path_factory, qapp):
    folder = tmp_path_factory.mktemp("pack") / "out" / "olmo-vs-llama"
    return folder, reportpack.write(cache, IDS, folder)


def parse_bibtex(text: str) -> dict[str, dict[str, str]]:
    """A small BibTeX reader: entries by key, with their fields; fails on unbalanced braces."""
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0, "a closing brace without an opening one"
    assert depth == 0, "braces do not balance"
    entries: dict[str, dict[str, str]] = {}
    for match in re.finditer(r"@(\w+)\s*\{", text):
        start, depth = match.end(), 1
        position = start
        while depth:
            depth += {"{": 1, "}": -1}.get(text[position], 0)
            position += 1
        body = text[start:position - 1]
        key, _, rest = body.partition(",")
        assert re.fullmatch(r"[A-Za-z0-9_:.-]+", key.strip()), f"bad key {key!r}"
        fields: dict[str, str] = {"ENTRYTYPE": match.group(1).lower()}
        for field in re.finditer(r"(\w+)\s*=\s*\{", rest):
            begin, level, end = field.end(), 1, field.end()
            while level:
                level += {"{": 1, "}": -1}.get(rest[end], 0)
                end += 1
            fields[field.group(1).lower()] = rest[begin:end - 1]
        assert key.strip() not in entries, f"duplicate key {key!r}"
        entries[key.strip()] = fields
    return entries


def test_the_folder_has_every_file(pack):
    folder, paths = pack
    assert [p.name for p in paths] == list(reportpack.FILES)
    assert sorted(p.name for p in folder.iterdir()) == sorted(reportpack.FILES)
    assert all(p.stat().st_size > 100 for p in paths)


def _snapshot_date(folder):
    """The snapshot date the pack's data says (comparison.json)."""
    return json.loads((folder / "comparison.json").read_text(encoding="utf-8"))["snapshot_date"]


def test_chart_png_decodes_and_svg_parses(pack):
    folder, _ = pack
    image = QImage(str(folder / "comparison.png"))
    assert not image.isNull() and image.width() >= 600 and image.height() >= 300
    root = ET.parse(folder / "comparison.svg").getroot()
    assert root.tag.endswith("svg")
    text = (folder / "comparison.svg").read_text(encoding="utf-8")
    assert _snapshot_date(folder) in text  # the footer's snapshot date


def test_data_files(pack, cache):
    folder, _ = pack
    document = json.loads((folder / "comparison.json").read_text(encoding="utf-8"))
    assert document["snapshot_date"] == cache.get_meta("snapshot_built")
    assert [v["id"] for v in document["releases"]] == [
        "meta-llama/llama-2-7b-hf", "allenai/olmo-7b-instruct", "meta-llama/llama-3.1-8b-instruct"]
    assert len(document["matrix"]) == 29
    used = reportpack.sources_used(compare(cache, IDS))
    assert [s["id"] for s in document["sources"]] == used
    rows = list(csv.DictReader(io.StringIO((folder / "comparison.csv").read_text("utf-8"))))
    assert [r["id"] for r in rows] == [v["id"] for v in document["releases"]]


def test_bibtex_parses_and_cites_exactly_the_sources_used(pack, cache):
    folder, _ = pack
    entries = parse_bibtex((folder / "sources.bib").read_text(encoding="utf-8"))
    used = reportpack.sources_used(compare(cache, IDS))
    assert set(entries) == {reportpack.BIBTEX[s].key for s in used}
    # OLMo's and Llama's records: MOT, the index, Opening up ChatGPT, OSI's validation of
    # Llama 2, Epoch; Meta's FMTI scores; no Hub metadata in a snapshot-only cache
    assert {"mot", "osai", "osai-legacy", "osi", "epoch", "fmti"} == set(used)
    for source_id in used:
        entry = entries[reportpack.BIBTEX[source_id].key]
        assert entry["ENTRYTYPE"] in {"misc", "article", "inproceedings"}
        assert entry["title"] and entry["url"].startswith("https://")
        assert SOURCES[source_id].license.split(";")[0] in entry["note"]
        for doi in re.findall(r"doi:(10\.[^\s,;]+?)\.?(?=\s|$)", SOURCES[source_id].citation):
            assert doi in entry.get("doi", "") + entry.get("note", ""), (source_id, doi)
        arxiv = re.search(r"arXiv:(\d{4}\.\d{4,5})", SOURCES[source_id].citation)
        if arxiv:
            assert entry["eprint"] == arxiv.group(1)
    assert entries["liesenfeld2024rethinking"]["doi"] == "10.1145/3630106.3659005"


def test_sources_follow_the_releases():
    """Every source has a BibTeX entry; a comparison cites only the records it rests on."""
    assert set(reportpack.BIBTEX) == set(SOURCES)
    comparison = {"releases": [
        typed_view({"sources": [{"source": "osai", "key": "x"}], "mof": {}, "osai": {
            "source": {"source": "osai"}}, "osaid": {"osi_published": []}, "hub": None}),
        typed_view({"sources": [{"source": "hub", "key": "y"}],
                    "mof": {"source": {"source": "hub"}}, "osai": {}, "osaid": {},
                    "fmti": {"source": {"source": "fmti"}}}),
    ]}
    assert reportpack.sources_used(comparison) == ["osai", "fmti", "hub"]
    text = reportpack.bibtex(["osai", "hub"], snapshot_date="2026-11-26",
                             accessed="2026-12-01")
    entries = parse_bibtex(text)
    assert set(entries) == {"liesenfeld2024rethinking", "huggingface_hub_metadata"}
    assert entries["huggingface_hub_metadata"]["urldate"] == "2026-12-01"


def test_summary_and_readme_are_stamped(pack, cache):
    folder, _ = pack
    summary = (folder / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# Comparison: Llama-2-7B, OLMo-7B-Instruct, Llama-3.1-8B-Instruct")
    assert f"Data snapshot {cache.get_meta('snapshot_built')}" in summary
    assert "(comparison.png)" in summary
    assert summary.count("## Sources") == 1 and "Epoch AI" in summary
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    assert f"Data snapshot: {cache.get_meta('snapshot_built')}" in readme
    assert all(name in readme for name in reportpack.FILES)
    assert f"openexplorer --db {cache.path} compare" in readme


def test_the_readme_command_redraws_the_figure_offline(pack, tmp_path, capsys):
    folder, _ = pack
    readme = (folder / "README.txt").read_text(encoding="utf-8")
    line = next(x.strip() for x in readme.splitlines()
                if x.strip().startswith("openexplorer --db") and "fresh" not in x)
    args = shlex.split(line)[1:]
    args[args.index("--chart") + 1] = str(tmp_path / "again.png")
    assert main(args) == 0
    capsys.readouterr()
    again = QImage(str(tmp_path / "again.png"))
    original = QImage(str(folder / "comparison.png"))
    assert not again.isNull() and again.size() == original.size()


def test_wrong_ids_and_folders(cache, tmp_path, qapp):
    with pytest.raises(CompareError):
        reportpack.write(cache, ["allenai/OLMo-7B"], tmp_path / "a")
    with pytest.raises(CompareError):
        reportpack.write(cache, ["allenai/OLMo-7B", "no/such-model"], tmp_path / "b")
    a_file = tmp_path / "file"
    a_file.write_text("x")
    with pytest.raises(reportpack.ReportPackError):
        reportpack.write(cache, IDS[:2], a_file)
    assert not (tmp_path / "a").exists()


def test_cli_report(capsys, cache, tmp_path, qapp):
    db = str(cache.path)
    out = tmp_path / "pack"
    assert main(["--db", db, "report", *IDS[:2], "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out.split() == [str(out / n) for n in reportpack.FILES]
    assert "wrote a report pack of 7 files" in captured.err
    assert main(["--db", db, "report", IDS[0], "--out", str(out)]) == 2
    assert main(["--db", db, "report", IDS[0], "no/such", "--out", str(out)]) == 2
    assert "unknown release" in capsys.readouterr().err
