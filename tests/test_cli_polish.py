"""The command line's output for people (issue #19, "Command line"): cut results said so, ids
never cut, numbers rounded for reading, the CSV's provenance, ``compare --chart`` quiet, shell
completion. On a cache built from the bundled snapshot."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess

import pytest

from openexplorer.analyses.export import PROVENANCE_COLUMNS, human_number
from openexplorer.cli import build_parser, command_modules, main
from openexplorer.commands._output import WRAP_AT, table


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A cache built from the bundled snapshot, as on first launch."""
    path = tmp_path_factory.mktemp("polish") / "cache.sqlite"
    assert main(["--db", str(path), "search", "x", "--limit", "1", "--format", "json"]) == 0
    return str(path)


@pytest.fixture(scope="module")
def snapshot_date(db):
    from openexplorer.store.cache_file import open_cache

    cache = open_cache(db)
    date = cache.get_meta("snapshot_built")
    assert date  # the bundled snapshot says when it was built
    return date


# -- search says when it stops short ----------------------------------------------------------


def test_search_table_says_how_many_more_match(capsys, db):
    code, out, _ = run(capsys, "--db", db, "search", "llama", "--format", "json",
                       "--limit", "1000")
    total = len(json.loads(out))
    assert total > 20  # the real data: more Llama releases than one page
    code, out, err = run(capsys, "--db", db, "search", "llama")
    assert code == 0
    rows = [line for line in out.splitlines()[1:] if not line.startswith(" ")]
    assert len(rows) == 20  # (a wrapped name's next line starts in the id column, blank)
    assert f"20 of {total} shown; --limit N for more" in err
    assert "shown" not in out
    # All shown: nothing to say.
    code, out, err = run(capsys, "--db", db, "search", "llama", "--limit", str(total))
    assert code == 0 and "shown" not in err
    code, out, err = run(capsys, "--db", db, "search", "llama", "--limit", str(total + 5))
    assert "shown" not in err


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_search_data_formats_stay_pure(capsys, db, fmt):
    code, out, err = run(capsys, "--db", db, "search", "llama", "--format", fmt, "--limit", "3")
    assert code == 0 and "shown" not in err and "shown" not in out
    if fmt == "json":
        assert len(json.loads(out)) == 3
    else:
        assert len(list(csv.DictReader(io.StringIO(out)))) == 3


# -- ids whole, numbers for people ------------------------------------------------------------


def test_table_never_cuts_a_licence_id(capsys, db):
    code, out, _ = run(capsys, "--db", db, "search", "bigscience", "--format", "json",
                       "--limit", "50")
    licences = {row["license"]["id"] for row in json.loads(out) if row["license"]["id"]}
    long_ones = {lic for lic in licences if len(lic) > 40}
    assert long_ones  # e.g. "Apache-2.0 AND LicenseRef-scancode-bigscience-rail-1.0"
    code, out, _ = run(capsys, "--db", db, "search", "bigscience", "--limit", "50")
    assert code == 0
    for licence in long_ones:
        assert licence in out
    code, out, _ = run(capsys, "--db", db, "search", "llama-3.1-8b", "--limit", "5")
    assert "LicenseRef-scancode-llama-3.1-license-2024" in out


def test_table_wraps_long_text_between_words_and_keeps_ids_whole():
    org = ("University of California San Diego, Mila-Quebec AI Institute, "
           "University of Surrey and LAION")
    licence = "LicenseRef-scancode-bigscience-open-rail-m2 AND Apache-2.0 AND CC-BY-NC-4.0"
    text = table([{"id": "x/" + "y" * 60, "organization": org, "license": licence}],
                 ["id", "organization", "license"])
    lines = text.splitlines()
    assert len(lines) > 2  # the organisation wrapped onto more lines
    assert "x/" + "y" * 60 in lines[1] and licence in lines[1]
    wrapped = [w for line in lines[1:] for w in line.split()]
    for word in org.split():
        assert word in wrapped, word  # no word cut
    start = lines[0].index("organization")
    assert all(len(line[start:start + WRAP_AT + 1].rstrip()) <= WRAP_AT for line in lines[1:])


@pytest.mark.parametrize(("value", "shown"), [
    (16.666666666666664, "16.7"), (100.0, "100"), (0.0, "0"), (0.16666666666666666, "0.17"),
    (0.2916666666666667, "0.29"), (0.5, "0.50"), (42, "42"), ("text", "text"), (True, "True"),
])
def test_numbers_are_written_for_people(value, shown):
    assert human_number(value) == shown
    assert table([{"n": value}], ["n"]).splitlines()[1].strip() == shown


def test_table_and_markdown_round_but_csv_and_json_keep_precision(capsys, db):
    code, out, _ = run(capsys, "--db", db, "export", "--format", "csv", "-")
    rows = list(csv.DictReader(io.StringIO(out)))
    long = [r for r in rows if "." in r["mof_progress_III"]
            and len(r["mof_progress_III"].split(".")[1]) > 5]
    assert long  # real MOF progress such as 16.666666666666664 %, kept whole in CSV
    release = long[0]["id"]
    code, out, _ = run(capsys, "--db", db, "compare", release, "allenai/olmo-7b",
                       "--format", "json")
    assert any(len(str(v["mof"]["progress"]["III"])) > 8 for v in json.loads(out)["releases"]
               if v["mof"]["progress"])
    code, out, _ = run(capsys, "--db", db, "search", "", "--limit", "200")
    assert code == 0
    assert not any(len(word.split(".")[-1]) > 2 for word in out.split()
                   if word.replace(".", "").isdigit() and "." in word)


# -- compare --chart -----------------------------------------------------------------------------


def test_compare_chart_prints_only_where_it_wrote(capsys, db, tmp_path):
    pytest.importorskip("PySide6")
    chart = tmp_path / "chart.svg"
    code, out, err = run(capsys, "--db", db, "compare", "EleutherAI/pythia-70m",
                         "allenai/olmo-7b", "--chart", str(chart))
    assert code == 0 and chart.is_file() and chart.stat().st_size > 0
    assert out == "" and f"wrote the comparison chart to {chart}" in err
    code, out, err = run(capsys, "--db", db, "compare", "EleutherAI/pythia-70m",
                         "allenai/olmo-7b", "--chart", str(chart), "--format", "markdown")
    assert code == 0 and out.startswith("# Comparison") and "wrote the comparison chart" in err
    code, out, _ = run(capsys, "--db", db, "compare", "EleutherAI/pythia-70m",
                       "allenai/olmo-7b")
    assert out.startswith("# Comparison")  # markdown stays the default without --chart


# -- CSV provenance ------------------------------------------------------------------------------


def test_every_csv_names_its_sources_and_snapshot(capsys, db, snapshot_date, tmp_path):
    out_file = tmp_path / "all.csv"
    assert main(["--db", db, "export", "--format", "csv", str(out_file)]) == 0
    capsys.readouterr()
    with out_file.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))  # a plain CSV: the header is the first line
    assert list(rows[0])[-2:] == list(PROVENANCE_COLUMNS)
    assert {r["snapshot"] for r in rows} == {snapshot_date}
    assert all(r["sources"] for r in rows)
    olmo = next(r for r in rows if r["id"] == "allenai/olmo-7b")
    assert "mot" in olmo["sources"].split("; ")
    # The same facts in JSON lines name the same sources.
    code, out, _ = run(capsys, "--db", db, "export", "--format", "jsonl", "-")
    record = next(json.loads(line) for line in out.splitlines()
                  if json.loads(line)["id"] == "allenai/olmo-7b")
    assert olmo["sources"].split("; ") == sorted({s["source"] for s in record["sources"]})
    code, out, _ = run(capsys, "--db", db, "compare", "EleutherAI/pythia-70m",
                       "allenai/olmo-7b", "--format", "csv")
    compared = list(csv.DictReader(io.StringIO(out)))
    assert len(compared) == 2 and {r["snapshot"] for r in compared} == {snapshot_date}
    assert all("mot" in r["sources"] for r in compared)
    code, out, _ = run(capsys, "--db", db, "search", "olmo", "--format", "csv", "--limit", "3")
    found = list(csv.DictReader(io.StringIO(out)))
    assert found and all(r["snapshot"] == snapshot_date and r["sources"] for r in found)


# -- shell completion ----------------------------------------------------------------------------


COMMAND_NAMES = [m.COMMAND for m in command_modules()]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_script_for_each_shell(capsys, shell):
    code, out, err = run(capsys, "completion", shell)
    assert code == 0, err
    assert "completion" in COMMAND_NAMES and len(COMMAND_NAMES) >= 15
    for name in COMMAND_NAMES:
        assert name in out, f"{shell} script lacks {name}"
    assert "--db" in out and "--limit" in out
    assert out.count("openexplorer") >= 2


def test_unknown_shell_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["completion", "cmd.exe"])
    assert exit_.value.code == 2


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
def test_bash_completion_completes_commands_and_files(capsys, tmp_path):
    code, script, _ = run(capsys, "completion", "bash")
    path = tmp_path / "openexplorer.bash"
    path.write_text(script, encoding="utf-8")
    (tmp_path / "chart-here.svg").write_text("")
    probe = (f"source {path}; cd {tmp_path}; "
             "COMP_WORDS=(openexplorer se); COMP_CWORD=1; _shtab_openexplorer; "
             "echo \"${COMPREPLY[@]}\"; "
             "COMP_WORDS=(openexplorer compare a b --chart chart-); COMP_CWORD=5; "
             "_shtab_openexplorer; echo \"${COMPREPLY[@]}\"")
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
    first, second = done.stdout.splitlines()
    assert first.split() == ["search"]
    assert "chart-here.svg" in second


def test_the_parser_is_unchanged_by_completion(capsys):
    parser = build_parser()
    before = parser.format_help()
    run(capsys, "completion", "zsh")
    assert build_parser().format_help() == before
