"""Bad input, fuzzed with hypothesis: model card front matter, Hub JSON bodies (through the real
client), MOT and index YAML files, Epoch CSV rows, search text, command-line arguments.

Only clear, typed errors come out — an import problem, a HubError, exit status 1 or 2 — never an
unexpected exception, never a traceback for the user; and what an importer or the Hub hands us
can always be stored (it is ingested into a cache as part of the check).

``OPENEXPLORER_FUZZ=long`` runs 10,000 cases per target (``python benchmarks/soak.py --fuzz``);
CI runs :data:`CI_EXAMPLES`. Both are derandomized: the same cases every run.
"""

from __future__ import annotations

import contextlib
import copy
import csv
import io
import json
import math
import os
import shutil
import string
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from openexplorer import cli
from openexplorer.hub import evidence as hub_evidence
from openexplorer.store import recovery
from openexplorer.store import cache_file as store
from openexplorer.search import summary
from openexplorer.db.cache import Cache, quote_fts
from openexplorer.importers import epoch, mot, osai, osai_legacy
from openexplorer.core.records import ImportResult
from openexplorer.store.cache_file import open_cache
from openexplorer.store.ingest import ingest

CI_EXAMPLES = 120
LONG_EXAMPLES = 10_000
_common = dict(deadline=None, derandomize=True, database=None, print_blob=True,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                      HealthCheck.function_scoped_fixture,
                                      HealthCheck.filter_too_much, HealthCheck.large_base_example])
settings.register_profile("openexplorer-fuzz-ci", max_examples=CI_EXAMPLES, **_common)
settings.register_profile("openexplorer-fuzz-long", max_examples=LONG_EXAMPLES, **_common)
PROFILE = "openexplorer-fuzz-" + ("long" if os.environ.get("OPENEXPLORER_FUZZ") == "long"
                                  else "ci")
fuzz = settings(settings.get_profile(PROFILE))  # per test: other modules keep their settings


# -- shared strategies ----------------------------------------------------------------------------

# Text that hits the parsers' special characters often, and any unicode sometimes.
SPECIAL = "\"'*:^()-+.,;{}[]<>|&#!%@`~=?\\/\t\n\r \u00a0\u200b\ufeff\u202e"
tricky_text = st.one_of(
    st.text(),
    st.text(alphabet=string.ascii_letters + string.digits + SPECIAL, max_size=60),
    st.sampled_from(["NEAR(a b)", "a AND", "OR", "NOT x", '"', '""', "*", "a*b", "^x", "col:x",
                     "llama-3", "Llama 3.1 8B", "mof:I", "'; DROP TABLE releases; --",
                     "\x00", "\ud7ff", "😀" * 50, "ﷺ"]),
    st.integers(1000, 20_000).map(lambda n: "A" * n),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), tricky_text,
                    st.sampled_from(["2024-01-01", "2024-13-45", "yes", "~", ".inf", "0x1F"]))
json_values = st.recursive(
    scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                     st.dictionaries(tricky_text, inner, max_size=5)),
    max_leaves=25)


def json_safe(value: Any) -> Any:
    """``value`` with floats that JSON cannot carry (nan, inf) made finite."""
    if isinstance(value, float) and not math.isfinite(value):
        return 0.0
    if isinstance(value, list):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


_MEMORY: list[Cache] = []


def storable(result: ImportResult) -> None:
    """What an importer (or the Hub) hands over can be stored: ingest it into a cache (one per
    run, in memory: every case goes into the same one, as imports do)."""
    if not _MEMORY:
        _MEMORY.append(Cache.memory())
    ingest(_MEMORY[0], result)


# -- model cards ----------------------------------------------------------------------------------

CARD_KEYS = ["license", "license_name", "license_link", "datasets", "base_model",
             "base_model_relation", "tags", "language", "library_name", "pipeline_tag",
             "model-index", "extra_gated_prompt", "extra_gated_fields",
             "extra_gated_eu_disallowed", "inference", "widget", "co2_eq_emissions"]
front_matter = st.one_of(
    st.dictionaries(st.sampled_from(CARD_KEYS) | tricky_text, json_values, max_size=8)
    .map(lambda d: yaml.safe_dump(json_safe(d), allow_unicode=True)),
    tricky_text,
    st.sampled_from(["a: &a [1, 2]\nb: *a\n", "!!python/object:os.system ['echo']\n",
                     "[" * 500 + "]" * 500, "- a\n- b\n", "license: !!binary aGk=\n",
                     "key: [unclosed\n", "? complex key\n: value\n", "date: 2024-01-01\n"]),
)
card_text = st.builds(
    lambda lead, meta, close, body: f"{lead}---\n{meta}\n{close}\n{body}",
    st.sampled_from(["", "\ufeff", "\n", "  "]), front_matter,
    st.sampled_from(["---", "...", "", "--- extra"]), tricky_text)

HUB_KEYS = ["id", "modelId", "author", "sha", "private", "gated", "disabled", "downloads",
            "likes", "library_name", "tags", "pipeline_tag", "cardData", "siblings",
            "safetensors", "createdAt", "lastModified", "config", "baseModels", "gguf",
            "model-index", "_id"]
repo_ids = st.one_of(st.sampled_from(["org/model", "google/flan-t5-xxl", "a", "x/y/z", "",
                                      "meta-llama/Llama-3.1-8B"]), tricky_text)
hub_bodies = st.fixed_dictionaries(
    {"id": repo_ids},
    optional={k: json_values for k in HUB_KEYS if k != "id"}
    | {"tags": st.lists(st.one_of(tricky_text, st.sampled_from(
        ["license:mit", "license:", "dataset:a/b", "base_model:finetune:a/b", "arxiv:2401.1"]),
        json_values), max_size=8),
       "siblings": st.lists(st.one_of(st.fixed_dictionaries({"rfilename": scalars}),
                                      json_values), max_size=6),
       "cardData": st.dictionaries(st.sampled_from(CARD_KEYS), json_values, max_size=6)})


@fuzz
@given(card=card_text, body=hub_bodies)
@example(card="---\n{}\n---\n", body={"id": "org/model", "downloads": 9.223372036854776e18})
@example(card="", body={"id": "org/model", "downloads": 2**70, "likes": -(2**64)})
def test_card_front_matter_and_hub_bodies(card: str, body: dict[str, Any]) -> None:
    meta, rest = hub_evidence.card_metadata(card)
    assert isinstance(meta, dict) and isinstance(rest, str)
    assert all(isinstance(k, str) for k in meta)
    record = hub_evidence.record_from_hub(json_safe(body), card, fetched_at="2026-01-01T00:00:00Z")
    assert isinstance(record.key, str)
    if record.key:
        json.dumps(record.data, sort_keys=True)  # what the cache stores
        storable(ImportResult(records=[record]))


# -- Hub JSON bodies through the real client ------------------------------------------------------

@pytest.fixture(scope="module")
def module_hub(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from huggingface_hub import constants

    from tests.fake_hub import FakeHub, load_corpus

    previous = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = False
    hub = FakeHub(load_corpus(shared_data / "hub-samples")).start()
    hub.cache_dir = tmp_path_factory.mktemp("fuzz-hf") / "hub"
    try:
        yield hub
    finally:
        hub.stop()
        constants.HF_HUB_OFFLINE = previous
        import huggingface_hub

        huggingface_hub.close_session()


raw_bodies = st.one_of(
    hub_bodies.map(lambda b: json.dumps(json_safe(b)).encode()),
    json_values.map(lambda v: json.dumps(json_safe(v)).encode()),
    st.binary(max_size=200),
    st.sampled_from([b"", b"null", b"[]", b'{"id": null}', b'{"id": "org/m", "siblings": 5}',
                     b"\xff\xfe", b'{"id": "org/m", "createdAt": "not a date"}']),
)


@fuzz
@given(body=raw_bodies, content_type=st.sampled_from(
    ["application/json", "text/html", "application/json; charset=latin-1", ""]))
def test_hub_json_bodies_through_the_client(module_hub: Any, body: bytes,
                                            content_type: str) -> None:
    from openexplorer.hub.client import HubError
    from tests.fake_hub import Fault

    module_hub.clear_faults()
    module_hub.fail("/api/models/org/model", Fault(status=200, body=body,
                                                   content_type=content_type or None))
    client = module_hub.client(timeout=2)
    try:
        info = client.model_info("org/model")
    except HubError as exc:
        assert exc.kind in ("malformed", "not_found", "unreachable", "server")
        assert str(exc)
        return
    record = hub_evidence.record_from_hub(info, None, fetched_at="2026-01-01T00:00:00Z")
    if record.key:
        json.dumps(record.data, sort_keys=True)
        storable(ImportResult(records=[record]))


# -- MOT and index YAML files ---------------------------------------------------------------------

def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def yaml_seeds(shared_data: Path) -> dict[str, list[Any]]:
    mot_files = sorted((shared_data / "mof-mot" / "models").glob("*.yml"))[:5]
    osai_files = sorted((shared_data / "osai-index" / "models").glob("*.yaml"))[:5]
    legacy = sorted((shared_data / "opening-up-chatgpt" / "projects").glob("*.yaml"))[:5]
    return {"mot": [_load(p) for p in mot_files], "osai": [_load(p) for p in osai_files],
            "osai-legacy": [_load(p) for p in legacy]}


def mutate(document: Any, choices: list[tuple[int, Any]]) -> Any:
    """Replace nodes of ``document`` (chosen by index in a walk) with the given values."""
    def walk(node: Any, nodes: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
        if isinstance(node, dict):
            for key in list(node):
                nodes.append((node, key))
                walk(node[key], nodes)
        elif isinstance(node, list):
            for i in range(len(node)):
                nodes.append((node, i))
                walk(node[i], nodes)
        return nodes

    document = copy.deepcopy(document)
    for index, value in choices:
        nodes = walk(document, [])
        if not nodes:
            return value
        parent, key = nodes[index % len(nodes)]
        parent[key] = value
    return document


IMPORTERS = {"mot": (mot.read, ".yml"), "osai": (osai.read, ".yaml"),
             "osai-legacy": (osai_legacy.read, ".yaml")}


@fuzz
@given(source=st.sampled_from(sorted(IMPORTERS)), seed_index=st.integers(0, 4),
       changes=st.lists(st.tuples(st.integers(0, 10_000), json_values), max_size=6),
       raw=st.one_of(st.none(), front_matter))
def test_mot_and_index_yaml(yaml_seeds: dict[str, list[Any]], tmp_path_factory: Any,
                            source: str, seed_index: int, changes: list[tuple[int, Any]],
                            raw: str | None) -> None:
    read, suffix = IMPORTERS[source]
    folder = tmp_path_factory.mktemp("yaml")
    if raw is None:
        document = mutate(yaml_seeds[source][seed_index], changes)
        text = yaml.safe_dump(json_safe(document), allow_unicode=True)
    else:
        text = raw
    (folder / f"model{suffix}").write_text(text, encoding="utf-8", errors="replace")
    result = read(folder)
    assert isinstance(result, ImportResult)
    assert all(p.reason for p in result.problems)
    storable(result)
    shutil.rmtree(folder, ignore_errors=True)


# -- Epoch CSV rows -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def epoch_header(shared_data: Path) -> tuple[list[str], list[list[str]]]:
    with (shared_data / "epoch-ai" / "notable-ai-models.csv").open(encoding="utf-8",
                                                                   newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:6]


cells = st.one_of(tricky_text, st.sampled_from(
    ["", "Open weights (unrestricted)", "Open weights (non-commercial)", "Unreleased",
     "1.2e+25", "-1", "nan", "2024-02-30", "2024", "https://huggingface.co/org/m",
     "Meta AI", "Industry", "United States of America", "Language", "7000000000"]))


@fuzz
@given(data=st.data())
def test_epoch_csv_rows(epoch_header: tuple[list[str], list[list[str]]], tmp_path_factory: Any,
                        data: st.DataObject) -> None:
    header, real = epoch_header
    rows = []
    for _ in range(data.draw(st.integers(1, 4))):
        row = list(data.draw(st.sampled_from(real)))
        for index in data.draw(st.lists(st.integers(0, len(header) - 1), max_size=8)):
            row[index] = data.draw(cells)
        if data.draw(st.booleans()):
            row = row[: data.draw(st.integers(0, len(row)))]  # short rows, or extra cells
            row += data.draw(st.lists(cells, max_size=3))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(data.draw(st.one_of(st.just(header), st.lists(cells, max_size=5))))
    writer.writerows(rows)
    text = buffer.getvalue() + data.draw(st.sampled_from(["", "\n\n", '"unterminated', "\x00"]))
    folder = tmp_path_factory.mktemp("epoch")
    path = folder / "notable-ai-models.csv"
    path.write_text(text.replace("\ud800", ""), encoding="utf-8", errors="replace")
    for weights in (epoch.WEIGHTS_ALL, epoch.WEIGHTS_OPEN_OR_RESTRICTED):
        result = epoch.read(path, weights=weights)
        assert isinstance(result, ImportResult)
        storable(result)
    shutil.rmtree(folder, ignore_errors=True)


# -- search text ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz-cache") / "pristine.sqlite"
    open_cache(path).close()
    return path


@pytest.fixture(scope="module")
def search_cache(pristine: Path) -> Iterator[Cache]:
    with Cache.open(pristine) as cache:
        yield cache


search_text = st.one_of(tricky_text, st.lists(tricky_text, max_size=30).map(" ".join),
                        st.sampled_from([1_000_000, 100_000, 10_000, 1000, 5000]).flatmap(
                            lambda n: st.sampled_from(["x" * n, '"' * n, "* " * n, "NEAR(" * n,
                                                       "\u0301" * n])))


@fuzz
@given(text=search_text, limit=st.integers(-5, 500), offset=st.integers(-5, 10_000))
def test_search_text(search_cache: Cache, text: str, limit: int, offset: int) -> None:
    assert isinstance(quote_fts(text), str)
    rows = summary.search(search_cache, text, limit=limit, offset=offset)
    assert isinstance(rows, list) and len(rows) <= max(0, limit)
    assert summary.count(search_cache, text) >= len(rows)
    assert isinstance(search_cache.search(text, limit=limit, offset=offset), list)
    facets = summary.facet_counts(search_cache, text)
    assert isinstance(facets, dict)


# -- command-line arguments ------------------------------------------------------------------------

def _option_pool() -> list[str]:
    """Every subcommand, action and option the parser knows, and values that go with them."""
    pool: set[str] = set()

    def walk(parser: Any) -> None:
        for action in parser._actions:
            pool.update(a for a in action.option_strings if not a.startswith("--d"))
            if action.choices:
                pool.update(str(c) for c in action.choices)
                if isinstance(action.choices, dict):
                    for sub in action.choices.values():
                        walk(sub)

    walk(cli.build_parser())
    pool.discard("-h")
    pool.discard("--help")
    return sorted(pool)


OPTIONS = _option_pool()
COMMANDS = sorted(module.COMMAND for module in cli.command_modules())  # the parser's commands
VALUES = ["llama", "OLMo", "meta-llama/Llama-2-7b-hf", "allenai/OLMo-7B", "-", "--", "0", "-1",
          "1e309", "nan", "3", "out.png", "out.svg", "out.pdf", "out.jsonl", "out.csv", "out.json",
          "missing.yml", "I", "II", "III", "Permissive", "7d", "2025-01-01", "release", "family",
          "organization", "-h", "--help", "--version"]
# Words without a path separator or "..": nothing the fuzzer writes lands outside its folder.
safe_words = st.text(alphabet=st.characters(blacklist_characters="/\\\x00",
                                            blacklist_categories=("Cs",)), max_size=20).filter(
    lambda w: ".." not in w and not w.startswith(("~", "--d")))
argv_strategy = st.one_of(
    st.lists(st.one_of(st.sampled_from(OPTIONS + VALUES), safe_words), max_size=6),
    st.tuples(st.sampled_from(COMMANDS),
              st.lists(st.one_of(st.sampled_from(OPTIONS + VALUES), safe_words), max_size=7))
    .map(lambda t: [t[0], *t[1]]),
)


@pytest.fixture(scope="module")
def cli_folder(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-cli")
    (folder / "db").mkdir()
    shutil.copyfile(pristine, folder / "db" / "cache.sqlite")
    return folder


@fuzz
@given(argv=argv_strategy)
@example(argv=["export", ""])  # found by this test: open("") was a traceback
@example(argv=["export", "."])
@example(argv=["export", "--format", "csv", "db"])
@example(argv=["cache", "export-user", ""])
@example(argv=["cache", "restore-user", "."])
@example(argv=["import", "mot", "."])
@example(argv=["import", "epoch", "db"])
@example(argv=["compare", "allenai/OLMo-7B", "allenai/OLMo-7B", "--chart", ".png"])
def test_command_line_arguments(cli_folder: Path, pristine: Path, argv: list[str],
                                monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    from huggingface_hub import constants

    import openexplorer.ui.app

    monkeypatch.chdir(cli_folder)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", True)  # `refresh` must not go anywhere
    monkeypatch.setattr(openexplorer.ui.app, "main", lambda **kw: 0)  # no window
    monkeypatch.setattr(store, "create_from_snapshot",
                        lambda path: shutil.copyfile(pristine, path))
    db = cli_folder / "db" / "cache.sqlite"
    try:
        code = cli.main(["--db", str(db), *argv])
    except SystemExit as exc:  # argparse: --help, --version, a usage error
        assert exc.code in (0, 2, None), argv
    else:
        assert code in (0, 1, 2, 130), (argv, code)
    err = capsys.readouterr().err
    assert "Traceback" not in err, (argv, err)
    # What a `cache rebuild --force` or an export left behind: tidied, the cache kept.
    for leftover in cli_folder.glob("db/*"):
        if leftover.name not in ("cache.sqlite", "cache.sqlite-wal", "cache.sqlite-shm"):
            with contextlib.suppress(OSError):
                leftover.unlink()
    if not db.exists():
        shutil.copyfile(pristine, db)


def test_the_fuzz_profile() -> None:
    expected = LONG_EXAMPLES if os.environ.get("OPENEXPLORER_FUZZ") == "long" else CI_EXAMPLES
    assert fuzz.max_examples == expected
    assert "cache" in COMMANDS and "search" in COMMANDS and "--format" in OPTIONS
    assert recovery.USER_TABLES and sys.version_info >= (3, 11)
